#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "massagesim/protocols/schedule.hpp"
#include "smoothness_check.hpp"

namespace mp = massagesim::protocols;
namespace mt = massagesim::test;

namespace {

const mp::LimbGeometry limb4 = mp::LimbGeometry::uniform(4, 40.0);  // centres 5, 15, 25, 35 cm

mp::Schedule recovery_protocol() {
  mp::Schedule s(limb4);
  s.rest(60.0)                                               // [0, 60)
      .exercise(120.0, 0.8)                                  // [60, 180)
      .active_recovery(60.0)                                 // [180, 240)
      .posture_change(0.0, mp::Posture::seated)              // instant, at 240
      .massage(30.0, "effleurage")                           // [240, 270)
      .compression(60.0, mp::SequentialCompressionParams{})  // [270, 330)
      .posture_change(10.0, mp::Posture::standing)           // [330, 340)
      .passive_recovery(30.0);                               // [340, 370)
  return s;
}

template <class F>
void expect_invalid(F make, const std::string& needle) {
  try {
    make();
    ADD_FAILURE() << "expected InvalidArgument containing '" << needle << "'";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message: " << e.what();
  }
}

}  // namespace

TEST(Schedule, PhasesFollowOneAnotherAndLookupIsRightContinuous) {
  const auto s = recovery_protocol();
  ASSERT_EQ(s.n_phases(), 8);
  EXPECT_DOUBLE_EQ(s.duration_s(), 370.0);
  EXPECT_EQ(s.phase_index_at(0.0), 0);
  EXPECT_EQ(s.phase_index_at(59.999), 0);
  EXPECT_EQ(s.phase_index_at(60.0), 1);  // the new phase applies at its boundary
  EXPECT_EQ(s.phase_index_at(239.9), 2);
  EXPECT_EQ(s.phase_index_at(240.0), 4);  // the instant posture change is skipped, its posture kept
  EXPECT_EQ(s.phase(4).kind, mp::PhaseKind::massage);
  EXPECT_EQ(s.phase(4).limb_postures, std::vector{mp::Posture::seated});
  EXPECT_EQ(s.phase_index_at(335.0), 6);
  EXPECT_EQ(s.phase_index_at(369.999), 7);
  EXPECT_EQ(s.phase_index_at(370.0), -1);
  EXPECT_EQ(s.phase_index_at(-1.0), -1);
}

