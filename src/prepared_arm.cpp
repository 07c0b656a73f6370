/// \file prepared_arm.cpp
/// \brief One arm prepared exactly as `simulate` builds it, solved alone, and its right-hand side
///        (simulation.hpp: prepare_arm, solve_prepared, prepared_rhs): what exports and the peer
///        benchmarks use.

#include <algorithm>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "detail/arm_runner.hpp"
#include "massagesim/core/check.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/solve.hpp"

namespace massagesim::simulation {

namespace {

namespace mm = massagesim::models;
namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

PreparedArm prepare_arm(const scenario::Scenario& sc, const std::string& arm_name, const SimulationOptions& options) {
  MASSAGESIM_CHECK(sc.limb.n_segments() >= 1, "limb.segment_lengths_cm: expected at least one segment, got 0");
  const msc::Arm* arm = detail::find_arm(sc, arm_name, "arm");
  detail::RunSetup setup = detail::setup_run(sc, options);
  PreparedArm out;
  out.arm = arm ? arm->name : std::string("protocol");
  out.limb = setup.built.limb;
  out.rest_state = std::move(setup.built.rest);
  out.schedule = detail::arm_schedule(sc, arm, setup.thresholds);
  out.schedule->breakpoints(0.0, out.schedule->duration_s(), out.breakpoints_s);
  return out;
}

PreparedSolve solve_prepared(const PreparedArm& a, const std::string& stepper, double rtol, double atol,
                             const std::vector<double>& t_s, double dt_max_s) {
  MASSAGESIM_CHECK(!t_s.empty(), "solve_prepared: t_s: expected at least one save time");
  check_stepper_name(stepper, "solve_prepared: stepper");
  auto prob = mm::make_limb_problem(a.limb, a.schedule, a.rest_state, 0.0, t_s.back(), /*exact_pool_jacobian=*/true);
  StepControl ctl;
  ctl.rtol = rtol;
  ctl.atol = atol;
  ctl.dt_max_s = dt_max_s;
  ctl.throw_on_failure = false;
  const auto& limb = *a.limb;
  PreparedSolve out;
  Solution<mm::Limb::State> sol;
  const double c0 = thread_cpu_s();
  // As run_arm: the Rosenbrock steppers' Jacobian pattern is detected inside the timed part.
  sol = with_stepper(
      stepper, limb, [&](const auto& st) { return solve(prob, st, ctl, SaveAt{.ts_s = t_s}); },
      stepper_jacobian_pattern(stepper, prob));
  out.cpu_s = thread_cpu_s() - c0;
  out.t_s = sol.t_s;
  out.states = sol.x;
  out.stats = sol.stats;
  out.status = sol.status;
  out.message = sol.message;
  return out;
}

Eigen::VectorXd prepared_rhs(const PreparedArm& a, const Eigen::VectorXd& x, double t_s) {
  MASSAGESIM_CHECK(x.size() == a.limb->n_states(), "prepared_rhs: expected ", a.limb->n_states(), " states, got ",
                   x.size());
  mm::LimbInputs in;
  mm::ScheduleLimbInputs{a.schedule}(t_s, in, a.limb->n_segments());
  Eigen::VectorXd d(x.size());
  a.limb->rhs(x.data(), in, d.data(), true, false);
  return d;
}

double prepared_rhs_cost_ns(const PreparedArm& a, int reps) {
  // States of the first minutes of the arm (a real trajectory, not only the rest state).
  std::vector<double> ts;
  const double T = std::min(600.0, a.schedule->duration_s());
  for (int k = 0; k <= 50; ++k) ts.push_back(T * k / 50.0);
  const PreparedSolve run = solve_prepared(a, "rodas4", 1e-6, 1e-9, ts);
  mm::Limb::Flows fl;
  Eigen::VectorXd d(a.limb->n_states());
  std::vector<mm::LimbInputs> ins(ts.size());
  for (std::size_t k = 0; k < ts.size(); ++k) mm::ScheduleLimbInputs{a.schedule}(ts[k], ins[k], a.limb->n_segments());
  double sink = 0.0;
  const int n = std::max(reps, 1);
  const double c0 = thread_cpu_s();
  for (int r = 0; r < n; ++r) {
    const std::size_t k = static_cast<std::size_t>(r) % ts.size();
    a.limb->rhs(run.states.col(static_cast<Eigen::Index>(k)).data(), ins[k], d.data(), true, false);
    sink += d[0];
  }
  const double c1 = thread_cpu_s();
  volatile double keep = sink;
  (void)keep;
  return (c1 - c0) * 1e9 / n;
}

}  // namespace massagesim::simulation
