#include "expose_solver.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace py = pybind11;

namespace massagesim::python {
namespace {

// A compartment relaxing towards a square-pulse pressure p(t) (on for `duty` of each period):
// dx/dt = (p(t) - x) / tau. The exact solution is piecewise exponential, so the demo can report
// the true error of each stepper. The pulse edges are passed as discontinuities.
struct PulsedCompartment {
  double tau_s = 2.0, period_s = 1.0, duty = 0.3, amplitude_mmHg = 40.0;
  // Right-continuous, and computed with the same arithmetic as edges(), so the jump sits exactly
  // at the listed discontinuity.
  double pressure_mmHg(double t) const {
    double k = std::floor(t / period_s);
    if (t < k * period_s) k -= 1.0;
    if (t >= (k + 1.0) * period_s) k += 1.0;
    return t < k * period_s + duty * period_s ? amplitude_mmHg : 0.0;
  }
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    dxdt[0] = (pressure_mmHg(t) - x[0]) / tau_s;
  }
  std::vector<double> edges(double t1) const {
    std::vector<double> out;
    for (double k = 0; k * period_s <= t1; ++k) {  // up to and including an edge at t1
      out.push_back(k * period_s);
      out.push_back(k * period_s + duty * period_s);
    }
    return out;
  }
  double exact(double t) const {  // integrate the piecewise-constant forcing exactly
    double x = 0.0, ta = 0.0;
    for (double te : edges(t + period_s)) {
      if (te <= ta) continue;
      const double tb = std::min(te, t);
      x = pressure_mmHg(0.5 * (ta + tb)) + (x - pressure_mmHg(0.5 * (ta + tb))) * std::exp(-(tb - ta) / tau_s);
      ta = tb;
      if (ta >= t) break;
    }
    return x;
  }
};

template <class Stepper>
py::dict run_demo(const Stepper& stepper, double rtol, double t1_s) {
  using State = Eigen::Matrix<double, 1, 1>;
  PulsedCompartment sys;
  OdeProblem<PulsedCompartment, State> problem{sys, State(0.0), 0.0, t1_s, sys.edges(t1_s), {"pressure_mmHg"}};
  const auto ts = linspace(0.0, t1_s, static_cast<int>(t1_s) + 1);
  const auto sol = solve(problem, stepper, StepControl{.rtol = rtol, .atol = rtol * 1e-2}, SaveAt{.ts_s = ts});
  double err = 0.0;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k) err = std::max(err, std::abs(sol.x(0, k) - sys.exact(sol.t_s[k])));
  py::dict row;
  row["stepper"] = std::string(Stepper::name);
  row["rtol"] = rtol;
  row["steps"] = sol.stats.n_steps;
  row["rejected"] = sol.stats.n_rejected;
  row["rhs_evals"] = sol.stats.n_rhs;
  row["breakpoints"] = sol.stats.n_breakpoints;
  row["max_error_mmHg"] = err;
  return row;
}

}  // namespace

void expose_solver(py::module_& m) {
  m.def(
      "solver_demo",
      [](const std::vector<double>& rtols, double t1_s) {
        MASSAGESIM_CHECK(t1_s > 0.0 && t1_s <= 86400.0, "t1_s: expected in (0, 86400] s, got ", t1_s);
        py::list rows;
        for (double rtol : rtols) {
          rows.append(run_demo(Dopri5{}, rtol, t1_s));
          rows.append(run_demo(Fehlberg78{}, rtol, t1_s));
        }
        return rows;
      },
      py::arg("rtols") = std::vector<double>{1e-4, 1e-6, 1e-8}, py::arg("t1_s") = 60.0,
      R"doc(Solve a pulsed compartment (1 Hz square pressure pulses, exact solution known) with each
stepper at each relative tolerance.

Parameters
----------
rtols : list of float
    Relative tolerances, each in (0, 1).
t1_s : float
    Simulated time [s], in (0, 86400].

Returns
-------
list of dict
    One row per (stepper, rtol): steps, rejected, rhs_evals, breakpoints, max_error_mmHg.
)doc");
}

}  // namespace massagesim::python
