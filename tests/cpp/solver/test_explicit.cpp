#include <gtest/gtest.h>

#include <cmath>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"

namespace ms = massagesim;

namespace {
struct HarmonicOscillator {
  template <class V>
  void operator()(const V& x, V& dxdt, double) const {
    dxdt[0] = x[1];
    dxdt[1] = -x[0];
  }
};
}  // namespace

TEST(Dopri5, HarmonicOscillatorToTolerance) {
  const auto p = ms::make_problem(HarmonicOscillator{}, Eigen::Vector2d(0.0, 1.0), 0.0, 10.0);
  const auto sol = ms::solve(p, ms::Dopri5{}, ms::StepControl{.rtol = 1e-9, .atol = 1e-12},
                             ms::SaveAt{.ts_s = ms::linspace(0.0, 10.0, 21)});
  ASSERT_EQ(sol.n_saved(), 21);
  for (Eigen::Index k = 0; k < sol.n_saved(); ++k) EXPECT_NEAR(sol.x(0, k), std::sin(sol.t_s[k]), 1e-7);
}
