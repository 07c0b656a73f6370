#pragma once
/// \file bordered_lu.hpp
/// \brief LU of a bordered band ("arrowhead") matrix by block elimination: a band LU of the block B,
///        then a dense LU of the m x m Schur complement S = D − F B⁻¹ E.
///
///     [ B  E ] [x1]   [b1]     y1 = B⁻¹ b1,  Z = B⁻¹ E (factored once),
///     [ F  D ] [x2] = [b2]  →  x2 = S⁻¹ (b2 − F y1),  x1 = y1 − Z x2.
///
/// Cost per factorisation: one band LU, m band solves and O(m² n_b + m³); per solve: one band solve
/// and O(m n_b + m²). Pivoting happens inside B (partial, within its band) and inside S, not across
/// the border, so B itself must be nonsingular; for W = I/(γh) − J with a stiff, dissipative block
/// that holds for every step the controller takes. Nothing is allocated after `resize()`.
/// \see Golub GH, Van Loan CF (2013) Matrix Computations, 4th ed., Sec. 3.2.10 (block LU; the Schur
///      complement), Johns Hopkins University Press.

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/linear/banded_lu.hpp"
#include "massagesim/solver/linear/bordered_matrix.hpp"
#include "massagesim/solver/linear/dense_lu.hpp"

namespace massagesim {

class BorderedLU {
 public:
  BorderedLU() = default;
  BorderedLU(Eigen::Index n_band, Eigen::Index kl, Eigen::Index ku, Eigen::Index m) { resize(n_band, kl, ku, m); }

  void resize(Eigen::Index n_band, Eigen::Index kl, Eigen::Index ku, Eigen::Index m) {
    MASSAGESIM_CHECK(n_band >= 0 && m >= 0, "BorderedLU: expected n_band, m >= 0, got n_band = ", n_band, ", m = ", m);
    nb_ = n_band;
    m_ = m;
    a_.resize(n_band, kl, ku, m);
    blu_.resize(n_band, a_.kl(), a_.ku());
    z_.setZero(n_band, m);
    s_.setZero(m, m);
    slu_ = DenseLU<Eigen::Dynamic>(m);
    t_m_.setZero(m);
  }
  Eigen::Index rows() const { return nb_ + m_; }

  /// Factors W = c·I − J for a bordered J of the same shape. Returns false if B or S is singular.
  bool factor_shifted(const BorderedMatrix& jac, double c) {
    check_shape(jac);
    const BandMatrix& jb = jac.band();
    BandMatrix& ab = a_.band();
    for (Eigen::Index j = 0; j < nb_; ++j)
      for (Eigen::Index i = jb.row_begin(j); i < jb.row_end(j); ++i) ab(i, j) = (i == j ? c : 0.0) - jb(i, j);
    a_.right() = -jac.right();
    a_.bottom() = -jac.bottom();
    a_.corner() = -jac.corner();
    a_.corner().diagonal().array() += c;
    return factor_stored();
  }
  /// Factors a bordered matrix A of the same shape. Returns false if B or S is singular.
  bool factor(const BorderedMatrix& a) {
    check_shape(a);
    a_.band() = a.band();
    a_.right() = a.right();
    a_.bottom() = a.bottom();
    a_.corner() = a.corner();
    return factor_stored();
  }

  /// b ← A⁻¹ b (b has n_band + m entries).
  template <class V>
  void solve_in_place(V& b) const {
    auto b1 = b.head(nb_);
    blu_.solve_in_place(b1);  // y1 = B⁻¹ b1
    if (m_ == 0) return;
    const Eigen::MatrixXd& f = a_.bottom();
    for (Eigen::Index r = 0; r < m_; ++r) {
      double acc = b[nb_ + r];
      for (Eigen::Index k = 0; k < nb_; ++k) acc -= f(r, k) * b1[k];
      t_m_[r] = acc;
    }
    slu_.solve_in_place(t_m_);  // x2
    for (Eigen::Index r = 0; r < m_; ++r) b[nb_ + r] = t_m_[r];
    for (Eigen::Index k = 0; k < nb_; ++k) {
      double acc = 0.0;
      for (Eigen::Index r = 0; r < m_; ++r) acc += z_(k, r) * t_m_[r];
      b1[k] -= acc;
    }
  }

 private:
  void check_shape(const BorderedMatrix& a) const {
    MASSAGESIM_CHECK(a.n_band() == nb_ && a.n_border() == m_ && a.kl() == a_.kl() && a.ku() == a_.ku(),
                     "BorderedLU: expected a bordered matrix with n_band = ", nb_, ", kl = ", a_.kl(),
                     ", ku = ", a_.ku(), ", m = ", m_, ", got n_band = ", a.n_band(), ", kl = ", a.kl(),
                     ", ku = ", a.ku(), ", m = ", a.n_border());
  }
  bool factor_stored() {
    if (!blu_.factor(a_.band())) return false;
    if (m_ == 0) return true;
    for (Eigen::Index r = 0; r < m_; ++r) {
      auto zc = z_.col(r);
      zc = a_.right().col(r);
      blu_.solve_in_place(zc);
    }
    const Eigen::MatrixXd& f = a_.bottom();
    for (Eigen::Index j = 0; j < m_; ++j)
      for (Eigen::Index i = 0; i < m_; ++i) {
        double acc = a_.corner()(i, j);
        for (Eigen::Index k = 0; k < nb_; ++k) acc -= f(i, k) * z_(k, j);
        s_(i, j) = acc;
      }
    return slu_.factor(s_);
  }

  Eigen::Index nb_ = 0, m_ = 0;
  BorderedMatrix a_;
  BandedLU blu_;
  Eigen::MatrixXd z_, s_;
  DenseLU<Eigen::Dynamic> slu_{0};
  mutable Eigen::VectorXd t_m_;
};

}  // namespace massagesim
