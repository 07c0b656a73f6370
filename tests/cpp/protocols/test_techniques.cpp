#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "massagesim/protocols/technique.hpp"
#include "smoothness_check.hpp"

namespace mp = massagesim::protocols;
namespace mt = massagesim::test;
using std::numbers::pi;

namespace {

/// Thresholds for "really non-smooth here" and the bounds between breakpoints.
struct BreakpointCheck {
  double t0, t1;
  int n_samples;                          ///< dense sampling over [t0, t1]
  mt::SmoothBounds pressure;              ///< bounds of every segment's pressure between breakpoints
  mt::SmoothBounds drive;                 ///< bounds of every segment's drive between breakpoints
  double h;                               ///< step of the one-sided differences at a breakpoint
  double value_tol, slope_tol, curv_tol;  ///< jump thresholds (pressure; drive uses them / pressure scale)
  double drive_scale = 1.0;               ///< pressure per unit drive, to scale the thresholds for the drive
};

/// Breakpoints are sorted, complete (no unlisted jump or kink in any segment's pressure or drive)
/// and real (at each one, some segment's pressure or drive jumps in value, slope or curvature).
template <class W>
void check_breakpoints(const W& w, const BreakpointCheck& c) {
  std::vector<double> bps;
  w.breakpoints(c.t0, c.t1, bps);
  ASSERT_FALSE(bps.empty());
  EXPECT_TRUE(std::is_sorted(bps.begin(), bps.end()));
  EXPECT_EQ(std::adjacent_find(bps.begin(), bps.end()), bps.end()) << "duplicates";
  for (double tb : bps) {
    EXPECT_GE(tb, c.t0);
    EXPECT_LE(tb, c.t1);
  }
  for (int s = 0; s < w.n_segments(); ++s) {
    const std::string tag = std::string(W::name) + " segment " + std::to_string(s);
    EXPECT_EQ(mt::unlisted_jumps([&](double t) { return w.pressure_mmHg(t, s); }, bps, c.t0, c.t1, c.n_samples,
                                 c.pressure, tag + " pressure"),
              0);
    EXPECT_EQ(mt::unlisted_jumps([&](double t) { return w.massage_drive(t, s); }, bps, c.t0, c.t1, c.n_samples, c.drive,
                                 tag + " drive"),
              0);
  }
  for (double tb : bps) {
    if (tb - 3 * c.h < c.t0 || tb + 3 * c.h > c.t1) continue;
    bool real = false;
    for (int s = 0; s < w.n_segments() && !real; ++s) {
      real = mt::non_smooth_at([&](double t) { return w.pressure_mmHg(t, s); }, tb, c.h, c.value_tol, c.slope_tol,
                               c.curv_tol) ||
             mt::non_smooth_at([&](double t) { return w.massage_drive(t, s); }, tb, c.h, c.value_tol / c.drive_scale,
                               c.slope_tol / c.drive_scale, c.curv_tol / c.drive_scale);
    }
    EXPECT_TRUE(real) << W::name << ": listed breakpoint " << tb << " s where nothing jumps or kinks";
  }
}

/// The first time in [t0, t1] (step dt) at which f(t) > threshold, or NaN.
template <class F>
double first_time_above(F f, double t0, double t1, double dt, double threshold) {
  for (double t = t0; t <= t1; t += dt)
    if (f(t) > threshold) return t;
  return std::numeric_limits<double>::quiet_NaN();
}

/// The first time in [t0, t1] at which f reaches half its peak over that window (step 1 ms).
template <class F>
double half_peak_time(F f, double t0, double t1) {
  double peak = 0.0;
  for (double t = t0; t <= t1; t += 1e-3) peak = std::max(peak, f(t));
  return first_time_above(f, t0, t1, 1e-3, 0.5 * peak);
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

const mp::LimbGeometry limb4 = mp::LimbGeometry::uniform(4, 40.0);  // 10 cm segments, edges 0..40 cm

}  // namespace

// --- static compression --------------------------------------------------------------------------

TEST(StaticCompression, RampHoldReleaseOnTheSite) {
  const mp::StaticCompression w(
      {.pressure_mmHg = 80.0, .rise_s = 2.0, .hold_s = 10.0, .release_s = 4.0, .from_cm = 15.0, .to_cm = 30.0}, limb4,
      /*start_s=*/5.0);
  EXPECT_EQ(w.pressure_mmHg(4.9, 2), 0.0);
  EXPECT_NEAR(w.pressure_mmHg(6.0, 2), 40.0, 1e-12);  // half-way up the cosine ramp
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(10.0, 2), 80.0);
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(10.0, 1), 40.0);  // half of segment 1 (10–20 cm) is under the site
  EXPECT_EQ(w.pressure_mmHg(10.0, 0), 0.0);
  EXPECT_EQ(w.pressure_mmHg(10.0, 3), 0.0);
  EXPECT_NEAR(w.pressure_mmHg(19.0, 2), 40.0, 1e-12);  // half-way down
  EXPECT_EQ(w.pressure_mmHg(21.0, 2), 0.0);
  EXPECT_DOUBLE_EQ(w.massage_drive(10.0, 2), 1.0);
  EXPECT_DOUBLE_EQ(w.massage_drive(10.0, 1), 0.5);
  std::vector<double> bps;
  w.breakpoints(0.0, 100.0, bps);
  EXPECT_EQ(bps, (std::vector<double>{5.0, 7.0, 17.0, 21.0}));
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 30.0,
                        .n_samples = 30000,
                        .pressure = {80.0 * pi / 4.0, 80.0 * pi * pi / 8.0},
                        .drive = {pi / 4.0, pi * pi / 8.0},
                        .h = 0.01,
                        .value_tol = 0.01,
                        .slope_tol = 0.5,
                        .curv_tol = 5.0,
                        .drive_scale = 80.0});
}

