#pragma once
/// \file parameter_space.hpp
/// \brief The one catalogue of parameter names a run can set, and where each goes.
///
/// Ids (what `parameter_space()` lists, what scenario files, `simulate(parameters=...)`, sweeps and the
/// command line accept):
///  - a segment parameter by its bare name (`tissue_mass_g`): every segment of the limb (set on the
///    subject preset before the limb is divided into segments, so length scaling acts on it);
///  - `<segment>.<name>` (`distal_calf.tissue_mass_g`): one segment, after the limb is built;
///  - `<module>.<name>` for the limb-level modules (`systemic.mean_arterial_pressure_mmHg`,
///    `lactate_pool.pool_volume_L`); a bare limb-level name resolves to its module where it is not also a
///    segment parameter's name (`mean_arterial_pressure_mmHg` -> `systemic.`).
/// The lists come from the modules' own tables (segment.hpp, limb.hpp), never from copies.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/limb.hpp"

namespace massagesim::models {

/// One settable parameter.
struct ParameterRecord {
  std::string id;      ///< what to write: bare for segment parameters, "<module>.<name>" for limb-level ones
  std::string module;  ///< owning module
  std::string level;   ///< "segment" or "limb"
  ParameterInfo info;  ///< unit, default, range, source, description
};

/// Every parameter, segment-level first (module order), then limb-level.
std::vector<ParameterRecord> parameter_space();

/// Where a name resolves to.
struct ResolvedParameter {
  enum class Target { all_segments, one_segment, limb } target = Target::all_segments;
  std::string segment;  ///< for one_segment
  std::string name;     ///< the bare parameter name
  std::string id;       ///< canonical id (`tissue_mass_g`, `distal_calf.tissue_mass_g`, `systemic.…`)
  ParameterInfo info;
};

/// Resolves a name among the segment names of a limb; throws UnknownName listing the nearest ids.
ResolvedParameter resolve_parameter(std::string_view name, const std::vector<std::string>& segment_names = {});

/// One override as a scenario or a run gives it.
struct ParameterValue {
  std::string name;
  double value = 0.0;
  bool allow_out_of_range = false;
};

/// Checks a value against the range of `name` (the check every route applies).
/// \throws UnknownName, InvalidArgument (non-finite, or outside [min, max] unless allowed)
void check_parameter(std::string_view name, double value, bool allow_out_of_range = false,
                     const std::vector<std::string>& segment_names = {});

/// Limb parameters from a preset and overrides, in order: segment-wide ones on the preset (before the
/// limb is divided), then per-segment and limb-level ones on the built limb. `segment_masses_g` (optional,
/// one per segment) gives the segments' tissue masses (segment_tissue.hpp presets); empty: the preset's
/// mass per cm times each length. The pool's lumped other working muscle follows the limb's muscle after
/// every override (`other_working_muscle_kg`), unless `lactate_pool.muscle_mass_kg` is overridden.
/// `sides` (optional): that many limbs of this geometry (two legs, `make_limb_params`); overrides then
/// name their segments "<side>_<segment>" (`protocols::limb_segment_names`).
LimbParams build_limb_params(const SegmentParams& preset, const std::vector<std::string>& segment_names,
                             const std::vector<double>& segment_lengths_cm,
                             const std::vector<ParameterValue>& overrides,
                             const std::vector<double>& segment_masses_g = {},
                             const std::vector<std::string>& sides = {});

}  // namespace massagesim::models
