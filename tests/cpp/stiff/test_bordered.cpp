/// Bordered ("arrowhead") matrices: the block-elimination LU against Eigen's dense LU, the bordered
/// Jacobian against the dense AD Jacobian, and Rodas4 with the bordered solver against Rodas4 with
/// the dense one.
#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <vector>

#include <Eigen/LU>

#include "arrow_chain.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/bordered_lu.hpp"
#include "massagesim/solver/linear/bordered_matrix.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace ms = massagesim;
using stiff_test::ArrowChain;

namespace {

/// Random bordered matrix. `small_pivots`: the band block has tiny diagonal entries (row
/// interchanges inside the band are needed); otherwise every row is diagonally dominant.
ms::BorderedMatrix random_bordered(Eigen::Index nb, Eigen::Index kl, Eigen::Index ku, Eigen::Index m, unsigned seed,
                                   bool small_pivots) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  ms::BorderedMatrix a(nb, kl, ku, m);
  const Eigen::Index n = nb + m;
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (a.stored(i, j)) a(i, j) = u(rng);
  const Eigen::MatrixXd d = a.to_dense();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double row = d.row(i).cwiseAbs().sum();
    if (small_pivots && i < nb && a.kl() > 0 && a.ku() > 0)
      a(i, i) *= 0.01;
    else
      a(i, i) += a(i, i) >= 0.0 ? row + 1.0 : -row - 1.0;
  }
  return a;
}

double max_rel_diff(const Eigen::VectorXd& x, const Eigen::VectorXd& ref) {
  return (x - ref).cwiseAbs().maxCoeff() / std::max(1.0, ref.cwiseAbs().maxCoeff());
}

}  // namespace

TEST(BorderedLU, AgreesWithDenseLUOnRandomMatrices) {
  struct Shape {
    Eigen::Index nb, kl, ku, m;
  };
  int cases = 0;
  for (const Shape s :
       {Shape{1, 0, 0, 0}, Shape{1, 0, 0, 2}, Shape{10, 1, 1, 0}, Shape{10, 1, 1, 1}, Shape{30, 2, 3, 3},
        Shape{40, 4, 1, 5}, Shape{25, 0, 2, 2}, Shape{25, 3, 0, 4}, Shape{12, 11, 11, 3}, Shape{200, 6, 6, 5}}) {
    for (bool small : {false, true}) {
      for (unsigned seed = 1; seed <= 3; ++seed) {
        const auto a = random_bordered(s.nb, s.kl, s.ku, s.m, seed * 97 + static_cast<unsigned>(s.nb + s.m), small);
        const Eigen::MatrixXd ad = a.to_dense();
        const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(s.nb + s.m, -1.0, 2.0);
        const Eigen::VectorXd ref = ad.partialPivLu().solve(b);
        ms::BorderedLU lu(s.nb, s.kl, s.ku, s.m);
        ASSERT_TRUE(lu.factor(a)) << "nb " << s.nb << " m " << s.m;
        Eigen::VectorXd x = b;
        lu.solve_in_place(x);
        EXPECT_LT(max_rel_diff(x, ref), 1e-10) << "nb = " << s.nb << ", kl = " << s.kl << ", ku = " << s.ku
                                               << ", m = " << s.m << ", small pivots " << small << ", seed " << seed;
        EXPECT_LT((ad * x - b).cwiseAbs().maxCoeff(),
                  1e-10 * ad.cwiseAbs().maxCoeff() * x.cwiseAbs().maxCoeff() + 1e-12);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 60);
}

TEST(BorderedLU, FactorShiftedMatchesDenseWMatrix) {
  // W = c·I − J, the Rosenbrock matrix.
  const auto j = random_bordered(30, 2, 2, 3, 7, false);
  const double c = 37.5;
  ms::BorderedLU lu(30, 2, 2, 3);
  ASSERT_TRUE(lu.factor_shifted(j, c));
  const Eigen::MatrixXd w = c * Eigen::MatrixXd::Identity(33, 33) - j.to_dense();
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(33, 1.0, -3.0);
  Eigen::VectorXd x = b;
  lu.solve_in_place(x);
  EXPECT_LT(max_rel_diff(x, w.partialPivLu().solve(b)), 1e-12);
}

TEST(BorderedLU, LimbLikePatternMatchesDenseLU) {
  // 4 segments of 19 states, block tridiagonal (each segment couples to its neighbours), plus a
  // 5-state limb-level border coupled to every segment: the shape of the limb's W matrix.
  const Eigen::Index bs = 19, k = 4, nb = bs * k, m = 5, band = 2 * bs - 1;
  std::mt19937 rng(2024);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  ms::BorderedMatrix a(nb, band, band, m);
  for (Eigen::Index i = 0; i < nb; ++i)
    for (Eigen::Index j = 0; j < nb; ++j)
      if (std::abs(i / bs - j / bs) <= 1 && u(rng) > 0.3) a(i, j) = u(rng);
  for (Eigen::Index r = 0; r < m; ++r)
    for (Eigen::Index j = 0; j < nb; ++j) {
      if (u(rng) > 0.5) a(nb + r, j) = u(rng);
      if (u(rng) > 0.5) a(j, nb + r) = u(rng);
    }
  for (Eigen::Index r = 0; r < m; ++r)
    for (Eigen::Index q = 0; q < m; ++q) a(nb + r, nb + q) = u(rng);
  const Eigen::MatrixXd d0 = a.to_dense();
  for (Eigen::Index i = 0; i < nb + m; ++i) a(i, i) += 1.0 + d0.row(i).cwiseAbs().sum();
  const Eigen::MatrixXd ad = a.to_dense();
  ms::BorderedLU lu(nb, band, band, m);
  ASSERT_TRUE(lu.factor(a));
  for (int rhs = 0; rhs < 3; ++rhs) {
    const Eigen::VectorXd b = Eigen::VectorXd::Random(nb + m);
    Eigen::VectorXd x = b;
    lu.solve_in_place(x);
    EXPECT_LT(max_rel_diff(x, ad.partialPivLu().solve(b)), 1e-12);
  }
}

TEST(BorderedLU, ReportsASingularBlock) {
  ms::BorderedMatrix a(5, 1, 1, 2);  // all zero
  ms::BorderedLU lu(5, 1, 1, 2);
  EXPECT_FALSE(lu.factor(a));
}

TEST(BorderedJacobian, EqualsDenseADJacobianOnArrowhead) {
  const ArrowChain sys{};
  Eigen::VectorXd x = sys.x0();
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] += 0.05 * std::sin(3.0 * i);
  const double t = 1.7;
  const Eigen::MatrixXd ref = ms::jacobian_ad(sys, x, t);
  const Eigen::Index n = sys.n(), nb = sys.n_band();
  Eigen::VectorXd fx(n);
  ArrowChain s = sys;
  s(x, fx, t);
  // The pool rows depend on u (3i) and w (3i + 2) only.
  std::vector<Eigen::Index> uw;
  for (int i = 0; i < sys.k_blocks; ++i) {
    uw.push_back(3 * i);
    uw.push_back(3 * i + 2);
  }
  for (int variant = 0; variant < 2; ++variant) {
    ms::JacobianEvaluator<ArrowChain, Eigen::VectorXd> ev(ms::JacobianKind::automatic, n, 2, 2);
    if (variant == 1) ev.set_border_row_columns(uw);
    ms::BorderedMatrix j(nb, 2, 2, 2);
    ms::Stats st;
    ev.bordered(s, x, t, fx, j, st);
    EXPECT_LT((j.to_dense() - ref).cwiseAbs().maxCoeff(), 1e-13 * ref.cwiseAbs().maxCoeff())
        << (variant == 0 ? "all block columns" : "u, w columns only");
    EXPECT_EQ(st.n_jac, 1);
  }
  // The dense AD Jacobian really is arrowhead-shaped: nothing outside the stored positions.
  const ms::BorderedMatrix shape(nb, 2, 2, 2);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < n; ++k)
      if (!shape.stored(i, k)) {
        EXPECT_EQ(ref(i, k), 0.0) << i << ", " << k;
      }
  // Finite differences with the same directions agree to differencing accuracy.
  ms::JacobianEvaluator<ArrowChain, Eigen::VectorXd> fd(ms::JacobianKind::finite_difference, n, 2, 2);
  ms::BorderedMatrix jf(nb, 2, 2, 2);
  ms::Stats st;
  fd.bordered(s, x, t, fx, jf, st);
  EXPECT_LT((jf.to_dense() - ref).cwiseAbs().maxCoeff(), 1e-5 * ref.cwiseAbs().maxCoeff());
  EXPECT_EQ(st.n_rhs, 5 + 2 + nb);  // w = 5 band colours, 2 border columns, nb columns for the border rows
}