TEST(StaticCompression, HeldUntilThePhaseEndsByDefault) {
  const mp::StaticCompression w({}, limb4);
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(1e6, 0), mp::StaticCompressionParams{}.pressure_mmHg);
  std::vector<double> bps;
  w.breakpoints(0.0, 1e6, bps);
  EXPECT_EQ(bps, (std::vector<double>{0.0, mp::StaticCompressionParams{}.rise_s}));
}

// --- effleurage -----------------------------------------------------------------------------------

TEST(Effleurage, StrokeTowardTheHeartReachesProximalSegmentsLater) {
  const mp::LimbGeometry limb({8.0, 12.0, 10.0, 10.0});
  const mp::Effleurage w(
      {.pressure_mmHg = 50.0, .speed_cm_per_s = 5.0, .contact_length_cm = 9.0, .ramp_s = 0.5, .pause_s = 2.0}, limb,
      1.0);
  EXPECT_DOUBLE_EQ(w.stroke_s(), (40.0 - 9.0) / 5.0);
  EXPECT_DOUBLE_EQ(w.contact_centre_cm(1.0), 4.5);
  EXPECT_DOUBLE_EQ(w.contact_centre_cm(3.0), 14.5);
  double prev_first = -1.0, prev_peak = -1.0;
  for (int s = 0; s < 4; ++s) {
    auto p = [&](double t) { return w.pressure_mmHg(t, s); };
    const double first = half_peak_time(p, 1.0, 1.0 + w.stroke_s());
    double peak_t = 0.0, peak = -1.0;
    for (double t = 1.0; t < 1.0 + w.stroke_s(); t += 1e-3)
      if (p(t) > peak) peak = p(t), peak_t = t;
    EXPECT_GT(first, prev_first) << "segment " << s;
    EXPECT_GT(peak_t, prev_peak) << "segment " << s;
    prev_first = first;
    prev_peak = peak_t;
  }
  // Segment 0 (8 cm) is fully under the 9 cm patch at the start but the hand is still landing:
  EXPECT_EQ(w.pressure_mmHg(1.0, 0), 0.0);
  // ... and at full pressure once the ramp is over, until the trailing edge leaves it:
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(1.0 + 0.5, 0), 50.0 * (8.0 - 2.5) / 8.0);
  // Nothing during the pause, then the next stroke starts at the distal end again.
  EXPECT_EQ(w.pressure_mmHg(1.0 + w.stroke_s() + 1.0, 3), 0.0);
  EXPECT_DOUBLE_EQ(w.contact_centre_cm(1.0 + w.period_s()), 4.5);
  EXPECT_DOUBLE_EQ(w.massage_drive(100.0, 2), 1.0);
  EXPECT_EQ(w.massage_drive(0.5, 2), 1.0);  // the whole region is being massaged (phase-level signal)
}

