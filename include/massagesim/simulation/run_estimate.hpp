#pragma once
/// \file run_estimate.hpp
/// \brief What a run will cost, estimated before it starts, and the checks `simulate` applies up
/// front (issue 17): sane values (scenario/limits.hpp), output memory and solver work below limits
/// the user can raise. Implemented in `src/run_estimate.cpp` (library `massagesim::runtime`).

#include "massagesim/scenario/scenario.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace massagesim::simulation {

/// Environment variable raising `RunLimits::max_output_MB`.
inline constexpr const char* max_output_MB_env = "MASSAGESIM_MAX_OUTPUT_MB";
/// Environment variable raising `RunLimits::max_work_steps`.
inline constexpr const char* max_work_steps_env = "MASSAGESIM_MAX_STEPS";

/// Limits a run is checked against before it starts.
struct RunLimits {
  /// Largest estimated memory of the saved states and outputs of one run [MB].
  double max_output_MB = 2048.0;
  /// Largest estimated solver steps x limb segments: about an hour on one idle core (~3e-5 s per
  /// step and segment with Rodas4, measured on the default scenario).
  double max_work_steps = 1e8;
  /// The defaults, each replaced by its environment variable when set (`max_output_MB_env`,
  /// `max_work_steps_env`). \throws InvalidArgument when one is set but not a positive number
  static RunLimits from_environment();
};

/// What a run will cost, estimated before it starts.
struct RunEstimate {
  int n_arms = 1;
  double duration_s = 0.0;
  double save_every_s = 1.0;
  double n_saves = 0.0;       ///< save points per arm
  int n_values = 0;           ///< values per save point (the states kept by the solver, plus the outputs)
  double memory_MB = 0.0;     ///< n_saves x n_values x 8 bytes x n_arms (0 without traces)
  double solver_steps = 0.0;  ///< estimated accepted steps over all arms
  int n_segments = 1;
  /// Solver steps x segments: what `RunLimits::max_work_steps` bounds (a step costs ~ a segment's RHS).
  double work_steps() const { return solver_steps * n_segments; }
};

/// Estimates memory and work of `simulate(scenario, options)`: the steps from the protocol's length
/// over dt_max_s, plus per cycle of each cyclic technique and per phase, scaled by rtol^(-1/4).
RunEstimate estimate_run(const scenario::Scenario& scenario, const SimulationOptions& options = {});

/// Throws `InvalidArgument` when `estimate` exceeds `limits`, saying by how much, how to make the
/// run cheaper and which environment variable raises the limit.
void check_estimate(const RunEstimate& estimate, const RunLimits& limits = RunLimits::from_environment());

/// Everything `simulate` checks before it starts (after `options.cancel`: a set flag throws `Cancelled`,
/// so the runs of a cancelled batch that have not started end at once): the scenario's limits (a scenario built in code
/// has not been through the loader), the option overrides' tolerances, and the estimate against `limits`. \throws
/// InvalidArgument naming the field, what was given and what is allowed
void check_run(const scenario::Scenario& scenario, const SimulationOptions& options = {},
               const RunLimits& limits = RunLimits::from_environment());

}  // namespace massagesim::simulation
