#pragma once
// C++ exceptions -> Python exceptions with the same message (and, for solver failures, the time,
// step size and state name as attributes). InvalidArgument is a ValueError, UnknownName also a
// KeyError, SolverError a RuntimeError.

#include <pybind11/pybind11.h>

#include "massagesim/core/error.hpp"

namespace massagesim::python {

void expose_errors(pybind11::module_& m);

}  // namespace massagesim::python
