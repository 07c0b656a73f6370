/// The resting O2 rule (simulation/rest_o2.hpp, issue 17): a limb whose resting O2 demand exceeds
/// what its flow can deliver at full metabolic dilation is refused before the rest-state search,
/// with the numbers; the rule never refuses a limb that has a resting state; the rest-state search
/// stops on the cancel flag.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/rest_o2.hpp"

using namespace massagesim;
using namespace massagesim::models;

namespace {

using LimbPtr = std::shared_ptr<const Limb>;

/// A 3-segment calf from the default preset with `set` applied to every segment.
template <class F>
LimbPtr calf(F set) {
  SegmentParams p = default_calf_params();
  ParameterRegistry reg(p);
  set(reg);
  return std::make_shared<const Limb>(make_limb_params(p, {"a", "b", "c"}, {10.0, 15.0, 20.0}));
}

/// Low resting flow at full dilation, every value inside its documented range.
void poorly_perfused(ParameterRegistry& r) {
  r.set("vo2_rest_mL_per_min_per_kg", 4.0);
  r.set("vasodilator_max", 3.0);
  r.set("arteriolar_conductance_mL_per_min_per_mmHg_per_100g", 0.02);
  r.set("feed_conductance_mL_per_min_per_mmHg_per_100g", 0.2);
  r.set("capillary_venous_conductance_mL_per_min_per_mmHg_per_100g", 0.15);
  r.set("o2_extraction_max", 0.7);
  r.set("arterial_o2_content_mL_per_L", 180.0);
}

LimbInputs raised(const Limb& l, double h_cm) {
  LimbInputs in = l.rest_inputs();
  for (int i = 0; i < l.n_segments(); ++i) in.segment[static_cast<std::size_t>(i)].height_above_heart_cm = h_cm;
  return in;
}

}  // namespace

TEST(RestO2, TheDefaultCalfMeetsItsRestingDemandWithoutDilating) {
  const auto l = calf([](ParameterRegistry&) {});
  const RestO2Balance b = limb_rest_o2_balance(*l);
  ASSERT_TRUE(b.solved) << b.why_unsolved;
  ASSERT_EQ(b.segments.size(), 3u);
  for (const auto& s : b.segments) {
    EXPECT_TRUE(s.feasible);
    EXPECT_EQ(s.debt_mL_per_kg, 0.0);  // supply exceeds demand at the first grid point: no debt needed
    // Resting muscle takes up ~0.25 mL O2/min/100 g [GK] (the preset's vo2_rest; resting tone adds a
    // little), extracting ~30-50 % of the O2 its flow brings [GK]: supply exceeds demand undilated.
    EXPECT_NEAR(s.demand_mL_per_min, 2.5 * s.muscle_mass_kg, 0.1 * 2.5 * s.muscle_mass_kg);
    const double extraction = s.demand_mL_per_min / (s.arterial_o2_content_mL_per_L * s.flow_mL_per_min * 1e-3);
    EXPECT_GT(extraction, 0.2) << s.name;
    EXPECT_LT(extraction, 0.6) << s.name;
  }
  EXPECT_NO_THROW(check_rest_o2(*l));
}

TEST(RestO2, DeliverableO2IsExtractionTimesContentTimesTheFlow) {
  const auto a = limb_rest_o2_balance(*calf([](ParameterRegistry& r) { r.set("o2_extraction_max", 0.7); }));
  const auto b = limb_rest_o2_balance(*calf([](ParameterRegistry& r) { r.set("o2_extraction_max", 0.95); }));
  ASSERT_TRUE(a.solved && b.solved);
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    EXPECT_NEAR(b.segments[i].deliverable_mL_per_min / a.segments[i].deliverable_mL_per_min, 0.95 / 0.7, 1e-3);
    EXPECT_NEAR(a.segments[i].deliverable_mL_per_min, 0.7 * 0.2 * a.segments[i].flow_mL_per_min, 1e-9);
  }
}

TEST(RestO2, APoorlyPerfusedRaisedLimbIsRefusedWithItsNumbersAndHasNoRestState) {
  const auto l = calf(poorly_perfused);
  const LimbInputs in = raised(*l, 60.0);
  const RestO2Balance b = limb_rest_o2_balance(*l, &in);
  ASSERT_TRUE(b.solved) << b.why_unsolved;
  ASSERT_FALSE(b.segments[0].feasible) << b.segments[0].deliverable_mL_per_min;
  try {
    check_rest_o2(*l, &in);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    const std::string m = e.what();
    for (const char* s : {"segment 'a'", "no resting state", "vo2_rest_mL_per_min_per_kg 4 x", "o2_extraction_max 0.7",
                          "arterial_o2_content_mL_per_L 180", "every level of metabolic dilation",
                          "Allowed:", "vasodilator_max", "pain_spasm_gain"})
      EXPECT_NE(m.find(s), std::string::npos) << "missing '" << s << "' in: " << m;
  }
  // Conservative: what the rule refuses has indeed no resting state.
  EXPECT_THROW((void)limb_rest_state(l, &in), NewtonFailure);
}

TEST(RestO2, TheAllowedDemandItReportsIsTheBoundary) {
  // Below the bound the rest state exists (and is found); above it the rule refuses.
  const auto probe = calf(poorly_perfused);
  const LimbInputs in = raised(*probe, 60.0);
  const RestO2Balance b = limb_rest_o2_balance(*probe, &in);
  ASSERT_TRUE(b.solved);
  double bound = 1e300;
  for (const auto& s : b.segments)
    bound =
        std::min(bound, (s.deliverable_mL_per_min - (s.demand_mL_per_min - s.muscle_mass_kg * 4.0)) / s.muscle_mass_kg);
  ASSERT_GT(bound, 0.0);
  for (double f : {0.9, 1.02}) {
    const auto l = calf([&](ParameterRegistry& r) {
      poorly_perfused(r);
      r.set("vo2_rest_mL_per_min_per_kg", f * bound, true);
    });
    if (f < 1.0) {
      EXPECT_NO_THROW(check_rest_o2(*l, &in));
      EXPECT_NO_THROW((void)limb_rest_state(l, &in)) << "vo2_rest " << f * bound;
    } else {
      EXPECT_THROW(check_rest_o2(*l, &in), InvalidArgument);
    }
  }
}

TEST(RestO2, TheRestStateSearchAndTheRuleStopOnTheCancelFlag) {
  std::atomic<bool> flag{true};
  const auto l = calf([](ParameterRegistry&) {});
  EXPECT_THROW((void)limb_rest_state(l, nullptr, nullptr, &flag), Cancelled);
  EXPECT_THROW(check_rest_o2(*l, nullptr, &flag), Cancelled);
  flag = false;
  EXPECT_NO_THROW((void)limb_rest_state(l, nullptr, nullptr, &flag));
}
