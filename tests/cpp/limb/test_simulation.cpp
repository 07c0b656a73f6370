/// \file test_simulation.cpp
/// \brief The simulation facade (simulation.hpp): arms, output names, metrics, batches, bad options.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "massagesim/core/error.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace sim = massagesim::simulation;
namespace msc = massagesim::scenario;

namespace {
/// The default scenario with each phase shortened to 60 s (the full one runs in run_scenario).
msc::Scenario short_default() {
  msc::Scenario sc = msc::default_scenario();
  for (auto& ph : sc.protocol) ph.duration_s = 60.0;
  return sc;
}
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const massagesim::InvalidArgument& e) {
    return e.what();
  }
  return "(no exception)";
}
}  // namespace

TEST(Simulation, DefaultScenarioRunsBothArmsWithNamedOutputsAndFiniteMetrics) {
  const msc::Scenario sc = msc::default_scenario();
  const auto res = sim::simulate(sc);
  ASSERT_EQ(res.arms.size(), 2u);
  EXPECT_EQ(res.arms[0].arm, "massage");
  EXPECT_EQ(res.arms[1].arm, "passive");
  const auto avail = sim::available_outputs(sc);
  for (const auto& a : res.arms) {
    EXPECT_EQ(a.status, massagesim::Status::success);
    // 6 requested quantities x 4 segments, named "<segment>.<quantity>".
    ASSERT_EQ(a.output_names.size(), 24u);
    EXPECT_EQ(a.output_names[0], "distal_calf.applied_pressure_mmHg");
    for (const auto& n : a.output_names) EXPECT_NE(std::find(avail.begin(), avail.end(), n), avail.end()) << n;
    EXPECT_EQ(a.values.cols(), 24);
    EXPECT_EQ(static_cast<std::size_t>(a.values.rows()), a.t_s.size());
    EXPECT_NEAR(a.t_s.back(), 2880.0, 1e-9);
    EXPECT_TRUE(a.values.allFinite());
    ASSERT_EQ(a.metrics.size(), sim::metric_names().size());
    for (std::size_t m = 0; m < a.metrics.size(); ++m) {
      EXPECT_EQ(a.metrics[m].first, sim::metric_names()[m]);
      EXPECT_TRUE(std::isfinite(a.metrics[m].second)) << a.arm << " " << a.metrics[m].first;
    }
  }
  // Massage applies pressure, passive does not.
  EXPECT_GT(res.arms[0].values.col(0).maxCoeff(), 10.0);
  EXPECT_EQ(res.arms[1].values.col(0).maxCoeff(), 0.0);
}

TEST(Simulation, BatchIsIdenticalOnOneAndTwoThreads) {
  const msc::Scenario sc = short_default();
  std::vector<sim::SimulationOptions> runs(2);
  runs[0].outputs = std::vector<std::string>{"blood_lactate_mmol_per_L", "proximal_thigh.venous_outflow_mL_per_min"};
  runs[1].outputs = runs[0].outputs;
  runs[1].parameter_overrides = {{"tissue_pressure_transmission", 0.75}};
  const auto one = sim::simulate_batch(sc, runs, 1);
  const auto two = sim::simulate_batch(sc, runs, 2);
  ASSERT_EQ(one.size(), 2u);
  ASSERT_EQ(two.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(one[i].error.empty()) << one[i].error;
    ASSERT_EQ(one[i].arms.size(), two[i].arms.size());
    for (std::size_t a = 0; a < one[i].arms.size(); ++a) {
      EXPECT_EQ(one[i].arms[a].output_names, two[i].arms[a].output_names);
      EXPECT_TRUE((one[i].arms[a].values.array() == two[i].arms[a].values.array()).all());
      for (std::size_t m = 0; m < one[i].arms[a].metrics.size(); ++m)
        EXPECT_TRUE(one[i].arms[a].metrics[m].second == two[i].arms[a].metrics[m].second ||
                    (std::isnan(one[i].arms[a].metrics[m].second) && std::isnan(two[i].arms[a].metrics[m].second)));
    }
  }
  // The override changes the result (the runs are not all the same).
  EXPECT_NE(one[0].arms[0].values(one[0].arms[0].values.rows() - 1, 1),
            one[1].arms[0].values(one[1].arms[0].values.rows() - 1, 1));
}

