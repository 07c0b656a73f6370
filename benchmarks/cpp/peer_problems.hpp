#pragma once
/// \file peer_problems.hpp
/// \brief The problems timed against peers (SciPy, SUNDIALS CVODE): ROBER and HIRES from the Test
///        Set for IVP Solvers with hand-written Jacobians and reference values, and the forced
///        tissue chain of `tissue_chain.hpp`; plus the error measure used for work-precision data.
///
/// ROBER and HIRES are the equations of `tests/cpp/stiff/stiff_problems.hpp` (included, not
/// copied). Test Set for IVP Solvers (F. Mazzia, C. Magherini, Univ. Bari,
/// https://archimede.uniba.it/~testset/), rober.f / hires.f, subroutine `solut`.

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

/// ROBER at t = 1e11 (Test Set, rober.f, solut; RADAU5 at tight tolerances).
inline Eigen::Vector3d rober_ref_1e11() { return {0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050}; }

/// HIRES at t = 321.8122 (Test Set, hires.f, solut; RADAU5, rtol = atol = h0 = 1.1e-18).
inline Eigen::Matrix<double, 8, 1> hires_ref() {
  Eigen::Matrix<double, 8, 1> r;
  r << 0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
      0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2;
  return r;
}

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

}  // namespace massagesim::bench