TEST(Schedule, InputsPerSegment) {
  const auto s = recovery_protocol();
  EXPECT_EQ(s.exercise_intensity(30.0), 0.0);
  EXPECT_EQ(s.exercise_intensity(100.0), 0.8);
  EXPECT_EQ(s.exercise_intensity(200.0), mp::Schedule::default_active_recovery_intensity);
  EXPECT_EQ(s.exercise_intensity(250.0), 0.0);
  // Supine: everything level with the heart.
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(s.height_above_heart_cm(10.0, i), 0.0);
  // Seated (hip 25 cm below the heart, thigh horizontal, shank hanging below a knee at 20 cm):
  EXPECT_DOUBLE_EQ(s.height_above_heart_cm(250.0, 3), -25.0);
  EXPECT_DOUBLE_EQ(s.height_above_heart_cm(250.0, 2), -25.0);
  EXPECT_NEAR(s.height_above_heart_cm(250.0, 1), -30.0, 1e-12);
  EXPECT_NEAR(s.height_above_heart_cm(250.0, 0), -40.0, 1e-12);
  // Standing: the straight leg hangs from the hip; the posture persists after the end.
  EXPECT_NEAR(s.height_above_heart_cm(335.0, 0), -60.0, 1e-12);
  EXPECT_NEAR(s.height_above_heart_cm(360.0, 3), -30.0, 1e-12);
  EXPECT_NEAR(s.height_above_heart_cm(1000.0, 0), -60.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.height_above_heart_cm(-5.0, 0), 0.0);  // before the start: the initial posture
  // Massage: pressure only while the phase lasts, drive 1 over the stroked limb.
  double max_p = 0.0;
  for (double t = 240.0; t < 270.0; t += 0.01) max_p = std::max(max_p, s.applied_pressure_mmHg(t, 2));
  EXPECT_NEAR(max_p, mp::EffleurageParams{}.pressure_mmHg, 0.5);  // full cover of a segment is an instant
  EXPECT_EQ(s.massage_drive(250.0, 0), 1.0);
  EXPECT_EQ(s.massage_drive(239.0, 0), 0.0);
  for (double t = 0.0; t < 240.0; t += 0.5) ASSERT_EQ(s.applied_pressure_mmHg(t, 1), 0.0) << t;
  // Compression phase: the device's first chamber on segment 0 from 270 s.
  EXPECT_DOUBLE_EQ(s.applied_pressure_mmHg(270.0 + 3.0, 0),
                   mp::SequentialCompressionParams{}.chamber_pressures_mmHg[0]);
  EXPECT_EQ(s.applied_pressure_mmHg(331.0, 0), 0.0);
  // All segments at once.
  std::array<mp::SegmentInputs, 4> all{};
  s.inputs(273.0, all);
  for (int i = 0; i < 4; ++i) {
    const auto one = s.inputs(273.0, i);
    EXPECT_EQ(all[static_cast<std::size_t>(i)].applied_pressure_mmHg, one.applied_pressure_mmHg);
    EXPECT_EQ(all[static_cast<std::size_t>(i)].height_above_heart_cm, one.height_above_heart_cm);
    EXPECT_EQ(all[static_cast<std::size_t>(i)].massage_drive, one.massage_drive);
  }
}

TEST(Schedule, BreakpointsMergePhaseBoundariesWithTechniqueBreakpoints) {
  const auto s = recovery_protocol();
  const std::vector<double> bps = s.breakpoints();
  ASSERT_TRUE(std::is_sorted(bps.begin(), bps.end()));
  EXPECT_EQ(std::adjacent_find(bps.begin(), bps.end()), bps.end());
  EXPECT_EQ(bps.front(), 0.0);
  EXPECT_EQ(bps.back(), 370.0);
  // Expected: boundaries, plus each technique's own breakpoints strictly inside its phase.
  std::vector<double> want{0.0, 60.0, 180.0, 240.0, 270.0, 330.0, 340.0, 370.0};
  std::vector<double> inner;
  mp::Technique(mp::EffleurageParams{}, limb4, 240.0).breakpoints(240.0, 270.0, inner);
  mp::Technique(mp::SequentialCompressionParams{}, limb4, 270.0).breakpoints(270.0, 330.0, inner);
  std::size_t n_inner = 0;
  for (double t : inner)
    if ((t > 240.0 && t < 270.0) || (t > 270.0 && t < 330.0)) want.push_back(t), ++n_inner;
  EXPECT_GT(n_inner, 20u);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  EXPECT_EQ(bps, want);
  // A window returns the subset.
  std::vector<double> part;
  s.breakpoints(100.0, 250.0, part);
  std::vector<double> sub;
  std::copy_if(bps.begin(), bps.end(), std::back_inserter(sub), [](double t) { return t >= 100.0 && t <= 250.0; });
  EXPECT_EQ(part, sub);
}

