#pragma once
/// \file tissue.hpp
/// \brief The tissue of a segment as a module: its mass, resting height, pressure transmission and solid
///        stress, and the tissue pressures every other module of the segment reads.
///
///   P_isf = f(V_isf) + kappa P_app + P_im            (free-fluid pressure, Starling)
///   P_t   = P_rest + kappa P_app + P_im + f(V_isf)   (total, seen by vessels: the measured IMP)
/// f(V_isf) comes from the interstitium (its `signals` stage), P_im from muscle tone (its `signals`
/// stage), so this module follows both in a segment's module list.

#include <array>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/module.hpp"

namespace massagesim::models {

/// Parameters of a segment's tissue: geometry, posture at rest, tissue-pressure coupling.
template <class S>
struct TissueParamsTpl {
  S tissue_mass_g{2000.0};
  S rest_height_above_heart_cm{-5.0};
  S tissue_pressure_transmission{0.8};
  S resting_tissue_pressure_mmHg{6.0};
  S muscle_fraction{1.0};

  template <class T>
  TissueParamsTpl<T> cast() const {
    return {T(tissue_mass_g), T(rest_height_above_heart_cm), T(tissue_pressure_transmission),
            T(resting_tissue_pressure_mmHg), T(muscle_fraction)};
  }
};
using TissueParams = TissueParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 5> tissue_parameter_info{{
    {"tissue_mass_g", "g", 2000.0, 200.0, 10000.0, "[GK] adult calf ~2 kg (forearm ~1 kg)",
     "mass of the segment's tissue"},
    {"rest_height_above_heart_cm", "cm", -5.0, -120.0, 60.0, "[GK] supine calf slightly below heart level",
     "height of the segment above the heart in the resting posture"},
    {"tissue_pressure_transmission", "1", 0.8, 0.7, 0.85,
     "physiology.md §1E [D]: Murthy (NASA) IMP/surface 0.85 elastic, 0.7 inelastic; IPC tissue 20 % below chamber "
     "(Olszewski)",
     "kappa: fraction of the skin pressure reaching deep tissue"},
    {"resting_tissue_pressure_mmHg", "mmHg", 6.0, 2.0, 10.0,
     "calibrated to resting IMP 3.7-7.4 mmHg (5-10 cmH2O recumbent, physiology.md §1E) with P_i ~ -1 mmHg",
     "P_rest: solid-tissue (fascial) stress on vessels at rest"},
    {"muscle_fraction", "1", 1.0, 0.1, 1.0,
     "1: all of the segment's tissue is working muscle, as the per-100 g flows, VO2 and lactate parameters were "
     "calibrated (muscle perfusion and VO2 per 100 g, physiology.md 3); lower it from imaging of the subject "
     "(muscle volume / segment volume: MRI, CT, or girths and skinfolds, Knapik 1996 MSSE 28:1523) [user]",
     "fraction of the segment's tissue mass that is skeletal muscle (exercise metabolism and exercise "
     "dilation; skin, fat and bone keep their resting perfusion)"},
}};

/// The tissue as a segment module (no states).
struct TissueModule {
  static constexpr std::string_view name = "tissue";
  template <class S>
  using Params = TissueParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr const auto& parameter_info = tissue_parameter_info;
  static constexpr std::array<StateInfo, 0> states{};
  static constexpr std::array<OutputInfo, 2> outputs{{
      {"intramuscular_pressure_mmHg", "mmHg", "total tissue pressure seen by the vessels (what a needle measures)"},
      {"interstitial_fluid_pressure_mmHg", "mmHg", "free interstitial fluid pressure (Starling)"},
  }};

  template <class S, class Bus>
  static void publish(const Params<S>& p, Bus& bus) {
    bus.tissue_mass_g = p.tissue_mass_g;
    bus.tissue_pressure_transmission = p.tissue_pressure_transmission;
    bus.resting_tissue_pressure_mmHg = p.resting_tissue_pressure_mmHg;
    bus.muscle_fraction = p.muscle_fraction;
  }
  template <class S, class Bus>
  static void signals(const Params<S>& p, const S*, Bus& bus, Work<S>&) {
    const S f_isf = bus.interstitial_pressure_mmHg;
    const S kP = bus.tissue_pressure_transmission * bus.applied_pressure_mmHg;
    bus.interstitial_fluid_pressure_mmHg = f_isf + kP + bus.intramuscular_pressure_mmHg;
    bus.tissue_pressure_mmHg = p.resting_tissue_pressure_mmHg + kP + bus.intramuscular_pressure_mmHg + f_isf;
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double*, const Bus& bus, const Work<double>&, double* out) {
    out[0] = bus.tissue_pressure_mmHg;
    out[1] = bus.interstitial_fluid_pressure_mmHg;
  }
};

}  // namespace massagesim::models
