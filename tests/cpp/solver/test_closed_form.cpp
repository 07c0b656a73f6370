/// Every explicit stepper against closed-form answers on problems where f depends mostly or only
/// on t: pure quadratures (the integral is the answer), a Gaussian bump, and weakly coupled forced
/// linear systems. These are exactly the problems on which an embedded estimate built from stages
/// that sample f at the same times (Fehlberg 1968's) goes blind: the last test shows that the old
/// Fehlberg78 estimate returned wrong answers with status success (issue 15).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <iostream>
#include <numbers>
#include <string>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dop853.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace ms = massagesim;

namespace {

using V1 = Eigen::Matrix<double, 1, 1>;
using V2 = Eigen::Vector2d;

/// y' = cos t: y = sin t.
struct CosQuadrature {
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    dxdt[0] = std::cos(t);
  }
  static double exact(double t) { return std::sin(t); }
};

/// y' = normal density N(mu, sigma): ∫ over [0, 100] = 1 up to 1e-60. (Much narrower bumps can be
/// stepped over by any adaptive method whose stages never sample them: that is a resolution limit,
/// fixed by dt_max_s, not an estimator flaw.)
struct GaussianBump {
  double mu = 50.0, sigma = 3.0;
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    const double z = (t - mu) / sigma;
    dxdt[0] = std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * std::numbers::pi));
  }
  double exact(double t) const { return 0.5 * std::erfc(-(t - mu) / (sigma * std::sqrt(2.0))); }
};

/// y' = 1 / (1 + t²): y = atan t.
struct AtanQuadrature {
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    dxdt[0] = 1.0 / (1.0 + t * t);
  }
  static double exact(double t) { return std::atan(t); }
};

/// y' = t⁷ e^{-t}: y = 7! (1 − e^{-t} Σ_{k=0}^{7} t^k / k!) (a lower incomplete gamma function).
struct GammaQuadrature {
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    dxdt[0] = std::pow(t, 7) * std::exp(-t);
  }
  static double exact(double t) {
    double s = 0.0, term = 1.0;
    for (int k = 0; k <= 7; ++k) {
      s += term;
      term *= t / (k + 1);
    }
    return 5040.0 * (1.0 - std::exp(-t) * s);
  }
};

/// Weakly coupled, forced: x' = −ε x + cos t, z' = x, x(0) = z(0) = 0 (z accumulates x).
struct WeakForced {
  double eps = 1e-3;
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    dxdt[0] = -eps * x[0] + std::cos(t);
    dxdt[1] = x[0];
  }
  V2 exact(double t) const {
    const double d = 1.0 + eps * eps, c = -eps / d;
    const double x = c * std::exp(-eps * t) + (eps * std::cos(t) + std::sin(t)) / d;
    const double z = c * (1.0 - std::exp(-eps * t)) / eps + (eps * std::sin(t) + 1.0 - std::cos(t)) / d;
    return {x, z};
  }
};

/// Two slow oscillators weakly coupled to each other and forced at a fast frequency:
/// x' = A x + b cos(ω t) with A = [[−ε, κ], [−κ, −ε]]; exact solution by the matrix exponential
/// of the rotation-plus-decay A and the particular solution of the forcing.
struct CoupledForced {
  double eps = 1e-2, kappa = 0.05, omega = 3.0;
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    dxdt[0] = -eps * x[0] + kappa * x[1] + std::cos(omega * t);
    dxdt[1] = -kappa * x[0] - eps * x[1] + 0.5 * std::cos(omega * t);
  }
  V2 exact(double t) const {
    // Particular solution x_p = Re(X e^{iωt}) with (iω I − A) X = b.
    using C = std::complex<double>;
    const C i(0.0, 1.0);
    Eigen::Matrix2cd M;
    M << i * omega + eps, -kappa, kappa, i * omega + eps;
    const Eigen::Vector2cd X = M.inverse() * Eigen::Vector2cd(1.0, 0.5);
    auto xp = [&](double s) { return V2((X * std::exp(i * omega * s)).real()); };
    // Homogeneous part from x(0) = 0: x_h(t) = e^{At} (−x_p(0)), e^{At} = e^{−εt} [[cos κt, sin κt], [−sin κt, cos
    // κt]].
    const V2 h0 = -xp(0.0);
    const double e = std::exp(-eps * t), c = std::cos(kappa * t), s = std::sin(kappa * t);
    const V2 xh(e * (c * h0[0] + s * h0[1]), e * (-s * h0[0] + c * h0[1]));
    return xh + xp(t);
  }
};

struct Result {
  double err = 0.0;  ///< max |x − exact| over the saved points
  long steps = 0;
  ms::Status status = ms::Status::success;
};

/// Solves at rtol = atol = tol, saving every step (save times would cap Fehlberg78's steps, which
/// hides the failure); returns the largest absolute error over the step ends.
template <class State, class System, class Stepper, class Exact>
Result run(const System& sys, const State& x0, double t1, const Stepper& stepper, double tol, Exact exact) {
  const auto p = ms::make_problem(sys, x0, 0.0, t1);
  const auto sol = ms::solve(p, stepper, ms::StepControl{.rtol = tol, .atol = tol, .throw_on_failure = false},
                             ms::SaveAt{.every_step = true});
  Result r;
  r.status = sol.status;
  r.steps = sol.stats.n_steps;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k) {
    const State ex = State(exact(sol.t_s[k]));
    r.err = std::max(r.err, (sol.x.col(k) - ex).cwiseAbs().maxCoeff());
  }
  return r;
}

