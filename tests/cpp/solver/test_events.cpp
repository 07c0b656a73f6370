/// State events: located times agree with exact roots to the event tolerance, directions filter
/// sign changes, terminal events end the solve, and several events in one step come out in time order.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numbers>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "reference_problems.hpp"

namespace ms = massagesim;
using V1 = Eigen::Matrix<double, 1, 1>;
using V2 = Eigen::Vector2d;
constexpr double pi = std::numbers::pi;

namespace {

/// x = cos t from (1, 0): zeros at pi/2 (falling), 3 pi/2 (rising), 5 pi/2 (falling) in [0, 10].
auto oscillator() { return ms::make_problem(ms::test::Oscillator{}, V2(1.0, 0.0), 0.0, 10.0); }

ms::Event<V2> zero_of_x(ms::EventDirection dir, bool terminal, double tol) {
  return ms::Event<V2>{[](double, const V2& x) { return x[0]; }, dir, terminal, tol, "x = 0"};
}

const ms::StepControl k_tight{.rtol = 1e-12, .atol = 1e-12};

/// x' = 1 from 0 (x = t) with one fixed step of 1 s per unit: several events fall in one step.
struct Unit {
  void operator()(const V1&, V1& dxdt, double) const { dxdt[0] = 1.0; }
};
ms::Event<V1> crossing(double level, bool terminal, const char* name) {
  return ms::Event<V1>{[level](double, const V1& x) { return x[0] - level; }, ms::EventDirection::both, terminal, 1e-12,
                       name};
}

}  // namespace

TEST(Events, BothDirectionsNonTerminalAtExactRoots) {
  const double tol = 1e-8;
  const std::vector<ms::Event<V2>> ev{zero_of_x(ms::EventDirection::both, false, tol)};
  const auto sol = ms::solve(oscillator(), ms::Dopri5{}, k_tight, ms::SaveAt{.t1 = true}, ev);
  EXPECT_EQ(sol.status, ms::Status::success);
  ASSERT_EQ(sol.events.size(), 3u);
  const double roots[] = {pi / 2, 3 * pi / 2, 5 * pi / 2};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(sol.events[k].index, 0);
    EXPECT_NEAR(sol.events[k].t_s, roots[k], tol) << "event " << k;
    EXPECT_NEAR(sol.events[k].x[0], 0.0, 10 * tol);  // the state at the hit, from dense output
  }
  EXPECT_EQ(sol.t_final_s, 10.0);  // non-terminal: the solve goes on
}

TEST(Events, LooseEventToleranceIsStillMet) {
  for (double tol : {1e-2, 1e-4, 1e-6}) {
    const std::vector<ms::Event<V2>> ev{zero_of_x(ms::EventDirection::both, false, tol)};
    const auto sol = ms::solve(oscillator(), ms::Dopri5{}, k_tight, ms::SaveAt{.t1 = true}, ev);
    ASSERT_EQ(sol.events.size(), 3u);
    EXPECT_NEAR(sol.events[0].t_s, pi / 2, tol);
    EXPECT_NEAR(sol.events[1].t_s, 3 * pi / 2, tol);
    EXPECT_NEAR(sol.events[2].t_s, 5 * pi / 2, tol);
  }
}

TEST(Events, DirectionFilters) {
  const double tol = 1e-8;
  const std::vector<ms::Event<V2>> rising{zero_of_x(ms::EventDirection::rising, false, tol)};
  const auto r = ms::solve(oscillator(), ms::Dopri5{}, k_tight, ms::SaveAt{.t1 = true}, rising);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_NEAR(r.events[0].t_s, 3 * pi / 2, tol);

  const std::vector<ms::Event<V2>> falling{zero_of_x(ms::EventDirection::falling, false, tol)};
  const auto f = ms::solve(oscillator(), ms::Dopri5{}, k_tight, ms::SaveAt{.t1 = true}, falling);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_NEAR(f.events[0].t_s, pi / 2, tol);
  EXPECT_NEAR(f.events[1].t_s, 5 * pi / 2, tol);
}

TEST(Events, TerminalEventEndsTheSolveThere) {
  const double tol = 1e-9;
  const std::vector<ms::Event<V2>> ev{zero_of_x(ms::EventDirection::rising, true, tol)};
  const auto sol =
      ms::solve(oscillator(), ms::Dopri5{}, k_tight, ms::SaveAt{.ts_s = ms::linspace(0.0, 10.0, 11), .t1 = true}, ev);
  EXPECT_EQ(sol.status, ms::Status::terminated_by_event);
  EXPECT_TRUE(sol.ok());
  EXPECT_NE(sol.message.find("x = 0"), std::string::npos) << sol.message;
  ASSERT_EQ(sol.events.size(), 1u);
  EXPECT_NEAR(sol.events[0].t_s, 3 * pi / 2, tol);
  EXPECT_EQ(sol.t_final_s, sol.events[0].t_s);
  EXPECT_NEAR(sol.x_final[0], 0.0, 1e-8);
  EXPECT_NEAR(sol.x_final[1], 1.0, 1e-8);  // x' = -sin(3 pi / 2) = 1
  // Saved: 0, 1, ..., 4 from ts_s, then the end point; nothing after the event.
  ASSERT_EQ(sol.n_saved(), 6);
  EXPECT_EQ(sol.t_s.back(), sol.t_final_s);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(sol.t_s[static_cast<std::size_t>(k)], static_cast<double>(k));
}

