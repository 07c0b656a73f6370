/// solve_ensemble / run_ensemble: results in index order, bitwise identical for 1, 2 and 4
/// threads, a failing member recorded without stopping the others, and argument checks.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "massagesim/solver/ensemble.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"

namespace ms = massagesim;
using V2 = Eigen::Vector2d;

namespace {

/// Van der Pol with parameter mu, plus c x^2 (c = 1 makes the solution blow up).
struct VanDerPol {
  double mu = 1.0;
  double c = 0.0;
  void operator()(const V2& x, V2& dxdt, double) const {
    dxdt[0] = x[1] + c * x[0] * x[0];
    dxdt[1] = mu * (1.0 - x[0] * x[0]) * x[1] - x[0];
  }
};

constexpr std::size_t k_bad = 37;

ms::OdeProblem<VanDerPol, V2> member(std::size_t i, bool with_bad) {
  VanDerPol sys{0.2 + 0.01 * static_cast<double>(i), (with_bad && i == k_bad) ? 1.0 : 0.0};
  return ms::make_problem(sys, V2(2.0, 0.0), 0.0, 20.0);
}

struct Out {
  V2 x_final;
  std::int64_t n_steps;
};

auto run(std::size_t n, int threads, bool with_bad) {
  return ms::solve_ensemble(
      n, [&](std::size_t i) { return member(i, with_bad); },
      [](const ms::OdeProblem<VanDerPol, V2>& p) {
        // Member k_bad blows up and turns stiff on the way (TooManySteps); the cap keeps that quick.
        const auto sol = ms::solve(p, ms::Dopri5{}, ms::StepControl{.rtol = 1e-8, .atol = 1e-10, .max_steps = 20000});
        return Out{sol.x_final, sol.stats.n_steps};
      },
      threads);
}

}  // namespace

TEST(Ensemble, ResultsAreBitwiseIdenticalWhateverTheThreadCount) {
  const auto r1 = run(200, 1, false);
  ASSERT_EQ(r1.size(), 200u);
  EXPECT_TRUE(r1.all_ok());
  // Index order: run i is member i (checked against a direct solve for a few).
  for (std::size_t i : {0u, 99u, 199u}) {
    const auto direct =
        ms::solve(member(i, false), ms::Dopri5{}, ms::StepControl{.rtol = 1e-8, .atol = 1e-10, .max_steps = 20000});
    EXPECT_EQ(r1.output(i).x_final, direct.x_final) << i;
  }
  // The runs differ from each other (a sweep that returned one result for all would pass otherwise).
  EXPECT_NE(r1.output(0).x_final, r1.output(1).x_final);
  for (int threads : {2, 4, 0}) {
    const auto rk = run(200, threads, false);
    ASSERT_EQ(rk.size(), 200u);
    for (std::size_t i = 0; i < 200; ++i) {
      ASSERT_TRUE(rk.runs[i].ok()) << rk.runs[i].error;
      EXPECT_EQ(rk.output(i).x_final, r1.output(i).x_final) << "run " << i << " with " << threads << " threads";
      EXPECT_EQ(rk.output(i).n_steps, r1.output(i).n_steps);
    }
  }
}

TEST(Ensemble, FailingMemberIsRecordedAndTheOthersFinish) {
  for (int threads : {1, 2, 4}) {
    const auto r = run(200, threads, true);
    EXPECT_EQ(r.n_failed(), 1u);
    EXPECT_FALSE(r.runs[k_bad].ok());
    EXPECT_FALSE(r.runs[k_bad].error.empty());
    EXPECT_THROW((void)r.output(k_bad), ms::SolverError);  // the original exception type is kept
    for (std::size_t i = 0; i < 200; ++i) {
      if (i != k_bad) {
        EXPECT_TRUE(r.runs[i].ok()) << i << ": " << r.runs[i].error;
      }
    }
    if (threads == 1) std::cout << "[ensemble] member " << k_bad << " failed with: " << r.runs[k_bad].error << "\n";
  }
}

TEST(Ensemble, MessagesAndNonStandardExceptionsAreKept) {
  const auto r = ms::run_ensemble(
      5,
      [](std::size_t i) -> int {
        if (i == 1) throw std::runtime_error("member one: bad parameter");
        if (i == 3) throw 42;
        return static_cast<int>(i * i);
      },
      2);
  EXPECT_EQ(r.n_failed(), 2u);
  EXPECT_EQ(r.runs[1].error, "member one: bad parameter");
  EXPECT_NE(r.runs[3].error.find("unknown exception"), std::string::npos);
  EXPECT_EQ(r.output(4), 16);
  EXPECT_THROW((void)r.output(1), std::runtime_error);
}

TEST(Ensemble, EveryIndexRunsExactlyOnce) {
  std::vector<std::atomic<int>> calls(1000);
  const auto r = ms::run_ensemble(
      1000,
      [&](std::size_t i) {
        calls[i].fetch_add(1);
        return i;
      },
      4);
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(calls[i].load(), 1) << i;
    EXPECT_EQ(r.output(i), i);
  }
}

TEST(Ensemble, ArgumentChecks) {
  try {
    (void)ms::run_ensemble(
        3, [](std::size_t i) { return i; }, -1);
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("n_threads"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ms::run_ensemble(
                0, [](std::size_t i) { return i; }, 4)
                .size(),
            0u);
  EXPECT_EQ(ms::ensemble_thread_count(8, 3), 3u);  // never more threads than runs
  EXPECT_GE(ms::ensemble_thread_count(0, 100), 1u);
}
