#pragma once
/// \file arrow_chain.hpp
/// \brief An arrowhead test system: a chain of K stiff 3-state blocks (band kl = ku = 2) coupled to
///        2 slow "pool" states that read every block and are read by every block (no physiology).
///        The pool rows depend on the u and w states of each block only (columns 3i and 3i + 2).

#include <cmath>

#include <Eigen/Core>

namespace stiff_test {

struct ArrowChain {
  int k_blocks = 6;
  double stiff_rate = 1e3;  ///< fast exchange inside each block (1/s)

  int n_band() const { return 3 * k_blocks; }
  int n() const { return 3 * k_blocks + 2; }

  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    using S = typename V::Scalar;
    const int nb = n_band();
    const S p0 = x[nb], p1 = x[nb + 1];
    S sum_w = S(0.0), sum_uw = S(0.0);
    for (int i = 0; i < k_blocks; ++i) {
      const S u = x[3 * i], v = x[3 * i + 1], w = x[3 * i + 2];
      const S w_prev = i > 0 ? S(x[3 * i - 1]) : S(0.0);
      const S u_next = i + 1 < k_blocks ? S(x[3 * i + 3]) : S(0.0);
      const double drive = 1.0 + 0.5 * std::sin(0.3 * t + i);
      dxdt[3 * i] = -stiff_rate * (u - v) + 0.5 * (p0 - u) + 0.2 * w_prev + drive;
      dxdt[3 * i + 1] = stiff_rate * (u - v) - (1.0 + 0.1 * i) * v + 0.3 * p1 * w / (1.0 + v * v);
      dxdt[3 * i + 2] = 0.8 * v - 0.6 * w - 0.05 * u_next;
      sum_w += w;
      sum_uw += u * w;
    }
    dxdt[nb] = 0.05 * (sum_w - k_blocks * p0);
    dxdt[nb + 1] = 0.01 * (p0 - p1) + 0.002 * sum_uw - 0.1 * p1 * p1;
  }

  Eigen::VectorXd x0() const {
    Eigen::VectorXd x(n());
    for (int i = 0; i < n(); ++i) x[i] = 0.1 + 0.01 * i;
    return x;
  }
};

}  // namespace stiff_test
