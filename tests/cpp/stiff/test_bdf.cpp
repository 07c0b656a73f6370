// Bdf (variable-order NDF/BDF with Jacobian and LU reuse): accuracy against closed forms and the
// Test Set references, breakpoints, dense output, and the counters that show the reuse.

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "arrow_chain.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/bdf.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"
#include "stiff_problems.hpp"

namespace ms = massagesim;
using namespace stiff_test;

namespace {

void print_stats(const char* what, const ms::Stats& s) {
  std::cout << "[stats] " << what << ": steps " << s.n_steps << ", rejected " << s.n_rejected << ", rhs " << s.n_rhs
            << ", jac " << s.n_jac << ", lu " << s.n_lu << ", linear solves " << s.n_linear_solves << "\n";
}

// Reference values at t = 1e11 from the Test Set for IVP Solvers (Mazzia & Magherini, Univ. Bari),
// rober.f, subroutine solut (RADAU5 at tight tolerances); the same values as test_rodas4.cpp.
const Eigen::Vector3d kRoberRef(0.2083340149701255e-7, 0.8333360770334713e-13, 0.9999999791665050);

// Reference values at t = 321.8122 from the same Test Set, hires.f, subroutine solut.
Vector8d hires_ref() {
  Vector8d r;
  r << 0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
      0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2;
  return r;
}

/// A forcing that jumps: y' = λ (y − u(t)), u = 1 on [1, 2), 0 elsewhere; closed form per piece.
struct SwitchedRelaxation {
  static constexpr double lambda = -5.0;
  static double u(double t) { return t >= 1.0 && t < 2.0 ? 1.0 : 0.0; }
  template <class V>
  void operator()(const V& y, V& dy, double t) const {
    dy[0] = lambda * (y[0] - u(t));
  }
  static double exact(double t) {  // y(0) = 1
    const double y1 = std::exp(lambda);
    const double y2 = 1.0 + (y1 - 1.0) * std::exp(lambda);
    if (t <= 1.0) return std::exp(lambda * t);
    if (t <= 2.0) return 1.0 + (y1 - 1.0) * std::exp(lambda * (t - 1.0));
    return y2 * std::exp(lambda * (t - 2.0));
  }
};

/// Slope of the least-squares line through (log x_k, log y_k).
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double a = std::log(x[k]), b = std::log(y[k]);
    sx += a;
    sy += b;
    sxx += a * a;
    sxy += a * b;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

TEST(Bdf, LinearStiffErrorsFallWithTolerance) {
  const Eigen::Vector2d y0(1.0, 0.5);
  const auto p = ms::make_problem(LinearStiff{}, y0, 0.0, 2.0);
  const Eigen::Vector2d exact = LinearStiff::exact(2.0, y0);
  std::vector<double> rtols, errs;
  for (double rtol : {1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10}) {
    const auto sol = ms::solve(p, ms::Bdf{}, ms::StepControl{.rtol = rtol, .atol = rtol * 1e-2});
    const double e = (sol.x_final - exact).cwiseAbs().maxCoeff() / exact.cwiseAbs().maxCoeff();
    std::cout << "[linear] rtol " << rtol << ": relative error " << e << ", steps " << sol.stats.n_steps << "\n";
    // A global error within a modest multiple of the local tolerance.
    EXPECT_LT(e, 50.0 * rtol) << "rtol " << rtol;
    rtols.push_back(rtol);
    errs.push_back(e);
  }
  // Tolerance proportionality: the log-log slope of error against rtol near p/(p+1) ~ 0.8 (an error
  // that does not follow the tolerance has slope ~0; single points may cancel luckily, the fit not).
  const double slope = loglog_slope(rtols, errs);
  std::cout << "[linear] slope of log(error) against log(rtol): " << slope << "\n";
  EXPECT_GT(slope, 0.6);
  EXPECT_LT(slope, 1.3);
}

TEST(Bdf, RoberToTestSetReference) {
  const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1e11);
  ms::StepControl ctl{.rtol = 1e-8, .atol = 1e-8, .dt_initial_s = 1e-6};
  ctl.atol_per_state = Eigen::Vector3d(1e-14, 1e-20, 1e-8);
  const auto sol = ms::solve(p, ms::Bdf{}, ctl);
  print_stats("Bdf ROBER rtol=1e-8", sol.stats);
  const Eigen::Vector3d rel = ((sol.x_final - kRoberRef).array() / kRoberRef.array()).abs();
  std::cout << "[ROBER] relative errors " << rel.transpose() << "\n";
  EXPECT_LT(rel.maxCoeff(), 1e-5);             // >= 5 correct digits in every component
  EXPECT_NEAR(sol.x_final.sum(), 1.0, 1e-10);  // BDF preserves linear invariants up to Newton's tolerance
}

