#pragma once
/// \file systemic.hpp
/// \brief The systemic circulation as seen by a limb, as a limb-level module. This "fixed" version holds
///        mean arterial, pulse and central venous pressure at their parameter values (a baroreflex model
///        replaces it in a later issue without touching the segments: they read the limb bus).

#include <array>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/module.hpp"

namespace massagesim::models {

template <class S>
struct SystemicParamsTpl {
  S mean_arterial_pressure_mmHg{93.0};
  S central_venous_pressure_mmHg{4.0};
  S pulse_pressure_mmHg{40.0};

  template <class T>
  SystemicParamsTpl<T> cast() const {
    return {T(mean_arterial_pressure_mmHg), T(central_venous_pressure_mmHg), T(pulse_pressure_mmHg)};
  }
};
using SystemicParams = SystemicParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 3> systemic_parameter_info{{
    {"mean_arterial_pressure_mmHg", "mmHg", 93.0, 70.0, 110.0, "validation.md rest: MAP 90-95 mmHg",
     "systemic mean arterial pressure at heart level"},
    {"central_venous_pressure_mmHg", "mmHg", 4.0, 0.0, 10.0, "[GK] supine CVP", "central venous pressure"},
    {"pulse_pressure_mmHg", "mmHg", 40.0, 25.0, 80.0,
     "[GK] 120/80 mmHg adult brachial pressure; with MAP = diastolic + PP/3 (models/detail/conduit.hpp)",
     "systolic minus diastolic pressure: when a cuff on a proximal segment opens the conduit arteries"},
}};

/// Fixed systemic pressures as a limb module: publishes MAP and CVP on the limb bus.
struct SystemicModule {
  static constexpr std::string_view name = "systemic";
  template <class S>
  using Params = SystemicParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr const auto& parameter_info = systemic_parameter_info;
  static constexpr std::array<StateInfo, 0> states{};
  static constexpr std::array<OutputInfo, 2> outputs{{
      {"mean_arterial_pressure_mmHg", "mmHg", "systemic mean arterial pressure at heart level"},
      {"central_venous_pressure_mmHg", "mmHg", "central venous pressure"},
  }};

  template <class S, class Bus>
  static void publish(const Params<S>& p, Bus& bus) {
    bus.arterial_pressure_mmHg = p.mean_arterial_pressure_mmHg;
    bus.central_venous_pressure_mmHg = p.central_venous_pressure_mmHg;
    bus.arterial_pulse_pressure_mmHg = p.pulse_pressure_mmHg;
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double*, const Bus& bus, const Work<double>&, double* out) {
    out[0] = bus.arterial_pressure_mmHg;
    out[1] = bus.central_venous_pressure_mmHg;
  }
};

}  // namespace massagesim::models
