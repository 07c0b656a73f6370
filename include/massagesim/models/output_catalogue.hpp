#pragma once
/// \file output_catalogue.hpp
/// \brief The one catalogue of output names: every quantity a run can record, with its unit, level and
///        description, read from the modules' own tables (segment.hpp, limb.hpp). Scenario files, the
///        facade, the bindings and the Python package (units of columns, xarray, SBML) ask it.
///
/// Naming: a segment quantity is "<segment>.<quantity>" ("proximal_calf.venous_outflow_mL_per_min"); its
/// bare name in a request means every segment, distal first. Limb-level quantities are bare
/// ("blood_lactate_mmol_per_L").

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/segment.hpp"

namespace massagesim::models {

/// What kind of quantity an output is (how the facade computes it).
enum class OutputKind { state, derived, input, limb };

/// One catalogue entry.
struct OutputRecord {
  std::string_view name;
  std::string_view unit;
  std::string_view level;  ///< "segment" or "limb"
  OutputKind kind;
  int index;  ///< within its kind (state index, output index, input index, limb index)
  std::string_view description;
};

/// The inputs of a segment recorded as outputs (what the protocol applies), in `SegmentInputs` terms.
inline constexpr std::array<OutputInfo, 6> segment_input_outputs{{
    {"applied_pressure_mmHg", "mmHg", "external pressure applied to the skin of the segment"},
    {"massage_drive", "1", "mechanoreceptor stimulation 0..1 (reflex inhibition)"},
    {"exercise_intensity", "fraction of VO2max", "exercise intensity of the segment's muscle"},
    {"height_above_heart_cm", "cm", "height of the segment above the heart (posture)"},
    {"contraction_pressure_mmHg", "mmHg", "intramuscular pressure of rhythmic contractions (the muscle pump)"},
    {"muscle_flow_multiplier", "1", "prescribed factor on the muscle's blood-flow conductance (1: none)"},
}};

/// The value of input k of `in` (order of `segment_input_outputs`).
inline double segment_input_value(const SegmentInputs& in, int k) {
  switch (k) {
    case 0:
      return in.applied_pressure_mmHg;
    case 1:
      return in.massage_drive;
    case 2:
      return in.exercise_intensity;
    case 3:
      return in.height_above_heart_cm;
    case 4:
      return in.contraction_pressure_mmHg;
    default:
      return in.muscle_flow_multiplier;
  }
}

/// Every quantity: segment states, segment outputs, segment inputs, then limb-level quantities.
inline const std::vector<OutputRecord>& output_catalogue() {
  static const std::vector<OutputRecord> c = [] {
    std::vector<OutputRecord> out;
    for (std::size_t k = 0; k < Segment::state_info.size(); ++k) {
      const auto& s = Segment::state_info[k];
      out.push_back({s.name, s.unit, "segment", OutputKind::state, static_cast<int>(k), s.description});
    }
    for (std::size_t k = 0; k < Segment::output_info.size(); ++k) {
      const auto& o = Segment::output_info[k];
      out.push_back({o.name, o.unit, "segment", OutputKind::derived, static_cast<int>(k), o.description});
    }
    for (std::size_t k = 0; k < segment_input_outputs.size(); ++k) {
      const auto& o = segment_input_outputs[k];
      out.push_back({o.name, o.unit, "segment", OutputKind::input, static_cast<int>(k), o.description});
    }
    for (std::size_t k = 0; k < limb_output_info.size(); ++k) {
      const auto& o = limb_output_info[k];
      out.push_back({o.name, o.unit, "limb", OutputKind::limb, static_cast<int>(k), o.description});
    }
    return out;
  }();
  return c;
}

/// The entry of a bare quantity name, or nullptr.
inline const OutputRecord* find_output(std::string_view name) {
  for (const auto& r : output_catalogue())
    if (r.name == name) return &r;
  return nullptr;
}

/// Every output name of a limb with these segments: limb-level first, then each segment's quantities.
inline std::vector<std::string> output_names(const std::vector<std::string>& segment_names) {
  std::vector<std::string> out;
  for (const auto& r : output_catalogue())
    if (r.level == "limb") out.emplace_back(r.name);
  for (const auto& s : segment_names)
    for (const auto& r : output_catalogue())
      if (r.level == "segment") out.push_back(s + "." + std::string(r.name));
  return out;
}

/// True when `name` names an output of a limb with these segments (bare segment quantities included).
inline bool is_output_name(std::string_view name, const std::vector<std::string>& segment_names) {
  if (find_output(name)) return true;
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const auto* r = find_output(name.substr(dot + 1));
  if (!r || r->level != "segment") return false;
  const std::string_view seg = name.substr(0, dot);
  for (const auto& s : segment_names)
    if (s == seg) return true;
  return false;
}

}  // namespace massagesim::models
