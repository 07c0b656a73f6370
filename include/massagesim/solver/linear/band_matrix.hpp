#pragma once
/// \file band_matrix.hpp
/// \brief A square band matrix in compact column storage (kl sub-, ku super-diagonals).

#include <algorithm>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"

namespace massagesim {

/// Square n x n band matrix with `kl` sub-diagonals and `ku` super-diagonals.
///
/// Entry (i, j) with −ku <= i − j <= kl is stored at `data(ku + i − j, j)` (LAPACK's "AB" layout
/// without the fill-in rows). Storage is sized once by `resize()`; element access never allocates.
class BandMatrix {
 public:
  BandMatrix() = default;
  BandMatrix(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) { resize(n, kl, ku); }

  /// Sizes the storage and sets every entry to zero.
  void resize(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) {
    MASSAGESIM_CHECK(n >= 0 && kl >= 0 && ku >= 0, "BandMatrix: expected n, kl, ku >= 0, got n = ", n, ", kl = ", kl,
                     ", ku = ", ku);
    n_ = n;
    kl_ = std::min(kl, std::max<Eigen::Index>(n - 1, 0));
    ku_ = std::min(ku, std::max<Eigen::Index>(n - 1, 0));
    data_.setZero(kl_ + ku_ + 1, n_);
  }
  Eigen::Index rows() const { return n_; }
  Eigen::Index cols() const { return n_; }
  Eigen::Index kl() const { return kl_; }
  Eigen::Index ku() const { return ku_; }
  /// First and one-past-last row of column j inside the band.
  Eigen::Index row_begin(Eigen::Index j) const { return std::max<Eigen::Index>(0, j - ku_); }
  Eigen::Index row_end(Eigen::Index j) const { return std::min(n_, j + kl_ + 1); }
  bool in_band(Eigen::Index i, Eigen::Index j) const { return i - j <= kl_ && j - i <= ku_; }

  double& operator()(Eigen::Index i, Eigen::Index j) { return data_(ku_ + i - j, j); }
  double operator()(Eigen::Index i, Eigen::Index j) const { return data_(ku_ + i - j, j); }

  void setZero() { data_.setZero(); }
  const Eigen::MatrixXd& storage() const { return data_; }

  /// Copies the band of a dense matrix (entries outside the band are ignored).
  template <class Derived>
  void assign_band_of(const Eigen::MatrixBase<Derived>& a) {
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = row_begin(j); i < row_end(j); ++i) (*this)(i, j) = a(i, j);
  }
  /// Dense copy (allocates; for tests and diagnostics).
  Eigen::MatrixXd to_dense() const {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n_, n_);
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = row_begin(j); i < row_end(j); ++i) a(i, j) = (*this)(i, j);
    return a;
  }

 private:
  Eigen::Index n_ = 0, kl_ = 0, ku_ = 0;
  Eigen::MatrixXd data_;
};

}  // namespace massagesim
