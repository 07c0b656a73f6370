#pragma once
/// \file parameter_registry.hpp
/// \brief List, get and set a segment's parameters by name, with unit, range and source.
///
/// Setting a value outside the parameter's physiological range throws `InvalidArgument` (with the
/// range and the source) unless the caller passes `allow_out_of_range = true`; an unknown name
/// throws `UnknownName` listing the nearest valid names by edit distance.

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/parameter.hpp"
#include "massagesim/models/segment.hpp"

namespace massagesim::models {

/// One registered parameter: its metadata, the module that owns it, and where its value lives.
struct ParameterEntry {
  ParameterInfo info;
  std::string_view module;
  double* value;
};

namespace detail {

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The members of a parameter struct of doubles, in declaration order (the order of its info table).
template <class P, std::size_t N>
void register_block(std::vector<ParameterEntry>& out, P& params, const std::array<ParameterInfo, N>& info,
                    std::string_view module) {
  static_assert(sizeof(P) == N * sizeof(double), "parameter struct and its info table disagree in length");
  double* base = reinterpret_cast<double*>(&params);
  for (std::size_t i = 0; i < N; ++i) out.push_back({info[i], module, base + i});
}

}  // namespace detail

/// Name-based access to the parameters of one `SegmentParams` (which must outlive the registry).
class ParameterRegistry {
 public:
  explicit ParameterRegistry(SegmentParams& params) {
    detail::register_block(entries_, params.tissue, segment_tissue_parameter_info, "segment");
    detail::register_block(entries_, params.hemodynamics, hemodynamics_parameter_info, "hemodynamics");
    detail::register_block(entries_, params.lymph, interstitium_lymph_parameter_info, "interstitium_lymph");
    detail::register_block(entries_, params.metabolites, metabolites_parameter_info, "metabolites");
    detail::register_block(entries_, params.tone, muscle_tone_parameter_info, "muscle_tone");
  }

  /// Every parameter, in module order.
  std::span<const ParameterEntry> list() const { return entries_; }

  /// The entry of `name`; throws UnknownName with the nearest names.
  const ParameterEntry& entry(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.info.name == name) return e;
    std::vector<std::pair<std::size_t, std::string_view>> d;
    for (const auto& e : entries_) d.emplace_back(detail::edit_distance(name, e.info.name), e.info.name);
    std::sort(d.begin(), d.end());
    std::string near;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, d.size()); ++i)
      near += (i ? "', '" : "") + std::string(d[i].second);
    throw UnknownName(massagesim::detail::concat("unknown parameter '", name, "'; nearest: '", near, "'"));
  }

  double get(std::string_view name) const { return *entry(name).value; }

  /// Sets `name` to `value`; throws InvalidArgument outside [min, max] unless `allow_out_of_range`.
  void set(std::string_view name, double value, bool allow_out_of_range = false) {
    const ParameterEntry& e = entry(name);
    MASSAGESIM_CHECK(std::isfinite(value), "parameter ", name, ": expected a finite value, got ", value);
    MASSAGESIM_CHECK(allow_out_of_range || (value >= e.info.min && value <= e.info.max), "parameter ", name, " [",
                     e.info.unit, "]: expected a value in [", e.info.min, ", ", e.info.max, "] (source: ", e.info.source,
                     "), got ", value, "; pass allow_out_of_range = true to override");
    *e.value = value;
  }

 private:
  std::vector<ParameterEntry> entries_;
};

}  // namespace massagesim::models
