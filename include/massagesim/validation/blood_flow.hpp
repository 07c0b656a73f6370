#pragma once
/// \file blood_flow.hpp
/// \brief Validation area "Blood flow" (validation.md B1, B4, R1/R2) and the calf venous emptying time
///        constant (P5). Protocols as in the tests they came from (tests/cpp/models), each documented
///        at its function. Compiled in src/validation_fluid.cpp; results cached on first use.

#include <array>

namespace massagesim::validation {

/// Arm positions of the posture studies (B4, R1): not given in the abstracts; the forearm is assumed
/// 30 cm below / above the heart (arm hanging / raised) [assumption, GK].
inline constexpr double kBelowHeart_cm = -30.0;
inline constexpr double kAboveHeart_cm = 30.0;

/// B1 Shoemaker JK, Tiidus PM, Mader R (1997) Med Sci Sports Exerc 29:610: effleurage, petrissage and
/// tapotement on the resting forearm leave conduit flow unchanged (change < ~10 %). Protocol: forearm at
/// heart level, 5 min of strokes at 0.5 Hz (1 s on / 1 s off) at 30 (nominal: 60 mmHg under the hand
/// over half the segment), 60 and 100 mmHg segment-average applied pressure.
struct B1Result {
  double rest_inflow_mL_per_min = 0.0;
  std::array<double, 3> pressure_mmHg{30.0, 60.0, 100.0};
  std::array<double, 3> mean_inflow_mL_per_min{};  ///< mean inflow during the 5 min of massage
  std::array<double, 3> change{};                  ///< mean / rest - 1 (fraction)
  /// Second half of B1: light voluntary contraction (handgrip ~35 % MVC, modelled as exercise
  /// intensity 0.35 of this muscle for 2 min) triples inflow: 126 ± 19 vs 39.1 ± 6.4 mL/min (3.2 x;
  /// knee extension 1087 / 371 = 2.9 x). Mean inflow over the last 30 s of contraction / rest.
  double contraction_intensity = 0.35;
  double contraction_inflow_ratio = 0.0;
};
const B1Result& b1_shoemaker1997();

/// B4 Tschakovsky ME, Shoemaker JK, Hughson RL (1996) Am J Physiol: one 1-s 100 mmHg forearm compression;
/// metric: peak 1-s mean inflow after release minus resting inflow [mL/100 mL/min], arm below / above heart.
struct B4Result {
  double below_heart = 0.0;  ///< data 7.7 +/- 0.7
  double above_heart = 0.0;  ///< data 3.0 +/- 0.4
};
const B4Result& b4_tschakovsky1996();

/// P5 calf venous emptying (Phys Med Biol 1977;22:1146): sudden 20 mmHg on the default supine calf;
/// tau = time to 1/e of the expelled volume; tau = RC = 4.2 +/- 1.8 s (propagated SD [D]).
struct CalfEmptyingResult {
  double expelled_mL = 0.0;
  double tau_s = -1.0;             ///< < 0 if the 1/e point was not reached
  double remaining_at_2tau = 0.0;  ///< fraction left at 2 tau (exponential: e^-2 = 0.135)
};
const CalfEmptyingResult& calf_venous_emptying();

/// R1 reactive hyperaemia vs occlusion duration and arm position (PMC4556838) and R2 (PMC3285391):
/// peak 3-s mean inflow increase [mL/min] after 0.5, 1, 2, 5 min of 250 mmHg cuff occlusion.
struct ReactiveHyperaemiaResult {
  static constexpr std::array<double, 4> durations_s{30.0, 60.0, 120.0, 300.0};
  static constexpr std::array<double, 4> above_data{77, 178, 291, 398}, above_sd{11, 24, 25, 33};
  static constexpr std::array<double, 4> below_data{96, 279, 550, 711}, below_sd{19, 62, 60, 69};
  std::array<double, 4> above{}, below{};  ///< model peak increases [mL/min]
  double heart_level_5min = 0.0;           ///< R2: 5-min peak increase at heart level (supine)
};
const ReactiveHyperaemiaResult& r1_r2_reactive_hyperaemia();

}  // namespace massagesim::validation
