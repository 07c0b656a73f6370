#pragma once
/// \file sequential_compression.hpp
/// \brief Sequential intermittent pneumatic compression (IPC): chambers inflating one after another.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::protocols {

/// Parameters of a sequential compression device. Chamber 0 is the most distal.
struct SequentialCompressionParams {
  /// Pressure of each chamber, distal first [mmHg]. Kamm 1986 (physiology.md §1D P4): 4 chambers,
  /// mean 45 mmHg, optimum distal-to-proximal gradient 5–10 mmHg; default mean 45, gradient 5.
  std::vector<double> chamber_pressures_mmHg{52.5, 47.5, 42.5, 37.5};
  /// Segment under chamber 0; chamber i sits on segment first_segment + i (distal to proximal).
  int first_segment = 0;
  /// Time for a chamber to reach its pressure [s]: 3–4 s in arterial IPC (Delis 2000, Labropoulos,
  /// physiology.md §3); Zaleska 2013 (§1E Y6) compared 5, 20 and 50 s in lymphoedema.
  double inflation_s = 3.0;
  /// Delay between the starts of neighbouring chambers [s]: optimum 0–0.5 s (Kamm 1986, §1D P4).
  double delay_s = 0.5;
  /// Time all chambers stay inflated after the last one is full [s] (per chamber when
  /// deflate_together is false) [?].
  double hold_s = 6.0;
  /// Deflation time [s]; 0 = the valve dumps at once (a sharp edge) [?].
  double deflation_s = 0.5;
  /// Period of the whole cycle [s]: 3 cycles/min (Delis 2000, Labropoulos, §3).
  double cycle_period_s = 20.0;
  /// true: all chambers deflate together after the last has held hold_s; false: each chamber
  /// deflates hold_s after it is full (a peristaltic wave).
  bool deflate_together = true;
  /// Inflation profile; cuffs fill at a roughly constant rate.
  RampShape inflation_shape = RampShape::linear;
};

/// Each chamber is a pulse train: chamber i begins inflating at start + i delay_s + k cycle_period_s.
/// Segment pressure = its chamber's pressure x that chamber's envelope; segments without a
/// chamber get 0. Massage drive of a segment = its chamber's envelope (0..1).
class SequentialCompression {
 public:
  using Params = SequentialCompressionParams;
  static constexpr std::string_view name = "sequential_compression";

  SequentialCompression(Params p, const LimbGeometry& limb, double start_s = 0.0) : p_(std::move(p)) {
    const int n = static_cast<int>(p_.chamber_pressures_mmHg.size());
    MASSAGESIM_CHECK(n >= 1, name, ".chamber_pressures_mmHg: expected at least one chamber, got 0");
    for (int i = 0; i < n; ++i)
      detail::check_pressure(name, "chamber_pressures_mmHg[" + std::to_string(i) + "]",
                             p_.chamber_pressures_mmHg[static_cast<std::size_t>(i)]);
    MASSAGESIM_CHECK(p_.first_segment >= 0 && p_.first_segment + n <= limb.n_segments(), name,
                     ".first_segment: expected in [0, ", limb.n_segments() - n, "] so that ", n,
                     " chambers fit on the limb's ", limb.n_segments(), " segments, got ", p_.first_segment);
    detail::check_non_negative(name, "inflation_s", p_.inflation_s, "s");
    detail::check_non_negative(name, "delay_s", p_.delay_s, "s");
    detail::check_non_negative(name, "hold_s", p_.hold_s, "s");
    detail::check_non_negative(name, "deflation_s", p_.deflation_s, "s");
    detail::check_positive(name, "cycle_period_s", p_.cycle_period_s, "s");
    double busy_s = 0.0;
    for (int i = 0; i < n; ++i) {
      const double hold = p_.deflate_together ? p_.hold_s + (n - 1 - i) * p_.delay_s : p_.hold_s;
      PulseTrain tr{.start_s = start_s,
                    .delay_s = i * p_.delay_s,
                    .rise_s = p_.inflation_s,
                    .hold_s = hold,
                    .fall_s = p_.deflation_s,
                    .period_s = p_.cycle_period_s,
                    .rise_shape = p_.inflation_shape,
                    .fall_shape = RampShape::linear};
      busy_s = std::max(busy_s, tr.delay_s + tr.rise_s + tr.hold_s + tr.fall_s);
      trains_.push_back(tr);
    }
    MASSAGESIM_CHECK(busy_s <= p_.cycle_period_s, name, ".cycle_period_s: expected >= ", busy_s,
                     " s (delays + inflation + hold + deflation of the last chamber to deflate), got ",
                     p_.cycle_period_s);
    chamber_of_segment_.assign(static_cast<std::size_t>(limb.n_segments()), -1);
    for (int i = 0; i < n; ++i) chamber_of_segment_[static_cast<std::size_t>(p_.first_segment + i)] = i;
  }

  const Params& params() const noexcept { return p_; }
  int n_segments() const noexcept { return static_cast<int>(chamber_of_segment_.size()); }
  int n_chambers() const noexcept { return static_cast<int>(trains_.size()); }
  double start_s() const noexcept { return trains_.front().start_s; }
  /// Envelope of chamber i (0..1), for inspection.
  const PulseTrain& chamber(int i) const { return trains_.at(static_cast<std::size_t>(i)); }
  /// Chamber on `segment`, or -1 for a segment without a chamber (or an unknown segment).
  int chamber_of_segment(int segment) const noexcept { return chamber_at(segment); }

  double pressure_mmHg(double t_s, int segment) const noexcept {
    const int c = chamber_at(segment);
    return c < 0 ? 0.0
                 : p_.chamber_pressures_mmHg[static_cast<std::size_t>(c)] *
                       trains_[static_cast<std::size_t>(c)].value(t_s);
  }
  double massage_drive(double t_s, int segment) const noexcept {
    const int c = chamber_at(segment);
    return c < 0 ? 0.0 : trains_[static_cast<std::size_t>(c)].value(t_s);
  }
  /// All chambers' joints in [t0_s, t1_s], sorted and unique.
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const {
    const std::size_t first = out.size();
    for (const auto& tr : trains_) tr.breakpoints(t0_s, t1_s, out);
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()), out.end());
  }

 private:
  int chamber_at(int s) const noexcept {
    return (s >= 0 && s < n_segments()) ? chamber_of_segment_[static_cast<std::size_t>(s)] : -1;
  }
  Params p_;
  std::vector<PulseTrain> trains_;
  std::vector<int> chamber_of_segment_;
};

}  // namespace massagesim::protocols
