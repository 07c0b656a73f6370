// Fluid-side validation targets of validation.md: B1, B4, calf venous emptying (P5), R1/R2, Y1, Y4.
// A target the model cannot reach yet is asserted as its CURRENT gap ("EXPECTED FAILURE"), so the
// test fails once the gap closes and the assertion must then be turned into the band check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "schedule.hpp"

using namespace massagesim;
using namespace massagesim::models;
using massagesim::test::Schedule;

namespace {

Solution<Segment::State> run(const Segment& seg, const Schedule& sc, const Segment::State& x0, double t1,
                             std::vector<double> ts) {
  auto prob = make_segment_problem(seg, sc, x0, 0.0, t1, sc.breakpoints());
  return solve(prob, Dopri5{}, StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 0.5}, SaveAt{.ts_s = std::move(ts)});
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
  p.tissue.rest_height_above_heart_cm = height_cm;
  return Segment(p);
}

// Arm positions of the posture studies (B4, R1): not given in the abstracts; we assume the forearm
// 30 cm below / above the heart (arm hanging / raised) [assumption, GK].
constexpr double kBelowHeart_cm = -30.0;
constexpr double kAboveHeart_cm = 30.0;

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
  return peak_moving_average(q, 0, 300) - seg.outputs(x0, rest)[static_cast<std::size_t>(Segment::output_index("arterial_inflow_mL_per_min"))];
}

}  // namespace

// B1 Shoemaker JK, Tiidus PM, Mader R (1997) Med Sci Sports Exerc 29:610: effleurage, petrissage and
// tapotement on the resting forearm leave conduit flow unchanged (39.1 +/- 6.4 mL/min brachial; change
// < ~10 %). Protocol: forearm at heart level, 5 min of strokes at 0.5 Hz (1 s on / 1 s off; Eliska
// 1995: 25 strokes/min); 60 mmHg under the hand (Olszewski: manual massage 60-120 mmHg) over about
// half the segment -> 30 mmHg segment-average applied pressure (nominal). Null band: |change| <= 10 %.
TEST(FluidValidation, B1_MassageOfRestingForearmLeavesInflowUnchanged) {
  const Segment seg = forearm_at(0.0);
  const SegmentInputs rest = seg.rest_inputs();
  const Segment::State x0 = rest_state(seg, &rest);
  const double base = seg.outputs(x0, rest)[0];
  for (double p_mmHg : {30.0, 60.0, 100.0}) {
    Schedule sc;
    sc.add(0.0, rest);
    sc.add_cycles(10.0, 150, 1.0, 1.0, p_mmHg, rest);
    sc.add(310.0, rest);
    const auto sol = run(seg, sc, x0, 320.0, linspace(10.0, 310.0, 30001));
    const auto q = output_series(seg, sc, sol, "arterial_inflow_mL_per_min");
    double mean = 0.0;
    for (std::size_t k = 0; k + 1 < q.size(); ++k) mean += q[k];
    mean /= static_cast<double>(q.size() - 1);
    const double change = mean / base - 1.0;
    std::printf("B1 %5.1f mmHg: resting inflow %.1f mL/min, mean during massage %.1f (%+.1f %%)\n", p_mmHg, base, mean,
                100.0 * change);
    // Honesty: massage of resting muscle must never RAISE bulk inflow beyond the null band.
    EXPECT_LE(change, 0.10) << "massage raised resting inflow at " << p_mmHg << " mmHg";
    if (p_mmHg == 30.0) {
      EXPECT_LE(std::abs(change), 0.10) << "B1 null band at the nominal protocol";
    }
  }
}

