// Lactate and tone validation computations (Rest lactate, L1, L2, L3/L5/L6/L7, L10, T1, T2/T3, T4), moved
// from tests/cpp/metabolism/test_lactate_pool.cpp, test_muscle_tone.cpp and test_segment_metabolism.cpp.
#include <cmath>
#include <string>
#include <vector>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/validation/harness.hpp"
#include "massagesim/validation/lactate.hpp"
#include "massagesim/validation/rest.hpp"
#include "massagesim/validation/tone.hpp"

namespace massagesim::validation {

using namespace massagesim::validation::harness;

namespace {

const mm::WholeBodyLactateParams& wb_params() {
  static const mm::WholeBodyLactateParams p{};
  return p;
}
const WbState& wb_rest_state() {
  static const WbState x = wb_rest(wb_params());
  return x;
}

LactateRecovery to_recovery(const Recovery_metrics& m) { return {m.peak_mmol_per_L, m.t_peak_min, m.half_life_min}; }

LactateRecovery gupta(Recovery mode, double massage_flow_multiplier = 1.0, double massage_duration_s = 600.0,
                      WbRun* out = nullptr) {
  GuptaProtocol g;
  g.mode = mode;
  g.massage_flow_multiplier = massage_flow_multiplier;
  g.massage_duration_s = massage_duration_s;
  auto r = run_wb(wb_params(), g, wb_rest_state(), 0.0, g.t_end_ex() + 45 * 60.0, g.breaks(), 6.0);
  const auto m = recovery_metrics(r, g.t_end_ex());
  if (out) *out = std::move(r);
  return to_recovery(m);
}

double blood_at(const WbRun& r, double t_s) {
  for (std::size_t k = 0; k + 1 < r.t_s.size(); ++k)
    if (r.t_s[k + 1] >= t_s) {
      const double w = (t_s - r.t_s[k]) / (r.t_s[k + 1] - r.t_s[k]);
      return (1 - w) * r.x(mm::kWbBlood, Eigen::Index(k)) + w * r.x(mm::kWbBlood, Eigen::Index(k + 1));
    }
  return r.x(mm::kWbBlood, r.x.cols() - 1);
}

/// Runs exercise phases then recovery (rest / massage / active at `active_intensity`), returns BLa at t_eval
/// seconds after the start of the recovery phase `recovery_index`.
LactateNullArms run_null(std::vector<Phase> phases, std::size_t recovery_index, double t_eval_s,
                         double active_intensity, std::vector<Phase> tail = {}) {
  LactateNullArms res{};
  for (int mode = 0; mode < 3; ++mode) {
    PhaseProtocol prot;
    prot.phases = phases;
    Phase& rec = prot.phases[recovery_index];
    if (mode == 1) rec.massage = true;
    if (mode == 2) rec.whole_body_intensity = rec.working_muscle_intensity = active_intensity;
    for (const auto& ph : tail) prot.phases.push_back(ph);
    const double t_ev = prot.start_of(recovery_index) + t_eval_s;
    const auto r = run_wb(wb_params(), prot, wb_rest_state(), 0.0, prot.total(), prot.breaks(), 6.0);
    (mode == 0 ? res.rest : mode == 1 ? res.massage : res.active) = blood_at(r, t_ev);
  }
  return res;
}

/// Exponential post-exercise inflow Q(t) = Q_r + (Q0 - Q_r) e^{-t/tau} through Q(30 s) = q30 with 10-min AUC.
struct InflowCurve {
  double q_rest = 40.0, q0 = 0, tau_min = 1;
  static InflowCurve fit(double q30, double auc_mL) {
    InflowCurve c;
    double lo = 0.2, hi = 60.0;
    for (int it = 0; it < 200; ++it) {
      const double tau = 0.5 * (lo + hi);
      const double amp = (q30 - c.q_rest) * std::exp(0.5 / tau);
      const double auc = 10 * c.q_rest + amp * tau * (1 - std::exp(-10 / tau));
      (auc > auc_mL ? hi : lo) = tau;
    }
    c.tau_min = 0.5 * (lo + hi);
    c.q0 = c.q_rest + (q30 - c.q_rest) * std::exp(0.5 / c.tau_min);
    return c;
  }
  double operator()(double t_min) const { return q_rest + (q0 - q_rest) * std::exp(-t_min / tau_min); }
};

struct L1Run {
  double efflux_auc_mmol, va_30s;
};
/// Forearm (1 kg muscle): 2 min handgrip at `intensity` with 300 mL/min inflow, then 10 min of recovery with the
/// prescribed inflow curve; massage = strokes + massage_drive on the segment. Arterial lactate fixed at 1 mmol/L.
L1Run run_l1(double intensity, const InflowCurve& q, bool massage) {
  SegmentSystem sys;
  sys.protocol = [=](double t) {
    SegInputs in;
    in.arterial_lactate_mmol_per_L = 1.0;
    if (t < 0) {
      in.prescribed_inflow_mL_per_min = 40.0;
    } else if (t < 120) {
      in.exercise_intensity = intensity;
      in.prescribed_inflow_mL_per_min = 300.0;
    } else {
      in.prescribed_inflow_mL_per_min = q((t - 120) / 60.0);
      if (massage) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 120), in.massage_drive = 1.0;
    }
    return in;
  };
  const SegState x0 = seg_rest(sys);
  const auto r = run_seg(sys, x0, 0.0, 720.0, {120.0}, 1.0, 1e-8, 0.5);
  double auc = 0;
  for (std::size_t k = 121; k < r.t_s.size(); ++k) {
    const auto& b0 = r.bus[k - 1];
    const auto& b1 = r.bus[k];
    auc += 0.5 * (b0.lactate_venous_efflux_mmol_per_min + b1.lactate_venous_efflux_mmol_per_min) / 60.0;
  }
  return {auc, r.x(mm::kLactateCap, 150) - 1.0};
}

/// Massage for [t_on, t_off): 0.4 Hz strokes of 60 mmHg peak, massage_drive = 1.
SegProtocol massage_protocol(double t_on, double t_off) {
  return [t_on, t_off](double t) {
    SegInputs in;
    if (t >= t_on && t < t_off) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - t_on), in.massage_drive = 1.0;
    return in;
  };
}

