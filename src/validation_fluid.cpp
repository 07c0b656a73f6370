// Fluid-side validation computations (Rest, B1, B4, calf emptying tau, R1/R2, Y1, Y4), moved from
// tests/cpp/models/test_fluid_validation.cpp and test_segment.cpp: protocol, run, measured model value.
#include <algorithm>
#include <cmath>
#include <vector>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/validation/blood_flow.hpp"
#include "massagesim/validation/lymph.hpp"
#include "massagesim/validation/rest.hpp"
#include "massagesim/validation/schedule.hpp"

namespace massagesim::validation {

using namespace massagesim::models;

namespace {

Solution<Segment::State> run(const Segment& seg, const Schedule& sc, const Segment::State& x0, double t1,
                             std::vector<double> ts) {
  auto prob = make_segment_problem(seg, sc, x0, 0.0, t1, sc.breakpoints());
  return solve(prob, Dopri5{}, StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 0.5},
               SaveAt{.ts_s = std::move(ts)});
}

std::vector<double> output_series(const Segment& seg, const Schedule& sc, const Solution<Segment::State>& sol,
                                  const char* name) {
  const int j = Segment::output_index(name);
  std::vector<double> v(sol.t_s.size());
  for (std::size_t k = 0; k < v.size(); ++k) {
    const Segment::State x = sol.x.col(static_cast<Eigen::Index>(k));
    v[k] = seg.outputs(x, sc(sol.t_s[k]))[static_cast<std::size_t>(j)];
  }
  return v;
}

double out(const Segment& seg, const Segment::State& x, const SegmentInputs& in, const char* name) {
  return seg.outputs(x, in)[static_cast<std::size_t>(Segment::output_index(name))];
}

/// Largest moving average over `w` consecutive samples from index k0 on.
double peak_moving_average(const std::vector<double>& v, std::size_t k0, std::size_t w) {
  double best = -1e300;
  for (std::size_t k = k0; k + w <= v.size(); ++k) {
    double s = 0.0;
    for (std::size_t j = 0; j < w; ++j) s += v[k + j];
    best = std::max(best, s / static_cast<double>(w));
  }
  return best;
}

Segment forearm_at(double height_cm) {
  SegmentParams p = default_forearm_params();
  p.rest_height_above_heart_cm = height_cm;
  return Segment(p);
}

/// B4 metric: peak 1-s (one cardiac cycle) mean inflow after a single 1-s 100 mmHg compression,
/// minus the resting inflow [mL/100 mL/min].
double b4_rise(double height_cm) {
  const Segment seg = forearm_at(height_cm);
  const SegmentInputs rest = seg.rest_inputs();
  const Segment::State x0 = rest_state(seg, &rest);
  Schedule sc;
  sc.add(0.0, rest);
  sc.add_cycles(10.0, 1, 1.0, 0.0, 100.0, rest);
  const auto sol = run(seg, sc, x0, 40.0, linspace(0.0, 40.0, 4001));
  const auto q = output_series(seg, sc, sol, "arterial_inflow_mL_per_min_per_100g");
  return peak_moving_average(q, 1100, 100) - q[500];
}

/// Reactive hyperaemia: peak 3-s mean inflow increase [mL/min] after an occlusion (250 mmHg cuff).
double rh_peak_increase(const Segment& seg, const Segment::State& x0, double occlusion_s) {
  const SegmentInputs rest = seg.rest_inputs();
  Schedule sc;
  sc.add(0.0, rest);
  SegmentInputs cuff = rest;
  cuff.applied_pressure_mmHg = 250.0;
  sc.add(5.0, cuff);
  sc.add(5.0 + occlusion_s, rest);
  const double t1 = 5.0 + occlusion_s + 120.0;
  const auto sol = run(seg, sc, x0, t1, linspace(5.0 + occlusion_s, t1, 12001));
  const auto q = output_series(seg, sc, sol, "arterial_inflow_mL_per_min");
  return peak_moving_average(q, 0, 300) - out(seg, x0, rest, "arterial_inflow_mL_per_min");
}

}  // namespace

// ---- Rest ------------------------------------------------------------------------------------------
const RestValues& rest_values() {
  static const RestValues r = [] {
    RestValues v;
    const Segment seg(default_calf_params());
    const Segment::State x = rest_state(seg, nullptr, &v.steady_state_residual);
    const SegmentInputs in = seg.rest_inputs();
    v.flow_mL_per_min_per_100g = out(seg, x, in, "arterial_inflow_mL_per_min_per_100g");
    v.capillary_pressure_mmHg = out(seg, x, in, "capillary_pressure_mmHg");
    v.interstitial_pressure_mmHg = out(seg, x, in, "interstitial_fluid_pressure_mmHg");
    v.intramuscular_pressure_mmHg = out(seg, x, in, "intramuscular_pressure_mmHg");
    v.arterial_inflow_mL_per_min = out(seg, x, in, "arterial_inflow_mL_per_min");
    v.venous_outflow_mL_per_min = out(seg, x, in, "venous_outflow_mL_per_min");
    v.lymph_flow_mL_per_min = out(seg, x, in, "lymph_flow_mL_per_min");
    v.lymph_flow_mL_per_h_per_100g = out(seg, x, in, "lymph_flow_mL_per_h_per_100g");
    v.mean_arterial_pressure_mmHg = in.arterial_pressure_mmHg;
    v.venous_lactate_mmol_per_L = x[SegmentLayout::metabolites + kLactateCap];
    v.pain_drive = out(seg, x, in, "pain_drive");
    v.reflex_gain = out(seg, x, in, "reflex_gain");
    v.vasodilator_signal = out(seg, x, in, "vasodilator_signal");
    v.o2_uptake_mL_per_min = out(seg, x, in, "o2_uptake_mL_per_min");
    return v;
  }();
  return r;
}

