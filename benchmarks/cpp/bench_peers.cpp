/// Peer comparison on the same equations, in one program: SUNDIALS CVODE (BDF with a dense direct
/// linear solver and an analytic Jacobian; Adams with fixed-point iteration) against massagesim
/// (Rodas4 with AD and with the user Jacobian; Dopri5) on ROBER, HIRES and the forced tissue chain,
/// at several tolerances, each run's error measured against a reference (Test Set values, or a
/// tight solution computed at start-up), so that speed is compared at measured accuracy.
///
/// Names: BM_peers/<problem>/<method>/rtol=<r>,atol=<a>. Counters (per solve): steps, rhs_evals
/// (CVODE: nfe + nfeLS), jac_evals, rejected (CVODE: error-test failures), err (relative error,
/// `peer_problems.hpp::relative_error`), err_tol (max |x - ref| / (atol + rtol |ref|)), and for
/// massagesim floor_ratio = CPU time / (rhs_evals x cost of one RHS) (Rodas4's Jacobian/LU work is
/// above that floor by construction). Extra flags: --peers_quick (chain over 60 s, two tolerances),
/// --peers_chain_t1=<s> (default 3600).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "peer_runs.hpp"

namespace ms = massagesim;
namespace mb = massagesim::bench;

namespace {

// ---- CVODE ----------------------------------------------------------------------------------------

template <class System, int N>
struct CvodeUser {
  using Vec = Eigen::Matrix<double, N, 1>;
  System sys{};

  static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* ud) {
    auto* self = static_cast<CvodeUser*>(ud);
    Eigen::Map<Vec> x(N_VGetArrayPointer(y));
    Eigen::Map<Vec> dx(N_VGetArrayPointer(ydot));
    self->sys(x, dx, t);
    return 0;
  }
  static int jac(sunrealtype t, N_Vector y, N_Vector, SUNMatrix J, void* ud, N_Vector, N_Vector, N_Vector) {
    if constexpr (requires(System s, Vec v, Eigen::Matrix<double, N, N> m) { s.jacobian(v, m, 0.0); }) {
      auto* self = static_cast<CvodeUser*>(ud);
      const Vec x = Eigen::Map<Vec>(N_VGetArrayPointer(y));
      Eigen::Matrix<double, N, N> m;
      self->sys.jacobian(x, m, t);
      std::memcpy(SM_DATA_D(J), m.data(), sizeof(double) * N * N);  // both column-major
      return 0;
    } else {
      return -1;
    }
  }
};

enum class CvMethod { bdf_analytic_jac, bdf_dq_jac, adams };

struct CvCounts {
  long nst = 0, nfe = 0, nfels = 0, nje = 0, netf = 0;
};

void add_counts(void* mem, CvCounts& c, bool has_ls) {
  long v = 0;
  CVodeGetNumSteps(mem, &v), c.nst += v;
  CVodeGetNumRhsEvals(mem, &v), c.nfe += v;
  CVodeGetNumErrTestFails(mem, &v), c.netf += v;
  if (has_ls) {
    CVodeGetNumLinRhsEvals(mem, &v), c.nfels += v;
    CVodeGetNumJacEvals(mem, &v), c.nje += v;
  }
}

/// Integrates with CVODE over [0, t1], re-initialising at every jump of the forcing (as massagesim
/// restarts there), saving at `ts`. Setup (CVodeCreate, linear solver) is part of the timed solve.
template <class System, int N>
mb::PeerRun run_cvode(SUNContext ctx, CvMethod method, double rtol, double atol, double t1,
                      const Eigen::Matrix<double, N, 1>& x0, std::vector<double> ts, std::vector<double> jumps) {
  CvodeUser<System, N> user{};
  mb::PeerRun r;
  r.n_states = N;
  N_Vector y = N_VNew_Serial(N, ctx);
  std::copy(x0.data(), x0.data() + N, N_VGetArrayPointer(y));
  void* mem = CVodeCreate(method == CvMethod::adams ? CV_ADAMS : CV_BDF, ctx);
  CVodeInit(mem, &CvodeUser<System, N>::rhs, 0.0, y);
  CVodeSetUserData(mem, &user);
  CVodeSStolerances(mem, rtol, atol);
  CVodeSetMaxNumSteps(mem, 10'000'000);
  SUNMatrix A = nullptr;
  SUNLinearSolver LS = nullptr;
  SUNNonlinearSolver NLS = nullptr;
  const bool has_ls = method != CvMethod::adams;
  if (has_ls) {
    A = SUNDenseMatrix(N, N, ctx);
    LS = SUNLinSol_Dense(y, A, ctx);
    CVodeSetLinearSolver(mem, LS, A);
    if (method == CvMethod::bdf_analytic_jac) CVodeSetJacFn(mem, &CvodeUser<System, N>::jac);
  } else {
    NLS = SUNNonlinSol_FixedPoint(y, 0, ctx);
    CVodeSetNonlinearSolver(mem, NLS);
  }
  // Breakpoints: jumps inside (0, t1), then t1. Targets: save times and breakpoints, in order.
  std::vector<double> bps;
  for (double j : jumps)
    if (j > 0.0 && j < t1) bps.push_back(j);
  bps.push_back(t1);
  std::vector<double> targets = bps;
  targets.insert(targets.end(), ts.begin(), ts.end());
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  std::size_t next_bp = 0, next_save = 0;
  CVodeSetStopTime(mem, bps[0]);
  double t = 0.0;
  CvCounts c;
  const auto* yp = N_VGetArrayPointer(y);
  for (double tau : targets) {
    if (tau > t) {
      const int flag = CVode(mem, tau, y, &t, CV_NORMAL);
      if (flag < 0) {
        r.ok = false;
        r.message = "CVode failed with flag " + std::to_string(flag) + " at t = " + std::to_string(t);
        break;
      }
      t = tau;
    }
    while (next_save < ts.size() && ts[next_save] <= tau) {
      r.t_s.push_back(ts[next_save++]);
      r.y.insert(r.y.end(), yp, yp + N);
    }
    if (next_bp < bps.size() && bps[next_bp] == tau) {
      ++next_bp;
      if (next_bp < bps.size()) {
        add_counts(mem, c, has_ls);
        CVodeReInit(mem, tau, y);
        CVodeSetStopTime(mem, bps[next_bp]);
      }
    }
  }
  add_counts(mem, c, has_ls);
  r.stats.n_steps = c.nst;
  r.stats.n_rhs = c.nfe + c.nfels;
  r.stats.n_jac = c.nje;
  r.stats.n_rejected = c.netf;
  CVodeFree(&mem);
  if (NLS) SUNNonlinSolFree(NLS);
  if (LS) SUNLinSolFree(LS);
  if (A) SUNMatDestroy(A);
  N_VDestroy(y);
  return r;
}

