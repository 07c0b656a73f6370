// massagesim._core: the compiled core of the Python package.
#include <pybind11/pybind11.h>

#include "expose_errors.hpp"
#include "expose_solver.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "massagesim compiled core: models, protocols and solvers implemented in C++.";
  m.attr("__version__") = MASSAGESIM_VERSION_INFO;
  massagesim::python::expose_errors(m);
  massagesim::python::expose_solver(m);
}
