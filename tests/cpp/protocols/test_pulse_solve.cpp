// "Nothing of a short pulse may be stepped over": 50 ms tapotement blows drive a first-order
// relaxation dx/dt = (p(t) - x) / tau. With the schedule's breakpoints an adaptive solve with a
// large dt_max matches the exact (or finely resolved) solution; without them the same solve
// steps over the blows.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "massagesim/protocols/schedule.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"

namespace ms = massagesim;
namespace mp = massagesim::protocols;

namespace {

using State = Eigen::Matrix<double, 1, 1>;
constexpr double tau_s = 1.0;

/// dx/dt = (p(t) - x) / tau with p the pressure on segment 0.
struct Relaxation {
  const mp::Schedule* schedule;
  void operator()(const State& x, State& dxdt, double t) const {
    dxdt[0] = (schedule->applied_pressure_mmHg(t, 0) - x[0]) / tau_s;
  }
};

/// Rest 0.12 s, 2.88 s of 50 ms rectangular blows at 5 Hz (60 mmHg), rest 1 s.
mp::Schedule pulse_schedule(double edge_s) {
  mp::Schedule s(mp::LimbGeometry::uniform(2, 30.0));
  s.rest(0.12)
      .massage(2.88,
               mp::TapotementParams{.pressure_mmHg = 60.0, .rate_Hz = 5.0, .pulse_width_s = 0.05, .edge_s = edge_s})
      .rest(1.0);
  return s;
}

/// Exact solution for piecewise-constant p (x(0) = 0): exponential relaxation between breakpoints.
double exact_at(const mp::Schedule& s, const std::vector<double>& bps, double t) {
  double x = 0.0, tk = 0.0;
  for (double b : bps) {
    if (b <= tk) continue;
    if (b >= t) break;
    const double p = s.applied_pressure_mmHg(tk, 0);
    x = p + (x - p) * std::exp(-(b - tk) / tau_s);
    tk = b;
  }
  const double p = s.applied_pressure_mmHg(tk, 0);
  return p + (x - p) * std::exp(-(t - tk) / tau_s);
}

ms::Solution<State> run(const mp::Schedule& s, std::vector<double> breakpoints, double dt_max_s) {
  const auto problem =
      ms::make_problem(Relaxation{&s}, State(State::Zero()), 0.0, s.duration_s(), std::move(breakpoints));
  return ms::solve(problem, ms::Dopri5{},
                   ms::StepControl{.rtol = 1e-8, .atol = 1e-8, .dt_initial_s = dt_max_s, .dt_max_s = dt_max_s},
                   ms::SaveAt{.ts_s = ms::linspace(0.0, s.duration_s(), 4001)});
}

}  // namespace

TEST(PulseSolve, BreakpointsLetALargeStepSolveMatchTheExactPiecewiseSolution) {
  const auto s = pulse_schedule(/*edge_s=*/0.0);
  const std::vector<double> bps = s.breakpoints();
  ASSERT_EQ(bps.size(), 4u + 2u * 15u - 1u);  // 0, 0.12, 3, 4 plus two edges of 15 blows (the first at 0.12)

  const auto with = run(s, bps, /*dt_max_s=*/1.0);
  ASSERT_TRUE(with.ok());
  EXPECT_GE(with.stats.n_breakpoints, 2 * 15 - 1);
  double err_with = 0.0, x_peak = 0.0;
  for (Eigen::Index k = 0; k < with.n_saved(); ++k) {
    const double ref = exact_at(s, bps, with.t_s[static_cast<std::size_t>(k)]);
    err_with = std::max(err_with, std::abs(with.x(0, k) - ref));
    x_peak = std::max(x_peak, ref);
  }
  EXPECT_GT(x_peak, 10.0);  // the blows do drive x: 15 blows x 3 mmHg*s each, relaxing with tau = 1 s
  EXPECT_LT(err_with, 1e-6);

  // Same solve without the breakpoints: the 1 s steps alias with the 0.2 s blow period and every
  // stage lands between blows, so the error estimate sees nothing and the blows are stepped over.
  const auto without = run(s, {}, /*dt_max_s=*/1.0);
  ASSERT_TRUE(without.ok());
  double err_without = 0.0;
  for (Eigen::Index k = 0; k < without.n_saved(); ++k)
    err_without =
        std::max(err_without, std::abs(without.x(0, k) - exact_at(s, bps, without.t_s[static_cast<std::size_t>(k)])));
  EXPECT_GT(err_without, 5.0) << "without breakpoints the blows should be missed (this shows what the breakpoints buy)";
  EXPECT_GT(err_without, 1e5 * err_with);
}

TEST(PulseSolve, SmoothBlowsMatchAFinelyResolvedSolve) {
  // 10 ms cosine edges: no closed form, so the reference is a solve with dt_max = 0.5 ms (ten
  // steps per edge) and tight tolerances.
  const auto s = pulse_schedule(/*edge_s=*/0.01);
  const std::vector<double> bps = s.breakpoints();
  const auto problem = ms::make_problem(Relaxation{&s}, State(State::Zero()), 0.0, s.duration_s());
  const auto ref = ms::solve(problem, ms::Dopri5{}, ms::StepControl{.rtol = 1e-11, .atol = 1e-11, .dt_max_s = 5e-4},
                             ms::SaveAt{.ts_s = ms::linspace(0.0, s.duration_s(), 4001)});
  ASSERT_TRUE(ref.ok());

  const auto with = run(s, bps, 1.0);
  const auto without = run(s, {}, 1.0);
  ASSERT_EQ(with.n_saved(), ref.n_saved());
  ASSERT_EQ(without.n_saved(), ref.n_saved());
  double err_with = 0.0, err_without = 0.0;
  for (Eigen::Index k = 0; k < ref.n_saved(); ++k) {
    err_with = std::max(err_with, std::abs(with.x(0, k) - ref.x(0, k)));
    err_without = std::max(err_without, std::abs(without.x(0, k) - ref.x(0, k)));
  }
  EXPECT_LT(err_with, 1e-5);
  EXPECT_GT(err_without, 5.0);
  EXPECT_LT(with.stats.n_rhs, ref.stats.n_rhs);  // and cheaper than brute force
}
