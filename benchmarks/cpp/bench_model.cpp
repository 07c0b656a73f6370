/// \file bench_model.cpp
/// \brief Benchmarks of the real physiology (not the synthetic chain of bench_solver.cpp): one RHS
/// evaluation of a segment and of the default 4-segment limb, one step of each stepper on that limb,
/// the full default scenario through the simulation facade (both arms, as the main job runs it), and
/// ensembles of 1 000 scenarios through `simulate_batch` on 1 and 2 threads.
///
/// Names:
///  - BM_model_rhs/<model>: one RHS call. `segment` = Segment::rhs of the proximal calf (19 states,
///    lone: no neighbours); `limb4` = the solver's view of the default limb (LimbSystem: schedule
///    inputs + Limb::rhs, 81 states); `limb4_core` = Limb::rhs alone with precomputed inputs;
///    `*_rest` = at the rest state under rest inputs. Trajectory variants cycle through the states
///    and times of the default scenario's massage arm (every 1 s over 2880 s), not x0 alone (at a
///    steady state libm may take fast paths; see bench_solver.cpp).
///  - BM_model_step/<stepper>/limb4: one attempt + accept of Dopri5, Fehlberg78, Rodas4 (banded LU,
///    AD Jacobian with band colouring, as the facade and bench_limb.cpp use it) on the default limb,
///    stepping through the massage phases from the trajectory state at their start, with dt = the
///    median accepted step of an adaptive solve of that window with the scenario's tolerances
///    (halved while fixed steps of that size go unstable). BM_model_jacobian/limb4_{banded,dense}:
///    the AD Jacobian alone (Rodas4 evaluates one per step).
///  - BM_default_scenario/{both_arms, massage_arm, both_arms_dopri5}: massagesim::simulation::simulate
///    on scenarios/default.json (read with scenario::load_scenario): limb construction, rest state,
///    every arm's solve, outputs and metrics; `both_arms` is what the main job runs, `_dopri5`
///    overrides the scenario's stepper (Rodas4) with Dopri5 at the same tolerances.
///    BM_default_scenario_setup: the limb and its rest state only (simulation::prepare_arm).
///    BM_default_scenario_solve/<arm>: the solve of one arm alone (simulation::solve_prepared on a
///    prepared arm, simulate()'s 1-s sample grid, no outputs or metrics).
///  - BM_ensemble_scenarios/default_1_16_x1000/<threads>: simulate_batch of 1 000 variants
///    (tissue_pressure_transmission swept over its range 0.70 ... 0.85) of a shortened default
///    scenario (every phase 1/16 as long, same structure; see kEnsembleTimeScale), wall-clock time,
///    Iterations(1), on 1 and 2 threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

#ifndef MASSAGESIM_DEFAULT_SCENARIO_FILE
#define MASSAGESIM_DEFAULT_SCENARIO_FILE "scenarios/default.json"
#endif

namespace ms = massagesim;
namespace mm = massagesim::models;
namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;
namespace msim = massagesim::simulation;

