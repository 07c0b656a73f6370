/// Two limbs (two legs, `LimbParams::chain_sizes`): each a chain of its own that drains centrally, sharing
/// the systemic pressures and the lactate pool only. The checks are exact identities: a limb's equations do
/// not change when a second limb is added beside it, the two rest states are one, fluid closes over both,
/// and a phase given to one limb leaves the other's inputs at rest.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "massagesim/models/limb.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;
using namespace massagesim::models;
namespace mp = massagesim::protocols;

namespace {

const std::vector<std::string> kNames{"distal_calf", "proximal_calf", "distal_thigh", "proximal_thigh"};
const std::vector<double> kLengths{20.0, 20.0, 25.0, 25.0};

LimbParams one_leg(bool pool) {
  LimbParams lp = make_limb_params(default_calf_params(), kNames, kLengths);
  lp.lactate_pool = pool;
  return lp;
}
LimbParams two_legs(bool pool) {
  LimbParams lp = make_limb_params(default_calf_params(), kNames, kLengths, -1.0, {}, {"left", "right"});
  lp.lactate_pool = pool;
  return lp;
}

}  // namespace

TEST(TwoLimbs, NamesChainsAndLumpedMuscle) {
  const LimbParams one = one_leg(true), two = two_legs(true);
  ASSERT_EQ(two.segments.size(), 8u);
  EXPECT_EQ(two.segment_names.front(), "left_distal_calf");
  EXPECT_EQ(two.segment_names.back(), "right_proximal_thigh");
  EXPECT_EQ(two.chain_sizes, (std::vector<int>{4, 4}));
  const Limb l(two);
  EXPECT_EQ(l.n_chains(), 2);
  EXPECT_TRUE(l.is_proximal_end(3) && l.is_proximal_end(7) && !l.is_proximal_end(4));
  EXPECT_TRUE(l.is_distal_end(0) && l.is_distal_end(4) && !l.is_distal_end(3));
  // Each leg keeps the one leg's outlets (scaled along its own chain), and the pool's lumped other working
  // muscle is 20 kg minus both legs' muscle.
  double leg_kg = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(std::memcmp(&two.segments[i], &one.segments[i], sizeof(SegmentParams)), 0);
    EXPECT_EQ(std::memcmp(&two.segments[i + 4], &one.segments[i], sizeof(SegmentParams)), 0);
    leg_kg += one.segments[i].tissue_mass_g * one.segments[i].muscle_fraction / 1000.0;
  }
  EXPECT_DOUBLE_EQ(one.muscle.muscle_mass_kg, kWholeBodyWorkingMuscleKg - leg_kg);
  EXPECT_DOUBLE_EQ(two.muscle.muscle_mass_kg, kWholeBodyWorkingMuscleKg - 2.0 * leg_kg);
  LimbParams bad = two;
  bad.chain_sizes = {4, 3};
  EXPECT_THROW(Limb{bad}, InvalidArgument);
}

