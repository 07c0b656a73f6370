/// The recorded equations are the model's equations: the exported graph, evaluated, reproduces the
/// double right-hand side of a segment and of limbs, at states far from the trace point (both sides
/// of every branch: collapsed and distended veins), with parameters that stay live symbols.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/symbolic/model_export.hpp"
#include "massagesim/symbolic/scenario_export.hpp"

using namespace massagesim;
using namespace massagesim::models;
using symbolic::Expr;

namespace {

LimbInputsTpl<Expr> as_symbolic(const LimbInputs& in, int n) {
  LimbInputsTpl<Expr> o;
  for (int i = 0; i < n; ++i) {
    const auto& r = in.segment[static_cast<std::size_t>(i)];
    auto& s = o.segment[static_cast<std::size_t>(i)];
    s.applied_pressure_mmHg = r.applied_pressure_mmHg;
    s.exercise_intensity = r.exercise_intensity;
    s.height_above_heart_cm = r.height_above_heart_cm;
    s.massage_drive = r.massage_drive;
    s.arterial_lactate_mmol_per_L = r.arterial_lactate_mmol_per_L;
  }
  o.whole_body_intensity = in.whole_body_intensity;
  return o;
}

// Max relative difference between graph and double RHS over random states around x0 (x0 * [0.2, 1.8]).
template <class DoubleRhs>
double worst_difference(const symbolic::Graph& g, const Eigen::VectorXd& x0, DoubleRhs&& rhs, int n_points,
                        std::span<const double> params = {}) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0.2, 1.8);
  double worst = 0.0;
  for (int k = 0; k < n_points; ++k) {
    Eigen::VectorXd x = x0;
    for (int i = 0; i < x.size(); ++i) x[i] *= u(rng);
    Eigen::VectorXd d(x.size());
    rhs(x, d);
    const auto v = g.evaluate(std::span<const double>(x.data(), static_cast<std::size_t>(x.size())), 0.0, params);
    for (int i = 0; i < x.size(); ++i) {
      EXPECT_TRUE(std::isfinite(v[static_cast<std::size_t>(i)]));
      worst = std::max(worst, std::abs(v[static_cast<std::size_t>(i)] - d[i]) / (std::abs(d[i]) + 1e-300));
    }
  }
  return worst;
}

}  // namespace

TEST(ModelExport, LimbGraphReproducesTheRightHandSide) {
  for (int n : {1, 3}) {
    std::vector<std::string> names;
    std::vector<double> L;
    for (int i = 0; i < n; ++i) {
      names.push_back("s" + std::to_string(i));
      L.push_back(20.0 + 5.0 * i);
    }
    const auto limb = std::make_shared<const Limb>(make_limb_params(default_calf_params(), names, L));
    LimbInputs in = limb->rest_inputs();
    in.segment[0].applied_pressure_mmHg = 45.0;
    in.segment[0].massage_drive = 0.7;
    for (int i = 0; i < n; ++i) in.segment[static_cast<std::size_t>(i)].exercise_intensity = 0.4;
    in.whole_body_intensity = 0.4;
    const Eigen::VectorXd x0 = limb_initial_guess(*limb);
    const auto m = symbolic::record_limb(
        *limb, [&](const Expr&) { return as_symbolic(in, n); }, x0, 0.0, 60.0);
    ASSERT_EQ(static_cast<int>(m.states.size()), limb->n_states());
    EXPECT_GT(m.parameters.size(), 80u * static_cast<std::size_t>(n));
    const double worst = worst_difference(
        *m.graph, x0,
        [&](const Eigen::VectorXd& x, Eigen::VectorXd& d) { limb->rhs(x.data(), in, d.data(), true, true); }, 200);
    EXPECT_LE(worst, 1e-13) << "n = " << n;  // same operations in the same order: equal to rounding
  }
}

TEST(ModelExport, ParametersAreLiveSymbols) {
  // Changing a parameter in the graph == changing it in the model (it is not baked into the
  // equations), for every parameter not flagged structural; the structural ones are the values the
  // model code reads as numbers (smoothing widths, valve leaks, Hill exponents).
  const SegmentParams base = default_calf_params();
  const Segment seg(base, "calf");
  const Segment::State x0 = rest_state(seg);
  const SegmentInputs in = seg.rest_inputs();
  const auto m = symbolic::record_segment(
      seg,
      [&](const Expr&) {
        SegmentInputsTpl<Expr> s;
        s.height_above_heart_cm = in.height_above_heart_cm;
        return s;
      },
      x0, 0.0, 60.0);
  // m.parameters lists the graph's parameters first (in its order), then those used only as numbers.
  const std::size_t n_graph = m.graph->parameters().size();
  ASSERT_LE(n_graph, m.parameters.size());
  std::vector<double> values;
  for (std::size_t k = 0; k < n_graph; ++k) values.push_back(m.parameters[k].value);
  std::size_t live = 0, structural = 0;
  for (std::size_t k = 0; k < m.parameters.size(); ++k) {
    const auto& par = m.parameters[k];
    if (par.structural) {
      ++structural;
      continue;
    }
    ASSERT_LT(k, n_graph) << par.id;
    const std::string name = par.id.substr(std::string("calf__").size());
    if (name == "muscle_mass_kg") continue;  // a segment takes it from tissue_mass_g (Segment::evaluate)
    std::vector<double> v = values;
    v[k] = par.value * 1.07 + 1e-3;
    SegmentParams p = base;
    ParameterRegistry(p).set(name, v[k], true);
    const Segment seg2(p, "calf");
    const double worst = worst_difference(
        *m.graph, x0,
        [&](const Eigen::VectorXd& x, Eigen::VectorXd& d) {
          Segment::State xs = x, ds;
          seg2.rhs(xs, in, ds);
          d = ds;
        },
        5, v);
    EXPECT_LE(worst, 1e-12) << name;
    ++live;
  }
  EXPECT_GE(live, 60u);
  EXPECT_GE(structural, 3u);
  auto is_structural = [&](const std::string& id) {
    for (const auto& p : m.parameters)
      if (p.id == id) return p.structural;
    ADD_FAILURE() << id << " not exported";
    return false;
  };
  EXPECT_TRUE(is_structural("calf__venous_valve_width_mmHg"));
  EXPECT_TRUE(is_structural("calf__vasodilator_hill"));
  EXPECT_FALSE(is_structural("calf__venous_compliance_mL_per_mmHg_per_100g"));
}

