#pragma once
/// \file problem.hpp
/// \brief An initial value problem dx/dt = f(x, t) on [t0, t1]; immutable once built.

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/concepts.hpp"

namespace massagesim {

/// An initial value problem. `System` satisfies `OdeSystem<System, State>`.
///
/// `discontinuities_s` are the times where the forcing jumps (a protocol's breakpoints): the
/// driver lands on each exactly and restarts the stepper there, so nothing of a short pulse is
/// stepped over. Convention: the forcing is right-continuous, f(x, t_b) is the value *after* the
/// jump (write `t >= t_on`); the step ending at t_b evaluates f only below t_b. `state_names` (optional) make error
/// messages name the state to blame.
template <class System, StateVector State>
requires OdeSystem<System, State>
struct OdeProblem {
  using state_type = State;
  using system_type = System;

  System system;
  State x0;
  double t0_s = 0.0;
  double t1_s = 1.0;
  std::vector<double> discontinuities_s{};
  std::vector<std::string> state_names{};
  /// Optional domain check: returns the index of a state outside its domain (e.g. a negative
  /// volume), or -1. A violating step is rejected and retried smaller; if that cannot help the
  /// solve ends with `OutOfDomain`.
  std::function<int(const State&)> domain_violation{};

  /// Throws `InvalidArgument` when the time span or the initial state are unusable.
  void validate() const {
    MASSAGESIM_CHECK(std::isfinite(t0_s) && std::isfinite(t1_s), "time span: expected finite t0_s and t1_s, got [",
                     t0_s, ", ", t1_s, "]");
    MASSAGESIM_CHECK(t1_s > t0_s, "time span: expected t1_s > t0_s, got [", t0_s, ", ", t1_s, "]");
    MASSAGESIM_CHECK(x0.size() > 0, "initial state: expected at least one state, got 0");
    for (Eigen::Index i = 0; i < x0.size(); ++i)
      MASSAGESIM_CHECK(std::isfinite(x0[i]), "initial state: ", state_name(i), " is not finite (", x0[i], ")");
    MASSAGESIM_CHECK(state_names.empty() || static_cast<Eigen::Index>(state_names.size()) == x0.size(),
                     "state_names: expected ", x0.size(), " names (one per state), got ", state_names.size());
    for (double td : discontinuities_s)
      MASSAGESIM_CHECK(std::isfinite(td), "discontinuities_s: expected finite times, got ", td);
  }

  /// The name of state `i` for messages ("x[i]" when no names were given).
  std::string state_name(Eigen::Index i) const {
    if (i >= 0 && static_cast<std::size_t>(i) < state_names.size()) return state_names[static_cast<std::size_t>(i)];
    return "x[" + std::to_string(i) + "]";
  }
};

/// Deduction helper: `make_problem(sys, x0, t0, t1)`.
template <class System, StateVector State>
requires OdeSystem<System, State> OdeProblem<System, State> make_problem(System sys, State x0, double t0_s, double t1_s,
                                                                         std::vector<double> discontinuities_s = {}) {
  return OdeProblem<System, State>{std::move(sys), std::move(x0), t0_s, t1_s, std::move(discontinuities_s)};
}

}  // namespace massagesim
