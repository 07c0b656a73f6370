/// \file run_estimate.cpp
/// \brief Cost estimate and up-front checks of a run (see simulation/run_estimate.hpp).

#include "massagesim/simulation/run_estimate.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <variant>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/scenario/limits.hpp"

namespace massagesim::simulation {

namespace {

namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;

/// Solver steps per cycle of a cyclic technique, and per phase boundary (restart after a breakpoint).
constexpr double steps_per_cycle = 25.0;
constexpr double steps_per_phase = 20.0;
/// Wall time per solver step and limb segment on one idle core [s] (Rodas4, default scenario), for messages.
constexpr double s_per_step_segment = 3e-5;

std::string g3(double v) {
  std::ostringstream os;
  os.precision(3);
  os << v;
  return os.str();
}

double env_limit(const char* name, double fallback) {
  const char* raw = std::getenv(name);
  if (raw == nullptr) return fallback;
  const std::string s(raw);
  if (s.find_first_not_of(" \t") == std::string::npos) return fallback;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  const bool rest_blank = end != nullptr && std::string(end).find_first_not_of(" \t") == std::string::npos;
  if (!(rest_blank && std::isfinite(v) && v > 0.0))
    throw InvalidArgument(detail::concat("environment variable ", name, ": expected a positive number, got '", s, "'"));
  return v;
}

/// Cycles (strokes, pulses, device cycles) of one phase: each costs solver steps.
double cycles(const msc::PhaseSpec& ph, double limb_cm) {
  if (!ph.technique) return 0.0;
  const double dur = ph.duration_s;
  return std::visit(
      [&](const auto& p) -> double {
        if constexpr (requires { p.rate_Hz; }) {
          return dur * p.rate_Hz;
        } else if constexpr (requires { p.cycle_period_s; }) {
          return dur / std::max(p.cycle_period_s, 1e-9);
        } else if constexpr (requires { p.speed_cm_per_s; }) {
          const double stroke_s = limb_cm / std::max(p.speed_cm_per_s, 1e-9) + p.pause_s + 2.0 * p.ramp_s;
          return dur / std::max(stroke_s, 1e-9);
        } else {
          return 1.0;
        }
      },
      *ph.technique);
}

}  // namespace

RunLimits RunLimits::from_environment() {
  RunLimits l;
  l.max_output_MB = env_limit(max_output_MB_env, l.max_output_MB);
  l.max_work_steps = env_limit(max_work_steps_env, l.max_work_steps);
  return l;
}

RunEstimate estimate_run(const scenario::Scenario& sc, const SimulationOptions& o) {
  RunEstimate e;
  e.duration_s = sc.schedule ? sc.schedule->duration_s() : msc::build_schedule(sc).duration_s();
  const double rtol = o.rtol.value_or(sc.solver.rtol);
  const double dt_max = o.dt_max_s.value_or(sc.solver.dt_max_s);
  e.save_every_s = o.save_every_s.value_or(sc.outputs.save_every_s);
  e.n_arms = !o.arms.empty() ? static_cast<int>(o.arms.size()) : std::max<int>(1, static_cast<int>(sc.arms.size()));
  e.n_segments = std::max(1, sc.limb.n_model_segments());
  const int n_available = static_cast<int>(available_outputs(sc).size());
  const auto& names = o.outputs ? *o.outputs : sc.outputs.names;
  const int n_out = names.empty() ? n_available : static_cast<int>(names.size());
  e.n_saves = std::min(e.duration_s / e.save_every_s, 1e18) + 2.0;
  // The solver keeps every state at each save point, then the outputs are derived: count both.
  e.n_values = n_available + n_out;
  e.memory_MB = o.keep_traces ? e.n_saves * e.n_values * 8.0 * e.n_arms / 1e6 : 0.0;
  double limb_cm = 0.0;
  for (double l : sc.limb.segment_lengths_cm) limb_cm += l;
  double n_cycles = 0.0;
  for (const auto& ph : sc.protocol) n_cycles += cycles(ph, limb_cm);
  const double tighter = std::max(1.0, std::pow(1e-6 / rtol, 0.25));  // steps grow as rtol^(-1/order), order 4
  // Without a step limit, ~10 s steps where nothing changes (the default scenario's setting).
  const double dt_est = std::isfinite(dt_max) ? dt_max : 10.0;
  const double per_arm = e.duration_s / dt_est + tighter * (steps_per_cycle * n_cycles +
                                                            steps_per_phase * static_cast<double>(sc.protocol.size()));
  e.solver_steps = e.n_arms * per_arm;
  return e;
}

void check_estimate(const RunEstimate& e, const RunLimits& limits) {
  if (e.memory_MB > limits.max_output_MB)
    throw InvalidArgument(detail::concat(
        "this run (protocol duration_s ", g3(e.duration_s), " s, save_every_s ", g3(e.save_every_s), " s) would keep ~",
        g3(e.memory_MB), " MB of results (", g3(e.n_saves), " save points x ", e.n_values, " values x ", e.n_arms,
        " arm(s)); the limit is ", limits.max_output_MB,
        " MB: save less often (outputs.save_every_s / save_every_s=), ask for fewer outputs or a shorter protocol, or "
        "raise the limit with the environment variable ",
        max_output_MB_env));
  if (e.work_steps() > limits.max_work_steps)
    throw InvalidArgument(detail::concat(
        "this run (protocol duration_s ", g3(e.duration_s), " s) would take ~", g3(e.solver_steps), " solver steps on ",
        e.n_segments, " segment(s) (~", g3(e.work_steps() * s_per_step_segment / 3600.0),
        " h on one idle core); the limit is ", g3(limits.max_work_steps),
        " steps x segments: raise solver.dt_max_s, shorten the protocol or slow its cycles, or raise the limit with "
        "the environment variable ",
        max_work_steps_env));
}

void check_run(const scenario::Scenario& sc, const SimulationOptions& o, const RunLimits& limits) {
  // A batch cancelled midway: the runs not yet started end here, before their rest-state search.
  if (o.cancel && o.cancel->load(std::memory_order_relaxed))
    throw Cancelled("cancelled before the start (SimulationOptions::cancel was set)", 0.0);
  msc::check_limits(sc);
  if (o.rtol)
    if (const auto p = msc::tolerance_problem("rtol", *o.rtol)) throw InvalidArgument("options.rtol: " + *p);
  if (o.atol)
    if (const auto p = msc::tolerance_problem("atol", *o.atol)) throw InvalidArgument("options.atol: " + *p);
  const double save = o.save_every_s.value_or(sc.outputs.save_every_s);
  MASSAGESIM_CHECK(std::isfinite(save) && save > 0.0, o.save_every_s ? "options" : "outputs",
                   ".save_every_s: expected > 0 s and finite, got ", save);
  const double dt_max = o.dt_max_s.value_or(sc.solver.dt_max_s);
  MASSAGESIM_CHECK(!std::isnan(dt_max) && dt_max > 0.0, o.dt_max_s ? "options" : "solver",
                   ".dt_max_s: expected > 0 s, got ", dt_max);
  MASSAGESIM_CHECK(sc.limb.n_segments() >= 1, "limb.segment_lengths_cm: expected at least one segment, got 0");
  check_estimate(estimate_run(sc, o), limits);
}

}  // namespace massagesim::simulation
