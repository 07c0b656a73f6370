/// SaveAt: requested times come back bit for bit, the t0 / t1 / every_step flags behave, and
/// saved values are accurate whether they come from dense output (Dopri5) or landing (Fehlberg78).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "reference_problems.hpp"

namespace ms = massagesim;
using V2 = Eigen::Vector2d;

namespace {

auto oscillator(double t1 = 10.0) { return ms::make_problem(ms::test::Oscillator{}, V2(1.0, 0.0), 0.0, t1); }
const ms::StepControl k_ctl{.rtol = 1e-10, .atol = 1e-12};

template <class Stepper>
void check_requested_times(const Stepper& stepper) {
  // Irregular times not on any natural step grid, without t0 and t1.
  std::vector<double> ts;
  for (int k = 1; k < 40; ++k) ts.push_back(10.0 * std::pow(k / 40.0, 1.5));
  const auto sol = ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.ts_s = ts});
  EXPECT_EQ(sol.t_s, ts) << Stepper::name;  // bit for bit
  ASSERT_EQ(sol.x.cols(), static_cast<Eigen::Index>(ts.size()));
  ASSERT_EQ(sol.x.rows(), 2);
  for (std::size_t k = 0; k < ts.size(); ++k)
    EXPECT_NEAR(sol.x(0, static_cast<Eigen::Index>(k)), std::cos(ts[k]), 1e-8) << Stepper::name << " t = " << ts[k];
}

template <class Stepper>
void check_flags(const Stepper& stepper) {
  const V2 x0(1.0, 0.0);
  {  // t0 and t1 flags add the end points
    const auto sol = ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.ts_s = {2.0, 3.0}, .t0 = true, .t1 = true});
    ASSERT_EQ(sol.t_s, (std::vector<double>{0.0, 2.0, 3.0, 10.0}));
    EXPECT_EQ(V2(sol.x.col(0)), x0);  // exactly the initial state
    EXPECT_EQ(V2(sol.x.col(3)), sol.x_final);
  }
  {  // end points both requested and flagged are saved once
    const auto sol =
        ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.ts_s = {0.0, 5.0, 10.0}, .t0 = true, .t1 = true});
    EXPECT_EQ(sol.t_s, (std::vector<double>{0.0, 5.0, 10.0}));
  }
  {  // nothing but the flag
    const auto sol = ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.t1 = true});
    EXPECT_EQ(sol.t_s, (std::vector<double>{10.0}));
    EXPECT_NEAR(sol.x(0, 0), std::cos(10.0), 1e-8);
    const auto s0 = ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.t0 = true});
    EXPECT_EQ(s0.t_s, (std::vector<double>{0.0}));
  }
  {  // every step: one column per accepted step, increasing, ending at t1
    const auto sol = ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.t0 = true, .every_step = true});
    EXPECT_EQ(sol.n_saved(), sol.stats.n_steps + 1);
    EXPECT_EQ(sol.t_s.front(), 0.0);
    EXPECT_EQ(sol.t_s.back(), 10.0);
    for (std::size_t k = 1; k < sol.t_s.size(); ++k) EXPECT_LT(sol.t_s[k - 1], sol.t_s[k]);
    for (Eigen::Index k = 0; k < sol.n_saved(); ++k)
      EXPECT_NEAR(sol.x(0, k), std::cos(sol.t_s[static_cast<std::size_t>(k)]), 1e-8);
  }
  {  // every step together with requested times: one increasing sequence, no duplicates
    const auto sol =
        ms::solve(oscillator(), stepper, k_ctl, ms::SaveAt{.ts_s = ms::linspace(0.0, 10.0, 11), .every_step = true});
    for (std::size_t k = 1; k < sol.t_s.size(); ++k)
      EXPECT_LT(sol.t_s[k - 1], sol.t_s[k]) << Stepper::name << " k = " << k;
    for (int k = 0; k <= 10; ++k)
      EXPECT_NE(std::find(sol.t_s.begin(), sol.t_s.end(), static_cast<double>(k)), sol.t_s.end()) << k;
  }
}

}  // namespace

TEST(SaveAt, RequestedTimesComeBackExactlyDopri5) { check_requested_times(ms::Dopri5{}); }
TEST(SaveAt, RequestedTimesComeBackExactlyFehlberg78) { check_requested_times(ms::Fehlberg78{}); }
TEST(SaveAt, FlagsDopri5) { check_flags(ms::Dopri5{}); }
TEST(SaveAt, FlagsFehlberg78) { check_flags(ms::Fehlberg78{}); }

TEST(SaveAt, SavingDoesNotChangeTheSolutionOfDopri5) {
  // Dense output must not perturb the integration: same steps, same final state bit for bit.
  const auto a = ms::solve(oscillator(), ms::Dopri5{}, k_ctl, ms::SaveAt{.t1 = true});
  const auto b = ms::solve(oscillator(), ms::Dopri5{}, k_ctl, ms::SaveAt{.ts_s = ms::linspace(0.0, 10.0, 1001)});
  EXPECT_EQ(a.stats.n_steps, b.stats.n_steps);
  EXPECT_EQ(a.x_final, b.x_final);
}

TEST(SaveAt, Linspace) {
  EXPECT_EQ(ms::linspace(0.0, 1.0, 5), (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(ms::linspace(2.0, 3.0, 1), (std::vector<double>{2.0}));
  EXPECT_TRUE(ms::linspace(0.0, 1.0, 0).empty());
  const auto v = ms::linspace(0.0, 0.3, 7);
  EXPECT_EQ(v.back(), 0.3);  // the end point exactly, not 0.30000000000000004
}
