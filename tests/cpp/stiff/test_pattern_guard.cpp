// The guard of Rodas4's Jacobian pattern (Rodas4::pattern_check_interval): a pattern that misses an
// entry which becomes nonzero later is widened by the full Jacobians the guard evaluates, and on the
// scenario path (simulation::stepper_jacobian_pattern + with_stepper, as run_arm and solve_prepared
// use them) the default scenario's arms give bitwise the same solution as band colouring, with no
// widening.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/prepared_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;

namespace {

/// Six states, the last one a border state (bordered, kl = ku = 1). x0 relaxes from 0 towards 1; the
/// couplings (1, 0), (1, 2) switch on when x0 passes 0.5 and (5, 4) (a border row) when it passes
/// 0.8: a pattern detected at the start (x0 = 0) misses all three.
struct SwitchingSystem {
  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double) const {
    using S = typename Vec::Scalar;
    dxdt[0] = 1.0 - x[0];
    dxdt[1] = -2.0 * x[1] + (x[0] > 0.5 ? S((x[0] - 0.5) * x[2]) : S(0.0));
    dxdt[2] = -x[2] + 0.1 * x[1] + 1.0;
    dxdt[3] = -x[3] + x[2];
    dxdt[4] = -x[4] + 0.5 * x[3];
    dxdt[5] = -x[5] + (x[0] > 0.8 ? S(0.1 * x[4]) : S(0.0));
  }
};

using State = Eigen::VectorXd;

State start_state() {
  State x(6);
  x << 0.0, 0.2, 0.3, 0.4, 0.5, 0.6;
  return x;
}

Rodas4 bordered_rodas() {
  return Rodas4{.linear_solver = LinearSolverKind::bordered,
                .lower_bandwidth = 1,
                .upper_bandwidth = 1,
                .border_size = 1,
                .autonomous = true};
}

/// Fixed steps of h from the start state; returns the states after every step.
std::vector<State> fixed_steps(const Rodas4& cfg, int n_steps, double h, Stats& st,
                               std::shared_ptr<const SparsityPattern>* final_pattern = nullptr) {
  SwitchingSystem sys;
  auto cache = cfg.make_cache<SwitchingSystem, State>(start_state());
  cache.initialize(sys, start_state(), 0.0, st);
  std::vector<State> out;
  for (int k = 1; k <= n_steps; ++k) {
    cache.attempt(sys, k * h, st);
    cache.accept(sys, st);
    out.push_back(cache.x());
  }
  if (final_pattern) *final_pattern = cache.jacobian_pattern();
  return out;
}

}  // namespace

TEST(PatternGuard, WidensAPatternThatMissesEntriesBecomingNonzeroLater) {
  SwitchingSystem sys;
  const State x0 = start_state();
  auto start = std::make_shared<const SparsityPattern>(
      detect_jacobian_pattern(sys, std::vector<State>{x0}, std::vector<double>{0.0}));
  ASSERT_FALSE(start->contains(1, 0));
  ASSERT_FALSE(start->contains(1, 2));
  ASSERT_FALSE(start->contains(5, 4));
  // ... and the entries are nonzero at the end (x0 ≈ 1 - e^-3 > 0.8).
  State x_end = x0;
  x_end[0] = 0.95;
  const Eigen::MatrixXd J_end = jacobian_ad(sys, x_end, 0.0);
  ASSERT_NE(J_end(1, 0), 0.0);
  ASSERT_NE(J_end(1, 2), 0.0);
  ASSERT_NE(J_end(5, 4), 0.0);

  for (int interval : {1, 4}) {
    Rodas4 guarded = bordered_rodas();
    guarded.jacobian_pattern = start;
    guarded.pattern_check_interval = interval;
    Stats s_band, s_pat;
    const auto band = fixed_steps(bordered_rodas(), 60, 0.05, s_band);
    std::shared_ptr<const SparsityPattern> final_pattern;
    const auto pat = fixed_steps(guarded, 60, 0.05, s_pat, &final_pattern);
    std::printf("interval %d: %ld Jacobians, %ld full checks, %ld widenings; pattern %ld -> %ld nonzeros\n", interval,
                static_cast<long>(s_pat.n_jac), static_cast<long>(s_pat.n_pattern_checks),
                static_cast<long>(s_pat.n_pattern_widenings), static_cast<long>(start->nnz()),
                static_cast<long>(final_pattern->nnz()));
    EXPECT_GE(s_pat.n_pattern_widenings, 1) << "interval " << interval;
    EXPECT_EQ(s_pat.n_jac, s_band.n_jac);
    EXPECT_EQ(s_pat.n_pattern_checks, (s_pat.n_jac - 1) / interval + 1);  // the first, then every interval-th
    EXPECT_TRUE(final_pattern->contains(1, 0) && final_pattern->contains(1, 2) && final_pattern->contains(5, 4))
        << "interval " << interval;
    EXPECT_EQ(s_band.n_pattern_checks, 0);
    EXPECT_EQ(s_band.n_pattern_widenings, 0);
    if (interval == 1) {
      // Every Jacobian evaluated in full: bitwise the band-coloured solution.
      for (std::size_t k = 0; k < band.size(); ++k)
        for (Eigen::Index i = 0; i < 6; ++i) EXPECT_EQ(pat[k][i], band[k][i]) << "step " << k << " state " << i;
    }
  }
  // The user's pattern is not changed; only the solve's copy is widened.
  EXPECT_FALSE(start->contains(1, 2));
}

