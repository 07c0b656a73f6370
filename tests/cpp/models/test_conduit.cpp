/// \file test_conduit.cpp
/// \brief The conduit artery under a cuff (models/detail/conduit.hpp): the closed forms against a
/// numerical average over the pulse, their C1 joins, and AD derivatives against finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include "massagesim/models/detail/conduit.hpp"

using namespace massagesim::models;

namespace {

constexpr double kMap = 93.0, kPp = 40.0;  // systemic.hpp defaults
constexpr double kPd = kMap - kPp / 3.0, kPs = kMap + 2.0 * kPp / 3.0;

/// Midpoint-rule average of g(p) over the pulse density f(p) = 2 (P_s - p) / PP^2 on [P_d, P_s].
template <class G>
double pulse_average(G g) {
  const int n = 200000;
  const double h = kPp / n;
  double sum = 0.0;
  for (int k = 0; k < n; ++k) {
    const double p = kPd + (k + 0.5) * h;
    sum += g(p) * 2.0 * (kPs - p) / (kPp * kPp) * h;
  }
  return sum;
}

}  // namespace

TEST(Conduit, PulseDensityHasTheMeanArterialPressure) {
  EXPECT_NEAR(pulse_average([](double p) { return p; }), kMap, 1e-6);
  EXPECT_NEAR(pulse_average([](double) { return 1.0; }), 1.0, 1e-9);
}

TEST(Conduit, MeanDeficitAndOpenFractionMatchThePulseAverage) {
  for (double pc : {0.0, 60.0, kPd, 85.0, 93.0, 100.0, 110.0, 119.0, kPs, 130.0, 250.0}) {
    const double deficit = conduit::pulse_mean_deficit_mmHg(pc - kMap, kPp);
    EXPECT_NEAR(deficit, pulse_average([&](double p) { return std::max(pc - p, 0.0); }), 1e-6) << "P_c " << pc;
    EXPECT_NEAR(conduit::open_fraction(pc - kMap, kPp), pulse_average([&](double p) { return p > pc ? 1.0 : 0.0; }),
                1e-4)
        << "P_c " << pc;
  }
  // Below diastolic nothing changes (exact zero), above systolic the artery never opens.
  EXPECT_EQ(conduit::pulse_mean_deficit_mmHg(60.0 - kMap, kPp), 0.0);
  EXPECT_EQ(conduit::open_fraction(60.0 - kMap, kPp), 1.0);
  EXPECT_EQ(conduit::open_fraction(kPs + 1.0 - kMap, kPp), 0.0);
}

TEST(Conduit, FeedCorrectionClosesTheArteryAboveSystolicOnly) {
  // Distal arteries emptied (P_down = 10 mmHg): the flow G (MAP - P_down + correction) is
  // G E[max(P - P_c, 0)] = G (P_s - P_c)^3 / (3 PP^2): zero at and above systolic.
  const double w = 1.0;
  for (double pc : {100.0, 110.0, kPs, 150.0, 200.0}) {
    const double drive = (kMap - 10.0) + conduit::feed_correction_mmHg(pc, kMap, 10.0, kPp, w);
    const double expected = pc >= kPs ? 0.0 : std::pow(kPs - pc, 3) / (3.0 * kPp * kPp);
    EXPECT_NEAR(drive, expected, 1e-9) << "P_c " << pc;
  }
  // A cuff below diastolic with the distal arteries above it: no correction at all.
  EXPECT_EQ(conduit::feed_correction_mmHg(40.0, kMap, 85.0, kPp, w), 0.0);
}

TEST(Conduit, PiecesJoinWithContinuousValueAndSlope) {
  using Ad = Eigen::AutoDiffScalar<Eigen::Matrix<double, 1, 1>>;
  auto deficit = [](double x) { return conduit::pulse_mean_deficit_mmHg(x, kPp); };
  auto pos = [](double x) { return conduit::c1_pos(x, 1.0); };
  const double h = 1e-6;
  // Joins: P_c = P_d and P_s (x = P_c - MAP), and +-w of the corner.
  for (double x : {kPd - kMap, kPs - kMap}) {
    EXPECT_NEAR(deficit(x - h), deficit(x + h), 1e-5) << x;
    const double left = (deficit(x) - deficit(x - h)) / h, right = (deficit(x + h) - deficit(x)) / h;
    EXPECT_NEAR(left, right, 1e-4) << x;
  }
  for (double x : {-1.0, 1.0}) {
    EXPECT_NEAR(pos(x - h), pos(x + h), 1e-5) << x;
    EXPECT_NEAR((pos(x) - pos(x - h)) / h, (pos(x + h) - pos(x)) / h, 1e-4) << x;
  }
  // AD slopes equal central differences everywhere (including between the joins).
  for (double x : {-30.0, -12.0, -5.0, 0.0, 10.0, 26.0, 40.0}) {
    const Ad a(x, Eigen::Matrix<double, 1, 1>::Constant(1.0));
    const Ad d = conduit::pulse_mean_deficit_mmHg(a, Ad(kPp));
    EXPECT_NEAR(d.derivatives()[0], (deficit(x + h) - deficit(x - h)) / (2 * h), 1e-6) << x;
  }
  for (double x : {-3.0, -0.5, 0.0, 0.7, 3.0}) {
    const Ad a(x, Eigen::Matrix<double, 1, 1>::Constant(1.0));
    EXPECT_NEAR(conduit::c1_pos(a, 1.0).derivatives()[0], (pos(x + h) - pos(x - h)) / (2 * h), 1e-6) << x;
  }
}
