#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "massagesim/solver/steady_state.hpp"

namespace ms = massagesim;

namespace {
/// Brusselator kinetics (no diffusion): steady state (A, B/A), stable for B < 1 + A².
struct Brusselator {
  double a = 1.0, b = 1.5;
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = a + x[0] * x[0] * x[1] - (b + 1.0) * x[0];
    dx[1] = b * x[0] - x[0] * x[0] * x[1];
  }
};

/// x' = −(x³ − 3x + 3): one real root x* ≈ −2.1038 (stable), and |f| has a local minimum
/// |f(1)| = 1 with f'(1) = 0. Newton from x0 = 1.5 walks into that minimum and stalls; the
/// dynamics (f < 0 for x > x*) carry pseudo-transient continuation to x*.
struct CubicTrap {
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = -(x[0] * x[0] * x[0] - 3.0 * x[0] + 3.0);
  }
};

/// No steady state at all in the second state: b' = −(b² + 1) < 0.
struct NoSteadyState {
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = -(x[0] - 1.0);
    dx[1] = -(x[1] * x[1] + 1.0);
  }
};
}  // namespace

TEST(SteadyState, NewtonFindsNonlinearSteadyState) {
  const Brusselator sys;
  const auto r = ms::steady_state(sys, Eigen::Vector2d(1.6, 2.4), ms::SteadyStateOptions{.residual_tol = 1e-12});
  EXPECT_LE(r.residual_norm, 1e-12);
  EXPECT_FALSE(r.used_pseudo_transient);
  EXPECT_NEAR(r.x[0], sys.a, 1e-10);
  EXPECT_NEAR(r.x[1], sys.b / sys.a, 1e-10);
  // Check the residual independently of the solver's own report.
  Eigen::Vector2d f;
  Brusselator{}(r.x, f, 0.0);
  EXPECT_LE(f.cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LE(r.newton_iterations, 10);  // quadratic convergence
}

TEST(SteadyState, FiniteDifferenceJacobianAlsoConverges) {
  const auto r = ms::steady_state(Brusselator{}, Eigen::Vector2d(1.6, 2.4),
                                  ms::SteadyStateOptions{.jacobian = ms::JacobianKind::finite_difference});
  EXPECT_LE(r.residual_norm, 1e-10);
}

TEST(SteadyState, PseudoTransientRescuesStalledNewton) {
  using V1 = Eigen::Matrix<double, 1, 1>;
  // Newton alone fails from x0 = 1.5 ...
  EXPECT_THROW(ms::steady_state(CubicTrap{}, V1(1.5), ms::SteadyStateOptions{.allow_pseudo_transient = false}),
               ms::NewtonFailure);
  // ... pseudo-transient continuation follows the flow to the stable root.
  const auto r = ms::steady_state(CubicTrap{}, V1(1.5));
  EXPECT_TRUE(r.used_pseudo_transient);
  EXPECT_GT(r.pseudo_transient_steps, 0);
  EXPECT_LE(r.residual_norm, 1e-10);
  V1 f;
  CubicTrap{}(r.x, f, 0.0);
  EXPECT_LE(std::abs(f[0]), 1e-10);
  EXPECT_LT(r.x[0], -2.0);  // the only real root lies below −2
}

TEST(SteadyState, BothFailRaiseNewtonFailureNamingTheState) {
  const ms::SteadyStateOptions opt{.max_pseudo_transient_steps = 200, .state_names = {"a_mmol_per_L", "b_mmol_per_L"}};
  try {
    ms::steady_state(NoSteadyState{}, Eigen::Vector2d(0.0, 0.5), opt);
    FAIL() << "expected NewtonFailure";
  } catch (const ms::NewtonFailure& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("steady state not found"), std::string::npos) << m;
    EXPECT_NE(m.find("pseudo-transient continuation stopped"), std::string::npos) << m;
    EXPECT_NE(m.find("b_mmol_per_L"), std::string::npos) << m;
    EXPECT_EQ(e.state_name(), "b_mmol_per_L");
  }
}

