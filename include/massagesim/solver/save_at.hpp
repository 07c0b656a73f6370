#pragma once
/// \file save_at.hpp
/// \brief Which times a solve stores. Times between steps come from the stepper's dense output.

#include <vector>

namespace massagesim {

/// What to save. An empty configuration (nothing to save) is an error.
struct SaveAt {
  std::vector<double> ts_s;  ///< increasing times inside [t0, t1] [s], interpolated from dense output
  bool t0 = false;           ///< also save the initial point
  bool t1 = false;           ///< also save the final point
  bool every_step = false;   ///< save the end of every accepted step
};

/// `n` equally spaced times from `a` to `b` inclusive.
inline std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> out(static_cast<std::size_t>(n < 0 ? 0 : n));
  if (n == 1) out[0] = a;
  for (int i = 0; i < n && n > 1; ++i) out[static_cast<std::size_t>(i)] = (i == n - 1) ? b : a + (b - a) * i / (n - 1);
  return out;
}

}  // namespace massagesim
