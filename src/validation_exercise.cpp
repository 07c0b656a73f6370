/// \file validation_exercise.cpp
/// \brief Validation area "exercise": scenarios run through simulation::simulate (exercise.hpp).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/validation/exercise.hpp"

namespace massagesim::validation {

namespace {
// Keep identical to scenarios/one_leg_knee_extension.json (test_scenario_io compares them).
const char* const knee_extension_text = R"massagesim_json({
  "$schema": "../schemas/scenario.schema.json",
  "format_version": 1,
  "name": "one_leg_knee_extension_peak",
  "description": "One-legged dynamic knee extension at peak effort (Radegran 1999 J Appl Physiol 87:2375, physiology.md section 3: knee-extensor perfusion 246 +/- 24 mL/min/100 g, VO2 35.2 +/- 3.7 mL/min/100 g at peak): seated, 5 min rest, 5 min of the thigh's muscles working alone at their peak (muscle_group limb: the calf and the rest of the body rest), 10 min of passive recovery. Validation target E1 reads the thigh at the end of the exercise.",
  "subject": {
    "preset": "default_calf",
    "initial_posture": "seated"
  },
  "limb": {
    "segment_names": ["distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"],
    "segment_lengths_cm": [20.0, 20.0, 25.0, 25.0]
  },
  "parameters": [],
  "protocol": [
    { "kind": "rest", "duration_s": 300.0 },
    { "kind": "exercise", "duration_s": 300.0, "intensity_fraction_VO2max": 1.0,
      "muscle_group": "limb", "working_segments": ["distal_thigh", "proximal_thigh"] },
    { "kind": "passive_recovery", "duration_s": 600.0 }
  ],
  "outputs": {
    "names": ["arterial_inflow_mL_per_min", "arterial_inflow_mL_per_min_per_100g", "o2_uptake_mL_per_min",
              "o2_demand_mL_per_min", "venous_pressure_mmHg", "blood_lactate_mmol_per_L"],
    "save_every_s": 5.0
  },
  "solver": {
    "stepper": "rodas4",
    "rtol": 1e-6,
    "atol": 1e-9,
    "dt_max_s": 10.0
  }
}
)massagesim_json";

// Keep identical to scenarios/wingate_recovery.json (test_scenario_io compares them).
const char* const wingate_text = R"massagesim_json({
  "$schema": "../schemas/scenario.schema.json",
  "format_version": 1,
  "name": "wingate_passive_recovery",
  "description": "A 30-s Wingate sprint and 30 min of passive recovery (Cotterrell 2005 J Physiol 565P PC28, physiology.md section 3: peak finger blood lactate 15.9 +/- 1.5 mmol/L at 3 min). The sprint is whole-body exercise at 2.2 x the VO2max power (the mean power of a 30-s all-out sprint [GK], as the L10 harness takes Beneke 2007's 30-s sprint). Supine, not seated on the ergometer: the model's seated rest state is not yet physiological (issue 12). Validation target E2 reads blood lactate.",
  "subject": {
    "preset": "default_calf",
    "initial_posture": "supine"
  },
  "limb": {
    "segment_names": ["distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"],
    "segment_lengths_cm": [20.0, 20.0, 25.0, 25.0]
  },
  "parameters": [],
  "protocol": [
    { "kind": "rest", "duration_s": 300.0 },
    { "kind": "exercise", "duration_s": 30.0, "intensity_fraction_VO2max": 2.2 },
    { "kind": "passive_recovery", "duration_s": 1800.0 }
  ],
  "outputs": {
    "names": ["blood_lactate_mmol_per_L", "lactate_cell_mmol_per_L", "arterial_inflow_mL_per_min", "o2_uptake_mL_per_min"],
    "save_every_s": 5.0
  },
  "solver": {
    "stepper": "rodas4",
    "rtol": 1e-6,
    "atol": 1e-9,
    "dt_max_s": 10.0
  }
}
)massagesim_json";

