#pragma once
/// \file occlusion_cuff.hpp
/// \brief An occlusion cuff: fast inflation above arterial pressure, hold, sudden release.

#include <string_view>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of an occlusion cuff on one segment.
struct OcclusionCuffParams {
  /// Cuff pressure [mmHg]; suprasystolic for arterial occlusion [GK: ~50 mmHg above systolic; not in
  /// physiology.md].
  double pressure_mmHg = 200.0;
  /// Segment under the cuff; -1 = the most proximal segment (a thigh or upper-arm cuff).
  int segment = -1;
  /// Inflation time [s] (rapid-inflation devices) [?].
  double inflation_s = 0.5;
  /// Occlusion time [s]: 0.5, 1, 2 and 5 min in the reactive-hyperaemia data (physiology.md §1C R1).
  double hold_s = 300.0;
  /// Deflation time [s]; 0 = sudden release, as in reactive-hyperaemia tests.
  double deflation_s = 0.0;
};

/// One pulse: linear inflation, hold, release (sharp by default). Massage drive = envelope on the cuffed segment.
class OcclusionCuff {
 public:
  using Params = OcclusionCuffParams;
  static constexpr std::string_view name = "occlusion_cuff";

  OcclusionCuff(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(p), n_segments_(limb.n_segments()) {
    detail::check_pressure(name, "pressure_mmHg", p_.pressure_mmHg);
    if (p_.segment == -1) p_.segment = limb.n_segments() - 1;
    MASSAGESIM_CHECK(p_.segment >= 0 && p_.segment < limb.n_segments(), name, ".segment: expected in [0, ",
                     limb.n_segments() - 1, "] or -1 (most proximal), got ", p_.segment);
    detail::check_non_negative(name, "inflation_s", p_.inflation_s, "s");
    detail::check_non_negative(name, "hold_s", p_.hold_s, "s");
    detail::check_non_negative(name, "deflation_s", p_.deflation_s, "s");
    env_ = PulseTrain{.start_s = start_s,
                      .rise_s = p_.inflation_s,
                      .hold_s = p_.hold_s,
                      .fall_s = p_.deflation_s,
                      .rise_shape = RampShape::linear,
                      .fall_shape = RampShape::linear};
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return n_segments_; }
  double start_s() const noexcept { return env_.start_s; }
  /// The envelope (0..1) of the cuff, on segment params().segment (for the symbolic export).
  const PulseTrain& envelope() const noexcept { return env_; }

  double pressure_mmHg(double t_s, int segment) const noexcept {
    return segment == p_.segment ? p_.pressure_mmHg * env_.value(t_s) : 0.0;
  }
  double massage_drive(double t_s, int segment) const noexcept { return segment == p_.segment ? env_.value(t_s) : 0.0; }
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const { env_.breakpoints(t0_s, t1_s, out); }

 private:
  Params p_;
  int n_segments_;
  PulseTrain env_;
};

}  // namespace massagesim::protocols