TEST(Effleurage, StrokeAwayFromTheHeartReachesDistalSegmentsLater) {
  const mp::Effleurage w({.direction = mp::StrokeDirection::away_from_heart}, limb4, 0.0);
  double prev_first = std::numeric_limits<double>::infinity();
  for (int s = 0; s < 4; ++s) {
    const double first = half_peak_time([&](double t) { return w.pressure_mmHg(t, s); }, 0.0, w.stroke_s());
    EXPECT_LT(first, prev_first) << "segment " << s;
    prev_first = first;
  }
  EXPECT_DOUBLE_EQ(w.contact_centre_cm(0.0), 40.0 - 5.0);
}

TEST(Effleurage, BreakpointsAtRampsAndSegmentEdgeCrossings) {
  const mp::LimbGeometry limb({8.0, 12.0, 10.0, 10.0});
  const mp::Effleurage w({.pressure_mmHg = 50.0,
                          .speed_cm_per_s = 5.0,
                          .contact_length_cm = 9.0,
                          .ramp_s = 0.5,
                          .pause_s = 2.0,
                          .from_cm = 2.0},
                         limb, 0.3);
  // Slope bound: ramp 50 pi / (2 * 0.5) plus patch sliding over an 8 cm segment 50 * 5 / 8.
  const double m1 = 50.0 * pi + 50.0 * 5.0 / 8.0;
  const double m2 = 50.0 * pi * pi / 2.0 / 0.25 + 2.0 * (pi / 1.0) * 5.0 / 8.0 * 50.0;
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 20.0,
                        .n_samples = 40000,
                        .pressure = {m1, m2},
                        .drive = {0.0, 0.0},
                        .h = 2e-3,
                        .value_tol = 0.01,
                        .slope_tol = 2.0,
                        .curv_tol = 50.0,
                        .drive_scale = 50.0});
  // Crossings: trailing edge (x = 2 + 5 tau) passes 8, 20, 30 cm; leading edge (11 + 5 tau) passes 20, 30 cm.
  std::vector<double> bps;
  w.breakpoints(0.3, 0.3 + w.stroke_s(), bps);
  for (double tau : {6.0 / 5.0, 18.0 / 5.0, 9.0 / 5.0, 19.0 / 5.0})
    EXPECT_TRUE(std::any_of(bps.begin(), bps.end(), [&](double tb) { return std::abs(tb - (0.3 + tau)) < 1e-12; }))
        << "missing crossing at tau = " << tau;
  // The hand's landing and lifting ramps (curvature jumps, which dense sampling cannot see) of two strokes.
  bps.clear();
  w.breakpoints(0.0, 20.0, bps);
  for (int k = 0; k < 2; ++k) {
    const double b = 0.3 + k * w.period_s();
    for (double tau : {0.0, 0.5, w.stroke_s() - 0.5, w.stroke_s()})
      EXPECT_TRUE(std::any_of(bps.begin(), bps.end(), [&](double tb) { return std::abs(tb - (b + tau)) < 1e-9; }))
          << "stroke " << k << ": missing ramp joint at tau = " << tau;
  }
}

// --- petrissage -----------------------------------------------------------------------------------

