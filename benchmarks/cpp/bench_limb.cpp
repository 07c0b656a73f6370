/// \file bench_limb.cpp
/// \brief Limb scaling: time per simulated hour for N = 1, 4, 16, 64 segments (Rodas4, AD Jacobian with
/// band colouring, banded LU; the pool border frozen in J, see limb.hpp), plus steps/RHS/Jacobians.
/// Protocol (1 h): 60 s rest, 120 s effleurage toward the heart (60 mmHg, 5 cm/s), 3420 s passive recovery
/// on a 90-cm leg split into N equal segments; rtol 1e-6, atol 1e-9, dt_max 10 s. The rest state is
/// computed once per N outside the timing. performance.md: cost per simulated hour linear in N.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "massagesim/models/limb.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;
using namespace massagesim::models;
namespace mp = massagesim::protocols;

namespace {
struct Setup {
  std::shared_ptr<const Limb> limb;
  std::shared_ptr<mp::Schedule> schedule;
  Limb::State rest;
};
const Setup& setup(int n) {
  static std::map<int, Setup> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  std::vector<std::string> names;
  std::vector<double> L;
  for (int i = 0; i < n; ++i) {
    names.push_back("s" + std::to_string(i));
    L.push_back(90.0 / n);
  }
  Setup s;
  s.limb = std::make_shared<const Limb>(make_limb_params(default_calf_params(), names, L));
  s.schedule = std::make_shared<mp::Schedule>(mp::LimbGeometry(L));
  s.schedule->rest(60.0).massage(120.0, "effleurage").passive_recovery(3420.0);
  LimbInputs in = s.limb->rest_inputs();
  for (int i = 0; i < n; ++i)
    in.segment[static_cast<std::size_t>(i)].height_above_heart_cm = s.schedule->inputs(-1.0, i).height_above_heart_cm;
  s.rest = limb_rest_state(s.limb, &in);
  return cache.emplace(n, std::move(s)).first->second;
}
}  // namespace

static void BM_LimbHour(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Setup& s = setup(n);
  Stats st;
  for (auto _ : state) {
    auto prob = make_limb_problem(s.limb, s.schedule, s.rest, 0.0, 3600.0);
    auto sol = solve(prob,
                     Rodas4{.linear_solver = LinearSolverKind::banded,
                            .lower_bandwidth = s.limb->lower_bandwidth(),
                            .upper_bandwidth = s.limb->upper_bandwidth()},
                     StepControl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 10.0}, SaveAt{.t1 = true});
    st = sol.stats;
    benchmark::DoNotOptimize(sol.x_final.data());
  }
  state.counters["n_states"] = s.limb->n_states();
  state.counters["steps"] = static_cast<double>(st.n_steps);
  state.counters["rejected"] = static_cast<double>(st.n_rejected);
  state.counters["rhs"] = static_cast<double>(st.n_rhs);
  state.counters["jac"] = static_cast<double>(st.n_jac);
  // CPU seconds per accepted step (per-step cost: linear in N with the banded LU).
  state.counters["s_per_step"] =
      benchmark::Counter(static_cast<double>(st.n_steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LimbHour)->Arg(1)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