TEST(Bdf, RoberReusesJacobianAndLu) {
  const auto p = ms::make_problem(Rober{}, Eigen::Vector3d(1.0, 0.0, 0.0), 0.0, 1e5);
  const auto sol = ms::solve(p, ms::Bdf{}, ms::StepControl{.rtol = 1e-6, .atol = 1e-10});
  const ms::Stats& s = sol.stats;
  print_stats("Bdf ROBER to 1e5, rtol=1e-6", s);
  // The point of the method: J is kept over many steps, W is refactored only when h or the order change.
  EXPECT_LT(10 * s.n_jac, s.n_steps);
  EXPECT_LT(2 * s.n_lu, s.n_steps + s.n_rejected);
  // Per attempt: f at the predictor plus one per further Newton iteration, one solve per iteration
  // (a retry with a new J reuses f at the predictor); plus the driver's start (f, first-step estimate).
  EXPECT_LE(s.n_rhs, s.n_linear_solves + 2);
  EXPECT_LT(s.n_linear_solves, 3 * (s.n_steps + s.n_rejected));  // Newton converges in 2-3 iterations
  const auto ref = ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-10, .atol = 1e-14});
  const Eigen::Vector3d rel = ((sol.x_final - ref.x_final).array() / ref.x_final.array()).abs();
  EXPECT_LT(rel.maxCoeff(), 1e-4);
  // A forced re-evaluation every 20 steps: more Jacobians, the same answer within tolerance.
  const auto aged = ms::solve(p, ms::Bdf{.jacobian_max_age = 20}, ms::StepControl{.rtol = 1e-6, .atol = 1e-10});
  EXPECT_GE(aged.stats.n_jac, aged.stats.n_steps / 20);
  EXPECT_LT(((aged.x_final - ref.x_final).array() / ref.x_final.array()).abs().maxCoeff(), 1e-4);
}

TEST(Bdf, HiresToTestSetReference) {
  const auto p = ms::make_problem(Hires{}, hires_x0(), 0.0, 321.8122);
  const auto sol = ms::solve(p, ms::Bdf{}, ms::StepControl{.rtol = 1e-8, .atol = 1e-12});
  print_stats("Bdf HIRES rtol=1e-8 atol=1e-12", sol.stats);
  const Vector8d ref = hires_ref();
  const Vector8d rel = ((sol.x_final - ref).array() / ref.array()).abs();
  std::cout << "[HIRES] relative errors " << rel.transpose() << "\n";
  EXPECT_LT(rel.maxCoeff(), 1e-5);
  EXPECT_LT(10 * sol.stats.n_jac, sol.stats.n_steps);
}

TEST(Bdf, VariableOrderBeatsOrderOne) {
  // Order selection works: orders up to 5 need far fewer steps than the implicit Euler (max_order 1)
  // at the same tolerance, and classical BDF coefficients (ndf = false) work too.
  const auto p = ms::make_problem(Hires{}, hires_x0(), 0.0, 321.8122);
  const ms::StepControl ctl{.rtol = 1e-6, .atol = 1e-10};
  const auto high = ms::solve(p, ms::Bdf{}, ctl);
  const auto euler = ms::solve(p, ms::Bdf{.max_order = 1}, ctl);
  const auto bdf = ms::solve(p, ms::Bdf{.ndf = false}, ctl);
  print_stats("Bdf HIRES 1e-6 max_order 5", high.stats);
  print_stats("Bdf HIRES 1e-6 max_order 1", euler.stats);
  print_stats("Bdf HIRES 1e-6 ndf = false", bdf.stats);
  EXPECT_LT(5 * high.stats.n_steps, euler.stats.n_steps);
  const Vector8d ref = hires_ref();
  EXPECT_LT(((bdf.x_final - ref).array() / ref.array()).abs().maxCoeff(), 1e-3);
  EXPECT_LT(((high.x_final - ref).array() / ref.array()).abs().maxCoeff(), 1e-3);
}

