#pragma once
/// \file segment_tissue.hpp
/// \brief Tissue presets of limb segments (foot, calf, thigh, forearm, upper arm): the mass per cm of
///        segment length of a reference adult, from anthropometric tables.
///
///   mass per cm = (segment mass / body mass) x body mass / ((segment length / height) x height)
/// with the reference body of 75 kg (the subject default, scenario.hpp) and 175 cm [GK]. Segment mass
/// fractions: Plagenhoef, Evans & Abdelnour 1983 (Res Q Exerc Sport 54:169), males; segment lengths as
/// fractions of height: Drillis & Contini 1966, as tabulated by Winter 2009 (Biomechanics and Motor
/// Control of Human Movement, 4th ed., Fig. 4.1). The foot's length is heel to toe, the path of its vessels.
/// A segment's mass is then this mass per cm times its length (limb.hpp `make_limb_params`). The presets set
/// the mass only: the muscle part of it is the tissue parameter `muscle_fraction` (tissue.hpp), 1 unless the
/// scenario sets it from the subject's imaging.

#include <array>
#include <string>
#include <string_view>

#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"

namespace massagesim::models {

/// One segment type's anthropometry.
struct SegmentTissuePreset {
  std::string_view name;
  double body_mass_fraction;  ///< segment mass / body mass (Plagenhoef 1983, males)
  double height_fraction;     ///< segment length / height (Drillis & Contini 1966, Winter 2009)
  std::string_view description;

  static constexpr double reference_body_mass_g = 75000.0;  // subject default (scenario.hpp)
  static constexpr double reference_height_cm = 175.0;      // [GK] adult male

  /// Mass per cm of segment length of the reference adult [g/cm].
  constexpr double mass_per_cm_g() const {
    return body_mass_fraction * reference_body_mass_g / (height_fraction * reference_height_cm);
  }
};

inline constexpr std::array<SegmentTissuePreset, 5> segment_tissue_presets{{
    {"foot", 0.0143, 0.152, "foot, heel to toe (~40 g/cm)"},
    {"calf", 0.0475, 0.246, "lower leg, knee to ankle (~83 g/cm)"},
    {"thigh", 0.1050, 0.245, "thigh, hip to knee (~184 g/cm)"},
    {"forearm", 0.0187, 0.146, "forearm, elbow to wrist (~55 g/cm)"},
    {"upper_arm", 0.0325, 0.186, "upper arm, shoulder to elbow (~75 g/cm)"},
}};

/// The preset named `name`; throws UnknownName listing the presets (nearest first).
inline const SegmentTissuePreset& segment_tissue_preset(std::string_view name) {
  for (const auto& p : segment_tissue_presets)
    if (p.name == name) return p;
  std::array<std::string_view, segment_tissue_presets.size()> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = segment_tissue_presets[i].name;
  throw UnknownName(std::string("unknown segment tissue '") + std::string(name) +
                    "'; expected one of (nearest first): " + nearest_names(name, names, names.size()));
}

}  // namespace massagesim::models
