#pragma once
// massagesim._core: the validation report (include/massagesim/validation/targets.hpp).
#include <pybind11/pybind11.h>

namespace massagesim::python {
void expose_validation(pybind11::module_& m);
}  // namespace massagesim::python
