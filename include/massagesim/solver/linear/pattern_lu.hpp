#pragma once
/// \file pattern_lu.hpp
/// \brief Sparse LU of W = c·I − J on the exact sparsity pattern of J, with the symbolic work done once:
///        a fill-reducing symmetric ordering and the fill pattern of L and U in `analyze()`, then
///        numeric refactorisations and solves that allocate nothing.
///
/// The matrices of an implicit stepper share one pattern (J's, plus the diagonal) and differ in their
/// values, and W = c·I − J is diagonally dominant for the short steps that stiffness forces: so the
/// pivots are static, the diagonal of P W Pᵀ, with P the approximate minimum degree ordering of the
/// pattern of W + Wᵀ (Eigen's AMD; the ordering KLU applies to each block by default). With the pivot
/// order fixed, the fill pattern is that of elimination without pivoting (computed once, row by row),
/// and a refactorisation is a row-oriented (up-looking, "IKJ") elimination on that fixed pattern: cost
/// the flops of the sparse factors, not n³/3. A pivot that is tiny relative to its row of U
/// (|u_ii| < `pivot_tolerance`·max_j |u_ij|, or not finite) would make the static order unstable:
/// that matrix is then factored by a dense LU with partial pivoting (sized once in `analyze()`, no
/// allocation), counted by `n_pivot_fallbacks()`; a matrix singular there is reported singular.
///
/// The flow is the one of KLU (Davis & Palamadai Natarajan 2010) without its block triangular form:
/// analyse once, factor, refactor on the same pattern while the pivots hold.
/// \see T. A. Davis, E. Palamadai Natarajan, Algorithm 907: KLU, a direct sparse solver for circuit
///      simulation problems, ACM Trans. Math. Softw. 37(3), 36 (2010), doi:10.1145/1824801.1824814.
/// \see P. R. Amestoy, T. A. Davis, I. S. Duff, An approximate minimum degree ordering algorithm,
///      SIAM J. Matrix Anal. Appl. 17(4), 886–905 (1996), doi:10.1137/S0895479894278952.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Core>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/linear/dense_lu.hpp"
#include "massagesim/solver/linear/sparsity.hpp"

namespace massagesim {

/// LU of an n x n matrix with a fixed sparsity pattern: `analyze()` once per pattern (allocates), then
/// `factor_shifted()` / `factor()` and `solve_in_place()` any number of times without allocating.
class PatternLU {
 public:
  /// Relative size below which a static pivot is rejected (KLU's default partial-pivoting tolerance).
  static constexpr double default_pivot_tolerance = 1e-3;

  PatternLU() = default;
  explicit PatternLU(const SparsityPattern& pattern) { analyze(pattern); }

  /// Symbolic analysis of `pattern` (entries of J; the diagonal is always added): the ordering, the fill
  /// of L and U, the positions of the pattern's entries in the factors, and the dense fallback's storage.
  /// Allocates; call it again (outside the stepping loop) when the pattern changes.
  void analyze(const SparsityPattern& pattern) {
    const Eigen::Index n = pattern.n();
    MASSAGESIM_CHECK(n >= 0, "PatternLU::analyze: expected n >= 0, got ", n);
    n_ = n;
    const auto nz = static_cast<std::size_t>(n);
    const auto& cp = pattern.col_ptr();
    const auto& ri = pattern.row_idx();

    // Ordering: approximate minimum degree of the pattern of A + Aᵀ (+ I).
    perm_.assign(nz, 0);
    if (n > 0) {
      std::vector<Eigen::Triplet<double, int>> trip;
      trip.reserve(ri.size() + nz);
      for (Eigen::Index j = 0; j < n; ++j) {
        trip.emplace_back(static_cast<int>(j), static_cast<int>(j), 1.0);
        for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k)
          trip.emplace_back(static_cast<int>(ri[static_cast<std::size_t>(k)]), static_cast<int>(j), 1.0);
      }
      Eigen::SparseMatrix<double, Eigen::ColMajor, int> a(static_cast<int>(n), static_cast<int>(n));
      a.setFromTriplets(trip.begin(), trip.end());
      Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> p;
      Eigen::AMDOrdering<int> amd;
      amd(a, p);
      // Eigen's orderings return P⁻¹: p.indices()[k] is the original index eliminated k-th.
      for (Eigen::Index k = 0; k < n; ++k) perm_[static_cast<std::size_t>(k)] = p.indices()[k];
    }
    iperm_.assign(nz, 0);
    for (Eigen::Index k = 0; k < n; ++k) iperm_[static_cast<std::size_t>(perm_[static_cast<std::size_t>(k)])] = k;

