/// Solver benchmarks: the cost of one right-hand-side evaluation, of one step of each stepper,
/// and of a full one-hour solve of a forced tissue-like chain (8 and 30 states, fixed-size and
/// dynamic states), with the ratio of the solve time to its floor (RHS evaluations x RHS cost).
///
/// Names: BM_solver_<what>/<stepper>/<model>. Counters: rhs_evals and steps (per iteration),
/// ns_per_rhs (time / RHS evaluations) and, for solves, floor_ratio.
#include <benchmark/benchmark.h>

#include <ctime>
#include <string>
#include <vector>

#include "massagesim/solver/ensemble.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#if __has_include("massagesim/solver/steppers/rodas4.hpp")
#include "massagesim/solver/steppers/rodas4.hpp"
#define MASSAGESIM_BENCH_HAVE_RODAS4 1
#endif

#include "tissue_chain.hpp"

namespace ms = massagesim;
namespace mb = massagesim::bench;

namespace {

// ---- call wrappers: never inlined, so that what is measured is one real call -----------------

template <class System, class State>
[[gnu::noinline]] void call_rhs(const System& sys, const State& x, State& dxdt, double t) {
  sys(x, dxdt, t);
}

template <class Cache, class System>
[[gnu::noinline]] void call_step(Cache& cache, System& sys, double t_new, ms::Stats& st) {
  cache.attempt(sys, t_new, st);
  cache.accept(sys, st);
}

template <class Problem, class Stepper>
[[gnu::noinline]] auto call_solve(const Problem& p, const Stepper& stepper, const ms::StepControl& ctl,
                                  const ms::SaveAt& save) {
  return ms::solve(p, stepper, ctl, save);
}

/// CPU time of this thread [ns]: the machine is shared, so ratios use CPU time, not wall time.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e9 * static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec);
}

benchmark::Counter per_iteration(double total) { return benchmark::Counter(total, benchmark::Counter::kAvgIterations); }

// ---- fixture: model, state, workspace -----------------------------------------------------------

template <int N, class State>
struct ModelFixture {
  mb::TissueChain<N> sys{};
  State x = sys.template x0<State>();
  State dxdt = x;
  // States and times along a real trajectory (first 10 s, every 10 ms) at which the RHS cost is
  // measured. Not x0 alone: there every volume is exactly V0, so exp(0) and log(2) take libm's fast
  // paths and one evaluation costs ~2/3 of a typical one (chain8 60 vs 88 ns, chain30 215 vs 340 ns),
  // which made floor_ratio look ~1.5 x worse than it is.
  std::vector<State> xs;
  std::vector<double> ts;

  ModelFixture() {
    const auto sol =
        ms::solve(ms::make_problem(sys, x, 0.0, 10.0, sys.jumps(10.0)), ms::Dopri5{},
                  ms::StepControl{.rtol = 1e-6, .atol = 1e-8}, ms::SaveAt{.ts_s = ms::linspace(0.0, 10.0, 1001)});
    for (Eigen::Index j = 0; j < sol.x.cols(); ++j) xs.push_back(sol.x.col(j));
    ts = sol.t_s;
  }

  /// CPU cost of one RHS evaluation [ns], cycling through the trajectory's states (the floor's
  /// unit; same loop as BM_solver_rhs).
  double rhs_cost_ns() {
    const int reps = 200000;
    const double start = thread_cpu_ns();
    for (int k = 0; k < reps; ++k) {
      const std::size_t i = static_cast<std::size_t>(k) % xs.size();
      call_rhs(sys, xs[i], dxdt, ts[i]);
      benchmark::DoNotOptimize(dxdt.data());
      benchmark::ClobberMemory();
    }
    return (thread_cpu_ns() - start) / reps;
  }
};

// ---- (a) one RHS evaluation ---------------------------------------------------------------------