TEST(Rodas4Bordered, SameSolutionAsDenseOnArrowheadProblem) {
  const ArrowChain sys{.k_blocks = 8};
  const auto p = ms::make_problem(sys, sys.x0(), 0.0, 50.0);
  const ms::StepControl ctl{.rtol = 1e-8, .atol = 1e-10};
  const ms::SaveAt save{.ts_s = ms::linspace(0.0, 50.0, 11)};
  const auto dense = ms::solve(p, ms::Rodas4{}, ctl, save);
  const auto bord = ms::solve(p,
                              ms::Rodas4{.linear_solver = ms::LinearSolverKind::bordered,
                                         .lower_bandwidth = 2,
                                         .upper_bandwidth = 2,
                                         .border_size = 2},
                              ctl, save);
  std::cout << "[bordered] ArrowChain K=8 on [0, 50], rtol 1e-8: dense " << dense.stats.n_steps << " steps, bordered "
            << bord.stats.n_steps << " steps; max |x_b - x_d| = " << (bord.x - dense.x).cwiseAbs().maxCoeff() << "\n";
  ASSERT_EQ(dense.status, ms::Status::success);
  ASSERT_EQ(bord.status, ms::Status::success);
  // Same Jacobian, same method: only the LU's rounding differs, so the step sequences agree and the
  // solutions agree far below the tolerance (0.2 rtol; measured 4e-10).
  EXPECT_NEAR(static_cast<double>(bord.stats.n_steps), static_cast<double>(dense.stats.n_steps),
              0.02 * dense.stats.n_steps + 2);
  EXPECT_LT((bord.x - dense.x).cwiseAbs().maxCoeff(), 0.2 * ctl.rtol * std::max(1.0, dense.x.cwiseAbs().maxCoeff()));
}

TEST(Rodas4Bordered, RejectsBadBorderOptions) {
  const ArrowChain sys{};
  const auto p = ms::make_problem(sys, sys.x0(), 0.0, 1.0);
  try {
    ms::solve(p, ms::Rodas4{.linear_solver = ms::LinearSolverKind::bordered, .border_size = 100});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("Rodas4.border_size"), std::string::npos) << e.what();
  }
  try {
    ms::solve(p, ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .border_size = 2});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("only used with LinearSolverKind::bordered"), std::string::npos) << e.what();
  }
  try {
    ms::solve(p, ms::Rodas4{
                     .linear_solver = ms::LinearSolverKind::bordered, .border_size = 2, .border_row_columns = {0, 18}});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("border_row_columns[1] = 18"), std::string::npos) << e.what();
  }
}
