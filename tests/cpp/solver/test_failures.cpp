/// Every failure path raises its type with a message that says what went wrong (checked by
/// substring), and `throw_on_failure = false` turns the same failures into a status and message.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "reference_problems.hpp"

namespace ms = massagesim;
using V1 = Eigen::Matrix<double, 1, 1>;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

namespace {

/// x' = x^2 from x(0) = 1: x = 1 / (1 - t) blows up at t = 1.
struct BlowUp {
  void operator()(const V1& x, V1& dxdt, double) const { dxdt[0] = x[0] * x[0]; }
};
/// x' = -x, but f is NaN from t_bad on.
struct NanAfter {
  double t_bad = 0.5;
  void operator()(const V1& x, V1& dxdt, double t) const { dxdt[0] = t >= t_bad ? nan_v : -x[0]; }
};
/// x' = -1 from 1: x crosses 0 (its domain's edge) at t = 1.
struct Drain {
  void operator()(const V1&, V1& dxdt, double) const { dxdt[0] = -1.0; }
};

std::string contains_msg(const std::string& what, const char* needle) {
  return "message '" + what + "' should contain '" + needle + "'";
}

#define EXPECT_THROW_WITH(stmt, Type, ...)                                                                  \
  do {                                                                                                      \
    try {                                                                                                   \
      (void)(stmt);                                                                                         \
      ADD_FAILURE() << "expected " #Type;                                                                   \
    } catch (const Type& e) {                                                                               \
      for (const char* needle : {__VA_ARGS__})                                                              \
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << contains_msg(e.what(), needle); \
    }                                                                                                       \
  } while (false)

ms::OdeProblem<BlowUp, V1> blow_up_problem() {
  return ms::OdeProblem<BlowUp, V1>{BlowUp{}, V1(1.0), 0.0, 2.0, {}, {"swelling_mL"}};
}
ms::OdeProblem<NanAfter, V1> nan_problem(double t_bad) {
  return ms::OdeProblem<NanAfter, V1>{NanAfter{t_bad}, V1(1.0), 0.0, 2.0, {}, {"lactate_mM"}};
}
ms::OdeProblem<Drain, V1> drain_problem() {
  ms::OdeProblem<Drain, V1> p{Drain{}, V1(1.0), 0.0, 2.0, {}, {"volume_mL"}};
  p.domain_violation = [](const V1& x) { return x[0] < 0.0 ? 0 : -1; };
  return p;
}
auto decay() { return ms::make_problem(ms::test::Decay{}, V1(1.0), 0.0, 1.0); }

}  // namespace

TEST(Failures, BlowUpIsStepSizeUnderflowNamingTheState) {
  for (bool dopri : {true, false}) {
    try {
      if (dopri)
        (void)ms::solve(blow_up_problem(), ms::Dopri5{});
      else
        (void)ms::solve(blow_up_problem(), ms::Fehlberg78{});
      ADD_FAILURE() << "expected StepSizeUnderflow";
    } catch (const ms::StepSizeUnderflow& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("step size underflow"), std::string::npos) << what;
      EXPECT_NE(what.find("'swelling_mL'"), std::string::npos) << what;
      EXPECT_NE(what.find("discontinuities_s"), std::string::npos) << what;  // the hint
      EXPECT_EQ(e.state_name(), "swelling_mL");
      EXPECT_NEAR(e.t_s(), 1.0, 1e-3);  // the blow-up time
      EXPECT_GT(e.dt_s(), 0.0);
    }
  }
}

TEST(Failures, TooManySteps) {
  const auto p = ms::make_problem(ms::test::Oscillator{}, Eigen::Vector2d(1.0, 0.0), 0.0, 1000.0);
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.max_steps = 20}), ms::TooManySteps, "too many steps",
                    "max_steps = 20", "[0, 1000]");
  EXPECT_THROW_WITH(ms::solve(p, ms::Fehlberg78{}, ms::StepControl{.max_steps = 5}), ms::TooManySteps, "max_steps = 5");
}