template <int N, class State>
void BM_solver_rhs(benchmark::State& bs) {
  ModelFixture<N, State> f;
  std::size_t i = 0;
  const double cpu0 = thread_cpu_ns();
  for (auto _ : bs) {
    call_rhs(f.sys, f.xs[i], f.dxdt, f.ts[i]);  // walk through states and forcing of a real trajectory
    benchmark::DoNotOptimize(f.dxdt.data());
    benchmark::ClobberMemory();
    if (++i == f.xs.size()) i = 0;
  }
  const double cpu = thread_cpu_ns() - cpu0;
  const auto n = static_cast<double>(bs.iterations());
  bs.counters["rhs_evals"] = per_iteration(n);
  bs.counters["ns_per_rhs"] = cpu / n;
}

// ---- (b) one step -------------------------------------------------------------------------------

template <int N, class State, class Stepper>
void BM_solver_step(benchmark::State& bs, Stepper stepper) {
  using System = mb::TissueChain<N>;
  ModelFixture<N, State> f;
  auto cache = stepper.template make_cache<System, State>(f.x);
  ms::Stats st;
  System sys = f.sys;
  cache.initialize(sys, f.x, 0.0, st);
  const ms::Stats st0 = st;
  const double dt = 1e-2;
  double t = 0.0;
  const double cpu0 = thread_cpu_ns();
  for (auto _ : bs) {
    t += dt;
    call_step(cache, sys, t, st);
    benchmark::DoNotOptimize(cache.x().data());
    benchmark::ClobberMemory();
  }
  const double cpu = thread_cpu_ns() - cpu0;
  const auto rhs = static_cast<double>(st.n_rhs - st0.n_rhs);
  bs.counters["steps"] = per_iteration(static_cast<double>(bs.iterations()));
  bs.counters["rhs_evals"] = per_iteration(rhs);
  bs.counters["ns_per_rhs"] = cpu / rhs;  // the whole step's cost per RHS evaluation
  if (st.n_jac > 0) bs.counters["jac_evals"] = per_iteration(static_cast<double>(st.n_jac));
}

// ---- (c) a full solve: one hour of 1 Hz pulses, output every second -------------------------------

template <int N, class State, class Stepper>
void BM_solver_solve(benchmark::State& bs, Stepper stepper) {
  ModelFixture<N, State> f;
  const double t1 = 3600.0;
  const auto problem = ms::make_problem(f.sys, f.x, 0.0, t1, f.sys.jumps(t1));
  const ms::StepControl ctl{.rtol = 1e-6, .atol = 1e-8, .throw_on_failure = false};
  const ms::SaveAt save{.ts_s = ms::linspace(0.0, t1, 3601)};
  const double rhs_cost = f.rhs_cost_ns();
  double rhs = 0.0, steps = 0.0, rejected = 0.0;
  const double cpu0 = thread_cpu_ns();
  for (auto _ : bs) {
    auto sol = call_solve(problem, stepper, ctl, save);
    benchmark::DoNotOptimize(sol.x.data());
    rhs += static_cast<double>(sol.stats.n_rhs);
    steps += static_cast<double>(sol.stats.n_steps);
    rejected += static_cast<double>(sol.stats.n_rejected);
    if (!sol.ok()) {
      bs.SkipWithError(sol.message.c_str());
      break;
    }
  }
  const double cpu = thread_cpu_ns() - cpu0;
  bs.counters["rhs_evals"] = per_iteration(rhs);
  bs.counters["steps"] = per_iteration(steps);
  bs.counters["rejected"] = per_iteration(rejected);
  bs.counters["ns_per_rhs"] = cpu / rhs;  // everything (stepping, control, saving) per RHS evaluation
  bs.counters["rhs_cost_ns"] = rhs_cost;  // one RHS evaluation alone
  // CPU time / (rhs_evals x cost of one RHS): 1 would mean the stepping machinery costs nothing.
  bs.counters["floor_ratio"] = cpu / (rhs * rhs_cost);
}

// ---- (d) an ensemble: 64 ten-minute solves with varied pulse pressure, on 1 or 2 threads ---------

