#include "expose_parameters.hpp"

#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace py = pybind11;

namespace massagesim::python {
namespace {

/// An owning copy of `ParameterInfo` (whose string_views point into static tables) plus its module.
struct ParameterRecord {
  std::string name, unit, source, description, module;
  double default_value = 0.0, min = 0.0, max = 0.0;
};

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names{"default_calf", "default_forearm"};
  return names;
}

models::SegmentParams preset_params(const std::string& preset) {
  scenario::Scenario sc;
  sc.subject.preset = preset;
  return scenario::subject_params(sc);  // throws UnknownName listing the presets
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
      .def("__repr__", [](const ParameterRecord& r) {
        return "ParameterInfo(name='" + r.name + "', unit='" + r.unit + "', default_value=" +
               std::to_string(r.default_value) + ", min=" + std::to_string(r.min) + ", max=" + std::to_string(r.max) +
               ")";
      });

  m.def(
      "parameter_info",
      []() {
        models::SegmentParams p = models::default_calf_params();
        models::ParameterRegistry reg(p);
        std::vector<ParameterRecord> out;
        for (const auto& e : reg.list())
          out.push_back({std::string(e.info.name), std::string(e.info.unit), std::string(e.info.source),
                         std::string(e.info.description), std::string(e.module), e.info.default_value, e.info.min,
                         e.info.max});
        return out;
      },
      R"doc(Metadata of every segment-model parameter, in module order.

Returns
-------
list of ParameterInfo
    Name, unit, default, physiological range [min, max], source, description, module.
)doc");

  m.def(
      "pool_parameter_info",
      []() {
        std::vector<ParameterRecord> out;
        for (const auto& i : models::lactate_pool_parameter_info)
          out.push_back({std::string(i.name), std::string(i.unit), std::string(i.source), std::string(i.description),
                         "lactate_pool", i.default_value, i.min, i.max});
        return out;
      },
      R"doc(Metadata of the whole-body lactate pool's parameters (limb level: set them through the
``parameters`` of a simulation, not through a scenario's subject overrides).

Returns
-------
list of ParameterInfo
)doc");

  m.def("preset_names", &preset_names, "Names of the subject presets (scenario field subject.preset).");

  m.def(
      "preset_parameters",
      [](const std::string& preset) {
        models::SegmentParams p = preset_params(preset);
        models::ParameterRegistry reg(p);
        std::vector<std::pair<std::string, double>> out;
        for (const auto& e : reg.list()) out.emplace_back(std::string(e.info.name), *e.value);
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
    (name, value) pairs in module order.

Raises
------
UnknownName
    For an unknown preset.
)doc");

  m.def(
      "check_parameter",
      [](const std::string& name, double value, bool allow_out_of_range) {
        models::SegmentParams p = models::default_calf_params();
        models::ParameterRegistry reg(p);
        reg.set(name, value, allow_out_of_range);
      },
      py::arg("name"), py::arg("value"), py::arg("allow_out_of_range") = false,
      R"doc(Validate a parameter value through the registry (the check a scenario override gets).

Raises
------
UnknownName
    For an unknown name (the message lists the nearest names).
InvalidArgument
    For a non-finite value, or one outside [min, max] unless ``allow_out_of_range``.
)doc");
}

}  // namespace massagesim::python