template <class F>
Solution<mm::Segment::State> run_segment(const mm::Segment& seg, F inputs, const mm::Segment::State& x0, double t0,
                                         double t1, std::vector<double> breaks, double save_dt_s) {
  auto prob = mm::make_segment_problem(seg, inputs, x0, t0, t1, std::move(breaks));
  const int n = static_cast<int>(std::round((t1 - t0) / save_dt_s)) + 1;
  return solve(prob, Dopri5{}, StepControl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 0.25},
               SaveAt{.ts_s = linspace(t0, t1, n)});
}

double seg_out(const mm::Segment& seg, const mm::Segment::State& x, const mm::SegmentInputs& in, const char* name) {
  return seg.outputs(x, in)[static_cast<std::size_t>(mm::Segment::output_index(name))];
}

}  // namespace

// ---- Rest ------------------------------------------------------------------------------------------
double rest_blood_lactate_mmol_per_L() { return wb_rest_state()[mm::kWbBlood]; }

// ---- L2 ----------------------------------------------------------------------------------------------
const L2Result& l2_gupta1996() {
  static const L2Result r = [] {
    L2Result l;
    WbRun run;
    l.passive = gupta(Recovery::passive, 1.0, 600.0, &run);
    l.massage = gupta(Recovery::massage);
    l.active = gupta(Recovery::active30);
    GuptaProtocol g;
    std::vector<double> t, c;
    for (int k = 0; k <= 90; ++k) {
      t.push_back(0.5 * k);
      c.push_back(blood_at(run, g.t_end_ex() + 30.0 * k));
    }
    const auto f = fit_freund(t, c);
    l.freund_A1 = f.A1, l.freund_g1 = f.g1, l.freund_A2 = f.A2, l.freund_g2 = f.g2, l.freund_rms = f.rms;
    return l;
  }();
  return r;
}

const L2SensitivityResult& l2_massage_sensitivity() {
  static const L2SensitivityResult r{gupta(Recovery::massage, 0.76), gupta(Recovery::massage, 1.0, 45 * 60.0)};
  return r;
}