TEST(SteadyState, ValidatesOptions) {
  auto expect_invalid = [](const ms::SteadyStateOptions& o, const char* field) {
    try {
      ms::steady_state(Brusselator{}, Eigen::Vector2d(1.0, 1.0), o);
      FAIL() << "expected InvalidArgument for " << field;
    } catch (const ms::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  expect_invalid({.residual_tol = 0.0}, "residual_tol");
  expect_invalid({.residual_tol = -1e-8}, "residual_tol");
  expect_invalid({.max_newton_iterations = 0}, "max_newton_iterations");
  expect_invalid({.max_pseudo_transient_steps = 0}, "max_pseudo_transient_steps");
  expect_invalid({.state_names = {"only_one"}}, "state_names");
  // The linear-solver options are validated by ShiftedSystemOptions and named as this struct's fields.
  expect_invalid({.border_size = 1}, "SteadyStateOptions.border_size");  // the dense LU has no border
  expect_invalid({.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 2},
                 "SteadyStateOptions.lower_bandwidth");
}

namespace {
/// A slow mode coupled to a fast one: s' = −1e-6 (s − 2), q' = −1e3 (q − s). Switched evolution
/// relaxation grows Δτ only by the residual ratio ≈ 1 + 1e-6 Δτ per step here (it stalls); the
/// error-controlled pseudo-time step grows Δτ tenfold per step once the fast mode has settled.
struct SlowFast {
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    dx[0] = -1e-6 * (x[0] - 2.0);
    dx[1] = -1e3 * (x[1] - x[0]);
  }
};
}  // namespace

TEST(SteadyState, ErrorControlledPseudoTimeReachesSlowModeAndStopsOnTheStepTest) {
  ms::SteadyStateOptions opt;
  opt.newton_first = false;
  opt.residual_tol = 1e-300;  // only the step test can end it
  opt.step_rtol = 1e-12;
  opt.step_atol = 1e-15;
  opt.pseudo_dt_newton_s = 1e9;
  opt.pseudo_dt_max_s = 1e15;
  opt.max_pseudo_transient_steps = 200;
  const auto r = ms::steady_state(SlowFast{}, Eigen::Vector2d(0.0, 5.0), opt);
  EXPECT_TRUE(r.used_pseudo_transient);
  EXPECT_LE(r.pseudo_transient_steps, 60);
  EXPECT_NEAR(r.x[0], 2.0, 1e-11);
  EXPECT_NEAR(r.x[1], 2.0, 1e-11);
}

namespace {
/// A chain of 2-state blocks coupled to their neighbours (a band of two blocks), plus one border state
/// that every block feeds and that feeds every block: u_i' = 1 + u_{i-1} v_i − (b + 1) u_i + 0.01 (w − u_i),
/// v_i' = b u_i − u_i² v_i + 0.1 (v_{i+1} − v_i), w' = Σ u_i / n_blocks − w.
struct BorderedChain {
  int n_blocks = 6;
  double b = 1.5;
  template <class V>
  void operator()(const V& x, V& dx, double) const {
    using S = typename V::Scalar;
    const S w = x[2 * n_blocks];
    S sum = S(0.0);
    for (int i = 0; i < n_blocks; ++i) {
      const S u = x[2 * i], v = x[2 * i + 1];
      const S u_prev = i > 0 ? S(x[2 * i - 2]) : S(1.0), v_next = i + 1 < n_blocks ? S(x[2 * i + 3]) : v;
      dx[2 * i] = 1.0 + 0.2 * u_prev * v - (b + 1.0) * u + 0.01 * (w - u);
      dx[2 * i + 1] = b * u - u * u * v + 0.1 * (v_next - v);
      sum += u;
    }
    dx[2 * n_blocks] = sum / double(n_blocks) - w;
  }
};
}  // namespace

// The Newton and pseudo-time systems factored on a band with an exact border (and by the pattern LU)
// give the dense search's steady state, to roundoff, with the same iteration counts.
TEST(SteadyState, BandedBorderedAndPatternLUFindTheDenseState) {
  const BorderedChain sys;
  const Eigen::Index n = 2 * sys.n_blocks + 1;
  const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(n, 0.7);
  for (bool newton_first : {true, false}) {
    const ms::SteadyStateOptions dense{.residual_tol = 1e-12, .newton_first = newton_first};
    const auto rd = ms::steady_state(sys, x0, dense);
    ms::SteadyStateOptions bordered = dense;
    bordered.linear_solver = ms::LinearSolverKind::bordered;
    bordered.lower_bandwidth = bordered.upper_bandwidth = 3;  // two blocks of two
    bordered.border_size = 1;
    ms::SteadyStateOptions pattern = bordered;
    pattern.linear_solver = ms::LinearSolverKind::pattern_lu;
    for (const auto& o : {bordered, pattern}) {
      const auto r = ms::steady_state(sys, x0, o);
      EXPECT_LE(r.residual_norm, 1e-12);
      EXPECT_EQ(r.newton_iterations, rd.newton_iterations);
      EXPECT_EQ(r.pseudo_transient_steps, rd.pseudo_transient_steps);
      EXPECT_EQ(r.stats.n_lu, rd.stats.n_lu);
      for (Eigen::Index k = 0; k < n; ++k) EXPECT_NEAR(r.x[k], rd.x[k], 1e-10) << k;
    }
  }
}