    // Rows of the permuted matrix (A's pattern plus the diagonal), as flags.
    std::vector<std::vector<Eigen::Index>> rows(nz);
    for (Eigen::Index j = 0; j < n; ++j) {
      rows[static_cast<std::size_t>(iperm_[static_cast<std::size_t>(j)])].push_back(
          iperm_[static_cast<std::size_t>(j)]);
      for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k) {
        const Eigen::Index i = ri[static_cast<std::size_t>(k)];
        rows[static_cast<std::size_t>(iperm_[static_cast<std::size_t>(i)])].push_back(
            iperm_[static_cast<std::size_t>(j)]);
      }
    }
    // Symbolic elimination without pivoting, row by row: row i gains U(k, :) for every k < i in its
    // L part, fill included (k increasing, so the fill a row gains from k is processed after k).
    row_ptr_.assign(nz + 1, 0);
    col_idx_.clear();
    diag_ptr_.assign(nz, 0);
    std::vector<char> mark(nz, 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index c : rows[static_cast<std::size_t>(i)]) mark[static_cast<std::size_t>(c)] = 1;
      for (Eigen::Index k = 0; k < i; ++k) {
        if (!mark[static_cast<std::size_t>(k)]) continue;
        for (Eigen::Index q = diag_ptr_[static_cast<std::size_t>(k)] + 1; q < row_ptr_[static_cast<std::size_t>(k + 1)];
             ++q)
          mark[static_cast<std::size_t>(col_idx_[static_cast<std::size_t>(q)])] = 1;
      }
      for (Eigen::Index c = 0; c < n; ++c) {
        if (!mark[static_cast<std::size_t>(c)]) continue;
        if (c == i) diag_ptr_[static_cast<std::size_t>(i)] = static_cast<Eigen::Index>(col_idx_.size());
        col_idx_.push_back(c);
        mark[static_cast<std::size_t>(c)] = 0;
      }
      row_ptr_[static_cast<std::size_t>(i + 1)] = static_cast<Eigen::Index>(col_idx_.size());
    }
    val_.assign(col_idx_.size(), 0.0);
    orig_.assign(col_idx_.size(), 0.0);

    // Where each entry of the original pattern (column by column), and each diagonal entry, lands.
    pos_.assign(nz, -1);
    entry_row_.clear();
    entry_col_.clear();
    entry_slot_.clear();
    diag_slot_.assign(nz, 0);
    for (Eigen::Index j = 0; j < n; ++j) {
      const Eigen::Index pj = iperm_[static_cast<std::size_t>(j)];
      diag_slot_[static_cast<std::size_t>(j)] = diag_ptr_[static_cast<std::size_t>(pj)];
      for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k) {
        const Eigen::Index i = ri[static_cast<std::size_t>(k)];
        entry_row_.push_back(i);
        entry_col_.push_back(j);
        entry_slot_.push_back(slot(iperm_[static_cast<std::size_t>(i)], pj));
      }
    }
    work_.setZero(n);
    dense_a_.setZero(n, n);
    dense_ = DenseLU<Eigen::Dynamic>(n);
    use_dense_ = false;
  }

  Eigen::Index rows() const { return n_; }
  /// Stored entries of L and U together (the diagonal once): the pattern's plus the fill.
  Eigen::Index nnz_factors() const { return static_cast<Eigen::Index>(col_idx_.size()); }
  /// Entries of the analysed pattern (without the added diagonal).
  Eigen::Index nnz_pattern() const { return static_cast<Eigen::Index>(entry_slot_.size()); }
  /// Factorisations that rejected a static pivot and used the dense LU with partial pivoting instead.
  std::int64_t n_pivot_fallbacks() const { return n_fallbacks_; }
  /// Pivots smaller than this times the largest entry of their row of U fall back to partial pivoting.
  void set_pivot_tolerance(double tol) {
    MASSAGESIM_CHECK(tol >= 0.0 && tol < 1.0, "PatternLU::set_pivot_tolerance: expected in [0, 1), got ", tol);
    pivot_tol_ = tol;
  }

  /// Factors W = c·I − J, reading J(i, j) only at the analysed pattern's entries (any matrix type with
  /// `operator()(i, j)`: dense, bordered). Returns false when W is (numerically) singular.
  template <class Matrix>
  bool factor_shifted(const Matrix& jac, double c) {
    std::fill(val_.begin(), val_.end(), 0.0);
    for (std::size_t e = 0; e < entry_slot_.size(); ++e)
      val_[static_cast<std::size_t>(entry_slot_[e])] = -jac(entry_row_[e], entry_col_[e]);
    for (Eigen::Index i = 0; i < n_; ++i) val_[static_cast<std::size_t>(diag_slot_[static_cast<std::size_t>(i)])] += c;
    return factor_stored();
  }
  /// Factors A, reading A(i, j) only at the analysed pattern's entries and the diagonal.
  /// Returns false when A is (numerically) singular.
  template <class Matrix>
  bool factor(const Matrix& a) {
    std::fill(val_.begin(), val_.end(), 0.0);
    for (std::size_t e = 0; e < entry_slot_.size(); ++e)
      val_[static_cast<std::size_t>(entry_slot_[e])] = a(entry_row_[e], entry_col_[e]);
    for (Eigen::Index i = 0; i < n_; ++i)
      val_[static_cast<std::size_t>(diag_slot_[static_cast<std::size_t>(i)])] = a(i, i);
    return factor_stored();
  }

  /// b ← W⁻¹ b (of the last successful factorisation).
  template <class V>
  void solve_in_place(V& b) const {
    for (Eigen::Index k = 0; k < n_; ++k) work_[k] = b[perm_[static_cast<std::size_t>(k)]];
    if (use_dense_) {
      dense_.solve_in_place(work_);
      for (Eigen::Index k = 0; k < n_; ++k) b[perm_[static_cast<std::size_t>(k)]] = work_[k];
      return;
    }
    for (Eigen::Index i = 0; i < n_; ++i) {  // L y = P b, L unit lower
      double s = work_[i];
      for (Eigen::Index p = row_ptr_[static_cast<std::size_t>(i)]; p < diag_ptr_[static_cast<std::size_t>(i)]; ++p)
        s -= val_[static_cast<std::size_t>(p)] * work_[col_idx_[static_cast<std::size_t>(p)]];
      work_[i] = s;
    }
    for (Eigen::Index i = n_ - 1; i >= 0; --i) {  // U z = y
      double s = work_[i];
      const Eigen::Index d = diag_ptr_[static_cast<std::size_t>(i)];
      for (Eigen::Index p = d + 1; p < row_ptr_[static_cast<std::size_t>(i + 1)]; ++p)
        s -= val_[static_cast<std::size_t>(p)] * work_[col_idx_[static_cast<std::size_t>(p)]];
      work_[i] = s / val_[static_cast<std::size_t>(d)];
    }
    for (Eigen::Index k = 0; k < n_; ++k) b[perm_[static_cast<std::size_t>(k)]] = work_[k];
  }

 private:
  /// Position of (i, j) (permuted indices) in the factors; it must be there.
  Eigen::Index slot(Eigen::Index i, Eigen::Index j) const {
    const auto b = col_idx_.begin() + row_ptr_[static_cast<std::size_t>(i)];
    const auto e = col_idx_.begin() + row_ptr_[static_cast<std::size_t>(i + 1)];
    return static_cast<Eigen::Index>(std::lower_bound(b, e, j) - col_idx_.begin());
  }

  /// Up-looking elimination of the stored values on the fixed pattern; falls back to the dense LU
  /// on a rejected pivot.
  bool factor_stored() {
    use_dense_ = false;
    std::copy(val_.begin(), val_.end(), orig_.begin());
    for (Eigen::Index i = 0; i < n_; ++i) {
      const Eigen::Index r0 = row_ptr_[static_cast<std::size_t>(i)], r1 = row_ptr_[static_cast<std::size_t>(i + 1)];
      const Eigen::Index d = diag_ptr_[static_cast<std::size_t>(i)];
      for (Eigen::Index p = r0; p < r1; ++p) pos_[static_cast<std::size_t>(col_idx_[static_cast<std::size_t>(p)])] = p;
      for (Eigen::Index p = r0; p < d; ++p) {
        const Eigen::Index k = col_idx_[static_cast<std::size_t>(p)];
        const Eigen::Index dk = diag_ptr_[static_cast<std::size_t>(k)];
        const double l = val_[static_cast<std::size_t>(p)] / val_[static_cast<std::size_t>(dk)];
        val_[static_cast<std::size_t>(p)] = l;
        if (l == 0.0) continue;
        for (Eigen::Index q = dk + 1; q < row_ptr_[static_cast<std::size_t>(k + 1)]; ++q)
          val_[static_cast<std::size_t>(pos_[static_cast<std::size_t>(col_idx_[static_cast<std::size_t>(q)])])] -=
              l * val_[static_cast<std::size_t>(q)];
      }
      double row_max = 0.0;
      for (Eigen::Index p = d; p < r1; ++p) row_max = std::max(row_max, std::abs(val_[static_cast<std::size_t>(p)]));
      const double piv = std::abs(val_[static_cast<std::size_t>(d)]);
      if (!(std::isfinite(row_max) && piv > 0.0 && piv >= pivot_tol_ * row_max)) return factor_dense();
    }
    return true;
  }

  /// The permuted matrix of the values before elimination (`orig_`), factored by the dense LU with
  /// partial pivoting.
  bool factor_dense() {
    ++n_fallbacks_;
    use_dense_ = true;
    dense_a_.setZero();
    for (Eigen::Index i = 0; i < n_; ++i)
      for (Eigen::Index p = row_ptr_[static_cast<std::size_t>(i)]; p < row_ptr_[static_cast<std::size_t>(i + 1)]; ++p)
        dense_a_(i, col_idx_[static_cast<std::size_t>(p)]) = orig_[static_cast<std::size_t>(p)];
    return dense_.factor(dense_a_);
  }

  Eigen::Index n_ = 0;
  std::vector<Eigen::Index> perm_, iperm_;  // perm_[k]: original index at position k; iperm_ its inverse
  std::vector<Eigen::Index> row_ptr_, col_idx_, diag_ptr_;
  std::vector<double> val_, orig_;  // the factors; the permuted matrix before elimination (for the fallback)
  std::vector<Eigen::Index> entry_row_, entry_col_, entry_slot_, diag_slot_;
  std::vector<Eigen::Index> pos_;  // position in the current row of each column (factor_stored)
  mutable Eigen::VectorXd work_;
  Eigen::MatrixXd dense_a_;
  DenseLU<Eigen::Dynamic> dense_;
  bool use_dense_ = false;
  double pivot_tol_ = default_pivot_tolerance;
  std::int64_t n_fallbacks_ = 0;
};

}  // namespace massagesim
