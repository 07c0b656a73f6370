#pragma once
/// \file rest.hpp
/// \brief Validation area "Rest" (validation.md): the default subject at rest, supine, no stimulus.
///
/// The computations are compiled once in the runtime library (src/validation_fluid.cpp,
/// src/validation_metabolism.cpp); results are computed on first use and cached (thread-safe).

namespace massagesim::validation {

/// Rest values of the default calf Segment (models/default_subject.hpp).
struct RestValues {
  double steady_state_residual = 0.0;     ///< max_i |f_i(x_rest)| of the steady-state solve
  double flow_mL_per_min_per_100g = 0.0;  ///< arterial inflow per 100 g
  double capillary_pressure_mmHg = 0.0;
  double interstitial_pressure_mmHg = 0.0;  ///< interstitial fluid pressure
  double intramuscular_pressure_mmHg = 0.0;
  double arterial_inflow_mL_per_min = 0.0;
  double venous_outflow_mL_per_min = 0.0;
  double lymph_flow_mL_per_min = 0.0;
  double lymph_flow_mL_per_h_per_100g = 0.0;
  double mean_arterial_pressure_mmHg = 0.0;  ///< systemic input (constant until the baroreflex issue)
  double venous_lactate_mmol_per_L = 0.0;    ///< capillary (venous) lactate of the Segment
  double pain_drive = 0.0;
  double reflex_gain = 0.0;
  double vasodilator_signal = 0.0;
  double o2_uptake_mL_per_min = 0.0;
};

/// The default calf Segment at its computed rest state.
const RestValues& rest_values();

/// Resting blood lactate of the whole-body lactate model (lactate_pool.hpp) after 6 h at rest [mmol/L].
/// Menzies 2010: 1.0 +/- 0.1 mmol/L.
double rest_blood_lactate_mmol_per_L();

}  // namespace massagesim::validation
