#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "massagesim/solver/jacobian.hpp"
#include "stiff_problems.hpp"

namespace ms = massagesim;
using namespace stiff_test;

namespace {
/// A nonlinear system with transcendental terms (AD needs unqualified math calls).
struct Transcendental {
  template <class V>
  void operator()(const V& x, V& dx, double t) const {
    using std::exp;
    using std::sin;
    using std::sqrt;
    dx[0] = exp(-x[0] * x[1]) + sin(x[2]) * t;
    dx[1] = x[0] * x[0] * x[2] - sqrt(1.0 + x[1] * x[1]);
    dx[2] = x[0] / (1.0 + x[2] * x[2]) - 0.5 * x[1];
  }
};

double rel_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}
}  // namespace

TEST(Jacobian, AdAgreesWithCentralDifferences) {
  const Eigen::Vector3d x(0.3, -0.7, 1.1);
  const Eigen::MatrixXd ad = ms::jacobian_ad(Transcendental{}, x, 0.4);
  const Eigen::MatrixXd fd = ms::jacobian_fd_central(Transcendental{}, x, 0.4);
  EXPECT_LT(rel_diff(ad, fd), 1e-8);

  Vector8d y = hires_x0();
  y.setLinSpaced(1e-3, 2e-3);  // a state where every Jacobian entry is non-trivial
  const Eigen::MatrixXd adh = ms::jacobian_ad(Hires{}, y, 0.0);
  const Eigen::MatrixXd fdh = ms::jacobian_fd_central(Hires{}, y, 0.0);
  EXPECT_LT(rel_diff(adh, fdh), 1e-8);
}

TEST(Jacobian, AdEqualsHandWrittenJacobian) {
  const Eigen::Vector3d x(0.9, 3e-5, 0.1);
  Eigen::Matrix3d user;
  Rober{}.jacobian(x, user, 0.0);
  EXPECT_LT((ms::jacobian_ad(Rober{}, x, 0.0) - user).cwiseAbs().maxCoeff(), 1e-12 * user.cwiseAbs().maxCoeff());
}

TEST(Jacobian, DynamicStateUsesChunkedDirections) {
  // 20 states > 8 directions per evaluation: three AD passes, same matrix as central differences.
  const Bruss1D b{.m = 10};
  const Eigen::VectorXd x = b.x0();
  const Eigen::MatrixXd ad = ms::jacobian_ad(b, x, 0.3);
  EXPECT_LT(rel_diff(ad, ms::jacobian_fd_central(b, x, 0.3)), 1e-8);
}

TEST(Jacobian, BandedColouringEqualsDenseAd) {
  const Bruss1D b{.m = 25};
  Eigen::VectorXd x = b.x0();
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] += u(rng);
  const Eigen::Index n = x.size();
  Eigen::VectorXd f(n);
  Bruss1D sys = b;
  sys(x, f, 0.7);
  const Eigen::MatrixXd dense = ms::jacobian_ad(b, x, 0.7);

  ms::Stats st;
  ms::JacobianEvaluator<Bruss1D, Eigen::VectorXd> ad(ms::JacobianKind::automatic, n, 2, 2);
  ms::BandMatrix jb(n, 2, 2);
  ad.banded(sys, x, 0.7, f, jb, st);
  // Colouring with w = 5 colours: one AD pass of 5 (<= 8) directions gives the whole band.
  EXPECT_EQ((jb.to_dense() - dense).cwiseAbs().maxCoeff(), 0.0);
  // The dense Jacobian is really banded (nothing outside |i - j| <= 2).
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      if (std::abs(i - j) > 2) {
        EXPECT_EQ(dense(i, j), 0.0);
      }
    }

  ms::JacobianEvaluator<Bruss1D, Eigen::VectorXd> fd(ms::JacobianKind::finite_difference, n, 2, 2);
  ms::BandMatrix jf(n, 2, 2);
  const auto rhs_before = st.n_rhs;
  fd.banded(sys, x, 0.7, f, jf, st);
  EXPECT_EQ(st.n_rhs - rhs_before, 5);  // one RHS per colour, not per column
  EXPECT_LT(rel_diff(jf.to_dense(), dense), 1e-6);
}

TEST(Jacobian, FiniteDifferenceTimeDerivative) {
  ProtheroRobinson<false> pr{.lambda = -30.0};
  ProtheroRobinson<true> exact{.lambda = -30.0};
  using V1 = Eigen::Matrix<double, 1, 1>;
  const V1 x(0.2);
  V1 f, d_fd, d_ex;
  pr(x, f, 1.3);
  ms::Stats st;
  ms::JacobianEvaluator<ProtheroRobinson<false>, V1> ev(ms::JacobianKind::automatic, 1, 0, 0);
  ev.time_derivative(pr, x, 1.3, f, 0.01, d_fd, st);
  exact.time_derivative(x, d_ex, 1.3);
  EXPECT_NEAR(d_fd[0], d_ex[0], 1e-6 * std::abs(d_ex[0]));
  EXPECT_EQ(st.n_rhs, 1);
}
