#pragma once
/// \file extra_modules.hpp
/// \brief Modules compiled into the library from one header outside the model files.
///
/// Configure with `-DMASSAGESIM_EXTRA_MODULES=/path/to/my_module.hpp` (CMake, or
/// `pip install . -Ccmake.define.MASSAGESIM_EXTRA_MODULES=...`). That header is included here and, when
/// `MASSAGESIM_EXTRA_MODULES_HEADER` is defined, declares two lists in `massagesim::models::extra_modules`:
/// `segment` (added to every segment's modules, before the fluid audit, whose accumulators stay last) and `limb`
/// (appended to the limb-level modules). Every layer then has them: parameters (scenario files,
/// `simulate(parameters=...)`, sweeps), states and outputs with units, rest state, solvers and SBML symbols
/// (docs/architecture.md "Adding a module"; tests/cpp/models/toy_module.hpp is the example the test suite builds).

#include "massagesim/models/module.hpp"

#ifdef MASSAGESIM_EXTRA_MODULES_HEADER
#include MASSAGESIM_EXTRA_MODULES_HEADER
#else
namespace massagesim::models::extra_modules {
using segment = ModuleList<>;
using limb = ModuleList<>;
}  // namespace massagesim::models::extra_modules
#endif