TEST(Failures, TooManyStepsNamesSaveTimesWhenTheyCapTheStep) {
  // Fehlberg78 lands on every save time: 2000 save times in [0, 1000] cut nearly every step short.
  const auto p = ms::make_problem(ms::test::Oscillator{}, Eigen::Vector2d(1.0, 0.0), 0.0, 1000.0);
  EXPECT_THROW_WITH(ms::solve(p, ms::Fehlberg78{}, ms::StepControl{.rtol = 1e-4, .atol = 1e-6, .max_steps = 500},
                              ms::SaveAt{.ts_s = ms::linspace(0.0, 1000.0, 2000)}),
                    ms::TooManySteps, "cut short to land on save times", "2000 requested", "Dop853");
  // Dopri5 serves the same save times from dense output: the cause named is the error estimate.
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.rtol = 1e-10, .atol = 1e-12, .max_steps = 500},
                              ms::SaveAt{.ts_s = ms::linspace(0.0, 1000.0, 2000)}),
                    ms::TooManySteps, "limited by the error estimate", "stiff");
}

TEST(Failures, NanAfterSomeTimeIsNonFiniteState) {
  try {
    (void)ms::solve(nan_problem(0.5), ms::Dopri5{});
    FAIL() << "expected NonFiniteState";
  } catch (const ms::NonFiniteState& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("non-finite state"), std::string::npos) << what;
    EXPECT_NE(what.find("'lactate_mM'"), std::string::npos) << what;
    EXPECT_EQ(e.state_name(), "lactate_mM");
    EXPECT_LE(e.t_s(), 0.5);
    EXPECT_GT(e.t_s(), 0.5 - 1e-6);  // the solve got as close to the bad region as it could
  }
  EXPECT_THROW_WITH(ms::solve(nan_problem(0.5), ms::Fehlberg78{}), ms::NonFiniteState, "lactate_mM");
}

TEST(Failures, NanAtTheInitialPoint) {
  EXPECT_THROW_WITH(ms::solve(nan_problem(0.0), ms::Dopri5{}), ms::NonFiniteState, "initial point", "lactate_mM");
  // A non-finite initial state is bad input, not an integration failure.
  auto p = nan_problem(5.0);
  p.x0[0] = nan_v;
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}), ms::InvalidArgument, "initial state", "lactate_mM");
}

TEST(Failures, NanRightAfterADiscontinuity) {
  auto p = nan_problem(1.0);
  p.discontinuities_s = {1.0};
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}), ms::NonFiniteState, "after the discontinuity", "lactate_mM");
}

TEST(Failures, DomainViolationIsOutOfDomain) {
  try {
    (void)ms::solve(drain_problem(), ms::Dopri5{});
    FAIL() << "expected OutOfDomain";
  } catch (const ms::OutOfDomain& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'volume_mL' leaves its domain"), std::string::npos) << what;
    EXPECT_EQ(e.state_name(), "volume_mL");
    EXPECT_NEAR(e.t_s(), 1.0, 1e-6);
  }
  EXPECT_THROW_WITH(ms::solve(drain_problem(), ms::Fehlberg78{}), ms::OutOfDomain, "volume_mL");
}

TEST(Failures, InvalidTolerances) {
  const auto p = decay();
  for (double rtol : {0.0, -1e-6, 1.0, 2.0, nan_v})
    EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.rtol = rtol}), ms::InvalidArgument, "tolerance rtol",
                      "expected > 0 and < 1");
  for (double atol : {0.0, -1.0, nan_v, std::numeric_limits<double>::infinity()})
    EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.atol = atol}), ms::InvalidArgument, "tolerance atol");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.atol_per_state = Eigen::VectorXd::Constant(3, 1e-8)}),
                    ms::InvalidArgument, "atol_per_state", "expected 1 entries", "got 3");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.atol_per_state = Eigen::VectorXd::Constant(1, -1.0)}),
                    ms::InvalidArgument, "atol_per_state", "> 0");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.adaptive = false}), ms::InvalidArgument,
                    "dt_initial_s");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.dt_max_s = 0.0}), ms::InvalidArgument, "dt_max_s");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, ms::StepControl{.max_steps = 0}), ms::InvalidArgument, "max_steps");
}

