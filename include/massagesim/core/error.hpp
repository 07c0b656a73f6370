#pragma once
/// \file error.hpp
/// \brief Exception hierarchy of massagesim.
///
/// Bad input (a tolerance out of range, an unknown parameter, a malformed scenario) throws
/// `InvalidArgument` (a `std::invalid_argument`). A failed integration throws a subclass of
/// `SolverError` (a `std::runtime_error`) that carries the time, the step size and, where one is to
/// blame, the name of the offending state, plus a hint on what to change.

#include <stdexcept>
#include <string>

namespace massagesim {

/// Bad input: the message says what was given and what is allowed.
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A name (parameter, state, observable) that is not known; the message lists close matches.
class UnknownName : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// Base of all integration failures.
class SolverError : public std::runtime_error {
 public:
  SolverError(const std::string& what, double t_s, double dt_s, std::string state_name = {})
      : std::runtime_error(what), t_s_(t_s), dt_s_(dt_s), state_name_(std::move(state_name)) {}
  /// Time at which the failure happened [s].
  double t_s() const noexcept { return t_s_; }
  /// Step size in use when it happened [s].
  double dt_s() const noexcept { return dt_s_; }
  /// Name of the state to blame (empty when none is).
  const std::string& state_name() const noexcept { return state_name_; }

 private:
  double t_s_;
  double dt_s_;
  std::string state_name_;
};

/// The step size fell below the allowed minimum (stiffness, a discontinuity the solver was not told about, ...).
class StepSizeUnderflow : public SolverError {
 public:
  using SolverError::SolverError;
};
/// More steps than `StepControl::max_steps` were needed.
class TooManySteps : public SolverError {
 public:
  using SolverError::SolverError;
};
/// A state or derivative became NaN or infinite.
class NonFiniteState : public SolverError {
 public:
  using SolverError::SolverError;
};
/// A state left its domain (e.g. a negative volume) and shrinking the step did not help.
class OutOfDomain : public SolverError {
 public:
  using SolverError::SolverError;
};
/// Newton's method (implicit steppers, steady-state finder) did not converge.
class NewtonFailure : public SolverError {
 public:
  using SolverError::SolverError;
};

/// A run stopped on request (`StepControl::cancel`, `SimulationOptions::cancel`, Ctrl-C in Python).
/// Not a `SolverError`: the integration did not fail, so code that retries a failed solve with other
/// settings must not retry this one.
class Cancelled : public std::runtime_error {
 public:
  Cancelled(const std::string& what, double t_s) : std::runtime_error(what), t_s_(t_s) {}
  /// Time the run had reached when it stopped [s].
  double t_s() const noexcept { return t_s_; }

 private:
  double t_s_;
};

}  // namespace massagesim
