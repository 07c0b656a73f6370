// Rhythmic contractions (the muscle pump) of exercise and active-recovery phases: the half-sine waveform of
// Magosso & Ursino 2002 (physiology.md §2a), where it applies, its breakpoints and its refused values.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "massagesim/protocols/schedule.hpp"

namespace mp = massagesim::protocols;

namespace {

mp::LimbGeometry leg() { return mp::LimbGeometry({20.0, 20.0, 25.0, 25.0}); }

// 10 s rest, 60 s of calf (segments 0, 1) exercise with contractions, 10 s massage, 30 s active recovery of every
// segment with other contractions, 10 s rest.
constexpr double cadence = 50.0, duty = 0.4, amplitude = 80.0;
constexpr double period = 60.0 / cadence, contraction = duty * period;

mp::Schedule walking() {
  mp::MuscleGroup calf;
  calf.segments = {0, 1};
  calf.contractions = mp::Contractions{.cadence_per_min = cadence, .duty_cycle = duty, .pressure_mmHg = amplitude};
  mp::MuscleGroup all;
  all.contractions = mp::Contractions{.cadence_per_min = 120.0, .duty_cycle = 0.5, .pressure_mmHg = 40.0};
  mp::Schedule s(leg(), mp::Posture::standing);
  s.rest(10.0).exercise(60.0, 0.3, calf).massage(10.0, "effleurage").active_recovery(30.0, 0.2, all).rest(10.0);
  return s;
}

}  // namespace

TEST(Contractions, HalfSineWithThePhasesPeriodAndDutyCycle) {
  const mp::Schedule s = walking();
  const double t0 = 10.0;  // exercise start: the first contraction begins with it
  for (int k : {0, 1, 17, 48}) {
    const double b = t0 + k * period;
    // Mid-contraction: the peak; a quarter in: A sin(pi/4); relaxation: 0.
    EXPECT_NEAR(s.inputs(b + 0.5 * contraction, 0).contraction_pressure_mmHg, amplitude, 1e-9) << k;
    EXPECT_NEAR(s.inputs(b + 0.25 * contraction, 1).contraction_pressure_mmHg,
                amplitude * std::sin(std::numbers::pi / 4.0), 1e-9)
        << k;
    EXPECT_EQ(s.inputs(b + contraction + 0.1, 0).contraction_pressure_mmHg, 0.0) << k;
    EXPECT_EQ(s.inputs(b + period - 1e-6, 0).contraction_pressure_mmHg, 0.0) << k;
  }
  // Periodic with T_c = 60/cadence; the contracting fraction of a cycle is the duty cycle and the cycle mean
  // A duty 2/pi.
  int on = 0;
  double sum = 0.0;
  const int n = 12000;
  for (int i = 0; i < n; ++i) {
    const double t = t0 + 5.0 * period + period * (i + 0.5) / n;
    const double p = s.inputs(t, 0).contraction_pressure_mmHg;
    EXPECT_NEAR(p, s.inputs(t + 3.0 * period, 0).contraction_pressure_mmHg, 1e-9);
    EXPECT_GE(p, 0.0);
    on += p > 0.0;
    sum += p;
  }
  EXPECT_NEAR(static_cast<double>(on) / n, duty, 1e-3);
  EXPECT_NEAR(sum / n, amplitude * duty * 2.0 / std::numbers::pi, 1e-3 * amplitude);
  // It is intramuscular: the skin pressure and the massage drive stay 0.
  EXPECT_EQ(s.inputs(t0 + 0.5 * contraction, 0).applied_pressure_mmHg, 0.0);
  EXPECT_EQ(s.inputs(t0 + 0.5 * contraction, 0).massage_drive, 0.0);
}

