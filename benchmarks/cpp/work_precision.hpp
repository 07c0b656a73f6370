#pragma once
/// \file work_precision.hpp
/// \brief What the peer tables share (`bench_peers.cpp --peers_stiff_table`, `compare_cvode_limb.cpp`):
///        the comparison at matched error on a work-precision curve, number formatting for the
///        tables, and the load average recorded beside the timings.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace massagesim::bench {

/// CPU time of a method at error `e`, interpolated log-log on its work-precision points
/// (error, CPU time) between the two that bracket `e` (points with a non-finite or zero error are
/// left out). When `e` is at or above the least accurate point, that point's time, with `bound` =
/// "<=" if strictly above (the method's time at `e` is then at most that); NaN when no point is
/// as accurate as `e`.
inline double cpu_at_error(std::vector<std::pair<double, double>> pts, double e, std::string& bound) {
  std::erase_if(pts, [](const auto& p) { return !std::isfinite(p.first) || p.first <= 0.0; });
  std::sort(pts.begin(), pts.end());
  bound.clear();
  if (pts.empty() || e < pts.front().first) return NAN;
  if (e >= pts.back().first) {
    bound = e > pts.back().first ? "<=" : "";
    return pts.back().second;
  }
  for (std::size_t k = 0; k + 1 < pts.size(); ++k) {
    const auto [e0, c0] = pts[k];
    const auto [e1, c1] = pts[k + 1];
    if (e >= e0 && e <= e1) {
      if (e1 == e0) return std::min(c0, c1);
      const double f = (std::log(e) - std::log(e0)) / (std::log(e1) - std::log(e0));
      return std::exp(std::log(c0) + f * (std::log(c1) - std::log(c0)));
    }
  }
  return NAN;
}

/// `v` printed with `f` (printf format); empty for NaN and infinity (a blank table cell).
inline std::string fmt(double v, const char* f = "%.3g") {
  if (!std::isfinite(v)) return "";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

/// The first line of /proc/loadavg (the machine is shared: read timings beside it).
inline std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string s;
  std::getline(f, s);
  return s;
}

}  // namespace massagesim::bench
