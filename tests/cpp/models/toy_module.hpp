#pragma once
/// \file toy_module.hpp
/// \brief A toy segment module, all in this one header (docs/architecture.md "Adding a module"): a tissue
///        temperature that massage pressure raises (friction heat) and that relaxes to rest. Composing it
///        with `append_t<SegmentModules, ToyHeatModule>` gives it parameters, states, outputs with units,
///        registry access and exported symbols without editing any other file; building the library with
///        `-DMASSAGESIM_EXTRA_MODULES=<this header>` (models/extra_modules.hpp) puts both modules in every
///        segment and limb, so scenario files, sweeps, outputs and SBML export have them too
///        (tests/python/toy_build/ checks that build).

#include <array>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/module.hpp"

namespace massagesim::models::test {

template <class S>
struct ToyHeatParamsTpl {
  S toy_rest_temperature_C{34.0};
  S toy_pressure_gain_C_per_mmHg{0.02};
  S toy_time_constant_s{60.0};

  template <class T>
  ToyHeatParamsTpl<T> cast() const {
    return {T(toy_rest_temperature_C), T(toy_pressure_gain_C_per_mmHg), T(toy_time_constant_s)};
  }
};

struct ToyHeatModule {
  static constexpr std::string_view name = "toy_heat";
  template <class S>
  using Params = ToyHeatParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr std::array<ParameterInfo, 3> parameter_info{{
      {"toy_rest_temperature_C", "degC", 34.0, 30.0, 37.0, "test value", "resting muscle temperature"},
      {"toy_pressure_gain_C_per_mmHg", "degC/mmHg", 0.02, 0.0, 0.1, "test value", "warming per mmHg applied"},
      {"toy_time_constant_s", "s", 60.0, 1.0, 600.0, "test value", "relaxation time"},
  }};
  static constexpr std::array<StateInfo, 1> states{{{"toy_temperature_C", "degC", 30.0, 42.0, "tissue temperature"}}};
  static constexpr std::array<OutputInfo, 1> outputs{{{"toy_warming_C", "degC", "temperature above rest"}}};

  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>&, S* dxdt) {
    dxdt[0] = (p.toy_rest_temperature_C + p.toy_pressure_gain_C_per_mmHg * bus.applied_pressure_mmHg - x[0]) /
              p.toy_time_constant_s;
  }
  template <class Bus>
  static void write_outputs(const Params<double>& p, const double* x, const Bus&, const Work<double>&, double* out) {
    out[0] = x[0] - p.toy_rest_temperature_C;
  }
};

/// A toy limb-level module: an offset on arterial pressure that follows blood lactate with a delay (it
/// reads the limb bus and publishes on it, as a baroreflex model will).
template <class S>
struct ToyDriftParamsTpl {
  S toy_drift_gain_mmHg_per_mmol_per_L{2.0};
  S toy_drift_time_constant_s{30.0};

  template <class T>
  ToyDriftParamsTpl<T> cast() const {
    return {T(toy_drift_gain_mmHg_per_mmol_per_L), T(toy_drift_time_constant_s)};
  }
};

struct ToyDriftModule {
  static constexpr std::string_view name = "toy_drift";
  template <class S>
  using Params = ToyDriftParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr std::array<ParameterInfo, 2> parameter_info{{
      {"toy_drift_gain_mmHg_per_mmol_per_L", "mmHg/(mmol/L)", 2.0, 0.0, 10.0, "test value",
       "offset per mmol/L above 1"},
      {"toy_drift_time_constant_s", "s", 30.0, 1.0, 600.0, "test value", "delay of the offset"},
  }};
  static constexpr std::array<StateInfo, 1> states{
      {{"toy_arterial_offset_mmHg", "mmHg", -30.0, 30.0, "offset on MAP"}}};
  static constexpr std::array<OutputInfo, 0> outputs{};

  template <class S, class Bus>
  static void signals(const Params<S>&, const S* x, Bus& bus, Work<S>&) {
    bus.arterial_pressure_mmHg = bus.arterial_pressure_mmHg + x[0];
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>&, S* dxdt) {
    dxdt[0] = (p.toy_drift_gain_mmHg_per_mmol_per_L * (bus.arterial_lactate_mmol_per_L - S(1.0)) - x[0]) /
              p.toy_drift_time_constant_s;
  }
};

}  // namespace massagesim::models::test

#ifdef MASSAGESIM_EXTRA_MODULES_HEADER
// Built into the library (models/extra_modules.hpp): every segment gets the toy heat, the limb the drift.
namespace massagesim::models::extra_modules {
using segment = ModuleList<test::ToyHeatModule>;
using limb = ModuleList<test::ToyDriftModule>;
}  // namespace massagesim::models::extra_modules
#endif
