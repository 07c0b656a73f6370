#pragma once
/// \file bordered_matrix.hpp
/// \brief A square "arrowhead" matrix: a band block plus a dense border of m last rows and columns.
///
///     A = [ B  E ]   B: n_b x n_b band (kl sub-, ku super-diagonals)
///         [ F  D ]   E: n_b x m, F: m x n_b, D: m x m, all dense
///
/// The shape of a chain of compartments (segments) coupled to a few shared, limb-level states
/// (a pool, a reflex): each shared state reads every segment and every segment reads it.

#include <algorithm>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"

namespace massagesim {

/// Square (n_b + m) x (n_b + m) bordered band matrix; storage sized once by `resize()`.
class BorderedMatrix {
 public:
  BorderedMatrix() = default;
  BorderedMatrix(Eigen::Index n_band, Eigen::Index kl, Eigen::Index ku, Eigen::Index m) { resize(n_band, kl, ku, m); }

  /// Sizes the storage and sets every entry to zero.
  void resize(Eigen::Index n_band, Eigen::Index kl, Eigen::Index ku, Eigen::Index m) {
    MASSAGESIM_CHECK(n_band >= 0 && m >= 0, "BorderedMatrix: expected n_band, m >= 0, got n_band = ", n_band,
                     ", m = ", m);
    band_.resize(n_band, kl, ku);
    right_.setZero(n_band, m);
    bottom_.setZero(m, n_band);
    corner_.setZero(m, m);
  }
  Eigen::Index rows() const { return band_.rows() + corner_.rows(); }
  Eigen::Index cols() const { return rows(); }
  Eigen::Index n_band() const { return band_.rows(); }
  Eigen::Index n_border() const { return corner_.rows(); }
  Eigen::Index kl() const { return band_.kl(); }
  Eigen::Index ku() const { return band_.ku(); }

  /// True when (i, j) is a stored position (inside the band of B, or in the border).
  bool stored(Eigen::Index i, Eigen::Index j) const {
    const Eigen::Index nb = n_band();
    return i >= nb || j >= nb || band_.in_band(i, j);
  }
  /// Entry (i, j) in global indices; (i, j) must be stored.
  double& operator()(Eigen::Index i, Eigen::Index j) {
    const Eigen::Index nb = n_band();
    if (i < nb && j < nb) return band_(i, j);
    if (i < nb) return right_(i, j - nb);
    if (j < nb) return bottom_(i - nb, j);
    return corner_(i - nb, j - nb);
  }
  double operator()(Eigen::Index i, Eigen::Index j) const { return const_cast<BorderedMatrix&>(*this)(i, j); }

  BandMatrix& band() { return band_; }
  const BandMatrix& band() const { return band_; }
  Eigen::MatrixXd& right() { return right_; }
  const Eigen::MatrixXd& right() const { return right_; }
  Eigen::MatrixXd& bottom() { return bottom_; }
  const Eigen::MatrixXd& bottom() const { return bottom_; }
  Eigen::MatrixXd& corner() { return corner_; }
  const Eigen::MatrixXd& corner() const { return corner_; }

  void setZero() {
    band_.setZero();
    right_.setZero();
    bottom_.setZero();
    corner_.setZero();
  }
  /// Copies the stored positions of a dense matrix (entries of B outside its band are ignored).
  template <class Derived>
  void assign_from(const Eigen::MatrixBase<Derived>& a) {
    const Eigen::Index nb = n_band(), m = n_border();
    MASSAGESIM_CHECK(a.rows() == nb + m && a.cols() == nb + m, "BorderedMatrix::assign_from: expected a ", nb + m,
                     " x ", nb + m, " matrix, got ", a.rows(), " x ", a.cols());
    band_.assign_band_of(a.topLeftCorner(nb, nb));
    right_ = a.topRightCorner(nb, m);
    bottom_ = a.bottomLeftCorner(m, nb);
    corner_ = a.bottomRightCorner(m, m);
  }
  /// Dense copy (allocates; for tests and diagnostics).
  Eigen::MatrixXd to_dense() const {
    const Eigen::Index nb = n_band(), m = n_border();
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(nb + m, nb + m);
    a.topLeftCorner(nb, nb) = band_.to_dense();
    a.topRightCorner(nb, m) = right_;
    a.bottomLeftCorner(m, nb) = bottom_;
    a.bottomRightCorner(m, m) = corner_;
    return a;
  }

 private:
  BandMatrix band_;
  Eigen::MatrixXd right_, bottom_, corner_;
};

}  // namespace massagesim
