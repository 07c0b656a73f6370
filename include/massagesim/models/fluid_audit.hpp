#pragma once
/// \file fluid_audit.hpp
/// \brief Accumulators of a segment's fluid audit (cumulative inflow, outflow, filtration, lymph), as a
///        module: conservation tests close (V - V0) = In - Out_venous - Out_lymph on them.

#include <array>
#include <string_view>

#include "massagesim/models/module.hpp"

namespace massagesim::models {

struct FluidAuditLayout {
  enum Index : int { arterial_inflow = 0, venous_outflow = 1, filtration = 2, lymph_outflow = 3, n = 4 };
};

/// The fluid audit as a segment module. Its derivatives are zero when the bus says not to accumulate
/// (steady states: accumulators have none).
struct FluidAuditModule {
  static constexpr std::string_view name = "fluid_audit";
  template <class S>
  using Params = NoParams<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr const auto& parameter_info = no_parameters;
  static constexpr std::array<StateInfo, FluidAuditLayout::n> states{{
      {"cumulative_arterial_inflow_mL", "mL", 0.0, 1e9, "arterial inflow since the start of the run"},
      {"cumulative_venous_outflow_mL", "mL", 0.0, 1e9, "venous outflow since the start of the run"},
      {"cumulative_filtration_mL", "mL", -1e9, 1e9, "net filtration since the start of the run"},
      {"cumulative_lymph_outflow_mL", "mL", -1e9, 1e9, "lymph outflow since the start of the run"},
  }};
  static constexpr std::array<OutputInfo, 0> outputs{};

  template <class S, class Bus>
  static void rhs(const Params<S>&, const S*, Bus& bus, const Work<S>&, S* a) {
    if (bus.accumulate) {
      a[FluidAuditLayout::arterial_inflow] = bus.arterial_inflow_mL_per_min / S(60.0);
      a[FluidAuditLayout::venous_outflow] = bus.venous_outflow_mL_per_min / S(60.0);
      a[FluidAuditLayout::filtration] = bus.filtration_mL_per_min / S(60.0);
      a[FluidAuditLayout::lymph_outflow] = bus.lymph_flow_mL_per_min / S(60.0);
    } else {
      for (int i = 0; i < FluidAuditLayout::n; ++i) a[i] = S(0.0);
    }
  }
};

}  // namespace massagesim::models
