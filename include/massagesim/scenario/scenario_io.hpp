#pragma once
/// \file scenario_io.hpp
/// \brief Scenario files: JSON in, JSON out, the embedded default scenario (implemented in
/// src/scenario_io.cpp, target `massagesim::runtime`).
///
/// The format is published as `schemas/scenario.schema.json` (JSON Schema draft 2020-12); every
/// physical field carries its unit in its name (`duration_s`, `pressure_mmHg`, `rate_Hz`,
/// `speed_cm_per_s`). Errors throw `InvalidArgument` (or `UnknownName` for an unknown technique,
/// phase kind, preset, parameter or output) with a message that starts with the file name, then
/// the field path (e.g. `protocol[2].pressure_mmHg`), then what is allowed and what was given.

#include <filesystem>
#include <string>
#include <string_view>

#include "massagesim/models/parameter_space.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/scenario/scenario.hpp"

namespace massagesim::scenario {

/// Version of the file format written by `to_json` and accepted by the parser.
inline constexpr int scenario_format_version = 1;

/// Reads and validates a scenario file.
/// \throws InvalidArgument / UnknownName (message prefixed with the path) on any bad input,
///         including a file that cannot be read
Scenario load_scenario(const std::filesystem::path& path);

/// Parses and validates scenario JSON; `source_name` prefixes error messages.
/// \throws InvalidArgument / UnknownName
Scenario parse_scenario(std::string_view json_text, std::string_view source_name = "<string>");

/// The scenario as JSON (2-space indent, fields in schema order, unset optionals left out).
/// `parse_scenario(to_json(s))` gives back `s`.
std::string to_json(const Scenario& sc);

/// The embedded default scenario (post-exercise leg recovery, massage vs passive); its text is
/// `default_scenario_json()`, identical to `scenarios/default.json`.
Scenario default_scenario();
/// The JSON text of the default scenario.
std::string_view default_scenario_json() noexcept;

/// Segment parameters of a subject preset ("default_calf", "default_forearm").
/// \throws UnknownName for an unknown preset, listing the presets
models::SegmentParams preset_params(const std::string& preset);

/// Segment parameters of the scenario's subject: its preset with the scenario's segment-wide overrides
/// applied in order (per-segment and limb-level overrides act on the built limb: `scenario_limb_params`).
/// \throws UnknownName for an unknown preset or parameter; InvalidArgument out of range
models::SegmentParams subject_params(const Scenario& sc);

/// The limb parameters a scenario runs with: its preset divided into its limb's segments, with the
/// scenario's parameter overrides and then `extra` ones (models/parameter_space.hpp: segment-wide,
/// per-segment and limb-level ids), each range-checked unless it allows otherwise.
/// \throws UnknownName, InvalidArgument
models::LimbParams scenario_limb_params(const Scenario& sc, const std::vector<models::ParameterValue>& extra = {});

/// The lactate thresholds of limb parameters `lp` (`production_threshold_intensity`: the lactate pool's and
/// each segment's), to which a phase's `intensity_fraction_lactate_threshold` refers (`build_schedule`).
LactateThresholds scenario_lactate_thresholds(const models::LimbParams& lp);

/// Bare quantity names of the output catalogue (models/output_catalogue.hpp): segment states, outputs and
/// inputs, then limb-level quantities. `outputs.names` also takes "<segment>.<quantity>".
std::vector<std::string> known_output_names();

}  // namespace massagesim::scenario
