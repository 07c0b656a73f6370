#pragma once
/// \file prepared_problem.hpp
/// \brief The initial value problem of a prepared arm as the scenario path solves it, its save times
///        and the scenario's step control: for tests and benchmarks that solve an arm themselves
///        (with other steppers, patterns or counters) and must match what `simulate` runs.

#include <memory>
#include <vector>

#include "massagesim/scenario/scenario.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/solver/step_control.hpp"

namespace massagesim::simulation {

/// The arm's limb under its schedule from its rest state, over [0, duration], with the exact pool
/// border (`make_limb_problem(..., exact_pool_jacobian = true)`, as `simulate` builds it).
inline auto prepared_arm_problem(const PreparedArm& arm) {
  return models::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, 0.0, arm.schedule->duration_s(),
                                   /*exact_pool_jacobian=*/true);
}

/// Save times every `every_s` from 0, and the arm's end.
inline std::vector<double> prepared_arm_save_times(const PreparedArm& arm, double every_s) {
  const double T = arm.schedule->duration_s();
  std::vector<double> ts;
  for (double t = 0.0; t < T; t += every_s) ts.push_back(t);
  ts.push_back(T);
  return ts;
}

/// The scenario's tolerances and step limit as a StepControl (`throw_on_failure` as given).
inline StepControl scenario_step_control(const scenario::SolverOptions& solver, bool throw_on_failure = true) {
  StepControl ctl;
  ctl.rtol = solver.rtol;
  ctl.atol = solver.atol;
  ctl.dt_max_s = solver.dt_max_s;
  ctl.throw_on_failure = throw_on_failure;
  return ctl;
}

}  // namespace massagesim::simulation
