#pragma once
/// \file tapotement.hpp
/// \brief Tapotement: short, fast percussion pulses on a site.

#include <limits>
#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of tapotement. Positions in cm from the limb's distal end.
struct TapotementParams {
  /// Peak pressure of a blow [mmHg]. Not measured in physiology.md [?]; set inside the 60–120 mmHg
  /// that manual massage generates in tissue (Olszewski, §1E Y6).
  double pressure_mmHg = 60.0;
  /// Blows per second [Hz]: tapotement is the fastest manual technique (Micklewright 2006,
  /// physiology.md §3; rates not given there [?]); 5–10 Hz per the issue, default 8 Hz.
  double rate_Hz = 8.0;
  /// Duration of one blow, edge to edge [s] (50 ms per the issue) [?].
  double pulse_width_s = 0.05;
  /// Rise and fall time of each blow [s]; 0 = rectangular pulses [?].
  double edge_s = 0.01;
  RampShape shape = RampShape::cosine;
  double from_cm = 0.0;                                     ///< distal end of the site [cm]
  double to_cm = std::numeric_limits<double>::quiet_NaN();  ///< proximal end; NaN = limb end
};

/// Blow k starts at start + k / rate_Hz; each rises over edge_s, holds, falls over edge_s, all
/// within pulse_width_s. Segment pressure = covered fraction x pressure x pulse. Massage drive =
/// covered fraction from the start on.
class Tapotement {
 public:
  using Params = TapotementParams;
  static constexpr std::string_view name = "tapotement";

  Tapotement(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p) {
    detail::check_pressure(name, "pressure_mmHg", p_.pressure_mmHg);
    detail::check_positive(name, "rate_Hz", p_.rate_Hz, "Hz");
    detail::check_positive(name, "pulse_width_s", p_.pulse_width_s, "s");
    MASSAGESIM_CHECK(p_.pulse_width_s <= 1.0 / p_.rate_Hz, name,
                     ".pulse_width_s: expected <= the period 1/rate_Hz = ", 1.0 / p_.rate_Hz, " s, got ",
                     p_.pulse_width_s);
    detail::check_non_negative(name, "edge_s", p_.edge_s, "s");
    MASSAGESIM_CHECK(2.0 * p_.edge_s <= p_.pulse_width_s, name,
                     ".edge_s: expected in [0, pulse_width_s / 2 = ", 0.5 * p_.pulse_width_s, "] s, got ", p_.edge_s);
    detail::resolve_site(name, p_.from_cm, p_.to_cm, limb);
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = p_.edge_s,
                      .hold_s = p_.pulse_width_s - 2.0 * p_.edge_s,
                      .fall_s = p_.edge_s,
                      .period_s = 1.0 / p_.rate_Hz,
                      .rise_shape = p_.shape,
                      .fall_shape = p_.shape};
    for (int i = 0; i < limb.n_segments(); ++i) coverage_.push_back(limb.coverage(i, p_.from_cm, p_.to_cm));
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(coverage_.size()); }
  double start_s() const noexcept { return env_.start_s; }
  /// The pulse envelope (0..1), e.g. for exact reference solutions.
  const PulseTrain& envelope() const noexcept { return env_; }
  /// Fraction (0..1) of `segment` covered by the site; 0 for an unknown segment.
  double coverage(int segment) const noexcept { return cov(segment); }

  double pressure_mmHg(double t_s, int segment) const noexcept {
    return cov(segment) * p_.pressure_mmHg * env_.value(t_s);
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