TEST(Petrissage, KneadingCycleAtRateAndDepth) {
  const mp::Petrissage w({.depth_mmHg = 70.0, .baseline_mmHg = 10.0, .rate_Hz = 0.5, .from_cm = 10.0, .to_cm = 20.0},
                         limb4, 2.0);
  EXPECT_EQ(w.pressure_mmHg(1.9, 1), 0.0);
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(2.0, 1), 10.0);           // baseline at the start
  EXPECT_NEAR(w.pressure_mmHg(3.0, 1), 80.0, 1e-12);         // peak half a cycle later
  EXPECT_NEAR(w.pressure_mmHg(4.0, 1), 10.0, 1e-12);         // back at the trough after 1/rate
  EXPECT_NEAR(w.pressure_mmHg(2.5, 1), 10.0 + 35.0, 1e-12);  // quarter cycle: half depth
  EXPECT_EQ(w.pressure_mmHg(3.0, 0), 0.0);
  EXPECT_EQ(w.massage_drive(3.0, 1), 1.0);
  std::vector<double> bps;
  w.breakpoints(0.0, 100.0, bps);
  EXPECT_EQ(bps, std::vector<double>{2.0});  // a smooth cosine after its start
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 12.0,
                        .n_samples = 24000,
                        .pressure = {70.0 * pi * 0.5, 70.0 * 2.0 * pi * pi * 0.25},
                        .drive = {0.0, 0.0},
                        .h = 1e-3,
                        .value_tol = 0.01,
                        .slope_tol = 0.5,
                        .curv_tol = 5.0,
                        .drive_scale = 80.0});
}

// --- tapotement -----------------------------------------------------------------------------------

TEST(Tapotement, FiftyMillisecondBlowsAtEightHertz) {
  const mp::Tapotement w({.pressure_mmHg = 60.0, .rate_Hz = 8.0, .pulse_width_s = 0.05, .edge_s = 0.01}, limb4, 1.0);
  EXPECT_EQ(w.pressure_mmHg(0.99, 0), 0.0);
  EXPECT_NEAR(w.pressure_mmHg(1.005, 0), 30.0, 1e-9);                   // middle of the rising edge
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(1.025, 0), 60.0);                    // middle of the blow
  EXPECT_EQ(w.pressure_mmHg(1.1, 0), 0.0);                              // between blows
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(1.0 + 3 * 0.125 + 0.025, 3), 60.0);  // fourth blow
  std::vector<double> bps;
  w.breakpoints(1.0, 1.999, bps);
  EXPECT_EQ(bps.size(), 8u * 4u);  // start, top, fall, end of each of 8 blows
  check_breakpoints(w, {.t0 = 0.5,
                        .t1 = 2.5,
                        .n_samples = 200000,
                        .pressure = {60.0 * pi / 0.02, 60.0 * pi * pi / 2.0 / 1e-4},
                        .drive = {0.0, 0.0},
                        .h = 1e-4,
                        .value_tol = 0.01,
                        .slope_tol = 100.0,
                        .curv_tol = 1e5,
                        .drive_scale = 60.0});
}

TEST(Tapotement, RectangularBlowsJumpAtEveryListedEdge) {
  const mp::Tapotement w({.pressure_mmHg = 60.0, .rate_Hz = 5.0, .pulse_width_s = 0.05, .edge_s = 0.0}, limb4, 0.0);
  std::vector<double> bps;
  w.breakpoints(0.0, 0.99, bps);
  ASSERT_EQ(bps.size(), 10u);
  for (std::size_t i = 0; i < bps.size(); ++i) {
    const double left = w.pressure_mmHg(bps[i] - 1e-9, 0), right = w.pressure_mmHg(bps[i], 0);
    EXPECT_EQ(std::abs(right - left), 60.0) << "at " << bps[i];
  }
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 2.0,
                        .n_samples = 100000,
                        .pressure = {0.0, 0.0},
                        .drive = {0.0, 0.0},
                        .h = 1e-5,
                        .value_tol = 1.0,
                        .slope_tol = 1.0,
                        .curv_tol = 1.0,
                        .drive_scale = 60.0});
}

// --- deep friction --------------------------------------------------------------------------------

