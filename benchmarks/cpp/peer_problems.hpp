#pragma once
/// \file peer_problems.hpp
/// \brief The problems timed against peers (SciPy, SUNDIALS CVODE): ROBER, HIRES, VDPOL and OREGO
///        from the Test Set for IVP Solvers with hand-written Jacobians and reference values, and
///        the forced tissue chain of `tissue_chain.hpp`; plus the error measures used for
///        work-precision data.
///
/// ROBER and HIRES are the equations of `tests/cpp/stiff/stiff_problems.hpp` (included, not
/// copied). Test Set for IVP Solvers (F. Mazzia, C. Magherini, Univ. Bari,
/// https://archimede.uniba.it/~testset/), rober.f / hires.f / vdpol.f / orego.f: equations
/// (`feval`), Jacobians (`jeval`), intervals (`prob`), initial values (`init`) and reference
/// values at the end of the interval (`solut`); also E. Hairer, G. Wanner, Solving ODEs II, 2nd ed.
/// (1996), Sec. IV.10, doi:10.1007/978-3-642-05221-7.

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "../../tests/cpp/stiff/stiff_problems.hpp"

namespace massagesim::bench {

/// ROBER with its analytic Jacobian (stiff_test::Rober has one already).
using Rober = stiff_test::Rober;

/// HIRES with an analytic Jacobian (for CVODE and Rodas4{.jacobian = user}).
struct Hires : stiff_test::Hires {
  using Vector8d = Eigen::Matrix<double, 8, 1>;
  using Matrix8d = Eigen::Matrix<double, 8, 8>;
  void jacobian(const Vector8d& y, Matrix8d& J, double) const {
    J.setZero();
    J(0, 0) = -1.71, J(0, 1) = 0.43, J(0, 2) = 8.32;
    J(1, 0) = 1.71, J(1, 1) = -8.75;
    J(2, 2) = -10.03, J(2, 3) = 0.43, J(2, 4) = 0.035;
    J(3, 1) = 8.32, J(3, 2) = 1.71, J(3, 3) = -1.12;
    J(4, 4) = -1.745, J(4, 5) = 0.43, J(4, 6) = 0.43;
    J(5, 3) = 0.69, J(5, 4) = 1.71, J(5, 5) = -0.43 - 280.0 * y[7], J(5, 6) = 0.69, J(5, 7) = -280.0 * y[5];
    J(6, 5) = 280.0 * y[7], J(6, 6) = -1.81, J(6, 7) = 280.0 * y[5];
    J(7, 5) = -280.0 * y[7], J(7, 6) = 1.81, J(7, 7) = -280.0 * y[5];
  }
};

/// VDPOL, the stiff van der Pol oscillator in the Test Set's form: y1' = y2,
/// y2' = ((1 - y1^2) y2 - y1) / eps with eps = 1e-6 (mu = 1e3 after rescaling time by mu),
/// y(0) = (2, 0), t in [0, 2] (vdpol.f).
struct Vdpol {
  static constexpr double eps = 1e-6;
  template <class V>
  void operator()(const V& y, V& dy, double) const {
    dy[0] = y[1];
    dy[1] = ((1.0 - y[0] * y[0]) * y[1] - y[0]) / eps;
  }
  void jacobian(const Eigen::Vector2d& y, Eigen::Matrix2d& J, double) const {
    J << 0.0, 1.0,  //
        (-2.0 * y[0] * y[1] - 1.0) / eps, (1.0 - y[0] * y[0]) / eps;
  }
};
inline Eigen::Vector2d vdpol_x0() { return {2.0, 0.0}; }

/// OREGO, the Oregonator (Belousov-Zhabotinskii reaction, Field & Noyes 1974) in the Test Set's
/// form: s = 77.27, w = 0.161, q = 8.375e-6, y(0) = (1, 2, 3), t in [0, 360] (orego.f).
struct Orego {
  static constexpr double s = 77.27, w = 0.161, q = 8.375e-6;
  template <class V>
  void operator()(const V& y, V& dy, double) const {
    dy[0] = s * (y[1] - y[0] * y[1] + y[0] - q * y[0] * y[0]);
    dy[1] = (-y[1] - y[0] * y[1] + y[2]) / s;
    dy[2] = w * (y[0] - y[2]);
  }
  void jacobian(const Eigen::Vector3d& y, Eigen::Matrix3d& J, double) const {
    J << s * (1.0 - y[1] - 2.0 * q * y[0]), s * (1.0 - y[0]), 0.0,  //
        -y[1] / s, (-1.0 - y[0]) / s, 1.0 / s,                      //
        w, 0.0, -w;
  }
};
inline Eigen::Vector3d orego_x0() { return {1.0, 2.0, 3.0}; }

/// ROBER at t = 1e11 (Test Set, rober.f, solut; RADAU5 at tight tolerances).
inline Eigen::Vector3d rober_ref_1e11() { return {0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050}; }

/// HIRES at t = 321.8122 (Test Set, hires.f, solut; RADAU5, rtol = atol = h0 = 1.1e-18).
inline Eigen::Matrix<double, 8, 1> hires_ref() {
  Eigen::Matrix<double, 8, 1> r;
  r << 0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
      0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2;
  return r;
}

/// VDPOL at t = 2 (Test Set, vdpol.f, solut; RADAU, rtol = atol = h0 = 1.1e-18).
inline Eigen::Vector2d vdpol_ref() { return {0.1706167732170483e+01, -0.8928097010247975e+00}; }

/// OREGO at t = 360 (Test Set, orego.f, solut).
inline Eigen::Vector3d orego_ref() { return {0.1000814870318523e+01, 0.1228178521549917e+04, 0.1320554942846706e+03}; }

/// The error measure of the work-precision data (the same in C++ and in compare_peers.py): the
/// largest relative error over all saved points and components, each component's magnitude floored
/// at 1e-6 x the largest |ref| of its saved point (so states far below the others, like ROBER's
/// y2 ~ 1e-13, are measured in absolute terms at that level). `y` and `ref` hold n_out x n values,
/// point by point.
inline double relative_error(const std::vector<double>& y, const std::vector<double>& ref, int n) {
  double err = 0.0;
  for (std::size_t k = 0; k + static_cast<std::size_t>(n) <= ref.size(); k += static_cast<std::size_t>(n)) {
    double scale = 0.0;
    for (int i = 0; i < n; ++i) scale = std::max(scale, std::abs(ref[k + i]));
    for (int i = 0; i < n; ++i) {
      const double d = std::abs(y[k + i] - ref[k + i]) / std::max(std::abs(ref[k + i]), 1e-6 * scale);
      err = std::max(err, std::isfinite(d) ? d : INFINITY);
    }
  }
  return err;
}

/// The Test Set's "mixed error significant correct digits" of a final state:
/// -log10(max_i |y_i - ref_i| / (atol/rtol + |ref_i|)).
inline double mescd(const std::vector<double>& y, const std::vector<double>& ref, double rtol, double atol) {
  double m = 0.0;
  for (std::size_t i = 0; i < ref.size() && i < y.size(); ++i)
    m = std::max(m, std::abs(y[i] - ref[i]) / (atol / rtol + std::abs(ref[i])));
  return -std::log10(m);
}

}  // namespace massagesim::bench