// ---- the cases --------------------------------------------------------------------------------------

struct Case {
  std::string problem;  // rober, hires, chain8, chain30
  double t1_s;
  std::string label;  // rober_1e5, rober_1e11, hires, chain8, chain30
};

struct Tol {
  double rtol, atol;
};

std::map<std::string, mb::PeerRun>& references() {
  static std::map<std::string, mb::PeerRun> refs;
  return refs;
}

const mb::PeerRun& reference_for(const Case& c) {
  auto& refs = references();
  auto it = refs.find(c.label);
  if (it == refs.end()) it = refs.emplace(c.label, mb::reference(c.problem, c.t1_s)).first;
  return it->second;
}

double err_tol(const mb::PeerRun& r, const mb::PeerRun& ref, Tol tol) {
  double m = 0.0;
  for (std::size_t i = 0; i < ref.y.size() && i < r.y.size(); ++i)
    m = std::max(m, std::abs(r.y[i] - ref.y[i]) / (tol.atol + tol.rtol * std::abs(ref.y[i])));
  return m;
}

mb::PeerRun run_cvode_case(SUNContext ctx, const Case& c, CvMethod m, Tol tol) {
  const auto ts = mb::save_times(c.problem, c.t1_s);
  if (c.problem == "rober")
    return run_cvode<mb::Rober, 3>(ctx, m, tol.rtol, tol.atol, c.t1_s, Eigen::Vector3d(1, 0, 0), ts, {});
  if (c.problem == "hires")
    return run_cvode<mb::Hires, 8>(ctx, m, tol.rtol, tol.atol, c.t1_s, stiff_test::hires_x0(), ts, {});
  if (c.problem == "chain8") {
    const mb::TissueChain<4> s{};
    return run_cvode<mb::TissueChain<4>, 8>(ctx, m, tol.rtol, tol.atol, c.t1_s, s.x0<Eigen::Matrix<double, 8, 1>>(), ts,
                                            s.jumps(c.t1_s));
  }
  const mb::TissueChain<15> s{};
  return run_cvode<mb::TissueChain<15>, 30>(ctx, m, tol.rtol, tol.atol, c.t1_s, s.x0<Eigen::Matrix<double, 30, 1>>(),
                                            ts, s.jumps(c.t1_s));
}

benchmark::Counter per_iteration(double total) { return benchmark::Counter(total, benchmark::Counter::kAvgIterations); }

void report(benchmark::State& bs, const mb::PeerRun& last, const Case& c, Tol tol, double rhs, double steps, double jac,
            double rej, double cpu_ns, double rhs_cost) {
  const auto& ref = reference_for(c);
  bs.counters["steps"] = per_iteration(steps);
  bs.counters["rhs_evals"] = per_iteration(rhs);
  bs.counters["jac_evals"] = per_iteration(jac);
  bs.counters["rejected"] = per_iteration(rej);
  bs.counters["err"] = mb::relative_error(last.y, ref.y, last.n_states);
  bs.counters["err_tol"] = err_tol(last, ref, tol);
  bs.counters["cpu_ms_per_solve"] = cpu_ns / 1e6 / static_cast<double>(bs.iterations());
  if (rhs_cost > 0.0) {
    bs.counters["rhs_cost_ns"] = rhs_cost;
    bs.counters["floor_ratio"] = cpu_ns / (rhs * rhs_cost);
  }
}

