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
#include "massagesim/core/names.hpp"
#include "massagesim/core/parameter.hpp"
#include "massagesim/models/segment.hpp"

namespace massagesim::models {

/// One registered parameter: its metadata, the module that owns it, and where its value lives.
struct ParameterEntry {
  ParameterInfo info;
  std::string_view module;
  double* value;
};

/// Name-based access to the parameters of composed parameters (a segment's `Params`, which must outlive
/// the registry): every parameter of every module of the composition, in module order.
class ParameterRegistry {
 public:
  template <class P>
  explicit ParameterRegistry(P& params) {
    for_each_parameter(params, [&](std::string_view module, const ParameterInfo& i, double& v) {
      entries_.push_back({i, module, &v});
    });
  }

  /// Every parameter, in module order.
  std::span<const ParameterEntry> list() const { return entries_; }

  /// The entry of `name`; throws UnknownName with the nearest names.
  const ParameterEntry& entry(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.info.name == name) return e;
    std::vector<std::string_view> known;
    for (const auto& e : entries_) known.push_back(e.info.name);
    throw UnknownName(
        massagesim::detail::concat("unknown parameter '", name, "'; nearest: ", nearest_names(name, known)));
  }

  double get(std::string_view name) const { return *entry(name).value; }

  /// Sets `name` to `value`; throws InvalidArgument outside [min, max] unless `allow_out_of_range`.
  void set(std::string_view name, double value, bool allow_out_of_range = false) {
    const ParameterEntry& e = entry(name);
    MASSAGESIM_CHECK(std::isfinite(value), "parameter ", name, ": expected a finite value, got ", value);
    MASSAGESIM_CHECK(allow_out_of_range || (value >= e.info.min && value <= e.info.max), "parameter ", name, " [",
                     e.info.unit, "]: expected a value in [", e.info.min, ", ", e.info.max,
                     "] (source: ", e.info.source, "), got ", value, "; pass allow_out_of_range = true to override");
    *e.value = value;
  }

 private:
  std::vector<ParameterEntry> entries_;
};

}  // namespace massagesim::models
