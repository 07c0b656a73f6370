// massagesim._core: the compiled core of the Python package.
#include <pybind11/pybind11.h>

#include "expose_errors.hpp"
#include "expose_parameters.hpp"
#include "expose_protocols.hpp"
#include "expose_scenario.hpp"
#include "expose_solver.hpp"
#ifdef MASSAGESIM_PYTHON_HAVE_SIMULATION
#include "expose_simulation.hpp"
#endif
#ifdef MASSAGESIM_PYTHON_HAVE_VALIDATION
#include "expose_validation.hpp"
#endif

namespace py = pybind11;
namespace massagesim::python { void expose_benchmarks(py::module_& m); }  // expose_benchmarks.cpp (benchmarks/python)

PYBIND11_MODULE(_core, m) {
  m.doc() = "massagesim compiled core: models, protocols and solvers implemented in C++.";
  m.attr("__version__") = MASSAGESIM_VERSION_INFO;
  massagesim::python::expose_errors(m);
  massagesim::python::expose_solver(m);
  massagesim::python::expose_parameters(m);
  massagesim::python::expose_protocols(m);
  massagesim::python::expose_scenario(m);
  massagesim::python::expose_benchmarks(m);
#ifdef MASSAGESIM_PYTHON_HAVE_SIMULATION
  massagesim::python::expose_simulation(m);
#endif
#ifdef MASSAGESIM_PYTHON_HAVE_VALIDATION
  massagesim::python::expose_validation(m);
#endif
}
