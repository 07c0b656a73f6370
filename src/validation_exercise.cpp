/// \file validation_exercise.cpp
/// \brief Validation area "exercise": scenarios run through simulation::simulate (exercise.hpp).

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/validation/exercise.hpp"
#include "massagesim/validation/harness.hpp"
#include "massagesim_generated/embedded_scenarios.hpp"

namespace massagesim::validation {

namespace {
// The validation scenarios are the shipped files, embedded at configure time (src/CMakeLists.txt).
const std::string_view knee_extension_text = embedded::one_leg_knee_extension_json;
const std::string_view wingate_text = embedded::wingate_recovery_json;
const std::string_view walking_text = embedded::walking_ambulatory_venous_pressure_json;
const std::string_view quiet_standing_text = embedded::quiet_standing_fluid_shift_json;
const std::string_view mlss_text = embedded::maximal_lactate_steady_state_json;
const std::string_view gupta_text = embedded::gupta_1996_lactate_recovery_json;
const std::string_view gupta45_text = embedded::gupta_1996_massage_45min_json;
const std::string_view gupta_lower_flow_text = embedded::gupta_1996_massage_lower_flow_json;
const std::string_view martin_text = embedded::martin_1998_massage_vs_rest_json;
const std::string_view hemmings_text = embedded::hemmings_2000_boxing_massage_json;
const std::string_view robertson_text = embedded::robertson_2004_leg_massage_json;
const std::string_view dolgener_text = embedded::dolgener_1993_lactate_disappearance_json;
const std::string_view sullivan_text = embedded::sullivan_1991_h_reflex_json;
const std::string_view eriksson_text = embedded::eriksson_crommert_2015_stiffness_json;
const std::string_view kong_text = embedded::kong_2018_stiffness_days_json;
const std::string_view shoemaker_text = embedded::shoemaker_1997_forearm_massage_json;
const std::string_view calf_emptying_text = embedded::calf_venous_emptying_json;
const std::string_view olszewski_light_text = embedded::olszewski_1980_lymph_light_json;
const std::string_view olszewski_firm_text = embedded::olszewski_1980_lymph_firm_json;
const std::string_view knott_text = embedded::knott_2005_lymph_pump_json;
const std::string_view rh_above_text = embedded::forearm_reactive_hyperaemia_arm_above_heart_json;
const std::string_view rh_below_text = embedded::forearm_reactive_hyperaemia_arm_below_heart_json;
const std::string_view rh_level_text = embedded::forearm_reactive_hyperaemia_arm_heart_level_json;
const std::string_view beneke10_text = embedded::beneke_2007_sprint_10s_json;
const std::string_view beneke30_text = embedded::beneke_2007_sprint_30s_json;
const std::string_view wiltshire_text = embedded::wiltshire_2010_forearm_massage_json;

/// Column of `name` in `arm` (throws naming it when absent).
int column(const simulation::ArmResult& arm, const std::string& name) {
  for (std::size_t j = 0; j < arm.output_names.size(); ++j)
    if (arm.output_names[j] == name) return static_cast<int>(j);
  MASSAGESIM_CHECK(false, "validation: output '", name, "' missing from the run");
  return -1;
}

/// Where a phase starts and ends [s], and the phase itself (null: none).
struct PhaseSpan {
  double start_s = 0.0, end_s = 0.0;
  const scenario::PhaseSpec* phase = nullptr;
};
/// Every phase of the protocol as written, with its times (a phase with an absolute start begins there).
std::vector<PhaseSpan> phase_spans(const scenario::Scenario& sc) {
  std::vector<PhaseSpan> out;
  double t = 0.0;
  for (const auto& ph : sc.protocol) {
    if (ph.start_s) t = std::max(t, *ph.start_s);
    out.push_back({t, t + ph.duration_s, &ph});
    t += ph.duration_s;
  }
  return out;
}
PhaseSpan first_phase(const scenario::Scenario& sc, protocols::PhaseKind kind) {
  for (const auto& s : phase_spans(sc))
    if (s.phase->kind == kind) return s;
  return {};
}

/// Where the last phase of `kind` ends [s] (-1: none).
double last_phase_end(const scenario::Scenario& sc, protocols::PhaseKind kind) {
  double end = -1.0;
  for (const auto& s : phase_spans(sc))
    if (s.phase->kind == kind) end = s.end_s;
  return end;
}

/// simulate(sc, opt), every arm checked to have succeeded; `what` names the targets in the error.
simulation::SimulationResult simulate_checked(const scenario::Scenario& sc, const std::string& what,
                                              const simulation::SimulationOptions& opt = {}) {
  auto res = simulation::simulate(sc, opt);
  for (const auto& arm : res.arms)
    MASSAGESIM_CHECK(arm.status == decltype(arm.status)::success, "validation ", what, ": arm '", arm.arm, "' of ",
                     sc.name, " failed: ", arm.message);
  return res;
}

/// Value of column `c` at the first saved point at or after `t_s` (the last point when none is).
double value_at(const simulation::ArmResult& arm, int c, double t_s) {
  std::size_t k = 0;
  while (k + 1 < arm.t_s.size() && arm.t_s[k] < t_s - 1e-9) ++k;
  return arm.values(static_cast<Eigen::Index>(k), c);
}

/// Mean rate [per min] over [a_s, b_s] of the summed cumulative columns `cols` (e.g. mL -> mL/min): exact over
/// pulses, where a mean of sampled flows depends on where the saved points fall.
double mean_rate_per_min(const simulation::ArmResult& arm, const std::vector<int>& cols, double a_s, double b_s) {
  double d = 0.0;
  for (int c : cols) d += value_at(arm, c, b_s) - value_at(arm, c, a_s);
  return d / (b_s - a_s) * 60.0;
}

/// Mean of column `c` over the saved points in [a_s, b_s); `what` names the target in the error.
double mean_over(const simulation::ArmResult& arm, int c, double a_s, double b_s, const char* what) {
  double sum = 0.0;
  int n = 0;
  for (std::size_t k = 0; k < arm.t_s.size(); ++k)
    if (arm.t_s[k] >= a_s && arm.t_s[k] < b_s) sum += arm.values(static_cast<Eigen::Index>(k), c), ++n;
  MASSAGESIM_CHECK(n > 0, "validation ", what, ": no saved point in [", a_s, ", ", b_s, ") s");
  return sum / n;
}
/// Largest saved value of the segment output `quantity` over every segment of the limb and every point.
double max_over_segments(const simulation::ArmResult& arm, const scenario::Scenario& sc, const std::string& quantity) {
  double m = -std::numeric_limits<double>::infinity();
  for (const auto& s : sc.limb.segment_names) {
    const int c = column(arm, s + "." + quantity);
    for (Eigen::Index k = 0; k < arm.values.rows(); ++k) m = std::max(m, arm.values(k, c));
  }
  return m;
}
}  // namespace

std::string_view knee_extension_scenario_text() { return knee_extension_text; }

scenario::Scenario knee_extension_scenario() {
  return scenario::parse_scenario(knee_extension_text, "one_leg_knee_extension.json");
}

std::string_view wingate_scenario_text() { return wingate_text; }

scenario::Scenario wingate_scenario() { return scenario::parse_scenario(wingate_text, "wingate_recovery.json"); }

std::string_view walking_scenario_text() { return walking_text; }

scenario::Scenario walking_scenario() {
  return scenario::parse_scenario(walking_text, "walking_ambulatory_venous_pressure.json");
}

std::string_view quiet_standing_scenario_text() { return quiet_standing_text; }

scenario::Scenario quiet_standing_scenario() {
  return scenario::parse_scenario(quiet_standing_text, "quiet_standing_fluid_shift.json");
}

std::string_view mlss_scenario_text() { return mlss_text; }

scenario::Scenario mlss_scenario() { return scenario::parse_scenario(mlss_text, "maximal_lactate_steady_state.json"); }

const MlssResult& e3_beneke2000() {
  static const MlssResult r = [] {
    const scenario::Scenario sc = mlss_scenario();
    const auto res = simulate_checked(sc, "E3");
    const auto& arm = res.arms.at(0);
    const PhaseSpan ride = first_phase(sc, protocols::PhaseKind::exercise);
    MASSAGESIM_CHECK(ride.phase && ride.end_s - ride.start_s >= 30.0 * 60.0 - 1e-9,
                     "validation E3: the scenario lacks its 30 min of cycling");
    const int la = column(arm, "blood_lactate_mmol_per_L");
    MlssResult out;
    out.blood_lactate_10min_mmol_per_L = value_at(arm, la, ride.start_s + 600.0);
    out.blood_lactate_30min_mmol_per_L = value_at(arm, la, ride.start_s + 1800.0);
    out.max_muscle_cell_lactate_mmol_per_L = max_over_segments(arm, sc, "lactate_cell_mmol_per_L");
    return out;
  }();
  return r;
}

std::string_view gupta_scenario_text() { return gupta_text; }

scenario::Scenario gupta_scenario() { return scenario::parse_scenario(gupta_text, "gupta_1996_lactate_recovery.json"); }

namespace {
/// Blood-lactate peak at or after `t_end_s`, its time and the half-life from it (as the harness's
/// `recovery_metrics`: the first crossing of half the peak, interpolated). NaN half-life: never halved.
LactateRecovery recovery_after(const simulation::ArmResult& arm, int c, double t_end_s) {
  LactateRecovery m;
  Eigen::Index kp = -1;
  for (Eigen::Index k = 0; k < arm.values.rows(); ++k)
    if (arm.t_s[static_cast<std::size_t>(k)] >= t_end_s - 1e-9 && (kp < 0 || arm.values(k, c) > m.peak_mmol_per_L))
      m.peak_mmol_per_L = arm.values(k, c), kp = k;
  MASSAGESIM_CHECK(kp >= 0, "validation L2: no saved point after the exercise");
  m.t_peak_min = (arm.t_s[static_cast<std::size_t>(kp)] - t_end_s) / 60.0;
  m.half_life_min = std::numeric_limits<double>::quiet_NaN();
  const double half = 0.5 * m.peak_mmol_per_L;
  for (Eigen::Index k = kp + 1; k < arm.values.rows(); ++k)
    if (arm.values(k, c) <= half) {
      const double c0 = arm.values(k - 1, c), c1 = arm.values(k, c);
      const double t0 = arm.t_s[static_cast<std::size_t>(k - 1)], t1 = arm.t_s[static_cast<std::size_t>(k)];
      const double t = t0 + (c0 - half) / (c0 - c1) * (t1 - t0);
      m.half_life_min = (t - arm.t_s[static_cast<std::size_t>(kp)]) / 60.0;
      break;
    }
  return m;
}
}  // namespace

const GuptaLegResult& l2_gupta1996_leg() {
  static const GuptaLegResult r = [] {
    const scenario::Scenario sc = gupta_scenario();
    // The end of the last bout, from the scenario itself.
    const double t_end = last_phase_end(sc, protocols::PhaseKind::exercise);
    MASSAGESIM_CHECK(t_end > 0.0, "validation L2: the scenario has no exercise");
    const auto res = simulate_checked(sc, "L2");
    GuptaLegResult out;
    for (const auto& arm : res.arms) {
      const int la = column(arm, "blood_lactate_mmol_per_L");
      const auto m = recovery_after(arm, la, t_end);
      if (arm.arm == "passive") {
        out.passive = m;
        MASSAGESIM_CHECK(arm.t_s.back() >= t_end + 2700.0 - 1e-9, "validation L2: the passive arm ends before 45 min");
        std::vector<double> t_min, c;
        for (int k = 0; k <= 90; ++k) t_min.push_back(0.5 * k), c.push_back(value_at(arm, la, t_end + 30.0 * k));
        const auto f = harness::fit_freund(t_min, c);
        out.freund_A1_mmol_per_L = f.A1, out.freund_g1_per_min = f.g1, out.freund_A2_mmol_per_L = f.A2;
        out.freund_g2_per_min = f.g2, out.freund_rms_mmol_per_L = f.rms;
      } else if (arm.arm == "massage")
        out.massage = m;
      else if (arm.arm == "active")
        out.active = m;
      else
        MASSAGESIM_CHECK(false, "validation L2: unexpected arm '", arm.arm, "'");
      out.max_segment_cell_lactate_mmol_per_L =
          std::max(out.max_segment_cell_lactate_mmol_per_L, max_over_segments(arm, sc, "lactate_cell_mmol_per_L"));
      const int wm = column(arm, "working_muscle.lactate_cell_mmol_per_L");
      for (Eigen::Index k = 0; k < arm.values.rows(); ++k)
        out.max_working_muscle_cell_lactate_mmol_per_L =
            std::max(out.max_working_muscle_cell_lactate_mmol_per_L, arm.values(k, wm));
    }
    return out;
  }();
  return r;
}

std::string_view gupta_massage_45min_scenario_text() { return gupta45_text; }
const LactateRecovery& l2_massage_45min_leg() {
  static const LactateRecovery r = [] {
    const scenario::Scenario sc = scenario::parse_scenario(gupta45_text, "gupta_1996_massage_45min.json");
    const double t_end = last_phase_end(sc, protocols::PhaseKind::exercise);
    const PhaseSpan rub = first_phase(sc, protocols::PhaseKind::massage);
    MASSAGESIM_CHECK(t_end > 0.0 && rub.phase && rub.end_s - rub.start_s >= 2700.0 - 1e-9,
                     "validation L2.massage_45min: the scenario lacks its bouts and 45 min of massage");
    const auto res = simulate_checked(sc, "L2.massage_45min");
    const auto& arm = res.arms.at(0);
    return recovery_after(arm, column(arm, "blood_lactate_mmol_per_L"), t_end);
  }();
  return r;
}

std::string_view gupta_massage_lower_flow_scenario_text() { return gupta_lower_flow_text; }
const LactateRecovery& l2_massage_lower_flow_leg() {
  static const LactateRecovery r = [] {
    const scenario::Scenario sc = scenario::parse_scenario(gupta_lower_flow_text, "gupta_1996_massage_lower_flow.json");
    const double t_end = last_phase_end(sc, protocols::PhaseKind::exercise);
    const PhaseSpan rub = first_phase(sc, protocols::PhaseKind::massage);
    MASSAGESIM_CHECK(t_end > 0.0 && rub.phase && rub.phase->muscle_flow_multiplier == 0.76,
                     "validation L2.massage_flow_x0.76: the scenario lacks its bouts or its massage at a muscle flow "
                     "multiplier of 0.76");
    const auto res = simulate_checked(sc, "L2.massage_flow_x0.76");
    const auto& arm = res.arms.at(0);
    return recovery_after(arm, column(arm, "blood_lactate_mmol_per_L"), t_end);
  }();
  return r;
}

namespace {
/// Runs a massage-vs-rest scenario (`what` names its target in errors) and reads blood lactate in each arm
/// `after_s` after the start of the recovery: the base protocol's first massage phase.
template <std::size_t N>
std::array<LactateNullArms, N> null_arms(std::string_view text, const char* file, const char* what,
                                         const std::array<double, N>& after_s) {
  const scenario::Scenario sc = scenario::parse_scenario(text, file);
  const PhaseSpan rec = first_phase(sc, protocols::PhaseKind::massage);
  MASSAGESIM_CHECK(rec.phase, "validation ", what, ": the scenario has no massage phase");
  const auto res = simulate_checked(sc, what);
  std::array<LactateNullArms, N> out;
  for (auto& o : out) o.active = std::numeric_limits<double>::quiet_NaN();
  bool massage = false, rest = false;
  for (const auto& arm : res.arms) {
    MASSAGESIM_CHECK(arm.t_s.back() >= rec.start_s + after_s.back() - 1e-9, "validation ", what, ": arm '", arm.arm,
                     "' ends before the last reading");
    const int c = column(arm, "blood_lactate_mmol_per_L");
    for (std::size_t i = 0; i < N; ++i) {
      const double v = value_at(arm, c, rec.start_s + after_s[i]);
      if (arm.arm == "massage")
        out[i].massage = v, massage = true;
      else if (arm.arm == "rest" || arm.arm == "passive")
        out[i].rest = v, rest = true;
      else if (arm.arm == "active")
        out[i].active = v;
      else
        MASSAGESIM_CHECK(false, "validation ", what, ": unexpected arm '", arm.arm, "'");
    }
  }
  MASSAGESIM_CHECK(massage && rest, "validation ", what, ": the scenario needs a 'massage' and a 'rest' arm");
  return out;
}
}  // namespace

std::string_view martin1998_scenario_text() { return martin_text; }
const LactateNullArms& l3_martin1998_leg() {
  static const LactateNullArms r =
      null_arms<1>(martin_text, "martin_1998_massage_vs_rest.json", "L3", {1200.0}).front();
  return r;
}

std::string_view hemmings2000_scenario_text() { return hemmings_text; }
const LactateNullArms& l5_hemmings2000_leg() {
  static const LactateNullArms r = [] {
    // 6 min after the end of the second performance (the last exercise phase), from the scenario itself.
    const scenario::Scenario sc = scenario::parse_scenario(hemmings_text, "hemmings_2000_boxing_massage.json");
    const double t_end = last_phase_end(sc, protocols::PhaseKind::exercise);
    MASSAGESIM_CHECK(t_end > 0.0, "validation L5: the scenario has no exercise");
    const double after_s = t_end + 360.0 - first_phase(sc, protocols::PhaseKind::massage).start_s;
    return null_arms<1>(hemmings_text, "hemmings_2000_boxing_massage.json", "L5", {after_s}).front();
  }();
  return r;
}

std::string_view robertson2004_scenario_text() { return robertson_text; }
const LactateNullArms& l6_robertson2004_leg() {
  static const LactateNullArms r =
      null_arms<1>(robertson_text, "robertson_2004_leg_massage.json", "L6", {1200.0}).front();
  return r;
}

std::string_view dolgener1993_scenario_text() { return dolgener_text; }
const L7Result& l7_dolgener1993_leg() {
  static const L7Result r = [] {
    L7Result l;
    l.at = null_arms<4>(dolgener_text, "dolgener_1993_lactate_disappearance.json", "L7", L7Result::t_eval_s);
    return l;
  }();
  return r;
}

namespace {
/// The first arm of the scenario `text` and its massage phase; `what` names the targets in errors.
struct MassageRun {
  scenario::Scenario sc;
  simulation::SimulationResult res;
  PhaseSpan massage;
};
MassageRun run_massage_scenario(std::string_view text, const char* file, const char* what) {
  MassageRun m{scenario::parse_scenario(text, file), {}, {}};
  m.massage = first_phase(m.sc, protocols::PhaseKind::massage);
  MASSAGESIM_CHECK(m.massage.phase, "validation ", what, ": the scenario has no massage phase");
  m.res = simulate_checked(m.sc, what);
  return m;
}
/// The segment the tone targets read: the most distal (the distal calf of the default leg).
std::string tone_column(const scenario::Scenario& sc, const char* quantity) {
  return sc.limb.segment_names.front() + "." + quantity;
}
const MassageRun& sullivan_run() {
  static const MassageRun m = run_massage_scenario(sullivan_text, "sullivan_1991_h_reflex.json", "T2/T3");
  return m;
}
}  // namespace

std::string_view sullivan1991_scenario_text() { return sullivan_text; }
const ReflexResult& t2t3_reflex_leg() {
  static const ReflexResult r = [] {
    const MassageRun& m = sullivan_run();
    const auto& arm = m.res.arms.at(0);
    const int c = column(arm, tone_column(m.sc, "reflex_gain"));
    ReflexResult out;
    out.before = value_at(arm, c, m.massage.start_s - 10.0);
    out.during = mean_over(arm, c, m.massage.start_s + 10.0, m.massage.end_s + 1e-9, "T2/T3");
    out.after_10s = value_at(arm, c, m.massage.end_s + 10.0);
    return out;
  }();
  return r;
}
const ReflexSegmentResult& t2t3_reflex_instant_leg() {
  static const ReflexSegmentResult r = [] {
    const MassageRun& m = sullivan_run();
    const auto& arm = m.res.arms.at(0);
    const int c = column(arm, tone_column(m.sc, "reflex_gain"));
    return ReflexSegmentResult{value_at(arm, c, m.massage.start_s + 140.0), value_at(arm, c, m.massage.end_s + 10.0)};
  }();
  return r;
}

std::string_view eriksson_crommert2015_scenario_text() { return eriksson_text; }
const T1Result& t1_eriksson_crommert2015_leg() {
  static const T1Result r = [] {
    const MassageRun m = run_massage_scenario(eriksson_text, "eriksson_crommert_2015_stiffness.json", "T1");
    const auto& arm = m.res.arms.at(0);
    const int c = column(arm, tone_column(m.sc, "passive_stiffness_rel"));
    T1Result out;
    out.right_after_pct = 100.0 * (value_at(arm, c, m.massage.end_s) - 1.0);
    out.after_3min_pct = 100.0 * (value_at(arm, c, m.massage.end_s + 180.0) - 1.0);
    return out;
  }();
  return r;
}

std::string_view kong2018_scenario_text() { return kong_text; }
const T4Result& t4_kong2018_leg() {
  static const T4Result r = [] {
    const MassageRun m = run_massage_scenario(kong_text, "kong_2018_stiffness_days.json", "T4");
    const simulation::ArmResult* massage = nullptr;
    const simulation::ArmResult* control = nullptr;
    for (const auto& arm : m.res.arms) (arm.arm == "massage" ? massage : control) = &arm;
    MASSAGESIM_CHECK(massage && control && m.res.arms.size() == 2,
                     "validation T4: the scenario needs a 'massage' and a control arm");
    const int cm = column(*massage, tone_column(m.sc, "passive_stiffness_rel"));
    const int cc = column(*control, tone_column(m.sc, "passive_stiffness_rel"));
    T4Result out;
    for (std::size_t i = 0; i < out.hours.size(); ++i) {
      const double t = m.massage.end_s + 3600.0 * out.hours[i];
      MASSAGESIM_CHECK(massage->t_s.back() >= t - 1e-9, "validation T4: the run ends before ", out.hours[i], " h");
      out.difference_pct[i] = 100.0 * (value_at(*massage, cm, t) - value_at(*control, cc, t));
    }
    out.stiffness_rel_end_of_massage = value_at(*massage, cm, m.massage.end_s);
    return out;
  }();
  return r;
}

std::string_view shoemaker1997_scenario_text() { return shoemaker_text; }
const B1Result& b1_shoemaker1997_forearm() {
  static const B1Result r = [] {
    const scenario::Scenario sc = scenario::parse_scenario(shoemaker_text, "shoemaker_1997_forearm_massage.json");
    const auto res = simulate_checked(sc, "B1");
    const auto& arm = res.arms.at(0);
    const std::vector<int> c = {column(arm, sc.limb.segment_names.front() + ".cumulative_arterial_inflow_mL")};
    auto mean_inflow = [&](double a_s, double b_s) { return mean_rate_per_min(arm, c, a_s, b_s); };  // mL/min
    B1Result b;
    std::size_t i = 0;
    PhaseSpan rest_phase;
    bool contraction = false;
    for (const auto& span : phase_spans(sc)) {
      const auto& ph = *span.phase;
      const double t0 = span.start_s, t1 = span.end_s;
      if (ph.kind == protocols::PhaseKind::rest) {
        rest_phase = span;
        continue;
      }
      MASSAGESIM_CHECK(rest_phase.phase && rest_phase.end_s == t0,
                       "validation B1: each massage and the handgrip must follow a rest phase");
      const double rest = mean_inflow(rest_phase.start_s, rest_phase.end_s);
      if (i == 0) b.rest_inflow_mL_per_min = rest;
      if (ph.kind == protocols::PhaseKind::massage && i < b.pressure_mmHg.size()) {
        const auto* tap = ph.technique ? std::get_if<protocols::TapotementParams>(&*ph.technique) : nullptr;
        MASSAGESIM_CHECK(tap, "validation B1: the massage phases must be tapotement");
        b.pressure_mmHg[i] = tap->pressure_mmHg;
        b.mean_inflow_mL_per_min[i] = mean_inflow(t0, t1);
        b.change[i] = b.mean_inflow_mL_per_min[i] / rest - 1.0;
        ++i;
      } else if (ph.kind == protocols::PhaseKind::exercise && !contraction) {
        b.contraction_intensity = ph.intensity_fraction_VO2max.value_or(std::nan(""));
        b.contraction_inflow_ratio = mean_inflow(t1 - 30.0, t1) / rest;
        contraction = true;
      }
    }
    MASSAGESIM_CHECK(i == b.pressure_mmHg.size() && contraction,
                     "validation B1: the scenario needs three massage phases and a handgrip");
    return b;
  }();
  return r;
}

std::string_view wiltshire2010_scenario_text() { return wiltshire_text; }
const L1ForearmResult& l1_wiltshire2010_forearm() {
  static const L1ForearmResult r = [] {
    const scenario::Scenario sc = scenario::parse_scenario(wiltshire_text, "wiltshire_2010_forearm_massage.json");
    const auto res = simulate_checked(sc, "L1");
    const PhaseSpan rec = first_phase(sc, protocols::PhaseKind::massage);
    MASSAGESIM_CHECK(rec.phase, "validation L1: the scenario needs a massage phase after the handgrip");
    const std::string seg = sc.limb.segment_names.front();
    L1ForearmResult l;
    for (const auto& arm : res.arms) {
      MASSAGESIM_CHECK(arm.arm == "massage" || arm.arm == "passive", "validation L1: unexpected arm '", arm.arm,
                       "' (expected massage and passive)");
      const bool massage = arm.arm == "massage";
      const int eff = column(arm, seg + ".lactate_venous_efflux_mmol_per_min");
      double efflux = 0.0;  // mmol, trapezoid over the saved points of the 10 min
      for (std::size_t k = 1; k < arm.t_s.size(); ++k)
        if (arm.t_s[k - 1] >= rec.start_s - 1e-9 && arm.t_s[k] <= rec.end_s + 1e-9)
          efflux +=
              0.5 *
              (arm.values(static_cast<Eigen::Index>(k - 1), eff) + arm.values(static_cast<Eigen::Index>(k), eff)) *
              (arm.t_s[k] - arm.t_s[k - 1]) / 60.0;
      const int cum = column(arm, seg + ".cumulative_arterial_inflow_mL");
      const double inflow = value_at(arm, cum, rec.end_s) - value_at(arm, cum, rec.start_s);  // mL
      const double va =
          mean_over(arm, column(arm, seg + ".lactate_capillary_mmol_per_L"), rec.start_s + 25.0, rec.start_s + 35.0,
                    "L1") -
          mean_over(arm, column(arm, "blood_lactate_mmol_per_L"), rec.start_s + 25.0, rec.start_s + 35.0, "L1");
      (massage ? l.massage_inflow_mL : l.passive_inflow_mL) = inflow;
      (massage ? l.massage_efflux_mmol : l.passive_efflux_mmol) = efflux;
      (massage ? l.massage_va_30s_mmol_per_L : l.passive_va_30s_mmol_per_L) = va;
    }
    MASSAGESIM_CHECK(l.massage_inflow_mL > 0.0 && l.passive_inflow_mL > 0.0,
                     "validation L1: the scenario needs the arms massage and passive");
    return l;
  }();
  return r;
}

std::string_view calf_emptying_scenario_text() { return calf_emptying_text; }
const CalfEmptyingResult& calf_venous_emptying_leg() {
  static const CalfEmptyingResult r = [] {
    const MassageRun m = run_massage_scenario(calf_emptying_text, "calf_venous_emptying.json", "P5");
    const auto& arm = m.res.arms.at(0);
    const double t0 = m.massage.start_s, t1 = m.massage.end_s, mid = 0.5 * (t0 + t1);
    std::vector<int> cols;
    for (const auto& s : m.sc.limb.segment_names)
      if (value_at(arm, column(arm, s + ".applied_pressure_mmHg"), mid) > 0.0)
        cols.push_back(column(arm, s + ".blood_volume_mL"));
    MASSAGESIM_CHECK(!cols.empty(), "validation P5: no segment is under pressure halfway through the hold");
    auto volume = [&](std::size_t k) {
      double v = 0.0;
      for (int c : cols) v += arm.values(static_cast<Eigen::Index>(k), c);
      return v;
    };
    std::size_t k0 = 0, k1 = 0;
    while (k0 + 1 < arm.t_s.size() && arm.t_s[k0] < t0 - 1e-9) ++k0;
    while (k1 + 1 < arm.t_s.size() && arm.t_s[k1 + 1] <= t1 + 1e-9) ++k1;
    // The end of the hold: the last saved point before the release starts (the phase ends with it).
    const auto* sc = std::get_if<protocols::StaticCompressionParams>(&*m.massage.phase->technique);
    MASSAGESIM_CHECK(sc, "validation P5: the pressure must be a static compression");
    while (k1 > k0 && arm.t_s[k1] > t0 + sc->rise_s + sc->hold_s + 1e-9) --k1;
    const double v0 = volume(k0), vinf = volume(k1);
    CalfEmptyingResult c;
    c.expelled_mL = v0 - vinf;
    for (std::size_t k = k0; k <= k1; ++k)
      if (volume(k) - vinf <= (v0 - vinf) / std::exp(1.0)) {
        c.tau_s = arm.t_s[k] - t0;
        break;
      }
    if (c.tau_s > 0.0) {
      std::size_t k2 = k0;
      while (k2 < k1 && arm.t_s[k2] < t0 + 2.0 * c.tau_s - 1e-9) ++k2;
      c.remaining_at_2tau = (volume(k2) - vinf) / (v0 - vinf);
    }
    return c;
  }();
  return r;
}

namespace {
/// Y1 readings of segment `seg`'s collector over the saved points in [a_s, b_s].
Y1Arm y1_window(const simulation::ArmResult& arm, const std::string& seg, double a_s, double b_s) {
  const int ia = column(arm, seg + ".collector_activation"), ip = column(arm, seg + ".collector_pressure_mmHg");
  const int ifill = column(arm, seg + ".collector_filling_pressure_mmHg");
  const int il = column(arm, seg + ".cumulative_lymph_outflow_mL");
  Y1Arm y;
  std::size_t k0 = 0;
  while (k0 + 1 < arm.t_s.size() && arm.t_s[k0] < a_s - 1e-9) ++k0;
  std::size_t k1 = k0;
  for (std::size_t k = k0 + 1; k < arm.t_s.size() && arm.t_s[k] <= b_s + 1e-9; ++k) {
    const auto K = static_cast<Eigen::Index>(k);
    if (arm.values(K - 1, ia) < 0.2 && arm.values(K, ia) >= 0.2) {
      ++y.pulses;
      // The filling that triggered it: the largest filling pressure in the 5 s before the crossing.
      double fmax = -1e9;
      for (std::size_t j = k; j > k0 && arm.t_s[j] >= arm.t_s[k] - 5.0 - 1e-9; --j)
        fmax = std::max(fmax, arm.values(static_cast<Eigen::Index>(j), ifill));
      y.min_fill_at_onset_mmHg = std::min(y.min_fill_at_onset_mmHg, fmax);
    }
    y.peak_pressure_mmHg = std::max(y.peak_pressure_mmHg, arm.values(K, ip));
    k1 = k;
  }
  y.lymph_mL = arm.values(static_cast<Eigen::Index>(k1), il) - arm.values(static_cast<Eigen::Index>(k0), il);
  return y;
}
}  // namespace

std::string_view olszewski1980_light_scenario_text() { return olszewski_light_text; }
std::string_view olszewski1980_firm_scenario_text() { return olszewski_firm_text; }
const Y1Result& y1_olszewski1980_leg() {
  static const Y1Result r = [] {
    const MassageRun light = run_massage_scenario(olszewski_light_text, "olszewski_1980_lymph_light.json", "Y1");
    const MassageRun firm = run_massage_scenario(olszewski_firm_text, "olszewski_1980_lymph_firm.json", "Y1");
    const std::string seg = light.sc.limb.segment_names.front();
    Y1Result y;
    MASSAGESIM_CHECK(light.massage.start_s >= 300.0 - 1e-9, "validation Y1: the light file needs 5 min of rest first");
    y.rest = y1_window(light.res.arms.at(0), seg, light.massage.start_s - 300.0, light.massage.start_s);
    y.light = y1_window(light.res.arms.at(0), seg, light.massage.start_s, light.massage.end_s);
    y.firm = y1_window(firm.res.arms.at(0), seg, firm.massage.start_s, firm.massage.end_s);
    const auto lp = scenario::scenario_limb_params(light.sc);
    y.contraction_threshold_mmHg = lp.segments.front().contraction_threshold_mmHg;
    y.contraction_trigger_width_mmHg = lp.segments.front().contraction_trigger_width_mmHg;
    return y;
  }();
  return r;
}

std::string_view knott2005_scenario_text() { return knott_text; }
const Y4Result& y4_lymph_pump_leg() {
  static const Y4Result r = [] {
    const MassageRun m = run_massage_scenario(knott_text, "knott_2005_lymph_pump.json", "Y4");
    const auto& arm = m.res.arms.at(0);
    const std::string seg = m.sc.limb.segment_names.front();
    const int il = column(arm, seg + ".cumulative_lymph_outflow_mL");
    const int iq = column(arm, seg + ".lymph_flow_mL_per_min");
    MASSAGESIM_CHECK(m.massage.end_s - m.massage.start_s >= 3600.0 - 1e-9, "validation Y4: the pump needs 60 min");
    Y4Result y;
    y.baseline_mL_per_min = value_at(arm, iq, 0.0);  // the resting state
    // Mean lymph flow [mL/min] over minutes [m0, m1] of the pump, from the cumulative outflow.
    auto flow = [&](int m0, int m1) {
      return mean_rate_per_min(arm, {il}, m.massage.start_s + 60.0 * m0, m.massage.start_s + 60.0 * m1);
    };
    auto extra = [&](int m0, int m1) { return (flow(m0, m1) - y.baseline_mL_per_min) * (m1 - m0); };
    y.extra_first10_mL = extra(0, 10);
    y.extra_last10_mL = extra(50, 60);
    y.extra_total_mL = extra(0, 60);
    y.minute2_ratio = flow(1, 2) / y.baseline_mL_per_min;
    y.last10_ratio = flow(50, 60) / y.baseline_mL_per_min;
    return y;
  }();
  return r;
}

namespace {
/// One arm file's readings: R1 peak increase per occlusion duration (NaN: not in the file) and the B4 rise.
struct ArmReadings {
  std::array<double, 4> r1_mL_per_min{};
  double b4_mL_per_100g_per_min = std::numeric_limits<double>::quiet_NaN();
};
ArmReadings read_arm_file(std::string_view text, const char* file) {
  const scenario::Scenario sc = scenario::parse_scenario(text, file);
  const auto res = simulate_checked(sc, "R1/B4");
  const auto& arm = res.arms.at(0);
  // The forearm: the segments up to and including the cuffed one.
  int cuffed = -1;
  for (const auto& ph : sc.protocol)
    if (ph.technique)
      if (const auto* c = std::get_if<protocols::OcclusionCuffParams>(&*ph.technique)) cuffed = c->segment;
  MASSAGESIM_CHECK(cuffed >= 0, "validation R1/B4: ", file, " needs an occlusion_cuff on a given segment");
  std::vector<int> cols;
  double mass_g = 0.0;
  const auto masses = sc.limb.segment_masses_g();
  for (int s = 0; s <= cuffed; ++s) {
    cols.push_back(column(arm, sc.limb.segment_names[static_cast<std::size_t>(s)] + ".cumulative_arterial_inflow_mL"));
    mass_g += masses.at(static_cast<std::size_t>(s));
  }
  auto mean = [&](double a_s, double b_s) { return mean_rate_per_min(arm, cols, a_s, b_s); };  // mL/min
  // Largest mean over windows of `w_s` starting at saved points in [a_s, b_s].
  auto peak = [&](double a_s, double b_s, double w_s) {
    double best = -std::numeric_limits<double>::infinity();
    for (double t : arm.t_s)
      if (t >= a_s - 1e-9 && t <= b_s + 1e-9) best = std::max(best, mean(t, t + w_s));
    return best;
  };
  ArmReadings out;
  out.r1_mL_per_min.fill(std::numeric_limits<double>::quiet_NaN());
  double rest_end = -1.0;
  for (const auto& span : phase_spans(sc)) {
    const auto& ph = *span.phase;
    const double t0 = span.start_s, t1 = span.end_s;
    if (ph.kind == protocols::PhaseKind::rest) {
      MASSAGESIM_CHECK(ph.duration_s >= 60.0, "validation R1/B4: each rest must last >= 60 s");
      rest_end = t1;
      continue;
    }
    MASSAGESIM_CHECK(rest_end == t0, "validation R1/B4: each compression must follow a rest phase");
    const double rest = mean(rest_end - 60.0, rest_end);
    const auto* cuff = std::get_if<protocols::OcclusionCuffParams>(&*ph.technique);
    if (cuff) {
      const auto& d = ReactiveHyperaemiaResult::durations_s;
      const auto it = std::find(d.begin(), d.end(), cuff->hold_s);
      MASSAGESIM_CHECK(it != d.end(), "validation R1: occlusion of ", cuff->hold_s, " s is not one of R1's");
      out.r1_mL_per_min[static_cast<std::size_t>(it - d.begin())] = peak(t1, t1 + 120.0 - 3.0, 3.0) - rest;
    } else {
      out.b4_mL_per_100g_per_min = (peak(t1, t1 + 29.0, 1.0) - rest) * 100.0 / mass_g;
    }
  }
  return out;
}
const ArmReadings& above_readings() {
  static const ArmReadings r = read_arm_file(rh_above_text, "forearm_reactive_hyperaemia_arm_above_heart.json");
  return r;
}
const ArmReadings& below_readings() {
  static const ArmReadings r = read_arm_file(rh_below_text, "forearm_reactive_hyperaemia_arm_below_heart.json");
  return r;
}
}  // namespace

std::string_view rh_above_heart_scenario_text() { return rh_above_text; }
std::string_view rh_below_heart_scenario_text() { return rh_below_text; }
std::string_view rh_heart_level_scenario_text() { return rh_level_text; }

const ReactiveHyperaemiaResult& r1_r2_reactive_hyperaemia_arm() {
  static const ReactiveHyperaemiaResult r = [] {
    ReactiveHyperaemiaResult rh;
    rh.above = above_readings().r1_mL_per_min;
    rh.below = below_readings().r1_mL_per_min;
    rh.heart_level_5min =
        read_arm_file(rh_level_text, "forearm_reactive_hyperaemia_arm_heart_level.json").r1_mL_per_min[3];
    for (double v : rh.above)
      MASSAGESIM_CHECK(std::isfinite(v), "validation R1: the above-heart file lacks an occlusion");
    for (double v : rh.below)
      MASSAGESIM_CHECK(std::isfinite(v), "validation R1: the below-heart file lacks an occlusion");
    MASSAGESIM_CHECK(std::isfinite(rh.heart_level_5min),
                     "validation R2: the heart-level file lacks its 5-min occlusion");
    return rh;
  }();
  return r;
}

const B4Result& b4_tschakovsky1996_arm() {
  static const B4Result r{below_readings().b4_mL_per_100g_per_min, above_readings().b4_mL_per_100g_per_min};
  return r;
}

std::string_view beneke2007_10s_scenario_text() { return beneke10_text; }
std::string_view beneke2007_30s_scenario_text() { return beneke30_text; }
const L10Result& l10_beneke2007_leg() {
  static const L10Result r = [] {
    L10Result l;
    const std::string_view texts[2] = {beneke10_text, beneke30_text};
    const char* files[2] = {"beneke_2007_sprint_10s.json", "beneke_2007_sprint_30s.json"};
    for (std::size_t i = 0; i < 2; ++i) {
      const scenario::Scenario sc = scenario::parse_scenario(texts[i], files[i]);
      const PhaseSpan sprint = first_phase(sc, protocols::PhaseKind::exercise);
      MASSAGESIM_CHECK(sprint.phase, "validation L10: ", files[i], " has no sprint");
      const auto res = simulate_checked(sc, "L10");
      const auto& arm = res.arms.at(0);
      MASSAGESIM_CHECK(arm.t_s.back() >= sprint.start_s + 3600.0 - 1e-9, "validation L10: ", files[i],
                       " ends before 60 min after the sprint's start");
      const int la = column(arm, "blood_lactate_mmol_per_L");
      std::vector<double> t_min, c;
      for (int m = 1; m <= 60; ++m) t_min.push_back(m), c.push_back(value_at(arm, la, sprint.start_s + 60.0 * m));
      const auto f = harness::fit_beneke(t_min, c, value_at(arm, la, sprint.start_s));
      l.A[i] = f.A, l.k1[i] = f.k1, l.k2[i] = f.k2, l.rms[i] = f.rms;
    }
    return l;
  }();
  return r;
}

const QuietStandingResult& p7_lundvall1996() {
  static const QuietStandingResult r = [] {
    const scenario::Scenario sc = quiet_standing_scenario();
    const auto res = simulate_checked(sc, "P7");
    const auto& arm = res.arms.at(0);
    // The posture change, from the scenario itself.
    const PhaseSpan stand = first_phase(sc, protocols::PhaseKind::posture_change);
    const double t_stand = stand.phase ? stand.start_s : -1.0;
    MASSAGESIM_CHECK(t_stand >= 0.0 && arm.t_s.back() >= t_stand + 35.0 * 60.0 - 1e-9,
                     "validation P7: the scenario lacks its posture change and 35 min of standing");
    std::vector<int> cols;
    for (const auto& s : sc.limb.model_segment_names()) cols.push_back(column(arm, s + ".interstitial_volume_mL"));
    // Interstitial fluid of the legs at a saved point (saves every 10 s).
    auto fluid = [&](double ts) {
      double v = 0.0;
      for (int c : cols) v += value_at(arm, c, ts);
      return v;
    };
    const double v0 = fluid(t_stand);
    const double s5 = fluid(t_stand + 300.0) - v0, s15 = fluid(t_stand + 900.0) - v0,
                 s35 = fluid(t_stand + 2100.0) - v0;
    MASSAGESIM_CHECK(s35 > 0.0, "validation P7: the legs gained no interstitial fluid on standing");
    QuietStandingResult out;
    out.legs_shift_35min_mL = s35;
    out.fraction_at_5min = s5 / s35;
    out.late_fraction_15_to_35min = (s35 - s15) / s35;
    return out;
  }();
  return r;
}

const WalkingResult& p6_stick1992() {
  static const WalkingResult r = [] {
    const scenario::Scenario sc = walking_scenario();
    const auto res = simulate_checked(sc, "P6");
    const auto& arm = res.arms.at(0);
    // The walking phase, from the scenario itself; its first segment is the most distal (the ankle).
    const PhaseSpan walk = first_phase(sc, protocols::PhaseKind::exercise);
    const double start = walk.start_s, end = walk.end_s;
    MASSAGESIM_CHECK(walk.phase && end > start + 600.0 && start >= 60.0,
                     "validation P6: the scenario lacks its standing and walking");
    const auto& names = sc.limb.segment_names;
    const int pv = column(arm, names.front() + ".venous_pressure_mmHg");
    // Means over [a, b): the sampling (0.1 s) resolves every contraction (1.2 s), and 10 min hold 500 cycles.
    WalkingResult out;
    out.standing_venous_pressure_mmHg = mean_over(arm, pv, start - 60.0, start, "P6");
    out.walking_venous_pressure_mmHg = mean_over(arm, pv, end - 600.0, end, "P6");
    double v0 = 0.0, v1 = 0.0;
    for (const auto& s : names)
      if (s.find("calf") != std::string::npos) {
        const int c = column(arm, s + ".segment_fluid_volume_mL");
        v0 += value_at(arm, c, start);
        v1 += value_at(arm, c, end);
      }
    MASSAGESIM_CHECK(v0 > 0.0, "validation P6: no calf segment in the limb");
    out.calf_volume_change_pct = (v1 - v0) / v0 * 100.0;
    return out;
  }();
  return r;
}

const WingateResult& e2_cotterrell2005() {
  static const WingateResult r = [] {
    const scenario::Scenario sc = wingate_scenario();
    const auto res = simulate_checked(sc, "E2");
    const auto& arm = res.arms.at(0);
    const PhaseSpan sprint = first_phase(sc, protocols::PhaseKind::exercise);
    MASSAGESIM_CHECK(sprint.phase, "validation E2: the scenario lacks its sprint");
    const double end = sprint.end_s;
    const int la = column(arm, "blood_lactate_mmol_per_L");
    WingateResult out;
    for (std::size_t k = 0; k < arm.t_s.size(); ++k) {
      const double v = arm.values(static_cast<Eigen::Index>(k), la);
      if (arm.t_s[k] >= end && v > out.peak_blood_lactate_mmol_per_L) {
        out.peak_blood_lactate_mmol_per_L = v;
        out.peak_time_after_exercise_min = (arm.t_s[k] - end) / 60.0;
      }
    }
    out.max_muscle_cell_lactate_mmol_per_L = max_over_segments(arm, sc, "lactate_cell_mmol_per_L");
    return out;
  }();
  return r;
}

const RestLegValues& rest_default_leg() {
  static const RestLegValues r = [] {
    const scenario::Scenario sc = scenario::default_scenario();
    MASSAGESIM_CHECK(!sc.protocol.empty() && sc.protocol.front().kind == protocols::PhaseKind::rest,
                     "validation Rest: the default scenario no longer starts with a rest phase");
    RestLegValues out;
    out.segment = sc.limb.segment_names.front();
    const std::string s = out.segment + ".";
    simulation::SimulationOptions opt;
    if (!sc.arms.empty()) opt.arms = {sc.arms.front().name};  // the rest phase is every arm's
    opt.outputs = std::vector<std::string>{s + "arterial_inflow_mL_per_min_per_100g",
                                           s + "capillary_pressure_mmHg",
                                           s + "interstitial_fluid_pressure_mmHg",
                                           s + "intramuscular_pressure_mmHg",
                                           "mean_arterial_pressure_mmHg",
                                           "blood_lactate_mmol_per_L"};
    const auto res = simulate_checked(sc, "Rest", opt);
    const auto& arm = res.arms.at(0);
    const double end = sc.protocol.front().duration_s;
    const auto mean = [&](const std::string& name) { return mean_over(arm, column(arm, name), 0.0, end, "Rest"); };
    out.flow_mL_per_min_per_100g = mean(s + "arterial_inflow_mL_per_min_per_100g");
    out.capillary_pressure_mmHg = mean(s + "capillary_pressure_mmHg");
    out.interstitial_pressure_mmHg = mean(s + "interstitial_fluid_pressure_mmHg");
    out.intramuscular_pressure_mmHg = mean(s + "intramuscular_pressure_mmHg");
    out.mean_arterial_pressure_mmHg = mean("mean_arterial_pressure_mmHg");
    out.blood_lactate_mmol_per_L = mean("blood_lactate_mmol_per_L");
    return out;
  }();
  return r;
}

const KneeExtensionResult& e1_radegran1999() {
  static const KneeExtensionResult r = [] {
    const scenario::Scenario sc = knee_extension_scenario();
    simulation::SimulationOptions opt;
    opt.outputs = std::vector<std::string>{};  // every output
    const auto res = simulate_checked(sc, "E1", opt);
    const auto& arm = res.arms.at(0);
    // The exercise phase and its working segments, from the scenario itself.
    const PhaseSpan kick = first_phase(sc, protocols::PhaseKind::exercise);
    const double end = kick.end_s;
    const std::vector<std::string> working = kick.phase ? kick.phase->working_segments : std::vector<std::string>{};
    MASSAGESIM_CHECK(kick.phase && end > kick.start_s && !working.empty(),
                     "validation E1: the scenario lacks its knee-extension phase");
    KneeExtensionResult out;
    double q = 0.0, mass = 0.0, vo2 = 0.0;
    int n = 0;
    for (std::size_t k = 0; k < arm.t_s.size(); ++k) {
      if (arm.t_s[k] < end - 30.0 || arm.t_s[k] >= end) continue;
      for (const auto& s : working) {
        const double qk = arm.values(static_cast<Eigen::Index>(k), column(arm, s + ".arterial_inflow_mL_per_min"));
        const double q100 =
            arm.values(static_cast<Eigen::Index>(k), column(arm, s + ".arterial_inflow_mL_per_min_per_100g"));
        q += qk;
        mass += qk / q100 * 100.0;  // g
        vo2 += arm.values(static_cast<Eigen::Index>(k), column(arm, s + ".o2_uptake_mL_per_min"));
      }
      ++n;
    }
    MASSAGESIM_CHECK(n > 0 && mass > 0.0, "validation E1: no saved point in the last 30 s of exercise");
    out.perfusion_mL_per_min_per_100g = q / mass * 100.0;
    out.vo2_mL_per_min_per_100g = vo2 / mass * 100.0;
    const int calf = column(arm, sc.limb.segment_names.front() + ".arterial_inflow_mL_per_min");
    out.calf_inflow_over_rest = mean_over(arm, calf, end - 30.0, end, "E1") / arm.values(0, calf);
    return out;
  }();
  return r;
}

}  // namespace massagesim::validation
