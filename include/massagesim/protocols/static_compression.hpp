#pragma once
/// \file static_compression.hpp
/// \brief Static (sustained) compression by hand: ramp in, hold, release, over a site of the limb.

#include <limits>
#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of a static compression. Positions in cm from the limb's distal end.
struct StaticCompressionParams {
  /// Pressure on the skin [mmHg]. Manual massage generates 60–120 mmHg in subcutaneous tissue
  /// (Olszewski, physiology.md §1E Y6 and §3 "massage tissue pressure"); default at the low end.
  double pressure_mmHg = 60.0;
  /// Time to lean in [s]; a hand ramps, it does not switch. Value not in physiology.md [?].
  double rise_s = 2.0;
  /// Time at full pressure [s]; infinite = until the phase ends.
  double hold_s = std::numeric_limits<double>::infinity();
  /// Time to release [s] (used when hold_s is finite) [?].
  double release_s = 2.0;
  RampShape shape = RampShape::cosine;
  double from_cm = 0.0;                                     ///< distal end of the site [cm]
  double to_cm = std::numeric_limits<double>::quiet_NaN();  ///< proximal end of the site [cm]; NaN = limb end
};

/// Sustained pressure on a site: segment pressure = pressure x envelope x fraction of the segment
/// covered by the site. Massage drive = envelope x covered fraction (pressure inhibits the reflex
/// while it is applied).
class StaticCompression {
 public:
  using Params = StaticCompressionParams;
  static constexpr std::string_view name = "static_compression";

  /// \throws InvalidArgument naming the bad field and its allowed range
  StaticCompression(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p) {
    detail::check_pressure(name, "pressure_mmHg", p_.pressure_mmHg);
    detail::check_non_negative(name, "rise_s", p_.rise_s, "s");
    MASSAGESIM_CHECK(p_.hold_s >= 0.0, name, ".hold_s: expected >= 0 s (infinite = until the phase ends), got ",
                     p_.hold_s);
    detail::check_non_negative(name, "release_s", p_.release_s, "s");
    detail::resolve_site(name, p_.from_cm, p_.to_cm, limb);
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = p_.rise_s,
                      .hold_s = p_.hold_s,
                      .fall_s = p_.release_s,
                      .rise_shape = p_.shape,
                      .fall_shape = p_.shape};
    for (int i = 0; i < limb.n_segments(); ++i) coverage_.push_back(limb.coverage(i, p_.from_cm, p_.to_cm));
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(coverage_.size()); }
  double start_s() const noexcept { return env_.start_s; }
  /// The envelope (0..1) the pressure follows (for the symbolic export).
  const PulseTrain& envelope() const noexcept { return env_; }
  /// Fraction (0..1) of `segment` covered by the site; 0 for an unknown segment.
  double coverage(int segment) const noexcept { return cov(segment); }

  /// Pressure on segment `segment` at time t_s [mmHg]; 0 for an unknown segment. No allocation.
  double pressure_mmHg(double t_s, int segment) const noexcept {
    return cov(segment) * p_.pressure_mmHg * env_.value(t_s);
  }
  /// Mechanoreceptor stimulation 0..1 of `segment` at t_s.
  double massage_drive(double t_s, int segment) const noexcept { return cov(segment) * env_.value(t_s); }
  /// Appends the times in [t0_s, t1_s] where pressure or drive is not smooth.
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
