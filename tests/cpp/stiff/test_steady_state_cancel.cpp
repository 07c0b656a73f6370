/// SteadyStateOptions::cancel (issue 17): the steady-state search reads the same flag as
/// StepControl::cancel before every Newton iteration, line-search trial and pseudo-time step, and
/// throws Cancelled (not a SolverError); an unset flag changes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#include "massagesim/solver/steady_state.hpp"

namespace ms = massagesim;
using V2 = Eigen::Matrix<double, 2, 1>;

namespace {

/// a' = −(a − 1), b' = −(b² + 1): no steady state, so every phase of the search runs to its limit;
/// the flag is set after `set_after` right-hand-side calls (AD Jacobian calls not counted).
struct NoRest {
  std::atomic<bool>* flag = nullptr;
  long set_after = -1;
  long* calls = nullptr;
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = -(x[0] - 1.0);
    dx[1] = -(x[1] * x[1] + 1.0);
    if constexpr (std::is_same_v<typename V::Scalar, double>)
      if (calls != nullptr && ++*calls == set_after && flag != nullptr) flag->store(true);
  }
};

/// Brusselator kinetics: steady state (a, b/a).
struct Brusselator {
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = 1.0 + x[0] * x[0] * x[1] - 2.5 * x[0];
    dx[1] = 1.5 * x[0] - x[0] * x[0] * x[1];
  }
};

}  // namespace

TEST(SteadyStateCancel, AFlagSetBeforeStopsTheSearchAtOnce) {
  std::atomic<bool> flag{true};
  long calls = 0;
  ms::SteadyStateOptions opt;
  opt.cancel = &flag;
  try {
    (void)ms::steady_state(NoRest{nullptr, -1, &calls}, V2(0.0, 0.0), opt);
    ADD_FAILURE() << "expected Cancelled";
  } catch (const ms::Cancelled& e) {
    EXPECT_EQ(calls, 0);
    EXPECT_NE(std::string(e.what()).find("cancelled"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("SteadyStateOptions::cancel"), std::string::npos) << e.what();
  }
}

TEST(SteadyStateCancel, AFlagSetDuringNewtonOrPseudoTransientStopsAtTheNextEvaluation) {
  // Without the flag the search does hundreds of evaluations before it gives up (NewtonFailure).
  long uncancelled = 0;
  EXPECT_THROW((void)ms::steady_state(NoRest{nullptr, -1, &uncancelled}, V2(0.0, 0.0)), ms::NewtonFailure);
  ASSERT_GT(uncancelled, 250);
  for (bool newton_first : {true, false}) {
    for (long set_after : {5L, 40L, 200L}) {
      std::atomic<bool> flag{false};
      long calls = 0;
      ms::SteadyStateOptions opt;
      opt.cancel = &flag;
      opt.newton_first = newton_first;
      try {
        (void)ms::steady_state(NoRest{&flag, set_after, &calls}, V2(0.0, 0.0), opt);
        ADD_FAILURE() << "expected Cancelled (newton_first " << newton_first << ", after " << set_after << ")";
      } catch (const ms::Cancelled&) {
        EXPECT_EQ(calls, set_after) << "newton_first " << newton_first;  // not one evaluation more
      } catch (const ms::SolverError& e) {
        ADD_FAILURE() << "expected Cancelled, got " << e.what();
      }
    }
  }
}

TEST(SteadyStateCancel, AnUnsetFlagChangesNothing) {
  std::atomic<bool> flag{false};
  ms::SteadyStateOptions with, without;
  with.cancel = &flag;
  with.newton_first = without.newton_first = false;  // the pseudo-transient path too
  const auto a = ms::steady_state(Brusselator{}, V2(2.0, 0.5), with);
  const auto b = ms::steady_state(Brusselator{}, V2(2.0, 0.5), without);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.stats.n_rhs, b.stats.n_rhs);
  EXPECT_NEAR(a.x[0], 1.0, 1e-9);
  EXPECT_NEAR(a.x[1], 1.5, 1e-9);
}
