/// A module added in one header (toy_module.hpp) gets states, outputs with units, parameters in the
/// registry and exported symbols from the composition alone, and leaves the other modules' equations as
/// they were.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <span>
#include <string>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/symbolic/model_export.hpp"
#include "toy_module.hpp"

using namespace massagesim;
using namespace massagesim::models;
using test::ToyHeatModule;

namespace {

using ToySegment = SegmentTpl<append_t<SegmentModules, ToyHeatModule>>;

/// The toy segment with the default calf's parameters in every block they share.
ToySegment::Params toy_params() {
  ToySegment::Params p;
  const SegmentParams calf = default_calf_params();
  for_each_module(SegmentModules{}, [&]<class M>() { block<M>(p) = block<M>(calf); });
  return p;
}

}  // namespace

TEST(Module, AToyModuleGetsStatesAndOutputsWithUnits) {
  static_assert(ToySegment::n_states == Segment::n_states + 1, "one state more");
  static_assert(ToySegment::n_outputs == Segment::n_outputs + 1, "one output more");
  // Appended modules are laid out after the others: every existing state keeps its index.
  for (int i = 0; i < Segment::n_states; ++i)
    EXPECT_EQ(ToySegment::state_info[static_cast<std::size_t>(i)].name,
              Segment::state_info[static_cast<std::size_t>(i)].name);
  const int it = ToySegment::state_index("toy_temperature_C");
  EXPECT_EQ(it, ToySegment::offset<ToyHeatModule>);
  EXPECT_EQ(ToySegment::state_info[static_cast<std::size_t>(it)].unit, "degC");
  const int io = ToySegment::output_index("toy_warming_C");
  EXPECT_EQ(ToySegment::output_info[static_cast<std::size_t>(io)].unit, "degC");
  EXPECT_THROW(Segment::output_index("toy_warming_C"), UnknownName);
}

TEST(Module, AToyModulesParametersAreInTheRegistry) {
  ToySegment::Params p = toy_params();
  ParameterRegistry reg(p);
  EXPECT_EQ(reg.entry("toy_time_constant_s").module, "toy_heat");
  EXPECT_EQ(reg.entry("tissue_mass_g").module, "tissue");
  reg.set("toy_time_constant_s", 120.0);
  EXPECT_EQ(p.toy_time_constant_s, 120.0);
  EXPECT_THROW(reg.set("toy_time_constant_s", 1e4), InvalidArgument);  // range [1, 600] s
  // Every block's parameters are there, once each.
  SegmentParams calf = default_calf_params();
  ParameterRegistry reg_calf(calf);
  EXPECT_EQ(reg.list().size(), reg_calf.list().size() + ToyHeatModule::parameter_info.size());
}

TEST(Module, AddingAModuleLeavesTheOtherEquationsUnchanged) {
  const Segment seg(default_calf_params());
  const ToySegment toy(toy_params());
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.5, 1.5);
  const Segment::State x0 = rest_state(seg);
  for (int trial = 0; trial < 20; ++trial) {
    Segment::State x = x0;
    for (int i = 0; i < Segment::n_states; ++i) x[i] *= u(rng);
    ToySegment::State xt;
    xt.head<Segment::n_states>() = x;
    xt[ToySegment::offset<ToyHeatModule>] = 35.0;
    SegmentInputs in = seg.rest_inputs();
    in.applied_pressure_mmHg = 50.0 * u(rng);
    Segment::State dx;
    ToySegment::State dxt;
    seg.rhs(x, in, dx);
    toy.rhs(xt, in, dxt);
    for (int i = 0; i < Segment::n_states; ++i) EXPECT_EQ(dx[i], dxt[i]) << "state " << i;  // bitwise
    const double want = (34.0 + 0.02 * in.applied_pressure_mmHg - 35.0) / 60.0;
    EXPECT_NEAR(dxt[ToySegment::offset<ToyHeatModule>], want, 1e-15);
    const auto o = seg.outputs(x, in);
    const auto ot = toy.outputs(xt, in);
    for (int k = 0; k < Segment::n_outputs; ++k)
      EXPECT_EQ(o[static_cast<std::size_t>(k)], ot[static_cast<std::size_t>(ToySegment::output_index(
                                                    Segment::output_info[static_cast<std::size_t>(k)].name))]);
    EXPECT_DOUBLE_EQ(ot[static_cast<std::size_t>(ToySegment::output_index("toy_warming_C"))], 1.0);
  }
}

