#include "expose_scenario.hpp"

#include <string>
#include <vector>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/scenario/scenario.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace py = pybind11;

namespace massagesim::python {

void expose_scenario(py::module_& m) {
  using scenario::Scenario;
  py::class_<Scenario>(m, "Scenario", R"doc(A validated scenario (subject, limb, parameter overrides, protocol,
arms, outputs, solver options). Immutable from Python: build a new one from JSON to change it.
Picklable (through its JSON form).)doc")
      .def_static(
          "from_json",
          [](const std::string& text, const std::string& source_name) {
            return scenario::parse_scenario(text, source_name);
          },
          py::arg("text"), py::arg("source_name") = "<string>",
          "Parse and validate scenario JSON; ``source_name`` prefixes error messages. Raises InvalidArgument / "
          "UnknownName.")
      .def_static("load", &scenario::load_scenario, py::arg("path"),
                  "Read and validate a scenario JSON file. Raises InvalidArgument / UnknownName.")
      .def_static("default", &scenario::default_scenario,
                  "The embedded default scenario (post-exercise leg recovery, massage vs passive).")
      .def("to_json", &scenario::to_json, "The scenario as JSON text (parse_scenario(to_json(s)) gives s back).")
      .def_readonly("name", &Scenario::name)
      .def_readonly("description", &Scenario::description)
      .def_property_readonly("preset", [](const Scenario& s) { return s.subject.preset; })
      .def_property_readonly("segment_names", [](const Scenario& s) { return s.limb.model_segment_names(); })
      .def_property_readonly("segment_lengths_cm",
                             [](const Scenario& s) {
                               std::vector<double> out;  // one per model segment, limb after limb
                               for (int k = 0; k < s.limb.n_sides(); ++k)
                                 out.insert(out.end(), s.limb.segment_lengths_cm.begin(),
                                            s.limb.segment_lengths_cm.end());
                               return out;
                             })
      .def_property_readonly("sides", [](const Scenario& s) { return s.limb.sides; })
      .def_property_readonly(
          "segment_masses_g",
          [](const Scenario& s) {
            std::vector<double> m;
            for (const auto& p : scenario::scenario_limb_params(s).segments) m.push_back(p.tissue_mass_g);
            return m;
          },
          "Tissue mass of each segment [g] as a run builds it: the subject preset's mass per cm, or "
          "limb.segment_tissue / limb.segment_mass_g, then the parameter overrides.")
      .def_property_readonly("arm_names",
                             [](const Scenario& s) {
                               std::vector<std::string> out;
                               for (const auto& a : s.arms) out.push_back(a.name);
                               return out;
                             })
      .def_property_readonly("output_names", [](const Scenario& s) { return s.outputs.names; })
      .def_property_readonly("save_every_s", [](const Scenario& s) { return s.outputs.save_every_s; })
      .def_property_readonly("stepper", [](const Scenario& s) { return s.solver.stepper; })
      .def_property_readonly("rtol", [](const Scenario& s) { return s.solver.rtol; })
      .def_property_readonly("atol", [](const Scenario& s) { return s.solver.atol; })
      .def_property_readonly("dt_max_s", [](const Scenario& s) { return s.solver.dt_max_s; })
      .def_property_readonly(
          "duration_s",
          [](const Scenario& s) {
            return s.schedule ? s.schedule->duration_s() : scenario::build_schedule(s).duration_s();
          },
          "Duration of the protocol [s].")
      .def_property_readonly(
          "parameter_overrides",
          [](const Scenario& s) {
            std::vector<std::pair<std::string, double>> out;
            for (const auto& o : s.parameters) out.emplace_back(o.name, o.value);
            return out;
          },
          "(name, value) overrides applied to the subject preset, in order.")
      .def(py::pickle([](const Scenario& s) { return scenario::to_json(s); },
                      [](const std::string& text) { return scenario::parse_scenario(text, "<pickle>"); }))
      .def("__repr__", [](const Scenario& s) { return "<massagesim._core.Scenario '" + s.name + "'>"; });

  m.def(
      "default_scenario_json", []() { return std::string(scenario::default_scenario_json()); },
      "The JSON text of the embedded default scenario (identical to scenarios/default.json).");
  m.def(
      "segment_tissue_presets",
      []() {
        std::vector<py::dict> out;
        for (const auto& p : models::segment_tissue_presets) {
          py::dict d;
          d["name"] = std::string(p.name);
          d["mass_per_cm_g"] = p.mass_per_cm_g();
          d["body_mass_fraction"] = p.body_mass_fraction;
          d["height_fraction"] = p.height_fraction;
          d["description"] = std::string(p.description);
          out.push_back(std::move(d));
        }
        return out;
      },
      "The tissue presets of limb.segment_tissue (models/segment_tissue.hpp): name, mass per cm of a reference "
      "adult of 75 kg and 175 cm [g/cm], segment mass / body mass, segment length / height, description.");
  m.def("known_output_names", &scenario::known_output_names,
        "Names accepted in outputs.names: segment states, segment observables and schedule inputs.");
  m.def(
      "subject_parameters",
      [](const Scenario& s) {
        const models::SegmentParams p = scenario::subject_params(s);
        std::vector<std::pair<std::string, double>> out;
        models::for_each_parameter(p, [&](std::string_view, const ParameterInfo& i, const double& v) {
          out.emplace_back(std::string(i.name), v);
        });
        const models::LimbParams limb = scenario::scenario_limb_params(s);
        models::for_each_limb_parameter(limb, [&](std::string_view module, const ParameterInfo& i, const double& v) {
          out.emplace_back(std::string(module) + "." + std::string(i.name), v);
        });
        return out;
      },
      py::arg("scenario"),
      "Parameter values the scenario's subject runs with (preset plus overrides): segment parameters by name, then "
      "the limb-level modules' ('<module>.<name>'), in the order of parameter_info().");
}

}  // namespace massagesim::python
