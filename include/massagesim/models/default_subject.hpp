#pragma once
/// \file default_subject.hpp
/// \brief The default subject (healthy adult, supine, calf segment of 2 kg, 5 cm below the heart,
///        kappa 0.8), a forearm variant for forearm protocols (B1, B4, R1/R2), and the resting
///        state as a computed steady state (Newton with pseudo-transient fallback).

#include "massagesim/models/segment.hpp"

namespace massagesim::models {

/// Default subject: healthy adult, supine, calf (2 kg, 5 cm below heart level, kappa = 0.8).
inline SegmentParams default_calf_params() { return SegmentParams{}; }

/// Forearm of the default subject (1 kg of tissue; forearm protocols give mL/100 mL/min, taken as
/// mL/100 g/min); heart level by default. Forearm capillary pressure 17.0 +/- 1.6 mmHg (Perry 1986).
inline SegmentParams default_forearm_params() {
  SegmentParams p{};
  p.tissue_mass_g = 1000.0;
  p.rest_height_above_heart_cm = 0.0;
  return p;
}

}  // namespace massagesim::models
