#pragma once
/// \file stepper_table.hpp
/// \brief The one table of steppers a scenario or a run can name, and the dispatch from a name to the
///        stepper configured for a limb (banded Rodas4 on the limb's Jacobian band).

#include <array>
#include <string>
#include <string_view>

#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace massagesim::simulation {

/// Names a scenario's `solver.stepper` and `simulate(stepper=...)` take.
inline constexpr std::array<std::string_view, 3> stepper_names{"rodas4", "dopri5", "fehlberg78"};

/// Throws UnknownName (naming `what`, the allowed names and the nearest) unless `name` is in the table.
inline void check_stepper_name(std::string_view name, std::string_view what = "stepper") {
  for (auto s : stepper_names)
    if (s == name) return;
  std::string all;
  for (auto s : stepper_names) all += (all.empty() ? "'" : ", '") + std::string(s) + "'";
  throw UnknownName(massagesim::detail::concat(what, ": unknown stepper '", name, "'; expected one of ", all,
                                               " (nearest: ", nearest_names(name, stepper_names, 1), ")"));
}

/// Calls f(stepper) with the stepper `name` configured for a limb (`limb.lower_bandwidth()`, ...).
template <class Limb, class F>
decltype(auto) with_stepper(std::string_view name, const Limb& limb, F&& f) {
  check_stepper_name(name);
  if (name == "rodas4")
    return f(Rodas4{.linear_solver = LinearSolverKind::banded, .lower_bandwidth = limb.lower_bandwidth(),
                    .upper_bandwidth = limb.upper_bandwidth()});
  if (name == "dopri5") return f(Dopri5{});
  return f(Fehlberg78{});
}

}  // namespace massagesim::simulation
