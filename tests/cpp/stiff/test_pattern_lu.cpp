/// PatternLU (solver/linear/pattern_lu.hpp): agreement with a dense LU on random matrices with a given
/// sparsity pattern, the fallback to partial pivoting when a static pivot is tiny, singular matrices,
/// and a re-analysis for a wider pattern.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <Eigen/Dense>

#include "massagesim/solver/linear/pattern_lu.hpp"
#include "massagesim/solver/linear/sparsity.hpp"

namespace ms = massagesim;

namespace {

/// A random pattern: the diagonal, a band of half-width 1, `extra` random entries and one dense last
/// row and column (the shape of a limb's pools), with random values on it.
struct RandomSparse {
  ms::SparsityPattern pattern;
  Eigen::MatrixXd a;
};

RandomSparse random_sparse(Eigen::Index n, int extra, unsigned seed, double diag_scale) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<Eigen::Index> idx(0, n - 1);
  RandomSparse r{ms::SparsityPattern(n), Eigen::MatrixXd::Zero(n, n)};
  auto put = [&](Eigen::Index i, Eigen::Index j) {
    r.pattern.add(i, j);
    r.a(i, j) = u(gen);
  };
  for (Eigen::Index i = 0; i < n; ++i) {
    put(i, i);
    if (i > 0) put(i, i - 1);
    if (i + 1 < n) put(i, i + 1);
    put(n - 1, i);
    put(i, n - 1);
  }
  for (int k = 0; k < extra; ++k) put(idx(gen), idx(gen));
  for (Eigen::Index i = 0; i < n; ++i) r.a(i, i) += diag_scale * (1.0 + std::abs(u(gen)));
  return r;
}

Eigen::VectorXd random_vector(Eigen::Index n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Eigen::VectorXd v(n);
  for (Eigen::Index i = 0; i < n; ++i) v[i] = u(gen);
  return v;
}

}  // namespace

TEST(PatternLU, AgreesWithDenseLUOnRandomPatterns) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const Eigen::Index n = 5 + static_cast<Eigen::Index>(seed) * 4;
    const RandomSparse r = random_sparse(n, static_cast<int>(2 * n), seed, 4.0);
    ms::PatternLU lu(r.pattern);
    ASSERT_TRUE(lu.factor(r.a)) << "seed " << seed;
    EXPECT_EQ(lu.n_pivot_fallbacks(), 0) << "a dominant diagonal needs no pivoting, seed " << seed;
    EXPECT_GE(lu.nnz_factors(), r.pattern.nnz());
    const Eigen::VectorXd b = random_vector(n, seed + 100);
    Eigen::VectorXd x = b;
    lu.solve_in_place(x);
    const Eigen::VectorXd x_ref = r.a.partialPivLu().solve(b);
    EXPECT_LT((x - x_ref).lpNorm<Eigen::Infinity>(), 1e-12 * (1.0 + x_ref.lpNorm<Eigen::Infinity>()))
        << "seed " << seed;
  }
}

TEST(PatternLU, ShiftedFactorisationSolvesCIMinusJ) {
  const RandomSparse r = random_sparse(40, 60, 7, 0.0);
  ms::PatternLU lu(r.pattern);
  for (double c : {0.5, 3.0, 1e3}) {
    const Eigen::MatrixXd w = c * Eigen::MatrixXd::Identity(40, 40) - r.a;
    ASSERT_TRUE(lu.factor_shifted(r.a, c)) << "c = " << c;
    const Eigen::VectorXd b = random_vector(40, 3);
    Eigen::VectorXd x = b;
    lu.solve_in_place(x);
    EXPECT_LT((w * x - b).lpNorm<Eigen::Infinity>(), 1e-10 * (1.0 + w.lpNorm<Eigen::Infinity>())) << "c = " << c;
  }
}

