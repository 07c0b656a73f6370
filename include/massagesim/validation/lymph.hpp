#pragma once
/// \file lymph.hpp
/// \brief Validation area "Lymph" (validation.md Y1, Y4). Compiled in src/validation_fluid.cpp;
///        results cached on first use.

namespace massagesim::validation {

/// Y1 Olszewski WL, Engeset A (1980) Am J Physiol 239:H775. Protocol: massage of the drainage area of the
/// default calf with the cannulated collector downstream of it (collector_applied_pressure_fraction = 0),
/// 5 min at 0.5 Hz (1 s on / 1 s off), none / light (30 mmHg) / firm (90 mmHg).
struct Y1Arm {
  int pulses = 0;                       ///< collector activation crossing 0.2 upward
  double lymph_mL = 0.0;                ///< lymph outflow over the 5 min
  double peak_pressure_mmHg = 0.0;      ///< largest collector pressure
  double min_fill_at_onset_mmHg = 1e9;  ///< lowest filling pressure (max over the 5 s before) that triggered a pulse
};
struct Y1Result {
  Y1Arm rest, light, firm;
  double contraction_threshold_mmHg = 0.0;
  double contraction_trigger_width_mmHg = 0.0;
  /// lowest triggering filling pressure minus (threshold - 2 trigger widths): >= 0 when every pulse was
  /// triggered by filling; NaN when neither massage triggered a pulse
  double trigger_margin_mmHg() const;
  /// firm minus light pulses; NaN when neither massage triggered a pulse (0 - 0 is no evidence)
  double firm_minus_light_pulses() const;
};
const Y1Result& y1_olszewski1980();

/// Y4 (dogs) manual lymphatic pump (Knott 2005 J Am Osteopath Assoc 105:447 and the 8-min pump study,
/// physiology.md §1E): 60 min of 60 mmHg, 1 s on / 1 s off on the default calf.
struct Y4Result {
  double baseline_mL_per_min = 0.0;
  double minute2_ratio = 0.0;     ///< lymph flow in minute 2 / baseline
  double extra_first10_mL = 0.0;  ///< lymph above baseline, minutes 0-10
  double extra_last10_mL = 0.0;   ///< lymph above baseline, minutes 50-60
  double extra_total_mL = 0.0;
  double last10_ratio = 0.0;  ///< mean flow minutes 50-60 / baseline
};
const Y4Result& y4_lymph_pump();

}  // namespace massagesim::validation
