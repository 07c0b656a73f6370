/// \file parameter_space.cpp
/// \brief The catalogue of settable parameters (parameter_space.hpp): listing, resolution, range checks,
///        and building a limb's parameters from a preset and overrides.

#include "massagesim/models/parameter_space.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/models/parameter_registry.hpp"

namespace massagesim::models {

namespace {

using massagesim::detail::concat;

std::string qualified(std::string_view module, std::string_view name) {
  return std::string(module) + "." + std::string(name);
}

bool is_limb_module(std::string_view m) {
  return std::find(limb_module_names.begin(), limb_module_names.end(), m) != limb_module_names.end();
}

/// Applies `value` to the parameter of limb module `module` named `name` in `lp`.
void set_limb_parameter(LimbParams& lp, std::string_view module, std::string_view name, double value) {
  bool done = false;
  for_each_limb_parameter(lp, [&](std::string_view m, const ParameterInfo& i, double& v) {
    if (!done && m == module && i.name == name) {
      v = value;
      done = true;
    }
  });
}

void check_range(const ResolvedParameter& r, double value, bool allow) {
  MASSAGESIM_CHECK(std::isfinite(value), "parameter ", r.id, ": expected a finite value, got ", value);
  MASSAGESIM_CHECK(allow || (value >= r.info.min && value <= r.info.max), "parameter ", r.id, " [", r.info.unit,
                   "]: expected a value in [", r.info.min, ", ", r.info.max, "] (source: ", r.info.source, "), got ",
                   value, "; pass allow_out_of_range = true to override");
}

}  // namespace

std::vector<ParameterRecord> parameter_space() {
  std::vector<ParameterRecord> out;
  const SegmentParams seg{};
  for_each_parameter(seg, [&](std::string_view module, const ParameterInfo& i, const double&) {
    out.push_back({std::string(i.name), std::string(module), "segment", i});
  });
  const LimbParams limb{};
  for_each_limb_parameter(limb, [&](std::string_view module, const ParameterInfo& i, const double&) {
    out.push_back({qualified(module, i.name), std::string(module), "limb", i});
  });
  return out;
}

ResolvedParameter resolve_parameter(std::string_view name, const std::vector<std::string>& segment_names) {
  const auto space = parameter_space();
  auto find = [&](std::string_view id) -> const ParameterRecord* {
    for (const auto& r : space)
      if (r.id == id) return &r;
    return nullptr;
  };
  auto unknown = [&](const std::string& what) {
    std::vector<std::string> known;
    for (const auto& r : space) known.push_back(r.id);
    return UnknownName(concat(what, "; nearest: ", nearest_names(name, known), " (see parameters())"));
  };
  ResolvedParameter r;
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) {
    if (const auto* p = find(name)) {  // a segment parameter: every segment
      r.target = ResolvedParameter::Target::all_segments;
      r.name = r.id = std::string(name);
      r.info = p->info;
      return r;
    }
    const ParameterRecord* hit = nullptr;
    for (const auto& p : space)
      if (p.level == "limb" && p.info.name == name) {
        if (hit)
          throw UnknownName(
              concat("parameter '", name, "' is ambiguous: both '", hit->id, "' and '", p.id, "'; write the module"));
        hit = &p;
      }
    if (!hit) throw unknown(concat("unknown parameter '", name, "'"));
    r.target = ResolvedParameter::Target::limb;
    r.name = std::string(hit->info.name);
    r.id = hit->id;
    r.info = hit->info;
    return r;
  }
  const std::string head(name.substr(0, dot)), tail(name.substr(dot + 1));
  if (is_limb_module(head)) {
    const auto* p = find(name);
    if (!p) throw unknown(concat("unknown parameter '", tail, "' of limb module '", head, "'"));
    r.target = ResolvedParameter::Target::limb;
    r.name = tail;
    r.id = std::string(name);
    r.info = p->info;
    return r;
  }
  if (segment_names.empty() || std::find(segment_names.begin(), segment_names.end(), head) != segment_names.end()) {
    const auto* p = find(tail);
    if (!p || p->level != "segment")
      throw unknown(concat("parameter '", name, "': unknown segment parameter '", tail, "'"));
    r.target = ResolvedParameter::Target::one_segment;
    r.segment = head;
    r.name = tail;
    r.id = std::string(name);
    r.info = p->info;
    return r;
  }
  std::vector<std::string> heads(segment_names.begin(), segment_names.end());
  for (auto m : limb_module_names) heads.emplace_back(m);
  throw UnknownName(concat("parameter '", name, "': unknown segment '", head, "' (nor a limb-level module); nearest: ",
                           nearest_names(head, heads), " (segments of this limb, then limb modules)"));
}

void check_parameter(std::string_view name, double value, bool allow_out_of_range,
                     const std::vector<std::string>& segment_names) {
  check_range(resolve_parameter(name, segment_names), value, allow_out_of_range);
}

LimbParams build_limb_params(const SegmentParams& preset_in, const std::vector<std::string>& segment_names,
                             const std::vector<double>& segment_lengths_cm,
                             const std::vector<ParameterValue>& overrides, const std::vector<double>& segment_masses_g,
                             const std::vector<std::string>& sides) {
  // Overrides name the model's segments: with sides, "<side>_<segment>".
  const std::vector<std::string> model_names = protocols::limb_segment_names(segment_names, sides);
  for (const auto& n : model_names)
    MASSAGESIM_CHECK(!is_limb_module(n), "limb.segment_names: '", n,
                     "' is the name of a limb-level module; choose another segment name");
  std::vector<ResolvedParameter> resolved;
  resolved.reserve(overrides.size());
  for (std::size_t k = 0; k < overrides.size(); ++k) {
    resolved.push_back(resolve_parameter(overrides[k].name, model_names));
    check_range(resolved.back(), overrides[k].value, overrides[k].allow_out_of_range);
  }
  // Segment-wide overrides go on the preset, so the limb's length scaling acts on them.
  SegmentParams preset = preset_in;
  ParameterRegistry pre(preset);
  for (std::size_t k = 0; k < overrides.size(); ++k)
    if (resolved[k].target == ResolvedParameter::Target::all_segments)
      pre.set(resolved[k].name, overrides[k].value, true);
  LimbParams lp = make_limb_params(preset, segment_names, segment_lengths_cm, -1.0, segment_masses_g, sides);
  bool lumped_mass_given = false;
  for (std::size_t k = 0; k < overrides.size(); ++k) {
    const auto& r = resolved[k];
    if (r.target == ResolvedParameter::Target::one_segment) {
      const auto it = std::find(lp.segment_names.begin(), lp.segment_names.end(), r.segment);
      ParameterRegistry reg(lp.segments[static_cast<std::size_t>(it - lp.segment_names.begin())]);
      reg.set(r.name, overrides[k].value, true);
    } else if (r.target == ResolvedParameter::Target::limb) {
      const std::string module = r.id.substr(0, r.id.find('.'));
      set_limb_parameter(lp, module, r.name, overrides[k].value);
      lumped_mass_given = lumped_mass_given || (module == "lactate_pool" && r.name == "muscle_mass_kg");
    }
  }
  // A segment's mass or muscle fraction set alone moves the limb's muscle: the lumped rest follows.
  if (!lumped_mass_given) lp.muscle.muscle_mass_kg = other_working_muscle_kg(lp.segments);
  return lp;
}

}  // namespace massagesim::models
