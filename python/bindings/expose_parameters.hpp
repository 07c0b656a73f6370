#pragma once
#include <pybind11/pybind11.h>

namespace massagesim::python {

/// Parameter metadata and values of the segment model (models/parameter_registry.hpp).
void expose_parameters(pybind11::module_& m);

}  // namespace massagesim::python