TEST(PatternGuard, ChecksAfterEveryRestartAndRefusesABadInterval) {
  // A breakpoint restarts the stepper: the next Jacobian is a full one.
  SwitchingSystem sys;
  Rodas4 cfg = bordered_rodas();
  cfg.jacobian_pattern = std::make_shared<const SparsityPattern>(
      detect_jacobian_pattern(sys, std::vector<State>{start_state()}, std::vector<double>{0.0}));
  cfg.pattern_check_interval = 1000;
  const auto prob = make_problem(sys, start_state(), 0.0, 3.0, std::vector<double>{1.0, 2.0});
  const auto sol = solve(prob, cfg, StepControl{.rtol = 1e-6, .atol = 1e-9}, SaveAt{.t1 = true});
  ASSERT_TRUE(sol.ok()) << sol.message;
  EXPECT_EQ(sol.stats.n_breakpoints, 2);
  EXPECT_EQ(sol.stats.n_pattern_checks, 3);  // the start and two restarts
  EXPECT_GE(sol.stats.n_pattern_widenings, 1);
  cfg.pattern_check_interval = 0;
  EXPECT_THROW((cfg.make_cache<SwitchingSystem, State>(start_state())), InvalidArgument);
}

/// The pattern and band paths of `sc`'s stepper on every arm: bitwise-equal saved values and counts, or,
/// when the stepper's LU works on the pattern (`LinearSolverKind::pattern_lu`: with the pattern its
/// nonzeros, without one every stored entry, so another ordering and other rounding that moves the
/// adaptive step sequence), the same steps to 1 % and the same values to 5e-5 of each state's largest
/// magnitude (measured 1.4e-5 and 4.9e-6; the solve's error at rtol 1e-6 is ~1.3e-4, compare_cvode_limb).
void check_pattern_matches_band(const scenario::Scenario& sc) {
  for (const auto& a : sc.arms) {
    const simulation::PreparedArm arm = simulation::prepare_arm(sc, a.name);
    const std::vector<double> ts = simulation::prepared_arm_save_times(arm, 10.0);
    const auto prob = simulation::prepared_arm_problem(arm);
    const StepControl ctl = simulation::scenario_step_control(sc.solver);
    const auto pattern = simulation::stepper_jacobian_pattern(sc.solver.stepper, prob);
    ASSERT_NE(pattern, nullptr) << "the default scenario's stepper '" << sc.solver.stepper << "' takes no pattern";
    auto run = [&](std::shared_ptr<const SparsityPattern> p) {
      return simulation::with_stepper(
          sc.solver.stepper, *arm.limb, [&](const auto& st) { return solve(prob, st, ctl, SaveAt{.ts_s = ts}); }, p);
    };
    bool lu_on_pattern = false;
    simulation::with_stepper(sc.solver.stepper, *arm.limb, [&](const auto& st) {
      if constexpr (requires { st.linear_solver; }) lu_on_pattern = st.linear_solver == LinearSolverKind::pattern_lu;
      return 0;
    });
    const auto band = run(nullptr);
    const auto coloured = run(pattern);
    ASSERT_TRUE(band.ok()) << band.message;
    ASSERT_TRUE(coloured.ok()) << coloured.message;
    std::printf("arm %s: pattern %ld nonzeros; %ld steps, %ld Jacobians, %ld full checks, %ld widenings\n",
                arm.arm.c_str(), static_cast<long>(pattern->nnz()), static_cast<long>(coloured.stats.n_steps),
                static_cast<long>(coloured.stats.n_jac), static_cast<long>(coloured.stats.n_pattern_checks),
                static_cast<long>(coloured.stats.n_pattern_widenings));
    if (lu_on_pattern) {
      EXPECT_NEAR(static_cast<double>(coloured.stats.n_steps), static_cast<double>(band.stats.n_steps),
                  0.01 * static_cast<double>(band.stats.n_steps))
          << arm.arm;
    } else {
      EXPECT_EQ(coloured.stats.n_steps, band.stats.n_steps) << arm.arm;
      EXPECT_EQ(coloured.stats.n_rejected, band.stats.n_rejected) << arm.arm;
    }
    // Rodas evaluates J at every restart, each one a full check; a BDF keeps its J across breakpoints, and
    // checks the first J it evaluates after one (and the first of the run).
    if (sc.solver.stepper.starts_with("rodas4"))
      EXPECT_GE(coloured.stats.n_pattern_checks, 1 + coloured.stats.n_breakpoints) << arm.arm;
    else
      EXPECT_GE(coloured.stats.n_pattern_checks, 1) << arm.arm;
    EXPECT_LE(coloured.stats.n_pattern_checks, coloured.stats.n_jac) << arm.arm;
    // Measured (count_limb_jacobian scenario): the detected pattern holds every nonzero of the run.
    EXPECT_EQ(coloured.stats.n_pattern_widenings, 0) << arm.arm;
    ASSERT_EQ(coloured.x.cols(), band.x.cols());
    if (lu_on_pattern) {
      double rel = 0.0;
      for (Eigen::Index i = 0; i < band.x.rows(); ++i) {
        const double scale = band.x.row(i).cwiseAbs().maxCoeff();
        if (scale > 0.0) rel = std::max(rel, (coloured.x.row(i) - band.x.row(i)).cwiseAbs().maxCoeff() / scale);
      }
      std::printf("arm %s: LU on the pattern; band path %ld steps, largest relative difference %.3g\n", arm.arm.c_str(),
                  static_cast<long>(band.stats.n_steps), rel);
      EXPECT_LT(rel, 5e-5) << arm.arm;
    } else {
      long differ = 0;
      for (Eigen::Index k = 0; k < band.x.cols(); ++k)
        for (Eigen::Index i = 0; i < band.x.rows(); ++i) differ += coloured.x(i, k) != band.x(i, k) ? 1 : 0;
      EXPECT_EQ(differ, 0) << arm.arm << ": saved values that differ from band colouring";
    }
  }
}

