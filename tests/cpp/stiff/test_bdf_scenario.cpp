// Bdf on the scenario path ("bdf" in the stepper table: simulation::with_stepper configures it like
// limb_rodas4, bordered LU, the arm's pattern-coloured AD Jacobian): the default scenario's arms
// against a tight Rodas4P2 reference, and the reuse counters on the real model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/solve.hpp"

using namespace massagesim;

TEST(BdfScenario, DefaultScenarioArmsMatchATightReference) {
  const auto sc = scenario::default_scenario();
  for (const auto& a : sc.arms) {
    const simulation::PreparedArm arm = simulation::prepare_arm(sc, a.name);
    // The rest phase and the first part of the protocol (its breakpoints included) keep the test short.
    const double T = std::min(900.0, arm.schedule->duration_s());
    std::vector<double> ts;
    for (double t = 0.0; t < T; t += 10.0) ts.push_back(t);
    ts.push_back(T);
    const auto prob = models::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, 0.0, T, true);
    auto run = [&](const char* name, double rtol, double atol) {
      StepControl ctl;
      ctl.rtol = rtol;
      ctl.atol = atol;
      ctl.dt_max_s = sc.solver.dt_max_s;
      return simulation::with_stepper(
          name, *arm.limb, [&](const auto& st) { return solve(prob, st, ctl, SaveAt{.ts_s = ts}); },
          simulation::stepper_jacobian_pattern(name, prob));
    };
    const auto ref = run("rodas4p2", 1e-9, 1e-12);
    const auto bdf = run("bdf", 1e-6, 1e-9);
    ASSERT_TRUE(ref.ok()) << ref.message;
    ASSERT_TRUE(bdf.ok()) << bdf.message;
    ASSERT_EQ(bdf.x.cols(), ref.x.cols());
    // Error of every state relative to its largest magnitude on the run (as compare_cvode_limb).
    double err = 0.0;
    for (Eigen::Index i = 0; i < ref.x.rows(); ++i) {
      const double scale = ref.x.row(i).cwiseAbs().maxCoeff();
      if (scale == 0.0) continue;
      err = std::max(err, (bdf.x.row(i) - ref.x.row(i)).cwiseAbs().maxCoeff() / scale);
    }
    const Stats& s = bdf.stats;
    std::printf(
        "arm %s, %g s: bdf rtol 1e-6 error %.3g; %ld steps, %ld rejected, %ld RHS, %ld Jacobians, %ld LU, "
        "%ld breakpoints\n",
        arm.arm.c_str(), T, err, static_cast<long>(s.n_steps), static_cast<long>(s.n_rejected),
        static_cast<long>(s.n_rhs), static_cast<long>(s.n_jac), static_cast<long>(s.n_lu),
        static_cast<long>(s.n_breakpoints));
    EXPECT_LT(err, 1e-3) << arm.arm;
    EXPECT_LT(10 * s.n_jac, s.n_steps) << arm.arm << ": the Jacobian is not being reused";
    EXPECT_LT(s.n_lu, s.n_steps) << arm.arm;
    EXPECT_EQ(s.n_pattern_widenings, 0) << arm.arm;
    EXPECT_GE(s.n_pattern_checks, 1) << arm.arm;
  }
}
