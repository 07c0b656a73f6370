/// The resting state by continuation along the parameter path (simulation/rest_continuation.hpp, issue
/// 17): the path's ends are the two parameter sets, every point lies between them, and the continuation
/// lands on the same resting state as the direct search where both find one.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/rest_continuation.hpp"

using namespace massagesim;
using namespace massagesim::models;

namespace {

template <class F>
LimbParams calf(F set) {
  SegmentParams p = default_calf_params();
  ParameterRegistry reg(p);
  set(reg);
  return make_limb_params(p, {"a", "b", "c"}, {10.0, 15.0, 20.0});
}

LimbInputs at_height(const Limb& l, double h_cm) {
  LimbInputs in = l.rest_inputs();
  for (int i = 0; i < l.n_segments(); ++i) in.segment[static_cast<std::size_t>(i)].height_above_heart_cm = h_cm;
  return in;
}

/// Far from the default in several directions at once, every value inside its range.
void far_set(ParameterRegistry& r) {
  r.set("arteriolar_conductance_mL_per_min_per_mmHg_per_100g", 0.05);
  r.set("vo2_rest_mL_per_min_per_kg", 2.5);
  r.set("vasodilator_max", 4.0);
}

}  // namespace

TEST(RestContinuation, ThePathStartsAndEndsAtTheTwoSetsAndStaysBetweenThem) {
  const LimbParams a = calf([](ParameterRegistry&) {});
  const LimbParams b = calf(far_set);
  for (double s : {0.0, 0.3, 1.0}) {
    LimbParams m = interpolate_limb_params(a, b, s);
    LimbParams ac = a, bc = b;
    const ParameterRegistry rm(m.segments[1]), ra(ac.segments[1]), rb(bc.segments[1]);
    const double ga = ra.get("arteriolar_conductance_mL_per_min_per_mmHg_per_100g");
    const double gb = rb.get("arteriolar_conductance_mL_per_min_per_mmHg_per_100g");
    const double gm = rm.get("arteriolar_conductance_mL_per_min_per_mmHg_per_100g");
    if (s == 0.0) EXPECT_EQ(gm, ga);
    if (s == 1.0) EXPECT_EQ(gm, gb);
    // Geometric between two positive values: a conductance halves in equal ratios along the path.
    EXPECT_NEAR(gm, ga * std::pow(gb / ga, s), 1e-15 * ga);
    EXPECT_GE(gm, std::min(ga, gb));
    EXPECT_LE(gm, std::max(ga, gb));
    // An untouched parameter stays what it is.
    EXPECT_EQ(rm.get("tissue_mass_g"), ra.get("tissue_mass_g"));
  }
}

TEST(RestContinuation, LandsOnTheSameRestingStateAsTheDirectSearch) {
  const LimbParams a = calf([](ParameterRegistry&) {});
  const LimbParams b = calf(far_set);
  const auto lb = std::make_shared<const Limb>(b);
  // Supine start, target raised 20 cm: parameters and posture change along the same path.
  const LimbInputs in_a = Limb(a).rest_inputs(), in_b = at_height(*lb, 20.0);
  RestContinuationStats st;
  const Limb::State x = limb_rest_state_by_continuation(a, in_a, b, in_b, nullptr, &st);
  const Limb::State y = limb_rest_state(lb, &in_b);
  EXPECT_EQ(st.reached, 1.0);
  EXPECT_GE(st.steps, 2);
  ASSERT_EQ(x.size(), y.size());
  for (Eigen::Index k = 0; k < x.size(); ++k)
    EXPECT_NEAR(x[k], y[k], 1e-7 * (1.0 + std::abs(y[k]))) << lb->state_names()[static_cast<std::size_t>(k)];
}

TEST(RestContinuation, SaysHowFarItGotWhenTheTargetHasNoRestingState) {
  const LimbParams a = calf([](ParameterRegistry&) {});
  // Resting demand beyond what the flow can deliver at full dilation: no resting state (test_rest_o2.cpp).
  const LimbParams b = calf([](ParameterRegistry& r) {
    r.set("vo2_rest_mL_per_min_per_kg", 4.0);
    r.set("vasodilator_max", 3.0);
    r.set("arteriolar_conductance_mL_per_min_per_mmHg_per_100g", 0.02);
    r.set("feed_conductance_mL_per_min_per_mmHg_per_100g", 0.2);
    r.set("capillary_venous_conductance_mL_per_min_per_mmHg_per_100g", 0.15);
    r.set("o2_extraction_max", 0.7);
    r.set("arterial_o2_content_mL_per_L", 180.0);
  });
  const LimbInputs in_a = Limb(a).rest_inputs(), in_b = Limb(b).rest_inputs();
  RestContinuationStats st;
  try {
    (void)limb_rest_state_by_continuation(a, in_a, b, in_b, nullptr, &st);
    FAIL() << "a limb without a resting state got one";
  } catch (const NewtonFailure& e) {
    EXPECT_NE(std::string(e.what()).find("of the way to the requested ones"), std::string::npos) << e.what();
  }
  EXPECT_LT(st.reached, 1.0);
  EXPECT_GT(st.rejected, 0);
}