TEST(Schedule, NoInputJumpsAwayFromItsBreakpoints) {
  const auto s = recovery_protocol();
  const std::vector<double> bps = s.breakpoints();
  // Bounds of the default effleurage (60 mmHg, 0.5 s cosine ramps, 5 cm/s over 10 cm segments)
  // and the default device (52.5 mmHg deflated in 0.5 s, linear).
  const double m1 = 60.0 * std::numbers::pi + 60.0 * 5.0 / 10.0 + 52.5 / 0.5;
  const double m2 = 60.0 * std::numbers::pi * std::numbers::pi * 2.0 + 2.0 * std::numbers::pi * 0.5 * 60.0;
  for (int seg = 0; seg < 4; ++seg) {
    const std::string tag = "segment " + std::to_string(seg);
    EXPECT_EQ(mt::unlisted_jumps([&](double t) { return s.applied_pressure_mmHg(t, seg); }, bps, -1.0, 375.0, 376000,
                                 {m1, m2}, tag + " pressure"),
              0);
    EXPECT_EQ(mt::unlisted_jumps([&](double t) { return s.height_above_heart_cm(t, seg); }, bps, -1.0, 375.0, 37600,
                                 {0.0, 0.0}, tag + " height"),
              0);
    EXPECT_EQ(mt::unlisted_jumps([&](double t) { return s.massage_drive(t, seg); }, bps, -1.0, 375.0, 376000,
                                 {2.0, 0.0}, tag + " drive"),
              0);
  }
  EXPECT_EQ(mt::unlisted_jumps([&](double t) { return s.exercise_intensity(t); }, bps, -1.0, 375.0, 37600, {0.0, 0.0},
                               "exercise"),
            0);
}

TEST(Schedule, AbsoluteStartTimesFillGapsAndRejectOverlaps) {
  mp::Schedule s(limb4);
  s.rest(10.0).at(25.0).massage(5.0, "petrissage");
  ASSERT_EQ(s.n_phases(), 3);
  EXPECT_EQ(s.phase(1).kind, mp::PhaseKind::rest);
  EXPECT_DOUBLE_EQ(s.phase(2).start_s, 25.0);
  EXPECT_EQ(s.applied_pressure_mmHg(24.9, 0), 0.0);
  EXPECT_EQ(s.massage_drive(25.0, 0), 1.0);
  s.at(30.0).rest(1.0);  // exactly at the end: no gap, no overlap
  EXPECT_EQ(s.n_phases(), 4);
  expect_invalid([&] { s.at(20.0); }, "at.start_s: 20 s overlaps the previous phase, which ends at 31 s");
}

TEST(Schedule, BadInputsNameTheFieldAndTheRange) {
  mp::Schedule s(limb4);
  expect_invalid([&] { s.rest(-5.0); }, "rest.duration_s: expected > 0 s and finite, got -5");
  expect_invalid([&] { s.massage(0.0, "effleurage"); }, "massage.duration_s: expected > 0 s");
  expect_invalid([&] { s.posture_change(-1.0, mp::Posture::standing); }, "posture_change.duration_s: expected >= 0 s");
  expect_invalid([&] { s.exercise(60.0, 3.5); },
                 "exercise.intensity: expected a fraction of VO2max in (0, 3], got 3.5");
  expect_invalid([&] { s.active_recovery(60.0, 0.0); },
                 "active_recovery.intensity: expected a fraction of VO2max in (0, 1]");
  expect_invalid([&] { s.massage(60.0, "sequential_compression"); },
                 "massage: technique 'sequential_compression' is a device");
  expect_invalid([&] { s.compression(60.0, "effleurage"); }, "compression: technique 'effleurage' is applied by hand");
  expect_invalid([&] { s.massage(60.0, "hot_stones"); },
                 "unknown technique 'hot_stones'; expected one of: static_compression");
  expect_invalid([&] { s.massage(60.0, mp::EffleurageParams{.pressure_mmHg = 500.0}); },
                 "effleurage.pressure_mmHg: expected a pressure in [0, 400] mmHg, got 500");
  expect_invalid([&] { s.massage(60.0, mp::TapotementParams{.rate_Hz = -8.0}); },
                 "tapotement.rate_Hz: expected > 0 Hz");
  expect_invalid([&] { s.compression(60.0, mp::OcclusionCuffParams{.hold_s = -1.0}); },
                 "occlusion_cuff.hold_s: expected >= 0 s");
  EXPECT_EQ(s.n_phases(), 0);  // nothing was added by the failed calls
  mp::PostureTable bad;
  bad.seated.bend_from_distal_fraction = 1.5;
  expect_invalid([&] { mp::Schedule(limb4, mp::Posture::supine, bad); },
                 "posture seated.bend_from_distal_fraction: expected in [0, 1)");
}

