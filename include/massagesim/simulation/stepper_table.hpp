#pragma once
/// \file stepper_table.hpp
/// \brief The one table of steppers a scenario or a run can name, and the dispatch from a name to the
///        stepper configured for a limb (banded Rodas4 on the limb's Jacobian band).

#include <array>
#include <string>
#include <string_view>

#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/solver/steppers/dop853.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace massagesim::simulation {

/// Names a scenario's `solver.stepper` and `simulate(stepper=...)` take.
inline constexpr std::array<std::string_view, 5> stepper_names{"rodas4", "rodas4p2", "dopri5", "dop853", "fehlberg78"};

/// Throws UnknownName (naming `what`, the allowed names and the nearest) unless `name` is in the table.
inline void check_stepper_name(std::string_view name, std::string_view what = "stepper") {
  for (auto s : stepper_names)
    if (s == name) return;
  std::string all;
  for (auto s : stepper_names) all += (all.empty() ? "'" : ", '") + std::string(s) + "'";
  throw UnknownName(massagesim::detail::concat(what, ": unknown stepper '", name, "'; expected one of ", all,
                                               " (nearest: ", nearest_names(name, stepper_names, 1), ")"));
}

/// Rodas4 for a limb: the segments' band plus the limb-level states as an exact border (arrowhead LU,
/// solver/linear/bordered_lu.hpp), so the Jacobian keeps the limb-level couplings that a baroreflex or
/// the lactate pool add to every segment. Needs the limb's system with the exact border
/// (`make_limb_problem(..., exact_border = true)`).
template <class Limb>
Rodas4 limb_rodas4(const Limb& limb, bool autonomous = false, const RodasTableau& tableau = rodas4_tableau) {
  return Rodas4{.linear_solver = LinearSolverKind::bordered,
                .tableau = &tableau,
                .lower_bandwidth = limb.lower_bandwidth(),
                .upper_bandwidth = limb.upper_bandwidth(),
                .border_size = limb.n_pool_states(),
                .autonomous = autonomous};
}

/// Calls f(stepper) with the stepper `name` configured for a limb.
template <class Limb, class F>
decltype(auto) with_stepper(std::string_view name, const Limb& limb, F&& f) {
  check_stepper_name(name);
  if (name == "rodas4") return f(limb_rodas4(limb));
  if (name == "rodas4p2") return f(limb_rodas4(limb, false, rodas4p2_tableau));
  if (name == "dopri5") return f(Dopri5{});
  if (name == "dop853") return f(Dop853{});
  return f(Fehlberg78{});
}

}  // namespace massagesim::simulation
