#pragma once
/// \file banded_lu.hpp
/// \brief Band LU with partial pivoting (the algorithm of LAPACK dgbtf2/dgbtrs), no allocation
///        after setup, cost O(n·kl·(kl+ku)) per factorisation and O(n·(2kl+ku)) per solve.
/// \see E. Anderson et al., LAPACK Users' Guide, 3rd ed., SIAM (1999), doi:10.1137/1.9780898719604

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"

namespace massagesim {

/// LU factorisation of a square band matrix with row interchanges.
///
/// Row pivoting lets U grow to kl + ku super-diagonals, so the factor is stored with
/// kv = kl + ku super-diagonals: entry (i, j), −kv <= i − j <= kl, at `lu_(kv + i − j, j)`.
class BandedLU {
 public:
  BandedLU() = default;
  BandedLU(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) { resize(n, kl, ku); }

  void resize(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) {
    MASSAGESIM_CHECK(n >= 0 && kl >= 0 && ku >= 0, "BandedLU: expected n, kl, ku >= 0, got n = ", n, ", kl = ", kl,
                     ", ku = ", ku);
    n_ = n;
    kl_ = std::min(kl, std::max<Eigen::Index>(n - 1, 0));
    ku_ = std::min(ku, std::max<Eigen::Index>(n - 1, 0));
    kv_ = kl_ + ku_;
    lu_.setZero(2 * kl_ + ku_ + 1, n_);
    piv_.assign(static_cast<std::size_t>(n_), 0);
  }
  Eigen::Index rows() const { return n_; }

  /// Factors W = c·I − J for a band J with the same (kl, ku). Returns false if W is singular.
  bool factor_shifted(const BandMatrix& jac, double c) {
    MASSAGESIM_CHECK(jac.rows() == n_ && jac.kl() == kl_ && jac.ku() == ku_, "BandedLU::factor_shifted: expected a ",
                     n_, " x ", n_, " band matrix with kl = ", kl_, ", ku = ", ku_, ", got ", jac.rows(),
                     " with kl = ", jac.kl(), ", ku = ", jac.ku());
    lu_.setZero();
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = jac.row_begin(j); i < jac.row_end(j); ++i) at(i, j) = -jac(i, j);
    for (Eigen::Index j = 0; j < n_; ++j) at(j, j) += c;
    return factor_in_place();
  }
  /// Factors a band matrix A with the same (kl, ku). Returns false if A is singular.
  bool factor(const BandMatrix& a) {
    MASSAGESIM_CHECK(a.rows() == n_ && a.kl() == kl_ && a.ku() == ku_, "BandedLU::factor: band shape mismatch");
    lu_.setZero();
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = a.row_begin(j); i < a.row_end(j); ++i) at(i, j) = a(i, j);
    return factor_in_place();
  }

  /// b ← A⁻¹ b (forward substitution with the interchanges, then back substitution with U).
  template <class V>
  void solve_in_place(V& b) const {
    for (Eigen::Index j = 0; j + 1 < n_; ++j) {
      const Eigen::Index km = std::min(kl_, n_ - 1 - j);
      const Eigen::Index p = piv_[static_cast<std::size_t>(j)];
      if (p != j) std::swap(b[j], b[p]);
      const double bj = b[j];
      if (bj != 0.0)
        for (Eigen::Index i = j + 1; i <= j + km; ++i) b[i] -= at(i, j) * bj;
    }
    for (Eigen::Index j = n_ - 1; j >= 0; --j) {
      b[j] /= at(j, j);
      const double bj = b[j];
      if (bj != 0.0)
        for (Eigen::Index i = std::max<Eigen::Index>(0, j - kv_); i < j; ++i) b[i] -= at(i, j) * bj;
    }
  }

 private:
  double& at(Eigen::Index i, Eigen::Index j) { return lu_(kv_ + i - j, j); }
  double at(Eigen::Index i, Eigen::Index j) const { return lu_(kv_ + i - j, j); }

  bool factor_in_place() {
    bool ok = true;
    Eigen::Index ju = 0;  // last column touched by the interchanges so far
    for (Eigen::Index j = 0; j < n_; ++j) {
      const Eigen::Index km = std::min(kl_, n_ - 1 - j);
      Eigen::Index p = j;
      double amax = std::abs(at(j, j));
      for (Eigen::Index i = j + 1; i <= j + km; ++i)
        if (std::abs(at(i, j)) > amax) {
          amax = std::abs(at(i, j));
          p = i;
        }
      piv_[static_cast<std::size_t>(j)] = p;
      if (!(amax > 0.0) || !std::isfinite(amax)) {
        ok = false;
        continue;
      }
      ju = std::max(ju, std::min(p + ku_, n_ - 1));
      if (p != j)
        for (Eigen::Index c = j; c <= ju; ++c) std::swap(at(j, c), at(p, c));
      const double inv = 1.0 / at(j, j);
      for (Eigen::Index i = j + 1; i <= j + km; ++i) at(i, j) *= inv;
      for (Eigen::Index c = j + 1; c <= ju; ++c) {
        const double ajc = at(j, c);
        if (ajc != 0.0)
          for (Eigen::Index i = j + 1; i <= j + km; ++i) at(i, c) -= at(i, j) * ajc;
      }
    }
    return ok;
  }

  Eigen::Index n_ = 0, kl_ = 0, ku_ = 0, kv_ = 0;
  Eigen::MatrixXd lu_;
  std::vector<Eigen::Index> piv_;
};

}  // namespace massagesim
