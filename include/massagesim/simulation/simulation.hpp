#pragma once
/// \file simulation.hpp
/// \brief Run a scenario: model + protocol + outputs -> trajectories and summary metrics, per arm.
///
/// The one compiled entry point that the command line, the Python package and the C++ example
/// share. Implemented in `src/simulation.cpp` (library `massagesim::runtime`), so heavy model
/// templates are compiled once, not in every user of the facade.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/models/limb.hpp"
#include "massagesim/scenario/scenario.hpp"
#include "massagesim/solver/solution.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim::simulation {

/// Overrides of a scenario's solver and output sections; unset fields keep the scenario's values.
struct SimulationOptions {
  std::optional<std::string> stepper;               ///< "rodas4" | "dopri5" | "fehlberg78"
  std::optional<double> rtol;                       ///< relative tolerance, in (0, 1)
  std::optional<double> atol;                       ///< absolute tolerance, > 0
  std::optional<double> dt_max_s;                   ///< largest step [s], > 0
  std::optional<double> save_every_s;               ///< output interval [s], > 0
  std::optional<std::vector<std::string>> outputs;  ///< output names (see available_outputs); empty: all
  /// Applied after the scenario's own overrides, through the parameter registry (range-checked).
  std::vector<std::pair<std::string, double>> parameter_overrides;
  std::vector<std::string> arms;  ///< arms to run (empty: all arms of the scenario)
  bool keep_traces = true;        ///< false: metrics only (bounded memory in sweeps)
  bool throw_on_failure = true;   ///< false: failures set status/message per arm
  /// Optional cancel flag: once set (from any thread), the running arm stops at its next solver step
  /// and `simulate` throws `Cancelled` (with `throw_on_failure` false: the arms report status
  /// `cancelled`); set before the start, `simulate` throws `Cancelled` at once. The rest-state search
  /// before the first arm stops at its next evaluation too.
  std::shared_ptr<const std::atomic<bool>> cancel;
};

/// One arm (e.g. "massage" or "passive") of a scenario.
struct ArmResult {
  std::string arm;
  std::vector<double> t_s;                                                        ///< output times [s]
  std::vector<std::string> output_names;                                          ///< unit-suffixed column names
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> values;  ///< n_times x n_outputs
  std::vector<std::pair<std::string, double>> metrics;  ///< unit-suffixed summary metrics, in a fixed order
  Stats stats;
  Status status = Status::success;
  std::string message;
  double wall_time_s = 0.0;  ///< time spent integrating this arm
};

/// All arms of one scenario run.
struct SimulationResult {
  std::string scenario_name;
  std::vector<ArmResult> arms;
  /// simulate_batch only: the error that stopped this run before any arm ran (bad options, no rest
  /// state); empty on success. Integration failures are per arm (ArmResult::status, message).
  std::string error;
};

/// Runs every requested arm of `scenario`.
/// \throws InvalidArgument / UnknownName on bad options, unknown outputs or parameters;
///         SolverError subclasses on failed integration when `options.throw_on_failure`.
SimulationResult simulate(const scenario::Scenario& scenario, const SimulationOptions& options = {});

/// Runs `options_per_run.size()` variants of one scenario on `n_threads` threads (0: all cores).
/// Results are in input order and bitwise identical whatever the thread count. Failures are
/// recorded per run (status, message). `progress(i_done)` is called from worker threads.
std::vector<SimulationResult> simulate_batch(const scenario::Scenario& scenario,
                                             const std::vector<SimulationOptions>& options_per_run, int n_threads = 0,
                                             const std::function<void(std::size_t)>& progress = {});

/// Output names available for `scenario` (states and derived signals, per segment, plus inputs).
std::vector<std::string> available_outputs(const scenario::Scenario& scenario);

/// Names of the summary metrics, in the order `ArmResult::metrics` lists them.
std::vector<std::string> metric_names();

/// A summary metric: unit-suffixed name, unit, description.
struct MetricInfo {
  std::string name, unit, description;
};
/// The summary metrics with their units, in the order `ArmResult::metrics` lists them.
std::vector<MetricInfo> metric_info();

/// The model of one arm exactly as `simulate` builds it (for exporting it or running it elsewhere).
struct PreparedArm {
  std::string arm;                                      ///< arm name ("protocol" when the scenario has none)
  std::shared_ptr<const models::Limb> limb;             ///< scenario and option overrides applied
  Eigen::VectorXd rest_state;                           ///< rest in the initial posture: the start of every arm
  std::shared_ptr<const protocols::Schedule> schedule;  ///< the arm's protocol
  std::vector<double> breakpoints_s;                    ///< where its inputs jump or kink, in [0, duration]
};

/// Prepares arm `arm` (empty: the first arm, or the protocol as written when there are no arms).
/// \throws UnknownName for an unknown arm; InvalidArgument / NewtonFailure as `simulate` does
PreparedArm prepare_arm(const scenario::Scenario& scenario, const std::string& arm = {},
                        const SimulationOptions& options = {});

/// The states of a prepared arm solved alone from its rest state (no outputs, no metrics): what the
/// peer comparisons (benchmarks/python/compare_peers.py) time against other engines.
struct PreparedSolve {
  std::vector<double> t_s;  ///< save times
  Eigen::MatrixXd states;   ///< n_states x n_saved
  Stats stats;
  Status status = Status::success;
  std::string message;
  double cpu_s = 0.0;  ///< thread CPU time of the solve alone
};

/// Solves `arm` with `stepper` ("rodas4" | "dopri5" | "fehlberg78", as `simulate` configures them)
/// at rtol / atol, saving at `t_s` (increasing, in [0, duration]); failures are returned, not thrown.
PreparedSolve solve_prepared(const PreparedArm& arm, const std::string& stepper, double rtol, double atol,
                             const std::vector<double>& t_s, double dt_max_s = 10.0);

/// The arm's right-hand side f(x, t) [per second] (the limb under the arm's schedule).
Eigen::VectorXd prepared_rhs(const PreparedArm& arm, const Eigen::VectorXd& x, double t_s);

/// Mean thread-CPU cost of one `prepared_rhs` evaluation [ns] over the states of a short run.
double prepared_rhs_cost_ns(const PreparedArm& arm, int reps = 20000);

}  // namespace massagesim::simulation
