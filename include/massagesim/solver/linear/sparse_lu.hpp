#pragma once
/// \file sparse_lu.hpp
/// \brief Sparse LU of W = c·I − J (Eigen SparseLU) on a fixed pattern analysed once.
///
/// The pattern is that of a band (kl, ku) plus the diagonal: the Jacobian arrives as a
/// `BandMatrix` (from colouring, AD or a user Jacobian). Only the values change between
/// factorisations, so `analyzePattern` runs once, in `resize()`.
/// \note Eigen's SparseLU allocates inside `factorize()` and `solve()` (its supernodal work
///       arrays), so unlike the dense and banded solvers this path allocates on every step.

#include <vector>

#include <Eigen/Core>
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

#include "massagesim/solver/linear/band_matrix.hpp"

namespace massagesim {

class SparseLUSolver {
 public:
  SparseLUSolver() = default;
  SparseLUSolver(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) { resize(n, kl, ku); }

  /// Builds the band pattern and analyses it (column ordering) once.
  void resize(Eigen::Index n, Eigen::Index kl, Eigen::Index ku) {
    n_ = n;
    pattern_.resize(n, kl, ku);
    std::vector<Eigen::Triplet<double>> trip;
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = pattern_.row_begin(j); i < pattern_.row_end(j); ++i) trip.emplace_back(i, j, 1.0);
    w_.resize(n, n);
    w_.setFromTriplets(trip.begin(), trip.end());
    w_.makeCompressed();
    lu_.analyzePattern(w_);
    tmp_.resize(n);
  }
  Eigen::Index rows() const { return n_; }

  /// Factors W = c·I − J (J in the same band shape). Returns false if W is singular.
  bool factor_shifted(const BandMatrix& jac, double c) {
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::SparseMatrix<double>::InnerIterator it(w_, j); it; ++it) {
        const Eigen::Index i = it.row();
        it.valueRef() = (i == j ? c : 0.0) - jac(i, j);
      }
    lu_.factorize(w_);
    return lu_.info() == Eigen::Success;
  }
  /// b ← W⁻¹ b.
  template <class V>
  void solve_in_place(V& b) const {
    tmp_ = lu_.solve(b);
    b = tmp_;
  }

 private:
  Eigen::Index n_ = 0;
  BandMatrix pattern_;
  Eigen::SparseMatrix<double> w_;
  mutable Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu_;
  mutable Eigen::VectorXd tmp_;
};

}  // namespace massagesim
