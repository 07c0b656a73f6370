#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"
#include "stiff_problems.hpp"

namespace ms = massagesim;
using namespace stiff_test;

namespace {

void print_stats(const char* what, const ms::Stats& s) {
  std::cout << "[stats] " << what << ": steps " << s.n_steps << ", rejected " << s.n_rejected << ", rhs " << s.n_rhs
            << ", jac " << s.n_jac << ", lu " << s.n_lu << ", linear solves " << s.n_linear_solves << "\n";
}

/// Slope of the least-squares line through (log h_k, log e_k).
double loglog_slope(const std::vector<double>& h, const std::vector<double>& e) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(h.size());
  for (std::size_t k = 0; k < h.size(); ++k) {
    const double x = std::log(h[k]), y = std::log(e[k]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// Reference values at t = 1e11 from the Test Set for IVP Solvers (Mazzia & Magherini, Univ. Bari),
// rober.f, subroutine solut (computed there with RADAU5 at tight tolerances).
const Eigen::Vector3d kRoberRef(0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050);

// Reference values at t = 321.8122 from the same Test Set, hires.f, subroutine solut
// ("computed using true double precision RADAU5 on Cray C90, rtol = atol = h0 = 1.1d-18").
Vector8d hires_ref() {
  Vector8d r;
  r << 0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
      0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2;
  return r;
}

/// max_i |x_i − ref_i| / (atol + rtol |ref_i|): the error in units of the requested tolerance.
template <class A, class B>
double scaled_error(const A& x, const B& ref, double rtol, double atol) {
  double m = 0.0;
  for (Eigen::Index i = 0; i < ref.size(); ++i)
    m = std::max(m, std::abs(x[i] - ref[i]) / (atol + rtol * std::abs(ref[i])));
  return m;
}

}  // namespace

TEST(Rodas4, RoberToTestSetReference) {
  const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1e11);
  const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-8, .atol = 1e-8});
  ASSERT_TRUE(sol.ok()) << sol.message;
  print_stats("ROBER rtol=atol=1e-8 (AD, dense)", sol.stats);
  const Eigen::Vector3d x = sol.x_final;
  std::cout << "[ROBER 1e-8] x - ref = " << (x - kRoberRef).transpose()
            << ", scaled error = " << scaled_error(x, kRoberRef, 1e-8, 1e-8) << "\n";
  // Global error within a small multiple of the local tolerance; y3 (≈ 1) to 1e-7 absolute.
  EXPECT_LT(scaled_error(x, kRoberRef, 1e-8, 1e-8), 10.0);
  EXPECT_NEAR(x[2], kRoberRef[2], 1e-7);
  EXPECT_NEAR(x[0] + x[1] + x[2], 1.0, 1e-12);  // mass conservation: the stages preserve linear invariants

  // Tight absolute tolerances resolve the tiny y1, y2: relative agreement.
  // (A first step is given: with atol(y2) = 1e-22 the automatic estimate lands below the driver's
  // floor of 16 ulp of the 1e11 s span.)
  ms::StepControl tight{.rtol = 1e-10, .atol = 1e-10, .dt_initial_s = 1e-6};
  tight.atol_per_state = Eigen::Vector3d(1e-18, 1e-22, 1e-10);
  const auto sol2 = ms::solve(p, ms::Rodas4{}, tight);
  ASSERT_TRUE(sol2.ok()) << sol2.message;
  print_stats("ROBER rtol=1e-10, atol=(1e-18,1e-22,1e-10)", sol2.stats);
  const Eigen::Vector3d rel = ((sol2.x_final - kRoberRef).array() / kRoberRef.array()).abs();
  std::cout << "[ROBER tight] relative errors " << rel.transpose() << "\n";
  EXPECT_LT(rel.maxCoeff(), 1e-6);
}

