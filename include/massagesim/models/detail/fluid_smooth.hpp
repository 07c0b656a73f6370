#pragma once
/// \file fluid_smooth.hpp
/// \brief Smooth building blocks of the fluid modules (hemodynamics, interstitium and lymph):
///        logistic, softplus, smooth max, tube law and a regularised one-way valve.
///
/// All functions are templated on the scalar so one code path serves `double` and
/// `Eigen::AutoDiffScalar`; math calls are unqualified (ADL finds Eigen's AD overloads).

#include <cmath>

#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::models::fluid_detail {

inline double value_of(double x) { return x; }
template <class S>
auto value_of(const S& x) -> decltype(x.value()) {
  return x.value();
}

/// Logistic 1 / (1 + exp(-x)), overflow-safe.
template <class S>
S logistic(const S& x) {
  using std::exp;
  if constexpr (symbolic::SymbolicScalar<S>) {  // record both (equal) forms: exp never overflows
    const S e = exp(x);
    return select(x >= S(0.0), S(S(1.0) / S(S(1.0) + S(exp(-x)))), S(e / S(S(1.0) + e)));
  } else {
    if (value_of(x) >= 0.0) return S(S(1.0) / S(S(1.0) + S(exp(-x))));
    const S e = exp(x);
    return S(e / S(S(1.0) + e));
  }
}

/// softplus(x) = log(1 + exp(x)), overflow-safe; a smooth max(x, 0) with corner width 1.
template <class S>
S softplus(const S& x) {
  using std::exp;
  using std::log;
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(x > S(30.0), S(x + S(log(S(S(1.0) + S(exp(-x)))))), S(log(S(S(1.0) + S(exp(x))))));
  } else {
    if (value_of(x) > 30.0) return S(x + S(log(S(S(1.0) + S(exp(-x))))));
    return S(log(S(S(1.0) + S(exp(x)))));
  }
}

/// Smooth max(a, b) = (a + b + sqrt((a - b)^2 + eps^2)) / 2; >= max(a, b), error <= eps / 2.
template <class S>
S smooth_max(const S& a, const S& b, double eps) {
  using std::sqrt;
  const S d = a - b;
  return S(S(0.5) * S(a + b + S(sqrt(S(d * d + S(eps * eps))))));
}

/// Smooth min(a, b) = (a + b - sqrt((a - b)^2 + eps^2)) / 2; <= min(a, b).
template <class S>
S smooth_min(const S& a, const S& b, double eps) {
  using std::sqrt;
  const S d = a - b;
  return S(S(0.5) * S(a + b - S(sqrt(S(d * d + S(eps * eps))))));
}

/// Smooth positive part (x + sqrt(x^2 + eps^2)) / 2 (> 0 for every x).
template <class S>
S smooth_pos(const S& x, double eps) {
  using std::sqrt;
  return S(S(0.5) * S(x + S(sqrt(S(x * x + S(eps * eps))))));
}

/// Collapsible-tube law of Magosso & Ursino (2002, Eq. 1): transmural pressure [mmHg] of a vessel
/// holding volume V with unstressed volume Vu and compliance C:
///   V >= Vu:  (V - Vu) / C                          (distended, linear)
///   V <  Vu:  P0 [1 - (V/Vu)^(-3/2)],  P0 = 2 Vu / (3 C)
/// P0 is chosen so that pressure and slope are continuous at V = Vu (C1; only the curvature jumps),
/// which keeps the Jacobian continuous. As V -> 0 the transmural pressure -> -infinity, so external
/// pressure can never empty the vessel completely. V is floored smoothly at 1e-4 Vu.
template <class S>
S tube_law_mmHg(const S& V, const S& Vu, const S& C) {
  using std::exp;
  using std::log;
  auto collapsed = [&]() -> S {
    const S v = smooth_pos(S(V / Vu), 1e-4);
    const S P0 = S(S(2.0) * Vu / S(S(3.0) * C));
    return S(P0 * S(S(1.0) - S(exp(S(-1.5) * S(log(v))))));
  };
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(V >= Vu, S((V - Vu) / C), collapsed());
  } else {
    if (value_of(V) >= value_of(Vu)) return S((V - Vu) / C);
    return collapsed();
  }
}

/// Regularised one-way valve (sigmoid conductance, the form of Bertram et al. 2011 and of
/// physiology.md §2a option (ii)): Q = G_open * [leak + (1 - leak) * logistic(dP / w)] * dP.
/// Q has the sign of dP; backward flow obeys |Q| <= G_open * (leak * |dP| + 0.2785 * w)
/// (0.2785 = max_x x * logistic(-x)). `w` is the opening width [mmHg].
template <class S>
S valve_flow(const S& dP, const S& G_open, double leak, double w_mmHg) {
  const S open = S(S(leak) + S(S(1.0 - leak) * logistic(S(dP / S(w_mmHg)))));
  return S(S(G_open * open) * dP);
}

/// Bound on the backward flow of `valve_flow` (see there).
inline double valve_backflow_bound(double dP, double G_open, double leak, double w_mmHg) {
  return G_open * (leak * std::abs(dP) + 0.2785 * w_mmHg);
}

}  // namespace massagesim::models::fluid_detail
