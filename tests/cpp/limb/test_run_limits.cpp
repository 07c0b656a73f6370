/// Issue 17: simulate() checks up front what the Python layer checked before (sane values for
/// scenarios built in code and for option overrides; output memory and solver work estimates), and
/// stops on its cancel flag.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/run_estimate.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace sim = massagesim::simulation;
namespace msc = massagesim::scenario;
namespace mp = massagesim::protocols;

namespace {

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const massagesim::InvalidArgument& e) {
    return e.what();
  }
  return "(no exception)";
}

/// One 1-segment rest phase of `duration_s`: scenario built in code (never through the loader).
msc::Scenario rest_scenario(double duration_s) {
  msc::Scenario sc = msc::default_scenario();
  sc.limb = msc::Limb{{"calf"}, {40.0}};
  sc.protocol = {msc::PhaseSpec{.kind = mp::PhaseKind::rest, .duration_s = duration_s}};
  sc.arms.clear();
  sc.outputs.names = {"applied_pressure_mmHg"};
  sc.schedule.reset();
  return sc;
}

}  // namespace

TEST(RunLimits, ScenariosBuiltInCodeGetTheLoadersLimits) {
  msc::Scenario sc = rest_scenario(60.0);
  sc.solver.rtol = 0.5;
  EXPECT_NE(message_of([&] { sim::simulate(sc); }).find("solver.rtol: expected a tolerance in [1e-12, 0.1], got 0.5"),
            std::string::npos);
  sc = rest_scenario(60.0);
  sc.name = "../../escaped";
  EXPECT_NE(message_of([&] { sim::simulate(sc); }).find("name: "), std::string::npos);
  sc = rest_scenario(60.0);
  sc.protocol = {msc::PhaseSpec{.kind = mp::PhaseKind::massage,
                                .duration_s = 60.0,
                                .technique = mp::TechniqueParams{mp::PetrissageParams{.rate_Hz = 1e3}}}};
  EXPECT_NE(message_of([&] { sim::simulate(sc); }).find("protocol[0].rate_Hz: expected at most 50 Hz"),
            std::string::npos);
}

TEST(RunLimits, OptionOverridesGetTheSaneTolerances) {
  const msc::Scenario sc = rest_scenario(60.0);
  sim::SimulationOptions o;
  o.rtol = 1e-16;
  EXPECT_NE(
      message_of([&] { sim::simulate(sc, o); }).find("options.rtol: expected a tolerance in [1e-12, 0.1], got 1e-16"),
      std::string::npos);
  o = {};
  o.atol = 1e3;
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("options.atol: expected a tolerance in"), std::string::npos);
}

