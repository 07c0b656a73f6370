/// \file validation_exercise.cpp
/// \brief Validation area "exercise": scenarios run through simulation::simulate (exercise.hpp).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/validation/exercise.hpp"
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

/// Column of `name` in `arm` (throws naming it when absent).
int column(const simulation::ArmResult& arm, const std::string& name) {
  for (std::size_t j = 0; j < arm.output_names.size(); ++j)
    if (arm.output_names[j] == name) return static_cast<int>(j);
  MASSAGESIM_CHECK(false, "validation: output '", name, "' missing from the run");
  return -1;
}

/// Where the first phase of `kind` starts and ends [s], and the phase itself (null: none).
struct PhaseSpan {
  double start_s = 0.0, end_s = 0.0;
  const scenario::PhaseSpec* phase = nullptr;
};
PhaseSpan first_phase(const scenario::Scenario& sc, protocols::PhaseKind kind) {
  double t = 0.0;
  for (const auto& ph : sc.protocol) {
    if (ph.kind == kind) return {t, t + ph.duration_s, &ph};
    t += ph.duration_s;
  }
  return {};
}

/// Value of column `c` at the first saved point at or after `t_s` (the last point when none is).
double value_at(const simulation::ArmResult& arm, int c, double t_s) {
  std::size_t k = 0;
  while (k + 1 < arm.t_s.size() && arm.t_s[k] < t_s - 1e-9) ++k;
  return arm.values(static_cast<Eigen::Index>(k), c);
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
    const auto res = simulation::simulate(sc);
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
    double t = 0.0, t_end = -1.0;
    for (const auto& ph : sc.protocol) {
      t += ph.duration_s;
      if (ph.kind == protocols::PhaseKind::exercise) t_end = t;
    }
    MASSAGESIM_CHECK(t_end > 0.0, "validation L2: the scenario has no exercise");
    const auto res = simulation::simulate(sc);
    GuptaLegResult out;
    for (const auto& arm : res.arms) {
      MASSAGESIM_CHECK(arm.status == decltype(arm.status)::success, "validation L2: arm '", arm.arm,
                       "' failed: ", arm.message);
      const auto m = recovery_after(arm, column(arm, "blood_lactate_mmol_per_L"), t_end);
      if (arm.arm == "passive")
        out.passive = m;
      else if (arm.arm == "massage")
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

const QuietStandingResult& p7_lundvall1996() {
  static const QuietStandingResult r = [] {
    const scenario::Scenario sc = quiet_standing_scenario();
    const auto res = simulation::simulate(sc);
    const auto& arm = res.arms.at(0);
    // The posture change, from the scenario itself.
    const PhaseSpan stand = first_phase(sc, protocols::PhaseKind::posture_change);
    const double t_stand = stand.phase ? stand.start_s : -1.0;
    MASSAGESIM_CHECK(t_stand >= 0.0 && arm.t_s.back() >= t_stand + 35.0 * 60.0 - 1e-9,
                     "validation P7: the scenario lacks its posture change and 35 min of standing");
    std::vector<int> cols;
    for (const auto& s : sc.limb.segment_names) cols.push_back(column(arm, s + ".interstitial_volume_mL"));
    // Interstitial fluid of the leg at a saved point (saves every 10 s).
    auto fluid = [&](double ts) {
      double v = 0.0;
      for (int c : cols) v += value_at(arm, c, ts);
      return v;
    };
    const double v0 = fluid(t_stand);
    const double s5 = fluid(t_stand + 300.0) - v0, s15 = fluid(t_stand + 900.0) - v0,
                 s35 = fluid(t_stand + 2100.0) - v0;
    MASSAGESIM_CHECK(s35 > 0.0, "validation P7: the leg gained no interstitial fluid on standing");
    QuietStandingResult out;
    out.leg_shift_35min_mL = s35;
    out.fraction_at_5min = s5 / s35;
    out.late_fraction_15_to_35min = (s35 - s15) / s35;
    return out;
  }();
  return r;
}

const WalkingResult& p6_stick1992() {
  static const WalkingResult r = [] {
    const scenario::Scenario sc = walking_scenario();
    const auto res = simulation::simulate(sc);
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
    const auto res = simulation::simulate(sc);
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
    const auto res = simulation::simulate(sc, opt);
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
    const auto res = simulation::simulate(sc, opt);
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
