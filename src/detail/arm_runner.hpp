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
#include "massagesim/solver/solution.hpp"
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

/// What every run of a scenario builds first (simulate, prepare_arm): the limb with the scenario's and the
/// run's overrides and its rest state, the lactate thresholds its parameters give the protocol's
/// intensities, and the schedule as written.
struct RunSetup {
  scenario::LactateThresholds thresholds;
  protocols::Schedule written;
  BuiltLimb built;
};
RunSetup setup_run(const scenario::Scenario& sc, const SimulationOptions& opt);

/// The schedule of `arm` (nullptr: the protocol as written), with the run's lactate thresholds.
std::shared_ptr<const protocols::Schedule> arm_schedule(const scenario::Scenario& sc, const scenario::Arm* arm,
                                                        const scenario::LactateThresholds& lt);

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

/// The stretch of the protocol that every arm of a run shares, integrated once (issue 15): the written
/// schedule from the rest state to `t_end_s`, saved at the arms' sample times before it and at `t_end_s`.
/// Each arm continues from its end state.
struct SharedPrefix {
  std::shared_ptr<const protocols::Schedule> schedule;  ///< the written schedule it integrated
  double t_end_s = 0.0;
  Solution<models::Limb::State> sol;
  double wall_time_s = 0.0;
};

/// Where the protocols of `arms` part [s]: the start of the first phase that any of them replaces. 0 when
/// fewer than two arms run or the first phase is replaced (nothing shared).
double shared_prefix_end_s(const scenario::Scenario& sc, const std::vector<const scenario::Arm*>& arms);

/// Integrates the written schedule over [0, t_end_s] once.
SharedPrefix run_shared_prefix(const BuiltLimb& b, std::shared_ptr<const protocols::Schedule> written,
                               const Resolved& r, const Windows& w, double t_end_s, const SimulationOptions& opt);

/// Runs one arm (`arm == nullptr`: the protocol as written). With `prefix`, the arm continues from the
/// prefix's end state when its inputs equal the written schedule's before it (checked at every breakpoint
/// and every 0.25 s); its stats and wall time then include the prefix's.
ArmResult run_arm(const scenario::Scenario& sc, const scenario::Arm* arm, const RunSetup& setup, const Resolved& r,
                  const std::vector<Column>& cols, const Windows& w, const SimulationOptions& opt,
                  const SharedPrefix* prefix = nullptr);

/// The arm named `name` (empty: the first arm, or nullptr when the scenario has none).
/// \throws UnknownName listing the scenario's arms
const scenario::Arm* find_arm(const scenario::Scenario& sc, const std::string& name, const char* what);

}  // namespace massagesim::simulation::detail
