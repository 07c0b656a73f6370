#include "expose_parameters.hpp"

#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/models/parameter_space.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace py = pybind11;

namespace massagesim::python {
namespace {

/// An owning copy of `ParameterInfo` (whose string_views point into static tables) plus its module.
struct ParameterRecord {
  std::string name, unit, source, description, module, level;
  double default_value = 0.0, min = 0.0, max = 0.0;
};

ParameterRecord record_of(const models::ParameterRecord& r) {
  const auto& i = r.info;
  return {r.id,
          std::string(i.unit),
          std::string(i.source),
          std::string(i.description),
          r.module,
          r.level,
          i.default_value,
          i.min,
          i.max};
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names{"default_calf", "default_forearm"};
  return names;
}

}  // namespace

void expose_parameters(py::module_& m) {
  py::class_<ParameterRecord>(m, "ParameterInfo",
                              "Metadata of one model parameter: unit, default, physiological range, source.")
      .def_readonly("name", &ParameterRecord::name, "Unit-suffixed identifier.")
      .def_readonly("unit", &ParameterRecord::unit, "Unit, e.g. 'mL/mmHg'.")
      .def_readonly("default_value", &ParameterRecord::default_value, "Default (healthy adult, supine).")
      .def_readonly("min", &ParameterRecord::min, "Lower end of the physiological range.")
      .def_readonly("max", &ParameterRecord::max, "Upper end of the physiological range.")
      .def_readonly("source", &ParameterRecord::source, "Citation or 'calibrated to <target>'.")
      .def_readonly("description", &ParameterRecord::description, "One line: what it is.")
      .def_readonly("module", &ParameterRecord::module, "Model module that owns it.")
      .def_readonly("level", &ParameterRecord::level,
                    "'segment' (bare name: every segment; '<segment>.<name>': one) or 'limb' ('<module>.<name>').")
      .def("__repr__", [](const ParameterRecord& r) {
        return "ParameterInfo(name='" + r.name + "', unit='" + r.unit +
               "', default_value=" + std::to_string(r.default_value) + ", min=" + std::to_string(r.min) +
               ", max=" + std::to_string(r.max) + ")";
      });

  m.def(
      "parameter_info",
      []() {
        std::vector<ParameterRecord> out;
        for (const auto& r : models::parameter_space()) out.push_back(record_of(r));
        return out;
      },
      R"doc(Metadata of every parameter a run can set (models/parameter_space.hpp): segment parameters by
their bare name, then the limb-level modules' as ``<module>.<name>``.

Returns
-------
list of ParameterInfo
    Id, unit, default, physiological range [min, max], source, description, module, level.
)doc");

  m.def(
      "canonical_parameter_id", [](const std::string& name) { return models::resolve_parameter(name).id; },
      py::arg("name"),
      R"doc(The catalogue id a name resolves to (``mean_arterial_pressure_mmHg`` ->
``systemic.mean_arterial_pressure_mmHg``; ``distal_calf.tissue_mass_g`` stays as it is).

Raises
------
UnknownName
    For an unknown name (the message lists the nearest ids).
)doc");

  m.def("preset_names", &preset_names, "Names of the subject presets (scenario field subject.preset).");

  m.def(
      "preset_parameters",
      [](const std::string& preset) {
        models::SegmentParams p = scenario::preset_params(preset);
        std::vector<std::pair<std::string, double>> out;
        models::for_each_parameter(p, [&](std::string_view, const ParameterInfo& i, const double& v) {
          out.emplace_back(std::string(i.name), v);
        });
        const models::LimbParams limb{};
        models::for_each_limb_parameter(limb, [&](std::string_view module, const ParameterInfo& i, const double& v) {
          out.emplace_back(std::string(module) + "." + std::string(i.name), v);
        });
        return out;
      },
      py::arg("preset") = "default_calf",
      R"doc(Parameter values of a subject preset.

Parameters
----------
preset : str
    A name from :func:`preset_names`.

Returns
-------
list of (str, float)
    (id, value) pairs in the order of :func:`parameter_info` (limb-level values are the defaults; the
    lumped working muscle's mass is set from the limb's own mass when a limb is built).

Raises
------
UnknownName
    For an unknown preset.
)doc");

  m.def(
      "check_parameter",
      [](const std::string& name, double value, bool allow_out_of_range,
         const std::vector<std::string>& segment_names) {
        models::check_parameter(name, value, allow_out_of_range, segment_names);
      },
      py::arg("name"), py::arg("value"), py::arg("allow_out_of_range") = false,
      py::arg("segment_names") = std::vector<std::string>{},
      R"doc(Validate a parameter value as a scenario override or a run's ``parameters`` is checked (the one
catalogue, models/parameter_space.hpp). ``segment_names``: the limb's segments, for
``<segment>.<name>`` ids (empty: any segment name is accepted).

Raises
------
UnknownName
    For an unknown name (the message lists the nearest names).
InvalidArgument
    For a non-finite value, or one outside [min, max] unless ``allow_out_of_range``.
)doc");
}

}  // namespace massagesim::python