void BM_solver_ensemble(benchmark::State& bs) {
  const int threads = static_cast<int>(bs.range(0));
  using V = Eigen::Matrix<double, 8, 1>;
  const mb::TissueChain<4> base{};
  const double t1 = 600.0;
  const auto jumps = base.jumps(t1);
  double rhs = 0.0;
  for (auto _ : bs) {
    auto res = ms::solve_ensemble(
        64,
        [&](std::size_t i) {
          mb::TissueChain<4> sys = base;
          sys.A_mmHg = 20.0 + 0.5 * static_cast<double>(i);
          return ms::make_problem(sys, sys.x0<V>(), 0.0, t1, jumps);
        },
        [](const auto& p) {
          const auto sol = ms::solve(p, ms::Dopri5{}, ms::StepControl{.rtol = 1e-6, .atol = 1e-8});
          return sol.stats.n_rhs;
        },
        threads);
    benchmark::DoNotOptimize(res.runs.data());
    for (const auto& r : res.runs) rhs += r.ok() ? static_cast<double>(*r.output) : 0.0;
  }
  bs.counters["runs_per_s"] =
      benchmark::Counter(64.0 * static_cast<double>(bs.iterations()), benchmark::Counter::kIsRate);
  bs.counters["rhs_evals"] = per_iteration(rhs);
}

template <int N>
using Fixed = Eigen::Matrix<double, 2 * N, 1>;
using Dyn = Eigen::VectorXd;

template <int N>
void register_model(const std::string& model) {
  benchmark::RegisterBenchmark(("BM_solver_rhs/" + model + "_fixed").c_str(), BM_solver_rhs<N, Fixed<N>>);
  benchmark::RegisterBenchmark(("BM_solver_rhs/" + model + "_dynamic").c_str(), BM_solver_rhs<N, Dyn>);

  benchmark::RegisterBenchmark(("BM_solver_step/Dopri5/" + model + "_fixed").c_str(),
                               BM_solver_step<N, Fixed<N>, ms::Dopri5>, ms::Dopri5{});
  benchmark::RegisterBenchmark(("BM_solver_step/Dopri5/" + model + "_dynamic").c_str(),
                               BM_solver_step<N, Dyn, ms::Dopri5>, ms::Dopri5{});
  benchmark::RegisterBenchmark(("BM_solver_step/Fehlberg78/" + model + "_fixed").c_str(),
                               BM_solver_step<N, Fixed<N>, ms::Fehlberg78>, ms::Fehlberg78{});
  benchmark::RegisterBenchmark(("BM_solver_step/Fehlberg78/" + model + "_dynamic").c_str(),
                               BM_solver_step<N, Dyn, ms::Fehlberg78>, ms::Fehlberg78{});
#ifdef MASSAGESIM_BENCH_HAVE_RODAS4
  benchmark::RegisterBenchmark(("BM_solver_step/Rodas4/" + model + "_fixed").c_str(),
                               BM_solver_step<N, Fixed<N>, ms::Rodas4>, ms::Rodas4{});
#endif

  benchmark::RegisterBenchmark(("BM_solver_solve/Dopri5/" + model + "_fixed").c_str(),
                               BM_solver_solve<N, Fixed<N>, ms::Dopri5>, ms::Dopri5{})
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_solver_solve/Dopri5/" + model + "_dynamic").c_str(),
                               BM_solver_solve<N, Dyn, ms::Dopri5>, ms::Dopri5{})
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_solver_solve/Fehlberg78/" + model + "_fixed").c_str(),
                               BM_solver_solve<N, Fixed<N>, ms::Fehlberg78>, ms::Fehlberg78{})
      ->Unit(benchmark::kMillisecond);
#ifdef MASSAGESIM_BENCH_HAVE_RODAS4
  benchmark::RegisterBenchmark(("BM_solver_solve/Rodas4/" + model + "_fixed").c_str(),
                               BM_solver_solve<N, Fixed<N>, ms::Rodas4>, ms::Rodas4{})
      ->Unit(benchmark::kMillisecond);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  register_model<4>("chain8");    // 4 segments, 8 states
  register_model<15>("chain30");  // 15 segments, 30 states
  // Wall-clock time: the point is the speed-up from 1 to 2 threads (goal >= 1.8 on 2 free cores).
  benchmark::RegisterBenchmark("BM_solver_ensemble/Dopri5/chain8_x64", BM_solver_ensemble)
      ->Arg(1)
      ->Arg(2)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
