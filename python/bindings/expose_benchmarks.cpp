// Benchmark entry points for benchmarks/python/compare_peers.py: massagesim's side of the peer
// comparison (benchmarks/cpp/peer_runs.hpp) on ROBER, HIRES and the forced tissue chain, timed in
// C++ (thread CPU time) with the GIL released, plus the C++ right-hand sides (so the script can
// check its NumPy right-hand sides against ours) and the cost of one RHS evaluation (the floor).
// Not part of the modelling API: names start with `bench_`.
#include <algorithm>
#include <string>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "../../benchmarks/cpp/peer_runs.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace py = pybind11;

namespace massagesim::python {
namespace {

py::dict to_dict(const bench::PeerRun& r) {
  py::dict d;
  const auto n = static_cast<py::ssize_t>(r.n_states);
  const auto m = static_cast<py::ssize_t>(r.t_s.size());
  py::array_t<double> y({m, n});
  std::copy(r.y.begin(), r.y.begin() + std::min<std::size_t>(r.y.size(), static_cast<std::size_t>(m * n)),
            y.mutable_data());
  d["t_s"] = py::array_t<double>(m, r.t_s.data());
  d["y"] = y;
  d["n_steps"] = r.stats.n_steps;
  d["n_rejected"] = r.stats.n_rejected;
  d["n_rhs"] = r.stats.n_rhs;
  d["n_jac"] = r.stats.n_jac;
  d["ok"] = r.ok;
  d["message"] = r.message;
  return d;
}

}  // namespace

void expose_benchmarks(py::module_& m) {
  m.def(
      "bench_peer_problems",
      [] {
        return std::vector<std::string>{"rober", "hires", "chain8", "chain30"};
      },
      "Names of the peer-comparison problems (benchmarks/cpp/peer_runs.hpp).");
  m.def(
      "bench_peer_rhs",
      [](const std::string& problem, const std::vector<double>& x, double t_s) { return bench::rhs(problem, x, t_s); },
      py::arg("problem"), py::arg("x"), py::arg("t_s"), "f(x, t) of a peer-comparison problem, evaluated in C++.");
  m.def(
      "bench_peer_solve",
      [](const std::string& problem, const std::string& method, double rtol, double atol, double t1_s, int repeats) {
        bench::PeerRun best;
        std::vector<double> cpu_s;
        {
          py::gil_scoped_release release;
          for (int k = 0; k < std::max(repeats, 1); ++k) {
            auto r = bench::run_massagesim(problem, method, rtol, atol, t1_s);
            cpu_s.push_back(r.cpu_ns * 1e-9);
            if (k == 0 || r.cpu_ns < best.cpu_ns) best = std::move(r);
          }
        }
        py::dict d = to_dict(best);
        d["cpu_s"] = best.cpu_ns * 1e-9;
        d["cpu_s_all"] = cpu_s;
        return d;
      },
      py::arg("problem"), py::arg("method"), py::arg("rtol"), py::arg("atol"), py::arg("t1_s"), py::arg("repeats") = 1,
      "Solves a peer-comparison problem (method: dopri5, fehlberg78, rodas4, rodas4_user) `repeats` times; returns "
      "the saved states (t_s, y[n_saved, n_states]), work counters and the smallest thread CPU time cpu_s.");
  m.def(
      "bench_peer_reference",
      [](const std::string& problem, double t1_s) {
        bench::PeerRun r;
        {
          py::gil_scoped_release release;
          r = bench::reference(problem, t1_s);
        }
        py::dict d = to_dict(r);
        d["source"] = r.message;
        return d;
      },
      py::arg("problem"), py::arg("t1_s"),
      "Reference solution at the save times: Test Set values (ROBER at 1e11, HIRES at 321.8122) or a tight solve.");
  m.def(
      "bench_peer_rhs_cost_ns",
      [](const std::string& problem, int reps) {
        py::gil_scoped_release release;
        return bench::rhs_cost_ns(problem, reps);
      },
      py::arg("problem"), py::arg("reps") = 200000, "CPU cost of one C++ RHS evaluation [ns] (the floor's unit).");

  // The default scenario's arms as the facade prepares them (massagesim._core.prepare_arm).
  m.def(
      "bench_prepared_solve",
      [](const simulation::PreparedArm& a, const std::string& stepper, double rtol, double atol,
         const std::vector<double>& t_s, int repeats, double dt_max_s) {
        simulation::PreparedSolve best;
        std::vector<double> all;
        {
          py::gil_scoped_release release;
          for (int k = 0; k < std::max(repeats, 1); ++k) {
            auto r = simulation::solve_prepared(a, stepper, rtol, atol, t_s, dt_max_s);
            all.push_back(r.cpu_s);
            if (k == 0 || r.cpu_s < best.cpu_s) best = std::move(r);
          }
        }
        py::dict d;
        d["t_s"] = best.t_s;
        d["y"] = Eigen::MatrixXd(best.states.transpose());
        d["n_steps"] = best.stats.n_steps;
        d["n_rejected"] = best.stats.n_rejected;
        d["n_rhs"] = best.stats.n_rhs;
        d["n_jac"] = best.stats.n_jac;
        d["ok"] = best.status == massagesim::Status::success;
        d["message"] = best.message;
        d["cpu_s"] = best.cpu_s;
        d["cpu_s_all"] = all;
        return d;
      },
      py::arg("prepared"), py::arg("stepper"), py::arg("rtol"), py::arg("atol"), py::arg("t_s"), py::arg("repeats") = 1,
      py::arg("dt_max_s") = 10.0,
      "Solves a prepared arm from its rest state `repeats` times (thread CPU time, GIL released); returns the states "
      "at t_s (y[n_saved, n_states]), work counters and the smallest cpu_s.");
  m.def(
      "bench_prepared_rhs",
      [](const simulation::PreparedArm& a, const Eigen::VectorXd& x, double t_s) {
        return simulation::prepared_rhs(a, x, t_s);
      },
      py::arg("prepared"), py::arg("x"), py::arg("t_s"), "f(x, t) of a prepared arm [per second], in C++.");
  m.def(
      "bench_prepared_rhs_cost_ns",
      [](const simulation::PreparedArm& a, int reps) {
        py::gil_scoped_release release;
        return simulation::prepared_rhs_cost_ns(a, reps);
      },
      py::arg("prepared"), py::arg("reps") = 20000, "Thread-CPU cost of one RHS evaluation of a prepared arm [ns].");
}

}  // namespace massagesim::python
