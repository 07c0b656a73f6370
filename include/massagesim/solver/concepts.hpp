#pragma once
/// \file concepts.hpp
/// \brief The solver's concepts, written as C++20 concepts after Boost.Odeint's documented ones.
///
/// - `OdeSystem`: `sys(x, dxdt, t)` stores f(x, t) in dxdt (odeint's System).
/// - `JacobianSystem`: also `sys.jacobian(x, J, t)` (and optionally `sys.time_derivative(x, dfdt, t)`).
/// - `TemplatedSystem`: `sys(x, dxdt, t)` also accepts states whose scalar is an automatic-differentiation
///   type, so that exact Jacobians come from forward-mode AD.
/// - `StepperCache`: what the driver needs from a stepper (one attempt, accept, dense output, restart).

#include <concepts>
#include <type_traits>

#include <Eigen/Core>

#include "massagesim/solver/stats.hpp"

namespace massagesim {

/// A column state vector of doubles, fixed-size or dynamic.
template <class State>
concept StateVector = std::is_base_of_v<Eigen::MatrixBase<State>, State> && State::ColsAtCompileTime == 1 &&
                      std::is_same_v<typename State::Scalar, double>;

/// odeint's System concept: `sys(x, dxdt, t)` computes f(x, t) into dxdt.
template <class System, class State>
concept OdeSystem = requires(System& sys, const State& x, State& dxdt, double t) {
  sys(x, dxdt, t);
};

/// A system that provides its own Jacobian df/dx.
template <class System, class State>
concept JacobianSystem = OdeSystem<System, State> &&
    requires(System& sys, const State& x,
             Eigen::Matrix<double, State::RowsAtCompileTime, State::RowsAtCompileTime>& jac, double t) {
  sys.jacobian(x, jac, t);
};

/// What the driver needs from a stepper's cache (the stepper struct holds configuration only).
///
/// Optional members the driver uses only when present (`if constexpr (requires …)`):
/// `combine_error(weights)`; `prepare_dense(sys, stats)`; `set_tolerances(atol, rtol)` (called once)
/// with `proposed_dt()`: a stepper that chooses its own step and order (Bdf) replaces the driver's
/// PI controller after every attempt, accepted or rejected.
template <class Cache, class System, class State>
concept StepperCache = requires(Cache& c, const Cache& cc, System& sys, const State& x, State& out, double t,
                                Stats& st) {
  { Cache::order } -> std::convertible_to<int>;        // order of the propagated solution
  { Cache::error_order } -> std::convertible_to<int>;  // order of the embedded estimate
  c.initialize(sys, x, t, st);                         // set the state, evaluate f
  c.attempt(sys, t, st);                               // try a step to t_new = t into x_new() / error()
  c.accept(sys, st);                                   // make x_new the current state
  c.restart(sys, st);                                  // re-evaluate f at the current point
  c.restart_at(sys, t, st);                            // continue from x at time t (past a discontinuity)
  cc.interpolate(t, out);                              // dense output on [t_previous, t_current]
  { cc.x() } -> std::convertible_to<const State&>;
  { cc.x_new() } -> std::convertible_to<const State&>;
  { cc.error() } -> std::convertible_to<const State&>;
  { cc.derivative() } -> std::convertible_to<const State&>;
  { cc.t() } -> std::convertible_to<double>;
};

}  // namespace massagesim
