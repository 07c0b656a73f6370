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
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "pattern";
  const int count = argc > 2 ? std::atoi(argv[2]) : 100;
  if (mode != "band" && mode != "pattern" && mode != "dense") {
    std::fprintf(stderr, "count_limb_jacobian: mode: expected band, pattern or dense, got '%s'\n", mode.c_str());
    return 2;
  }
  const char* env = std::getenv("MASSAGESIM_SCENARIO");
  const auto sc = ms::scenario::load_scenario(env ? env : MASSAGESIM_DEFAULT_SCENARIO_FILE);
  const msim::PreparedArm arm = msim::prepare_arm(sc, "massage");
  const double T = arm.schedule->duration_s();
  auto prob = mm::make_limb_problem(arm.limb, arm.schedule, arm.rest_state, 0.0, T, true);
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
