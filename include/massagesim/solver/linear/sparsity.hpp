#pragma once
/// \file sparsity.hpp
/// \brief A Jacobian's sparsity pattern (compressed columns) and a greedy distance-1 column
///        colouring of it: columns that share no row get one colour, so one directional derivative
///        (AD direction or finite difference) per colour recovers every entry of those columns.
///
/// A pattern is "measured" when it is the union of the nonzeros of exact Jacobians at many states
/// (`SparsityPattern::add_nonzeros`): an entry that is zero at every sampled state (a closed valve,
/// a product with a state that stayed 0) is missing, and a colouring on a pattern that misses an
/// entry mixes two columns in that row. Sample widely, keep the diagonal, and check the coloured
/// Jacobian against a dense one (tests/cpp/solver/test_sparsity_colouring.cpp).

#include <algorithm>
#include <numeric>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"

namespace massagesim {

/// Structural nonzeros of an n x n matrix, column by column (rows sorted in each column).
class SparsityPattern {
 public:
  SparsityPattern() = default;
  explicit SparsityPattern(Eigen::Index n) : n_(n), mask_(static_cast<std::size_t>(n * n), 0) {
    MASSAGESIM_CHECK(n >= 0, "SparsityPattern: expected n >= 0, got ", n);
  }

  Eigen::Index n() const { return n_; }

  /// Marks (i, j) as structurally nonzero.
  void add(Eigen::Index i, Eigen::Index j) {
    MASSAGESIM_CHECK(i >= 0 && i < n_ && j >= 0 && j < n_, "SparsityPattern::add: expected 0 <= i, j < ", n_, ", got (",
                     i, ", ", j, ")");
    mask_[static_cast<std::size_t>(j * n_ + i)] = 1;
    compressed_ = false;
  }
  void add_diagonal() {
    for (Eigen::Index i = 0; i < n_; ++i) add(i, i);
  }
  /// Marks every entry of `jac` that is not exactly 0 (NaN counts as nonzero).
  template <class Derived>
  void add_nonzeros(const Eigen::MatrixBase<Derived>& jac) {
    MASSAGESIM_CHECK(jac.rows() == n_ && jac.cols() == n_, "SparsityPattern::add_nonzeros: expected ", n_, " x ", n_,
                     ", got ", jac.rows(), " x ", jac.cols());
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = 0; i < n_; ++i)
        if (!(jac(i, j) == 0.0)) mask_[static_cast<std::size_t>(j * n_ + i)] = 1;
    compressed_ = false;
  }

  bool contains(Eigen::Index i, Eigen::Index j) const { return mask_[static_cast<std::size_t>(j * n_ + i)] != 0; }

  /// Compressed columns: rows of column j are row_idx()[col_ptr()[j] .. col_ptr()[j + 1]).
  const std::vector<Eigen::Index>& col_ptr() const {
    compress();
    return col_ptr_;
  }
  const std::vector<Eigen::Index>& row_idx() const {
    compress();
    return row_idx_;
  }
  Eigen::Index nnz() const { return static_cast<Eigen::Index>(row_idx().size()); }
  /// Largest number of nonzeros in one row: no colouring needs fewer colours.
  Eigen::Index max_row_count() const {
    Eigen::Index best = 0;
    for (Eigen::Index i = 0; i < n_; ++i) {
      Eigen::Index c = 0;
      for (Eigen::Index j = 0; j < n_; ++j) c += contains(i, j) ? 1 : 0;
      best = std::max(best, c);
    }
    return best;
  }
  /// Smallest kl, ku with every entry inside the band.
  Eigen::Index lower_bandwidth() const {
    Eigen::Index b = 0;
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = j; i < n_; ++i)
        if (contains(i, j)) b = std::max(b, i - j);
    return b;
  }
  Eigen::Index upper_bandwidth() const {
    Eigen::Index b = 0;
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = 0; i <= j; ++i)
        if (contains(i, j)) b = std::max(b, j - i);
    return b;
  }

 private:
  void compress() const {
    if (compressed_) return;
    col_ptr_.assign(static_cast<std::size_t>(n_ + 1), 0);
    row_idx_.clear();
    for (Eigen::Index j = 0; j < n_; ++j) {
      for (Eigen::Index i = 0; i < n_; ++i)
        if (contains(i, j)) row_idx_.push_back(i);
      col_ptr_[static_cast<std::size_t>(j + 1)] = static_cast<Eigen::Index>(row_idx_.size());
    }
    compressed_ = true;
  }

  Eigen::Index n_ = 0;
  std::vector<char> mask_;  // column-major n x n
  mutable bool compressed_ = false;
  mutable std::vector<Eigen::Index> col_ptr_, row_idx_;
};