TEST(Schedule, AMuscleFlowMultiplierHoldsForItsPhaseOnEverySegment) {
  mp::Schedule s(limb4);
  s.rest(60.0).massage(30.0, "effleurage").with_muscle_flow_multiplier(0.76).passive_recovery(30.0);
  for (int seg = 0; seg < 4; ++seg) {
    EXPECT_EQ(s.inputs(59.9, seg).muscle_flow_multiplier, 1.0);
    EXPECT_EQ(s.inputs(60.0, seg).muscle_flow_multiplier, 0.76);  // right-continuous, as every input
    EXPECT_EQ(s.inputs(89.9, seg).muscle_flow_multiplier, 0.76);
    EXPECT_EQ(s.inputs(90.0, seg).muscle_flow_multiplier, 1.0);
  }
  EXPECT_EQ(s.muscle_flow_multiplier(75.0), 0.76);  // the lumped muscle's
  EXPECT_EQ(s.muscle_flow_multiplier(-1.0), 1.0);
  EXPECT_EQ(s.muscle_flow_multiplier(1e6), 1.0);
  // The same protocol without it differs only in that input.
  mp::Schedule plain(limb4);
  plain.rest(60.0).massage(30.0, "effleurage").passive_recovery(30.0);
  auto a = s.inputs(75.0, 1), b = plain.inputs(75.0, 1);
  EXPECT_NE(a, b);
  a.muscle_flow_multiplier = 1.0;
  EXPECT_EQ(a, b);
}

TEST(Schedule, AMuscleFlowMultiplierOutsideItsRangeIsRefused) {
  mp::Schedule s(limb4);
  expect_invalid([&] { s.with_muscle_flow_multiplier(0.76); }, "with_muscle_flow_multiplier: no phase yet");
  s.rest(60.0);
  expect_invalid([&] { s.with_muscle_flow_multiplier(0.1); },
                 "rest.muscle_flow_multiplier: expected a factor on muscle blood-flow conductance in [0.25, 4] (1: "
                 "none), got 0.1");
  expect_invalid([&] { s.with_muscle_flow_multiplier(std::nan("")); }, "rest.muscle_flow_multiplier: expected");
  expect_invalid([&] { s.with_muscle_flow_multiplier(5.0); }, "got 5");
  EXPECT_EQ(s.phase(0).muscle_flow_multiplier, 1.0);  // unchanged by the refused calls
}

TEST(Posture, ProneIsLevelAndALoweredLimbMirrorsARaisedOne) {
  // Every posture of the catalogue has a distinct name that round-trips.
  for (std::size_t i = 0; i < mp::posture_catalogue.size(); ++i) {
    EXPECT_EQ(mp::to_string(mp::posture_catalogue[i].posture), mp::posture_catalogue[i].name);
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(mp::posture_catalogue[i].name, mp::posture_catalogue[j].name);
  }
  mp::Schedule prone(limb4, mp::Posture::prone), lowered(limb4, mp::Posture::limb_lowered),
      raised(limb4, mp::Posture::limb_raised);
  for (auto* s : {&prone, &lowered, &raised}) s->rest(10.0);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(prone.height_above_heart_cm(5.0, i), 0.0);  // lying: level with the heart, as supine
    // Dependent limb: (distance from the hip) * sin 30 deg below the heart.
    EXPECT_NEAR(lowered.height_above_heart_cm(5.0, i), -(40.0 - (5.0 + 10.0 * i)) * 0.5, 1e-12);
    EXPECT_NEAR(lowered.height_above_heart_cm(5.0, i), -raised.height_above_heart_cm(5.0, i), 1e-12);
  }
}

