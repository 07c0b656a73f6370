#pragma once
/// \file smooth.hpp
/// \brief Smooth stand-ins for kinks (logistic, softplus, smooth max/min/positive part, Hill), the tube
///        law and the valve flow, shared by every model. Templated on the scalar so one code path serves
///        `double`, AD scalars (exact Jacobians) and the symbolic `Expr` (which records both branches of a
///        numerically guarded form through `select`).

#include <cmath>
#include <type_traits>

#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::models::smooth {

/// Plain value of a scalar (double or an AutoDiffScalar), for overflow-safe branching only.
inline double value_of(double x) { return x; }

template <class S>
double value_of(const S& x) {
  return static_cast<double>(x.value());
}

/// Converts between scalar types; AD -> double keeps the value (drops the derivatives).
template <class T, class S>
T scalar_cast(const S& a) {
  if constexpr (std::is_same_v<T, double> && !std::is_arithmetic_v<S>)
    return value_of(a);
  else
    return T(a);
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

/// Above this argument (k x > 36) softplus_k(x) equals x to double round-off (the correction log(1 + e^-36) / k
/// is 2.3e-16 / k); callers skip the evaluation there.
inline constexpr double kSoftplusExactAbove = 36.0;

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

/// Smooth max(a, b) = (a + b + sqrt((a - b)^2 + eps^2)) / 2; >= max(a, b), error <= eps / 2.
template <class S>
S smooth_max(const S& a, const S& b, double eps) {
  using std::sqrt;
  const S d = a - b;
  return S(S(0.5) * S(a + b + S(sqrt(S(d * d + S(eps * eps))))));
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

/// Width (in V/Vu) over which `tube_law_mmHg` with a collapse stiffness turns from the distension slope to
/// the collapse branch.
inline constexpr double kTubeCollapseBlendWidth = 0.05;

/// The tube law with Shapiro's collapse (bending) stiffness K [mmHg] set apart from the distension
/// stiffness Vu/C (Shapiro 1977; a thin wall bends far more easily than it stretches):
///   V >= Vu:  (V - Vu) / C
///   V <  Vu:  K [1 - v^(-3/2)] - (Vu/C - 3K/2) w [1 - exp((v - 1)/w)],   v = V/Vu, w = 0.05
/// The second term (never deeper than (Vu/C) w) joins the branches with a continuous slope; with
/// K = 2 Vu/(3C) it vanishes and this is the three-argument law. A vein with K ~ 2 mmHg emptied to a third
/// of Vu holds 9.26 mmHg below its surroundings, where K = 2 Vu/(3C) ~ 14 mmHg gave ~57.
template <class S>
S tube_law_mmHg(const S& V, const S& Vu, const S& C, const S& K_mmHg) {
  using std::exp;
  using std::log;
  auto collapsed = [&]() -> S {
    const S v = smooth_pos(S(V / Vu), 1e-4);
    const S w = S(kTubeCollapseBlendWidth);
    const S blend = S(S(Vu / C) - S(S(1.5) * K_mmHg));
    return S(K_mmHg * S(S(1.0) - S(exp(S(-1.5) * S(log(v))))) -
             S(blend * w * S(S(1.0) - S(exp(S(S(v - S(1.0)) / w))))));
  };
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(V >= Vu, S((V - Vu) / C), collapsed());
  } else {
    if (value_of(V) >= value_of(Vu)) return S((V - Vu) / C);
    return collapsed();
  }
}

/// Share of a collapsible vessel's outlet conductance left at volume ratio v = V/Vu (1 at v = 1):
///   u^2 / (u^2 + h^2) (1 + h^2),   u = (v - v_c) / (1 - v_c)   (smoothed positive part)
/// Poiseuille-like closure (R ~ 1/A^2, Magosso & Ursino 2002 Eq. 12) counted from the volume v_c at which
/// opposite walls touch, not from zero: once they touch the lumen is shut and the walls, not the fluid, carry
/// any further load (Flaherty, Keller & Rubinow 1972), so a squeezed vessel stops draining there and is not
/// left holding minus the load when the load goes.
template <class S>
S lumen_conductance_factor(const S& v, const S& v_contact, const S& v_half) {
  const S u = smooth_pos(S(S(v - v_contact) / S(S(1.0) - v_contact)), 1e-3);
  const S h2 = v_half * v_half;
  return S(S(u * u) / S(u * u + h2)) * S(S(1.0) + h2);
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

}  // namespace massagesim::models::smooth
