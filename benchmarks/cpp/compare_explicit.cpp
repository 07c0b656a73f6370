/// Explicit steppers side by side: steps, RHS evaluations and the global error at several tolerances,
/// on smooth textbook problems (where the error estimate is reliable) and on t-dominated ones (where
/// Fehlberg's 1968 estimate is blind). Prints a table; no timings. Used for issue 15's numbers:
///   build/<dir>/benchmarks/massagesim_compare_explicit
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include <Eigen/Core>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dop853.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace ms = massagesim;

namespace {

struct Oscillator {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt[0] = x[1];
    dxdt[1] = -x[0];
  }
  static Eigen::Vector2d exact(double t) { return {std::cos(t), -std::sin(t)}; }
};

/// Kepler orbit with eccentricity e, period 2π (DETEST D).
struct Kepler {
  double e = 0.5;
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    using std::sqrt;
    const auto r2 = x[0] * x[0] + x[1] * x[1];
    const auto r3 = r2 * sqrt(r2);
    dxdt[0] = x[2];
    dxdt[1] = x[3];
    dxdt[2] = -x[0] / r3;
    dxdt[3] = -x[1] / r3;
  }
  Eigen::Vector4d x0() const { return {1.0 - e, 0.0, 0.0, std::sqrt((1.0 + e) / (1.0 - e))}; }
  Eigen::Vector4d exact(double t) const {
    double u = t;  // Kepler's equation u − e sin u = t by Newton
    for (int k = 0; k < 50; ++k) u -= (u - e * std::sin(u) - t) / (1.0 - e * std::cos(u));
    const double s = std::sqrt(1.0 - e * e), d = 1.0 - e * std::cos(u);
    return {std::cos(u) - e, s * std::sin(u), -std::sin(u) / d, s * std::cos(u) / d};
  }
};

struct CosQuadrature {
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    dxdt[0] = std::cos(t);
  }
  static Eigen::Matrix<double, 1, 1> exact(double t) { return Eigen::Matrix<double, 1, 1>(std::sin(t)); }
};

struct GaussianBump {
  double mu = 50.0, sigma = 3.0;
  template <class V>
  void operator()(const V&, V& dxdt, double t) const {
    const double z = (t - mu) / sigma;
    dxdt[0] = std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * std::numbers::pi));
  }
  Eigen::Matrix<double, 1, 1> exact(double t) const {
    return Eigen::Matrix<double, 1, 1>(0.5 * std::erfc(-(t - mu) / (sigma * std::sqrt(2.0))));
  }
};

template <class System, class State, class Stepper, class Exact>
void row(const char* problem, const System& sys, const State& x0, double t1, const Stepper& stepper, const char* label,
         double tol, Exact exact) {
  const auto p = ms::make_problem(sys, x0, 0.0, t1);
  const auto sol = ms::solve(
      p, stepper, ms::StepControl{.rtol = tol, .atol = tol, .max_steps = 10'000'000, .throw_on_failure = false},
      ms::SaveAt{.every_step = true});
  double err = 0.0;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k)
    err = std::max(err, (sol.x.col(k) - State(exact(sol.t_s[k]))).cwiseAbs().maxCoeff());
  std::printf("%-22s %-22s %8.0e %8ld %9ld %12.3e %10.3g  %s\n", problem, label, tol, sol.stats.n_steps,
              sol.stats.n_rhs, err, err / tol, ms::to_string(sol.status));
}

template <class System, class State, class Exact>
void all_steppers(const char* problem, const System& sys, const State& x0, double t1, Exact exact) {
  for (double tol : {1e-6, 1e-8, 1e-10, 1e-12}) {
    row(problem, sys, x0, t1, ms::Dopri5{}, "Dopri5", tol, exact);
    row(problem, sys, x0, t1, ms::Dop853{}, "Dop853", tol, exact);
    row(problem, sys, x0, t1, ms::Fehlberg78{}, "Fehlberg78 (robust)", tol, exact);
    row(problem, sys, x0, t1, ms::Fehlberg78{.estimator = ms::Fehlberg78Estimator::fehlberg_1968},
        "Fehlberg78 (1968 est.)", tol, exact);
  }
}

}  // namespace

int main() {
  std::printf("%-22s %-22s %8s %8s %9s %12s %10s  %s\n", "problem", "stepper", "tol", "steps", "rhs", "max error",
              "err/tol", "status");
  all_steppers("oscillator [0,20]", Oscillator{}, Eigen::Vector2d(1.0, 0.0), 20.0,
               [](double t) { return Oscillator::exact(t); });
  const Kepler k{};
  all_steppers("Kepler e=0.5 [0,20]", k, k.x0(), 20.0, [&](double t) { return k.exact(t); });
  all_steppers("y'=cos t [0,100]", CosQuadrature{}, Eigen::Matrix<double, 1, 1>(0.0), 100.0,
               [](double t) { return CosQuadrature::exact(t); });
  const GaussianBump g{};
  all_steppers("Gauss bump s=3 [0,100]", g, Eigen::Matrix<double, 1, 1>(0.0), 100.0,
               [&](double t) { return g.exact(t); });
  const GaussianBump g1{.sigma = 1.0};
  all_steppers("Gauss bump s=1 [0,100]", g1, Eigen::Matrix<double, 1, 1>(0.0), 100.0,
               [&](double t) { return g1.exact(t); });
  return 0;
}