TEST(Posture, RaisedLimbPutsDistalSegmentsAboveTheHeart) {
  mp::Schedule s(limb4, mp::Posture::limb_raised);  // supine, leg raised 30 deg (default table)
  s.rest(10.0);
  // Height = (distance from the hip) * sin 30 deg: centres 35, 25, 15, 5 cm from the hip.
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(s.height_above_heart_cm(5.0, i), (40.0 - (5.0 + 10.0 * i)) * 0.5, 1e-12);
  EXPECT_NEAR(s.height_above_heart_cm(-1.0, 0), 17.5, 1e-12);  // the initial posture also applies before 0
  // A custom table: an arm hanging from a shoulder 10 cm below the heart.
  mp::PostureTable arm;
  arm.standing = {.root_height_cm = -10.0, .proximal_angle_deg = 90.0};
  mp::Schedule a(mp::LimbGeometry::uniform(2, 60.0), mp::Posture::standing, arm);
  a.rest(1.0);
  EXPECT_NEAR(a.height_above_heart_cm(0.5, 0), -10.0 - 45.0, 1e-12);
  EXPECT_NEAR(a.height_above_heart_cm(0.5, 1), -10.0 - 15.0, 1e-12);
}

TEST(Schedule, MuscleGroupsChooseWhichSegmentsWorkAndWhetherTheWholeBodyDoes) {
  mp::Schedule s(mp::LimbGeometry({20.0, 20.0, 25.0, 25.0}));
  s.rest(10.0).exercise(20.0, 0.9).exercise(20.0, 1.0, {.whole_body = false, .segments = {2, 3}});
  s.active_recovery(20.0, 0.3, {.whole_body = true, .segments = {0}});
  // Whole-body exercise (default): every segment works, the whole body at the same fraction of VO2max.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(s.inputs(15.0, i).exercise_intensity, 0.9);
    EXPECT_EQ(s.inputs(15.0, i).whole_body_exercise, 1.0);
  }
  EXPECT_EQ(s.whole_body_intensity(15.0), 0.9);
  // One-legged knee extension: the thigh works alone; calf and the rest of the body rest.
  EXPECT_EQ(s.inputs(35.0, 0).exercise_intensity, 0.0);
  EXPECT_EQ(s.inputs(35.0, 1).exercise_intensity, 0.0);
  EXPECT_EQ(s.inputs(35.0, 2).exercise_intensity, 1.0);
  EXPECT_EQ(s.inputs(35.0, 3).exercise_intensity, 1.0);
  EXPECT_EQ(s.inputs(35.0, 3).whole_body_exercise, 0.0);
  EXPECT_EQ(s.whole_body_intensity(35.0), 0.0);
  // A whole-body effort in which only the distal segment of this limb works.
  EXPECT_EQ(s.inputs(55.0, 0).exercise_intensity, 0.3);
  EXPECT_EQ(s.inputs(55.0, 3).exercise_intensity, 0.0);
  EXPECT_EQ(s.whole_body_intensity(55.0), 0.3);
  EXPECT_EQ(s.whole_body_intensity(5.0), 0.0);
  EXPECT_EQ(s.whole_body_intensity(100.0), 0.0);
}

TEST(Schedule, MuscleGroupsRefuseUnknownOrRepeatedSegments) {
  mp::Schedule s(mp::LimbGeometry({20.0, 20.0}));
  EXPECT_THROW(s.exercise(10.0, 0.5, {.whole_body = false, .segments = {2}}), massagesim::InvalidArgument);
  EXPECT_THROW(s.exercise(10.0, 0.5, {.whole_body = false, .segments = {1, 1}}), massagesim::InvalidArgument);
  try {
    s.exercise(10.0, 0.5, {.whole_body = false, .segments = {-1}});
    FAIL();
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("working_segments: expected segment indices in [0, 1], got -1"),
              std::string::npos)
        << e.what();
  }
}

