#pragma once
/// \file schedule.hpp
/// \brief Piecewise-constant segment inputs (the minimal protocol of the validation runs) with their
///        breakpoints: rest, square pressure cycles, cuff occlusions.

#include <algorithm>
#include <vector>

#include "massagesim/models/segment.hpp"

namespace massagesim::validation {

/// Inputs that switch at given times; `breakpoints()` are the switching times.
struct Schedule {
  std::vector<double> t_start_s;              ///< increasing; first entry is the start time
  std::vector<models::SegmentInputs> inputs;  ///< inputs from t_start_s[i] on

  models::SegmentInputs operator()(double t) const {
    const auto it = std::upper_bound(t_start_s.begin(), t_start_s.end(), t);
    const std::size_t i = it == t_start_s.begin() ? 0 : static_cast<std::size_t>(it - t_start_s.begin() - 1);
    return inputs[i];
  }
  std::vector<double> breakpoints() const { return t_start_s; }

  void add(double t_s, models::SegmentInputs in) {
    t_start_s.push_back(t_s);
    inputs.push_back(in);
  }
  /// Square pressure cycles from t0: `on_s` at `pressure_mmHg`, then `off_s` at base pressure, `n` times.
  void add_cycles(double t0_s, int n, double on_s, double off_s, double pressure_mmHg, models::SegmentInputs base) {
    for (int k = 0; k < n; ++k) {
      models::SegmentInputs on = base;
      on.applied_pressure_mmHg = pressure_mmHg;
      on.massage_drive = 1.0;
      add(t0_s + k * (on_s + off_s), on);
      add(t0_s + k * (on_s + off_s) + on_s, base);
    }
  }
};

}  // namespace massagesim::validation
