#pragma once
/// \file exercise.hpp
/// \brief Validation area "exercise" (issue 12): targets computed by running a scenario through
///        `simulation::simulate`, the path `massagesim run` and `ms.simulate` take, on the default subject.
///        Compiled in src/validation_exercise.cpp; results cached on first use.

#include <string_view>

#include "massagesim/scenario/scenario.hpp"

namespace massagesim::validation {

/// The scenario of E1, identical to scenarios/one_leg_knee_extension.json (a test compares them).
std::string_view knee_extension_scenario_text();
scenario::Scenario knee_extension_scenario();

/// E1 Radegran G (1999) J Appl Physiol 87:2375: one-legged knee extension at peak effort. The working
/// segments' (thigh) perfusion and O2 uptake per 100 g, mass-weighted, averaged over the last 30 s of the
/// exercise phase; and the non-working calf's inflow relative to its rest.
struct KneeExtensionResult {
  double perfusion_mL_per_min_per_100g = 0.0;
  double vo2_mL_per_min_per_100g = 0.0;
  double calf_inflow_over_rest = 0.0;
};
const KneeExtensionResult& e1_radegran1999();

}  // namespace massagesim::validation
