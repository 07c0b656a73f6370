/// \file test_tube_law.cpp
/// \brief The collapsible-tube law with a collapse stiffness (models/detail/smooth.hpp): value and slope
/// continuous at the unstressed volume, monotone, the three-argument law at K = 2 Vu/(3C), and how far below
/// its surroundings a squeezed vein sits (issue 12: the collapsed-vessel envelope cause); the outlet conductance
/// of a collapsed lumen, shut where opposite walls touch.
#include <gtest/gtest.h>

#include <cmath>

#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/hemodynamics.hpp"

using namespace massagesim::models;

namespace {

// A distal calf of 2 kg with the default venous parameters: Vu = 60 mL, C = 2.94 mL/mmHg (Vu/C = 20.4 mmHg).
constexpr double kVu = 60.0, kC = 2.94;

double law(double V, double K) { return smooth::tube_law_mmHg(V, kVu, kC, K); }

TEST(TubeLaw, ValueAndSlopeAreContinuousAtTheUnstressedVolume) {
  for (double K : {0.1, 2.0, 11.0, 20.0}) {
    const double h = 1e-7 * kVu;
    EXPECT_NEAR(law(kVu - h, K), law(kVu, K), 1e-5) << K;
    using AD = Eigen::AutoDiffScalar<Eigen::Matrix<double, 1, 1>>;
    const AD below(kVu * (1.0 - 1e-12), 1, 0);
    const double slope = smooth::tube_law_mmHg(below, AD(kVu), AD(kC), AD(K)).derivatives()[0];
    EXPECT_NEAR(slope, 1.0 / kC, 1e-6 / kC) << K;  // the distended branch's slope, 1/C
  }
}

TEST(TubeLaw, IsMonotoneDownToAnEmptyVessel) {
  for (double K : {0.1, 2.0, 11.0, 20.0}) {
    double prev = law(kVu, K);
    for (double v = 0.999; v > 1e-3; v *= 0.97) {
      const double p = law(v * kVu, K);
      ASSERT_LT(p, prev) << "K " << K << " v " << v;
      prev = p;
    }
  }
}

TEST(TubeLaw, TwoThirdsOfTheDistensionStiffnessIsTheThreeArgumentLaw) {
  const double K = 2.0 * kVu / (3.0 * kC);
  for (double v : {0.9, 0.5, 0.2, 0.05})
    EXPECT_NEAR(law(v * kVu, K), smooth::tube_law_mmHg(v * kVu, kVu, kC), 1e-12 * std::abs(law(v * kVu, K))) << v;
}

TEST(TubeLaw, ASqueezedVeinSitsAFewMmHgBelowItsSurroundings) {
  // Emptied to a third of Vu: K (1 - 3^1.5) - (Vu/C - 1.5 K) w (1 - e^(-2/3/w)), w = 0.05.
  const HemodynamicsParams hp;
  const double K = hp.venous_collapse_stiffness_mmHg;
  const double expected =
      K * (1.0 - std::pow(3.0, 1.5)) - (kVu / kC - 1.5 * K) * smooth::kTubeCollapseBlendWidth *
                                           (1.0 - std::exp(-(2.0 / 3.0) / smooth::kTubeCollapseBlendWidth));
  EXPECT_NEAR(law(kVu / 3.0, K), expected, 1e-6);  // v is floored smoothly at 1e-4 (shifts it by ~1e-8)
  EXPECT_GT(law(kVu / 3.0, K), -10.0);  // bound of the envelope: collapsible vessels collapse below ~-10 mmHg
  // The three-argument law (K = 2 Vu/(3C) = 13.6 mmHg) held the same vein 57 mmHg below its surroundings.
  EXPECT_LT(smooth::tube_law_mmHg(kVu / 3.0, kVu, kC), -50.0);
}

TEST(LumenConductance, IsOneAtTheUnstressedVolumeAndShutWhereTheWallsTouch) {
  const HemodynamicsParams hp;
  const double vc = hp.venous_contact_volume_ratio, vh = hp.venous_collapse_half_volume_ratio;
  auto g = [&](double v) { return smooth::lumen_conductance_factor(v, vc, vh); };
  EXPECT_NEAR(g(1.0), 1.0, 1e-6);
  // Distended veins saturate at 1 + vh^2 (Poiseuille-like closure only on the collapse side).
  EXPECT_LT(g(3.0), 1.0 + vh * vh);
  EXPECT_GT(g(3.0), 1.0);
  // Halved where the open share of the lumen beyond contact, (v - vc)/(1 - vc), is vh.
  EXPECT_NEAR(g(vc + vh * (1.0 - vc)), 0.5 * (1.0 + vh * vh), 1e-5);
  // Shut at contact and below it: ~1e-6 of the open conductance (the smoothed corner), far less below.
  EXPECT_LT(g(vc), 2e-6);
  EXPECT_LT(g(0.5 * vc), 1e-10);
  double prev = g(0.0);
  for (double v = 0.0; v <= 2.0; v += 0.01) {
    ASSERT_GE(g(v), prev) << v;
    prev = g(v);
  }
}

TEST(LumenConductance, AVeinShutAtContactSitsNoDeeperThanFiveKBelowItsSurroundings) {
  // Flaherty, Keller & Rubinow 1972: opposite walls meet at -5.25 K_p. The default contact ratio is where the
  // -3/2 law reaches -5.25 K, 6.25^(-2/3); the blend term adds at most (Vu/C) w.
  const HemodynamicsParams hp;
  const double K = hp.venous_collapse_stiffness_mmHg;
  EXPECT_NEAR(hp.venous_contact_volume_ratio, std::pow(6.25, -2.0 / 3.0), 0.01);
  const double at_contact = law(hp.venous_contact_volume_ratio * kVu, K);
  EXPECT_LT(at_contact, -5.0 * K);
  EXPECT_GT(at_contact, -5.5 * K - kVu / kC * smooth::kTubeCollapseBlendWidth);
}

}  // namespace
