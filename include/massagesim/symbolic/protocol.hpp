#pragma once
/// \file protocol.hpp
/// \brief The protocol as expressions of model time: the symbolic twins of `PulseTrain::value`,
/// `Technique::pressure_mmHg` / `massage_drive` and `Schedule::inputs`, for the SBML export (issue #6).
///
/// Each function builds, for one segment, an `Expr` of the time symbol `t` that evaluates to what
/// the double code gives at that time, with the same floating-point expressions in the same order,
/// so that the two agree to rounding (in the tests, bit for bit). Only SBML Level 3 core math is
/// used: arithmetic, `floor`, `cos`, `sin` (muscle-pump contractions), comparisons and `piecewise`
/// (`select`); no constant is infinite or NaN.
///
/// How the pieces are found:
/// - the pulse under way is k = floor((t - origin) / period) and begins at origin + k period
///   (one pulse begins at origin when the period is infinite); see `pulse_begin_s` below;
/// - inside a pulse the rise, hold and fall pieces are chosen by `t < joint` comparisons, so the
///   value is right-continuous at every joint, as in `PulseTrain::value`; pieces of zero length
///   (sharp edges, no hold) and the fall of an infinite hold are left out;
/// - a schedule chooses its phase by `t < end of phase` comparisons, exactly as `phase_index_at`.
///
/// The rounded floor() is corrected by one step with the same comparisons as
/// `PulseTrain::pulse_index`, so that even at a listed breakpoint (where an integrator restarts,
/// e.g. `massagesim.sbml` between breakpoints) the expression gives the value just after it.
///
/// Constants fold: a segment the technique never touches gets the constant 0.

#include <cmath>
#include <cstddef>
#include <numbers>
#include <variant>

#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/protocols/technique.hpp"
#include "massagesim/symbolic/expr.hpp"

