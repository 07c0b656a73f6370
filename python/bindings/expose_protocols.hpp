#pragma once
#include <pybind11/pybind11.h>

namespace massagesim::python {

/// Techniques (names, default parameters), phase kinds and postures (protocols/).
void expose_protocols(pybind11::module_& m);

}  // namespace massagesim::python