namespace {

using LimbState = mm::Limb::State;
using LimbSys = mm::LimbSystem<mm::ScheduleLimbInputs>;

// ---- call wrappers: never inlined, so that what is measured is one real call -----------------

[[gnu::noinline]] void call_segment_rhs(const mm::Segment& seg, const mm::Segment::State& x,
                                        const mm::SegmentInputs& in, mm::Segment::State& dxdt) {
  seg.rhs(x, in, dxdt);
}

[[gnu::noinline]] void call_limb_rhs(const mm::Limb& limb, const LimbState& x, const mm::LimbInputs& in,
                                     LimbState& dxdt) {
  limb.rhs(x.data(), in, dxdt.data());
}

[[gnu::noinline]] void call_limb_system(const LimbSys& sys, const LimbState& x, LimbState& dxdt, double t) {
  sys(x, dxdt, t);
}

template <class Cache>
[[gnu::noinline]] void call_step(Cache& cache, LimbSys& sys, double t_new, ms::Stats& st) {
  cache.attempt(sys, t_new, st);
  cache.accept(sys, st);
}

[[gnu::noinline]] msim::SimulationResult call_simulate(const msc::Scenario& sc, const msim::SimulationOptions& o) {
  return msim::simulate(sc, o);
}

/// The model's inputs of one segment from the schedule's (as ScheduleLimbInputs copies them).
mm::SegmentInputs model_inputs(const mp::Schedule& sched, double t, int segment) {
  const auto s = sched.inputs(t, segment);
  mm::SegmentInputs o;
  o.applied_pressure_mmHg = s.applied_pressure_mmHg;
  o.exercise_intensity = s.exercise_intensity;
  o.height_above_heart_cm = s.height_above_heart_cm;
  o.massage_drive = s.massage_drive;
  return o;
}

benchmark::Counter per_iteration(double total) { return benchmark::Counter(total, benchmark::Counter::kAvgIterations); }

// ---- the default scenario and its limb, built once ------------------------------------------------

/// scenarios/default.json (path fixed at configure time; MASSAGESIM_SCENARIO overrides it).
const msc::Scenario& scenario() {
  static const msc::Scenario sc = [] {
    const char* env = std::getenv("MASSAGESIM_SCENARIO");
    return msc::load_scenario(env ? env : MASSAGESIM_DEFAULT_SCENARIO_FILE);
  }();
  return sc;
}

/// The default limb as the facade builds it (no overrides), its rest state in the initial posture,
/// the massage arm's schedule and its trajectory sampled every second.
struct DefaultLimb {
  std::shared_ptr<const mm::Limb> limb;
  LimbState rest;
  mm::LimbInputs rest_inputs;
  std::shared_ptr<const mp::Schedule> massage;  // schedule of arm "massage"
  std::vector<double> ts;                       // 0, 1, ..., T [s]
  std::vector<LimbState> xs;                    // states of the massage arm at ts
  double massage_start_s = 0.0, massage_end_s = 0.0;

  LimbState state_at(double t) const {
    const auto k = static_cast<std::size_t>(std::lower_bound(ts.begin(), ts.end(), t - 1e-9) - ts.begin());
    return xs.at(std::min(k, xs.size() - 1));
  }
};

ms::Rodas4 banded_rodas4(const mm::Limb& limb) {
  return ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded,
                    .lower_bandwidth = limb.lower_bandwidth(),
                    .upper_bandwidth = limb.upper_bandwidth()};
}

ms::StepControl scenario_control(const msc::Scenario& sc) {
  ms::StepControl ctl;
  ctl.rtol = sc.solver.rtol;
  ctl.atol = sc.solver.atol;
  ctl.dt_max_s = sc.solver.dt_max_s;
  return ctl;
}

const DefaultLimb& default_limb() {
  static const DefaultLimb d = [] {
    const msc::Scenario& sc = scenario();
    // The facade's own preparation: limb with the scenario's overrides, rest state in the initial
    // posture, the arm's schedule (exactly what simulate() runs).
    const msim::PreparedArm arm = msim::prepare_arm(sc, "massage");
    DefaultLimb r;
    r.limb = arm.limb;
    r.rest = arm.rest_state;
    r.massage = arm.schedule;
    r.rest_inputs = r.limb->rest_inputs();
    for (int i = 0; i < r.limb->n_segments(); ++i)  // heights before t = 0: the initial posture
      r.rest_inputs.segment[static_cast<std::size_t>(i)].height_above_heart_cm =
          r.massage->inputs(-1.0, i).height_above_heart_cm;
    const double T = r.massage->duration_s();
    r.ts = ms::linspace(0.0, T, static_cast<std::size_t>(T) + 1);
    const auto sol = ms::solve(mm::make_limb_problem(r.limb, r.massage, r.rest, 0.0, T), banded_rodas4(*r.limb),
                               scenario_control(sc), ms::SaveAt{.ts_s = r.ts});
    if (!sol.ok()) throw ms::InvalidArgument("bench_model: default scenario trajectory failed: " + sol.message);
    for (Eigen::Index j = 0; j < sol.x.cols(); ++j) r.xs.push_back(sol.x.col(j));
    r.massage_start_s = NAN;
    for (int i = 0; i < r.massage->n_phases(); ++i) {
      const auto& ph = r.massage->phase(i);
      if (ph.kind != mp::PhaseKind::massage) continue;
      if (std::isnan(r.massage_start_s)) r.massage_start_s = ph.start_s;
      r.massage_end_s = ph.end_s();
    }
    return r;
  }();
  return d;
}

// ---- (1) one RHS evaluation ------------------------------------------------------------------------

