/// Forcing with jumps: with the jump times in `discontinuities_s` the driver lands on each one
/// exactly and restarts the stepper there; without them a short pulse is resolved badly or missed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace ms = massagesim;
using V1 = Eigen::Matrix<double, 1, 1>;

namespace {

/// dx/dt = -x + u(t), u = 1 while on_k <= t < off_k for some k, else 0.
struct PulseForced {
  std::vector<double> on, off;
  void operator()(const V1& x, V1& dxdt, double t) const {
    double u = 0.0;
    for (std::size_t k = 0; k < on.size(); ++k)
      if (t >= on[k] && t < off[k]) u = 1.0;
    dxdt[0] = -x[0] + u;
  }
  /// Exact solution from x(0) = 0: the sum of the responses to each pulse (the ODE is linear).
  double exact(double t) const {
    double x = 0.0;
    for (std::size_t k = 0; k < on.size(); ++k) {
      if (t <= on[k]) continue;
      const double end = std::min(t, off[k]);
      x += (1.0 - std::exp(-(end - on[k]))) * std::exp(-(t - end));
    }
    return x;
  }
  std::vector<double> jumps() const {
    std::vector<double> j = on;
    j.insert(j.end(), off.begin(), off.end());
    return j;
  }
};

PulseForced single_pulse() { return PulseForced{{1.0}, {1.05}}; }

/// 50 ms pulses once a second, on at k + 0.5 s, over 10 s.
PulseForced pulse_train() {
  PulseForced p;
  for (int k = 0; k < 10; ++k) {
    p.on.push_back(k + 0.5);
    p.off.push_back(k + 0.55);
  }
  return p;
}

template <class Stepper>
double max_error(const ms::Solution<V1>& sol, const PulseForced& f) {
  double err = 0.0;
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k) err = std::max(err, std::abs(sol.x(0, k) - f.exact(sol.t_s[k])));
  return err;
}

template <class Stepper>
void check_breakpoints_matter(const PulseForced& f, double t1, const char* what) {
  const double tol = 1e-8;
  const ms::StepControl ctl{.rtol = tol, .atol = tol};
  const ms::SaveAt save{.ts_s = ms::linspace(0.0, t1, 201), .every_step = false};
  // The pulse ends are sample times too, so a missed pulse shows in the error.
  std::vector<double> ts = save.ts_s;
  for (double j : f.jumps()) ts.push_back(j + 0.025);
  std::sort(ts.begin(), ts.end());
  const ms::SaveAt save_all{.ts_s = ts};

  ms::OdeProblem<PulseForced, V1> with{f, V1(0.0), 0.0, t1, f.jumps()};
  const auto sw = ms::solve(with, Stepper{}, ctl, save_all);
  const double err_with = max_error<Stepper>(sw, f);
  EXPECT_EQ(sw.stats.n_breakpoints, static_cast<std::int64_t>(f.jumps().size())) << what;
  EXPECT_LE(err_with, 10.0 * tol) << what << " with breakpoints";

  const auto wo = ms::make_problem(f, V1(0.0), 0.0, t1);
  const auto so = ms::solve(wo, Stepper{}, ctl, save_all);
  const double err_without = max_error<Stepper>(so, f);
  EXPECT_EQ(so.stats.n_breakpoints, 0) << what;
  std::cout << "[breakpoints] " << Stepper::name << " " << what << ": error with " << err_with << " ("
            << sw.stats.n_steps << " steps, " << sw.stats.n_rejected << " rejected), without " << err_without << " ("
            << so.stats.n_steps << " steps, " << so.stats.n_rejected << " rejected)\n";
  // Ignoring the breakpoints would make both runs alike: this fails then.
  EXPECT_GT(err_without, 100.0 * err_with) << what;
}

}  // namespace

TEST(Breakpoints, SinglePulseDopri5) {
  check_breakpoints_matter<ms::Dopri5>(single_pulse(), 3.0, "single 50 ms pulse");
}
TEST(Breakpoints, SinglePulseFehlberg78) {
  check_breakpoints_matter<ms::Fehlberg78>(single_pulse(), 3.0, "single 50 ms pulse");
}
TEST(Breakpoints, PulseTrainDopri5) { check_breakpoints_matter<ms::Dopri5>(pulse_train(), 10.0, "train of 10 pulses"); }
TEST(Breakpoints, PulseTrainFehlberg78) {
  check_breakpoints_matter<ms::Fehlberg78>(pulse_train(), 10.0, "train of 10 pulses");
}

TEST(Breakpoints, LandsOnEachJumpExactly) {
  const auto f = pulse_train();
  ms::OdeProblem<PulseForced, V1> p{f, V1(0.0), 0.0, 10.0, f.jumps()};
  for (bool dopri : {true, false}) {
    const auto sol = dopri ? ms::solve(p, ms::Dopri5{}, {}, ms::SaveAt{.every_step = true})
                           : ms::solve(p, ms::Fehlberg78{}, {}, ms::SaveAt{.every_step = true});
    for (double j : f.jumps())
      EXPECT_TRUE(std::find(sol.t_s.begin(), sol.t_s.end(), j) != sol.t_s.end())
          << "no step ends exactly at the jump t = " << j << (dopri ? " (Dopri5)" : " (Fehlberg78)");
  }
}

TEST(Breakpoints, OnlyJumpsInTheSpanCountAndDuplicatesOnce) {
  const auto f = single_pulse();
  // Before or at t0, after t1 and a duplicate are ignored: 1.0, 1.05 and t1 = 3 (a jump at t1
  // counts: the last step must end below it) are landed on.
  ms::OdeProblem<PulseForced, V1> p{f, V1(0.0), 0.0, 3.0, {-1.0, 0.0, 1.05, 1.0, 1.05, 3.0, 7.0}};
  const auto sol = ms::solve(p, ms::Dopri5{});
  EXPECT_EQ(sol.stats.n_breakpoints, 3);
  EXPECT_EQ(sol.t_final_s, 3.0);
  EXPECT_NEAR(sol.x_final[0], f.exact(3.0), 1e-5);
}

TEST(Breakpoints, JumpsOneUlpApartAreOneLanding) {
  // Two sources computing the same instant with different roundings (one leg's contraction end, the other's
  // begin: issue 12 two legs) give jumps one ulp apart: the driver lands on the first and steps on, instead
  // of a 0-s step to the second (step_size_underflow before).
  const auto f = single_pulse();
  const double a = 1.0, b = std::nextafter(1.0, 2.0), c = std::nextafter(b, 2.0);
  ms::OdeProblem<PulseForced, V1> p{f, V1(0.0), 0.0, 3.0, {a, b, c, 1.05}};
  const auto sol = ms::solve(p, ms::Dopri5{});
  ASSERT_TRUE(sol.ok()) << sol.message;
  EXPECT_EQ(sol.stats.n_breakpoints, 2);  // 1.0 (a; b and c within 16 ulp of it are the same landing) and 1.05
  EXPECT_NEAR(sol.x_final[0], f.exact(3.0), 1e-5);
}

TEST(Breakpoints, NonFiniteJumpTimeIsRejected) {
  ms::OdeProblem<PulseForced, V1> p{single_pulse(), V1(0.0), 0.0, 3.0, {1.0, std::nan("")}};
  try {
    (void)ms::solve(p, ms::Dopri5{});
    FAIL() << "expected InvalidArgument";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("discontinuities_s"), std::string::npos) << e.what();
  }
}