// ---- L10 ---------------------------------------------------------------------------------------------
const L10Result& l10_beneke2007() {
  static const L10Result r = [] {
    L10Result l;
    const double dur[2] = {10.0, 30.0}, inten[2] = {2.8, 2.2};
    for (std::size_t i = 0; i < 2; ++i) {
      SprintProtocol s{dur[i], inten[i]};
      const auto run = run_wb(wb_params(), s, wb_rest_state(), 0.0, 3600.0, {dur[i]}, 6.0);
      std::vector<double> t, c;
      for (int mi = 1; mi <= 60; ++mi) t.push_back(mi), c.push_back(run.x(mm::kWbBlood, mi * 10));
      const auto f = fit_beneke(t, c, wb_rest_state()[mm::kWbBlood]);
      l.A[i] = f.A, l.k1[i] = f.k1, l.k2[i] = f.k2, l.rms[i] = f.rms;
    }
    return l;
  }();
  return r;
}

// ---- nulls -------------------------------------------------------------------------------------------
const LactateNullArms& l3_martin1998() {
  static const LactateNullArms r = run_null({{60, 1.5, 1.5}, {60, 0, 0}, {60, 1.5, 1.5}, {1200, 0, 0}}, 3, 1200.0, 0.3);
  return r;
}

const LactateNullArms& l5_hemmings2000() {
  static const LactateNullArms r = [] {
    std::vector<Phase> bout = {{180, 1.1, 1.1}, {60, 0, 0}, {180, 1.1, 1.1}, {60, 0, 0}, {180, 1.1, 1.1}};
    std::vector<Phase> ph = bout;
    ph.push_back({1200, 0, 0});
    return run_null(ph, 5, 1200.0 + 5 * 180.0 + 120.0, 0.3, bout);
  }();
  return r;
}

const LactateNullArms& l6_robertson2004() {
  static const LactateNullArms r = [] {
    std::vector<Phase> ph;
    for (int i = 0; i < 6; ++i) ph.push_back({30, 1.5, 1.5}), ph.push_back({30, 0.3, 0.3});
    ph.push_back({300, 0.3, 0.3});
    ph.push_back({1200, 0, 0});
    return run_null(ph, ph.size() - 1, 1200.0, 0.3);
  }();
  return r;
}

const L7Result& l7_dolgener1993() {
  static const L7Result r = [] {
    L7Result l;
    for (std::size_t i = 0; i < l.t_eval_s.size(); ++i)
      l.at[i] = run_null({{240, 1.2, 1.2}, {1200, 0, 0}}, 1, l.t_eval_s[i], 0.4);
    return l;
  }();
  return r;
}

// ---- L1 ----------------------------------------------------------------------------------------------
const L1EffluxResult& l1_wiltshire2010_efflux() {
  static const L1EffluxResult r = [] {
    const auto qp = InflowCurve::fit(766.0, 4203.0), qm = InflowCurve::fit(540.0, 3178.0);
    double lo = 0.02, hi = 3.0;
    for (int it = 0; it < 40; ++it) {
      const double mid = 0.5 * (lo + hi);
      (run_l1(mid, qp, false).efflux_auc_mmol > 20.5 ? hi : lo) = mid;
    }
    L1EffluxResult l;
    l.handgrip_intensity = 0.5 * (lo + hi);
    const auto p = run_l1(l.handgrip_intensity, qp, false), m = run_l1(l.handgrip_intensity, qm, true);
    l.passive_efflux_mmol = p.efflux_auc_mmol, l.passive_va_30s_mmol_per_L = p.va_30s;
    l.massage_efflux_mmol = m.efflux_auc_mmol, l.massage_va_30s_mmol_per_L = m.va_30s;
    return l;
  }();
  return r;
}

const L1InflowResult& l1_wiltshire2010_inflow() {
  static const L1InflowResult r = [] {
    const mm::Segment seg(mm::default_forearm_params());
    const auto x0 = mm::rest_state(seg);
    const mm::SegmentInputs rest = seg.rest_inputs();
    double auc[2], eff[2];
    for (int massage = 0; massage < 2; ++massage) {
      auto inputs = [rest, massage](double t) {
        mm::SegmentInputs in = rest;
        if (t >= 0 && t < 120) in.exercise_intensity = 1.0;
        if (massage && t >= 120) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 120), in.massage_drive = 1.0;
        return in;
      };
      const auto sol = run_segment(seg, inputs, x0, 0.0, 720.0, {120.0}, 1.0);
      auc[massage] = eff[massage] = 0;
      for (Eigen::Index k = 121; k < sol.x.cols(); ++k) {
        const auto t0 = sol.t_s[static_cast<std::size_t>(k - 1)], t1 = sol.t_s[static_cast<std::size_t>(k)];
        const double q0 = seg_out(seg, sol.x.col(k - 1), inputs(t0), "arterial_inflow_mL_per_min");
        const double q1 = seg_out(seg, sol.x.col(k), inputs(t1), "arterial_inflow_mL_per_min");
        const double e0 = seg_out(seg, sol.x.col(k - 1), inputs(t0), "lactate_venous_efflux_mmol_per_min");
        const double e1 = seg_out(seg, sol.x.col(k), inputs(t1), "lactate_venous_efflux_mmol_per_min");
        auc[massage] += 0.5 * (q0 + q1) / 60.0;
        eff[massage] += 0.5 * (e0 + e1) / 60.0;
      }
    }
    return L1InflowResult{auc[0], auc[1], eff[0], eff[1]};
  }();
  return r;
}