/// Segment::rhs of the proximal calf (segment 1) at the trajectory's segment-1 states and inputs
/// (arterial lactate = the pool state); `at_rest`: its block of the limb rest state, rest inputs.
void BM_model_rhs_segment(benchmark::State& bs, bool at_rest) {
  const DefaultLimb& d = default_limb();
  const int s = 1;
  const mm::Segment& seg = d.limb->segment(s);
  std::vector<mm::Segment::State> xs;
  std::vector<mm::SegmentInputs> ins;
  auto add = [&](const LimbState& x, mm::SegmentInputs in) {
    in.arterial_lactate_mmol_per_L = x[d.limb->pool_offset() + mm::kWbBlood];
    xs.push_back(x.segment<mm::Segment::n_states>(mm::Limb::offset(s)));
    ins.push_back(in);
  };
  if (at_rest) {
    add(d.rest, d.rest_inputs.segment[static_cast<std::size_t>(s)]);
  } else {
    for (std::size_t k = 0; k < d.xs.size(); ++k) add(d.xs[k], model_inputs(*d.massage, d.ts[k], s));
  }
  mm::Segment::State dxdt;
  std::size_t i = 0;
  for (auto _ : bs) {
    call_segment_rhs(seg, xs[i], ins[i], dxdt);
    benchmark::DoNotOptimize(dxdt.data());
    benchmark::ClobberMemory();
    if (++i == xs.size()) i = 0;
  }
  bs.counters["n_states"] = mm::Segment::n_states;
}

/// The limb RHS as the solver calls it: LimbSystem (schedule inputs of every segment + Limb::rhs).
void BM_model_rhs_limb_system(benchmark::State& bs, bool at_rest) {
  const DefaultLimb& d = default_limb();
  LimbSys sys{d.limb, mm::ScheduleLimbInputs{d.massage}, true, false};
  const std::vector<LimbState> rest_only{d.rest};
  const std::vector<double> t_rest{0.0};  // t = 0: first phase is rest
  const auto& xs = at_rest ? rest_only : d.xs;
  const auto& ts = at_rest ? t_rest : d.ts;
  LimbState dxdt(d.limb->n_states());
  std::size_t i = 0;
  for (auto _ : bs) {
    call_limb_system(sys, xs[i], dxdt, ts[i]);
    benchmark::DoNotOptimize(dxdt.data());
    benchmark::ClobberMemory();
    if (++i == xs.size()) i = 0;
  }
  bs.counters["n_states"] = d.limb->n_states();
}

/// Limb::rhs alone, inputs precomputed (copying 4 segments' inputs into one LimbInputs per call).
void BM_model_rhs_limb_core(benchmark::State& bs) {
  const DefaultLimb& d = default_limb();
  const int N = d.limb->n_segments();
  std::vector<std::vector<mm::SegmentInputs>> ins;
  std::vector<double> wb;
  for (double t : d.ts) {
    std::vector<mm::SegmentInputs> v;
    for (int s = 0; s < N; ++s) v.push_back(model_inputs(*d.massage, t, s));
    wb.push_back(v[0].exercise_intensity);  // as ScheduleLimbInputs sets it
    ins.push_back(std::move(v));
  }
  auto in = std::make_unique<mm::LimbInputs>();
  LimbState dxdt(d.limb->n_states());
  std::size_t i = 0;
  for (auto _ : bs) {
    std::copy(ins[i].begin(), ins[i].end(), in->segment.begin());
    in->whole_body_intensity = wb[i];
    call_limb_rhs(*d.limb, d.xs[i], *in, dxdt);
    benchmark::DoNotOptimize(dxdt.data());
    benchmark::ClobberMemory();
    if (++i == d.xs.size()) i = 0;
  }
  bs.counters["n_states"] = d.limb->n_states();
}

// ---- (2) one step of each stepper on the default limb -----------------------------------------------

/// Median accepted step [s] of an adaptive solve of the massage window with the scenario's tolerances.
template <class Stepper>
double median_step_s(const Stepper& stepper, ms::Stats* stats_out = nullptr) {
  const DefaultLimb& d = default_limb();
  auto prob =
      mm::make_limb_problem(d.limb, d.massage, d.state_at(d.massage_start_s), d.massage_start_s, d.massage_end_s);
  ms::StepControl ctl = scenario_control(scenario());
  ctl.throw_on_failure = false;
  const auto sol = ms::solve(prob, stepper, ctl, ms::SaveAt{.every_step = true});
  if (stats_out) *stats_out = sol.stats;
  std::vector<double> h;
  for (std::size_t k = 1; k < sol.t_s.size(); ++k) h.push_back(sol.t_s[k] - sol.t_s[k - 1]);
  if (h.empty()) return 1e-3;
  std::nth_element(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(h.size() / 2), h.end());
  return h[h.size() / 2];
}