// Keep identical to scenarios/walking_ambulatory_venous_pressure.json (test_walking_validation compares them).
const char* const walking_text = R"massagesim_json({
  "$schema": "../schemas/scenario.schema.json",
  "format_version": 1,
  "name": "walking_ambulatory_venous_pressure",
  "description": "Quiet standing, then slow walking with the calf muscle pump, then standing again (Stick C, Jaeger H, Witzleb E 1992 J Appl Physiol 72:2063: median venous pressure in a superficial vein near the ankle 84.0 mmHg standing, 23.5 mmHg walking at 3 km/h; calf volume fell while walking). The distal calf stands for the ankle. 5 min standing, 20 min walking, 5 min standing. Walking: a whole-body effort at 0.25 x VO2max (walking at ~3 km/h is ~2.8 MET, Ainsworth 2011 Compendium [GK], against a VO2max of ~11 MET [GK]) whose working segments are the calf's (the thigh and the rest of the body are the lactate pool's lumped muscle), with rhythmic contractions: 50 per minute per leg (90-100 steps/min [GK]), contracting 40 % of each stride (Magosso & Ursino 2002: duty 0.4-0.6), peak intramuscular pressure 87 mmHg above rest (maximal calf contraction, 118 cmH2O, physiology.md section 3). Validation targets P6 read the distal calf's venous pressure.",
  "subject": {
    "preset": "default_calf",
    "initial_posture": "standing"
  },
  "limb": {
    "segment_names": ["distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"],
    "segment_lengths_cm": [20.0, 20.0, 25.0, 25.0]
  },
  "parameters": [],
  "protocol": [
    { "kind": "rest", "duration_s": 300.0 },
    { "kind": "exercise", "duration_s": 1200.0, "intensity_fraction_VO2max": 0.25,
      "working_segments": ["distal_calf", "proximal_calf"],
      "contractions": { "cadence_per_min": 50.0, "duty_cycle": 0.4, "pressure_mmHg": 87.0 } },
    { "kind": "rest", "duration_s": 300.0 }
  ],
  "outputs": {
    "names": ["venous_pressure_mmHg", "venous_volume_mL", "segment_fluid_volume_mL", "contraction_pressure_mmHg",
              "intramuscular_pressure_mmHg", "arterial_inflow_mL_per_min", "venous_outflow_mL_per_min"],
    "save_every_s": 0.1
  },
  "solver": {
    "stepper": "rodas4",
    "rtol": 1e-6,
    "atol": 1e-9,
    "dt_max_s": 10.0
  }
}
)massagesim_json";

// Keep identical to scenarios/quiet_standing_fluid_shift.json (test_walking_validation compares them).
const char* const quiet_standing_text = R"massagesim_json({
  "$schema": "../schemas/scenario.schema.json",
  "format_version": 1,
  "name": "quiet_standing_fluid_shift",
  "description": "Lying, then 35 min of quiet standing: how much fluid the dependent leg filters into its tissue and how fast (Lundvall J, Bjerkhoel P, Quittenbaum S, Lindgren P 1996 Acta Physiol Scand 158:161: plasma volume fell 466 +/- 22 mL after 5 min, 671 +/- 39 mL after 10 min and 691 +/- 44 mL after 35 min of quiet standing, n = 7 men, 'virtually completed within 10 min'; Youmans JB et al. 1934 J Clin Invest 13:447: about 1 h of standing raised leg volume a few per cent without pitting oedema, and tissue pressure limited the loss 3-5 times more than the rise in colloid osmotic pressure). 10 min supine rest, then standing. Validation targets P7 read the rise of the leg's interstitial volume (the sum over its segments) since the posture change.",
  "subject": {
    "preset": "default_calf",
    "initial_posture": "supine"
  },
  "limb": {
    "segment_names": ["distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"],
    "segment_lengths_cm": [20.0, 20.0, 25.0, 25.0]
  },
  "parameters": [],
  "protocol": [
    { "kind": "rest", "duration_s": 600.0 },
    { "kind": "posture_change", "duration_s": 0.0, "posture": "standing" },
    { "kind": "rest", "duration_s": 2100.0 }
  ],
  "outputs": {
    "names": ["interstitial_volume_mL", "venous_volume_mL", "interstitial_fluid_pressure_mmHg", "filtration_mL_per_min",
              "lymph_flow_mL_per_min"],
    "save_every_s": 10.0
  },
  "solver": {
    "stepper": "rodas4",
    "rtol": 1e-6,
    "atol": 1e-9,
    "dt_max_s": 30.0
  }
}
)massagesim_json";

