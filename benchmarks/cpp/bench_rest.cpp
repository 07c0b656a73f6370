/// Resting state of the default scenario's limb (issue 15 item 3: <= 5 ms).
///
///   BM_rest_state/default_limb   limb_rest_state() of scenarios/default.json's limb in its initial
///                                posture (lone-segment guesses + pseudo-transient continuation + Newton)
///   BM_rest_state/guess          limb_initial_guess() alone (the four lone-segment rest states)
///
/// Counters: n_states. Read the CPU column.
#include <benchmark/benchmark.h>

#include <memory>

#include "massagesim/scenario/scenario.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"

namespace mm = massagesim::models;
namespace msc = massagesim::scenario;

namespace {
struct RestFixture {
  std::shared_ptr<const mm::Limb> limb;
  mm::LimbInputs rest;
};

const RestFixture& fixture() {
  static const RestFixture f = [] {
    const auto sc = msc::load_scenario(MASSAGESIM_DEFAULT_SCENARIO_FILE);
    RestFixture r{std::make_shared<const mm::Limb>(msc::scenario_limb_params(sc)), {}};
    const auto sched = msc::build_schedule(sc);
    r.rest = r.limb->rest_inputs();
    for (int i = 0; i < r.limb->n_segments(); ++i)  // heights before t = 0: the initial posture (as prepare_arm)
      r.rest.segment[static_cast<std::size_t>(i)].height_above_heart_cm = sched.inputs(-1.0, i).height_above_heart_cm;
    return r;
  }();
  return f;
}

[[gnu::noinline]] mm::Limb::State rest_call(const RestFixture& f) { return mm::limb_rest_state(f.limb, &f.rest); }
[[gnu::noinline]] mm::Limb::State guess_call(const RestFixture& f) { return mm::limb_initial_guess(*f.limb, &f.rest); }

void BM_rest_state_default_limb(benchmark::State& bs) {
  const auto& f = fixture();
  for (auto _ : bs) {
    auto x = rest_call(f);
    benchmark::DoNotOptimize(x.data());
  }
  bs.counters["n_states"] = static_cast<double>(f.limb->n_states());
}
void BM_rest_state_guess(benchmark::State& bs) {
  const auto& f = fixture();
  for (auto _ : bs) {
    auto x = guess_call(f);
    benchmark::DoNotOptimize(x.data());
  }
}
}  // namespace

BENCHMARK(BM_rest_state_default_limb)->Name("BM_rest_state/default_limb")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_rest_state_guess)->Name("BM_rest_state/guess")->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