namespace massagesim::symbolic {

/// What the protocol gives one segment, as expressions of time (fields as `protocols::SegmentInputs`).
struct SymbolicSegmentInputs {
  Expr applied_pressure_mmHg;          ///< external pressure on the skin [mmHg]
  Expr exercise_intensity;             ///< fraction of VO2max
  Expr height_above_heart_cm;          ///< posture: + above the heart [cm]
  Expr massage_drive;                  ///< 0..1 mechanoreceptor stimulation
  Expr whole_body_exercise;            ///< 1 in a whole-body effort, else 0
  Expr circumferential_pressure_mmHg;  ///< the part of the pressure from a device (compression phases)
  Expr contraction_pressure_mmHg;      ///< rhythmic contractions of the working muscles (the muscle pump)
  Expr muscle_flow_multiplier;         ///< prescribed factor on muscle blood-flow conductance (1: none)
};

namespace protocol_detail {

/// `protocols::ramp` without its clamp: inside its piece s lies in [0, 1] (up to rounding).
inline Expr ramp(const Expr& s, protocols::RampShape shape) {
  switch (shape) {
    case protocols::RampShape::linear:
      return s;
    case protocols::RampShape::cosine:
      return 0.5 * (1.0 - cos(std::numbers::pi * s));
    case protocols::RampShape::smoothstep:
      return s * s * (3.0 - 2.0 * s);
  }
  return s;
}

/// Begin of the pulse under way at t [s], for t >= the first pulse's begin.
///
/// k = floor((t - origin) / period), then corrected as `PulseTrain::pulse_index` does: within a
/// few ulps of a pulse begin the rounded quotient can floor to the neighbouring pulse, and the
/// exact comparisons with the begins (the very expressions of `pulse_begin_s`) put it back, so
/// that the value at a listed breakpoint is the value just after it, as in the double code.
inline Expr pulse_begin_s(const protocols::PulseTrain& tr, const Expr& t) {
  const double origin = tr.start_s + tr.delay_s;
  if (!std::isfinite(tr.period_s)) return Expr(origin);
  const Expr k0 = floor((t - origin) / tr.period_s);
  const Expr k1 = select(t < origin + k0 * tr.period_s, k0 - 1.0, k0);
  const Expr k = select(t < origin + (k1 + 1.0) * tr.period_s, k1, k1 + 1.0);
  return origin + k * tr.period_s;
}

/// Value of the pulse beginning at `b`, for t >= b (the pieces of `PulseTrain::value`).
inline Expr pulse_value(const protocols::PulseTrain& tr, const Expr& t, const Expr& b) {
  const Expr t_top = b + tr.rise_s;
  Expr v = 1.0;  // an infinite hold never falls
  if (std::isfinite(tr.hold_s)) {
    const Expr t_fall = t_top + tr.hold_s;
    v = 0.0;
    if (tr.fall_s > 0.0) v = select(t < t_fall + tr.fall_s, 1.0 - ramp((t - t_fall) / tr.fall_s, tr.fall_shape), v);
    if (tr.hold_s > 0.0) v = select(t < t_fall, 1.0, v);
  }
  if (tr.rise_s > 0.0) v = select(t < t_top, ramp((t - b) / tr.rise_s, tr.rise_shape), v);
  return v;
}

/// `c ? a : b`, without a node when both sides are the same expression or the same constant.
inline Expr piece(const Condition& c, const Expr& a, const Expr& b) {
  if (a.node() == b.node() || (a.is_constant() && b.is_constant() && a.value() == b.value())) return b;
  return select(c, a, b);
}

}  // namespace protocol_detail

/// The pulse train's value at time t (== `PulseTrain::value(t)`, see the file comment for breakpoints).
inline Expr envelope(const protocols::PulseTrain& tr, const Expr& t) {
  const double origin = tr.start_s + tr.delay_s;
  return select(t < origin, 0.0, protocol_detail::pulse_value(tr, t, protocol_detail::pulse_begin_s(tr, t)));
}

// --- each technique ---------------------------------------------------------------------------

/// == `StaticCompression::pressure_mmHg(t, segment)`.
inline Expr pressure_mmHg(const protocols::StaticCompression& w, const Expr& t, int segment) {
  const double c = w.coverage(segment) * w.params().pressure_mmHg;
  return c == 0.0 ? Expr(0.0) : c * envelope(w.envelope(), t);
}
/// == `StaticCompression::massage_drive(t, segment)`.
inline Expr massage_drive(const protocols::StaticCompression& w, const Expr& t, int segment) {
  const double c = w.coverage(segment);
  return c == 0.0 ? Expr(0.0) : c * envelope(w.envelope(), t);
}

/// == `Effleurage::pressure_mmHg(t, segment)`: pressure x envelope x (length of the segment
/// under the gliding patch) / (segment length), 0 between strokes.
inline Expr pressure_mmHg(const protocols::Effleurage& w, const Expr& t, int segment) {
  const auto& p = w.params();
  // The patch stays inside the stroked region: a segment outside it is never pressed.
  if (w.coverage(segment) == 0.0 || p.pressure_mmHg == 0.0) return 0.0;
  const auto& tr = w.envelope();
  const auto& limb = w.limb();
  const Expr b = protocol_detail::pulse_begin_s(tr, t);
  const Expr e = protocol_detail::pulse_value(tr, t, b);
  const Expr tau = t - b;
  const double half = 0.5 * p.contact_length_cm;
  const Expr xc = p.direction == protocols::StrokeDirection::toward_heart ? (p.from_cm + half) + p.speed_cm_per_s * tau
                                                                          : (p.to_cm - half) - p.speed_cm_per_s * tau;
  // LimbGeometry::overlap_cm(segment, xc - half, xc + half); a clamp the patch cannot need (it
  // never leaves [from_cm, to_cm]) is left out.
  const double e0 = limb.segment_start_cm(segment), e1 = limb.segment_end_cm(segment);
  const Expr a = xc - half, z = xc + half;
  const Expr lo = p.from_cm >= e0 ? a : select(a < e0, e0, a);
  const Expr hi = p.to_cm <= e1 ? z : select(e1 < z, e1, z);
  const Expr covered = select(hi > lo, hi - lo, 0.0) / limb.segment_length_cm(segment);
  const Expr gliding = select(tau < w.stroke_s(), p.pressure_mmHg * e * covered, 0.0);
  return select(t < tr.start_s + tr.delay_s, 0.0, gliding);
}
/// == `Effleurage::massage_drive(t, segment)`: the covered fraction of the stroked region, constant.
inline Expr massage_drive(const protocols::Effleurage& w, const Expr& /*t*/, int segment) {
  return w.coverage(segment);
}

/// == `Petrissage::pressure_mmHg(t, segment)`.
inline Expr pressure_mmHg(const protocols::Petrissage& w, const Expr& t, int segment) {
  const double c = w.coverage(segment);
  const auto& p = w.params();
  if (c == 0.0 || p.baseline_mmHg + p.depth_mmHg == 0.0) return 0.0;
  const auto& tr = w.envelope();
  const Expr e = protocol_detail::pulse_value(tr, t, protocol_detail::pulse_begin_s(tr, t));
  return select(t < w.start_s(), 0.0, c * (p.baseline_mmHg + p.depth_mmHg * e));
}
/// == `Petrissage::massage_drive(t, segment)`.
inline Expr massage_drive(const protocols::Petrissage& w, const Expr& t, int segment) {
  const double c = w.coverage(segment);
  return c == 0.0 ? Expr(0.0) : select(t < w.start_s(), 0.0, c);
}

/// == `Tapotement::pressure_mmHg(t, segment)`.
inline Expr pressure_mmHg(const protocols::Tapotement& w, const Expr& t, int segment) {
  const double c = w.coverage(segment) * w.params().pressure_mmHg;
  return c == 0.0 ? Expr(0.0) : c * envelope(w.envelope(), t);
}
/// == `Tapotement::massage_drive(t, segment)`.
inline Expr massage_drive(const protocols::Tapotement& w, const Expr& t, int segment) {
  const double c = w.coverage(segment);
  return c == 0.0 ? Expr(0.0) : select(t < w.start_s(), 0.0, c);
}

/// == `DeepFriction::pressure_mmHg(t, segment)`.
inline Expr pressure_mmHg(const protocols::DeepFriction& w, const Expr& t, int segment) {
  const auto& p = w.params();
  const double c = w.coverage(segment) * p.pressure_mmHg;
  if (c == 0.0) return 0.0;
  const auto& tr = w.envelope();
  const Expr e = protocol_detail::pulse_value(tr, t, protocol_detail::pulse_begin_s(tr, t));
  const Expr osc = p.modulation == 0.0
                       ? Expr(1.0)
                       : 1.0 - p.modulation * 0.5 * (1.0 - cos(2.0 * std::numbers::pi * p.rate_Hz * (t - tr.start_s)));
  return select(t < tr.start_s + tr.delay_s, 0.0, c * e * osc);
}
/// == `DeepFriction::massage_drive(t, segment)`.
inline Expr massage_drive(const protocols::DeepFriction& w, const Expr& t, int segment) {
  const double c = w.coverage(segment);
  return c == 0.0 ? Expr(0.0) : select(t < w.start_s(), 0.0, c);
}

/// == `SequentialCompression::pressure_mmHg(t, segment)`: the segment's chamber pressure x its envelope.
inline Expr pressure_mmHg(const protocols::SequentialCompression& w, const Expr& t, int segment) {
  const int ch = w.chamber_of_segment(segment);
  if (ch < 0) return 0.0;
  const double p = w.params().chamber_pressures_mmHg[static_cast<std::size_t>(ch)];
  return p == 0.0 ? Expr(0.0) : p * envelope(w.chamber(ch), t);
}
/// == `SequentialCompression::massage_drive(t, segment)`: the segment's chamber envelope.
inline Expr massage_drive(const protocols::SequentialCompression& w, const Expr& t, int segment) {
  const int ch = w.chamber_of_segment(segment);
  return ch < 0 ? Expr(0.0) : envelope(w.chamber(ch), t);
}

/// == `OcclusionCuff::pressure_mmHg(t, segment)`.
inline Expr pressure_mmHg(const protocols::OcclusionCuff& w, const Expr& t, int segment) {
  if (segment != w.params().segment || w.params().pressure_mmHg == 0.0) return 0.0;
  return w.params().pressure_mmHg * envelope(w.envelope(), t);
}
/// == `OcclusionCuff::massage_drive(t, segment)`.
inline Expr massage_drive(const protocols::OcclusionCuff& w, const Expr& t, int segment) {
  return segment == w.params().segment ? envelope(w.envelope(), t) : Expr(0.0);
}

// --- any technique, a schedule ------------------------------------------------------------------

/// == `Technique::pressure_mmHg(t, segment)`: applied pressure on `segment` [mmHg]; 0 for an unknown segment.
inline Expr pressure_mmHg(const protocols::Technique& w, const Expr& t, int segment) {
  return std::visit([&](const auto& x) { return pressure_mmHg(x, t, segment); }, w.variant());
}
/// == `Technique::massage_drive(t, segment)`: mechanoreceptor stimulation 0..1 of `segment`.
inline Expr massage_drive(const protocols::Technique& w, const Expr& t, int segment) {
  return std::visit([&](const auto& x) { return massage_drive(x, t, segment); }, w.variant());
}

/// == `Contractions::pressure_at_mmHg(t, start_s)`: the half-sine contraction of the cycle under way.
inline Expr contraction_pressure_mmHg(const protocols::Contractions& c, double start_s, const Expr& t) {
  const protocols::PulseTrain tr = c.train(start_s);
  const Expr b = protocol_detail::pulse_begin_s(tr, t);
  const Expr v = select(t < b + tr.rise_s, c.pressure_mmHg * sin(std::numbers::pi * ((t - b) / tr.rise_s)), 0.0);
  return select(t < tr.start_s + tr.delay_s, 0.0, v);
}

/// == `Schedule::inputs(t, segment)`: piecewise in t by phase (a phase applies from its start,
/// included, to its end, excluded; zero-length phases never apply); before 0 rest in the initial
/// posture, from the end on rest in the last one. All zero for an unknown segment.
inline SymbolicSegmentInputs inputs(const protocols::Schedule& s, const Expr& t, int segment) {
  SymbolicSegmentInputs in{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0};
  if (segment < 0 || segment >= s.n_segments()) return in;
  const auto seg = static_cast<std::size_t>(segment);
  const double h0 = s.initial_heights_cm()[seg];
  if (s.n_phases() == 0) {
    in.height_above_heart_cm = h0;
    return in;
  }
  // From the last phase back: each phase's values before its end, the later ones after it.
  in.height_above_heart_cm = s.phase(s.n_phases() - 1).heights_cm[seg];
  for (int i = s.n_phases() - 1; i >= 0; --i) {
    const protocols::Phase& ph = s.phase(i);
    if (!(ph.end_s() > ph.start_s)) continue;
    const Condition before_end = t < ph.end_s();
    using protocol_detail::piece;
    // As Schedule::inputs: the phase's limbs choose the segments; the technique sees the limb's own index.
    const bool works_here = s.works(ph, segment), touched = s.touches(ph, segment);
    const int local = s.local_segment(segment);
    in.exercise_intensity = piece(before_end, works_here ? ph.exercise_intensity : 0.0, in.exercise_intensity);
    in.whole_body_exercise = piece(before_end, ph.muscles.whole_body ? 1.0 : 0.0, in.whole_body_exercise);
    in.height_above_heart_cm = piece(before_end, ph.heights_cm[seg], in.height_above_heart_cm);
    in.muscle_flow_multiplier = piece(before_end, ph.muscle_flow_multiplier, in.muscle_flow_multiplier);
    in.applied_pressure_mmHg =
        piece(before_end, touched ? pressure_mmHg(*ph.technique, t, local) : Expr(0.0), in.applied_pressure_mmHg);
    in.massage_drive =
        piece(before_end, touched ? massage_drive(*ph.technique, t, local) : Expr(0.0), in.massage_drive);
    in.circumferential_pressure_mmHg = piece(
        before_end,
        touched && ph.kind == protocols::PhaseKind::compression ? pressure_mmHg(*ph.technique, t, local) : Expr(0.0),
        in.circumferential_pressure_mmHg);
    in.contraction_pressure_mmHg =
        piece(before_end,
              ph.muscles.contractions && works_here
                  ? contraction_pressure_mmHg(*ph.muscles.contractions,
                                              ph.muscles.contractions->limb_start_s(ph.start_s, s.limb_of(segment)), t)
                  : Expr(0.0),
              in.contraction_pressure_mmHg);
  }
  const Condition before_start = t < 0.0;
  in.exercise_intensity = protocol_detail::piece(before_start, 0.0, in.exercise_intensity);
  in.whole_body_exercise = protocol_detail::piece(before_start, 0.0, in.whole_body_exercise);
  in.height_above_heart_cm = protocol_detail::piece(before_start, h0, in.height_above_heart_cm);
  in.applied_pressure_mmHg = protocol_detail::piece(before_start, 0.0, in.applied_pressure_mmHg);
  in.massage_drive = protocol_detail::piece(before_start, 0.0, in.massage_drive);
  in.circumferential_pressure_mmHg = protocol_detail::piece(before_start, 0.0, in.circumferential_pressure_mmHg);
  in.contraction_pressure_mmHg = protocol_detail::piece(before_start, 0.0, in.contraction_pressure_mmHg);
  in.muscle_flow_multiplier = protocol_detail::piece(before_start, 1.0, in.muscle_flow_multiplier);
  return in;
}

/// == `Schedule::whole_body_intensity(t)`: the phase's intensity in a whole-body effort, else 0.
inline Expr whole_body_intensity(const protocols::Schedule& s, const Expr& t) {
  Expr w = 0.0;
  for (int i = s.n_phases() - 1; i >= 0; --i) {
    const protocols::Phase& ph = s.phase(i);
    if (!(ph.end_s() > ph.start_s)) continue;
    w = protocol_detail::piece(t < ph.end_s(), ph.muscles.whole_body ? ph.exercise_intensity : 0.0, w);
  }
  return protocol_detail::piece(t < 0.0, 0.0, w);
}

/// == `Schedule::muscle_flow_multiplier(t)`: the phase's prescribed factor on muscle flow, 1 outside.
inline Expr muscle_flow_multiplier(const protocols::Schedule& s, const Expr& t) {
  Expr k = 1.0;
  for (int i = s.n_phases() - 1; i >= 0; --i) {
    const protocols::Phase& ph = s.phase(i);
    if (!(ph.end_s() > ph.start_s)) continue;
    k = protocol_detail::piece(t < ph.end_s(), ph.muscle_flow_multiplier, k);
  }
  return protocol_detail::piece(t < 0.0, 1.0, k);
}

}  // namespace massagesim::symbolic