// ---- B1 --------------------------------------------------------------------------------------------
const B1Result& b1_shoemaker1997() {
  static const B1Result r = [] {
    B1Result b;
    const Segment seg = forearm_at(0.0);
    const SegmentInputs rest = seg.rest_inputs();
    const Segment::State x0 = rest_state(seg, &rest);
    b.rest_inflow_mL_per_min = seg.outputs(x0, rest)[0];
    for (std::size_t i = 0; i < b.pressure_mmHg.size(); ++i) {
      Schedule sc;
      sc.add(0.0, rest);
      sc.add_cycles(10.0, 150, 1.0, 1.0, b.pressure_mmHg[i], rest);
      sc.add(310.0, rest);
      const auto sol = run(seg, sc, x0, 320.0, linspace(10.0, 310.0, 30001));
      const auto q = output_series(seg, sc, sol, "arterial_inflow_mL_per_min");
      double mean = 0.0;
      for (std::size_t k = 0; k + 1 < q.size(); ++k) mean += q[k];
      mean /= static_cast<double>(q.size() - 1);
      b.mean_inflow_mL_per_min[i] = mean;
      b.change[i] = mean / b.rest_inflow_mL_per_min - 1.0;
    }
    {
      Schedule sc;
      sc.add(0.0, rest);
      SegmentInputs grip = rest;
      grip.exercise_intensity = b.contraction_intensity;
      sc.add(10.0, grip);
      sc.add(130.0, rest);
      const auto sol = run(seg, sc, x0, 131.0, linspace(100.0, 130.0, 3001));
      const auto q = output_series(seg, sc, sol, "arterial_inflow_mL_per_min");
      double mean = 0.0;
      for (std::size_t k = 0; k + 1 < q.size(); ++k) mean += q[k];
      mean /= static_cast<double>(q.size() - 1);
      b.contraction_inflow_ratio = mean / b.rest_inflow_mL_per_min;
    }
    return b;
  }();
  return r;
}

// ---- B4 --------------------------------------------------------------------------------------------
const B4Result& b4_tschakovsky1996() {
  static const B4Result r{b4_rise(kBelowHeart_cm), b4_rise(kAboveHeart_cm)};
  return r;
}

// ---- P5 calf venous emptying -------------------------------------------------------------------------
const CalfEmptyingResult& calf_venous_emptying() {
  static const CalfEmptyingResult r = [] {
    CalfEmptyingResult c;
    const Segment seg(default_calf_params());
    const Segment::State x0 = rest_state(seg);
    const SegmentInputs rest = seg.rest_inputs();
    Schedule sc;
    sc.add(0.0, rest);
    SegmentInputs squeeze = rest;
    squeeze.applied_pressure_mmHg = 20.0;
    sc.add(5.0, squeeze);
    const auto sol = run(seg, sc, x0, 65.0, linspace(0.0, 65.0, 6501));
    const auto vb = output_series(seg, sc, sol, "blood_volume_mL");
    const double v0 = vb[500], vinf = vb.back();
    c.expelled_mL = v0 - vinf;
    for (std::size_t k = 500; k < vb.size(); ++k)
      if ((vb[k] - vinf) <= (v0 - vinf) / std::exp(1.0)) {
        c.tau_s = sol.t_s[k] - 5.0;
        break;
      }
    if (c.tau_s > 0.0) {
      const std::size_t k2 = std::min(vb.size() - 1, 500 + static_cast<std::size_t>(std::lround(200.0 * c.tau_s)));
      c.remaining_at_2tau = (vb[k2] - vinf) / (v0 - vinf);
    }
    return c;
  }();
  return r;
}

// ---- R1 / R2 -----------------------------------------------------------------------------------------
const ReactiveHyperaemiaResult& r1_r2_reactive_hyperaemia() {
  static const ReactiveHyperaemiaResult r = [] {
    ReactiveHyperaemiaResult rh;
    const double heights[2] = {kAboveHeart_cm, kBelowHeart_cm};
    for (int h = 0; h < 2; ++h) {
      const Segment seg = forearm_at(heights[h]);
      const SegmentInputs rest = seg.rest_inputs();
      const Segment::State x0 = rest_state(seg, &rest);
      auto& dst = h == 0 ? rh.above : rh.below;
      for (std::size_t i = 0; i < 4; ++i) dst[i] = rh_peak_increase(seg, x0, rh.durations_s[i]);
    }
    const Segment seg = forearm_at(0.0);
    const SegmentInputs rest = seg.rest_inputs();
    rh.heart_level_5min = rh_peak_increase(seg, rest_state(seg, &rest), 300.0);
    return rh;
  }();
  return r;
}

