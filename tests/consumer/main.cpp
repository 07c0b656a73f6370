// Solves exponential decay with the installed headers and checks the answer.
#include <cmath>
#include <cstdio>

#include <massagesim/massagesim.hpp>

int main() {
  namespace ms = massagesim;
  auto decay = [](const Eigen::Matrix<double, 1, 1>& x, Eigen::Matrix<double, 1, 1>& dxdt, double) {
    dxdt[0] = -0.5 * x[0];
  };
  const auto problem = ms::make_problem(decay, Eigen::Matrix<double, 1, 1>(1.0), 0.0, 2.0);
  const auto sol = ms::solve(problem, ms::Dopri5{}, ms::StepControl{.rtol = 1e-10, .atol = 1e-12});
  const double err = std::abs(sol.x_final[0] - std::exp(-1.0));
  std::printf("consumer: x(2) = %.12f, error %.2e, %ld steps\n", sol.x_final[0], err, (long)sol.stats.n_steps);
  return err < 1e-8 ? 0 : 1;
}
