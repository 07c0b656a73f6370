#pragma once
/// \file limits.hpp
/// \brief Limits on scenario values that are valid numbers but not sane runs (issue 17): tolerances,
/// cyclic technique rates, and names that become file names or column labels.
///
/// The scenario loader (`parse_scenario`, `load_scenario`) and the facade (`simulation::simulate`,
/// for scenarios built in code and for option overrides) both apply them, so the C++, Python and
/// command-line routes refuse the same input with the same message.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "massagesim/core/check.hpp"
#include "massagesim/scenario/scenario.hpp"

namespace massagesim::scenario {

/// Sane relative tolerance: below 1e-12 is under what double precision delivers over a long run;
/// above 0.1 the error control no longer means anything.
inline constexpr double min_rtol = 1e-12, max_rtol = 0.1;
/// Sane absolute tolerance (states are mL, mmHg, mmol/L and fractions of order 1e-3 to 1e3).
inline constexpr double min_atol = 1e-15, max_atol = 1e-2;
/// Fastest cyclic technique accepted [Hz]: tapotement, the fastest manual technique, is 5-10 Hz
/// (Micklewright 2006, physiology.md section 3, via protocols/tapotement.hpp); the solver needs >= 10
/// steps per cycle, so faster rates would run for hours rather than be resolved.
inline constexpr double max_rate_Hz = 50.0;
/// Longest scenario, arm or segment name [characters]: the scenario name becomes the stem of output
/// file names, arm and segment names label columns.
inline constexpr std::size_t max_name_chars = 128;

/// A value out of its limits: the field path (e.g. "protocol[1].rate_Hz") and what is wrong.
struct LimitProblem {
  std::string path;
  std::string message;
};

/// Checks a tolerance against [min_rtol, max_rtol] / [min_atol, max_atol].
inline std::optional<std::string> tolerance_problem(std::string_view which, double value) {
  const bool rel = which == "rtol";
  const double lo = rel ? min_rtol : min_atol, hi = rel ? max_rtol : max_atol;
  if (value >= lo && value <= hi) return std::nullopt;
  return detail::concat("expected a tolerance in [", lo, ", ", hi, "], got ", value);
}

namespace limits_detail {
inline std::optional<std::string> label_problem(const std::string& name) {
  for (const char c : name)
    if (const auto u = static_cast<unsigned char>(c); u < 0x20 || u == 0x7f) {
      const char hex[] = "0123456789ABCDEF";
      return detail::concat("'", name.substr(0, std::min<std::size_t>(name.find(c), 40)),
                            "...' contains the control character 0x", hex[u >> 4], hex[u & 15],
                            "; expected printable text");
    }
  if (name.size() > max_name_chars)
    return detail::concat("expected at most ", max_name_chars, " characters, got ", name.size());
  return std::nullopt;
}
}  // namespace limits_detail

/// The first value of `sc` out of its limits, or none. The scenario name must be safe as a file-name
/// stem (no path separators, control characters or NUL, not only dots and spaces); arm and segment
/// names printable; both at most `max_name_chars` long.
inline std::optional<LimitProblem> find_limit_problem(const Scenario& sc) {
  if (const auto p = limits_detail::label_problem(sc.name)) return LimitProblem{"name", *p};
  if (sc.name.find_first_of("/\\") != std::string::npos)
    return LimitProblem{"name", detail::concat("'", sc.name.substr(0, 40),
                                               "' contains a path separator (/ or \\); expected a name without "
                                               "them (it becomes the stem of the output file names)")};
  if (sc.name.find_first_not_of(". ") == std::string::npos)
    return LimitProblem{"name", detail::concat("expected a name other than dots and spaces, got '", sc.name, "'")};
  for (std::size_t i = 0; i < sc.arms.size(); ++i)
    if (const auto p = limits_detail::label_problem(sc.arms[i].name))
      return LimitProblem{detail::concat("arms[", i, "].name"), *p};
  for (std::size_t i = 0; i < sc.limb.segment_names.size(); ++i)
    if (const auto p = limits_detail::label_problem(sc.limb.segment_names[i]))
      return LimitProblem{detail::concat("limb.segment_names[", i, "]"), *p};
  for (std::size_t i = 0; i < sc.limb.sides.size(); ++i)
    if (const auto p = limits_detail::label_problem(sc.limb.sides[i]))
      return LimitProblem{detail::concat("limb.sides[", i, "]"), *p};
  if (const auto p = tolerance_problem("rtol", sc.solver.rtol)) return LimitProblem{"solver.rtol", *p};
  if (const auto p = tolerance_problem("atol", sc.solver.atol)) return LimitProblem{"solver.atol", *p};
  for (std::size_t i = 0; i < sc.protocol.size(); ++i) {
    if (!sc.protocol[i].technique) continue;
    const double rate = std::visit(
        [](const auto& t) {
          if constexpr (requires { t.rate_Hz; })
            return t.rate_Hz;
          else
            return 0.0;
        },
        *sc.protocol[i].technique);
    if (rate > max_rate_Hz)
      return LimitProblem{detail::concat("protocol[", i, "].rate_Hz"),
                          detail::concat("expected at most ", max_rate_Hz,
                                         " Hz (tapotement, the fastest manual technique, is 5-10 Hz; faster cycles "
                                         "cannot be resolved in reasonable time), got ",
                                         rate)};
  }
  return std::nullopt;
}

/// Throws `InvalidArgument` ("<path>: <message>") for the first value of `sc` out of its limits.
inline void check_limits(const Scenario& sc) {
  if (const auto p = find_limit_problem(sc)) throw InvalidArgument(p->path + ": " + p->message);
}

}  // namespace massagesim::scenario
