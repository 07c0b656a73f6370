#pragma once
/// \file jacobian_check.hpp
/// \brief AD Jacobian (Eigen::AutoDiffScalar) vs central finite differences for a templated RHS.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <unsupported/Eigen/AutoDiff>
#include <vector>

namespace metab_test {

using AD = Eigen::AutoDiffScalar<Eigen::VectorXd>;

/// Fixed-size AD scalar with N directions (the kind solver/jacobian.hpp uses; no empty-derivative pitfalls).
template <int N>
using ADN = Eigen::AutoDiffScalar<Eigen::Matrix<double, N, 1>>;

/// `f` is a generic callable f(const S* x, S* dxdt) instantiable for S = double and S = ADN<N>.
/// Returns the largest |J_ad - J_fd| / max(1, |J_ad|) entry.
template <int N, class F>
double jacobian_mismatch(F&& f, const Eigen::VectorXd& x0, Eigen::MatrixXd* J_out = nullptr) {
  const Eigen::Index n = x0.size();
  std::vector<ADN<N>> xa(n), fa(n);
  for (Eigen::Index i = 0; i < n; ++i) xa[i] = ADN<N>(x0[i], Eigen::Matrix<double, N, 1>::Unit(i));
  f(xa.data(), fa.data());
  Eigen::MatrixXd Jad(n, n);
  for (Eigen::Index i = 0; i < n; ++i) Jad.row(i) = fa[i].derivatives().transpose();
  Eigen::MatrixXd Jfd(n, n);
  std::vector<double> xp(x0.data(), x0.data() + n), fp(n), fm(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-6 * std::max(1.0, std::abs(x0[j]));
    std::vector<double> a = xp, b = xp;
    a[j] += h;
    b[j] -= h;
    f(a.data(), fp.data());
    f(b.data(), fm.data());
    for (Eigen::Index i = 0; i < n; ++i) Jfd(i, j) = (fp[i] - fm[i]) / (2 * h);
  }
  double worst = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      worst = std::max(worst, std::abs(Jad(i, j) - Jfd(i, j)) / std::max(1.0, std::abs(Jad(i, j))));
  if (J_out) *J_out = Jad;
  return worst;
}

}  // namespace metab_test