// ---- Y1 ------------------------------------------------------------------------------------------------
double Y1Result::trigger_margin_mmHg() const {
  if (light.pulses == 0 && firm.pulses == 0) return std::nan("");  // no pulse: nothing to judge
  return std::min(light.min_fill_at_onset_mmHg, firm.min_fill_at_onset_mmHg) -
         (contraction_threshold_mmHg - 2.0 * contraction_trigger_width_mmHg);
}

double Y1Result::firm_minus_light_pulses() const {
  if (light.pulses == 0 && firm.pulses == 0) return std::nan("");  // no pulse in either: no evidence either way
  return double(firm.pulses - light.pulses);
}

const Y1Result& y1_olszewski1980() {
  static const Y1Result r = [] {
    SegmentParams p = default_calf_params();
    p.collector_applied_pressure_fraction = 0.0;
    const Segment seg(p);
    const SegmentInputs rest = seg.rest_inputs();
    const Segment::State x0 = rest_state(seg);
    const int ia = SegmentLayout::lymph + InterstitiumLymphLayout::collector_activation;
    auto measure = [&](double p_mmHg) {
      Schedule sc;
      sc.add(0.0, rest);
      if (p_mmHg > 0.0) sc.add_cycles(60.0, 150, 1.0, 1.0, p_mmHg, rest);
      sc.add(360.0, rest);
      const auto sol = run(seg, sc, x0, 360.0, linspace(60.0, 360.0, 3001));
      const auto pc = output_series(seg, sc, sol, "collector_pressure_mmHg");
      const auto fill = output_series(seg, sc, sol, "collector_filling_pressure_mmHg");
      Y1Arm a;
      for (Eigen::Index k = 1; k < sol.n_saved(); ++k) {
        if (sol.x(ia, k - 1) < 0.2 && sol.x(ia, k) >= 0.2) {
          ++a.pulses;
          // the filling that triggered it: largest filling pressure in the 5 s before the crossing
          double fmax = -1e9;
          for (Eigen::Index j = std::max<Eigen::Index>(0, k - 50); j <= k; ++j)
            fmax = std::max(fmax, fill[static_cast<std::size_t>(j)]);
          a.min_fill_at_onset_mmHg = std::min(a.min_fill_at_onset_mmHg, fmax);
        }
        a.peak_pressure_mmHg = std::max(a.peak_pressure_mmHg, pc[static_cast<std::size_t>(k)]);
      }
      const int il = SegmentLayout::audit + FluidAuditLayout::lymph_outflow;
      a.lymph_mL = sol.x(il, sol.n_saved() - 1) - sol.x(il, 0);
      return a;
    };
    Y1Result y;
    y.rest = measure(0.0);
    y.light = measure(30.0);
    y.firm = measure(90.0);
    y.contraction_threshold_mmHg = p.contraction_threshold_mmHg;
    y.contraction_trigger_width_mmHg = p.contraction_trigger_width_mmHg;
    return y;
  }();
  return r;
}

// ---- Y4 ------------------------------------------------------------------------------------------------
const Y4Result& y4_lymph_pump() {
  static const Y4Result r = [] {
    const Segment seg(default_calf_params());
    const SegmentInputs rest = seg.rest_inputs();
    const Segment::State x0 = rest_state(seg);
    Y4Result y;
    y.baseline_mL_per_min = out(seg, x0, rest, "lymph_flow_mL_per_min");
    Schedule sc;
    sc.add(0.0, rest);
    sc.add_cycles(0.0, 1800, 1.0, 1.0, 60.0, rest);
    std::vector<double> ts;
    for (int m = 0; m <= 60; ++m) ts.push_back(60.0 * m);
    const auto sol = run(seg, sc, x0, 3600.0, ts);
    const int il = SegmentLayout::audit + FluidAuditLayout::lymph_outflow;
    const double base = y.baseline_mL_per_min;
    auto extra = [&](int m0, int m1) {  // lymph above baseline between minutes m0 and m1 [mL]
      return sol.x(il, m1) - sol.x(il, m0) - base * (m1 - m0);
    };
    y.extra_first10_mL = extra(0, 10);
    y.extra_last10_mL = extra(50, 60);
    y.extra_total_mL = extra(0, 60);
    y.minute2_ratio = (sol.x(il, 2) - sol.x(il, 1)) / base;
    y.last10_ratio = (sol.x(il, 60) - sol.x(il, 50)) / 10.0 / base;
    return y;
  }();
  return r;
}

}  // namespace massagesim::validation