namespace {
/// Largest relative difference between the exported graph and the limb's right-hand side under the arm's
/// schedule, over `n` samples (seed `seed`): states scaled 0.5-1.5 x rest, half the times random, half just after a
/// breakpoint (right-continuous inputs).
double worst_relative_rhs_difference(const symbolic::ExportedModel& m, const simulation::PreparedArm& p, int n,
                                     unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.5, 1.5), ut(0.0, m.t1_s);
  const ScheduleLimbInputs inputs{p.schedule};
  double worst = 0.0;
  for (int k = 0; k < n; ++k) {
    const double t = (k % 2) ? ut(rng) : m.breakpoints_s[static_cast<std::size_t>(k) % m.breakpoints_s.size()] + 1e-6;
    Eigen::VectorXd x = p.rest_state;
    for (int i = 0; i < x.size(); ++i) x[i] *= u(rng);
    LimbInputs in;
    inputs(t, in, p.limb->n_segments());
    Eigen::VectorXd d(x.size());
    p.limb->rhs(x.data(), in, d.data(), true, true);
    const auto v = m.graph->evaluate(std::span<const double>(x.data(), static_cast<std::size_t>(x.size())), t);
    for (int i = 0; i < x.size(); ++i)
      worst = std::max(worst, std::abs(v[static_cast<std::size_t>(i)] - d[i]) / (std::abs(d[i]) + 1e-12));
  }
  return worst;
}
}  // namespace

TEST(ModelExport, DefaultScenarioWithItsProtocolReproducesTheRightHandSide) {
  // The whole default scenario (4-segment leg, rest, exercise, effleurage, petrissage, recovery):
  // the graph at random times and states equals the limb's RHS under the schedule's inputs.
  const scenario::Scenario sc = scenario::default_scenario();
  const auto m = symbolic::export_scenario(sc, "massage", symbolic::ExportKind::limb);
  const auto p = simulation::prepare_arm(sc, "massage");
  ASSERT_EQ(static_cast<int>(m.states.size()), p.limb->n_states());
  EXPECT_EQ(m.states[0].initial_value, p.rest_state[0]);
  EXPECT_FALSE(m.breakpoints_s.empty());
  // Pressure, exercise and massage drive per segment + whole-body intensity; heights are constant
  // (supine throughout) and stay literals.
  EXPECT_EQ(m.output_ids.size(), 4u * 3u + 1u);
  EXPECT_LE(worst_relative_rhs_difference(m, p, 300, 7), 1e-9);
  // JSON carries every state, parameter and assignment.
  const std::string j = symbolic::to_json(m);
  EXPECT_NE(j.find("\"format\":\"massagesim-model-graph\""), std::string::npos);
  EXPECT_NE(j.find("distal_calf__applied_pressure_mmHg"), std::string::npos);
  EXPECT_NE(j.find("piecewise("), std::string::npos);
}

TEST(ModelExport, PrescribedMuscleFlowMultipliersAreExportedInputs) {
  // A phase's muscle_flow_multiplier reaches every segment and the lumped muscle: the graph names it as an
  // input (per segment and the limb's) and reproduces the right-hand side under it.
  scenario::Scenario sc = scenario::default_scenario();
  sc.protocol.at(1).muscle_flow_multiplier = 1.5;   // the exercise
  sc.protocol.at(2).muscle_flow_multiplier = 0.76;  // the first massage phase
  const auto m = symbolic::export_scenario(sc, "massage", symbolic::ExportKind::limb, 800.0);
  const auto p = simulation::prepare_arm(sc, "massage");
  const std::string j = symbolic::to_json(m);
  EXPECT_NE(j.find("distal_calf__muscle_flow_multiplier"), std::string::npos);
  EXPECT_NE(j.find("\"muscle_flow_multiplier\""), std::string::npos);
  EXPECT_LE(worst_relative_rhs_difference(m, p, 200, 11), 1e-9);
}

TEST(ModelExport, LoneSegmentOfTheDefaultScenario) {
  const auto m = symbolic::export_scenario(scenario::default_scenario(), "", symbolic::ExportKind::segment, 600.0);
  EXPECT_EQ(static_cast<int>(m.states.size()), Segment::n_states);
  EXPECT_EQ(m.t1_s, 600.0);
  for (const auto& b : m.breakpoints_s) EXPECT_LE(b, 600.0);
  EXPECT_THROW(symbolic::export_scenario(scenario::default_scenario(), "no_such_arm"), UnknownName);
  EXPECT_THROW(symbolic::export_scenario(scenario::default_scenario(), "", symbolic::ExportKind::limb, -1.0),
               InvalidArgument);
}
