// massagesim._core: the compiled core of the Python package.
#include <pybind11/pybind11.h>

#include "expose_errors.hpp"
#include "expose_parameters.hpp"
#include "expose_protocols.hpp"
#include "expose_scenario.hpp"
#include "expose_simulation.hpp"
#include "expose_solver.hpp"
#include "expose_validation.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "massagesim compiled core: models, protocols and solvers implemented in C++.";
  m.attr("__version__") = MASSAGESIM_VERSION_INFO;
  massagesim::python::expose_errors(m);
  massagesim::python::expose_solver(m);
  massagesim::python::expose_parameters(m);
  massagesim::python::expose_protocols(m);
  massagesim::python::expose_scenario(m);
  massagesim::python::expose_simulation(m);
  massagesim::python::expose_validation(m);
}
