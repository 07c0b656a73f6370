/// Instructions per Jacobian of the default scenario's limb (issue 15): the bordered AD Jacobian as
/// Rodas4 evaluates it, with band colouring (today's) or coloured by the measured sparsity pattern
/// (`Rodas4::jacobian_pattern`), and the dense AD Jacobian. Count with callgrind, only inside
/// `count_these_jacobians` (setup excluded):
///
///   valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
///       --toggle-collect='*count_these_jacobians*' build/x/benchmarks/massagesim_count_limb_jacobian pattern 100
///
/// and divide the reported instruction count (Ir, "Collected") by the count (100). Modes: band,
/// pattern, dense. Prints the number of AD directions of each mode. The Jacobian is taken at the
/// arm's rest state at the middle of each protocol phase in turn (inputs of every phase).
///
/// Mode `scenario [K]`: the scenario path's pattern (`simulation::limb_jacobian_pattern`) on both arms
/// of the default scenario, with its Rodas4 variant (rodas4p2 when the scenario names it, else rodas4: the
/// guard's interval is a Rodas4 setting), tolerances and dt_max on a 1-s save grid:
/// nonzeros of the detected pattern, of the union of exact Jacobians at every saved state of the solve
/// (and how many of those the detected one misses), thread CPU time of detection and of the solve with
/// band colouring and with the pattern (guard every K Jacobians, default Rodas4's), the guard's checks
/// and widenings, and the largest difference between the two solutions (0: bitwise identical).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/prepared_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/solver/jacobian.hpp"

namespace ms = massagesim;
namespace mm = massagesim::models;
namespace msim = massagesim::simulation;

