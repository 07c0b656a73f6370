/// \file default_scenario.cpp
/// \brief The embedded default scenario. Keep identical to scenarios/default.json (a test compares them).

namespace massagesim::scenario::detail_default {
extern const char* const default_scenario_text;
const char* const default_scenario_text = R"massagesim_json({
  "$schema": "../schemas/scenario.schema.json",
  "format_version": 1,
  "name": "post_exercise_leg_recovery",
  "description": "Post-exercise recovery of a leg: 5 min supine rest, 3 min cycling-like exercise at 95 % VO2max, then 15 min of massage (effleurage toward the heart at 60 mmHg, petrissage of the calf at 10-60 mmHg and 0.5 Hz, effleurage again) and 25 min of passive recovery, run side by side with passive recovery in place of the massage. Pressures: manual massage generates 60-120 mmHg in tissue (Olszewski, physiology.md section 3); 70-100 mmHg at 0.42 Hz damages lymphatics after 3-10 min (Eliska 1995), so the peaks stay at 60 mmHg. Kneading rate 0.5 Hz (Haas 2013). Effleurage speed and pauses are the technique defaults (not in physiology.md).",
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
    { "kind": "exercise", "duration_s": 180.0, "intensity_fraction_VO2max": 0.95 },
    { "kind": "massage", "duration_s": 300.0, "technique": "effleurage",
      "pressure_mmHg": 60.0, "speed_cm_per_s": 5.0, "direction": "toward_heart",
      "contact_length_cm": 10.0, "ramp_s": 0.5, "pause_s": 2.0 },
    { "kind": "massage", "duration_s": 300.0, "technique": "petrissage",
      "depth_mmHg": 50.0, "baseline_mmHg": 10.0, "rate_Hz": 0.5, "from_cm": 0.0, "to_cm": 40.0 },
    { "kind": "massage", "duration_s": 300.0, "technique": "effleurage",
      "pressure_mmHg": 60.0, "speed_cm_per_s": 5.0, "direction": "toward_heart",
      "contact_length_cm": 10.0, "ramp_s": 0.5, "pause_s": 2.0 },
    { "kind": "passive_recovery", "duration_s": 1500.0 }
  ],
  "arms": [
    { "name": "massage", "description": "the protocol as written" },
    { "name": "passive", "description": "massage phases replaced by passive recovery of equal duration",
      "replace_kinds": ["massage"], "replace_with": "passive_recovery" }
  ],
  "outputs": {
    "names": ["applied_pressure_mmHg", "arterial_inflow_mL_per_min", "venous_outflow_mL_per_min",
              "lymph_flow_mL_per_min", "interstitial_fluid_pressure_mmHg", "vasodilator_signal"],
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
}  // namespace massagesim::scenario::detail_default