void BM_cvode(benchmark::State& bs, Case c, CvMethod m, Tol tol) {
  SUNContext ctx = nullptr;
  SUNContext_Create(nullptr, &ctx);
  reference_for(c);
  double rhs = 0, steps = 0, jac = 0, rej = 0;
  mb::PeerRun last;
  const double c0 = mb::thread_cpu_ns();
  for (auto _ : bs) {
    last = run_cvode_case(ctx, c, m, tol);
    benchmark::DoNotOptimize(last.y.data());
    rhs += static_cast<double>(last.stats.n_rhs), steps += static_cast<double>(last.stats.n_steps);
    jac += static_cast<double>(last.stats.n_jac), rej += static_cast<double>(last.stats.n_rejected);
    if (!last.ok) {
      bs.SkipWithError(last.message.c_str());
      break;
    }
  }
  const double cpu = mb::thread_cpu_ns() - c0;
  SUNContext_Free(&ctx);
  if (last.ok) report(bs, last, c, tol, rhs, steps, jac, rej, cpu, 0.0);
}

void BM_massagesim(benchmark::State& bs, Case c, std::string method, Tol tol) {
  reference_for(c);
  const double rhs_cost = mb::rhs_cost_ns(c.problem);
  double rhs = 0, steps = 0, jac = 0, rej = 0;
  mb::PeerRun last;
  const double c0 = mb::thread_cpu_ns();
  for (auto _ : bs) {
    last = mb::run_massagesim(c.problem, method, tol.rtol, tol.atol, c.t1_s);
    benchmark::DoNotOptimize(last.y.data());
    rhs += static_cast<double>(last.stats.n_rhs), steps += static_cast<double>(last.stats.n_steps);
    jac += static_cast<double>(last.stats.n_jac), rej += static_cast<double>(last.stats.n_rejected);
    if (!last.ok) {
      bs.SkipWithError(last.message.c_str());
      break;
    }
  }
  const double cpu = mb::thread_cpu_ns() - c0;
  if (last.ok) report(bs, last, c, tol, rhs, steps, jac, rej, cpu, rhs_cost);
}

std::string tol_name(Tol t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "rtol=%.0e,atol=%.0e", t.rtol, t.atol);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  double chain_t1 = 3600.0;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--peers_quick") {
      quick = true;
      chain_t1 = 60.0;
    } else if (a.rfind("--peers_chain_t1=", 0) == 0) {
      chain_t1 = std::stod(a.substr(17));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;

  const std::vector<Tol> stiff_tols =
      quick ? std::vector<Tol>{{1e-6, 1e-6}, {1e-8, 1e-8}}
            : std::vector<Tol>{{1e-4, 1e-4}, {1e-6, 1e-6}, {1e-8, 1e-8}, {1e-10, 1e-10}, {1e-6, 1e-10}};
  const std::vector<Tol> chain_tols = quick ? std::vector<Tol>{{1e-4, 1e-6}, {1e-6, 1e-8}}
                                            : std::vector<Tol>{{1e-4, 1e-6}, {1e-6, 1e-8}, {1e-8, 1e-10}};
  const std::vector<Case> stiff = {
      {"rober", 1e5, "rober_1e5"}, {"rober", 1e11, "rober_1e11"}, {"hires", 321.8122, "hires"}};
  const std::vector<Case> chains = {{"chain8", chain_t1, "chain8"}, {"chain30", chain_t1, "chain30"}};

  auto name = [](const Case& c, const std::string& m, Tol t) {
    return "BM_peers/" + c.label + "/" + m + "/" + tol_name(t);
  };
  for (const auto& c : stiff)
    for (Tol t : stiff_tols) {
      benchmark::RegisterBenchmark(name(c, "cvode_bdf", t).c_str(), BM_cvode, c, CvMethod::bdf_analytic_jac, t)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(name(c, "rodas4_ad", t).c_str(), BM_massagesim, c, std::string("rodas4"), t)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(name(c, "rodas4_user", t).c_str(), BM_massagesim, c, std::string("rodas4_user"), t)
          ->Unit(benchmark::kMillisecond);
    }
  for (const auto& c : chains)
    for (Tol t : chain_tols) {
      benchmark::RegisterBenchmark(name(c, "cvode_adams", t).c_str(), BM_cvode, c, CvMethod::adams, t)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(name(c, "cvode_bdf", t).c_str(), BM_cvode, c, CvMethod::bdf_dq_jac, t)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(name(c, "dopri5", t).c_str(), BM_massagesim, c, std::string("dopri5"), t)
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(name(c, "rodas4_ad", t).c_str(), BM_massagesim, c, std::string("rodas4"), t)
          ->Unit(benchmark::kMillisecond);
    }
  benchmark::AddCustomContext("sundials", SUNDIALS_VERSION);
  benchmark::AddCustomContext("chain_t1_s", std::to_string(chain_t1));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