/// Column of `name` in `arm` (throws naming it when absent).
int column(const simulation::ArmResult& arm, const std::string& name) {
  for (std::size_t j = 0; j < arm.output_names.size(); ++j)
    if (arm.output_names[j] == name) return static_cast<int>(j);
  MASSAGESIM_CHECK(false, "validation: output '", name, "' missing from the run");
  return -1;
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

const QuietStandingResult& p7_lundvall1996() {
  static const QuietStandingResult r = [] {
    const scenario::Scenario sc = quiet_standing_scenario();
    const auto res = simulation::simulate(sc);
    const auto& arm = res.arms.at(0);
    // The posture change, from the scenario itself.
    double t_stand = -1.0, t = 0.0;
    for (const auto& ph : sc.protocol) {
      if (ph.kind == protocols::PhaseKind::posture_change) {
        t_stand = t;
        break;
      }
      t += ph.duration_s;
    }
    MASSAGESIM_CHECK(t_stand >= 0.0 && arm.t_s.back() >= t_stand + 35.0 * 60.0 - 1e-9,
                     "validation P7: the scenario lacks its posture change and 35 min of standing");
    std::vector<int> cols;
    for (const auto& s : sc.limb.segment_names) cols.push_back(column(arm, s + ".interstitial_volume_mL"));
    // Interstitial fluid of the leg at the saved point nearest t (saves every 10 s).
    auto fluid = [&](double ts) {
      std::size_t k = 0;
      while (k + 1 < arm.t_s.size() && arm.t_s[k] < ts - 1e-9) ++k;
      double v = 0.0;
      for (int c : cols) v += arm.values(static_cast<Eigen::Index>(k), c);
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
    double start = 0.0, end = 0.0;
    for (const auto& ph : sc.protocol) {
      if (ph.kind == protocols::PhaseKind::exercise) {
        end = start + ph.duration_s;
        break;
      }
      start += ph.duration_s;
    }
    MASSAGESIM_CHECK(end > start + 600.0 && start >= 60.0,
                     "validation P6: the scenario lacks its standing and walking");
    const auto& names = sc.limb.segment_names;
    const int pv = column(arm, names.front() + ".venous_pressure_mmHg");
    // Means over [a, b): the sampling (0.1 s) resolves every contraction (1.2 s), and 10 min hold 500 cycles.
    auto mean = [&](int c, double a, double b) {
      double s = 0.0;
      int n = 0;
      for (std::size_t k = 0; k < arm.t_s.size(); ++k)
        if (arm.t_s[k] >= a && arm.t_s[k] < b) s += arm.values(static_cast<Eigen::Index>(k), c), ++n;
      MASSAGESIM_CHECK(n > 0, "validation P6: no saved point in [", a, ", ", b, ") s");
      return s / n;
    };
    auto at = [&](int c, double t) {
      std::size_t k = 0;
      while (k + 1 < arm.t_s.size() && arm.t_s[k] < t) ++k;
      return arm.values(static_cast<Eigen::Index>(k), c);
    };
    WalkingResult out;
    out.standing_venous_pressure_mmHg = mean(pv, start - 60.0, start);
    out.walking_venous_pressure_mmHg = mean(pv, end - 600.0, end);
    double v0 = 0.0, v1 = 0.0;
    for (const auto& s : names)
      if (s.find("calf") != std::string::npos) {
        const int c = column(arm, s + ".segment_fluid_volume_mL");
        v0 += at(c, start);
        v1 += at(c, end - 1e-9);
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
    double end = 0.0;
    for (const auto& ph : sc.protocol) {
      end += ph.duration_s;
      if (ph.kind == protocols::PhaseKind::exercise) break;
    }
    const int la = column(arm, "blood_lactate_mmol_per_L");
    WingateResult out;
    for (std::size_t k = 0; k < arm.t_s.size(); ++k) {
      const double v = arm.values(static_cast<Eigen::Index>(k), la);
      if (arm.t_s[k] >= end && v > out.peak_blood_lactate_mmol_per_L) {
        out.peak_blood_lactate_mmol_per_L = v;
        out.peak_time_after_exercise_min = (arm.t_s[k] - end) / 60.0;
      }
    }
    for (const auto& s : sc.limb.segment_names) {
      const int c = column(arm, s + ".lactate_cell_mmol_per_L");
      for (Eigen::Index k = 0; k < arm.values.rows(); ++k)
        out.max_muscle_cell_lactate_mmol_per_L = std::max(out.max_muscle_cell_lactate_mmol_per_L, arm.values(k, c));
    }
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
    double start = 0.0, end = 0.0;
    std::vector<std::string> working;
    for (const auto& ph : sc.protocol) {
      if (ph.kind == protocols::PhaseKind::exercise) {
        end = start + ph.duration_s;
        working = ph.working_segments;
        break;
      }
      start += ph.duration_s;
    }
    MASSAGESIM_CHECK(end > start && !working.empty(), "validation E1: the scenario lacks its knee-extension phase");
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
    double calf_ex = 0.0;
    int m = 0;
    for (std::size_t k = 0; k < arm.t_s.size(); ++k)
      if (arm.t_s[k] >= end - 30.0 && arm.t_s[k] < end) calf_ex += arm.values(static_cast<Eigen::Index>(k), calf), ++m;
    out.calf_inflow_over_rest = calf_ex / m / arm.values(0, calf);
    return out;
  }();
  return r;
}

}  // namespace massagesim::validation