TEST(Posture, EachLimbHasItsOwnPostureAndAChangeMovesTheLimbsItNames) {
  const mp::PostureTable table;
  const auto supine = table.segment_heights_cm(mp::Posture::supine, limb4);
  const auto raised = table.segment_heights_cm(mp::Posture::limb_raised, limb4);
  const auto standing = table.segment_heights_cm(mp::Posture::standing, limb4);
  // Limb 0 lies, limb 1 starts raised (one leg on a wedge).
  mp::Schedule s(limb4, std::vector{mp::Posture::supine, mp::Posture::limb_raised});
  ASSERT_EQ(s.n_limbs(), 2);
  EXPECT_EQ(s.initial_postures(), (std::vector{mp::Posture::supine, mp::Posture::limb_raised}));
  EXPECT_EQ(s.current_postures(), s.initial_postures());  // no phase yet
  s.rest(60.0)                                            // [0, 60): as at t = 0
      .posture_change(30.0, mp::Posture::limb_lowered)    // [60, 90): both lowered
      .posture_change(0.0, mp::Posture::standing)
      .on_limbs({1})                // at 90: limb 1 stands, limb 0 stays lowered
      .massage(30.0, "effleurage")  // [90, 120): postures kept
      .posture_change(10.0, mp::Posture::supine)
      .on_limbs({0});  // [120, 130): limb 0 lies, limb 1 still stands
  const auto lowered = table.segment_heights_cm(mp::Posture::limb_lowered, limb4);
  for (int i = 0; i < 4; ++i) {
    const auto k = static_cast<std::size_t>(i);
    EXPECT_EQ(s.initial_heights_cm()[k], supine[k]);
    EXPECT_EQ(s.initial_heights_cm()[k + 4], raised[k]);
    EXPECT_EQ(s.height_above_heart_cm(-1.0, i), supine[k]);
    EXPECT_EQ(s.height_above_heart_cm(30.0, i), supine[k]);
    EXPECT_EQ(s.height_above_heart_cm(30.0, i + 4), raised[k]);
    EXPECT_EQ(s.height_above_heart_cm(75.0, i), lowered[k]);
    EXPECT_EQ(s.height_above_heart_cm(75.0, i + 4), lowered[k]);
    EXPECT_EQ(s.height_above_heart_cm(100.0, i), lowered[k]);
    EXPECT_EQ(s.height_above_heart_cm(100.0, i + 4), standing[k]);
    EXPECT_EQ(s.height_above_heart_cm(125.0, i), supine[k]);
    EXPECT_EQ(s.height_above_heart_cm(125.0, i + 4), standing[k]);
    EXPECT_EQ(s.height_above_heart_cm(500.0, i + 4), standing[k]);  // after the end: the last phase's
  }
  EXPECT_NE(raised[0], supine[0]);  // the check above can fail
  EXPECT_EQ(s.phase(2).limb_postures, (std::vector{mp::Posture::limb_lowered, mp::Posture::standing}));
  EXPECT_EQ(s.phase(3).limb_postures, (std::vector{mp::Posture::limb_lowered, mp::Posture::standing}));
  EXPECT_EQ(s.phase(4).limb_postures, (std::vector{mp::Posture::supine, mp::Posture::standing}));
  EXPECT_EQ(s.current_postures(), s.phase(4).limb_postures);
  EXPECT_EQ(mp::Schedule(s).rest(5.0).current_postures(), s.phase(4).limb_postures);  // a rest keeps them
  // Rest and passive recovery act on every limb; a one-limb schedule has limb 0 only.
  expect_invalid([&] { mp::Schedule(s).rest(1.0).on_limbs({0}); }, "rest.limbs: only exercise");
  expect_invalid([&] { mp::Schedule(s).posture_change(0.0, mp::Posture::seated).on_limbs({2}); },
                 "posture_change.limbs: expected limb indices in [0, 1], got 2");
  expect_invalid([] { mp::Schedule(limb4, std::vector<mp::Posture>{}); },
                 "schedule n_limbs: expected 1 ... 4 limbs, got 0");
  expect_invalid([] { mp::Schedule(limb4, mp::Posture::supine, {}, 7); },
                 "schedule n_limbs: expected 1 ... 4 limbs, got 7");
}