TEST(RunLimits, MemoryAndWorkPastTheLimitsAreRefusedBeforeRunning) {
  // 10^7 s saved every second, every output: gigabytes.
  const msc::Scenario long_sc = rest_scenario(1e7);
  sim::SimulationOptions o;
  o.outputs = std::vector<std::string>{};  // every output
  o.save_every_s = 1.0;
  const sim::RunEstimate e = sim::estimate_run(long_sc, o);
  EXPECT_GT(e.memory_MB, 2048.0);
  std::string m = message_of([&] { sim::check_estimate(e, sim::RunLimits{}); });
  EXPECT_NE(m.find("MB of results"), std::string::npos) << m;
  EXPECT_NE(m.find("the limit is 2048 MB"), std::string::npos) << m;
  EXPECT_NE(m.find("MASSAGESIM_MAX_OUTPUT_MB"), std::string::npos) << m;
  // simulate refuses it too, before the rest state.
  m = message_of([&] { sim::simulate(long_sc, o); });
  EXPECT_NE(m.find("MASSAGESIM_MAX_OUTPUT_MB"), std::string::npos) << m;
  // The estimate scales with what is asked: limits just above it let the same run through the check.
  EXPECT_NO_THROW(sim::check_estimate(e, sim::RunLimits{.max_output_MB = e.memory_MB * 1.01, .max_work_steps = 1e15}));
  // Metrics only: no traces kept, no memory limit.
  o.keep_traces = false;
  EXPECT_EQ(sim::estimate_run(long_sc, o).memory_MB, 0.0);

  sim::SimulationOptions tiny;
  tiny.dt_max_s = 1e-9;
  const msc::Scenario sc = rest_scenario(60.0);
  m = message_of([&] { sim::simulate(sc, tiny); });
  EXPECT_NE(m.find("solver steps on 1 segment(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("MASSAGESIM_MAX_STEPS"), std::string::npos) << m;
}

TEST(RunLimits, TheEstimateGrowsWithWhatMakesARunSlow) {
  const msc::Scenario base = rest_scenario(120.0);
  const double w0 = sim::estimate_run(base).work_steps();
  sim::SimulationOptions o;
  o.dt_max_s = 1e-3;
  EXPECT_GT(sim::estimate_run(base, o).work_steps(), 20 * w0);
  o = {};
  o.rtol = 1e-12;
  EXPECT_GT(sim::estimate_run(base, o).work_steps(), w0);
  msc::Scenario seg = base;
  seg.limb = msc::Limb{std::vector<std::string>(64, "s"), std::vector<double>(64, 1.0)};
  for (int i = 0; i < 64; ++i) seg.limb.segment_names[static_cast<std::size_t>(i)] = "s" + std::to_string(i);
  EXPECT_GT(sim::estimate_run(seg).work_steps(), 20 * w0);
}

TEST(RunLimits, LimitsComeFromTheEnvironmentWhenSet) {
  ::setenv("MASSAGESIM_MAX_OUTPUT_MB", "12.5", 1);
  ::setenv("MASSAGESIM_MAX_STEPS", "1e12", 1);
  const auto l = sim::RunLimits::from_environment();
  EXPECT_EQ(l.max_output_MB, 12.5);
  EXPECT_EQ(l.max_work_steps, 1e12);
  ::setenv("MASSAGESIM_MAX_STEPS", "lots", 1);
  const std::string m = message_of([] { (void)sim::RunLimits::from_environment(); });
  EXPECT_NE(m.find("MASSAGESIM_MAX_STEPS: expected a positive number, got 'lots'"), std::string::npos) << m;
  ::unsetenv("MASSAGESIM_MAX_OUTPUT_MB");
  ::unsetenv("MASSAGESIM_MAX_STEPS");
  EXPECT_EQ(sim::RunLimits::from_environment().max_output_MB, sim::RunLimits{}.max_output_MB);
}

TEST(RunLimits, ACancelFlagStopsTheFacade) {
  // A 10-hour tapotement protocol at 1-ms steps: only the flag ends it in a test's lifetime.
  msc::Scenario sc = rest_scenario(36000.0);
  sc.protocol = {msc::PhaseSpec{
      .kind = mp::PhaseKind::massage, .duration_s = 36000.0, .technique = mp::TechniqueParams{mp::TapotementParams{}}}};
  sim::SimulationOptions o;
  o.dt_max_s = 1e-3;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  o.cancel = flag;
  ::setenv("MASSAGESIM_MAX_STEPS", "1e15", 1);
  std::string what;
  std::thread worker([&] {
    try {
      (void)sim::simulate(sc, o);
    } catch (const massagesim::Cancelled& e) {
      what = e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  flag->store(true);
  worker.join();  // returns only because the run stopped
  ::unsetenv("MASSAGESIM_MAX_STEPS");
  EXPECT_NE(what.find("cancelled at t = "), std::string::npos) << what;
}

TEST(RunLimits, ASetCancelFlagEndsARunBeforeItsRestState) {
  // The runs of a cancelled batch that have not started yet end at once.
  sim::SimulationOptions o;
  o.cancel = std::make_shared<std::atomic<bool>>(true);
  try {
    (void)sim::simulate(rest_scenario(60.0), o);
    ADD_FAILURE() << "expected Cancelled";
  } catch (const massagesim::Cancelled& e) {
    EXPECT_NE(std::string(e.what()).find("cancelled before the start"), std::string::npos) << e.what();
  }
  std::vector<sim::SimulationOptions> runs(3, o);
  for (const auto& r : sim::simulate_batch(rest_scenario(60.0), runs, 2))
    EXPECT_NE(r.error.find("cancelled before the start"), std::string::npos) << r.error;
}
