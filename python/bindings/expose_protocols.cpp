#include "expose_protocols.hpp"

#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "massagesim/protocols/posture.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/protocols/technique.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace py = pybind11;

namespace massagesim::python {

void expose_protocols(py::module_& m) {
  m.def(
      "technique_names",
      []() {
        std::vector<std::string> out;
        for (auto n : protocols::technique_names) out.emplace_back(n);
        return out;
      },
      "Names of the techniques (manual and device), in a fixed order.");

  m.def(
      "is_device_technique", [](const std::string& name) { return protocols::is_device_technique(name); },
      py::arg("name"),
      "True for techniques applied by a device (phase kind 'compression'), False for manual ones ('massage').");

  m.def(
      "phase_kinds",
      []() {
        using protocols::PhaseKind;
        std::vector<std::string> out;
        for (auto k : {PhaseKind::rest, PhaseKind::exercise, PhaseKind::active_recovery, PhaseKind::massage,
                       PhaseKind::compression, PhaseKind::passive_recovery, PhaseKind::posture_change})
          out.emplace_back(protocols::to_string(k));
        return out;
      },
      "Names of the phase kinds a protocol is made of.");

  m.def(
      "posture_catalogue",
      []() {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& i : protocols::posture_catalogue)
          out.emplace_back(std::string(i.name), std::string(i.description));
        return out;
      },
      "Every posture as (name, description): what `subject.initial_posture` and a posture_change phase take.");

  m.def(
      "technique_defaults_json",
      [](const std::string& name) {
        // The scenario writer knows every technique's fields and units: serialise a one-phase
        // protocol holding the defaults and let the caller take the phase out.
        scenario::Scenario sc;
        scenario::PhaseSpec ph;
        ph.kind =
            protocols::is_device_technique(name) ? protocols::PhaseKind::compression : protocols::PhaseKind::massage;
        ph.duration_s = 1.0;
        ph.technique = protocols::default_technique_params(name);  // throws UnknownName
        sc.protocol.push_back(ph);
        return scenario::to_json(sc);
      },
      py::arg("name"),
      R"doc(Default parameters of a technique as scenario JSON (a one-phase protocol).

Parameters
----------
name : str
    A name from :func:`technique_names`.

Returns
-------
str
    Scenario JSON whose ``protocol[0]`` holds the technique and its default fields (unset
    optional fields, e.g. a site end that defaults to the limb end, are left out).

Raises
------
UnknownName
    For an unknown technique (the message lists the known ones).
)doc");
}

}  // namespace massagesim::python