TEST(Events, Fehlberg78LocatesEventsOnItsHermiteInterpolant) {
  // Fehlberg78's dense output is cubic Hermite: event times are only as good as that (O(h^4)
  // locally); the located root must still be within the interpolant's accuracy.
  const std::vector<ms::Event<V2>> ev{zero_of_x(ms::EventDirection::both, false, 1e-10)};
  const auto sol = ms::solve(oscillator(), ms::Fehlberg78{}, k_tight, ms::SaveAt{.t1 = true}, ev);
  ASSERT_EQ(sol.events.size(), 3u);
  double worst = 0.0;
  const double roots[] = {pi / 2, 3 * pi / 2, 5 * pi / 2};
  for (std::size_t k = 0; k < 3; ++k) worst = std::max(worst, std::abs(sol.events[k].t_s - roots[k]));
  std::cout << "[events] Fehlberg78 worst event-time error at rtol 1e-12: " << worst << " s (" << sol.stats.n_steps
            << " steps)\n";
  EXPECT_LT(worst, 1e-6);
}

TEST(Events, TwoEventsInOneStepComeOutInTimeOrder) {
  // One fixed step [0, 1] crosses 0.6 (event 0) and 0.3 (event 1).
  const auto p = ms::make_problem(Unit{}, V1(0.0), 0.0, 2.0);
  const ms::StepControl one_step{.dt_initial_s = 1.0, .adaptive = false};
  {
    const std::vector<ms::Event<V1>> ev{crossing(0.6, false, "late"), crossing(0.3, false, "early")};
    const auto sol = ms::solve(p, ms::Dopri5{}, one_step, ms::SaveAt{.t1 = true}, ev);
    ASSERT_EQ(sol.events.size(), 2u);
    EXPECT_EQ(sol.events[0].index, 1);
    EXPECT_NEAR(sol.events[0].t_s, 0.3, 1e-12);
    EXPECT_EQ(sol.events[1].index, 0);
    EXPECT_NEAR(sol.events[1].t_s, 0.6, 1e-12);
    EXPECT_EQ(sol.status, ms::Status::success);
  }
  {  // both terminal: the earlier one wins, the later is dropped
    const std::vector<ms::Event<V1>> ev{crossing(0.6, true, "late"), crossing(0.3, true, "early")};
    const auto sol = ms::solve(p, ms::Dopri5{}, one_step, ms::SaveAt{.t1 = true}, ev);
    ASSERT_EQ(sol.events.size(), 1u);
    EXPECT_EQ(sol.events[0].index, 1);
    EXPECT_NEAR(sol.t_final_s, 0.3, 1e-12);
    EXPECT_NE(sol.message.find("early"), std::string::npos) << sol.message;
  }
  {  // the later one is terminal: the earlier non-terminal one is kept
    const std::vector<ms::Event<V1>> ev{crossing(0.6, true, "late"), crossing(0.3, false, "early")};
    const auto sol = ms::solve(p, ms::Fehlberg78{}, one_step, ms::SaveAt{.t1 = true}, ev);
    ASSERT_EQ(sol.events.size(), 2u);
    EXPECT_EQ(sol.events[0].index, 1);
    EXPECT_EQ(sol.events[1].index, 0);
    EXPECT_NEAR(sol.t_final_s, 0.6, 1e-12);
    EXPECT_NEAR(sol.x_final[0], 0.6, 1e-12);
  }
  {  // the earlier one is terminal: the later one never happens
    const std::vector<ms::Event<V1>> ev{crossing(0.6, false, "late"), crossing(0.3, true, "early")};
    const auto sol = ms::solve(p, ms::Dopri5{}, one_step, ms::SaveAt{.t1 = true}, ev);
    ASSERT_EQ(sol.events.size(), 1u);
    EXPECT_EQ(sol.events[0].index, 1);
    EXPECT_NEAR(sol.t_final_s, 0.3, 1e-12);
  }
}

TEST(Events, EmptyConditionIsRejected) {
  const std::vector<ms::Event<V2>> ev{ms::Event<V2>{.name = "nothing"}};
  try {
    (void)ms::solve(oscillator(), ms::Dopri5{}, {}, ms::SaveAt{.t1 = true}, ev);
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("'nothing'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }
}
