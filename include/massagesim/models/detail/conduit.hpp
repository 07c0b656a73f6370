#pragma once
/// \file conduit.hpp
/// \brief A conduit artery crossing a circumferential cuff, as a Starling resistor fed by a pulsatile
///        pressure (limb.hpp passes the cuff to the segments distal to it; hemodynamics.hpp uses it).
///
/// Mean arterial pressure alone cannot tell "occluded above systolic" from "open below diastolic": the
/// artery under a cuff at P_c opens only while the pulse exceeds P_c. Over one cardiac cycle the pressure
/// P(t) is taken to spend its time between diastolic P_d and systolic P_s with a density falling linearly
/// from P_d to P_s, f(p) = 2 (P_s - p) / PP^2: the one distribution on [P_d, P_s] whose mean is the
/// clinical MAP = P_d + PP/3 rule [GK], so P_d = MAP - PP/3 and P_s = MAP + 2 PP/3. Then
///   open fraction of the cycle   = ((P_s - P_c) / PP)^2              for P_d <= P_c <= P_s,
///   E[max(P_c - P(t), 0)]        = s^2/PP - s^3/(3 PP^2),  s = P_c - P_d   (0 below P_d, P_c - MAP above P_s),
/// continuous with a continuous slope (C1) at both ends.
///
/// The conduit is a Starling resistor in series with the segment's feed conductance G:
///   Q = G (E[max(P(t), P_c)] - max(P_down, P_c))
///     = G (MAP - P_down) + G (E[max(P_c - P(t), 0)] - max(P_c - P_down, 0)),
/// so the correction to the usual G (MAP - P_down) is exactly 0 when the cuff is below diastolic and the
/// distal arteries are above it (no cuff: nothing changes, bit for bit), and Q = G E[max(P(t) - P_c, 0)]
/// = G (P_s - P_c)^3 / (3 PP^2) once the distal arteries have emptied below P_c: zero above systolic.
/// The pieces are joined by value branches whose two sides agree in value and slope (as `tube_law_mmHg`);
/// a symbolic scalar records both through `select`.

#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::models::conduit {

/// max(x, 0) with a quadratic corner of half-width w: exactly 0 for x <= -w and exactly x for x >= w
/// ((x + w)^2 / (4 w) between; C1).
template <class S>
S c1_pos(const S& x, double w) {
  using smooth::value_of;
  const S corner = S(S(x + S(w)) * S(x + S(w)) / S(4.0 * w));
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(x <= S(-w), S(x * S(0.0)), select(x >= S(w), x, corner));
  } else {
    if (value_of(x) <= -w) return S(x * S(0.0));
    if (value_of(x) >= w) return x;
    return corner;
  }
}

/// E[max(P_c - P(t), 0)] [mmHg] over the cardiac cycle, for `excess_mmHg` = P_c - MAP and pulse
/// pressure `pp_mmHg` (> 0): 0 for P_c <= P_d, P_c - MAP for P_c >= P_s (see the file comment).
template <class S>
S pulse_mean_deficit_mmHg(const S& excess_mmHg, const S& pp_mmHg) {
  using smooth::value_of;
  const S s = S(excess_mmHg + pp_mmHg / S(3.0));  // P_c - P_d
  const S r = S(s / pp_mmHg);
  const S mid = S(pp_mmHg * r * r * S(S(1.0) - r / S(3.0)));
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(s <= S(0.0), S(s * S(0.0)), select(s >= pp_mmHg, excess_mmHg, mid));
  } else {
    if (value_of(s) <= 0.0) return S(s * S(0.0));
    if (value_of(s) >= value_of(pp_mmHg)) return excess_mmHg;
    return mid;
  }
}

/// Fraction of the cardiac cycle during which the artery is open under collapse pressure P_c
/// (`excess_mmHg` = P_c - MAP): 1 below diastolic, ((P_s - P_c)/PP)^2 between, 0 above systolic.
/// (For outputs and tests; the flow uses `pulse_mean_deficit_mmHg`.)
inline double open_fraction(double excess_mmHg, double pp_mmHg) {
  const double r = (2.0 * pp_mmHg / 3.0 - excess_mmHg) / pp_mmHg;  // (P_s - P_c) / PP
  if (r >= 1.0) return 1.0;
  if (r <= 0.0) return 0.0;
  return r * r;
}

/// Correction [mmHg] to the feed driving pressure MAP_local - P_down of a segment whose conduit artery
/// crosses a cuff of collapse pressure `collapse_mmHg` (all referred to the segment's height):
/// E[max(P_c - P(t), 0)] - max(P_c - P_down, 0), with the corner half-width `w_mmHg`.
template <class S>
S feed_correction_mmHg(const S& collapse_mmHg, const S& local_map_mmHg, const S& downstream_mmHg, const S& pp_mmHg,
                       double w_mmHg) {
  return S(pulse_mean_deficit_mmHg(S(collapse_mmHg - local_map_mmHg), pp_mmHg) -
           c1_pos(S(collapse_mmHg - downstream_mmHg), w_mmHg));
}

/// Correction [mmHg] to the pressure difference P_up - P_down across a (non-pulsatile) collapsible tube
/// under collapse pressure P_c: a Starling resistor passes G (max(P_up, P_c) - max(P_down, P_c)), so the
/// correction is max(P_c - P_up, 0) - max(P_c - P_down, 0) (corner half-width `w_mmHg`): 0 when P_c lies
/// below both ends, and no flow either way when it lies above both (not a backflow driven by P_c).
template <class S>
S starling_correction_mmHg(const S& collapse_mmHg, const S& up_mmHg, const S& down_mmHg, double w_mmHg) {
  return S(c1_pos(S(collapse_mmHg - up_mmHg), w_mmHg) - c1_pos(S(collapse_mmHg - down_mmHg), w_mmHg));
}

}  // namespace massagesim::models::conduit
