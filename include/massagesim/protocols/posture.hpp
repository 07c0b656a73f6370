#pragma once
/// \file posture.hpp
/// \brief Postures and the height of each limb segment relative to the heart.

#include <cmath>
#include <numbers>
#include <string_view>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

enum class Posture { supine, seated, standing, limb_raised };

inline std::string_view to_string(Posture p) noexcept {
  switch (p) {
    case Posture::supine: return "supine";
    case Posture::seated: return "seated";
    case Posture::standing: return "standing";
    case Posture::limb_raised: return "limb_raised";
  }
  return "unknown";
}

/// Where a limb lies in one posture. The limb runs from its root (proximal end) toward its distal
/// end at `proximal_angle_deg` below horizontal (90 = hanging straight down, negative = raised),
/// and, beyond an optional bend (knee, elbow) at `bend_from_distal_fraction` of the limb length
/// from the distal end, at `distal_angle_deg`.
struct PostureGeometry {
  double root_height_cm = 0.0;         ///< height of the limb's proximal end above the heart [cm]
  double proximal_angle_deg = 0.0;     ///< limb axis below horizontal, root side [deg]
  double bend_from_distal_fraction = 0.0;  ///< 0 = a straight limb
  double distal_angle_deg = 0.0;       ///< below the bend [deg]

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
/// supine level with the heart, limb raised 30 deg: textbook positions [GK].
struct PostureTable {
  PostureGeometry supine{0.0, 0.0, 0.0, 0.0};
  PostureGeometry seated{-25.0, 0.0, 0.5, 90.0};
  PostureGeometry standing{-25.0, 90.0, 0.0, 0.0};
  PostureGeometry limb_raised{0.0, -30.0, 0.0, 0.0};

  const PostureGeometry& operator[](Posture p) const noexcept {
    switch (p) {
      case Posture::seated: return seated;
      case Posture::standing: return standing;
      case Posture::limb_raised: return limb_raised;
      case Posture::supine: break;
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
    for (Posture p : {Posture::supine, Posture::seated, Posture::standing, Posture::limb_raised}) {
      const auto& g = (*this)[p];
      MASSAGESIM_CHECK(std::isfinite(g.root_height_cm) && std::abs(g.root_height_cm) <= 300.0, "posture ",
                       to_string(p), ".root_height_cm: expected in [-300, 300] cm, got ", g.root_height_cm);
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
