/// The real model allocates nothing in its right-hand side or per step: the default scenario's limb
/// (4 segments + whole-body lactate pool, 81 states, inputs from the protocol schedule), as the
/// facade integrates it. The synthetic systems of tests/cpp/solver and tests/cpp/stiff check the
/// steppers; this checks the physiology and the schedule on top of them (performance.md: no heap
/// allocation in the right-hand side or the stepping loop).
/// Built as its own executable (massagesim_test_limb_alloc): it replaces the global allocation functions.
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"
#include "support/alloc_counter.hpp"

namespace ms = massagesim;
namespace mm = massagesim::models;

namespace {

const ms::simulation::PreparedArm& massage_arm() {
  static const ms::simulation::PreparedArm arm =
      ms::simulation::prepare_arm(ms::scenario::default_scenario(), "massage");
  return arm;
}

/// Solves [t0, t0 + T] and [t0, t0 + 4 T] (same number of saved points) and expects the same count
/// of allocations: whatever a solve allocates, it allocates in setup, not per step or per breakpoint.
template <class Stepper>
void expect_no_per_step_allocation(const char* what, const Stepper& stepper, double t0_s, double T_s) {
  const auto& arm = massage_arm();
  auto p1 = mm::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, t0_s, t0_s + T_s);
  auto p4 = mm::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, t0_s, t0_s + 4 * T_s);
  ASSERT_GT(p4.discontinuities_s.size(), p1.discontinuities_s.size()) << "the window must cross protocol breakpoints";
  const ms::StepControl ctl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 10.0};
  const ms::SaveAt s1{.ts_s = ms::linspace(t0_s, t0_s + T_s, 11), .t1 = true};
  const ms::SaveAt s4{.ts_s = ms::linspace(t0_s, t0_s + 4 * T_s, 11), .t1 = true};
  ms::Solution<mm::Limb::State> r1, r4;
  (void)ms::solve(p1, stepper, ctl, s1);  // warm-up (one-time lazy allocations of the runtime)
  const auto a1 = ms::test::count_allocations([&] { r1 = ms::solve(p1, stepper, ctl, s1); });
  const auto a4 = ms::test::count_allocations([&] { r4 = ms::solve(p4, stepper, ctl, s4); });
  ASSERT_TRUE(r1.ok()) << r1.message;
  ASSERT_TRUE(r4.ok()) << r4.message;
  std::cout << "[alloc] " << what << ": " << a1 << " allocations for " << r1.stats.n_steps << " steps ("
            << p1.discontinuities_s.size() << " breakpoints), " << a4 << " for " << r4.stats.n_steps << " steps ("
            << p4.discontinuities_s.size() << " breakpoints)\n";
  ASSERT_GT(r4.stats.n_steps, 2 * r1.stats.n_steps) << "the longer solve must take more steps";
  EXPECT_EQ(a4, a1) << what << ": allocations grow with the number of steps";
}

}  // namespace

TEST(LimbAllocation, RightHandSideAllocatesNothing) {
  const auto& arm = massage_arm();
  const double T = arm.schedule->duration_s();
  auto prob = mm::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, 0.0, T);
  mm::Limb::State x = arm.rest_state;
  mm::Limb::State dxdt = mm::Limb::State::Zero(x.size());
  prob.system(x, dxdt, 1.0);  // warm-up
  // Every phase: rest, exercise, effleurage, petrissage, passive recovery (1 s apart), states moved off rest.
  const auto n = ms::test::count_allocations([&] {
    for (double t = 0.0; t <= T; t += 1.0) {
      x = arm.rest_state * (1.0 + 0.1 * std::sin(t));
      prob.system(x, dxdt, t);
    }
  });
  EXPECT_EQ(n, 0) << "the limb's right-hand side (with schedule inputs) allocated";
  EXPECT_TRUE(dxdt.allFinite());
}

TEST(LimbAllocation, Dopri5StepsAllocateNothing) {
  expect_no_per_step_allocation("Dopri5, default limb, effleurage", ms::Dopri5{}, 480.0, 30.0);
}

TEST(LimbAllocation, Rodas4BandedStepsAllocateNothing) {
  const auto& limb = *massage_arm().limb;
  expect_no_per_step_allocation("Rodas4 banded AD, default limb, effleurage",
                                ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded,
                                           .lower_bandwidth = limb.lower_bandwidth(),
                                           .upper_bandwidth = limb.upper_bandwidth()},
                                480.0, 30.0);
}