// ---- Tone --------------------------------------------------------------------------------------------
const ReflexResult& t2t3_reflex() {
  static const ReflexResult r = [] {
    SegmentSystem sys;
    sys.protocol = massage_protocol(60.0, 420.0);
    const SegState x0 = seg_rest(sys);
    const auto run = run_seg(sys, x0, 0.0, 600.0, {60.0, 420.0}, 10.0, 1e-8, 0.5);
    double during = 0;
    int n = 0;
    for (std::size_t k = 0; k < run.t_s.size(); ++k)
      if (run.t_s[k] >= 70.0 && run.t_s[k] <= 420.0) during += run.bus[k].reflex_gain, ++n;
    ReflexResult res;
    res.during = during / n;
    res.before = run.bus[5].reflex_gain;
    res.after_10s = run.bus[43].reflex_gain;  // first 10-s sample after the massage stopped (t = 430 s)
    return res;
  }();
  return r;
}

const ReflexSegmentResult& t2t3_reflex_segment() {
  static const ReflexSegmentResult r = [] {
    const mm::Segment seg(mm::default_calf_params());
    const auto x0 = mm::rest_state(seg);
    const mm::SegmentInputs rest = seg.rest_inputs();
    auto inputs = [rest](double t) {
      mm::SegmentInputs in = rest;
      if (t >= 60 && t < 240) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 60), in.massage_drive = 1.0;
      return in;
    };
    const auto sol = run_segment(seg, inputs, x0, 0.0, 300.0, {60.0, 240.0}, 10.0);
    return ReflexSegmentResult{seg_out(seg, sol.x.col(20), inputs(200.0), "reflex_gain"),
                               seg_out(seg, sol.x.col(25), inputs(250.0), "reflex_gain")};
  }();
  return r;
}

const T1Result& t1_eriksson_crommert2015() {
  static const T1Result r = [] {
    SegmentSystem sys;
    sys.protocol = massage_protocol(0.0, 420.0);
    const SegState x0 = seg_rest(sys);
    const auto run = run_seg(sys, x0, 0.0, 600.0, {420.0}, 5.0, 1e-8, 0.5);
    T1Result t;
    t.right_after_pct = 100 * (run.bus[84].passive_stiffness_rel - 1.0);  // t = 420 s
    t.after_3min_pct = 100 * (run.bus[120].passive_stiffness_rel - 1.0);  // t = 600 s
    return t;
  }();
  return r;
}

const T4Result& t4_kong2018() {
  static const T4Result r = [] {
    SegmentSystem ctrl, mass;
    ctrl.protocol = [](double) { return SegInputs{}; };
    mass.protocol = massage_protocol(0.0, 960.0);
    const SegState x0 = seg_rest(ctrl);
    const auto rm1 = run_seg(mass, x0, 0.0, 960.0, {}, 60.0, 1e-8, 0.5);
    const auto rm2 = run_seg(mass, rm1.x_final, 960.0, 96 * 3600.0 + 960.0, {}, 3600.0, 1e-8, 600.0);
    T4Result t;
    for (std::size_t i = 0; i < t.hours.size(); ++i)
      t.difference_pct[i] = 100 * (rm2.bus[static_cast<std::size_t>(t.hours[i])].passive_stiffness_rel -
                                   ctrl.signals(x0, -1).passive_stiffness_rel);
    t.stiffness_rel_end_of_massage = rm1.bus.back().passive_stiffness_rel;
    return t;
  }();
  return r;
}

}  // namespace massagesim::validation