TEST(PatternGuard, DefaultScenarioArmsOnTheScenarioPathMatchBandColouring) {
  // The scenario's own stepper (bdf) and the Rosenbrock one (rodas4), each with and without the pattern.
  auto sc = scenario::default_scenario();
  for (const std::string& stepper : {sc.solver.stepper, std::string("rodas4")}) {
    SCOPED_TRACE(stepper);
    sc.solver.stepper = stepper;
    check_pattern_matches_band(sc);
  }
}

TEST(PatternGuard, ShortLimbsWhoseBandIsWiderThanTheirBlockRunOnTheScenarioPath) {
  // Regression: a one- or two-segment limb's band (the limb's bandwidths) is wider than its block, so the
  // block's stored bandwidths are clamped; the pattern path refused such limbs ("the pattern was set for ...
  // kl 23 ...; got ... kl 18") before the clamp was taken into account.
  for (int n_seg : {1, 2}) {
    auto sc = scenario::default_scenario();
    sc.limb.segment_names.clear();
    sc.limb.segment_lengths_cm.clear();
    for (int i = 0; i < n_seg; ++i) {
      sc.limb.segment_names.push_back("s" + std::to_string(i));
      sc.limb.segment_lengths_cm.push_back(40.0 / n_seg);
    }
    sc.protocol.resize(3);  // rest, exercise, the first massage phase
    sc.protocol[2].duration_s = 30.0;
    for (const std::string stepper : {"rodas4", "rodas4p2"}) {
      sc.solver.stepper = stepper;
      const auto res = simulation::simulate(sc);
      for (const auto& arm : res.arms) {
        EXPECT_TRUE(arm.status == Status::success) << n_seg << " segment(s), " << stepper << ": " << arm.message;
        EXPECT_GT(arm.stats.n_pattern_checks, 0) << n_seg << " segment(s), " << stepper << ": no pattern in use";
      }
    }
  }
}
