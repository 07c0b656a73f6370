#pragma once
/// \file effleurage.hpp
/// \brief Effleurage: long gliding strokes, a contact patch travelling along the limb.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Which way a stroke travels along the limb.
enum class StrokeDirection {
  toward_heart,    ///< distal -> proximal (increasing x), the usual direction of venous/lymph flow
  away_from_heart  ///< proximal -> distal
};

/// Parameters of effleurage. Positions in cm from the limb's distal end.
struct EffleurageParams {
  /// Pressure under the hand [mmHg]. Manual massage 60–120 mmHg in tissue (Olszewski, physiology.md
  /// §1E Y6); effleurage uses the highest force of the manual techniques (Micklewright 2006, §3).
  double pressure_mmHg = 60.0;
  /// Gliding speed of the hand [cm/s]. Not in physiology.md [?]; 5 cm/s gives ~6 strokes/min on a
  /// 40 cm limb, slower than "forceful" 25 strokes/min (Eliska 1995, §3) as effleurage is the slowest.
  double speed_cm_per_s = 5.0;
  StrokeDirection direction = StrokeDirection::toward_heart;
  /// Length of the contact patch along the limb (a palm) [cm] [?].
  double contact_length_cm = 10.0;
  /// Time to load at the start and unload at the end of each stroke [s] [?].
  double ramp_s = 0.5;
  /// Time between strokes, hand returning without pressure [s] [?].
  double pause_s = 2.0;
  RampShape shape = RampShape::cosine;
  double from_cm = 0.0;                                     ///< distal end of the stroked region [cm]
  double to_cm = std::numeric_limits<double>::quiet_NaN();  ///< proximal end; NaN = limb end
};

/// Strokes repeated every travel_s + pause_s. In each stroke a patch of `contact_length_cm`
/// glides at `speed_cm_per_s` from one end of the region to the other, staying inside it; its
/// pressure ramps in over `ramp_s` and out over `ramp_s` before the end. A segment's pressure is
/// the mean over its length: pressure x envelope x (length of the segment under the patch) /
/// (segment length), continuous as the patch slides, with kinks when a patch edge crosses a
/// segment edge (listed as breakpoints). Massage drive = fraction of the segment inside the
/// stroked region (1 while the massage is going on, including the return of the hand).
class Effleurage {
 public:
  using Params = EffleurageParams;
  static constexpr std::string_view name = "effleurage";

