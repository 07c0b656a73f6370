#pragma once
/// \file stiff_problems.hpp
/// \brief Textbook stiff test problems for the stiff-solver tests (no physiology).
///
/// ROBER and HIRES follow the "Test Set for IVP Solvers" (F. Mazzia, C. Magherini, Univ. Bari,
/// https://archimede.uniba.it/~testset/, problem descriptions rober.pdf / hires.pdf, and the
/// reference solutions in its rober.f / hires.f `solut` routines); both appear in E. Hairer,
/// G. Wanner, Solving ODEs II, 2nd ed. (1996), Sec. IV.10, doi:10.1007/978-3-642-05221-7.

#include <cmath>
#include <numbers>

#include <Eigen/Core>

namespace stiff_test {

/// Robertson's chemical kinetics (ROBER).
struct Rober {
  template <class V>
  void operator()(const V& y, V& dy, double) const {
    dy[0] = -0.04 * y[0] + 1.0e4 * y[1] * y[2];
    dy[2] = 3.0e7 * y[1] * y[1];
    dy[1] = 0.04 * y[0] - 1.0e4 * y[1] * y[2] - 3.0e7 * y[1] * y[1];
  }
  void jacobian(const Eigen::Vector3d& y, Eigen::Matrix3d& J, double) const {
    J << -0.04, 1.0e4 * y[2], 1.0e4 * y[1],                 //
        0.04, -1.0e4 * y[2] - 6.0e7 * y[1], -1.0e4 * y[1],  //
        0.0, 6.0e7 * y[1], 0.0;
  }
};

/// HIRES: "High Irradiance RESponse" of photomorphogenesis (Schäfer 1975), 8 states.
struct Hires {
  template <class V>
  void operator()(const V& y, V& dy, double) const {
    dy[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
    dy[1] = 1.71 * y[0] - 8.75 * y[1];
    dy[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
    dy[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
    dy[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
    dy[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
    dy[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
    dy[7] = -280.0 * y[5] * y[7] + 1.81 * y[6];
  }
};
using Vector8d = Eigen::Matrix<double, 8, 1>;
inline Vector8d hires_x0() {
  Vector8d x;
  x << 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057;
  return x;
}

/// 1-D Brusselator with diffusion (Hairer & Wanner II, IV.10, "BRUSS"), m cells, states
/// interleaved (u_1, v_1, u_2, v_2, …) so that J is banded with kl = ku = 2. Non-autonomous
/// variant: the feed A(t) = 1 + 0.1 sin(t) depends on time, to exercise ∂f/∂t.
struct Bruss1D {
  int m = 16;
  double alpha = 0.02;
  template <class V>
  void operator()(const V& y, V& dy, double t) const {
    using S = typename V::Scalar;
    const double c = alpha * (m + 1) * (m + 1);
    const double feed = 1.0 + 0.1 * std::sin(t);
    for (int i = 0; i < m; ++i) {
      const S& u = y[2 * i];
      const S& v = y[2 * i + 1];
      const S ul = i > 0 ? S(y[2 * i - 2]) : S(1.0), ur = i + 1 < m ? S(y[2 * i + 2]) : S(1.0);
      const S vl = i > 0 ? S(y[2 * i - 1]) : S(3.0), vr = i + 1 < m ? S(y[2 * i + 3]) : S(3.0);
      const S u2v = u * u * v;
      dy[2 * i] = feed + u2v - 4.4 * u + c * (ul - 2.0 * u + ur);
      dy[2 * i + 1] = 3.4 * u - u2v + c * (vl - 2.0 * v + vr);
    }
  }
  Eigen::VectorXd x0() const {
    Eigen::VectorXd x(2 * m);
    for (int i = 0; i < m; ++i) {
      const double xi = (i + 1.0) / (m + 1.0);
      x[2 * i] = 1.0 + std::sin(2.0 * std::numbers::pi * xi);
      x[2 * i + 1] = 3.0;
    }
    return x;
  }
};

/// Linear constant-coefficient stiff problem y' = A y with eigenvalues −1 and −1000:
/// A = V diag(−1, −1000) V⁻¹, V = [[1, 1], [1, 2]]. Exact: y(t) = V diag(e^{−t}, e^{−1000t}) V⁻¹ y0.
struct LinearStiff {
  // A = V D V^-1 with V^-1 = [[2, -1], [-1, 1]].
  static constexpr double l1 = -1.0, l2 = -1000.0;
  static constexpr double a00 = 2 * l1 - l2, a01 = -l1 + l2, a10 = 2 * l1 - 2 * l2, a11 = -l1 + 2 * l2;
  template <class V>
  void operator()(const V& y, V& dy, double) const {
    dy[0] = a00 * y[0] + a01 * y[1];
    dy[1] = a10 * y[0] + a11 * y[1];
  }
  static Eigen::Vector2d exact(double t, const Eigen::Vector2d& y0) {
    const Eigen::Vector2d w(2 * y0[0] - y0[1], -y0[0] + y0[1]);  // V^-1 y0
    const double e1 = std::exp(l1 * t) * w[0], e2 = std::exp(l2 * t) * w[1];
    return Eigen::Vector2d(e1 + e2, e1 + 2 * e2);
  }
};

/// Prothero–Robinson: y' = λ (y − φ(t)) + φ'(t), φ = sin; exact y = sin t for y(0) = 0.
/// `WithTimeDerivative` also supplies ∂f/∂t analytically.
template <bool WithTimeDerivative>
struct ProtheroRobinson {
  double lambda = -10.0;
  template <class V>
  void operator()(const V& y, V& dy, double t) const {
    dy[0] = lambda * (y[0] - std::sin(t)) + std::cos(t);
  }
  void time_derivative(const Eigen::Matrix<double, 1, 1>&, Eigen::Matrix<double, 1, 1>& dfdt,
                       double t) const requires WithTimeDerivative {
    dfdt[0] = -lambda * std::cos(t) - std::sin(t);
  }
};

}  // namespace stiff_test
