/// Rodas4 on an arrowhead problem (K stiff 3-state blocks in a chain + 2 slow pool states coupled to
/// every block; the shape of the limb with its lactate pool): dense LU, bordered LU with the exact
/// border, and a band solver whose Jacobian is inexact in the border (as when the pool is frozen).
/// Prints steps, Jacobians, error against a tight dense reference and wall time per solve.
///   build/<dir>/benchmarks/massagesim_compare_bordered
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include <Eigen/Core>

#include "arrow_chain.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace ms = massagesim;

namespace {

using stiff_test::ArrowChain;  // the arrowhead system the stiff tests solve (tests/cpp/stiff/arrow_chain.hpp)

template <class Problem>
void row(const char* label, const Problem& p, const ms::Rodas4& cfg, double tol, const Eigen::VectorXd& ref) {
  const int reps = 5;
  ms::Solution<Eigen::VectorXd> sol;
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r)
    sol = ms::solve(
        p, cfg, ms::StepControl{.rtol = tol, .atol = tol * 1e-2, .max_steps = 1'000'000, .throw_on_failure = false});
  const double ms_per = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
  const double err = (sol.x_final - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff();
  std::printf("%-34s %7.0e %7ld %7ld %7ld %11.3e %9.2f  %s\n", label, tol, sol.stats.n_steps, sol.stats.n_rejected,
              sol.stats.n_jac, err, ms_per, ms::to_string(sol.status));
}

}  // namespace

int main() {
  for (int k : {8, 32}) {
    const ArrowChain sys{.k_blocks = k};
    const auto p = ms::make_problem(sys, sys.x0(), 0.0, 200.0);
    const auto ref =
        ms::solve(p, ms::Rodas4{}, ms::StepControl{.rtol = 1e-12, .atol = 1e-14, .max_steps = 10'000'000}).x_final;
    std::printf("ArrowChain K = %d (n = %d, band block kl = ku = 2, border m = 2), t in [0, 200]\n", k, sys.n());
    std::printf("%-34s %7s %7s %7s %7s %11s %9s\n", "linear solver / Jacobian", "rtol", "steps", "rejct", "jac",
                "rel. error", "ms/solve");
    for (double tol : {1e-4, 1e-6, 1e-8}) {
      row("dense LU, exact J", p, ms::Rodas4{}, tol, ref);
      row("bordered LU, exact border", p,
          ms::Rodas4{.linear_solver = ms::LinearSolverKind::bordered,
                     .lower_bandwidth = 2,
                     .upper_bandwidth = 2,
                     .border_size = 2},
          tol, ref);
      // Band solver over all n states with kl = ku = 2: the border couplings lie outside the band, so J
      // is inexact (entries dropped, and colours shared with the border columns pick up their couplings).
      row("band LU kl=ku=2, inexact J", p,
          ms::Rodas4{.linear_solver = ms::LinearSolverKind::banded, .lower_bandwidth = 2, .upper_bandwidth = 2}, tol,
          ref);
    }
  }
  return 0;
}
