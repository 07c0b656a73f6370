#pragma once
#include <pybind11/pybind11.h>

namespace massagesim::python {

/// Scenarios: parse, load, write (JSON), the embedded default, derived facts (scenario/).
void expose_scenario(pybind11::module_& m);

}  // namespace massagesim::python