TEST(Bdf, BreakpointsRestartAndDenseOutputIsAccurate) {
  Eigen::Matrix<double, 1, 1> y0;
  y0 << 1.0;
  const auto p = ms::make_problem(SwitchedRelaxation{}, y0, 0.0, 3.0, {1.0, 2.0});
  ms::SaveAt save{.t1 = true};
  for (int k = 0; k <= 60; ++k) save.ts_s.push_back(0.05 * k);
  const double rtol = 1e-8;
  const auto sol = ms::solve(p, ms::Bdf{}, ms::StepControl{.rtol = rtol, .atol = 1e-12}, save);
  print_stats("Bdf switched relaxation", sol.stats);
  EXPECT_EQ(sol.stats.n_breakpoints, 2);
  double worst = 0.0;
  for (std::size_t k = 0; k < sol.t_s.size(); ++k)
    worst = std::max(worst, std::abs(sol.x(0, static_cast<Eigen::Index>(k)) - SwitchedRelaxation::exact(sol.t_s[k])));
  std::cout << "[switched] max error at the save times " << worst << "\n";
  EXPECT_LT(worst, 100.0 * rtol);
  // Save times are served by interpolation, not by cutting steps: the same steps without them.
  const auto unsaved = ms::solve(p, ms::Bdf{}, ms::StepControl{.rtol = rtol, .atol = 1e-12});
  EXPECT_EQ(sol.stats.n_steps, unsaved.stats.n_steps);
  EXPECT_EQ(sol.stats.n_rhs, unsaved.stats.n_rhs);
  // Without the breakpoints the jump sits inside steps: it still converges (step rejections) but
  // the declared breakpoints are what make it cheap and exact.
  const auto blind = ms::solve(ms::make_problem(SwitchedRelaxation{}, y0, 0.0, 3.0), ms::Bdf{},
                               ms::StepControl{.rtol = rtol, .atol = 1e-12});
  EXPECT_NEAR(blind.x_final[0], SwitchedRelaxation::exact(3.0), 1e-5);
}

