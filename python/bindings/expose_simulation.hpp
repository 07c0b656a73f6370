#pragma once
#include <pybind11/pybind11.h>

namespace massagesim::python {

/// The simulation facade (simulation/simulation.hpp): simulate, simulate_batch, output and metric names.
/// Compiled only when the runtime library has src/simulation.cpp (MASSAGESIM_PYTHON_HAVE_SIMULATION).
void expose_simulation(pybind11::module_& m);

}  // namespace massagesim::python