namespace {

using Problem =
    decltype(mm::make_limb_problem(std::shared_ptr<const mm::Limb>{}, nullptr, mm::Limb::State{}, 0.0, 1.0, true));
using System = decltype(Problem::system);
using Eval = ms::JacobianEvaluator<System, mm::Limb::State>;

[[gnu::noinline]] double count_these_jacobians(Eval& ev, System& sys, const std::vector<mm::Limb::State>& xs,
                                               const std::vector<double>& ts, const std::vector<mm::Limb::State>& fs,
                                               ms::BorderedMatrix& B, Eval::DenseJacobian* D, int count) {
  ms::Stats st;
  double sink = 0.0;
  for (int k = 0; k < count; ++k) {
    const std::size_t i = static_cast<std::size_t>(k) % xs.size();
    if (D) {
      ev.dense(sys, xs[i], ts[i], fs[i], *D, st);
      sink += (*D)(0, 0);
    } else {
      ev.bordered(sys, xs[i], ts[i], fs[i], B, st);
      sink += B(0, 0);
    }
  }
  return sink;
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Mode `scenario` (see the file comment).
int scenario_mode(const ms::scenario::Scenario& sc, int check_interval) {
  for (const auto& a : sc.arms) {
    const msim::PreparedArm arm = msim::prepare_arm(sc, a.name);
    const std::vector<double> ts = msim::prepared_arm_save_times(arm, 1.0);
    auto prob = msim::prepared_arm_problem(arm);
    const double c0 = thread_cpu_s();
    auto pattern = std::make_shared<const ms::SparsityPattern>(msim::limb_jacobian_pattern(prob));
    const double detect_s = thread_cpu_s() - c0;
    const ms::StepControl ctl = msim::scenario_step_control(sc.solver, /*throw_on_failure=*/false);
    ms::Rodas4 band = msim::limb_rodas4(*arm.limb, false,
                                        sc.solver.stepper == "rodas4p2" ? ms::rodas4p2_tableau : ms::rodas4_tableau);
    ms::Rodas4 coloured = band;
    coloured.jacobian_pattern = pattern;
    if (check_interval > 0) coloured.pattern_check_interval = check_interval;
    const double c1 = thread_cpu_s();
    const auto sb = ms::solve(prob, band, ctl, ms::SaveAt{.ts_s = ts});
    const double band_s = thread_cpu_s() - c1;
    const double c2 = thread_cpu_s();
    const auto sp = ms::solve(prob, coloured, ctl, ms::SaveAt{.ts_s = ts});
    const double pattern_s = thread_cpu_s() - c2;
    // The nonzeros the solve met: exact Jacobians at every saved state (its own inputs).
    ms::SparsityPattern seen(pattern->n());
    seen.add_diagonal();
    for (Eigen::Index k = 0; k < sb.x.cols(); ++k)
      seen.add_nonzeros(
          ms::jacobian_ad(prob.system, mm::Limb::State(sb.x.col(k)), sb.t_s[static_cast<std::size_t>(k)]));
    long missed = 0;
    for (Eigen::Index i = 0; i < seen.n(); ++i)
      for (Eigen::Index j = 0; j < seen.n(); ++j) missed += seen.contains(i, j) && !pattern->contains(i, j) ? 1 : 0;
    double diff = 0.0;
    if (sb.x.cols() == sp.x.cols())
      for (Eigen::Index k = 0; k < sb.x.cols(); ++k)
        for (Eigen::Index i = 0; i < sb.x.rows(); ++i) {
          const double a0 = sb.x(i, k), a1 = sp.x(i, k);
          if (a0 != a1) diff = std::max(diff, std::abs(a1 - a0) / std::max(std::abs(a0), 1e-300));
        }
    else
      diff = INFINITY;
    std::printf(
        "arm %s (%s, rtol %g): detected pattern %ld nonzeros in %.4f s; met along the solve %ld, of them "
        "missed by the detected %ld\n",
        arm.arm.c_str(), sc.solver.stepper == "rodas4p2" ? "rodas4p2" : "rodas4", sc.solver.rtol,
        static_cast<long>(pattern->nnz()), detect_s, static_cast<long>(seen.nnz()), missed);
    std::printf("  band:    %.3f s, %ld steps, %ld Jacobians, %s\n", band_s, static_cast<long>(sb.stats.n_steps),
                static_cast<long>(sb.stats.n_jac), sb.ok() ? "ok" : sb.message.c_str());
    std::printf(
        "  pattern: %.3f s (+ %.4f s detection), %ld steps, %ld Jacobians, %ld checks (interval %d), %ld "
        "widenings, %s; max relative difference to band %.3g\n",
        pattern_s, detect_s, static_cast<long>(sp.stats.n_steps), static_cast<long>(sp.stats.n_jac),
        static_cast<long>(sp.stats.n_pattern_checks), coloured.pattern_check_interval,
        static_cast<long>(sp.stats.n_pattern_widenings), sp.ok() ? "ok" : sp.message.c_str(), diff);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "pattern";
  const int count = argc > 2 ? std::atoi(argv[2]) : 100;
  if (mode != "band" && mode != "pattern" && mode != "dense" && mode != "scenario") {
    std::fprintf(stderr, "count_limb_jacobian: mode: expected band, pattern, dense or scenario, got '%s'\n",
                 mode.c_str());
    return 2;
  }
  const char* env = std::getenv("MASSAGESIM_SCENARIO");
  const auto sc = ms::scenario::load_scenario(env ? env : MASSAGESIM_DEFAULT_SCENARIO_FILE);
  if (mode == "scenario") return scenario_mode(sc, argc > 2 ? count : 0);
  const msim::PreparedArm arm = msim::prepare_arm(sc, "massage");
  const double T = arm.schedule->duration_s();
  auto prob = msim::prepared_arm_problem(arm);
  const auto& limb = *arm.limb;
  const Eigen::Index n = limb.n_states(), m = limb.n_pool_states();
  std::vector<mm::Limb::State> xs, fs;
  std::vector<double> ts;
  std::vector<double> edges{0.0};
  for (double b : arm.breakpoints_s) edges.push_back(b);
  edges.push_back(T);
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    if (!(edges[k + 1] > edges[k])) continue;
    ts.push_back(0.5 * (edges[k] + edges[k + 1]));
    xs.push_back(arm.rest_state);
    mm::Limb::State f(n);
    prob.system(xs.back(), f, ts.back());
    fs.push_back(f);
  }
  Eval ev(ms::JacobianKind::automatic, n, mode == "dense" ? n - 1 : limb.lower_bandwidth(),
          mode == "dense" ? n - 1 : limb.upper_bandwidth());
  long directions =
      mode == "dense"
          ? static_cast<long>(n)
          : static_cast<long>(std::min<Eigen::Index>(limb.lower_bandwidth() + limb.upper_bandwidth() + 1 + m, n) +
                              (n - m));
  if (mode == "pattern") {
    ev.set_pattern(std::make_shared<const ms::SparsityPattern>(ms::detect_jacobian_pattern(prob.system, xs, ts, 2)), m);
    directions = static_cast<long>(ev.n_pattern_directions());
    std::printf("pattern: %ld nonzeros\n", static_cast<long>(ev.pattern()->nnz()));
  }
  ms::BorderedMatrix B(n - m, limb.lower_bandwidth(), limb.upper_bandwidth(), m);
  Eval::DenseJacobian D(n, n);
  const double sink = count_these_jacobians(ev, prob.system, xs, ts, fs, B, mode == "dense" ? &D : nullptr, count);
  std::printf("mode %s: %d Jacobians, %ld AD directions each, %zu input phases (checksum %.6g)\n", mode.c_str(), count,
              directions, xs.size(), sink);
  return 0;
}