TEST(Failures, InvalidTimeSpans) {
  for (auto [t0, t1] : {std::pair{1.0, 1.0}, std::pair{1.0, 0.0}})
    EXPECT_THROW_WITH(ms::solve(ms::make_problem(ms::test::Decay{}, V1(1.0), t0, t1), ms::Dopri5{}),
                      ms::InvalidArgument, "time span", "t1_s > t0_s");
  for (auto [t0, t1] :
       {std::pair{nan_v, 1.0}, std::pair{0.0, nan_v}, std::pair{0.0, std::numeric_limits<double>::infinity()}})
    EXPECT_THROW_WITH(ms::solve(ms::make_problem(ms::test::Decay{}, V1(1.0), t0, t1), ms::Dopri5{}),
                      ms::InvalidArgument, "time span", "finite");
}

TEST(Failures, InvalidSaveAt) {
  const auto p = decay();
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{}), ms::InvalidArgument, "nothing would be saved");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.ts_s = {0.1, 0.5, 0.3}}), ms::InvalidArgument, "ts_s[2]",
                    "strictly increasing");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.ts_s = {0.1, 0.1}}), ms::InvalidArgument,
                    "strictly increasing");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.ts_s = {0.5, 1.5}}), ms::InvalidArgument, "ts_s[1]",
                    "inside the span");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.ts_s = {-0.1}}), ms::InvalidArgument, "inside the span");
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.ts_s = {nan_v}}), ms::InvalidArgument,
                    "inside the span");
}

TEST(Failures, InvalidStateNames) {
  auto p = decay();
  p.state_names = {"a", "b"};
  EXPECT_THROW_WITH(ms::solve(p, ms::Dopri5{}), ms::InvalidArgument, "state_names", "expected 1 names");
}

TEST(Failures, NoThrowReturnsStatusAndMessage) {
  const ms::SaveAt save{.ts_s = {0.25}, .t1 = true};
  {
    const auto sol = ms::solve(blow_up_problem(), ms::Dopri5{}, ms::StepControl{.throw_on_failure = false}, save);
    EXPECT_EQ(sol.status, ms::Status::step_size_underflow);
    EXPECT_FALSE(sol.ok());
    EXPECT_NE(sol.message.find("swelling_mL"), std::string::npos) << sol.message;
    EXPECT_NEAR(sol.t_final_s, 1.0, 1e-3);
    EXPECT_GT(sol.x_final[0], 1e3);  // the state where it stopped, near the blow-up
    ASSERT_EQ(sol.n_saved(), 1);     // what was saved before the failure is kept
    EXPECT_NEAR(sol.x(0, 0), 1.0 / 0.75, 1e-6);
  }
  {
    const auto p = ms::make_problem(ms::test::Oscillator{}, Eigen::Vector2d(1.0, 0.0), 0.0, 1000.0);
    const auto sol = ms::solve(p, ms::Dopri5{}, ms::StepControl{.max_steps = 20, .throw_on_failure = false});
    EXPECT_EQ(sol.status, ms::Status::too_many_steps);
    EXPECT_NE(sol.message.find("max_steps = 20"), std::string::npos) << sol.message;
    EXPECT_EQ(sol.stats.n_steps + sol.stats.n_rejected, 20);
  }
  {
    const auto sol = ms::solve(nan_problem(0.5), ms::Fehlberg78{}, ms::StepControl{.throw_on_failure = false}, save);
    EXPECT_EQ(sol.status, ms::Status::non_finite_state);
    EXPECT_NE(sol.message.find("lactate_mM"), std::string::npos) << sol.message;
    EXPECT_NEAR(sol.x(0, 0), std::exp(-0.25), 1e-6);
  }
  {
    const auto sol = ms::solve(nan_problem(0.0), ms::Dopri5{}, ms::StepControl{.throw_on_failure = false}, save);
    EXPECT_EQ(sol.status, ms::Status::non_finite_state);
    EXPECT_EQ(sol.t_final_s, 0.0);
  }
  {
    const auto sol = ms::solve(drain_problem(), ms::Dopri5{}, ms::StepControl{.throw_on_failure = false}, save);
    EXPECT_EQ(sol.status, ms::Status::out_of_domain);
    EXPECT_NE(sol.message.find("volume_mL"), std::string::npos) << sol.message;
    EXPECT_GE(sol.x_final[0], 0.0);  // the last accepted state is inside the domain
  }
  // Bad input still throws: it is a programming error, not an integration failure.
  EXPECT_THROW(ms::solve(decay(), ms::Dopri5{}, ms::StepControl{.rtol = 0.0, .throw_on_failure = false}),
               ms::InvalidArgument);
}