TEST(Contractions, OnlyInTheWorkingSegmentsOfTheirPhase) {
  const mp::Schedule s = walking();
  const double mid = 10.0 + 3.0 * period + 0.5 * contraction;
  EXPECT_GT(s.inputs(mid, 0).contraction_pressure_mmHg, 0.0);
  EXPECT_GT(s.inputs(mid, 1).contraction_pressure_mmHg, 0.0);
  EXPECT_EQ(s.inputs(mid, 2).contraction_pressure_mmHg, 0.0);  // the thigh does not work
  EXPECT_EQ(s.inputs(mid, 3).contraction_pressure_mmHg, 0.0);
  for (int seg = 0; seg < 4; ++seg) {
    for (double t = -5.0; t < 10.0; t += 0.01) EXPECT_EQ(s.inputs(t, seg).contraction_pressure_mmHg, 0.0) << t;
    for (double t = 70.0; t < 80.0; t += 0.01) EXPECT_EQ(s.inputs(t, seg).contraction_pressure_mmHg, 0.0) << t;
    for (double t = 110.0; t < 130.0; t += 0.01) EXPECT_EQ(s.inputs(t, seg).contraction_pressure_mmHg, 0.0) << t;
    // Active recovery of every segment: 120/min, duty 0.5, 40 mmHg, from its own start (80 s).
    EXPECT_NEAR(s.inputs(80.0 + 0.125, seg).contraction_pressure_mmHg, 40.0, 1e-9) << seg;
    EXPECT_EQ(s.inputs(80.0 + 0.25 + 0.1, seg).contraction_pressure_mmHg, 0.0) << seg;
  }
  // A phase without contractions is a steady effort.
  mp::Schedule steady(leg());
  steady.exercise(30.0, 0.5);
  for (double t = 0.0; t < 30.0; t += 0.01) EXPECT_EQ(steady.inputs(t, 0).contraction_pressure_mmHg, 0.0);
  EXPECT_EQ(steady.breakpoints(), (std::vector<double>{0.0, 30.0}));
}

TEST(Contractions, BreakpointsAtEveryContractionsBeginAndEnd) {
  const mp::Schedule s = walking();
  const std::vector<double> bps = s.breakpoints();
  ASSERT_TRUE(std::is_sorted(bps.begin(), bps.end()));
  auto listed = [&](double t) {
    return std::any_of(bps.begin(), bps.end(), [&](double b) { return std::abs(b - t) < 1e-9; });
  };
  int n_exercise = 0;
  for (double b : bps) n_exercise += b > 10.0 && b < 70.0;
  // 60 s at 50/min: 50 contractions; the first begins with the phase (a phase boundary already).
  EXPECT_EQ(n_exercise, 49 + 50);
  for (int k = 0; k < 50; ++k) {
    EXPECT_TRUE(listed(10.0 + k * period)) << k;
    EXPECT_TRUE(listed(10.0 + k * period + contraction)) << k;
  }
  // Active recovery: 30 s at 120/min with duty 0.5, the end of one contraction is the rest before the next.
  int n_recovery = 0;
  for (double b : bps) n_recovery += b > 80.0 && b < 110.0;
  EXPECT_EQ(n_recovery, 59 + 60);
  // The kinks are where the breakpoints say: the slope jumps at the contraction's begin and end.
  const double b = 10.0 + 7.0 * period, h = 1e-6;
  const double slope_in = (s.inputs(b + h, 0).contraction_pressure_mmHg - s.inputs(b, 0).contraction_pressure_mmHg) / h;
  EXPECT_NEAR(slope_in, amplitude * std::numbers::pi / contraction, 1e-3 * amplitude);
  EXPECT_EQ(s.inputs(b - h, 0).contraction_pressure_mmHg, 0.0);
}

TEST(Contractions, BadValuesAreRefusedNamingTheFieldAndTheRange) {
  auto refused = [](mp::Contractions c, const std::string& needle) {
    mp::MuscleGroup g;
    g.contractions = c;
    mp::Schedule s(leg());
    try {
      s.exercise(60.0, 0.3, g);
      ADD_FAILURE() << "accepted " << needle;
    } catch (const massagesim::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    mp::Schedule r(leg());
    EXPECT_THROW(r.active_recovery(60.0, 0.3, g), massagesim::InvalidArgument) << needle;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  refused({.cadence_per_min = 0.0},
          "exercise.contractions.cadence_per_min: expected contractions per minute in [1, 240]");
  refused({.cadence_per_min = 300.0}, "cadence_per_min: expected contractions per minute in [1, 240], got 300");
  refused({.cadence_per_min = nan}, "cadence_per_min");
  refused({.duty_cycle = 0.05},
          "exercise.contractions.duty_cycle: expected the contracting fraction of a cycle in [0.1, 0.9]");
  refused({.duty_cycle = 1.0}, "duty_cycle");
  refused({.pressure_mmHg = -1.0},
          "exercise.contractions.pressure_mmHg: expected a peak intramuscular pressure in [0, 400]");
  refused({.pressure_mmHg = 500.0}, "pressure_mmHg");
  // The limits themselves are accepted.
  mp::MuscleGroup g;
  g.contractions = mp::Contractions{.cadence_per_min = 240.0, .duty_cycle = 0.9, .pressure_mmHg = 400.0};
  mp::Schedule s(leg());
  EXPECT_NO_THROW(s.exercise(10.0, 0.3, g));
  EXPECT_EQ(s.breakpoints().size(), 2u + 39u + 40u);  // 40 cycles in 10 s
}