TEST(TwoLimbs, EachLegsRightHandSideIsTheOneLegs) {
  // Without the pool the legs share nothing: each leg's derivatives at any state and inputs are the lone
  // leg's, bit for bit (the same operations in the same order).
  const Limb one(one_leg(false)), two(two_legs(false));
  const Limb::State x1 = limb_initial_guess(one);
  Limb::State x2(two.n_states());
  Limb::State xr = x1;
  for (Eigen::Index k = 0; k < xr.size(); ++k) xr[k] *= 1.0 + 0.02 * std::sin(3.0 + k);  // another state
  x2 << x1, xr;
  LimbInputs in1 = one.rest_inputs(), in2 = two.rest_inputs(), inr = one.rest_inputs();
  for (int i = 0; i < 4; ++i) {
    in1.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 15.0 * i;
    in1.segment[static_cast<std::size_t>(i)].circumferential_pressure_mmHg = i == 2 ? 180.0 : 0.0;  // a thigh cuff
    in1.segment[static_cast<std::size_t>(i)].exercise_intensity = 0.4;
    in2.segment[static_cast<std::size_t>(i)] = in1.segment[static_cast<std::size_t>(i)];
    inr.segment[static_cast<std::size_t>(i)].height_above_heart_cm = 10.0 + i;
    in2.segment[static_cast<std::size_t>(i + 4)] = inr.segment[static_cast<std::size_t>(i)];
  }
  Limb::State d1(one.n_states()), dr(one.n_states()), d2(two.n_states());
  one.rhs(x1.data(), in1, d1.data());
  one.rhs(xr.data(), inr, dr.data());
  two.rhs(x2.data(), in2, d2.data());
  EXPECT_EQ((d2.head(one.n_states()) - d1).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ((d2.tail(one.n_states()) - dr).cwiseAbs().maxCoeff(), 0.0);
  // Central returns add over the legs.
  Limb::Flows f1, fr, f2;
  (void)one.outputs(x1, in1, nullptr, &f1);
  (void)one.outputs(xr, inr, nullptr, &fr);
  (void)two.outputs(x2, in2, nullptr, &f2);
  EXPECT_DOUBLE_EQ(f2.venous_outflow_mL_per_min, f1.venous_outflow_mL_per_min + fr.venous_outflow_mL_per_min);
  EXPECT_DOUBLE_EQ(f2.lymph_outflow_mL_per_min, f1.lymph_outflow_mL_per_min + fr.lymph_outflow_mL_per_min);
}

TEST(TwoLimbs, RestStateIsSymmetricAndOneLegMassageKeepsFluidClosed) {
  auto limb = std::make_shared<const Limb>(two_legs(true));
  double res = 1.0;
  const Limb::State rest = limb_rest_state(limb, nullptr, &res);
  EXPECT_LT(res, 1e-10);
  const int n = 4 * Limb::seg_n;
  EXPECT_LE((rest.segment(0, n) - rest.segment(n, n)).cwiseAbs().maxCoeff(),
            1e-9 * rest.segment(0, n).cwiseAbs().maxCoeff())
      << "identical legs at rest";
  // Exercise of both legs, then effleurage of the left leg only.
  auto s = std::make_shared<mp::Schedule>(mp::LimbGeometry(kLengths), mp::Posture::supine, mp::PostureTable{}, 2);
  s->rest(30.0).exercise(60.0, 0.6).massage(120.0, "effleurage").on_limbs({0}).passive_recovery(60.0);
  EXPECT_THROW(s->on_limbs({2}), InvalidArgument);
  EXPECT_THROW(mp::Schedule(*s).rest(1.0).on_limbs({0}), InvalidArgument);
  for (int i = 0; i < 4; ++i) {
    EXPECT_GT(s->inputs(150.0, i).massage_drive + s->inputs(151.0, i).massage_drive + s->inputs(152.0, i).massage_drive,
              0.0);
    EXPECT_EQ(s->inputs(150.0, i + 4), s->inputs(10.0, i + 4)) << "the right leg rests while the left is massaged";
    EXPECT_EQ(s->inputs(60.0, i).exercise_intensity, 0.6);
    EXPECT_EQ(s->inputs(60.0, i + 4).exercise_intensity, 0.6);
  }
  auto prob = make_limb_problem(limb, s, rest, 0.0, s->duration_s());
  const Rodas4 st{.linear_solver = LinearSolverKind::banded,
                  .lower_bandwidth = limb->lower_bandwidth(),
                  .upper_bandwidth = limb->upper_bandwidth()};
  const auto sol = solve(prob, st, StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 1.0},
                         SaveAt{.ts_s = linspace(0.0, s->duration_s(), 271)});
  ASSERT_TRUE(sol.ok()) << sol.message;
  const int ires = static_cast<int>(limb_composition_outputs.size()) - 1;  // limb_fluid_balance_residual_mL
  double worst = 0.0, vol = limb->fluid_volume_mL(rest);
  double split = 0.0;
  for (Eigen::Index k = 0; k < sol.x.cols(); ++k) {
    const Limb::State x = sol.x.col(k);
    LimbInputs in;
    ScheduleLimbInputs{s}(sol.t_s[static_cast<std::size_t>(k)], in, limb->n_segments());
    Limb::Flows fl;
    (void)limb->outputs(x, in, &rest, &fl);
    worst = std::max(worst, std::abs(limb->limb_outputs(x, fl, &rest)[static_cast<std::size_t>(ires)]));
    const double t = sol.t_s[static_cast<std::size_t>(k)];
    const double d = (x.segment(0, n) - x.segment(n, n)).cwiseAbs().maxCoeff();
    if (t <= 90.0)
      EXPECT_LE(d, 1e-6 * x.segment(0, n).cwiseAbs().maxCoeff()) << "legs identical until the massage, t = " << t;
    split = std::max(split, d);
  }
  EXPECT_LE(worst, 1e-6 * vol) << "fluid of both legs closes: (V - V0) = inflow - central outflows";
  EXPECT_GT(split, 1e-3) << "the massage of one leg makes the legs differ";
}

TEST(TwoLimbs, LegsContractAlternatelyUnlessTold) {
  // Cycling at 60 per minute, duty 0.4: the right leg lags the left by half a cycle (limb_offset_cycles 0.5),
  // so one contracts while the other refills, and the schedule lands on both legs' contraction joints.
  auto sched = [](double offset) {
    mp::Schedule s(mp::LimbGeometry(kLengths), mp::Posture::supine, mp::PostureTable{}, 2);
    mp::MuscleGroup g;
    g.contractions = mp::Contractions{.cadence_per_min = 60.0, .duty_cycle = 0.4, .pressure_mmHg = 80.0};
    g.contractions->limb_offset_cycles = offset;
    s.rest(10.0).exercise(20.0, 0.8, g);
    return s;
  };
  const mp::Schedule alt = sched(0.5), together = sched(0.0);
  for (int k = 0; k < 5; ++k) {
    const double t = 10.0 + k + 0.2;  // 0.2 s into a left cycle: left contracting, right between contractions
    EXPECT_NEAR(alt.inputs(t, 1).contraction_pressure_mmHg, 80.0 * std::sin(M_PI * 0.2 / 0.4), 1e-9);
    EXPECT_EQ(alt.inputs(t, 5).contraction_pressure_mmHg, 0.0);
    EXPECT_NEAR(alt.inputs(t + 0.5, 5).contraction_pressure_mmHg, 80.0 * std::sin(M_PI * 0.2 / 0.4), 1e-9);
    EXPECT_EQ(alt.inputs(t + 0.5, 1).contraction_pressure_mmHg, 0.0);
    EXPECT_EQ(together.inputs(t, 5).contraction_pressure_mmHg, together.inputs(t, 1).contraction_pressure_mmHg);
  }
  const auto has = [](const std::vector<double>& b, double t) {
    return std::any_of(b.begin(), b.end(), [&](double x) { return std::abs(x - t) < 1e-9; });
  };
  const auto ba = alt.breakpoints(), bt = together.breakpoints();
  EXPECT_TRUE(has(ba, 10.4) && has(ba, 10.5) && has(ba, 10.9) && has(ba, 11.0));
  EXPECT_TRUE(has(bt, 10.4) && !has(bt, 10.5) && !has(bt, 10.9));
  mp::MuscleGroup bad;
  bad.contractions = mp::Contractions{};
  bad.contractions->limb_offset_cycles = 1.0;
  EXPECT_THROW(mp::Schedule(mp::LimbGeometry(kLengths)).exercise(10.0, 0.5, bad), InvalidArgument);
}