TEST(Rodas4, RoberJacobianKindsAgree) {
  const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1e5);
  const ms::StepControl ctl{.rtol = 1e-8, .atol = 1e-8};
  const auto ad = ms::solve(p, ms::Rodas4{.jacobian = ms::JacobianKind::automatic, .autonomous = true}, ctl);
  const auto user = ms::solve(p, ms::Rodas4{.jacobian = ms::JacobianKind::user, .autonomous = true}, ctl);
  const auto fd = ms::solve(p, ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference}, ctl);
  print_stats("ROBER [0,1e5] AD autonomous", ad.stats);
  print_stats("ROBER [0,1e5] user autonomous", user.stats);
  print_stats("ROBER [0,1e5] FD", fd.stats);
  // AD and the hand-written Jacobian are the same matrix up to rounding: same steps.
  EXPECT_EQ(ad.stats.n_steps, user.stats.n_steps);
  EXPECT_LT((ad.x_final - user.x_final).cwiseAbs().maxCoeff(), 1e-12);
  // A finite-difference J changes only the W-matrix, not the order conditions' consistency: close.
  const double err = scaled_error(fd.x_final, ad.x_final, 1e-8, 1e-8);
  EXPECT_LT(err, 10.0);
  // ROBER does not depend on t: the forward difference for ∂f/∂t is exactly zero, so the default
  // (non-autonomous) run takes the same steps and spends exactly one RHS more per Jacobian.
  const auto ad_default = ms::solve(p, ms::Rodas4{}, ctl);
  EXPECT_EQ(ad_default.stats.n_steps, ad.stats.n_steps);
  EXPECT_EQ(ad_default.stats.n_rhs, ad.stats.n_rhs + ad.stats.n_jac);
  EXPECT_EQ(ad.stats.n_rhs, 5 * (ad.stats.n_steps + ad.stats.n_rejected) + ad.stats.n_steps + 2);
}

TEST(Rodas4, HiresToTestSetReference) {
  const auto p = ms::make_problem(Hires{}, hires_x0(), 0.0, 321.8122);
  const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-8, .atol = 1e-8});
  ASSERT_TRUE(sol.ok()) << sol.message;
  print_stats("HIRES rtol=atol=1e-8 (AD, dense)", sol.stats);
  const Vector8d ref = hires_ref();
  const Vector8d rel = ((sol.x_final - ref).array() / ref.array()).abs();
  std::cout << "[HIRES 1e-8] relative errors " << rel.transpose()
            << ", scaled error = " << scaled_error(sol.x_final, ref, 1e-8, 1e-8) << "\n";
  EXPECT_LT(scaled_error(sol.x_final, ref, 1e-8, 1e-8), 10.0);

  const auto sol2 = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-11, .atol = 1e-13});
  ASSERT_TRUE(sol2.ok()) << sol2.message;
  print_stats("HIRES rtol=1e-11 atol=1e-13", sol2.stats);
  const Vector8d rel2 = ((sol2.x_final - ref).array() / ref.array()).abs();
  std::cout << "[HIRES tight] relative errors " << rel2.transpose() << "\n";
  EXPECT_LT(rel2.maxCoeff(), 1e-7);
}

TEST(Rodas4, JacobianOncePerAcceptedPoint) {
  const auto p = ms::make_problem(Hires{}, hires_x0(), 0.0, 321.8122);
  const auto sol = ms::solve(p, ms::Rodas4{.autonomous = true}, ms::StepControl{.rtol = 1e-6, .atol = 1e-6});
  ASSERT_TRUE(sol.ok());
  const auto& s = sol.stats;
  EXPECT_GT(s.n_rejected, 0) << "this test wants at least one rejected step";
  // One Jacobian per accepted point (the final point needs none); each attempt one LU and 6 solves.
  EXPECT_EQ(s.n_jac, s.n_steps);
  EXPECT_EQ(s.n_lu, s.n_steps + s.n_rejected);
  EXPECT_EQ(s.n_linear_solves, 6 * (s.n_steps + s.n_rejected));
  // 5 stage evaluations per attempt, f at each accepted point, f at t0, one for the initial step guess.
  EXPECT_EQ(s.n_rhs, 5 * (s.n_steps + s.n_rejected) + s.n_steps + 2);
}

