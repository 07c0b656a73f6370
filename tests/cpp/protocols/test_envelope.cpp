#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "smoothness_check.hpp"

namespace mp = massagesim::protocols;
namespace mt = massagesim::test;

TEST(Ramp, ShapesHitZeroHalfAndOne) {
  for (auto shape : {mp::RampShape::linear, mp::RampShape::cosine, mp::RampShape::smoothstep}) {
    EXPECT_DOUBLE_EQ(mp::ramp(0.0, shape), 0.0) << mp::to_string(shape);
    EXPECT_NEAR(mp::ramp(0.5, shape), 0.5, 1e-15) << mp::to_string(shape);
    EXPECT_DOUBLE_EQ(mp::ramp(1.0, shape), 1.0) << mp::to_string(shape);
    EXPECT_DOUBLE_EQ(mp::ramp(-0.3, shape), 0.0);
    EXPECT_DOUBLE_EQ(mp::ramp(1.7, shape), 1.0);
  }
  EXPECT_DOUBLE_EQ(mp::ramp(0.25, mp::RampShape::linear), 0.25);
  EXPECT_NEAR(mp::ramp(0.25, mp::RampShape::cosine), 0.5 * (1.0 - std::cos(std::numbers::pi / 4.0)), 1e-15);
  EXPECT_NEAR(mp::ramp(0.25, mp::RampShape::smoothstep), 3.0 / 16.0 - 2.0 / 64.0, 1e-15);
}

TEST(PulseTrain, ValuesOnEachPiece) {
  // Pulses at 10 + 2 + 5k s: rise 1 s (linear), hold 0.5 s, fall 1 s (cosine), period 5 s.
  const mp::PulseTrain p{.start_s = 10.0,
                         .delay_s = 2.0,
                         .rise_s = 1.0,
                         .hold_s = 0.5,
                         .fall_s = 1.0,
                         .period_s = 5.0,
                         .rise_shape = mp::RampShape::linear,
                         .fall_shape = mp::RampShape::cosine};
  EXPECT_EQ(p.value(0.0), 0.0);
  EXPECT_EQ(p.value(11.999), 0.0);
  EXPECT_DOUBLE_EQ(p.value(12.0), 0.0);
  EXPECT_DOUBLE_EQ(p.value(12.25), 0.25);
  EXPECT_DOUBLE_EQ(p.value(13.2), 1.0);
  EXPECT_NEAR(p.value(14.0), 0.5, 1e-12);  // middle of the cosine fall
  EXPECT_DOUBLE_EQ(p.value(14.6), 0.0);
  EXPECT_DOUBLE_EQ(p.value(17.25), 0.25);              // second pulse
  EXPECT_DOUBLE_EQ(p.value(12.25 + 5.0 * 100), 0.25);  // 101st pulse
  EXPECT_EQ(p.pulse_index(11.0), -1);
  EXPECT_EQ(p.pulse_index(16.99), 0);
  EXPECT_EQ(p.pulse_index(17.0), 1);
}

TEST(PulseTrain, SharpEdgesAreRightContinuousAtTheirBreakpoints) {
  // Rectangular pulses with awkward (non-representable) times: at each listed breakpoint the value
  // is the value just after it, and just before it the other one.
  const mp::PulseTrain p{.start_s = 0.1, .delay_s = 0.3, .rise_s = 0.0, .hold_s = 0.05, .fall_s = 0.0, .period_s = 0.1};
  std::vector<double> bps;
  p.breakpoints(0.0, 2.97, bps);
  ASSERT_EQ(bps.size(), 2u * 26u);  // pulses at 0.4, 0.5, ..., 2.9 (26 of them), two edges each
  for (std::size_t i = 0; i < bps.size(); ++i) {
    const double tb = bps[i];
    const bool rising = i % 2 == 0;
    EXPECT_EQ(p.value(tb), rising ? 1.0 : 0.0) << "at " << tb;
    EXPECT_EQ(p.value(std::nextafter(tb, -1.0)), rising ? 0.0 : 1.0) << "just before " << tb;
  }
}

TEST(PulseTrain, SmoothJointsAreNotListedKinksAre) {
  // Raised cosine with no hold and no rest: C2 everywhere after its start.
  mp::PulseTrain smooth{.rise_s = 1.0, .hold_s = 0.0, .fall_s = 1.0, .period_s = 2.0};
  std::vector<double> bps;
  smooth.breakpoints(0.0, 20.0, bps);
  ASSERT_EQ(bps, std::vector<double>{0.0});
  EXPECT_EQ(mt::unlisted_jumps([&](double t) { return smooth.value(t); }, bps, 0.0, 20.0, 20000,
                               {std::numbers::pi / 2.0, std::numbers::pi * std::numbers::pi / 2.0}, "raised cosine"),
            0);
  // The same with linear ramps (a triangle wave) has a kink at every top and bottom.
  mp::PulseTrain tri = smooth;
  tri.rise_shape = tri.fall_shape = mp::RampShape::linear;
  bps.clear();
  tri.breakpoints(0.0, 20.0, bps);
  ASSERT_EQ(bps.size(), 21u);
  for (std::size_t i = 0; i < bps.size(); ++i) EXPECT_DOUBLE_EQ(bps[i], static_cast<double>(i));
  // Unequal rise and fall: the top joint's curvature jumps and is listed.
  mp::PulseTrain skew = smooth;
  skew.fall_s = 0.5;
  skew.period_s = 1.5;
  bps.clear();
  skew.breakpoints(0.0, 3.0, bps);
  EXPECT_EQ(bps, (std::vector<double>{0.0, 1.0, 1.5, 2.5, 3.0}));
}

TEST(PulseTrain, BreakpointWindowIsInclusiveAndSorted) {
  const mp::PulseTrain p{.rise_s = 0.2, .hold_s = 0.3, .fall_s = 0.1, .period_s = 1.0};
  std::vector<double> bps;
  p.breakpoints(2.45, 4.25, bps);
  const std::vector<double> want{2.5, 2.6, 3.0, 3.2, 3.5, 3.6, 4.0, 4.2};
  ASSERT_EQ(bps.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(bps[i], want[i], 1e-12);
  EXPECT_TRUE(std::is_sorted(bps.begin(), bps.end()));
}

TEST(LimbGeometry, EdgesCentresAndOverlap) {
  const mp::LimbGeometry limb({8.0, 12.0, 10.0});
  EXPECT_EQ(limb.n_segments(), 3);
  EXPECT_DOUBLE_EQ(limb.length_cm(), 30.0);
  EXPECT_DOUBLE_EQ(limb.segment_centre_cm(1), 14.0);
  EXPECT_EQ(limb.segment_at(0.0), 0);
  EXPECT_EQ(limb.segment_at(8.0), 1);
  EXPECT_EQ(limb.segment_at(30.0), 2);
  EXPECT_EQ(limb.segment_at(30.5), -1);
  EXPECT_DOUBLE_EQ(limb.coverage(1, 5.0, 14.0), 0.5);
  EXPECT_DOUBLE_EQ(limb.overlap_cm(0, -5.0, 50.0), 8.0);
  try {
    mp::LimbGeometry bad({8.0, -1.0});
    FAIL() << "no throw";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("segment_lengths_cm[1]: expected > 0 cm"), std::string::npos) << e.what();
  }
}