// B4 Tschakovsky ME, Shoemaker JK, Hughson RL (1996) Am J Physiol: one 1-s 100 mmHg forearm
// compression, post-release inflow rise 7.7 +/- 0.7 mL/100 mL/min (arm below heart), 3.0 +/- 0.4 (above).
TEST(FluidValidation, B4_SingleCompressionInflowRise_ExpectedFailure) {
  const double below = b4_rise(kBelowHeart_cm), above = b4_rise(kAboveHeart_cm);
  std::printf("B4: post-release rise below heart %.2f (data 7.7 +/- 0.7), above heart %.2f (data 3.0 +/- 0.4) "
              "mL/100 mL/min; ratio above/below %.2f (data 0.39)\n", below, above, above / below);
  // What the model gets right: a positive post-release transient in both positions.
  EXPECT_GT(below, 1.0);
  EXPECT_GT(above, 1.0);
  // EXPECTED FAILURE (current gap): the below-heart rise falls short of 7.7 +/- 0.7 and the posture
  // dependence is too weak. The rise is dominated by the refill of squeezed arteries (posture
  // independent); emptied veins refill at the inflow rate behind the venular waterfall, and the model
  // has no compression-induced rapid vasodilation (Kirby 2007 J Physiol 583:861; Clifford 2006).
  EXPECT_LT(below, 7.7 - 0.7) << "B4 below heart now inside the band: replace this gap assertion by the band";
  EXPECT_GT(above / below, 0.6) << "B4 posture ratio fixed: replace this gap assertion by the band";
}

// P5 calf venous emptying: Phys Med Biol 1977;22:1146 (PubMed 594144): volume falls exponentially under
// a sudden external pressure, tau = R C = 3.8 s kPa/% x 1.1 %/kPa = 4.2 s [D]; propagated SD of the
// product from the published SDs (R 34 %, C 27 %) = 44 % -> band 4.2 +/- 1.8 s [D]. Protocol: sudden
// 20 mmHg (2.7 kPa, assumed within the study's range) on the default supine calf.
TEST(FluidValidation, CalfVenousEmptyingTimeConstant) {
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
  double tau = -1.0;
  for (std::size_t k = 500; k < vb.size(); ++k)
    if ((vb[k] - vinf) <= (v0 - vinf) / std::exp(1.0)) {
      tau = sol.t_s[k] - 5.0;
      break;
    }
  ASSERT_GT(tau, 0.0);
  const std::size_t k2 = 500 + static_cast<std::size_t>(std::lround(200.0 * tau));
  const double frac2 = (vb[k2] - vinf) / (v0 - vinf);
  std::printf("P5 calf: expelled %.1f mL (%.2f %% of calf volume), tau %.2f s (data 4.2 +/- 1.8 s [D]); "
              "remaining fraction at 2 tau %.3f (exponential: 0.135)\n", v0 - vinf, (v0 - vinf) / 20.0, tau, frac2);
  EXPECT_GE(tau, 4.2 - 1.8);
  EXPECT_LE(tau, 4.2 + 1.8);
  EXPECT_NEAR(frac2, std::exp(-2.0), 0.08) << "emptying should be close to exponential";
}

// R1 reactive hyperaemia vs occlusion duration and arm position (PMC4556838): peak flow increase
// above heart 77 +/- 11, 178 +/- 24, 291 +/- 25, 398 +/- 33 mL/min; below heart 96 +/- 19, 279 +/- 62,
// 550 +/- 60, 711 +/- 69 mL/min after 0.5, 1, 2, 5 min. R2 (PMC3285391): arm up < supine ~ down.
TEST(FluidValidation, R1_R2_ReactiveHyperaemiaRisesSaturatesAndDependsOnPosture) {
  const double durations[4] = {30.0, 60.0, 120.0, 300.0};
  const double above_data[4] = {77, 178, 291, 398}, above_sd[4] = {11, 24, 25, 33};
  const double below_data[4] = {96, 279, 550, 711}, below_sd[4] = {19, 62, 60, 69};
  double peak[2][4];
  const double heights[2] = {kAboveHeart_cm, kBelowHeart_cm};
  for (int h = 0; h < 2; ++h) {
    const Segment seg = forearm_at(heights[h]);
    const SegmentInputs rest = seg.rest_inputs();
    const Segment::State x0 = rest_state(seg, &rest);
    for (int i = 0; i < 4; ++i) peak[h][i] = rh_peak_increase(seg, x0, durations[i]);
  }
  int in_band = 0;
  for (int i = 0; i < 4; ++i) {
    const bool a_ok = std::abs(peak[0][i] - above_data[i]) <= above_sd[i];
    const bool b_ok = std::abs(peak[1][i] - below_data[i]) <= below_sd[i];
    in_band += a_ok + b_ok;
    std::printf("R1 %3.0f s: above %.0f (data %.0f +/- %.0f)%s, below %.0f (data %.0f +/- %.0f)%s mL/min\n",
                durations[i], peak[0][i], above_data[i], above_sd[i], a_ok ? "" : " OUT", peak[1][i], below_data[i],
                below_sd[i], b_ok ? "" : " OUT");
  }
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i + 1 < 4; ++i) EXPECT_GT(peak[h][i + 1], peak[h][i]) << "peak must rise with occlusion time";
    // Saturation: the gain per minute of occlusion falls from (0.5 -> 1 min) to (2 -> 5 min).
    EXPECT_LT((peak[h][3] - peak[h][2]) / 3.0, (peak[h][1] - peak[h][0]) / 0.5);
  }
  for (int i = 0; i < 4; ++i) EXPECT_GT(peak[1][i], peak[0][i]) << "below heart must exceed above heart";
  // R2: 5-min peak, arm up < supine (heart level) (338 +/- 38 vs 430 +/- 52 mL/min).
  {
    const Segment seg = forearm_at(0.0);
    const SegmentInputs rest = seg.rest_inputs();
    const double supine = rh_peak_increase(seg, rest_state(seg, &rest), 300.0);
    std::printf("R2 5-min peak increase: up %.0f, heart level %.0f, down %.0f mL/min\n", peak[0][3], supine, peak[1][3]);
    EXPECT_LT(peak[0][3], supine);
  }
  // EXPECTED FAILURE (current gap): posture dependence of the magnitude is too weak (above-heart peaks
  // after 2 and 5 min exceed their bands: only perfusion pressure differs between positions).
  std::printf("R1 points inside mean +/- SD: %d of 8\n", in_band);
  EXPECT_GT(peak[0][3], above_data[3] + above_sd[3]) << "R1 above-heart 5-min peak now in band: tighten this test";
}