TEST(Rodas4, MeasuredOrderOnLinearStiffProblem) {
  const Eigen::Vector2d y0(1.0, 0.5);
  const double T = 1.0;
  std::vector<double> hs, errs;
  for (int n : {8, 16, 32, 64, 128}) {
    const double h = T / n;
    const auto p = ms::make_problem(LinearStiff{}, y0, 0.0, T);
    const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.dt_initial_s = h, .adaptive = false});
    ASSERT_EQ(sol.stats.n_steps, n);
    hs.push_back(h);
    errs.push_back((sol.x_final - LinearStiff::exact(T, y0)).cwiseAbs().maxCoeff());
  }
  const double order = loglog_slope(hs, errs);
  std::cout << "[order] linear stiff (lambda = -1, -1000): errors";
  for (double e : errs) std::cout << " " << e;
  std::cout << ", slope " << order << "\n";
  EXPECT_NEAR(order, 4.0, 0.5);
}

TEST(Rodas4, MeasuredOrderOnProtheroRobinsonModerateStiffness) {
  // Prothero–Robinson is where Rosenbrock methods show order reduction when |λh| >> 1 (Hairer &
  // Wanner II, IV.15). At moderate stiffness, λ = −10 with |λh| <= 0.25, the classical order shows.
  const double T = 2.0;
  auto run = [&](auto sys, const std::vector<int>& ns, std::vector<double>& errs) {
    std::vector<double> hs;
    for (int n : ns) {
      const double h = T / n;
      const auto p = ms::make_problem(sys, Eigen::Matrix<double, 1, 1>(0.0), 0.0, T);
      const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.dt_initial_s = h, .adaptive = false});
      hs.push_back(h);
      errs.push_back(std::abs(sol.x_final[0] - std::sin(T)));
    }
    return loglog_slope(hs, errs);
  };
  const std::vector<int> ns{80, 160, 320, 640};
  std::vector<double> e_exact, e_fd, e_stiff;
  const double order = run(ProtheroRobinson<true>{}, ns, e_exact);
  const double order_fd = run(ProtheroRobinson<false>{}, ns, e_fd);
  const double order_stiff = run(ProtheroRobinson<true>{.lambda = -1e4}, ns, e_stiff);
  auto print = [](const char* what, const std::vector<double>& e, double slope) {
    std::cout << "[order] Prothero-Robinson " << what << ": errors";
    for (double x : e) std::cout << " " << x;
    std::cout << ", slope " << slope << "\n";
  };
  print("lambda=-10, analytic df/dt", e_exact, order);
  print("lambda=-10, finite-difference df/dt", e_fd, order_fd);
  print("lambda=-1e4 (stiff: order reduction expected)", e_stiff, order_stiff);
  EXPECT_NEAR(order, 4.0, 0.5);
  // The forward-difference ∂f/∂t (step sqrt(eps)·max(|t|, h)) adds an error of about
  // sqrt(eps)·|∂²f/∂t²|·T ≈ 1e-8·10·2 at most: a floor, not a change of the method.
  for (double e : e_fd) EXPECT_LT(e, 2e-9);
  // Stiff case: it still converges, and stays accurate (L-stability), even if the order is reduced.
  for (std::size_t k = 1; k < e_stiff.size(); ++k) EXPECT_LT(e_stiff[k], e_stiff[k - 1]);
  EXPECT_LT(e_stiff.front(), 1e-6);
}