/// Colours of the columns: colour[j] in [0, n_colours); columns of one colour share no row.
struct ColumnColouring {
  int n_colours = 0;
  std::vector<int> colour;
  /// Columns of each colour, in increasing order.
  std::vector<std::vector<Eigen::Index>> columns;
};

/// Greedy distance-1 colouring of the column intersection graph, columns taken in decreasing order
/// of their number of neighbours (largest first; ties by index), each given the smallest colour
/// none of its neighbours has. Rows listed in `ignore_rows` (flag per row, may be empty) do not
/// create conflicts: their entries must be recovered some other way (a bordered Jacobian's border
/// rows, which depend on nearly every column).
inline ColumnColouring greedy_column_colouring(const SparsityPattern& p, const std::vector<char>& ignore_rows = {}) {
  const Eigen::Index n = p.n();
  MASSAGESIM_CHECK(ignore_rows.empty() || static_cast<Eigen::Index>(ignore_rows.size()) == n,
                   "greedy_column_colouring: ignore_rows: expected empty or ", n, " flags, got ", ignore_rows.size());
  const auto& cp = p.col_ptr();
  const auto& ri = p.row_idx();
  auto ignored = [&](Eigen::Index i) { return !ignore_rows.empty() && ignore_rows[static_cast<std::size_t>(i)] != 0; };
  // Columns of each row (the rows that count).
  std::vector<std::vector<Eigen::Index>> row_cols(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k)
      if (!ignored(ri[static_cast<std::size_t>(k)]))
        row_cols[static_cast<std::size_t>(ri[static_cast<std::size_t>(k)])].push_back(j);
  // Neighbours of each column.
  std::vector<std::vector<Eigen::Index>> nb(static_cast<std::size_t>(n));
  std::vector<Eigen::Index> stamp(static_cast<std::size_t>(n), -1);
  for (Eigen::Index j = 0; j < n; ++j) {
    stamp[static_cast<std::size_t>(j)] = j;
    for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k) {
      const Eigen::Index i = ri[static_cast<std::size_t>(k)];
      if (ignored(i)) continue;
      for (Eigen::Index c : row_cols[static_cast<std::size_t>(i)])
        if (stamp[static_cast<std::size_t>(c)] != j) {
          stamp[static_cast<std::size_t>(c)] = j;
          nb[static_cast<std::size_t>(j)].push_back(c);
        }
    }
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    return nb[static_cast<std::size_t>(a)].size() > nb[static_cast<std::size_t>(b)].size();
  });
  ColumnColouring out;
  out.colour.assign(static_cast<std::size_t>(n), -1);
  std::vector<Eigen::Index> forbidden(static_cast<std::size_t>(n) + 1, -1);
  for (Eigen::Index j : order) {
    for (Eigen::Index c : nb[static_cast<std::size_t>(j)]) {
      const int col = out.colour[static_cast<std::size_t>(c)];
      if (col >= 0) forbidden[static_cast<std::size_t>(col)] = j;
    }
    int col = 0;
    while (forbidden[static_cast<std::size_t>(col)] == j) ++col;
    out.colour[static_cast<std::size_t>(j)] = col;
    out.n_colours = std::max(out.n_colours, col + 1);
  }
  out.columns.assign(static_cast<std::size_t>(out.n_colours), {});
  for (Eigen::Index j = 0; j < n; ++j)
    out.columns[static_cast<std::size_t>(out.colour[static_cast<std::size_t>(j)])].push_back(j);
  return out;
}

}  // namespace massagesim
