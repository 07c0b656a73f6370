// Bdf: counts heap allocations during whole solves and checks that doubling the number of steps
// does not increase them (the counting of test_allocation.cpp, in its own executable because it
// replaces the global allocation functions).
//
// Allocations are counted by tests/cpp/support/alloc_counter.cpp (linked into this executable only:
// it replaces the global allocation functions): operator new and malloc/calloc/realloc, once each.

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <vector>

#include "arrow_chain.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/bdf.hpp"
#include "stiff_problems.hpp"
#include "support/alloc_counter.hpp"

namespace ms = massagesim;
using namespace stiff_test;

namespace {
struct Count {
  std::int64_t allocations;
};

/// Allocations during one fixed-step solve of `n_steps` steps of size h.
template <class System, class State>
Count count_solve(const System& sys, const State& x0, double h, int n_steps, const ms::Bdf& cfg) {
  const auto p = ms::make_problem(sys, x0, 0.0, h * n_steps);
  const ms::StepControl ctl{.dt_initial_s = h, .adaptive = false};
  const std::int64_t n0 = ms::test::allocation_count();
  const auto sol = ms::solve(p, cfg, ctl);
  const Count c{ms::test::allocation_count() - n0};
  EXPECT_EQ(sol.stats.n_steps, n_steps);
  return c;
}

template <class System, class State>
void expect_no_per_step_allocation(const char* what, const System& sys, const State& x0, double h, const ms::Bdf& cfg) {
  const Count a = count_solve(sys, x0, h, 50, cfg);
  const Count b = count_solve(sys, x0, h, 100, cfg);
  std::cout << "[alloc] " << what << ": 50 steps -> " << a.allocations << " allocations; 100 steps -> " << b.allocations
            << "\n";
  EXPECT_GT(a.allocations, 0) << "the counter does not see allocations: the test would be vacuous";
  EXPECT_LE(b.allocations, a.allocations) << what;
}
}  // namespace

// jacobian_max_age = 1 makes every step evaluate J and refactor W: the per-step paths all run.
TEST(BdfAllocation, DenseAllocatesNothingPerStep) {
  expect_no_per_step_allocation("HIRES, fixed-size, AD, dense", Hires{}, hires_x0(), 0.1, ms::Bdf{});
  expect_no_per_step_allocation("HIRES, fixed-size, FD, dense, J every step", Hires{}, hires_x0(), 0.1,
                                ms::Bdf{.jacobian = ms::JacobianKind::finite_difference, .jacobian_max_age = 1});
  const Bruss1D b{.m = 20};
  expect_no_per_step_allocation("Bruss1D m=20, VectorXd, AD, dense, J every step", b, b.x0(), 0.02,
                                ms::Bdf{.jacobian_max_age = 1});
}

TEST(BdfAllocation, BandedAndBorderedAllocateNothingPerStep) {
  const Bruss1D b{.m = 20};
  expect_no_per_step_allocation("Bruss1D m=20, VectorXd, AD, banded, J every step", b, b.x0(), 0.02,
                                ms::Bdf{.linear_solver = ms::LinearSolverKind::banded,
                                        .lower_bandwidth = 2,
                                        .upper_bandwidth = 2,
                                        .jacobian_max_age = 1});
  const ArrowChain a{.k_blocks = 8};
  ms::Bdf cfg{.linear_solver = ms::LinearSolverKind::bordered,
              .lower_bandwidth = 2,
              .upper_bandwidth = 2,
              .border_size = 2,
              .pattern_check_interval = 4,
              .jacobian_max_age = 1};
  expect_no_per_step_allocation("ArrowChain K=8, AD, bordered, J every step", a, a.x0(), 0.01, cfg);
  cfg.jacobian_pattern = std::make_shared<const ms::SparsityPattern>(
      ms::detect_jacobian_pattern(a, std::vector<Eigen::VectorXd>{a.x0()}, std::vector<double>{0.0}));
  expect_no_per_step_allocation("ArrowChain K=8, AD, bordered, pattern + guard every 4th", a, a.x0(), 0.01, cfg);
}

TEST(BdfAllocation, PatternLUAllocatesNothingPerStep) {
  const ArrowChain a{.k_blocks = 8};
  ms::Bdf cfg{.linear_solver = ms::LinearSolverKind::pattern_lu,
              .lower_bandwidth = 2,
              .upper_bandwidth = 2,
              .border_size = 2,
              .pattern_check_interval = 4,
              .jacobian_max_age = 1};
  expect_no_per_step_allocation("ArrowChain K=8, AD, pattern_lu on the band and border, J every step", a, a.x0(), 0.01,
                                cfg);
  cfg.jacobian_pattern = std::make_shared<const ms::SparsityPattern>(
      ms::detect_jacobian_pattern(a, std::vector<Eigen::VectorXd>{a.x0()}, std::vector<double>{0.0}));
  expect_no_per_step_allocation("ArrowChain K=8, AD, pattern_lu on the pattern + guard every 4th", a, a.x0(), 0.01,
                                cfg);
}
