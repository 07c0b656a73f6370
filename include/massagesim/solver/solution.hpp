#pragma once
/// \file solution.hpp
/// \brief What a solve returns: saved times and states, statistics, status, located events.

#include <string>
#include <vector>

#include <Eigen/Core>

#include "massagesim/solver/event.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim {

/// How a solve ended.
enum class Status {
  success,              ///< reached t1
  terminated_by_event,  ///< a terminal event stopped it
  step_size_underflow,  ///< see StepSizeUnderflow
  too_many_steps,       ///< see TooManySteps
  non_finite_state,     ///< see NonFiniteState
  out_of_domain,        ///< see OutOfDomain
  newton_failure,       ///< see NewtonFailure
  cancelled,            ///< StepControl::cancel was set; see Cancelled
};

inline const char* to_string(Status s) {
  switch (s) {
    case Status::success:
      return "success";
    case Status::terminated_by_event:
      return "terminated_by_event";
    case Status::step_size_underflow:
      return "step_size_underflow";
    case Status::too_many_steps:
      return "too_many_steps";
    case Status::non_finite_state:
      return "non_finite_state";
    case Status::out_of_domain:
      return "out_of_domain";
    case Status::newton_failure:
      return "newton_failure";
    case Status::cancelled:
      return "cancelled";
  }
  return "unknown";
}

/// Result of `solve()`: column k of `x` is the state at `t_s[k]`.
template <class State>
struct Solution {
  std::vector<double> t_s;
  Eigen::MatrixXd x;  ///< n_states x n_saved
  Stats stats;
  Status status = Status::success;
  std::string message;
  std::vector<EventHit<State>> events;
  double t_final_s = 0.0;  ///< where the solve ended (t1, a terminal event, or the failure)
  State x_final;           ///< the state there

  bool ok() const { return status == Status::success || status == Status::terminated_by_event; }
  Eigen::Index n_saved() const { return static_cast<Eigen::Index>(t_s.size()); }
};

}  // namespace massagesim