TEST(Simulation, BadOptionsRaiseClearMessages) {
  const msc::Scenario sc = short_default();
  sim::SimulationOptions o;
  o.stepper = "rodas5";
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("unknown stepper 'rodas5'"), std::string::npos);
  o = {};
  o.rtol = 2.0;
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("options.rtol: expected a tolerance in [1e-12, 0.1], got 2"),
            std::string::npos);
  o = {};
  o.save_every_s = -1.0;
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("options.save_every_s"), std::string::npos);
  o = {};
  o.outputs = std::vector<std::string>{"proximal_calf.venous_outflow_mL_per_mn"};
  const std::string m = message_of([&] { sim::simulate(sc, o); });
  EXPECT_NE(m.find("unknown output 'proximal_calf.venous_outflow_mL_per_mn'"), std::string::npos) << m;
  EXPECT_NE(m.find("proximal_calf.venous_outflow_mL_per_min"), std::string::npos) << m;  // nearest name
  o = {};
  o.arms = {"masage"};
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("unknown arm 'masage'"), std::string::npos);
  o = {};
  o.parameter_overrides = {{"tissue_pressure_transmision", 0.8}};
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("tissue_pressure_transmission"), std::string::npos);
  o = {};
  o.parameter_overrides = {{"calf.tissue_mass_g", 1000.0}};
  EXPECT_NE(message_of([&] { sim::simulate(sc, o); }).find("unknown segment 'calf'"), std::string::npos);
}

TEST(Simulation, ArmsIntegrateTheirSharedPrefixOnceAndAgreeWithSeparateRuns) {
  // Issue 15: the default scenario's arms share rest and exercise (the passive arm replaces the massage
  // phases), so `simulate` integrates that prefix once and continues each arm from its end state. Each arm
  // must agree with the arm run alone (options.arms = one arm: nothing shared) within the solve's tolerance
  // (the stepper restarts at the split; an arm alone colours and orders its LU by its own pattern), and
  // the two arms' rows before the split are the same rows.
  const msc::Scenario sc = short_default();
  const double t_split = sc.protocol[0].duration_s + sc.protocol[1].duration_s;  // rest + exercise
  const auto both = sim::simulate(sc);
  ASSERT_EQ(both.arms.size(), 2u);
  for (const auto& a : both.arms) {
    sim::SimulationOptions one;
    one.arms = {a.arm};
    const auto alone = sim::simulate(sc, one);
    ASSERT_EQ(alone.arms.size(), 1u);
    const auto& b = alone.arms[0];
    ASSERT_EQ(a.t_s, b.t_s) << a.arm;
    ASSERT_EQ(a.values.cols(), b.values.cols());
    double worst_before = 0.0, worst_after = 0.0;
    for (Eigen::Index k = 0; k < a.values.rows(); ++k) {
      const double t = a.t_s[static_cast<std::size_t>(k)];
      for (Eigen::Index j = 0; j < a.values.cols(); ++j) {
        const double scale = std::max(1.0, b.values.col(j).cwiseAbs().maxCoeff());
        const double d = std::abs(a.values(k, j) - b.values(k, j)) / scale;
        (t < t_split - 1e-9 ? worst_before : worst_after) =
            std::max(t < t_split - 1e-9 ? worst_before : worst_after, d);
      }
    }
    std::printf(
        "%s against the arm alone: largest difference %.2e before the split, %.2e after (relative to each "
        "output's largest value)\n",
        a.arm.c_str(), worst_before, worst_after);
    EXPECT_LT(worst_before, 1e-3) << a.arm;
    EXPECT_LT(worst_after, 1e-3) << a.arm;
    // The shared part's work is counted in every arm, so each arm's counters cover its whole trajectory.
    EXPECT_GE(a.stats.n_steps, 1);
    EXPECT_EQ(a.status, massagesim::Status::success) << a.message;
  }
  // Both arms hold the prefix's rows: identical before the split.
  const auto& m = both.arms[0];
  const auto& p = both.arms[1];
  for (Eigen::Index k = 0; k < m.values.rows() && m.t_s[static_cast<std::size_t>(k)] < t_split - 1e-9; ++k)
    for (Eigen::Index j = 0; j < m.values.cols(); ++j) ASSERT_EQ(m.values(k, j), p.values(k, j));
}
