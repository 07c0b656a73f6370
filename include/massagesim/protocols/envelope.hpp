#pragma once
/// \file envelope.hpp
/// \brief Ramps and periodic pulse trains (values 0..1) with their exact breakpoints.
///
/// Every technique is built from these. A pulse rises over `rise_s`, holds for `hold_s`, falls
/// over `fall_s` and rests until the next period. A rise or fall time of 0 is a sharp edge (a
/// device switching); a positive one is a smooth ramp (a hand or a cuff). Evaluation and the
/// breakpoint list use the very same floating-point expressions for the joints, so a value
/// evaluated at a listed breakpoint is always the value just after it (right-continuous), which
/// is what the solver needs when it restarts there.

#include <cmath>
#include <limits>
#include <numbers>
#include <string_view>
#include <vector>

namespace massagesim::protocols {

/// Shape of a ramp from 0 to 1 over s in [0, 1].
enum class RampShape {
  linear,      ///< s: kinks at both ends (cuffs inflating at a constant rate)
  cosine,      ///< (1 - cos(pi s)) / 2: zero slope at both ends (a hand loading tissue)
  smoothstep,  ///< 3 s^2 - 2 s^3: zero slope at both ends
};

inline std::string_view to_string(RampShape s) noexcept {
  switch (s) {
    case RampShape::linear:
      return "linear";
    case RampShape::cosine:
      return "cosine";
    case RampShape::smoothstep:
      return "smoothstep";
  }
  return "unknown";
}

/// The ramp value at s (clamped to [0, 1]).
inline double ramp(double s, RampShape shape) noexcept {
  s = s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s);
  switch (shape) {
    case RampShape::linear:
      return s;
    case RampShape::cosine:
      return 0.5 * (1.0 - std::cos(std::numbers::pi * s));
    case RampShape::smoothstep:
      return s * s * (3.0 - 2.0 * s);
  }
  return s;
}

/// A train of trapezoidal pulses with value in [0, 1].
///
/// Pulse k (k = 0, 1, ...) begins at b_k = start_s + delay_s + k * period_s, rises until
/// b_k + rise_s, holds until + hold_s, falls until + fall_s, and is 0 until b_{k+1}. With
/// `period_s` infinite there is a single pulse; with `hold_s` infinite it never falls.
/// The value is 0 before start_s + delay_s. No allocation in `value()`.
struct PulseTrain {
  double start_s = 0.0;  ///< time origin [s] (a schedule sets it to the phase start)
  double delay_s = 0.0;  ///< first pulse begins this long after start_s [s]
  double rise_s = 0.0;   ///< rise time [s]; 0 = sharp edge
  double hold_s = 0.0;   ///< time at full value [s]; may be infinite for a single pulse
  double fall_s = 0.0;   ///< fall time [s]; 0 = sharp edge
  double period_s = std::numeric_limits<double>::infinity();  ///< >= rise + hold + fall; infinite = one pulse
  RampShape rise_shape = RampShape::cosine;
  RampShape fall_shape = RampShape::cosine;

  /// Begin of pulse k [s]; the one expression shared by value() and breakpoints().
  double pulse_begin_s(long k) const noexcept {
    const double origin = start_s + delay_s;
    return k == 0 ? origin : origin + static_cast<double>(k) * period_s;
  }

  /// Index of the pulse under way at t_s (the last one begun), or -1 before the first.
  long pulse_index(double t_s) const noexcept {
    const double origin = start_s + delay_s;
    if (!(t_s >= origin)) return -1;
    long k = 0;
    if (std::isfinite(period_s)) {
      k = static_cast<long>(std::floor((t_s - origin) / period_s));
      if (k < 0) k = 0;
      while (k > 0 && t_s < pulse_begin_s(k)) --k;
      while (t_s >= pulse_begin_s(k + 1)) ++k;
    }
    return k;
  }

  /// Envelope value in [0, 1] at absolute time t_s.
  double value(double t_s) const noexcept {
    const long k = pulse_index(t_s);
    if (k < 0) return 0.0;
    const double b = pulse_begin_s(k);
    const double t_top = b + rise_s;
    if (t_s < t_top) return ramp((t_s - b) / rise_s, rise_shape);
    const double t_fall = t_top + hold_s;
    if (t_s < t_fall) return 1.0;
    const double t_end = t_fall + fall_s;
    if (t_s < t_end) return 1.0 - ramp((t_s - t_fall) / fall_s, fall_shape);
    return 0.0;
  }

  /// Whether the top joint (rise straight into fall) is C2-smooth and so needs no breakpoint.
  bool smooth_top() const noexcept {
    return hold_s == 0.0 && rise_s > 0.0 && rise_s == fall_s && rise_shape == fall_shape &&
           rise_shape != RampShape::linear;
  }
  /// Whether the bottom joint (fall straight into the next rise) is C2-smooth.
  bool smooth_bottom() const noexcept {
    return std::isfinite(period_s) && period_s == rise_s + hold_s + fall_s && rise_s > 0.0 && rise_s == fall_s &&
           rise_shape == fall_shape && rise_shape != RampShape::linear;
  }

  /// Appends every time in [t0_s, t1_s] where the value, its slope or its curvature jumps
  /// (the joints between pieces, except joints that are C2-smooth). Unsorted duplicates are
  /// possible only across calls; within one call the times increase.
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const {
    const double origin = start_s + delay_s;
    if (t1_s < origin) return;
    long k_first = 0, k_last = 0;
    if (std::isfinite(period_s)) {
      k_first = std::max(0L, static_cast<long>(std::floor((t0_s - origin) / period_s)) - 1);
      k_last = static_cast<long>(std::floor((t1_s - origin) / period_s)) + 1;
    }
    double last = -std::numeric_limits<double>::infinity();
    auto emit = [&](double tb) {
      if (tb >= t0_s && tb <= t1_s && tb > last) {
        out.push_back(tb);
        last = tb;
      }
    };
    for (long k = k_first; k <= k_last; ++k) {
      const double b = pulse_begin_s(k);
      if (b > t1_s) break;
      if (k == 0 || !smooth_bottom()) emit(b);
      const double t_top = b + rise_s;
      const double t_fall = t_top + hold_s;
      if (!smooth_top()) {
        emit(t_top);
        if (std::isfinite(t_fall)) emit(t_fall);
      }
      if (std::isfinite(t_fall)) {
        const double t_end = t_fall + fall_s;
        if (!smooth_bottom()) emit(t_end);  // a smooth bottom joins the next pulse
      }
    }
  }
};

}  // namespace massagesim::protocols
