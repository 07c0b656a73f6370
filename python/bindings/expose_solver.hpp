#pragma once
#include <pybind11/pybind11.h>

namespace massagesim::python {

/// Solver-level bindings (model-agnostic): the demo used by `massagesim demo`.
void expose_solver(pybind11::module_& m);

}  // namespace massagesim::python