TEST(Rodas4P2, KeepsItsOrderOnStiffProtheroRobinsonWhereRodas4LosesIt) {
  // Steinebach (2020) chose Rodas4P2's coefficients so that the Prothero-Robinson model keeps a high
  // order at |lambda h| >> 1, where Rodas4 reduces (Hairer & Wanner II, IV.15). Same driver, same steps.
  const double T = 2.0;
  const std::vector<int> ns{20, 40, 80, 160};
  auto run = [&](const ms::RodasTableau& tab, double lambda, std::vector<double>& errs) {
    std::vector<double> hs;
    for (int n : ns) {
      const double h = T / n;
      const auto p =
          ms::make_problem(ProtheroRobinson<true>{.lambda = lambda}, Eigen::Matrix<double, 1, 1>(0.0), 0.0, T);
      const auto sol = ms::solve(p, ms::Rodas4{.tableau = &tab}, ms::StepControl{.dt_initial_s = h, .adaptive = false});
      hs.push_back(h);
      errs.push_back(std::abs(sol.x_final[0] - std::sin(T)));
    }
    return loglog_slope(hs, errs);
  };
  std::vector<double> e4, e4p2, e4p2_mild;
  const double order4 = run(ms::rodas4_tableau, -1e4, e4);
  const double order4p2 = run(ms::rodas4p2_tableau, -1e4, e4p2);
  const double order_mild = run(ms::rodas4p2_tableau, -10.0, e4p2_mild);
  std::cout << "[order] Prothero-Robinson lambda=-1e4: Rodas4 slope " << order4 << ", Rodas4P2 slope " << order4p2
            << "; lambda=-10: Rodas4P2 slope " << order_mild << "\n";
  EXPECT_NEAR(order_mild, 4.0, 0.5);  // the classical order where the problem is not stiff
  EXPECT_GT(order4p2, order4 + 1.0);  // the point of the new coefficients
  for (std::size_t k = 0; k < ns.size(); ++k) EXPECT_LT(e4p2[k], e4[k]);
}

TEST(Rodas4P2, FewerStepsThanRodas4OnRoberAtTightTolerance) {
  // The measurement: at tight tolerances Rodas4's order collapses on stiff components and its
  // steps grow fast (ROBER at 1e-12: ~193 k); Rodas4P2 in the same driver needs a fraction.
  auto steps = [](const ms::RodasTableau& tab, double tol) {
    const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1e5);
    const auto sol = ms::solve(p, ms::Rodas4{.tableau = &tab},
                               ms::StepControl{.rtol = tol, .atol = tol * 1e-4, .max_steps = 2'000'000});
    EXPECT_EQ(sol.status, ms::Status::success);
    return sol.stats.n_steps;
  };
  const auto s4 = steps(ms::rodas4_tableau, 1e-10), s4p2 = steps(ms::rodas4p2_tableau, 1e-10);
  std::cout << "[steps] ROBER rtol 1e-10: Rodas4 " << s4 << ", Rodas4P2 " << s4p2 << "\n";
  EXPECT_LT(2 * s4p2, s4);
}

namespace {
/// y' = −k y + u(t), u = 1 on [1, 1.5), else 0 (right-continuous, as problem.hpp asks).
struct PulseDecay {
  double k = 2.0;
  template <class V>
  void operator()(const V& y, V& dy, double t) const {
    dy[0] = -k * y[0] + ((t >= 1.0 && t < 1.5) ? 1.0 : 0.0);
  }
  /// Exact solution for y(0) = y0.
  double exact(double t, double y0) const {
    double y = y0 * std::exp(-k * t);
    if (t > 1.0) y += (1.0 - std::exp(-k * (std::min(t, 1.5) - 1.0))) / k * std::exp(-k * std::max(0.0, t - 1.5));
    return y;
  }
};
}  // namespace

TEST(Rodas4, LandsOnDiscontinuitiesAndRestarts) {
  const PulseDecay sys;
  auto p = ms::make_problem(sys, Eigen::Matrix<double, 1, 1>(0.3), 0.0, 4.0, {1.0, 1.5});
  const auto ts = ms::linspace(0.0, 4.0, 17);
  const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-9, .atol = 1e-12}, ms::SaveAt{.ts_s = ts});
  ASSERT_TRUE(sol.ok()) << sol.message;
  EXPECT_EQ(sol.stats.n_breakpoints, 2);
  double worst = 0.0;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k)
    worst = std::max(worst, std::abs(sol.x(0, k) - sys.exact(sol.t_s[k], 0.3)));
  std::cout << "[breakpoints] max error at 17 saved times: " << worst << ", steps " << sol.stats.n_steps << "\n";
  EXPECT_LT(worst, 1e-8);
  // Without the breakpoints the jumps cost accuracy or many rejected steps: the listed ones are used.
  auto q = ms::make_problem(sys, Eigen::Matrix<double, 1, 1>(0.3), 0.0, 4.0);
  const auto blind = ms::solve(q, ms::Rodas4{}, ms::StepControl{.rtol = 1e-9, .atol = 1e-12});
  EXPECT_GT(blind.stats.n_rejected, sol.stats.n_rejected);
}

