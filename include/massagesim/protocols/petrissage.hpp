#pragma once
/// \file petrissage.hpp
/// \brief Petrissage: cyclic kneading of a site at a rate and a depth.

#include <limits>
#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of petrissage. Positions in cm from the limb's distal end.
struct PetrissageParams {
  /// Peak-to-trough pressure of a kneading cycle [mmHg]: manual massage 60–120 mmHg in tissue
  /// (Olszewski, physiology.md §1E Y6); default at the low end.
  double depth_mmHg = 60.0;
  /// Pressure kept between squeezes [mmHg]; depth + baseline <= 400.
  double baseline_mmHg = 0.0;
  /// Kneading rate [Hz]: massage-like compressive loading at 0.5 Hz (Haas 2013, physiology.md §2g
  /// and §3); "forceful" massage 25 strokes/min = 0.42 Hz (Eliska 1995, §3).
  double rate_Hz = 0.5;
  double from_cm = 0.0;                                     ///< distal end of the site [cm]
  double to_cm = std::numeric_limits<double>::quiet_NaN();  ///< proximal end; NaN = limb end
};

/// Segment pressure = covered fraction x (baseline + depth x (1 - cos(2 pi f (t - start))) / 2):
/// smooth after the start (its only breakpoint). Massage drive = covered fraction.
class Petrissage {
 public:
  using Params = PetrissageParams;
  static constexpr std::string_view name = "petrissage";

  Petrissage(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p) {
    detail::check_pressure(name, "depth_mmHg", p_.depth_mmHg);
    detail::check_pressure(name, "baseline_mmHg", p_.baseline_mmHg);
    detail::check_pressure(name, "depth_mmHg + baseline_mmHg", p_.depth_mmHg + p_.baseline_mmHg);
    detail::check_positive(name, "rate_Hz", p_.rate_Hz, "Hz");
    detail::resolve_site(name, p_.from_cm, p_.to_cm, limb);
    const double half = 0.5 / p_.rate_Hz;
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = half,
                      .hold_s = 0.0,
                      .fall_s = half,
                      .period_s = 2.0 * half,
                      .rise_shape = RampShape::cosine,
                      .fall_shape = RampShape::cosine};
    for (int i = 0; i < limb.n_segments(); ++i) coverage_.push_back(limb.coverage(i, p_.from_cm, p_.to_cm));
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(coverage_.size()); }
  double start_s() const noexcept { return env_.start_s; }
  /// The envelope (0..1) of the kneading cycle (for the symbolic export).
  const PulseTrain& envelope() const noexcept { return env_; }
  /// Fraction (0..1) of `segment` covered by the site; 0 for an unknown segment.
  double coverage(int segment) const noexcept { return cov(segment); }

  double pressure_mmHg(double t_s, int segment) const noexcept {
    if (!(t_s >= env_.start_s)) return 0.0;
    return cov(segment) * (p_.baseline_mmHg + p_.depth_mmHg * env_.value(t_s));
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
