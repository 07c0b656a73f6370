/// PatternLU allocates in `analyze()` only: refactorisations and solves, on the static pivots and on
/// the dense fallback, allocate nothing (counted by support/alloc_counter.cpp).
#include <gtest/gtest.h>

#include <cstdint>

#include <Eigen/Core>

#include "massagesim/solver/linear/pattern_lu.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "support/alloc_counter.hpp"

namespace ms = massagesim;

TEST(PatternLUAllocation, RefactorAndSolveAllocateNothing) {
  const Eigen::Index n = 60;
  ms::SparsityPattern p(n);
  Eigen::MatrixXd j = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index k : {i - 2, i, i + 3, n - 1}) {
      if (k < 0 || k >= n) continue;
      p.add(i, k);
      j(i, k) = 0.1 * static_cast<double>((i * 7 + k * 3) % 11) - 0.5;
      p.add(k, i);
      j(k, i) = 0.05 * static_cast<double>((i + 2 * k) % 5) - 0.1;
    }
  }
  ms::PatternLU lu(p);
  Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1.0, 1.0);
  const std::int64_t before_vacuity = ms::test::allocation_count();
  Eigen::VectorXd probe(n);  // the counter sees an Eigen allocation: the checks below are not vacuous
  ASSERT_GT(ms::test::allocation_count(), before_vacuity);
  probe.setZero();

  const std::int64_t static_path = ms::test::count_allocations([&] {
    for (double c : {1.0, 10.0, 100.0}) {
      ASSERT_TRUE(lu.factor_shifted(j, c));
      lu.solve_in_place(b);
    }
  });
  EXPECT_EQ(static_path, 0);
  EXPECT_EQ(lu.n_pivot_fallbacks(), 0);

  // A zero shift and a zero diagonal: the static pivots are rejected, the dense fallback runs.
  Eigen::MatrixXd jz = j;
  jz.diagonal().setZero();
  jz(0, 1) = jz(1, 0) = 1.0;
  const std::int64_t fallback_path = ms::test::count_allocations([&] {
    (void)lu.factor_shifted(jz, 0.0);
    lu.solve_in_place(b);
  });
  EXPECT_EQ(fallback_path, 0);
  EXPECT_GE(lu.n_pivot_fallbacks(), 1);
}