TEST(DeepFriction, SustainedPressureWithRubbingDips) {
  const mp::DeepFriction w({.pressure_mmHg = 300.0,
                            .rate_Hz = 2.0,
                            .modulation = 0.2,
                            .rise_s = 1.0,
                            .site_centre_cm = 25.0,
                            .site_length_cm = 2.0},
                           limb4, 0.0);
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(2.0, 2), 0.2 * 300.0);          // site covers 2 of segment 2's 10 cm
  EXPECT_NEAR(w.pressure_mmHg(2.25, 2), 0.2 * 300.0 * 0.8, 1e-9);  // half a rubbing cycle: the dip
  EXPECT_EQ(w.pressure_mmHg(2.0, 1), 0.0);
  EXPECT_NEAR(w.pressure_mmHg(0.5, 2), 0.2 * 300.0 * 0.5, 1e-9);  // mid-rise, at a crest of the rubbing
  std::vector<double> bps;
  w.breakpoints(0.0, 50.0, bps);
  EXPECT_EQ(bps, (std::vector<double>{0.0, 1.0}));
  const double a = 60.0;  // pressure on segment 2
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 5.0,
                        .n_samples = 20000,
                        .pressure = {a * (pi / 2.0 + 0.1 * 4.0 * pi),
                                     a * (pi * pi / 2.0 + 2.0 * pi / 2.0 * 0.4 * pi + 0.1 * 16.0 * pi * pi)},
                        .drive = {0.0, 0.0},
                        .h = 1e-3,
                        .value_tol = 0.01,
                        .slope_tol = 0.5,
                        .curv_tol = 5.0,
                        .drive_scale = 1.0});
}

// --- sequential compression ---------------------------------------------------------------------

TEST(SequentialCompression, ChambersInflateInTurnHoldAndDeflateTogether) {
  const mp::SequentialCompression w({.chamber_pressures_mmHg = {50.0, 45.0, 40.0},
                                     .first_segment = 1,
                                     .inflation_s = 2.0,
                                     .delay_s = 1.0,
                                     .hold_s = 3.0,
                                     .deflation_s = 0.5,
                                     .cycle_period_s = 12.0},
                                    limb4, 10.0);
  // Chamber i (segment 1 + i) starts at 10 + i s and is full 2 s later (linear inflation).
  for (int i = 0; i < 3; ++i) {
    const int s = 1 + i;
    const double p_max = 50.0 - 5.0 * i;
    EXPECT_EQ(w.pressure_mmHg(10.0 + i - 1e-9, s), 0.0) << "chamber " << i;
    EXPECT_NEAR(w.pressure_mmHg(10.0 + i + 1.0, s), 0.5 * p_max, 1e-9) << "chamber " << i;
    EXPECT_DOUBLE_EQ(w.pressure_mmHg(10.0 + i + 2.0, s), p_max) << "chamber " << i;
    // All deflate together once the last has held 3 s: at 10 + 2 + 2 + 3 = 17 s.
    EXPECT_DOUBLE_EQ(w.pressure_mmHg(16.99, s), p_max) << "chamber " << i;
    EXPECT_NEAR(w.pressure_mmHg(17.25, s), 0.5 * p_max, 1e-9) << "chamber " << i;
    EXPECT_EQ(w.pressure_mmHg(17.5, s), 0.0) << "chamber " << i;
    // Next cycle.
    EXPECT_NEAR(w.pressure_mmHg(22.0 + i + 1.0, s), 0.5 * p_max, 1e-9) << "chamber " << i;
    EXPECT_NEAR(w.massage_drive(22.0 + i + 1.0, s), 0.5, 1e-9);
  }
  EXPECT_EQ(w.pressure_mmHg(14.0, 0), 0.0);  // no chamber on segment 0
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 40.0,
                        .n_samples = 40000,
                        .pressure = {100.0, 0.0},
                        .drive = {2.0, 0.0},
                        .h = 1e-4,
                        .value_tol = 0.01,
                        .slope_tol = 1.0,
                        .curv_tol = 1e30,
                        .drive_scale = 40.0});
}

TEST(SequentialCompression, PeristalticModeDeflatesEachChamberAfterItsHold) {
  const mp::SequentialCompression w({.chamber_pressures_mmHg = {60.0, 60.0},
                                     .inflation_s = 1.0,
                                     .delay_s = 2.0,
                                     .hold_s = 1.0,
                                     .deflation_s = 0.0,
                                     .cycle_period_s = 10.0,
                                     .deflate_together = false},
                                    mp::LimbGeometry::uniform(2, 30.0));
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(1.99, 0), 60.0);
  EXPECT_EQ(w.pressure_mmHg(2.0, 0), 0.0);  // chamber 0 dumps at 1 + 1 s (sharp)
  EXPECT_NEAR(w.pressure_mmHg(2.5, 1), 30.0, 1e-12);
  EXPECT_EQ(w.pressure_mmHg(4.0, 1), 0.0);  // chamber 1 dumps at 2 + 1 + 1 s
}

