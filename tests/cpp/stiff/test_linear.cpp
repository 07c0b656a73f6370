#include <gtest/gtest.h>

#include <random>

#include <Eigen/LU>

#include "massagesim/solver/linear/band_matrix.hpp"
#include "massagesim/solver/linear/banded_lu.hpp"
#include "massagesim/solver/linear/dense_lu.hpp"
#include "massagesim/solver/linear/sparse_lu.hpp"

namespace ms = massagesim;

namespace {
/// A random band matrix whose diagonal is NOT dominant (so pivoting is exercised). Triangular
/// shapes (kl = 0 or ku = 0) cannot pivot; they get a dominant diagonal instead, since a random
/// triangular matrix with small diagonal is hopelessly ill-conditioned.
ms::BandMatrix random_band(Eigen::Index n, Eigen::Index kl, Eigen::Index ku, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  ms::BandMatrix a(n, kl, ku);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = a.row_begin(j); i < a.row_end(j); ++i) a(i, j) = u(rng);
  const bool triangular = a.kl() == 0 || a.ku() == 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    if (triangular)
      a(j, j) += a(j, j) >= 0.0 ? 2.0 : -2.0;
    else
      a(j, j) *= 0.01;  // small pivots: row interchanges needed
  }
  return a;
}
}  // namespace

TEST(BandedLU, AgreesWithDenseLUOnRandomBandedSystems) {
  struct Shape {
    Eigen::Index n, kl, ku;
  };
  for (const Shape s : {Shape{1, 0, 0}, Shape{10, 1, 1}, Shape{30, 2, 3}, Shape{40, 4, 1}, Shape{25, 0, 2},
                        Shape{25, 3, 0}, Shape{12, 11, 11}, Shape{960, 15, 15}}) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      const ms::BandMatrix a = random_band(s.n, s.kl, s.ku, seed * 31 + static_cast<unsigned>(s.n));
      const Eigen::MatrixXd ad = a.to_dense();
      Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(s.n, -1.0, 2.0);
      const Eigen::VectorXd x_dense = ad.partialPivLu().solve(b);
      ms::BandedLU lu(s.n, s.kl, s.ku);
      ASSERT_TRUE(lu.factor(a));
      Eigen::VectorXd x = b;
      lu.solve_in_place(x);
      const double scale = std::max(1.0, x_dense.cwiseAbs().maxCoeff());
      EXPECT_LT((x - x_dense).cwiseAbs().maxCoeff() / scale, 1e-9)
          << "n = " << s.n << ", kl = " << s.kl << ", ku = " << s.ku << ", seed " << seed;
      // Backward stability: normwise backward error at rounding level, whatever the conditioning.
      const double backward =
          (ad * x - b).cwiseAbs().maxCoeff() /
          (ad.cwiseAbs().rowwise().sum().maxCoeff() * x.cwiseAbs().maxCoeff() + b.cwiseAbs().maxCoeff());
      EXPECT_LT(backward, 1e-13) << "n = " << s.n << ", kl = " << s.kl << ", ku = " << s.ku;
    }
  }
}

TEST(BandedLU, ShiftedFactorMatchesDense) {
  const ms::BandMatrix j = random_band(50, 2, 2, 5);
  const double c = 3.7;
  ms::BandedLU lu(50, 2, 2);
  ASSERT_TRUE(lu.factor_shifted(j, c));
  ms::DenseLU<Eigen::Dynamic> dlu(50);
  ASSERT_TRUE(dlu.factor_shifted(j.to_dense(), c));
  Eigen::VectorXd b = Eigen::VectorXd::Random(50), xb = b, xd = b;
  lu.solve_in_place(xb);
  dlu.solve_in_place(xd);
  EXPECT_LT((xb - xd).cwiseAbs().maxCoeff(), 1e-10 * std::max(1.0, xd.cwiseAbs().maxCoeff()));
}

TEST(BandedLU, ReportsSingularMatrix) {
  ms::BandMatrix a(4, 1, 1);  // all zero
  a(0, 0) = 1.0;
  ms::BandedLU lu(4, 1, 1);
  EXPECT_FALSE(lu.factor(a));
}

TEST(SparseLU, AgreesWithDenseLU) {
  for (const Eigen::Index n : {5, 60, 300}) {
    const ms::BandMatrix j = random_band(n, 3, 2, static_cast<unsigned>(n));
    const double c = 0.5;
    ms::SparseLUSolver slu(n, 3, 2);
    ASSERT_TRUE(slu.factor_shifted(j, c));
    ms::DenseLU<Eigen::Dynamic> dlu(n);
    ASSERT_TRUE(dlu.factor_shifted(j.to_dense(), c));
    Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, 1.0, -1.0), xs = b, xd = b;
    slu.solve_in_place(xs);
    dlu.solve_in_place(xd);
    EXPECT_LT((xs - xd).cwiseAbs().maxCoeff(), 1e-9 * std::max(1.0, xd.cwiseAbs().maxCoeff())) << "n = " << n;
    // Refactor with new values on the same pattern.
    ASSERT_TRUE(slu.factor_shifted(j, 2.0 * c));
    ASSERT_TRUE(dlu.factor_shifted(j.to_dense(), 2.0 * c));
    xs = b;
    xd = b;
    slu.solve_in_place(xs);
    dlu.solve_in_place(xd);
    EXPECT_LT((xs - xd).cwiseAbs().maxCoeff(), 1e-9 * std::max(1.0, xd.cwiseAbs().maxCoeff()));
  }
}

TEST(DenseLU, FixedSizeMatchesDynamicAndDetectsSingularity) {
  Eigen::Matrix4d a = Eigen::Matrix4d::Random();
  ms::DenseLU<4> f;
  ms::DenseLU<Eigen::Dynamic> d(4);
  ASSERT_TRUE(f.factor(a));
  ASSERT_TRUE(d.factor(Eigen::MatrixXd(a)));
  Eigen::Vector4d b(1, 2, 3, 4), xf = b;
  Eigen::VectorXd xd = b;
  f.solve_in_place(xf);
  d.solve_in_place(xd);
  EXPECT_LT((xf - xd).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((a * xf - b).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_FALSE(f.factor(Eigen::Matrix4d::Zero()));
}