TEST(Module, AToyModulesParametersBecomeExportedSymbols) {
  const ToySegment toy(toy_params(), "calf");
  ToySegment::State x0 = ToySegment::State::Zero();
  x0.head<Segment::n_states>() = rest_state(Segment(default_calf_params()));
  x0[ToySegment::offset<ToyHeatModule>] = 34.0;
  const auto m = symbolic::record_segment(
      toy,
      [](const symbolic::Expr& t) {
        SegmentInputsTpl<symbolic::Expr> in;
        in.applied_pressure_mmHg = symbolic::Expr(30.0) + t * 0.0;
        return in;
      },
      x0, 0.0, 10.0);
  auto has = [&](const std::string& id) {
    return std::any_of(m.parameters.begin(), m.parameters.end(), [&](const auto& p) { return p.id == id; });
  };
  EXPECT_TRUE(has("calf__toy_pressure_gain_C_per_mmHg"));
  EXPECT_TRUE(has("calf__toy_time_constant_s"));
  EXPECT_TRUE(has("calf__tissue_mass_g"));
  EXPECT_EQ(m.states.back().name, "calf.toy_temperature_C");
  // The exported rate of the toy state is the model's rate.
  const auto rates = m.graph->evaluate(std::span<const double>(x0.data(), static_cast<std::size_t>(x0.size())), 0.0);
  ToySegment::State dx;
  SegmentInputs in;
  in.applied_pressure_mmHg = 30.0;
  toy.rhs(x0, in, dx);
  EXPECT_NEAR(rates.back(), dx[ToySegment::offset<ToyHeatModule>], 1e-14);
}

namespace {

using ToyLimb = LimbTpl<append_t<LimbModules, test::ToyDriftModule>>;

ToyLimb::Params toy_limb_params(const LimbParams& lp) {
  ToyLimb::Params p;
  block<SystemicModule>(p) = block<SystemicModule>(lp);
  block<LactatePoolModule>(p) = block<LactatePoolModule>(lp);
  p.segment_names = lp.segment_names;
  p.segments = lp.segments;
  return p;
}

}  // namespace

TEST(Module, AToyLimbModuleGetsStatesParametersAndTheLimbBus) {
  const LimbParams lp = make_limb_params(default_calf_params(), {"calf", "thigh"}, {20.0, 25.0});
  const Limb limb(lp);
  const ToyLimb toy(toy_limb_params(lp));
  ASSERT_EQ(toy.n_states(), limb.n_states() + 1);
  EXPECT_EQ(toy.state_names().back(), "toy_arterial_offset_mmHg");
  EXPECT_EQ(toy.module_offset<test::ToyDriftModule>(), limb.n_states());
  std::vector<std::string> ids;
  for_each_limb_parameter(toy.params(), [&](std::string_view m, const ParameterInfo& i, const double&) {
    ids.push_back(std::string(m) + "." + std::string(i.name));
  });
  EXPECT_NE(std::find(ids.begin(), ids.end(), "toy_drift.toy_drift_time_constant_s"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "systemic.mean_arterial_pressure_mmHg"), ids.end());

  // Offset 0: every other state's derivative is the default limb's, bitwise.
  Eigen::VectorXd x(toy.n_states());
  x.head(limb.n_states()) = Eigen::VectorXd::Constant(limb.n_states(), 1.0);
  for (int i = 0; i < limb.n_segments(); ++i)
    x.segment(Limb::offset(i), Segment::n_states) = rest_state(limb.segment(i));
  x[limb.pool_offset()] = 4.0;  // blood lactate 4 mmol/L
  x[limb.n_states()] = 0.0;
  const LimbInputs in = limb.rest_inputs();
  Eigen::VectorXd d0(limb.n_states()), dt(toy.n_states());
  limb.rhs(x.data(), in, d0.data());
  toy.rhs(x.data(), in, dt.data());
  for (int k = 0; k < limb.n_states(); ++k) EXPECT_EQ(d0[k], dt[k]) << k;
  EXPECT_NEAR(dt[limb.n_states()], 2.0 * (4.0 - 1.0) / 30.0, 1e-15);  // it reads arterial lactate off the bus
  // An offset reaches every segment through the bus: feed inflow rises with MAP.
  x[limb.n_states()] = 10.0;
  toy.rhs(x.data(), in, dt.data());
  const int ia = Limb::offset(0) + SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume;
  EXPECT_GT(dt[ia], d0[ia]);

  // Its parameters become exported symbols too.
  Eigen::VectorXd x0 = x;
  x0[limb.n_states()] = 0.0;
  const auto m = symbolic::record_limb(
      toy, [&](const symbolic::Expr&) { return LimbInputsTpl<symbolic::Expr>{}; }, x0, 0.0, 10.0);
  EXPECT_TRUE(std::any_of(m.parameters.begin(), m.parameters.end(),
                          [](const auto& p) { return p.id == "toy_drift__toy_drift_gain_mmHg_per_mmol_per_L"; }));
  EXPECT_EQ(m.states.back().unit, "mmHg");
}