/// `dt`, halved until fixed steps of that size stay finite over the whole massage window: an explicit
/// method's adaptive steps hover at its stability limit, and their median can lie above it
/// (Fehlberg78 on the limb), while the benchmark takes thousands of equal steps.
template <class Stepper>
double stable_step_s(const Stepper& stepper, double dt) {
  const DefaultLimb& d = default_limb();
  LimbSys sys{d.limb, mm::ScheduleLimbInputs{d.massage}, true, false};
  const LimbState x0 = d.state_at(d.massage_start_s);
  for (int halvings = 0; halvings < 8; ++halvings, dt *= 0.5) {
    auto cache = stepper.template make_cache<LimbSys, LimbState>(x0);
    ms::Stats st;
    cache.initialize(sys, x0, d.massage_start_s, st);
    bool finite = true;
    double t = d.massage_start_s;
    while (t + dt <= d.massage_end_s && finite) {
      t += dt;
      cache.attempt(sys, t, st);
      cache.accept(sys, st);
      finite = cache.x().allFinite();
    }
    if (finite) return dt;
  }
  return dt;
}

template <class Stepper>
void BM_model_step(benchmark::State& bs, Stepper stepper) {
  const DefaultLimb& d = default_limb();
  // Computed once per stepper (Google Benchmark calls this function once per trial iteration count).
  struct Steps {
    ms::Stats adaptive;
    double dt_median = 0.0, dt = 0.0;
  };
  static const Steps steps = [&] {
    Steps r;
    r.dt_median = median_step_s(stepper, &r.adaptive);
    r.dt = stable_step_s(stepper, r.dt_median);
    return r;
  }();
  const ms::Stats& adaptive = steps.adaptive;
  const double dt_median = steps.dt_median, dt = steps.dt;
  LimbSys sys{d.limb, mm::ScheduleLimbInputs{d.massage}, true, false};
  const double t0 = d.massage_start_s, t_end = d.massage_end_s;
  const LimbState x0 = d.state_at(t0);
  auto cache = stepper.template make_cache<LimbSys, LimbState>(x0);
  ms::Stats st, init;
  cache.initialize(sys, x0, t0, init);
  double t = t0;
  long restarts = 0;
  for (auto _ : bs) {
    if (t + dt > t_end) {  // back to the start of the massage window (rare; not timed)
      bs.PauseTiming();
      cache.initialize(sys, x0, t0, init);
      t = t0;
      ++restarts;
      bs.ResumeTiming();
    }
    t += dt;
    call_step(cache, sys, t, st);
    benchmark::DoNotOptimize(cache.x().data());
    benchmark::ClobberMemory();
  }
  if (!cache.x().allFinite()) bs.SkipWithError("state became non-finite: dt above the stability limit");
  bs.counters["n_states"] = d.limb->n_states();
  bs.counters["dt_s"] = dt;
  bs.counters["median_dt_s"] = dt_median;
  bs.counters["rhs_evals"] = per_iteration(static_cast<double>(st.n_rhs));
  if (st.n_jac > 0) bs.counters["jac_evals"] = per_iteration(static_cast<double>(st.n_jac));
  if (st.n_lu > 0) bs.counters["lu"] = per_iteration(static_cast<double>(st.n_lu));
  // Whole step's CPU cost per RHS evaluation it made [s] (Jacobian colouring RHS calls are AD ones).
  bs.counters["s_per_rhs"] =
      benchmark::Counter(static_cast<double>(st.n_rhs), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  // The adaptive solve of the 900-s massage window that gave dt (for context: steps it needed).
  bs.counters["window_steps"] = static_cast<double>(adaptive.n_steps);
  bs.counters["window_rejected"] = static_cast<double>(adaptive.n_rejected);
  bs.counters["restarts"] = static_cast<double>(restarts);
}

/// The AD Jacobian of the limb, banded (75 colours: kl = ku = 37) as Rodas4 evaluates it once per step,
/// or dense (81 columns), at the trajectory states of the massage window.
void BM_model_jacobian(benchmark::State& bs, bool banded) {
  const DefaultLimb& d = default_limb();
  LimbSys sys{d.limb, mm::ScheduleLimbInputs{d.massage}, true, false};
  const auto n = static_cast<Eigen::Index>(d.limb->n_states());
  const Eigen::Index kl = banded ? d.limb->lower_bandwidth() : n - 1, ku = banded ? d.limb->upper_bandwidth() : n - 1;
  ms::JacobianEvaluator<LimbSys, LimbState> jeval(ms::JacobianKind::automatic, n, kl, ku);
  ms::BandMatrix jb(n, kl, ku);
  Eigen::MatrixXd jd(n, n);
  LimbState f(n);
  ms::Stats st;
  const auto k0 = static_cast<std::size_t>(d.massage_start_s), k1 = static_cast<std::size_t>(d.massage_end_s);
  std::size_t k = k0;
  for (auto _ : bs) {
    if (banded) {
      jeval.banded(sys, d.xs[k], d.ts[k], f, jb, st);
      benchmark::DoNotOptimize(&jb);
    } else {
      jeval.dense(sys, d.xs[k], d.ts[k], f, jd, st);
      benchmark::DoNotOptimize(jd.data());
    }
    benchmark::ClobberMemory();
    if (++k == k1) k = k0;
  }
  bs.counters["n_states"] = static_cast<double>(n);
  bs.counters["columns_per_sweep"] = static_cast<double>(std::min(kl + ku + 1, n));
}

// ---- (3) the full default scenario ----------------------------------------------------------------

/// Solver statistics summed over a benchmark's solves, reported per iteration.
struct SolveTotals {
  double steps = 0, rejected = 0, rhs = 0, jac = 0, sim_s = 0;

  void add(const ms::Stats& st, double simulated_s) {
    steps += static_cast<double>(st.n_steps);
    rejected += static_cast<double>(st.n_rejected);
    rhs += static_cast<double>(st.n_rhs);
    jac += static_cast<double>(st.n_jac);
    sim_s += simulated_s;
  }

  void report(benchmark::State& bs) const {
    bs.counters["steps"] = per_iteration(steps);
    bs.counters["rejected"] = per_iteration(rejected);
    bs.counters["rhs_evals"] = per_iteration(rhs);
    bs.counters["jac_evals"] = per_iteration(jac);
    // Simulated seconds per CPU second (kIsRate divides by the CPU time of the run).
    bs.counters["simulated_s_per_cpu_s"] = benchmark::Counter(sim_s, benchmark::Counter::kIsRate);
  }
};

/// simulate(default.json) with `opt` (default options = all arms, as the main job runs it).
void BM_default_scenario(benchmark::State& bs, msim::SimulationOptions opt) {
  const msc::Scenario& sc = scenario();
  SolveTotals totals;
  double integrate_s = 0, n_arms = 0;
  for (auto _ : bs) {
    auto res = call_simulate(sc, opt);
    n_arms += static_cast<double>(res.arms.size());
    benchmark::DoNotOptimize(res.arms.data());
    for (const auto& a : res.arms) {
      if (a.status != ms::Status::success) {
        bs.SkipWithError(a.message.c_str());
        return;
      }
      totals.add(a.stats, a.t_s.back() - a.t_s.front());
      integrate_s += a.wall_time_s;
    }
  }
  totals.report(bs);
  // Wall-clock time the facade reports for integrating the arms (ArmResult::wall_time_s) [ms].
  bs.counters["integrate_ms"] = per_iteration(1e3 * integrate_s);
  bs.counters["n_arms"] = per_iteration(n_arms);
}

/// The fixed part of every simulate() call: build the limb and find its rest state (4-h Rodas4
/// relaxation, Newton, steady_state polish), through the facade's prepare_arm.
void BM_default_scenario_setup(benchmark::State& bs) {
  const msc::Scenario& sc = scenario();
  for (auto _ : bs) {
    auto arm = msim::prepare_arm(sc, "massage");
    benchmark::DoNotOptimize(arm.rest_state.data());
  }
}

/// The solve of one arm alone through the facade: prepare_arm outside the timing, then
/// solve_prepared with the scenario's stepper, tolerances and dt_max on simulate()'s 1-s sample grid
/// (the 5-s output times and the window edges 480 s and 1380 s all lie on it): no outputs, no metrics.
void BM_default_scenario_solve(benchmark::State& bs, std::string arm_name) {
  const msc::Scenario& sc = scenario();
  const msim::PreparedArm arm = msim::prepare_arm(sc, arm_name);
  const double T = arm.schedule->duration_s();
  const auto ts = ms::linspace(0.0, T, static_cast<std::size_t>(T) + 1);
  SolveTotals totals;
  double cpu_s = 0;
  for (auto _ : bs) {
    auto sol = msim::solve_prepared(arm, sc.solver.stepper, sc.solver.rtol, sc.solver.atol, ts, sc.solver.dt_max_s);
    benchmark::DoNotOptimize(sol.states.data());
    if (sol.status != ms::Status::success) {
      bs.SkipWithError(sol.message.c_str());
      return;
    }
    totals.add(sol.stats, T);
    cpu_s += sol.cpu_s;
  }
  totals.report(bs);
  bs.counters["solve_cpu_ms"] = per_iteration(1e3 * cpu_s);  // PreparedSolve::cpu_s, the solve alone
  bs.counters["breakpoints"] = static_cast<double>(arm.breakpoints_s.size());
}

// ---- (4) ensembles of 1 000 scenarios ---------------------------------------------------------------

/// Phase durations of the ensemble's scenario relative to default.json. One full default scenario
/// costs ~6.5 CPU s (both arms), so 1 000 of them would take ~1.8 h per iteration on one thread.
/// Every phase is 1/16 as long (18.75 s rest, 11.25 s exercise, 3 x 18.75 s massage: one effleurage
/// pass each, 9 kneading cycles, then 93.75 s recovery: 180 s instead of 2880 s), with the same
/// phases, techniques, arms, outputs and solver. No shortening brings 1 000 runs under ~2 min: every
/// simulate() call first builds the limb and computes its rest state (~0.44 s, BM_default_scenario_setup),
/// so 1 000 runs take >= 7 min on one thread whatever the protocol; this one ~1 s per run.
constexpr double kEnsembleTimeScale = 1.0 / 16.0;
constexpr std::size_t kEnsembleRuns = 1000;

const msc::Scenario& ensemble_scenario() {
  static const msc::Scenario sc = [] {
    msc::Scenario s = scenario();
    s.name += "_1_16";
    for (auto& ph : s.protocol) {
      ph.duration_s *= kEnsembleTimeScale;
      if (ph.start_s) *ph.start_s *= kEnsembleTimeScale;
    }
    s.schedule = msc::build_schedule(s);
    return s;
  }();
  return sc;
}

/// CPU time of the whole process (all threads) [s].
double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double g_ensemble_1thread_s = 0.0;  // wall time of the 1-thread run (for the speed-up counter)

void BM_ensemble_scenarios(benchmark::State& bs) {
  const int threads = static_cast<int>(bs.range(0));
  const msc::Scenario& sc = ensemble_scenario();
  std::vector<msim::SimulationOptions> runs(kEnsembleRuns);
  for (std::size_t i = 0; i < kEnsembleRuns; ++i) {
    // tissue_pressure_transmission: registry range [0.70, 0.85] (default 0.8); acts on every segment.
    runs[i].parameter_overrides = {{"tissue_pressure_transmission",
                                    0.70 + 0.15 * static_cast<double>(i) / static_cast<double>(kEnsembleRuns - 1)}};
    runs[i].keep_traces = false;  // metrics only, as sweeps run (bounded memory)
  }
  double failed = 0, steps = 0, sim_s = 0, wall_s = 0, cpu_s = 0;
  for (auto _ : bs) {
    const double cpu_start = process_cpu_s();
    const auto t_start = std::chrono::steady_clock::now();
    auto res = msim::simulate_batch(sc, runs, threads);
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    cpu_s += process_cpu_s() - cpu_start;
    benchmark::DoNotOptimize(res.data());
    for (const auto& r : res) {
      if (!r.error.empty() || r.arms.empty()) ++failed;
      for (const auto& a : r.arms) {
        if (a.status != ms::Status::success) ++failed;
        steps += static_cast<double>(a.stats.n_steps);
        sim_s += a.t_s.empty() ? sc.schedule->duration_s() : a.t_s.back();
      }
    }
  }
  const double iters = static_cast<double>(bs.iterations());
  bs.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(kEnsembleRuns) * iters, benchmark::Counter::kIsRate);
  bs.counters["failed"] = per_iteration(failed);
  bs.counters["steps"] = per_iteration(steps);
  bs.counters["scenario_s"] = sc.schedule->duration_s();
  // CPU time of all threads of the process: cores_used = CPU / wall (2 = both cores all the time);
  // cpu_ms_per_run equal on 1 and 2 threads = no contention between the workers. A speed-up below
  // cores_used means other processes took the cores (shared machine), not that the work serialised.
  bs.counters["cores_used"] = cpu_s / wall_s;
  bs.counters["cpu_ms_per_run"] = 1e3 * cpu_s / (static_cast<double>(kEnsembleRuns) * iters);
  const double per_iter_s = wall_s / iters;
  if (threads == 1) g_ensemble_1thread_s = per_iter_s;
  if (threads > 1 && g_ensemble_1thread_s > 0.0) bs.counters["speedup_vs_1_thread"] = g_ensemble_1thread_s / per_iter_s;
}

}  // namespace

