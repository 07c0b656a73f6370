#pragma once
/// \file arm_runner.hpp (private to massagesim::runtime)
/// \brief One arm of a scenario: build the limb and its rest state, resolve options and output
///        columns, integrate the arm's schedule, sample the columns and the metric series.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/scenario/scenario.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "metrics.hpp"

namespace massagesim::simulation::detail {

/// The limb of a scenario (its overrides and the run's applied) and its rest state in the initial posture.
struct BuiltLimb {
  std::shared_ptr<const models::Limb> limb;
  models::Limb::State rest;
  std::string note;  ///< how the start was found when not as a steady state (the arm's message says so)
};
BuiltLimb build_limb(const scenario::Scenario& sc, models::LimbParams params, const SimulationOptions& opt,
                     const protocols::Schedule& any_schedule);

/// The limb's parameters with the scenario's and the run's overrides, built once per run: the lactate
/// thresholds of the written schedule (`scenario::scenario_lactate_thresholds`) and `build_limb` read them.
models::LimbParams run_limb_params(const scenario::Scenario& sc, const SimulationOptions& opt);

/// Solver and output settings after the run's options are laid over the scenario's.
struct Resolved {
  std::string stepper;
  double rtol, atol, dt_max_s, save_every_s;
  std::vector<std::string> requested;         // as given (may be bare per-segment names)
  const std::atomic<bool>* cancel = nullptr;  // the run's cancel flag (SimulationOptions::cancel)
};
Resolved resolve(const scenario::Scenario& sc, const SimulationOptions& o);

/// Column k of the output table: which catalogue quantity of which segment (-1: limb-level).
struct Column {
  std::string name;
  int segment = -1;
  models::OutputKind kind = models::OutputKind::derived;
  int index = 0;
};
std::vector<Column> resolve_columns(const models::Limb& limb, const std::vector<std::string>& requested);

/// Every output name of a built limb (limb-level first, then per segment, distal first).
std::vector<std::string> available_names(const models::Limb& limb);

/// Runs one arm (`arm == nullptr`: the protocol as written).
ArmResult run_arm(const scenario::Scenario& sc, const scenario::Arm* arm, const BuiltLimb& b, const Resolved& r,
                  const std::vector<Column>& cols, const Windows& w, const SimulationOptions& opt);

/// The arm named `name` (empty: the first arm, or nullptr when the scenario has none).
/// \throws UnknownName listing the scenario's arms
const scenario::Arm* find_arm(const scenario::Scenario& sc, const std::string& name, const char* what);

}  // namespace massagesim::simulation::detail
