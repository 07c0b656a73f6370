#pragma once
/// \file posture.hpp
/// \brief Postures and the height of each limb segment relative to the heart.

#include <array>
#include <cmath>
#include <numbers>
#include <string_view>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

enum class Posture { supine, prone, seated, standing, limb_raised, limb_lowered };

/// One posture: its name in scenario files, the Python package and exports, and what it means.
struct PostureInfo {
  Posture posture;
  std::string_view name;
  std::string_view description;
};

/// Every posture (the one list the parser, the bindings and the schema test read).
inline constexpr std::array<PostureInfo, 6> posture_catalogue{{
    {Posture::supine, "supine", "lying on the back, the limb level with the heart"},
    {Posture::prone, "prone", "lying face down, the limb level with the heart (the usual position for calf massage)"},
    {Posture::seated, "seated", "sitting: thigh horizontal below the heart, shank hanging from the knee"},
    {Posture::standing, "standing", "upright, the limb hanging below the heart"},
    {Posture::limb_raised, "limb_raised", "lying, the limb raised 30 deg from the root (elevation)"},
    {Posture::limb_lowered, "limb_lowered",
     "lying, the limb lowered 30 deg from the root (dependent, over the table's edge)"},
}};

inline std::string_view to_string(Posture p) noexcept {
  for (const auto& i : posture_catalogue)
    if (i.posture == p) return i.name;
  return "unknown";
}

/// Where a limb lies in one posture. The limb runs from its root (proximal end) toward its distal
/// end at `proximal_angle_deg` below horizontal (90 = hanging straight down, negative = raised),
/// and, beyond an optional bend (knee, elbow) at `bend_from_distal_fraction` of the limb length
/// from the distal end, at `distal_angle_deg`.
struct PostureGeometry {
  double root_height_cm = 0.0;             ///< height of the limb's proximal end above the heart [cm]
  double proximal_angle_deg = 0.0;         ///< limb axis below horizontal, root side [deg]
  double bend_from_distal_fraction = 0.0;  ///< 0 = a straight limb
  double distal_angle_deg = 0.0;           ///< below the bend [deg]

  /// Height above the heart of the point x_cm from the distal end [cm].
  double height_cm(const LimbGeometry& limb, double x_cm) const noexcept {
    constexpr double deg = std::numbers::pi / 180.0;
    const double length = limb.length_cm();
    const double x_bend = bend_from_distal_fraction * length;
    const double s1 = std::sin(proximal_angle_deg * deg), s2 = std::sin(distal_angle_deg * deg);
    if (x_cm >= x_bend) return root_height_cm - (length - x_cm) * s1;
    return root_height_cm - (length - x_bend) * s1 - (x_bend - x_cm) * s2;
  }
};

/// The geometry of each posture, defaults for a leg of ~90 cm.
///
/// Standing: Perry 1986 (physiology.md §3) foot capillary pressure 23.4 supine vs 112.8 mmHg
/// standing, 89.4 mmHg ~ 115 cm of blood [D]; a 90 cm leg hanging from a hip 25 cm below the
/// heart puts the foot there. Seated thigh horizontal, shank vertical below a knee at mid-leg,
/// supine and prone level with the heart (lying, the heart's height above the table, ~10 cm, is the
/// limb's too), limb raised or lowered 30 deg from its root: textbook positions [GK].
struct PostureTable {
  PostureGeometry supine{0.0, 0.0, 0.0, 0.0};
  PostureGeometry prone{0.0, 0.0, 0.0, 0.0};
  PostureGeometry seated{-25.0, 0.0, 0.5, 90.0};
  PostureGeometry standing{-25.0, 90.0, 0.0, 0.0};
  PostureGeometry limb_raised{0.0, -30.0, 0.0, 0.0};
  PostureGeometry limb_lowered{0.0, 30.0, 0.0, 0.0};

  const PostureGeometry& operator[](Posture p) const noexcept {
    switch (p) {
      case Posture::prone:
        return prone;
      case Posture::seated:
        return seated;
      case Posture::standing:
        return standing;
      case Posture::limb_raised:
        return limb_raised;
      case Posture::limb_lowered:
        return limb_lowered;
      case Posture::supine:
        break;
    }
    return supine;
  }

  /// Height of each segment's centre above the heart [cm] (allocates; call at setup).
  std::vector<double> segment_heights_cm(Posture p, const LimbGeometry& limb) const {
    std::vector<double> h(static_cast<std::size_t>(limb.n_segments()));
    for (int i = 0; i < limb.n_segments(); ++i)
      h[static_cast<std::size_t>(i)] = (*this)[p].height_cm(limb, limb.segment_centre_cm(i));
    return h;
  }

  /// Throws InvalidArgument on a non-finite angle or height, or a bend outside [0, 1).
  void validate() const {
    for (const auto& info : posture_catalogue) {
      const Posture p = info.posture;
      const auto& g = (*this)[p];
      MASSAGESIM_CHECK(std::isfinite(g.root_height_cm) && std::abs(g.root_height_cm) <= 300.0, "posture ", to_string(p),
                       ".root_height_cm: expected in [-300, 300] cm, got ", g.root_height_cm);
      MASSAGESIM_CHECK(std::isfinite(g.proximal_angle_deg) && std::abs(g.proximal_angle_deg) <= 90.0, "posture ",
                       to_string(p), ".proximal_angle_deg: expected in [-90, 90] deg, got ", g.proximal_angle_deg);
      MASSAGESIM_CHECK(std::isfinite(g.distal_angle_deg) && std::abs(g.distal_angle_deg) <= 90.0, "posture ",
                       to_string(p), ".distal_angle_deg: expected in [-90, 90] deg, got ", g.distal_angle_deg);
      MASSAGESIM_CHECK(g.bend_from_distal_fraction >= 0.0 && g.bend_from_distal_fraction < 1.0, "posture ",
                       to_string(p), ".bend_from_distal_fraction: expected in [0, 1), got ",
                       g.bend_from_distal_fraction);
    }
  }
};

}  // namespace massagesim::protocols