TEST(Bdf, BandedAndBorderedAgreeWithDense) {
  const Bruss1D b{.m = 16};
  const auto pb = ms::make_problem(b, b.x0(), 0.0, 5.0);
  const ms::StepControl ctl{.rtol = 1e-7, .atol = 1e-9};
  const auto dense = ms::solve(pb, ms::Bdf{}, ctl);
  const auto banded = ms::solve(
      pb, ms::Bdf{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 2, .upper_bandwidth = 2}, ctl);
  EXPECT_LT((dense.x_final - banded.x_final).cwiseAbs().maxCoeff(), 1e-9);
  const auto ref = ms::solve(pb, ms::Rodas4{}, ms::StepControl{.rtol = 1e-11, .atol = 1e-13});
  EXPECT_LT((dense.x_final - ref.x_final).cwiseAbs().maxCoeff(), 1e-5);

  const ArrowChain a{.k_blocks = 8};
  const auto pa = ms::make_problem(a, a.x0(), 0.0, 2.0);
  const auto ad = ms::solve(pa, ms::Bdf{}, ctl);
  ms::Bdf bord{
      .linear_solver = ms::LinearSolverKind::bordered, .lower_bandwidth = 2, .upper_bandwidth = 2, .border_size = 2};
  const auto bo = ms::solve(pa, bord, ctl);
  EXPECT_LT((ad.x_final - bo.x_final).cwiseAbs().maxCoeff(), 1e-9);
  bord.jacobian_pattern = std::make_shared<const ms::SparsityPattern>(
      ms::detect_jacobian_pattern(a, std::vector<Eigen::VectorXd>{a.x0()}, std::vector<double>{0.0}));
  const auto pat = ms::solve(pa, bord, ctl);
  print_stats("Bdf ArrowChain bordered + pattern", pat.stats);
  EXPECT_LT((ad.x_final - pat.x_final).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_GE(pat.stats.n_pattern_checks, 1);
  EXPECT_EQ(pat.stats.n_pattern_widenings, 0);
}

TEST(Bdf, PatternLUAgreesWithBorderedWithAndWithoutAPattern) {
  const ArrowChain a{.k_blocks = 8};
  const auto pa = ms::make_problem(a, a.x0(), 0.0, 2.0);
  const ms::StepControl ctl{.rtol = 1e-7, .atol = 1e-9};
  ms::Bdf bord{
      .linear_solver = ms::LinearSolverKind::bordered, .lower_bandwidth = 2, .upper_bandwidth = 2, .border_size = 2};
  const auto bo = ms::solve(pa, bord, ctl);
  ms::Bdf plu = bord;
  plu.linear_solver = ms::LinearSolverKind::pattern_lu;
  // Without a pattern the LU works on every stored position of the band and border.
  const auto all = ms::solve(pa, plu, ctl);
  print_stats("Bdf ArrowChain pattern_lu, no pattern", all.stats);
  EXPECT_LT((bo.x_final - all.x_final).cwiseAbs().maxCoeff(), 1e-9);
  // With the measured pattern: the LU on its nonzeros.
  plu.jacobian_pattern = std::make_shared<const ms::SparsityPattern>(
      ms::detect_jacobian_pattern(a, std::vector<Eigen::VectorXd>{a.x0()}, std::vector<double>{0.0}));
  const auto pat = ms::solve(pa, plu, ctl);
  print_stats("Bdf ArrowChain pattern_lu + pattern", pat.stats);
  EXPECT_LT((bo.x_final - pat.x_final).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_GE(pat.stats.n_pattern_checks, 1);
  EXPECT_EQ(pat.stats.n_pattern_widenings, 0);
  // Without a border, J is stored dense and the LU works on the pattern alone.
  ms::Bdf plu_dense{.linear_solver = ms::LinearSolverKind::pattern_lu, .jacobian_pattern = plu.jacobian_pattern};
  const auto pd = ms::solve(pa, plu_dense, ctl);
  EXPECT_LT((bo.x_final - pd.x_final).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(Bdf, PatternLUReanalysesAWidenedPattern) {
  // A pattern with only the diagonal misses most entries: the guard's first full Jacobian widens it,
  // the LU is analysed again for the wider pattern and the solution agrees with the dense LU's.
  const ArrowChain a{.k_blocks = 6};
  const auto pa = ms::make_problem(a, a.x0(), 0.0, 2.0);
  const ms::StepControl ctl{.rtol = 1e-7, .atol = 1e-9};
  auto diag = std::make_shared<ms::SparsityPattern>(a.n());
  diag->add_diagonal();
  ms::Bdf plu{.linear_solver = ms::LinearSolverKind::pattern_lu,
              .lower_bandwidth = 2,
              .upper_bandwidth = 2,
              .border_size = 2,
              .jacobian_pattern = diag};
  const auto pat = ms::solve(pa, plu, ctl);
  const auto dense = ms::solve(pa, ms::Bdf{}, ctl);
  EXPECT_GE(pat.stats.n_pattern_widenings, 1);
  EXPECT_LT((dense.x_final - pat.x_final).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(Bdf, RejectsBadOptions) {
  const auto p = ms::make_problem(Hires{}, hires_x0(), 0.0, 1.0);
  try {
    (void)ms::solve(p, ms::Bdf{.max_order = 6});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("Bdf.max_order: expected 1 ... 5, got 6"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ms::solve(p, ms::Bdf{.max_newton_iterations = 0}), ms::InvalidArgument);
  EXPECT_THROW((void)ms::solve(p, ms::Bdf{.jacobian_max_age = -1}), ms::InvalidArgument);
}
