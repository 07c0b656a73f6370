#pragma once
/// \file deep_friction.hpp
/// \brief Deep (transverse) friction: high pressure on a small site with a rhythmic oscillation.

#include <cmath>
#include <limits>
#include <numbers>
#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of deep friction. Positions in cm from the limb's distal end.
struct DeepFrictionParams {
  /// Pressure under the fingertip [mmHg]. Chaves 2020 (physiology.md §3) measured 2.3 (1.0–4.2)
  /// kg/cm², i.e. ~1700 (740–3100) mmHg [D], beyond the 400 mmHg this library accepts; the
  /// default sits at that cap, and a segment sees it only over the small site (site_length_cm).
  double pressure_mmHg = 400.0;
  /// Rate of the transverse rubbing [Hz]; not in physiology.md [?].
  double rate_Hz = 2.0;
  /// Fraction by which pressure dips during each rubbing cycle (0 = constant pressure) [?].
  double modulation = 0.3;
  /// Time to sink in [s] [?].
  double rise_s = 1.0;
  /// Centre of the site [cm from the distal end]; NaN = the middle of the limb.
  double site_centre_cm = std::numeric_limits<double>::quiet_NaN();
  /// Length of the site along the limb (a fingertip) [cm] [?].
  double site_length_cm = 2.0;
};

/// Segment pressure = covered fraction x pressure x rise(t) x (1 - modulation (1 - cos(2 pi f (t - start))) / 2).
/// Breakpoints: the start and the end of the rise. Massage drive = covered fraction from the start on.
class DeepFriction {
 public:
  using Params = DeepFrictionParams;
  static constexpr std::string_view name = "deep_friction";

  DeepFriction(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p) {
    detail::check_pressure(name, "pressure_mmHg", p_.pressure_mmHg);
    detail::check_positive(name, "rate_Hz", p_.rate_Hz, "Hz");
    detail::check_fraction(name, "modulation", p_.modulation);
    detail::check_non_negative(name, "rise_s", p_.rise_s, "s");
    detail::check_positive(name, "site_length_cm", p_.site_length_cm, "cm");
    if (std::isnan(p_.site_centre_cm)) p_.site_centre_cm = 0.5 * limb.length_cm();
    const double half = 0.5 * p_.site_length_cm;
    MASSAGESIM_CHECK(std::isfinite(p_.site_centre_cm) && p_.site_centre_cm - half >= 0.0 &&
                         p_.site_centre_cm + half <= limb.length_cm(),
                     name, ".site_centre_cm: expected the site to lie on the limb, i.e. in [", half, ", ",
                     limb.length_cm() - half, "] cm, got ", p_.site_centre_cm);
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = p_.rise_s,
                      .hold_s = std::numeric_limits<double>::infinity(),
                      .rise_shape = RampShape::cosine};
    for (int i = 0; i < limb.n_segments(); ++i)
      coverage_.push_back(limb.coverage(i, p_.site_centre_cm - half, p_.site_centre_cm + half));
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(coverage_.size()); }
  double start_s() const noexcept { return env_.start_s; }
  /// The envelope (0..1) of the sinking in: one pulse, held until the phase ends (for the symbolic export).
  const PulseTrain& envelope() const noexcept { return env_; }
  /// Fraction (0..1) of `segment` covered by the site; 0 for an unknown segment.
  double coverage(int segment) const noexcept { return cov(segment); }

  double pressure_mmHg(double t_s, int segment) const noexcept {
    const double e = env_.value(t_s);
    if (e == 0.0) return 0.0;
    const double osc =
        1.0 - p_.modulation * 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * p_.rate_Hz * (t_s - env_.start_s)));
    return cov(segment) * p_.pressure_mmHg * e * osc;
  }
  double massage_drive(double t_s, int segment) const noexcept { return t_s >= env_.start_s ? cov(segment) : 0.0; }
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const { env_.breakpoints(t0_s, t1_s, out); }

 private:
  double cov(int s) const noexcept {
    return (s >= 0 && s < n_segments()) ? coverage_[static_cast<std::size_t>(s)] : 0.0;
  }
  Params p_;
  PulseTrain env_;
  std::vector<double> coverage_;
};

}  // namespace massagesim::protocols
