#pragma once
/// \file scenario_export.hpp
/// \brief Exports one arm of a scenario (its limb, or its first segment alone, driven by its protocol)
/// as recorded equations, and writes them as JSON for the SBML and SciPy code generators
/// (python/massagesim/sbml.py). Implemented in src/model_export.cpp (massagesim::runtime).

#include <optional>
#include <string>

#include "massagesim/scenario/scenario.hpp"
#include "massagesim/symbolic/model_export.hpp"

namespace massagesim::symbolic {

/// What to export.
enum class ExportKind {
  limb,     ///< the scenario's limb of N segments with the whole-body lactate pool
  segment,  ///< its first segment alone (the subject's preset), arterial lactate fixed at rest (1 mmol/L)
};

/// Records arm `arm` (empty: the first) of `scenario` from its rest state at t = 0 up to t1_s
/// (default: the end of the protocol). The protocol's inputs are recorded as functions of time.
/// \throws UnknownName for an unknown arm; InvalidArgument for t1_s <= 0
ExportedModel export_scenario(const scenario::Scenario& scenario, const std::string& arm = {},
                              ExportKind kind = ExportKind::limb, std::optional<double> t1_s = {});

/// The JSON the Python code generators read ("massagesim-model-graph", version 1): states with
/// initial values and rates (SBML infix and Python), parameters with unit/range/source,
/// intermediate assignments in dependency order, output ids, breakpoints.
std::string to_json(const ExportedModel& model, int indent = -1);

}  // namespace massagesim::symbolic