int main(int argc, char** argv) {
  using benchmark::kMicrosecond;
  using benchmark::kMillisecond;
  using benchmark::kNanosecond;
  benchmark::RegisterBenchmark("BM_model_rhs/segment", BM_model_rhs_segment, false)->Unit(kNanosecond);
  benchmark::RegisterBenchmark("BM_model_rhs/segment_rest", BM_model_rhs_segment, true)->Unit(kNanosecond);
  benchmark::RegisterBenchmark("BM_model_rhs/limb4", BM_model_rhs_limb_system, false)->Unit(kNanosecond);
  benchmark::RegisterBenchmark("BM_model_rhs/limb4_rest", BM_model_rhs_limb_system, true)->Unit(kNanosecond);
  benchmark::RegisterBenchmark("BM_model_rhs/limb4_core", BM_model_rhs_limb_core)->Unit(kNanosecond);

  benchmark::RegisterBenchmark("BM_model_step/Dopri5/limb4", BM_model_step<ms::Dopri5>, ms::Dopri5{})
      ->Unit(kMicrosecond);
  benchmark::RegisterBenchmark("BM_model_step/Fehlberg78/limb4", BM_model_step<ms::Fehlberg78>, ms::Fehlberg78{})
      ->Unit(kMicrosecond);
  benchmark::RegisterBenchmark("BM_model_step/Rodas4/limb4", [](benchmark::State& bs) {
    BM_model_step(bs, banded_rodas4(*default_limb().limb));
  })->Unit(kMicrosecond);

  benchmark::RegisterBenchmark("BM_model_jacobian/limb4_banded", BM_model_jacobian, true)->Unit(kMicrosecond);
  benchmark::RegisterBenchmark("BM_model_jacobian/limb4_dense", BM_model_jacobian, false)->Unit(kMicrosecond);

  benchmark::RegisterBenchmark("BM_default_scenario/both_arms", BM_default_scenario, msim::SimulationOptions{})
      ->Unit(kMillisecond)
      ->MinTime(2.0);
  msim::SimulationOptions massage_only;
  massage_only.arms = {"massage"};
  benchmark::RegisterBenchmark("BM_default_scenario/massage_arm", BM_default_scenario, massage_only)
      ->Unit(kMillisecond)
      ->MinTime(2.0);
  // The same scenario with the solver section overridden to Dopri5 (same rtol/atol/dt_max).
  msim::SimulationOptions dopri5;
  dopri5.stepper = "dopri5";
  benchmark::RegisterBenchmark("BM_default_scenario/both_arms_dopri5", BM_default_scenario, dopri5)
      ->Unit(kMillisecond)
      ->MinTime(2.0);
  benchmark::RegisterBenchmark("BM_default_scenario_setup", BM_default_scenario_setup)
      ->Unit(kMillisecond)
      ->MinTime(2.0);
  benchmark::RegisterBenchmark("BM_default_scenario_solve/massage", BM_default_scenario_solve, std::string("massage"))
      ->Unit(kMillisecond)
      ->MinTime(2.0);
  benchmark::RegisterBenchmark("BM_default_scenario_solve/passive", BM_default_scenario_solve, std::string("passive"))
      ->Unit(kMillisecond)
      ->MinTime(2.0);

  // Wall-clock time: the point is the speed-up from 1 to 2 threads (goal >= 1.8 on 2 free cores).
  benchmark::RegisterBenchmark("BM_ensemble_scenarios/default_1_16_x1000", BM_ensemble_scenarios)
      ->Arg(1)
      ->Arg(2)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(kMillisecond);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