TEST(PatternLU, TinyStaticPivotFallsBackToPartialPivoting) {
  // [[0, 1, 0], [1, 0, 1], [0, 1, 1]]: every ordering of this pattern meets a zero diagonal first or
  // after one elimination step, so the static diagonal pivots cannot factor it; it is nonsingular.
  ms::SparsityPattern p(3);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(3, 3);
  const int entries[][2] = {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 2}};
  for (const auto& e : entries) {
    p.add(e[0], e[1]);
    a(e[0], e[1]) = 1.0;
  }
  ms::PatternLU lu(p);
  ASSERT_TRUE(lu.factor(a));
  EXPECT_EQ(lu.n_pivot_fallbacks(), 1);
  Eigen::VectorXd x(3);
  x << 1.0, 2.0, 3.0;
  const Eigen::VectorXd b = x;
  lu.solve_in_place(x);
  EXPECT_LT((a * x - b).norm(), 1e-14);

  // Random patterns whose values have a tiny diagonal (1e-6 of the off-diagonal entries): the static
  // pivots are rejected, partial pivoting gives the answer.
  int fallbacks = 0;
  for (unsigned seed = 1; seed <= 10; ++seed) {
    RandomSparse r = random_sparse(30, 60, seed, 0.0);
    r.a.diagonal() *= 1e-6;
    ms::PatternLU l(r.pattern);
    if (std::abs(r.a.determinant()) < 1e-8) continue;
    ASSERT_TRUE(l.factor(r.a)) << "seed " << seed;
    fallbacks += static_cast<int>(l.n_pivot_fallbacks());
    const Eigen::VectorXd b2 = random_vector(30, seed);
    Eigen::VectorXd y = b2;
    l.solve_in_place(y);
    EXPECT_LT((r.a * y - b2).lpNorm<Eigen::Infinity>(), 1e-9 * (1.0 + y.lpNorm<Eigen::Infinity>())) << "seed " << seed;
  }
  EXPECT_GT(fallbacks, 0) << "no weak-diagonal matrix exercised the fallback: the test would be vacuous";

  // After a fallback the static path is tried again: a dominant matrix on the same pattern uses it.
  Eigen::MatrixXd d = a + 4.0 * Eigen::MatrixXd::Identity(3, 3);
  ASSERT_TRUE(lu.factor(d));
  EXPECT_EQ(lu.n_pivot_fallbacks(), 1);
}

TEST(PatternLU, SingularMatrixIsReportedSingular) {
  const RandomSparse r = random_sparse(12, 10, 3, 4.0);
  Eigen::MatrixXd a = r.a;
  a.row(5).setZero();  // a zero row: singular whatever the pivoting
  ms::PatternLU lu(r.pattern);
  EXPECT_FALSE(lu.factor(a));
  // Two equal rows (structurally full rank, numerically singular).
  ms::SparsityPattern p(3);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 3; ++j) p.add(i, j);
  Eigen::Matrix3d s;
  s << 1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 0.0, 1.0, 5.0;
  ms::PatternLU l3(p);
  EXPECT_FALSE(l3.factor(s));
  // NaN entries: not a factorisation.
  Eigen::MatrixXd nan = r.a;
  nan(2, 2) = std::nan("");
  EXPECT_FALSE(lu.factor(nan));
}

TEST(PatternLU, EntriesOutsideThePatternAreIgnoredAndReanalysisWidens) {
  const RandomSparse r = random_sparse(20, 15, 11, 4.0);
  Eigen::MatrixXd wide = r.a;
  wide(0, 10) = 0.7;  // not in the pattern
  ASSERT_FALSE(r.pattern.contains(0, 10));
  ms::PatternLU lu(r.pattern);
  ASSERT_TRUE(lu.factor(wide));
  const Eigen::VectorXd b = random_vector(20, 5);
  Eigen::VectorXd x = b;
  lu.solve_in_place(x);
  EXPECT_LT((r.a * x - b).lpNorm<Eigen::Infinity>(), 1e-12) << "the entry outside the pattern was read";
  ms::SparsityPattern p2 = r.pattern;
  p2.add(0, 10);
  lu.analyze(p2);
  ASSERT_TRUE(lu.factor(wide));
  x = b;
  lu.solve_in_place(x);
  EXPECT_LT((wide * x - b).lpNorm<Eigen::Infinity>(), 1e-12);
}

TEST(PatternLU, OrderingKeepsFillBelowDense) {
  // An arrowhead with its dense row and column first: in natural order the first elimination fills
  // the whole matrix; a minimum degree ordering eliminates the hub last and has no fill.
  const Eigen::Index n = 50;
  ms::SparsityPattern p(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    p.add(i, i);
    p.add(0, i);
    p.add(i, 0);
  }
  ms::PatternLU lu(p);
  EXPECT_EQ(lu.nnz_factors(), p.nnz());
}