TEST(SequentialCompression, DefaultsFollowKamm1986) {
  const mp::SequentialCompressionParams d;
  ASSERT_EQ(d.chamber_pressures_mmHg.size(), 4u);
  double mean = 0.0;
  for (double p : d.chamber_pressures_mmHg) mean += p / 4.0;
  EXPECT_DOUBLE_EQ(mean, 45.0);  // Kamm 1986: mean 45 mmHg
  for (std::size_t i = 1; i < 4; ++i) {
    const double dp = d.chamber_pressures_mmHg[i - 1] - d.chamber_pressures_mmHg[i];
    EXPECT_GE(dp, 5.0);  // optimum gradient 5–10 mmHg, distal highest
    EXPECT_LE(dp, 10.0);
  }
  EXPECT_LE(d.delay_s, 0.5);  // optimum delay 0–0.5 s
  EXPECT_NO_THROW(mp::SequentialCompression(d, limb4));
}

// --- occlusion cuff ------------------------------------------------------------------------------

TEST(OcclusionCuff, FastInflationHoldAndSuddenRelease) {
  const mp::OcclusionCuff w({.pressure_mmHg = 220.0, .inflation_s = 1.0, .hold_s = 60.0}, limb4, 5.0);
  EXPECT_EQ(w.params().segment, 3);  // -1 means the most proximal segment
  EXPECT_NEAR(w.pressure_mmHg(5.5, 3), 110.0, 1e-9);
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(30.0, 3), 220.0);
  EXPECT_EQ(w.pressure_mmHg(30.0, 2), 0.0);
  std::vector<double> bps;
  w.breakpoints(0.0, 100.0, bps);
  EXPECT_EQ(bps, (std::vector<double>{5.0, 6.0, 66.0}));
  EXPECT_DOUBLE_EQ(w.pressure_mmHg(std::nextafter(66.0, 0.0), 3), 220.0);  // left limit
  EXPECT_EQ(w.pressure_mmHg(66.0, 3), 0.0);                                // right value
  check_breakpoints(w, {.t0 = 0.0,
                        .t1 = 80.0,
                        .n_samples = 80000,
                        .pressure = {220.0, 0.0},
                        .drive = {1.0, 0.0},
                        .h = 1e-4,
                        .value_tol = 0.01,
                        .slope_tol = 1.0,
                        .curv_tol = 1e30,
                        .drive_scale = 220.0});
}

// --- names, defaults, validation -----------------------------------------------------------------

TEST(Technique, EveryNameHasDefaultsThatBuild) {
  ASSERT_EQ(mp::technique_names.size(), 7u);
  const std::vector<std::string> expected{"static_compression", "effleurage",    "petrissage",
                                          "tapotement",         "deep_friction", "sequential_compression",
                                          "occlusion_cuff"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(mp::technique_names[i], expected[i]);
    const auto params = mp::default_technique_params(expected[i]);
    EXPECT_EQ(mp::technique_name(params), expected[i]);
    const mp::Technique t(params, limb4, 3.0);
    EXPECT_EQ(t.name(), expected[i]);
    EXPECT_EQ(t.n_segments(), 4);
    EXPECT_EQ(t.is_device(), expected[i] == "sequential_compression" || expected[i] == "occlusion_cuff");
    double max_p = 0.0;
    for (double tt = 3.0; tt < 60.0; tt += 0.01)
      for (int s = 0; s < 4; ++s) max_p = std::max(max_p, t.pressure_mmHg(tt, s));
    EXPECT_GT(max_p, 0.0) << expected[i];
    EXPECT_LE(max_p, mp::max_pressure_mmHg) << expected[i];
    EXPECT_EQ(t.pressure_mmHg(2.999, 0), 0.0) << expected[i] << " before its start";
  }
}

TEST(Technique, UnknownNameListsTheKnownOnes) {
  try {
    (void)mp::default_technique_params("shiatsu");
    FAIL() << "no throw";
  } catch (const massagesim::UnknownName& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown technique 'shiatsu'"), std::string::npos) << m;
    EXPECT_NE(m.find("effleurage"), std::string::npos) << m;
    EXPECT_NE(m.find("occlusion_cuff"), std::string::npos) << m;
  }
}

