// The segment and limb input muscle_flow_multiplier (a phase's prescribed factor on the blood-flow conductance of
// all muscle, protocols::Phase::muscle_flow_multiplier): it scales the muscle part of each segment's vascular
// conductance, dilated or not, leaves skin, fat and bone alone, and reaches the lactate pool's lumped muscle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/segment_problem.hpp"

using namespace massagesim::models;

TEST(MuscleFlowMultiplier, ScalesTheMuscleShareOfTheSegmentsConductance) {
  SegmentParams p = default_calf_params();
  p.muscle_fraction = 0.6;  // a segment with skin, fat and bone (they keep their conductance)
  const Segment seg(p);
  Segment::State x = rest_state(seg);
  x[SegmentLayout::metabolites + kO2Debt] += 20.0;  // some metabolic dilation, so (1 + x) k is not k alone
  const SegmentInputs rest = seg.rest_inputs();
  SegmentInputs slow = rest;
  slow.muscle_flow_multiplier = 0.5;
  Segment::State f0, f1;
  const auto e0 = seg.evaluate(x.data(), rest, f0.data());
  const auto e1 = seg.evaluate(x.data(), slow, f1.data());
  const double f = e0.bus.muscle_fraction, v = e0.bus.vasodilator_signal;
  ASSERT_NEAR(f, 0.6, 1e-12);
  ASSERT_GT(v, 0.1);
  const double expected = ((1.0 - f) + f * (1.0 + v) * 0.5) / ((1.0 - f) + f * (1.0 + v));
  const auto& h0 = e0.of<HemodynamicsModule>();
  const auto& h1 = e1.of<HemodynamicsModule>();
  EXPECT_NEAR(h1.arteriolar_conductance_mL_per_min_per_mmHg / h0.arteriolar_conductance_mL_per_min_per_mmHg, expected,
              1e-12);
  // The feed artery's conductance scales alike; its pressure drop is the state's, so the inflow does too.
  EXPECT_NEAR(h1.feed_inflow_mL_per_min / h0.feed_inflow_mL_per_min, expected, 1e-12);
  // Nothing else is an input of it: pressures set by the states are the same.
  EXPECT_EQ(h1.arterial_pressure_mmHg, h0.arterial_pressure_mmHg);
  EXPECT_EQ(h1.venous_pressure_mmHg, h0.venous_pressure_mmHg);
}

TEST(MuscleFlowMultiplier, OneIsExactlyNoMultiplier) {
  const Segment seg(default_calf_params());
  const Segment::State x = rest_state(seg);
  SegmentInputs one = seg.rest_inputs();
  one.muscle_flow_multiplier = 1.0;
  SegmentInputs def = seg.rest_inputs();
  Segment::State a, b;
  seg.evaluate(x.data(), one, a.data());
  seg.evaluate(x.data(), def, b.data());
  for (int i = 0; i < Segment::n_states; ++i) EXPECT_EQ(a[i], b[i]) << i;
}

TEST(MuscleFlowMultiplier, ReachesTheLumpedWorkingMuscle) {
  const Limb limb(make_limb_params(default_calf_params(), {"calf", "thigh"}, {40.0, 40.0}));
  LimbInputs in = limb.rest_inputs();
  Eigen::VectorXd x = limb_initial_guess(limb, &in);
  // The lumped muscle's capillary blood above the arterial: its washout Q (C_c - C_a) empties it.
  const auto names = limb.state_names();
  const auto at = [&](const std::string& n) {
    const auto it = std::find(names.begin(), names.end(), n);
    EXPECT_NE(it, names.end()) << n;
    return static_cast<Eigen::Index>(it - names.begin());
  };
  const Eigen::Index cap = at("working_muscle.lactate_capillary_mmol_per_L");
  x[cap] += 5.0;
  Eigen::VectorXd f1(x.size()), fh(x.size());
  limb.rhs(x.data(), in, f1.data());
  in.muscle_flow_multiplier = 0.5;
  limb.rhs(x.data(), in, fh.data());
  EXPECT_LT(f1[cap], 0.0);
  EXPECT_GT(fh[cap], f1[cap]);  // half the flow washes it out more slowly
  // Each segment's own multiplier is its input, not the limb's: the segments' blocks are unchanged.
  for (Eigen::Index i = 0; i < 2 * Segment::n_states; ++i) EXPECT_EQ(fh[i], f1[i]) << names[std::size_t(i)];
}

TEST(MuscleFlowMultiplier, IsAnOutputColumnLikeTheOtherInputs) {
  const auto& c = output_catalogue();
  const auto it =
      std::find_if(c.begin(), c.end(), [](const OutputRecord& r) { return r.name == "muscle_flow_multiplier"; });
  ASSERT_NE(it, c.end());
  EXPECT_EQ(it->kind, OutputKind::input);
  SegmentInputs in;
  in.muscle_flow_multiplier = 0.76;
  EXPECT_EQ(segment_input_value(in, it->index), 0.76);
}
