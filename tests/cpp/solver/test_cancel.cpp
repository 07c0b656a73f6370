/// StepControl::cancel (issue 17): a flag set by another thread stops the solve at its next step
/// with Status::cancelled / Cancelled; an unset flag changes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace ms = massagesim;
using V2 = Eigen::Matrix<double, 2, 1>;

namespace {

/// Harmonic oscillator x'' = -x; optionally sets `flag` after `set_after` right-hand side calls.
struct Oscillator {
  std::atomic<bool>* flag = nullptr;
  long set_after = -1;
  long* calls = nullptr;
  void operator()(const V2& x, V2& dxdt, double) const {
    dxdt[0] = x[1];
    dxdt[1] = -x[0];
    if (calls != nullptr && ++*calls == set_after && flag != nullptr) flag->store(true);
  }
};

ms::OdeProblem<Oscillator, V2> oscillator(double t1_s, Oscillator sys = {}) {
  return ms::OdeProblem<Oscillator, V2>{sys, V2(1.0, 0.0), 0.0, t1_s, {}, {"position_m", "velocity_m_per_s"}};
}

}  // namespace

TEST(Cancel, IsNotASolverError) {
  // Code that retries a failed solve with other settings catches SolverError: it must not retry a cancel.
  static_assert(!std::is_base_of_v<ms::SolverError, ms::Cancelled>);
  static_assert(std::is_base_of_v<std::runtime_error, ms::Cancelled>);
  EXPECT_STREQ(ms::to_string(ms::Status::cancelled), "cancelled");
}

TEST(Cancel, AFlagSetBeforeTheSolveStopsItAtTheStart) {
  std::atomic<bool> flag{true};
  ms::StepControl ctl{.cancel = &flag};
  try {
    (void)ms::solve(oscillator(10.0), ms::Dopri5{}, ctl);
    ADD_FAILURE() << "expected Cancelled";
  } catch (const ms::Cancelled& e) {
    EXPECT_EQ(e.t_s(), 0.0);
    EXPECT_NE(std::string(e.what()).find("cancelled at t = 0 s"), std::string::npos) << e.what();
  }
  ctl.throw_on_failure = false;
  const auto sol = ms::solve(oscillator(10.0), ms::Dopri5{}, ctl);
  EXPECT_EQ(sol.status, ms::Status::cancelled);
  EXPECT_FALSE(sol.ok());
  EXPECT_EQ(sol.stats.n_steps, 0);
  EXPECT_EQ(sol.t_final_s, 0.0);
  EXPECT_EQ(sol.x_final, V2(1.0, 0.0));
}

TEST(Cancel, AFlagSetMidwayStopsAtTheNextStepWithTheStateReached) {
  for (int stepper = 0; stepper < 2; ++stepper) {
    std::atomic<bool> flag{false};
    long calls = 0;
    const long set_after = 600;
    auto prob = oscillator(1e4, Oscillator{&flag, set_after, &calls});
    ms::StepControl ctl{.rtol = 1e-8, .atol = 1e-10, .throw_on_failure = false, .cancel = &flag};
    const auto sol = stepper == 0 ? ms::solve(prob, ms::Dopri5{}, ctl) : ms::solve(prob, ms::Fehlberg78{}, ctl);
    ASSERT_EQ(sol.status, ms::Status::cancelled) << sol.message;
    EXPECT_GT(sol.t_final_s, 0.0);
    EXPECT_LT(sol.t_final_s, 1e4);
    // Stopped within one step of the flag: no more right-hand side calls than one attempt takes (13 stages).
    EXPECT_LE(calls, set_after + 13);
    // The state returned is the accepted state at t_final (the oscillator's exact solution, to the tolerance).
    EXPECT_NEAR(sol.x_final[0], std::cos(sol.t_final_s), 1e-4);
    EXPECT_NE(sol.message.find("StepControl::cancel"), std::string::npos) << sol.message;
  }
}

TEST(Cancel, AnotherThreadStopsALongSolve) {
  // About 10^9 steps' worth of oscillations: only the flag ends this solve in a test's lifetime.
  std::atomic<bool> flag{false};
  ms::StepControl ctl{.rtol = 1e-10, .atol = 1e-12, .max_steps = 4'000'000'000, .cancel = &flag};
  std::string what;
  double t_stop = -1.0;
  std::atomic<bool> started{false};
  long calls = 0;
  std::thread worker([&] {
    try {
      (void)ms::solve(oscillator(1e9, Oscillator{&started, 1, &calls}), ms::Dopri5{}, ctl);
    } catch (const ms::Cancelled& e) {
      what = e.what();
      t_stop = e.t_s();
    }
  });
  while (!started.load()) std::this_thread::yield();
  flag.store(true);
  worker.join();  // returns only if the solve stopped
  EXPECT_NE(what.find("cancelled"), std::string::npos) << what;
  EXPECT_GE(t_stop, 0.0);
  EXPECT_LT(t_stop, 1e9);
}

TEST(Cancel, AnUnsetFlagChangesNothing) {
  std::atomic<bool> flag{false};
  const ms::SaveAt save{.ts_s = {1.0, 2.0, 5.0}};
  const auto a = ms::solve(oscillator(5.0), ms::Dopri5{}, ms::StepControl{}, save);
  const auto b = ms::solve(oscillator(5.0), ms::Dopri5{}, ms::StepControl{.cancel = &flag}, save);
  EXPECT_EQ(b.status, ms::Status::success);
  EXPECT_EQ(a.stats.n_steps, b.stats.n_steps);
  EXPECT_EQ(a.stats.n_rhs, b.stats.n_rhs);
  EXPECT_EQ(a.x, b.x);  // bitwise
}