// Y1 Olszewski WL, Engeset A (1980) Am J Physiol 239:H775: lymph moves in pulses of intrinsic
// contractions triggered by filling (threshold 5-25 mmHg); foot massage raised pulse frequency and flow,
// not lymph pressure. Protocol: massage of the drainage area, cannulated collector downstream of it
// (collector_applied_pressure_fraction = 0), 5 min at 0.5 Hz, light (30 mmHg) and firm (90 mmHg).
TEST(FluidValidation, Y1_LymphPulsesTriggeredByFillingMassageRaisesFlowNotPressure) {
  SegmentParams p = default_calf_params();
  p.lymph.collector_applied_pressure_fraction = 0.0;
  const Segment seg(p);
  const SegmentInputs rest = seg.rest_inputs();
  const Segment::State x0 = rest_state(seg);
  const int ia = SegmentLayout::lymph + InterstitiumLymphLayout::collector_activation;
  struct Result { int pulses; double lymph_mL; double peak_mmHg; double min_fill_at_onset; };
  auto measure = [&](double p_mmHg) {
    Schedule sc;
    sc.add(0.0, rest);
    if (p_mmHg > 0.0) sc.add_cycles(60.0, 150, 1.0, 1.0, p_mmHg, rest);
    sc.add(360.0, rest);
    const auto sol = run(seg, sc, x0, 360.0, linspace(60.0, 360.0, 3001));
    const auto pc = output_series(seg, sc, sol, "collector_pressure_mmHg");
    const auto fill = output_series(seg, sc, sol, "collector_filling_pressure_mmHg");
    Result r{0, 0.0, 0.0, 1e9};
    for (Eigen::Index k = 1; k < sol.n_saved(); ++k) {
      if (sol.x(ia, k - 1) < 0.2 && sol.x(ia, k) >= 0.2) {
        ++r.pulses;
        // the filling that triggered it: largest filling pressure in the 5 s before the crossing
        double fmax = -1e9;
        for (Eigen::Index j = std::max<Eigen::Index>(0, k - 50); j <= k; ++j) fmax = std::max(fmax, fill[static_cast<std::size_t>(j)]);
        r.min_fill_at_onset = std::min(r.min_fill_at_onset, fmax);
      }
      r.peak_mmHg = std::max(r.peak_mmHg, pc[static_cast<std::size_t>(k)]);
    }
    const int il = SegmentLayout::audit + FluidAuditLayout::lymph_outflow;
    r.lymph_mL = sol.x(il, sol.n_saved() - 1) - sol.x(il, 0);
    return r;
  };
  const Result r0 = measure(0.0), r1 = measure(30.0), r2 = measure(90.0);
  std::printf("Y1 5 min: rest %d pulses, lymph %.3f mL, peak %.1f mmHg | light massage %d pulses, %.3f mL, peak %.1f "
              "mmHg | firm massage %d pulses, %.3f mL, peak %.1f mmHg; lowest triggering filling pressure %.2f "
              "(threshold %.1f)\n", r0.pulses, r0.lymph_mL, r0.peak_mmHg, r1.pulses, r1.lymph_mL, r1.peak_mmHg, r2.pulses,
              r2.lymph_mL, r2.peak_mmHg, std::min(r1.min_fill_at_onset, r2.min_fill_at_onset), p.lymph.contraction_threshold_mmHg);
  EXPECT_GT(r1.pulses, r0.pulses) << "massage must raise pulse frequency";
  EXPECT_GE(r2.pulses, r1.pulses);
  EXPECT_GT(r1.lymph_mL, 2.0 * r0.lymph_mL) << "massage must raise lymph flow";
  EXPECT_GT(r2.lymph_mL, r1.lymph_mL);
  // Contractions are triggered by filling: each pulse is preceded (within 5 s) by a filling pressure of at
  // least the threshold minus 2 trigger widths.
  EXPECT_GE(std::min(r1.min_fill_at_onset, r2.min_fill_at_onset),
            p.lymph.contraction_threshold_mmHg - 2.0 * p.lymph.contraction_trigger_width_mmHg);
  // Pulse pressure is set by the contraction, not by the massage: firm vs light within 15 %.
  EXPECT_NEAR(r2.peak_mmHg / r1.peak_mmHg, 1.0, 0.15);
  // EXPECTED FAILURE (current gap): at rest the model's lymphangion is quiescent (a steady state with a
  // passive trickle), whereas Olszewski saw flow only during spontaneous pulse waves.
  EXPECT_EQ(r0.pulses, 0) << "spontaneous resting pulses now present: replace by a pulse-frequency band";
}

