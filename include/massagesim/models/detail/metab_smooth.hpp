#pragma once
/// \file metab_smooth.hpp
/// \brief Smooth (C-infinity) replacements for max/min/clamp used by the metabolism and tone modules.
///
/// Every function is templated on the scalar so that the same code serves `double` and
/// `Eigen::AutoDiffScalar`. The value-dependent branch in `softplus` only picks between two
/// algebraically identical expressions (for overflow safety); the function itself is smooth.

#include <cmath>
#include <type_traits>

#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::models::metab_detail {

/// Plain value of a scalar (double or an AutoDiffScalar), for overflow-safe branching only.
inline double value_of(double x) { return x; }
template <class S>
double value_of(const S& x) { return static_cast<double>(x.value()); }

/// Converts between scalar types; AD -> double keeps the value (drops the derivatives).
template <class T, class S>
T scalar_cast(const S& a) {
  if constexpr (std::is_same_v<T, double> && !std::is_arithmetic_v<S>) return value_of(a);
  else return T(a);
}

/// softplus_k(x) = log(1 + exp(k x)) / k: a smooth max(x, 0) with corner width ~1/k.
template <class S>
S softplus(const S& x, double k = 1.0) {
  using std::exp;
  using std::log;
  const S kx = S(k) * x;
  if constexpr (symbolic::SymbolicScalar<S>) {  // record both (equal) forms
    return select(kx > S(30.0), S(x + log(S(1.0) + exp(-kx)) / S(k)), S(log(S(1.0) + exp(kx)) / S(k)));
  } else {
    if (value_of(kx) > 30.0) return x + log(S(1.0) + exp(-kx)) / S(k);
    return log(S(1.0) + exp(kx)) / S(k);
  }
}

/// Smooth min(a, b) = (a + b - sqrt((a - b)^2 + eps^2)) / 2; always <= min(a, b).
template <class S>
S smooth_min(const S& a, const S& b, double eps) {
  using std::sqrt;
  const S d = a - b;
  return S(0.5) * (a + b - sqrt(d * d + S(eps * eps)));
}

/// Smooth positive part (x + sqrt(x^2 + eps^2)) / 2; > 0 for every x, ~x for x >> eps.
template <class S>
S smooth_pos(const S& x, double eps) {
  using std::sqrt;
  return S(0.5) * (x + sqrt(x * x + S(eps * eps)));
}

/// Hill function x^n / (x^n + h^n) for x >= 0 (x is passed through smooth_pos first).
template <class S>
S hill(const S& x, const S& half, double n) {
  using std::pow;
  const S xp = smooth_pos(x, 1e-9);
  const S xn = pow(xp, n);
  return xn / (xn + pow(half, n));
}

}  // namespace massagesim::models::metab_detail
