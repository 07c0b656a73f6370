#include "expose_simulation.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "massagesim/core/error.hpp"
#include "massagesim/models/output_bounds.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/scenario/limits.hpp"
#include "massagesim/simulation/run_estimate.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/symbolic/scenario_export.hpp"

namespace py = pybind11;

namespace massagesim::python {
namespace {

using simulation::ArmResult;
using simulation::SimulationOptions;
using simulation::SimulationResult;

/// A read-only NumPy view of `n` doubles at `data` (rows x cols, row-major when cols > 0) that
/// keeps `owner` (the Python object holding the C++ result) alive: no copy.
py::array view(const double* data, py::ssize_t rows, py::ssize_t cols, py::handle owner) {
  py::array a;
  if (cols < 0)
    a = py::array(py::dtype::of<double>(), {rows}, {static_cast<py::ssize_t>(sizeof(double))}, data, owner);
  else
    a = py::array(py::dtype::of<double>(), {rows, cols},
                  {static_cast<py::ssize_t>(sizeof(double)) * cols, static_cast<py::ssize_t>(sizeof(double))}, data,
                  owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

py::dict stats_dict(const Stats& s) {
  py::dict d;
  d["n_steps"] = s.n_steps;
  d["n_rejected"] = s.n_rejected;
  d["n_rhs"] = s.n_rhs;
  d["n_jac"] = s.n_jac;
  d["n_lu"] = s.n_lu;
  d["n_linear_solves"] = s.n_linear_solves;
  d["n_breakpoints"] = s.n_breakpoints;
  d["n_pattern_checks"] = s.n_pattern_checks;
  d["n_pattern_widenings"] = s.n_pattern_widenings;
  d["n_lu_pivot_fallbacks"] = s.n_lu_pivot_fallbacks;
  return d;
}

}  // namespace

void expose_simulation(py::module_& m) {
  using CancelFlag = std::atomic<bool>;
  py::class_<CancelFlag, std::shared_ptr<CancelFlag>>(
      m, "CancelFlag",
      "A flag that stops a run when set: give it as SimulationOptions.cancel, then call set() from any thread.")
      .def(py::init([] { return std::make_shared<CancelFlag>(false); }))
      .def(
          "set", [](CancelFlag& f) { f.store(true); },
          "Ask the run to stop at its next solver step: simulate() then raises Cancelled.")
      .def_property_readonly(
          "is_set", [](const CancelFlag& f) { return f.load(); }, "Whether set() was called.");

  py::class_<SimulationOptions>(m, "SimulationOptions",
                                "Overrides of a scenario's solver and output sections; unset fields (None) keep the "
                                "scenario's values.")
      .def(py::init<>())
      .def_readwrite("stepper", &SimulationOptions::stepper,
                     "'rodas4' | 'rodas4p2' | 'bdf' | 'dopri5' | 'dop853' | 'fehlberg78' (stepper_names()) or None.")
      .def_readwrite("rtol", &SimulationOptions::rtol, "Relative tolerance in (0, 1), or None.")
      .def_readwrite("atol", &SimulationOptions::atol, "Absolute tolerance > 0, or None.")
      .def_readwrite("dt_max_s", &SimulationOptions::dt_max_s, "Largest step [s] > 0, or None.")
      .def_readwrite("save_every_s", &SimulationOptions::save_every_s, "Output interval [s] > 0, or None.")
      .def_readwrite("outputs", &SimulationOptions::outputs, "Output names; [] = all; None = the scenario's.")
      .def_readwrite("parameter_overrides", &SimulationOptions::parameter_overrides,
                     "(name, value) pairs applied after the scenario's overrides (range-checked).")
      .def_readwrite("arms", &SimulationOptions::arms, "Arms to run ([] = all).")
      .def_readwrite("keep_traces", &SimulationOptions::keep_traces, "False: metrics only (bounded memory).")
      .def_readwrite("throw_on_failure", &SimulationOptions::throw_on_failure,
                     "False: failures set status/message per arm instead of raising.")
      .def_property(
          "cancel", [](const SimulationOptions& o) { return std::const_pointer_cast<CancelFlag>(o.cancel); },
          [](SimulationOptions& o, std::shared_ptr<CancelFlag> f) { o.cancel = std::move(f); },
          "A CancelFlag that stops the run when set, or None. Not pickled (a flag belongs to one process).")
      .def(py::pickle(
          [](const SimulationOptions& o) {
            return py::make_tuple(o.stepper, o.rtol, o.atol, o.dt_max_s, o.save_every_s, o.outputs,
                                  o.parameter_overrides, o.arms, o.keep_traces, o.throw_on_failure);
          },
          [](const py::tuple& t) {
            SimulationOptions o;
            o.stepper = t[0].cast<std::optional<std::string>>();
            o.rtol = t[1].cast<std::optional<double>>();
            o.atol = t[2].cast<std::optional<double>>();
            o.dt_max_s = t[3].cast<std::optional<double>>();
            o.save_every_s = t[4].cast<std::optional<double>>();
            o.outputs = t[5].cast<std::optional<std::vector<std::string>>>();
            o.parameter_overrides = t[6].cast<std::vector<std::pair<std::string, double>>>();
            o.arms = t[7].cast<std::vector<std::string>>();
            o.keep_traces = t[8].cast<bool>();
            o.throw_on_failure = t[9].cast<bool>();
            return o;
          }));

  py::class_<ArmResult>(m, "ArmResult", "One arm of a run: output series (NumPy views, no copy) and metrics.")
      .def_readonly("arm", &ArmResult::arm)
      .def_property_readonly(
          "t_s",
          [](py::object self) {
            const auto& a = self.cast<const ArmResult&>();
            return view(a.t_s.data(), static_cast<py::ssize_t>(a.t_s.size()), -1, self);
          },
          "Output times [s] (read-only view into the C++ result).")
      .def_readonly("output_names", &ArmResult::output_names)
      .def_property_readonly(
          "values",
          [](py::object self) {
            const auto& a = self.cast<const ArmResult&>();
            return view(a.values.data(), a.values.rows(), a.values.cols(), self);
          },
          "n_times x n_outputs (read-only view into the C++ result).")
      .def_readonly("metrics", &ArmResult::metrics, "(name, value) summary metrics, unit-suffixed, fixed order.")
      .def_property_readonly("stats", [](const ArmResult& a) { return stats_dict(a.stats); })
      .def_property_readonly("status", [](const ArmResult& a) { return std::string(to_string(a.status)); })
      .def_readonly("message", &ArmResult::message)
      .def_readonly("wall_time_s", &ArmResult::wall_time_s);

  py::class_<SimulationResult>(m, "SimulationResult", "All arms of one scenario run.")
      .def_readonly("scenario_name", &SimulationResult::scenario_name)
      .def_readonly("error", &SimulationResult::error,
                    "simulate_batch only: the error that stopped this run before any arm ran; empty on success.")
      // reference_internal (the default for def_readonly) keeps the SimulationResult alive while
      // any ArmResult (and so any array view of it) is alive.
      .def_property_readonly(
          "arms",
          [](py::object self) {
            auto& r = self.cast<SimulationResult&>();
            py::list out;
            for (auto& a : r.arms) out.append(py::cast(&a, py::return_value_policy::reference_internal, self));
            return out;
          },
          "The ArmResult of each arm, in the order run.");

  m.def("simulate", &simulation::simulate, py::arg("scenario"),
        py::arg_v("options", SimulationOptions{}, "SimulationOptions()"), py::call_guard<py::gil_scoped_release>(),
        R"doc(Run every requested arm of a scenario (the GIL is released while it runs).

Parameters
----------
scenario : Scenario
options : SimulationOptions

Returns
-------
SimulationResult

Raises
------
InvalidArgument, UnknownName
    On bad options, unknown outputs or parameters.
SolverError
    A subclass, on a failed integration when ``options.throw_on_failure``.
)doc");

  m.def(
      "simulate_batch",
      [](const scenario::Scenario& sc, const std::vector<SimulationOptions>& runs, int n_threads,
         const std::optional<py::function>& progress, double progress_interval_s) {
        // Progress comes from C++ worker threads: the GIL is taken only inside the callback, and
        // at most once per `progress_interval_s` (plus once at the end). A Python error in the
        // callback is kept and raised after the batch (the callback cannot stop it; SimulationOptions.cancel does).
        std::mutex mu;
        auto last = std::chrono::steady_clock::now();
        std::size_t reported = 0;
        std::optional<py::error_already_set> callback_error;
        const std::size_t n = runs.size();
        std::function<void(std::size_t)> hook;
        if (progress) {
          hook = [&](std::size_t done) {
            std::lock_guard<std::mutex> lock(mu);
            const auto now = std::chrono::steady_clock::now();
            const bool due = done >= n || std::chrono::duration<double>(now - last).count() >= progress_interval_s;
            if (!due || done <= reported || callback_error) return;
            last = now;
            reported = done;
            py::gil_scoped_acquire gil;
            try {
              (*progress)(done);
            } catch (py::error_already_set& e) {
              callback_error = std::move(e);
            }
          };
        }
        std::vector<SimulationResult> out;
        {
          py::gil_scoped_release release;
          out = simulation::simulate_batch(sc, runs, n_threads, hook);
        }
        if (callback_error) throw *callback_error;
        return out;
      },
      py::arg("scenario"), py::arg("runs"), py::arg("n_threads") = 0, py::arg("progress") = py::none(),
      py::arg("progress_interval_s") = 0.1,
      R"doc(Run variants of one scenario on C++ threads (GIL released).

Parameters
----------
scenario : Scenario
runs : list of SimulationOptions
    One per run.
n_threads : int
    Worker threads; 0 = all cores. Results do not depend on it.
progress : callable(int) or None
    Called with the number of finished runs, from worker threads holding the GIL only for the
    call, at most every ``progress_interval_s`` seconds and once at the end.
progress_interval_s : float
    Throttle of the progress callback [s].

Returns
-------
list of SimulationResult
    In input order. Failures are recorded per arm (status, message), not raised.
)doc");

  py::class_<simulation::RunEstimate>(m, "RunEstimate", "What a run will cost, estimated before it starts.")
      .def_readonly("n_arms", &simulation::RunEstimate::n_arms)
      .def_readonly("duration_s", &simulation::RunEstimate::duration_s)
      .def_readonly("save_every_s", &simulation::RunEstimate::save_every_s)
      .def_readonly("n_saves", &simulation::RunEstimate::n_saves, "Save points per arm.")
      .def_readonly("n_values", &simulation::RunEstimate::n_values, "Values per save point (states and outputs).")
      .def_readonly("memory_MB", &simulation::RunEstimate::memory_MB, "Memory of the saved results [MB].")
      .def_readonly("solver_steps", &simulation::RunEstimate::solver_steps, "Solver steps over all arms.")
      .def_readonly("n_segments", &simulation::RunEstimate::n_segments)
      .def_property_readonly("work_steps", &simulation::RunEstimate::work_steps,
                             "Solver steps x segments (what MASSAGESIM_MAX_STEPS bounds).");
  m.def("estimate_run", &simulation::estimate_run, py::arg("scenario"),
        py::arg_v("options", SimulationOptions{}, "SimulationOptions()"),
        "Memory and work of simulate(scenario, options), estimated before running (simulation/run_estimate.hpp).");
  m.def(
      "check_run", [](const scenario::Scenario& sc, const SimulationOptions& o) { simulation::check_run(sc, o); },
      py::arg("scenario"), py::arg_v("options", SimulationOptions{}, "SimulationOptions()"),
      "What simulate() checks before it starts (sane values; memory and work against MASSAGESIM_MAX_OUTPUT_MB and "
      "MASSAGESIM_MAX_STEPS); raises InvalidArgument.");
  m.def(
      "tolerance_problem",
      [](const std::string& which, double value) -> std::optional<std::string> {
        if (which != "rtol" && which != "atol")
          throw InvalidArgument("tolerance_problem: which: expected 'rtol' or 'atol', got '" + which + "'");
        return scenario::tolerance_problem(which, value);
      },
      py::arg("which"), py::arg("value"),
      "What is wrong with a tolerance ('rtol' or 'atol') for every route (scenario/limits.hpp), or None.");
  m.def("available_outputs", &simulation::available_outputs, py::arg("scenario"),
        "Output names available for a scenario (states and derived signals, per segment, plus inputs).");
  m.def("metric_names", &simulation::metric_names, "Names of the summary metrics, in the order runs list them.");
  m.def(
      "metric_info",
      []() {
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        for (const auto& i : simulation::metric_info()) out.emplace_back(i.name, i.unit, i.description);
        return out;
      },
      "The summary metrics as (name, unit, description), in the order runs list them.");
  m.def(
      "output_catalogue",
      []() {
        std::vector<std::tuple<std::string, std::string, std::string, std::string>> out;
        for (const auto& r : models::output_catalogue())
          out.emplace_back(std::string(r.name), std::string(r.unit), std::string(r.level), std::string(r.description));
        return out;
      },
      R"doc(Every quantity a run can record, as (name, unit, level, description): segment states, outputs
and inputs (level 'segment': columns '<segment>.<name>'), then limb-level quantities (level 'limb').
Units of result columns come from here (models/output_catalogue.hpp).)doc");
  m.def(
      "state_catalogue",
      []() {
        std::vector<std::tuple<std::string, std::string, double, double, std::string>> out;
        for (const auto& i : models::Segment::state_info)
          out.emplace_back(std::string(i.name), std::string(i.unit), i.min, i.max, std::string(i.description));
        models::for_each_module(models::LimbModules{}, [&]<class M>() {
          for (const auto& i : M::states)
            out.emplace_back(std::string(i.name), std::string(i.unit), i.min, i.max, std::string(i.description));
        });
        return out;
      },
      "Every state as (name, unit, min, max, description): a segment's, then the limb-level modules'.");
  m.def(
      "output_bounds",
      []() {
        std::vector<std::tuple<std::string, std::string, std::string, std::string, double, double, std::string>> out;
        for (const auto& b : models::output_bounds())
          out.emplace_back(b.name, b.unit, b.level, b.basis, b.min, b.max, b.source);
        return out;
      },
      R"doc(The physiological envelope as (name, unit, level, basis, min, max, source): every output's bound
in catalogue order (states from their module's state table), then its bound per kg of segment tissue
(basis 'per_kg', unit '<unit>/kg') when it has one. An infinite bound means none was published
(models/output_bounds.hpp).)doc");
  m.def(
      "output_beat_means",
      []() {
        std::vector<std::tuple<std::string, std::string, double>> out;
        for (const auto& r : models::beat_mean_outputs)
          out.emplace_back(r.output, r.cumulative, models::beat_mean_window_s);
        return out;
      },
      R"doc(The outputs the envelope judges on their beat mean, as (output, cumulative output, window_s): the rise
of the segment's cumulative output over the window before each saved time, per minute (per 100 g for a per-100 g
output), where a sample lies one window earlier (models/output_bounds.hpp).)doc");
  m.def(
      "stepper_names",
      []() {
        std::vector<std::string> out;
        for (auto s : simulation::stepper_names) out.emplace_back(s);
        return out;
      },
      "Names of the steppers a scenario's solver.stepper and simulate(stepper=...) take.");

  py::class_<simulation::PreparedArm>(m, "PreparedArm",
                                      "One arm of a scenario as `simulate` builds it: limb, rest state, schedule.")
      .def_readonly("arm", &simulation::PreparedArm::arm)
      .def_property_readonly("rest_state",
                             [](const simulation::PreparedArm& a) { return Eigen::VectorXd(a.rest_state); })
      .def_readonly("breakpoints_s", &simulation::PreparedArm::breakpoints_s)
      .def_property_readonly("n_states", [](const simulation::PreparedArm& a) { return a.rest_state.size(); });
  m.def(
      "prepare_arm",
      [](const scenario::Scenario& sc, const std::string& arm) {
        py::gil_scoped_release release;
        return simulation::prepare_arm(sc, arm);
      },
      py::arg("scenario"), py::arg("arm") = std::string(),
      "Prepares one arm (empty: the first) as `simulate` would: for benchmarks and exports.");
  m.def(
      "model_graph_json",
      [](const scenario::Scenario& sc, const std::string& arm, const std::string& kind, std::optional<double> t1_s) {
        symbolic::ExportKind k = symbolic::ExportKind::limb;
        if (kind == "segment")
          k = symbolic::ExportKind::segment;
        else if (kind != "limb")
          throw InvalidArgument("model_graph_json: kind: expected 'limb' or 'segment', got '" + kind + "'");
        symbolic::ExportedModel model;
        {
          py::gil_scoped_release release;
          model = symbolic::export_scenario(sc, arm, k, t1_s);
        }
        return symbolic::to_json(model);
      },
      py::arg("scenario"), py::arg("arm") = std::string(), py::arg("kind") = std::string("limb"),
      py::arg("t1_s") = py::none(),
      R"doc(The equations of one arm of a scenario, recorded from the C++ right-hand side, as JSON.

Parameters
----------
scenario : Scenario
arm : str
    Arm name; empty: the first arm (or the protocol as written when there are no arms).
kind : {"limb", "segment"}
    "limb": the scenario's limb with the whole-body lactate pool; "segment": its first segment alone.
t1_s : float, optional
    End time [s]; default the end of the protocol.

Returns
-------
str
    JSON ("massagesim-model-graph", version 1): states (initial values, rates per second as SBML
    infix and Python), parameters (value, unit, range, source), assignments in dependency order,
    output ids and the protocol's breakpoints. `massagesim.sbml` turns it into SBML or a SciPy
    right-hand side.
)doc");
}

}  // namespace massagesim::python