/// Error allowed: `kMultiple` · tol · (scale of the solution). Local-error control bounds the error
/// per step, so global errors of a few tol are normal on these spans; 50 leaves room for error
/// accumulation over [0, 100] and is far below what a blind estimator gives (the old Fehlberg78
/// estimate was off by 1e9 · tol).
constexpr double kMultiple = 50.0;

template <class Stepper>
void check_closed_form(const Stepper& stepper) {
  const std::string name = Stepper::name;
  for (double tol : {1e-6, 1e-8, 1e-10}) {
    struct Case {
      std::string what;
      Result r;
      double scale;
    };
    const GaussianBump bump{};
    const WeakForced weak{};
    const CoupledForced coupled{};
    const std::vector<Case> cases = {
        {"y' = cos t on [0, 100]",
         run(CosQuadrature{}, V1(0.0), 100.0, stepper, tol, [](double t) { return V1(CosQuadrature::exact(t)); }), 1.0},
        {"Gaussian bump, sigma 3, on [0, 100]",
         run(bump, V1(0.0), 100.0, stepper, tol, [&](double t) { return V1(bump.exact(t)); }), 1.0},
        {"y' = 1/(1+t^2) on [0, 50]",
         run(AtanQuadrature{}, V1(0.0), 50.0, stepper, tol, [](double t) { return V1(AtanQuadrature::exact(t)); }),
         2.0},
        {"y' = t^7 e^-t on [0, 40]",
         run(GammaQuadrature{}, V1(0.0), 40.0, stepper, tol, [](double t) { return V1(GammaQuadrature::exact(t)); }),
         5040.0},
        {"weakly damped forced x, z = int x, on [0, 100]",
         run(weak, V2(0.0, 0.0), 100.0, stepper, tol, [&](double t) { return weak.exact(t); }), 2.0},
        {"two weakly coupled forced oscillators on [0, 100]",
         run(coupled, V2(0.0, 0.0), 100.0, stepper, tol, [&](double t) { return coupled.exact(t); }), 1.0},
    };
    for (const auto& c : cases) {
      std::cout << "[closed-form] " << name << " tol " << tol << " " << c.what << ": error " << c.r.err
                << " (= " << c.r.err / (tol * c.scale) << " tol x scale), " << c.r.steps << " steps\n";
      EXPECT_EQ(c.r.status, ms::Status::success) << name << " " << c.what << " tol " << tol;
      EXPECT_LE(c.r.err, kMultiple * tol * c.scale) << name << " " << c.what << " tol " << tol;
    }
  }
}

}  // namespace

TEST(ClosedForm, Dopri5MeetsToleranceOnQuadraturesAndForcedProblems) { check_closed_form(ms::Dopri5{}); }

TEST(ClosedForm, Dop853MeetsToleranceOnQuadraturesAndForcedProblems) { check_closed_form(ms::Dop853{}); }

TEST(ClosedForm, Fehlberg78MeetsToleranceOnQuadraturesAndForcedProblems) { check_closed_form(ms::Fehlberg78{}); }

TEST(ClosedForm, OldFehlbergEstimateReturnsWrongAnswersWithSuccess) {
  // The estimate 41/840·h·(k1 + k11 − k12 − k13) is zero for f = f(t): the step grows to the span
  // and the answer is whatever one huge step gives, reported as a success. This documents why the
  // default estimator changed; if this test fails, the old estimator is no longer blind (re-check
  // the robust one's cost).
  const ms::Fehlberg78 old{.estimator = ms::Fehlberg78Estimator::fehlberg_1968};
  const double tol = 1e-8;
  const auto cos_old =
      run(CosQuadrature{}, V1(0.0), 100.0, old, tol, [](double t) { return V1(CosQuadrature::exact(t)); });
  const GaussianBump bump{};
  const auto bump_old = run(bump, V1(0.0), 100.0, old, tol, [&](double t) { return V1(bump.exact(t)); });
  std::cout << "[closed-form] old Fehlberg78 estimate, tol 1e-8: cos t error " << cos_old.err << " in " << cos_old.steps
            << " steps; Gaussian bump error " << bump_old.err << " in " << bump_old.steps << " steps\n";
  EXPECT_EQ(cos_old.status, ms::Status::success);
  EXPECT_EQ(bump_old.status, ms::Status::success);
  EXPECT_GT(cos_old.err, 1e3 * kMultiple * tol);
  EXPECT_GT(bump_old.err, 1e3 * kMultiple * tol);
  // The same solves with the default (robust) estimate pass.
  EXPECT_LE(
      run(CosQuadrature{}, V1(0.0), 100.0, ms::Fehlberg78{}, tol, [](double t) { return V1(CosQuadrature::exact(t)); })
          .err,
      kMultiple * tol);
}