// Y4 (dogs) manual lymphatic pump: flow rises (1.7 +/- 0.5 -> 5.0 +/- 1.1 mL/min, thoracic duct) and
// returns to baseline despite continued pumping, net +15.4 +/- 1.1 mL (Knott 2005 J Am Osteopath Assoc
// 105:447 and the 8-min pump study, physiology.md §1E): a finite mobilisable volume. Protocol: 60 min
// of 60 mmHg, 1 s on / 1 s off on the default calf.
TEST(FluidValidation, Y4_PumpingMobilisesAFiniteVolumeThenFlowReturnsToBaseline) {
  const Segment seg(default_calf_params());
  const SegmentInputs rest = seg.rest_inputs();
  const Segment::State x0 = rest_state(seg);
  const double base = seg.outputs(x0, rest)[static_cast<std::size_t>(Segment::output_index("lymph_flow_mL_per_min"))];
  Schedule sc;
  sc.add(0.0, rest);
  sc.add_cycles(0.0, 1800, 1.0, 1.0, 60.0, rest);
  std::vector<double> ts;
  for (int m = 0; m <= 60; ++m) ts.push_back(60.0 * m);
  const auto sol = run(seg, sc, x0, 3600.0, ts);
  const int il = SegmentLayout::audit + FluidAuditLayout::lymph_outflow;
  auto extra = [&](int m0, int m1) {  // lymph above baseline between minutes m0 and m1 [mL]
    return sol.x(il, m1) - sol.x(il, m0) - base * (m1 - m0);
  };
  const double first = extra(0, 10), last = extra(50, 60), total = extra(0, 60);
  const double peak_ratio = (sol.x(il, 2) - sol.x(il, 1)) / base;
  const double last_ratio = (sol.x(il, 60) - sol.x(il, 50)) / 10.0 / base;
  std::printf("Y4: baseline %.3f mL/min; minute-2 flow %.1f x baseline; extra lymph first 10 min %.2f mL, last 10 min "
              "%.2f mL; total mobilised %.1f mL (%.2f mL/100 g); last-10-min flow %.2f x baseline\n", base, peak_ratio,
              first, last, total, total / 20.0, last_ratio);
  EXPECT_GT(peak_ratio, 2.0) << "pumping must raise lymph flow";
  EXPECT_LT(last, 0.25 * first) << "the mobilisable volume must run out";
  EXPECT_NEAR(last_ratio, 1.0, 0.5) << "flow must return toward baseline despite continued pumping";
}
