#pragma once
/// \file dense_lu.hpp
/// \brief Dense LU with partial pivoting of W = c·I − J (Eigen PartialPivLU), sized once.

#include <algorithm>
#include <cmath>

#include <Eigen/Core>
#include <Eigen/LU>

namespace massagesim {

/// Dense LU of an n x n matrix; fixed-size when `N` is known at compile time.
/// After construction, `factor*` and `solve_in_place` do not allocate.
template <int N>
class DenseLU {
 public:
  using Matrix = Eigen::Matrix<double, N, N>;
  using Vector = Eigen::Matrix<double, N, 1>;

  DenseLU() : DenseLU(N == Eigen::Dynamic ? 0 : N) {}
  explicit DenseLU(Eigen::Index n) : w_(Matrix::Zero(n, n)), lu_(n), tmp_(Vector::Zero(n)) {}

  /// Factors W = c·I − J. Returns false when W is (numerically) singular.
  template <class Derived>
  bool factor_shifted(const Eigen::MatrixBase<Derived>& jac, double c) {
    w_ = -jac;
    w_.diagonal().array() += c;
    return factor_w();
  }
  /// Factors A. Returns false when A is (numerically) singular.
  template <class Derived>
  bool factor(const Eigen::MatrixBase<Derived>& a) {
    w_ = a;
    return factor_w();
  }
  /// min_i |u_ii| / max(1, max_i |u_ii|) of the last factorisation (near 0: nearly singular).
  double min_pivot_ratio() const {
    const auto d = lu_.matrixLU().diagonal().cwiseAbs();
    return d.size() == 0 ? 1.0 : d.minCoeff() / std::max(1.0, d.maxCoeff());
  }
  /// b ← A⁻¹ b.
  template <class V>
  void solve_in_place(V& b) const {
    tmp_.noalias() = lu_.solve(b);
    b = tmp_;
  }

 private:
  bool factor_w() {
    lu_.compute(w_);
    const auto& m = lu_.matrixLU();
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!(std::isfinite(m(i, i)) && m(i, i) != 0.0)) return false;
    return true;
  }
  Matrix w_;
  Eigen::PartialPivLU<Matrix> lu_;
  mutable Vector tmp_;
};

}  // namespace massagesim
