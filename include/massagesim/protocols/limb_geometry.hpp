#pragma once
/// \file limb_geometry.hpp
/// \brief Where the segments of a limb lie along it: lengths, edges and centres, distal to proximal.
///
/// Positions along the limb are measured in cm from its distal end (x = 0, e.g. the ankle) toward
/// its proximal end (x = length_cm(), e.g. the groin), so "toward the heart" means increasing x.
/// Segment 0 is the most distal one. Protocols map a hand, a contact patch or a treated site given
/// in cm onto segments with `overlap_cm()`.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"

namespace massagesim::protocols {

/// Segment layout of one limb, distal (segment 0, x = 0) to proximal. Immutable once built.
class LimbGeometry {
 public:
  /// \param[in] segment_lengths_cm lengths of the segments, distal first; each > 0 and finite
  /// \throws InvalidArgument when empty or when a length is not > 0
  explicit LimbGeometry(std::vector<double> segment_lengths_cm) : lengths_cm_(std::move(segment_lengths_cm)) {
    MASSAGESIM_CHECK(!lengths_cm_.empty(), "limb geometry segment_lengths_cm: expected at least one segment, got 0");
    edges_cm_.resize(lengths_cm_.size() + 1);
    edges_cm_[0] = 0.0;
    for (std::size_t i = 0; i < lengths_cm_.size(); ++i) {
      MASSAGESIM_CHECK(std::isfinite(lengths_cm_[i]) && lengths_cm_[i] > 0.0, "limb geometry segment_lengths_cm[", i,
                       "]: expected > 0 cm and finite, got ", lengths_cm_[i]);
      edges_cm_[i + 1] = edges_cm_[i] + lengths_cm_[i];
    }
  }

  /// `n` equal segments over `length_cm`.
  static LimbGeometry uniform(int n, double length_cm) {
    MASSAGESIM_CHECK(n >= 1, "limb geometry n_segments: expected >= 1, got ", n);
    MASSAGESIM_CHECK(std::isfinite(length_cm) && length_cm > 0.0, "limb geometry length_cm: expected > 0, got ",
                     length_cm);
    return LimbGeometry(std::vector<double>(static_cast<std::size_t>(n), length_cm / n));
  }

  int n_segments() const noexcept { return static_cast<int>(lengths_cm_.size()); }
  /// Total length [cm].
  double length_cm() const noexcept { return edges_cm_.back(); }
  double segment_length_cm(int i) const { return lengths_cm_.at(static_cast<std::size_t>(i)); }
  /// Distal edge of segment i [cm from the distal end].
  double segment_start_cm(int i) const { return edges_cm_.at(static_cast<std::size_t>(i)); }
  /// Proximal edge of segment i [cm from the distal end].
  double segment_end_cm(int i) const { return edges_cm_.at(static_cast<std::size_t>(i) + 1); }
  double segment_centre_cm(int i) const { return 0.5 * (segment_start_cm(i) + segment_end_cm(i)); }
  /// The n + 1 segment edges [cm], increasing.
  const std::vector<double>& edges_cm() const noexcept { return edges_cm_; }

  /// Index of the segment containing x_cm (a shared edge belongs to the proximal segment;
  /// x = length_cm() to the last), or -1 outside the limb.
  int segment_at(double x_cm) const noexcept {
    if (!(x_cm >= 0.0 && x_cm <= length_cm())) return -1;
    const auto it = std::upper_bound(edges_cm_.begin(), edges_cm_.end(), x_cm);
    const int i = static_cast<int>(it - edges_cm_.begin()) - 1;
    return std::min(i, n_segments() - 1);
  }

  /// Length of segment i covered by the interval [a_cm, b_cm] (a <= b) [cm]. No allocation.
  double overlap_cm(int i, double a_cm, double b_cm) const noexcept {
    const double lo = std::max(a_cm, edges_cm_[static_cast<std::size_t>(i)]);
    const double hi = std::min(b_cm, edges_cm_[static_cast<std::size_t>(i) + 1]);
    return hi > lo ? hi - lo : 0.0;
  }

  /// Fraction (0..1) of segment i covered by [a_cm, b_cm].
  double coverage(int i, double a_cm, double b_cm) const noexcept {
    return overlap_cm(i, a_cm, b_cm) / lengths_cm_[static_cast<std::size_t>(i)];
  }

 private:
  std::vector<double> lengths_cm_;
  std::vector<double> edges_cm_;
};

/// The segment names of limbs `limb_names` (two legs: {"left", "right"}) that share one geometry with
/// segments `names`: "<limb>_<segment>", limb after limb (the order of their states); `names` itself for a
/// single unnamed limb (`limb_names` empty).
inline std::vector<std::string> limb_segment_names(const std::vector<std::string>& names,
                                                   const std::vector<std::string>& limb_names) {
  if (limb_names.empty()) return names;
  std::vector<std::string> out;
  out.reserve(names.size() * limb_names.size());
  for (const auto& l : limb_names)
    for (const auto& n : names) out.push_back(l + "_" + n);
  return out;
}

}  // namespace massagesim::protocols
