#pragma once
/// \file reference_problems.hpp
/// \brief Test problems with exact solutions for the solver tests (DETEST-style, Hull, Enright,
///        Fellen & Sedgwick 1972, SIAM J Numer Anal 9:603-637, doi:10.1137/0709052), and a
///        least-squares slope helper for measured orders.

#include <cmath>
#include <cstddef>
#include <vector>

#include <Eigen/Core>
#include <boost/math/special_functions/jacobi_elliptic.hpp>

namespace massagesim::test {

/// Least-squares slope of log(y) against log(x).
inline double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += std::log(x[i]);
    my += std::log(y[i]);
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = std::log(x[i]) - mx;
    sxy += dx * (std::log(y[i]) - my);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

/// x' = -x: x(t) = x0 exp(-t) (DETEST A1).
struct Decay {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt = -x;
  }
  static double exact(double t) { return std::exp(-t); }
};

/// x'' = -x as a first-order system: (cos t, -sin t) from (1, 0).
struct Oscillator {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt[0] = x[1];
    dxdt[1] = -x[0];
  }
  static Eigen::Vector2d exact(double t) { return {std::cos(t), -std::sin(t)}; }
};

/// Non-autonomous x' = x cos t: x = exp(sin t) (DETEST A3).
struct CosGrowth {
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    dxdt[0] = x[0] * std::cos(t);
  }
  static double exact(double t) { return std::exp(std::sin(t)); }
};

/// DETEST A2: x' = -x^3 / 2, x(0) = 1: x = 1 / sqrt(t + 1).
struct DetestA2 {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt[0] = -0.5 * x[0] * x[0] * x[0];
  }
  static double exact(double t) { return 1.0 / std::sqrt(t + 1.0); }
};

/// DETEST A4 (logistic): x' = x/4 (1 - x/20), x(0) = 1: x = 20 / (1 + 19 exp(-t/4)).
struct DetestA4 {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt[0] = 0.25 * x[0] * (1.0 - x[0] / 20.0);
  }
  static double exact(double t) { return 20.0 / (1.0 + 19.0 * std::exp(-t / 4.0)); }
};

/// DETEST B5 (Euler's rigid body): y = (sn, cn, dn)(t | k^2 = 0.51) from (0, 1, 1).
struct DetestB5 {
  template <class V>
  void operator()(const V& y, V& dydt, double) const {
    dydt[0] = y[1] * y[2];
    dydt[1] = -y[0] * y[2];
    dydt[2] = -0.51 * y[0] * y[1];
  }
  static Eigen::Vector3d exact(double t) {
    double cn = 0.0, dn = 0.0;
    const double sn = boost::math::jacobi_elliptic(std::sqrt(0.51), t, &cn, &dn);
    return {sn, cn, dn};
  }
};

/// DETEST C1: a chain of 10 compartments, y' = A y with y_i' = y_{i-1} - y_i (i < 10), y_10' = y_9,
/// y(0) = e_1: y_i = t^(i-1) e^(-t) / (i-1)! for i < 10, y_10 = 1 - sum of the others.
struct DetestC1 {
  template <class V>
  void operator()(const V& y, V& dydt, double) const {
    dydt[0] = -y[0];
    for (int i = 1; i < 9; ++i) dydt[i] = y[i - 1] - y[i];
    dydt[9] = y[8];
  }
  static Eigen::Matrix<double, 10, 1> exact(double t) {
    Eigen::Matrix<double, 10, 1> y;
    double term = std::exp(-t), sum = 0.0;
    for (int i = 0; i < 9; ++i) {
      y[i] = term;
      sum += term;
      term *= t / (i + 1);
    }
    y[9] = 1.0 - sum;
    return y;
  }
};

/// DETEST D (Kepler two-body orbit of eccentricity e): y = (q1, q2, p1, p2) from
/// (1 - e, 0, 0, sqrt((1 + e) / (1 - e))); exact solution from Kepler's equation u - e sin u = t.
struct DetestD {
  double e = 0.5;
  template <class V>
  void operator()(const V& y, V& dydt, double) const {
    const double r2 = y[0] * y[0] + y[1] * y[1];
    const double r3 = r2 * std::sqrt(r2);
    dydt[0] = y[2];
    dydt[1] = y[3];
    dydt[2] = -y[0] / r3;
    dydt[3] = -y[1] / r3;
  }
  Eigen::Vector4d x0() const { return {1.0 - e, 0.0, 0.0, std::sqrt((1.0 + e) / (1.0 - e))}; }
  Eigen::Vector4d exact(double t) const {
    double u = t;  // Newton on u - e sin u - t = 0
    for (int it = 0; it < 100; ++it) {
      const double du = (u - e * std::sin(u) - t) / (1.0 - e * std::cos(u));
      u -= du;
      if (std::abs(du) < 1e-16) break;
    }
    const double s = std::sqrt(1.0 - e * e), den = 1.0 - e * std::cos(u);
    return {std::cos(u) - e, s * std::sin(u), -std::sin(u) / den, s * std::cos(u) / den};
  }
};

}  // namespace massagesim::test
