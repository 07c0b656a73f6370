// Counts heap allocations during whole solves and checks that doubling the number of steps does
// not increase them: after setup, nothing is allocated per step.
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
#include "massagesim/solver/steppers/rodas4.hpp"
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
Count count_solve(const System& sys, const State& x0, double h, int n_steps, const ms::Rodas4& cfg) {
  const auto p = ms::make_problem(sys, x0, 0.0, h * n_steps);
  const ms::StepControl ctl{.dt_initial_s = h, .adaptive = false};
  const std::int64_t n0 = ms::test::allocation_count();
  const auto sol = ms::solve(p, cfg, ctl);
  const Count c{ms::test::allocation_count() - n0};
  EXPECT_EQ(sol.stats.n_steps, n_steps);
  return c;
}

template <class System, class State>
void expect_no_per_step_allocation(const char* what, const System& sys, const State& x0, double h,
                                   const ms::Rodas4& cfg) {
  const Count a = count_solve(sys, x0, h, 50, cfg);
  const Count b = count_solve(sys, x0, h, 100, cfg);
  std::cout << "[alloc] " << what << ": 50 steps -> " << a.allocations << " allocations; 100 steps -> " << b.allocations
            << "\n";
  EXPECT_GT(a.allocations, 0) << "the counter does not see allocations: the test would be vacuous";
  EXPECT_LE(b.allocations, a.allocations) << what;
}
}  // namespace

TEST(Rodas4Allocation, DenseFixedSizeAllocatesNothingPerStep) {
  expect_no_per_step_allocation("HIRES, fixed-size Matrix<double,8,1>, AD, dense", Hires{}, hires_x0(), 0.1,
                                ms::Rodas4{});
  expect_no_per_step_allocation("HIRES, fixed-size, FD Jacobian, dense", Hires{}, hires_x0(), 0.1,
                                ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference});
}

TEST(Rodas4Allocation, DenseDynamicAllocatesNothingPerStep) {
  const Bruss1D b{.m = 20};
  expect_no_per_step_allocation("Bruss1D m=20, VectorXd, AD, dense", b, b.x0(), 0.02, ms::Rodas4{});
}

TEST(Rodas4Allocation, BandedAllocatesNothingPerStep) {
  const Bruss1D b{.m = 20};
  expect_no_per_step_allocation(
      "Bruss1D m=20, VectorXd, AD, banded", b, b.x0(), 0.02,
      ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 2, .upper_bandwidth = 2});
  expect_no_per_step_allocation("Bruss1D m=20, VectorXd, FD, banded", b, b.x0(), 0.02,
                                ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference,
                                           .linear_solver = ms::LinearSolverKind::banded,
                                           .lower_bandwidth = 2,
                                           .upper_bandwidth = 2});
}

TEST(Rodas4Allocation, LimbScaleBandedAllocatesNothingPerStep) {
  // The size of the planned multi-segment limb (64 segments x 15 states = 960) with its declared
  // bandwidth 15 (the Brusselator's true bandwidth is 2; a wider declared band is still exact).
  const Bruss1D b{.m = 480};
  expect_no_per_step_allocation(
      "Bruss1D n=960, VectorXd, AD, banded kl=ku=15", b, b.x0(), 0.002,
      ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 15, .upper_bandwidth = 15});
}

TEST(Rodas4Allocation, BorderedAllocatesNothingPerStep) {
  const ArrowChain a{.k_blocks = 8};
  expect_no_per_step_allocation("ArrowChain K=8, VectorXd, AD, bordered (kl=ku=2, m=2)", a, a.x0(), 0.01,
                                ms::Rodas4{.linear_solver = ms::LinearSolverKind::bordered,
                                           .lower_bandwidth = 2,
                                           .upper_bandwidth = 2,
                                           .border_size = 2});
  expect_no_per_step_allocation(
      "ArrowChain K=8, VectorXd, FD, bordered, border rows on u and w columns", a, a.x0(), 0.01,
      ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference,
                 .linear_solver = ms::LinearSolverKind::bordered,
                 .lower_bandwidth = 2,
                 .upper_bandwidth = 2,
                 .border_size = 2,
                 .border_row_columns = {0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23}});
}

TEST(Rodas4Allocation, BorderedWithPatternAndGuardAllocatesNothingPerStep) {
  // The pattern's guard evaluates every 4th Jacobian in full and compares it with the pattern: no
  // allocation unless it widens the pattern (a complete pattern here: none).
  const ArrowChain a{.k_blocks = 8};
  ms::Rodas4 cfg{.linear_solver = ms::LinearSolverKind::bordered,
                 .lower_bandwidth = 2,
                 .upper_bandwidth = 2,
                 .border_size = 2,
                 .pattern_check_interval = 4};
  cfg.jacobian_pattern = std::make_shared<const ms::SparsityPattern>(
      ms::detect_jacobian_pattern(a, std::vector<Eigen::VectorXd>{a.x0()}, std::vector<double>{0.0}));
  expect_no_per_step_allocation("ArrowChain K=8, VectorXd, AD, bordered, pattern + guard every 4th", a, a.x0(), 0.01,
                                cfg);
  const auto p = ms::make_problem(a, a.x0(), 0.0, 1.0);
  const auto sol = ms::solve(p, cfg, ms::StepControl{.dt_initial_s = 0.01, .adaptive = false});
  EXPECT_GE(sol.stats.n_pattern_checks, 20);
  EXPECT_EQ(sol.stats.n_pattern_widenings, 0);
}

// Eigen's SparseLU allocates its work arrays inside factorize() and solve(): this test documents
// how much (per step), it does not hide it.
TEST(Rodas4Allocation, SparseAllocatesPerStepAndSaysSo) {
  const Bruss1D b{.m = 20};
  const ms::Rodas4 cfg{.linear_solver = ms::LinearSolverKind::sparse, .lower_bandwidth = 2, .upper_bandwidth = 2};
  const Count a = count_solve(b, b.x0(), 0.02, 50, cfg);
  const Count c = count_solve(b, b.x0(), 0.02, 100, cfg);
  const double per_step = static_cast<double>(c.allocations - a.allocations) / 50.0;
  std::cout << "[alloc] Bruss1D m=20, sparse (Eigen SparseLU): " << per_step << " malloc per step\n";
  RecordProperty("sparse_mallocs_per_step", std::to_string(per_step));
  EXPECT_GE(c.allocations, a.allocations);
}