  Effleurage(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p), limb_(limb) {
    detail::check_pressure(name, "pressure_mmHg", p_.pressure_mmHg);
    detail::check_positive(name, "speed_cm_per_s", p_.speed_cm_per_s, "cm/s");
    detail::check_positive(name, "contact_length_cm", p_.contact_length_cm, "cm");
    detail::check_non_negative(name, "ramp_s", p_.ramp_s, "s");
    detail::check_non_negative(name, "pause_s", p_.pause_s, "s");
    detail::resolve_site(name, p_.from_cm, p_.to_cm, limb);
    const double span_cm = p_.to_cm - p_.from_cm;
    MASSAGESIM_CHECK(p_.contact_length_cm < span_cm, name, ".contact_length_cm: expected < the stroked length ",
                     span_cm, " cm (to_cm - from_cm), got ", p_.contact_length_cm);
    travel_s_ = (span_cm - p_.contact_length_cm) / p_.speed_cm_per_s;
    MASSAGESIM_CHECK(2.0 * p_.ramp_s <= travel_s_, name, ".ramp_s: expected <= half the stroke time ", 0.5 * travel_s_,
                     " s ((to_cm - from_cm - contact_length_cm) / speed / 2), got ", p_.ramp_s);
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = p_.ramp_s,
                      .hold_s = travel_s_ - 2.0 * p_.ramp_s,
                      .fall_s = p_.ramp_s,
                      .period_s = travel_s_ + p_.pause_s,
                      .rise_shape = p_.shape,
                      .fall_shape = p_.shape};
    if (env_.hold_s < 0.0) env_.hold_s = 0.0;
    for (int i = 0; i < limb.n_segments(); ++i) coverage_.push_back(limb.coverage(i, p_.from_cm, p_.to_cm));
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(coverage_.size()); }
  double start_s() const noexcept { return env_.start_s; }
  /// Duration of one stroke's glide [s].
  double stroke_s() const noexcept { return travel_s_; }
  /// Stroke period (glide + pause) [s].
  double period_s() const noexcept { return env_.period_s; }
  /// The stroke envelope (0..1): pulse k is stroke k, its rise and fall the loading and unloading.
  const PulseTrain& envelope() const noexcept { return env_; }
  /// The limb the patch glides on (segment edges for the covered length).
  const LimbGeometry& limb() const noexcept { return limb_; }
  /// Fraction (0..1) of `segment` inside the stroked region (= massage_drive); 0 for an unknown segment.
  double coverage(int segment) const noexcept {
    return (segment >= 0 && segment < n_segments()) ? coverage_[static_cast<std::size_t>(segment)] : 0.0;
  }

  /// Centre of the contact patch at t_s [cm], or NaN when the hand is not gliding.
  double contact_centre_cm(double t_s) const noexcept {
    const long k = env_.pulse_index(t_s);
    if (k < 0) return std::numeric_limits<double>::quiet_NaN();
    const double tau = t_s - env_.pulse_begin_s(k);
    if (tau >= travel_s_) return std::numeric_limits<double>::quiet_NaN();
    const double half = 0.5 * p_.contact_length_cm;
    return p_.direction == StrokeDirection::toward_heart ? p_.from_cm + half + p_.speed_cm_per_s * tau
                                                         : p_.to_cm - half - p_.speed_cm_per_s * tau;
  }

  /// Local pressure at position x_cm along the limb [mmHg] (the patch is flat).
  double pressure_at_mmHg(double t_s, double x_cm) const noexcept {
    const double xc = contact_centre_cm(t_s);
    if (std::isnan(xc) || std::abs(x_cm - xc) > 0.5 * p_.contact_length_cm) return 0.0;
    return p_.pressure_mmHg * env_.value(t_s);
  }

  /// Mean pressure over segment `segment` at t_s [mmHg]. No allocation.
  double pressure_mmHg(double t_s, int segment) const noexcept {
    if (segment < 0 || segment >= n_segments()) return 0.0;
    const double e = env_.value(t_s);
    if (e == 0.0) return 0.0;
    const double xc = contact_centre_cm(t_s);
    if (std::isnan(xc)) return 0.0;
    const double half = 0.5 * p_.contact_length_cm;
    return p_.pressure_mmHg * e * limb_.coverage(segment, xc - half, xc + half);
  }

  double massage_drive(double, int segment) const noexcept {
    return (segment >= 0 && segment < n_segments()) ? coverage_[static_cast<std::size_t>(segment)] : 0.0;
  }

  /// Appends the envelope's joints and the times a patch edge crosses a segment edge, in [t0_s, t1_s], sorted.
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const {
    const std::size_t first = out.size();
    env_.breakpoints(t0_s, t1_s, out);
    // Crossing offsets within a stroke, the same for every stroke.
    std::vector<double> tau_cross;
    const double v = p_.speed_cm_per_s, len = p_.contact_length_cm;
    for (double e : limb_.edges_cm()) {
      double taus[2];
      if (p_.direction == StrokeDirection::toward_heart) {
        taus[0] = (e - p_.from_cm) / v;        // trailing (distal) edge
        taus[1] = (e - p_.from_cm - len) / v;  // leading (proximal) edge
      } else {
        taus[0] = (p_.to_cm - e) / v;
        taus[1] = (p_.to_cm - len - e) / v;
      }
      for (double tau : taus)
        if (tau > 0.0 && tau < travel_s_) tau_cross.push_back(tau);
    }
    if (!tau_cross.empty()) {
      const long k0 = std::max(0L, env_.pulse_index(t0_s));
      const long k1 = env_.pulse_index(t1_s);
      for (long k = k0; k <= k1; ++k) {
        const double b = env_.pulse_begin_s(k);
        for (double tau : tau_cross)
          if (b + tau >= t0_s && b + tau <= t1_s) out.push_back(b + tau);
      }
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()), out.end());
  }

 private:
  Params p_;
  LimbGeometry limb_;
  PulseTrain env_;
  double travel_s_ = 0.0;
  std::vector<double> coverage_;
};

}  // namespace massagesim::protocols