TEST(Rodas4, DenseOutputIsThirdOrderAccurate) {
  const Eigen::Vector2d y0(1.0, 0.5);
  const auto p = ms::make_problem(LinearStiff{}, y0, 0.0, 2.0);
  const auto ts = ms::linspace(0.0, 2.0, 41);
  const auto sol = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-9, .atol = 1e-12}, ms::SaveAt{.ts_s = ts});
  ASSERT_EQ(sol.n_saved(), 41);
  double worst = 0.0;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k)
    worst = std::max(worst, (sol.x.col(k) - LinearStiff::exact(sol.t_s[k], y0)).cwiseAbs().maxCoeff());
  std::cout << "[dense output] max error at 41 interpolated times: " << worst << "\n";
  EXPECT_LT(worst, 1e-6);
}

TEST(Rodas4, DenseBandedSparseGiveTheSameTrajectory) {
  const Bruss1D b{.m = 20};
  const auto p = ms::make_problem(b, b.x0(), 0.0, 10.0);
  const ms::StepControl ctl{.rtol = 1e-7, .atol = 1e-9};
  const ms::SaveAt save{.ts_s = ms::linspace(0.0, 10.0, 11)};
  const auto dense = ms::solve(p, ms::Rodas4{}, ctl, save);
  const auto banded = ms::solve(
      p, ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 2, .upper_bandwidth = 2}, ctl,
      save);
  const auto sparse = ms::solve(
      p, ms::Rodas4{.linear_solver = ms::LinearSolverKind::sparse, .lower_bandwidth = 2, .upper_bandwidth = 2}, ctl,
      save);
  const auto banded_fd = ms::solve(p,
                                   ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference,
                                              .linear_solver = ms::LinearSolverKind::banded,
                                              .lower_bandwidth = 2,
                                              .upper_bandwidth = 2},
                                   ctl, save);
  print_stats("Bruss1D m=20 dense", dense.stats);
  print_stats("Bruss1D m=20 banded", banded.stats);
  print_stats("Bruss1D m=20 sparse", sparse.stats);
  print_stats("Bruss1D m=20 banded FD", banded_fd.stats);
  // Same J, W solved to rounding: the same steps, trajectories equal to ~rounding.
  EXPECT_EQ(dense.stats.n_steps, banded.stats.n_steps);
  EXPECT_EQ(dense.stats.n_steps, sparse.stats.n_steps);
  // They differ only by rounding inside the LU (different elimination orders), carried over ~400
  // steps: agreement far below the tolerance, not bit for bit.
  std::cout << "[dense vs banded vs sparse] max differences " << (dense.x - banded.x).cwiseAbs().maxCoeff() << ", "
            << (dense.x - sparse.x).cwiseAbs().maxCoeff() << "\n";
  EXPECT_LT((dense.x - banded.x).cwiseAbs().maxCoeff(), 1e-8);
  EXPECT_LT((dense.x - sparse.x).cwiseAbs().maxCoeff(), 1e-8);
  // Banded finite differences: 5 RHS per Jacobian (colours), same solution to tolerance.
  EXPECT_LT((dense.x - banded_fd.x).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_GT((dense.x.col(5) - dense.x.col(0)).norm(), 0.1);  // the solution moves
}

TEST(Rodas4, RejectsBadConfiguration) {
  const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1.0);
  try {
    ms::solve(p, ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 3});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("lower_bandwidth"), std::string::npos) << e.what();
  }
  // A right-hand side that only takes doubles cannot be differentiated automatically.
  auto plain = [](const Eigen::Vector2d& x, Eigen::Vector2d& dx, double) { dx = -x; };
  const auto q = ms::make_problem(plain, Eigen::Vector2d(1.0, 2.0), 0.0, 1.0);
  try {
    ms::solve(q, ms::Rodas4{});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("JacobianKind::automatic"), std::string::npos) << e.what();
  }
  const auto sol = ms::solve(q, ms::Rodas4{.jacobian = ms::JacobianKind::finite_difference});
  EXPECT_NEAR(sol.x_final[1], 2.0 * std::exp(-1.0), 1e-5);
}