TEST(Technique, BadParametersNameFieldAndRange) {
  expect_invalid([] { mp::StaticCompression({.pressure_mmHg = 450.0}, limb4); },
                 "static_compression.pressure_mmHg: expected a pressure in [0, 400] mmHg, got 450");
  expect_invalid([] { mp::StaticCompression({.rise_s = -1.0}, limb4); }, "static_compression.rise_s: expected >= 0 s");
  expect_invalid([] { mp::StaticCompression({.hold_s = -2.0}, limb4); }, "static_compression.hold_s: expected >= 0 s");
  expect_invalid([] { mp::StaticCompression({.from_cm = 30.0, .to_cm = 20.0}, limb4); },
                 "static_compression.to_cm: expected in (from_cm = 30, 40] cm, got 20");
  expect_invalid([] { mp::Effleurage({.speed_cm_per_s = 0.0}, limb4); },
                 "effleurage.speed_cm_per_s: expected > 0 cm/s");
  expect_invalid([] { mp::Effleurage({.contact_length_cm = 50.0}, limb4); },
                 "effleurage.contact_length_cm: expected < the stroked length 40 cm");
  expect_invalid([] { mp::Effleurage({.pressure_mmHg = -5.0}, limb4); },
                 "effleurage.pressure_mmHg: expected a pressure in [0, 400]");
  expect_invalid([] { mp::Petrissage({.rate_Hz = -0.5}, limb4); }, "petrissage.rate_Hz: expected > 0 Hz");
  expect_invalid([] { mp::Petrissage({.depth_mmHg = 300.0, .baseline_mmHg = 200.0}, limb4); },
                 "petrissage.depth_mmHg + baseline_mmHg: expected a pressure in [0, 400] mmHg, got 500");
  expect_invalid([] { mp::Tapotement({.rate_Hz = 0.0}, limb4); }, "tapotement.rate_Hz: expected > 0 Hz");
  expect_invalid([] { mp::Tapotement({.rate_Hz = 25.0, .pulse_width_s = 0.05}, limb4); },
                 "tapotement.pulse_width_s: expected <= the period 1/rate_Hz = 0.04 s");
  expect_invalid([] { mp::Tapotement({.pulse_width_s = 0.05, .edge_s = 0.03}, limb4); },
                 "tapotement.edge_s: expected in [0, pulse_width_s / 2 = 0.025] s");
  expect_invalid([] { mp::DeepFriction({.modulation = 1.5}, limb4); },
                 "deep_friction.modulation: expected a fraction in [0, 1]");
  expect_invalid([] { mp::DeepFriction({.site_centre_cm = 39.5}, limb4); }, "deep_friction.site_centre_cm");
  expect_invalid(
      [] {
        mp::SequentialCompression({.chamber_pressures_mmHg = {50.0, 401.0}}, limb4);
      },
      "sequential_compression.chamber_pressures_mmHg[1]: expected a pressure in [0, 400] mmHg, got 401");
  expect_invalid([] { mp::SequentialCompression({.chamber_pressures_mmHg = {}}, limb4); },
                 "expected at least one chamber");
  expect_invalid([] { mp::SequentialCompression({.first_segment = 1}, limb4); },
                 "sequential_compression.first_segment: expected in [0, 0] so that 4 chambers fit");
  expect_invalid([] { mp::SequentialCompression({.cycle_period_s = 5.0}, limb4); },
                 "sequential_compression.cycle_period_s: expected >= 11 s");
  expect_invalid([] { mp::SequentialCompression({.cycle_period_s = 0.0}, limb4); },
                 "sequential_compression.cycle_period_s: expected > 0 s");
  expect_invalid([] { mp::SequentialCompression({.inflation_s = -3.0}, limb4); },
                 "sequential_compression.inflation_s: expected >= 0 s");
  expect_invalid([] { mp::OcclusionCuff({.segment = 7}, limb4); }, "occlusion_cuff.segment: expected in [0, 3] or -1");
}
