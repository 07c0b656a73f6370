#pragma once
// Helpers for breakpoint tests: is a function smooth away from a list of times, and is it
// really non-smooth at each listed time?

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace massagesim::test {

using Fn = std::function<double(double)>;

/// Bounds of a function between breakpoints: |f'| <= max_slope, |f''| <= max_curvature.
struct SmoothBounds {
  double max_slope = 0.0;
  double max_curvature = 0.0;
};

/// Dense sampling over [t0, t1]: every pair/triple of samples not straddling a listed breakpoint
/// must respect the slope and curvature bounds (a jump or kink would not). Returns the number of
/// violations and reports the first few.
inline int unlisted_jumps(const Fn& f, const std::vector<double>& bps, double t0, double t1, int n, SmoothBounds b,
                          const std::string& what) {
  const double dt = (t1 - t0) / n;
  auto straddles = [&](double a, double c) {
    auto it = std::lower_bound(bps.begin(), bps.end(), a - 1e-12);
    return it != bps.end() && *it <= c + 1e-12;
  };
  int bad = 0;
  double fm = f(t0), f0 = f(t0 + dt);
  for (int k = 1; k < n; ++k) {
    const double tm = t0 + (k - 1) * dt, tc = t0 + k * dt, tp = t0 + (k + 1) * dt;
    const double fp = f(tp);
    if (!straddles(tc, tp)) {
      const double slack = 1e-9 * (1.0 + std::abs(f0));
      if (std::abs(fp - f0) > b.max_slope * dt * 1.001 + slack) {
        if (bad++ < 5)
          ADD_FAILURE() << what << ": unlisted jump between " << tc << " and " << tp << " s: " << f0 << " -> " << fp;
      } else if (!straddles(tm, tp) && std::abs(fp - 2.0 * f0 + fm) > b.max_curvature * dt * dt * 1.01 + 4.0 * slack) {
        if (bad++ < 5)
          ADD_FAILURE() << what << ": unlisted kink near " << tc << " s (second difference " << fp - 2.0 * f0 + fm
                        << ")";
      }
    }
    fm = f0;
    f0 = fp;
  }
  return bad;
}

/// Size of the jump in value, slope and curvature of f at tb, from one-sided differences with step h.
struct Jumps {
  double value, slope, curvature;
};
inline Jumps jumps_at(const Fn& f, double tb, double h) {
  const double l1 = f(tb - h), l2 = f(tb - 2 * h), l3 = f(tb - 3 * h);
  const double r0 = f(tb), r1 = f(tb + h), r2 = f(tb + 2 * h);
  const double left_value = 3.0 * l1 - 3.0 * l2 + l3;  // quadratic extrapolation to tb
  const double left_slope = (3.0 * l1 - 4.0 * l2 + l3) / (2.0 * h);
  const double right_slope = (-3.0 * r0 + 4.0 * r1 - r2) / (2.0 * h);
  const double left_curv = (l1 - 2.0 * l2 + l3) / (h * h);
  const double right_curv = (r0 - 2.0 * r1 + r2) / (h * h);
  return {r0 - left_value, right_slope - left_slope, right_curv - left_curv};
}

/// Whether f is non-smooth at tb (value, slope or curvature jumps by more than the thresholds).
inline bool non_smooth_at(const Fn& f, double tb, double h, double value_tol, double slope_tol, double curv_tol) {
  const Jumps j = jumps_at(f, tb, h);
  return std::abs(j.value) > value_tol || std::abs(j.slope) > slope_tol || std::abs(j.curvature) > curv_tol;
}

}  // namespace massagesim::test
