#pragma once
/// \file checks.hpp
/// \brief Parameter checks shared by the protocol techniques (messages name the field and the range).

#include <cmath>
#include <limits>
#include <string_view>

#include "massagesim/core/check.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Largest external pressure a protocol may apply [mmHg]. Manual massage reaches 60–120 mmHg in
/// tissue (Olszewski, physiology.md §1E Y6), IPC devices 40–180 mmHg (§1D); 400 mmHg bounds any
/// tourniquet-like cuff and catches unit mistakes (kPa or cmH2O given as mmHg).
inline constexpr double max_pressure_mmHg = 400.0;

}  // namespace massagesim::protocols

namespace massagesim::protocols::detail {

inline void check_pressure(std::string_view technique, std::string_view field, double v) {
  MASSAGESIM_CHECK(std::isfinite(v) && v >= 0.0 && v <= max_pressure_mmHg, technique, ".", field,
                   ": expected a pressure in [0, ", max_pressure_mmHg, "] mmHg, got ", v);
}
inline void check_positive(std::string_view technique, std::string_view field, double v, std::string_view unit) {
  MASSAGESIM_CHECK(std::isfinite(v) && v > 0.0, technique, ".", field, ": expected > 0 ", unit, " and finite, got ", v);
}
inline void check_non_negative(std::string_view technique, std::string_view field, double v, std::string_view unit) {
  MASSAGESIM_CHECK(std::isfinite(v) && v >= 0.0, technique, ".", field, ": expected >= 0 ", unit, " and finite, got ",
                   v);
}
inline void check_fraction(std::string_view technique, std::string_view field, double v) {
  MASSAGESIM_CHECK(std::isfinite(v) && v >= 0.0 && v <= 1.0, technique, ".", field,
                   ": expected a fraction in [0, 1], got ", v);
}

/// Resolves a treated site [from_cm, to_cm] on the limb (to_cm NaN = the proximal end) and checks it.
inline void resolve_site(std::string_view technique, double& from_cm, double& to_cm, const LimbGeometry& limb) {
  if (std::isnan(to_cm)) to_cm = limb.length_cm();
  MASSAGESIM_CHECK(std::isfinite(from_cm) && from_cm >= 0.0 && from_cm < limb.length_cm(), technique,
                   ".from_cm: expected in [0, ", limb.length_cm(), ") cm (the limb), got ", from_cm);
  MASSAGESIM_CHECK(std::isfinite(to_cm) && to_cm > from_cm && to_cm <= limb.length_cm(), technique,
                   ".to_cm: expected in (from_cm = ", from_cm, ", ", limb.length_cm(), "] cm, got ", to_cm);
}

}  // namespace massagesim::protocols::detail
