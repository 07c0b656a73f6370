/// Peer comparison on the same equations, in one program: SUNDIALS CVODE (BDF with a dense direct
/// linear solver and an analytic Jacobian; Adams with fixed-point iteration) against massagesim
/// (Rodas4 with AD and with the user Jacobian; Dopri5) on ROBER, HIRES, VDPOL, OREGO and the forced
/// tissue chain, at several tolerances, each run's error measured against a reference (Test Set
/// values, or a tight solution computed at start-up), so that speed is compared at measured accuracy.
/// CVODE's setup is shared with compare_cvode_limb.cpp (`cvode_peer.hpp`).
///
/// Names: BM_peers/<problem>/<method>/rtol=<r>,atol=<a>. Counters (per solve): steps, rhs_evals
/// (CVODE: nfe + nfeLS), jac_evals, rejected (CVODE: error-test failures), err (relative error,
/// `peer_problems.hpp::relative_error`), err_tol (max |x - ref| / (atol + rtol |ref|)), and for
/// massagesim floor_ratio = CPU time / (rhs_evals x cost of one RHS) (Rodas4's Jacobian/LU work is
/// above that floor by construction). Extra flags: --peers_quick (chain over 60 s, two tolerances),
/// --peers_chain_t1=<s> (default 3600).
///
/// --peers_stiff_table=DIR instead runs the stiff test-problem table of issue 15 (no Google
/// Benchmark): CVODE BDF (dense LU, analytic Jacobian) at rtol 1e-6 ... 1e-10 against Rodas4 and
/// Rodas4P2 (hand-written and AD Jacobians) on ROBER [0, 1e11], HIRES, VDPOL (eps = 1e-6) and OREGO,
/// errors against the Test Set reference values, CPU time the fastest of --peers_repeats=R (7) runs
/// and at least --peers_min_time_s=S (0.2) per point, ratios at CVODE's error interpolated on
/// massagesim's work-precision curve (`peer_problems.hpp::cpu_at_error`); writes
/// DIR/stiff_peers.csv, stiff_peers_ratios.csv and stiff_peers.md. With --peers_quick: rtol 1e-6 and
/// 1e-8, one run each (the ctest smoke run).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cvode_peer.hpp"
#include "peer_runs.hpp"
#include "work_precision.hpp"

namespace ms = massagesim;
namespace mb = massagesim::bench;
using mb::fmt;
using mb::load_average;

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

/// Integrates with CVODE over [0, t1], re-initialising at every jump of the forcing (as massagesim
/// restarts there), saving at `ts` (`cvode_peer.hpp`). Setup (CVodeCreate, linear solver) is part
/// of the timed solve. BDF: dense LU with the analytic Jacobian or CVODE's difference quotients;
/// Adams: fixed-point iteration.
template <class System, int N>
mb::PeerRun run_cvode(SUNContext ctx, CvMethod method, double rtol, double atol, double t1,
                      const Eigen::Matrix<double, N, 1>& x0, std::vector<double> ts, std::vector<double> jumps) {
  CvodeUser<System, N> user{};
  mb::PeerRun r;
  r.n_states = N;
  const mb::CvodeOptions opt{
      .lmm = method == CvMethod::adams ? CV_ADAMS : CV_BDF,
      .linear_solver = method == CvMethod::adams ? mb::CvodeLinearSolver::none : mb::CvodeLinearSolver::dense,
      .jacobian = method == CvMethod::bdf_analytic_jac ? &CvodeUser<System, N>::jac : nullptr,
      .rtol = rtol,
      .atol = atol};
  mb::CvodeRun cv(ctx, opt, &CvodeUser<System, N>::rhs, &user, x0.data(), N);
  const auto out = cv.integrate(t1, ts, jumps, [&](std::size_t k, const double* y) {
    r.t_s.push_back(ts[k]);
    r.y.insert(r.y.end(), y, y + N);
  });
  r.ok = out.ok;
  r.message = out.message;
  r.stats.n_steps = out.counts.nst;
  r.stats.n_rhs = out.counts.nfe + out.counts.nfels;
  r.stats.n_jac = out.counts.nje;
  r.stats.n_rejected = out.counts.netf;
  r.stats.n_lu = out.counts.nsetups;  // each linear-solver setup is one dense LU of I - gamma J
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
  if (c.problem == "vdpol") return run_cvode<mb::Vdpol, 2>(ctx, m, tol.rtol, tol.atol, c.t1_s, mb::vdpol_x0(), ts, {});
  if (c.problem == "orego") return run_cvode<mb::Orego, 3>(ctx, m, tol.rtol, tol.atol, c.t1_s, mb::orego_x0(), ts, {});
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

/// The timed loop of one benchmark: `solve_once()` per iteration, counters summed, the first
/// failure reported as the benchmark's error.
template <class Solve>
void timed_solves(benchmark::State& bs, const Case& c, Tol tol, double rhs_cost, Solve&& solve_once) {
  double rhs = 0, steps = 0, jac = 0, rej = 0;
  mb::PeerRun last;
  const double c0 = mb::thread_cpu_ns();
  for (auto _ : bs) {
    last = solve_once();
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

void BM_cvode(benchmark::State& bs, Case c, CvMethod m, Tol tol) {
  const mb::SunContext ctx;
  reference_for(c);
  timed_solves(bs, c, tol, 0.0, [&] { return run_cvode_case(ctx, c, m, tol); });
}

void BM_massagesim(benchmark::State& bs, Case c, std::string method, Tol tol) {
  reference_for(c);
  const double rhs_cost = mb::rhs_cost_ns(c.problem);
  timed_solves(bs, c, tol, rhs_cost, [&] { return mb::run_massagesim(c.problem, method, tol.rtol, tol.atol, c.t1_s); });
}

std::string tol_name(Tol t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "rtol=%.0e,atol=%.0e", t.rtol, t.atol);
  return buf;
}

// ---- the stiff test-problem table (--peers_stiff_table=DIR) ----------------------------------------

/// One problem of the table: Test Set interval and reference, atol = atol_per_rtol x rtol.
struct StiffProblem {
  std::string problem;
  double t1_s;
  double atol_per_rtol;
};

/// One row of stiff_peers.csv: the fastest of the repeats, its counts and its error.
struct TableRow {
  std::string problem, method;
  double rtol = 0, atol = 0;
  bool ok = true;
  std::string message;
  double cpu_s = NAN;
  int repeats = 0;
  double err = NAN, scd = NAN, mescd = NAN, scd_componentwise = NAN;
  long steps = 0, rejected = 0, rhs = 0, jac = 0, lu = 0;
  std::vector<double> y;  // final state of the fastest run
};

/// Runs `solve_once` (returns a PeerRun) at least `min_repeats` times and until `min_time_s` of CPU
/// time is spent (at most 10 000 times); keeps the fastest run, timed from outside the call, so
/// that CVODE's setup and massagesim's problem construction are both inside the time.
template <class Solve>
TableRow fastest_of(Solve&& solve_once, int min_repeats, double min_time_s) {
  TableRow row;
  mb::PeerRun best;
  double total_s = 0.0;
  for (int k = 0; k < 10000; ++k) {
    const double c0 = mb::thread_cpu_ns();
    mb::PeerRun r = solve_once();
    const double cpu_s = (mb::thread_cpu_ns() - c0) * 1e-9;
    benchmark::DoNotOptimize(r.y.data());
    total_s += cpu_s;
    ++row.repeats;
    if (k == 0 || cpu_s < row.cpu_s) {
      row.cpu_s = cpu_s;
      best = std::move(r);
    }
    if (!best.ok || (row.repeats >= min_repeats && total_s >= min_time_s)) break;
  }
  row.ok = best.ok;
  row.message = best.message;
  row.steps = best.stats.n_steps, row.rejected = best.stats.n_rejected, row.rhs = best.stats.n_rhs;
  row.jac = best.stats.n_jac, row.lu = best.stats.n_lu;
  row.y = std::move(best.y);
  return row;
}

/// CVODE (BDF, dense LU, analytic Jacobian) and massagesim's Rodas4 / Rodas4P2 (hand-written and AD
/// Jacobians) on ROBER, HIRES, VDPOL and OREGO at rtol 1e-6 ... 1e-10; massagesim also at 1e-5 and
/// 1e-11, 1e-12, so that its work-precision curve reaches CVODE's errors at both ends. Writes
/// DIR/stiff_peers.csv (every run), DIR/stiff_peers_ratios.csv and DIR/stiff_peers.md.
int run_stiff_table(const std::filesystem::path& out, bool quick, int min_repeats, double min_time_s) {
  // atol as in the Test Set's work-precision runs (see benchmarks/README.md): 1e-4 rtol for ROBER
  // and HIRES (small components), atol = rtol for VDPOL and OREGO.
  const std::vector<StiffProblem> problems{
      {"rober", 1e11, 1e-4}, {"hires", 321.8122, 1e-4}, {"vdpol", 2.0, 1.0}, {"orego", 360.0, 1.0}};
  const std::vector<double> cvode_rtols =
      quick ? std::vector<double>{1e-6, 1e-8} : std::vector<double>{1e-6, 1e-7, 1e-8, 1e-9, 1e-10};
  const std::vector<double> ms_rtols =
      quick ? std::vector<double>{1e-6, 1e-8} : std::vector<double>{1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12};
  const std::vector<std::string> steppers{"rodas4_user", "rodas4p2_user", "rodas4", "rodas4p2"};
  const double goal_rtol = cvode_rtols.back();
  std::filesystem::create_directories(out);
  const std::string load_start = load_average();
  const mb::SunContext ctx;

  std::vector<TableRow> rows;
  std::ostringstream refs_md;
  for (const auto& sp : problems) {
    const mb::PeerRun ref = mb::reference(sp.problem, sp.t1_s);
    // Check of the Test Set values as transcribed: massagesim's tightest run against them.
    const double check_rtol = 1e-13;
    const mb::PeerRun check =
        mb::run_massagesim(sp.problem, "rodas4p2_user", check_rtol, sp.atol_per_rtol * check_rtol, sp.t1_s);
    const double check_err = check.ok ? mb::relative_error(check.y, ref.y, ref.n_states) : NAN;
    refs_md << "| " << sp.problem << " | [0, " << fmt(sp.t1_s, "%.7g") << "] | " << ref.message << " | "
            << fmt(sp.atol_per_rtol, "%.0e") << " rtol | " << fmt(check_err, "%.2e") << " |\n";
    std::cerr << sp.problem << ": reference " << ref.message << "; Rodas4P2 at rtol 1e-13 differs by " << check_err
              << "\n";
    auto finish = [&](TableRow row, const std::string& method, double rtol, double atol) {
      row.problem = sp.problem;
      row.method = method;
      row.rtol = rtol;
      row.atol = atol;
      if (row.ok) {
        row.err = mb::relative_error(row.y, ref.y, ref.n_states);
        row.scd = -std::log10(row.err);
        row.mescd = mb::mescd(row.y, ref.y, rtol, atol);
        double rel = 0.0;  // every component relative to itself, no floor (ROBER's y2 ~ 8e-14 too)
        for (std::size_t i = 0; i < ref.y.size(); ++i)
          if (ref.y[i] != 0.0) rel = std::max(rel, std::abs(row.y[i] - ref.y[i]) / std::abs(ref.y[i]));
        row.scd_componentwise = -std::log10(rel);
      }
      std::cerr << "  " << method << " rtol " << rtol << ": " << row.cpu_s * 1e3 << " ms (min of " << row.repeats
                << "), " << row.steps << " steps, err " << row.err << (row.ok ? "" : " FAILED: " + row.message) << "\n";
      rows.push_back(std::move(row));
    };
    const Case c{sp.problem, sp.t1_s, sp.problem};
    for (double rtol : cvode_rtols) {
      const double atol = sp.atol_per_rtol * rtol;
      TableRow row = fastest_of(
          [&] {
            return run_cvode_case(ctx, c, CvMethod::bdf_analytic_jac, Tol{rtol, atol});
          },
          min_repeats, min_time_s);
      finish(std::move(row), "cvode_bdf", rtol, atol);
    }
    for (const auto& m : steppers)
      for (double rtol : ms_rtols) {
        const double atol = sp.atol_per_rtol * rtol;
        TableRow row =
            fastest_of([&] { return mb::run_massagesim(sp.problem, m, rtol, atol, sp.t1_s); }, min_repeats, min_time_s);
        finish(std::move(row), m, rtol, atol);
      }
  }
  const std::string load_end = load_average();

  std::ofstream csv(out / "stiff_peers.csv");
  csv << "problem,method,rtol,atol,ok,cpu_s,repeats,err,scd,mescd,scd_componentwise,steps,rejected,rhs_evals,"
         "jac_evals,lu_factorisations\n";
  for (const auto& r : rows)
    csv << r.problem << "," << r.method << "," << r.rtol << "," << r.atol << "," << (r.ok ? 1 : 0) << ","
        << fmt(r.cpu_s, "%.6g") << "," << r.repeats << "," << fmt(r.err, "%.4g") << "," << fmt(r.scd, "%.3f") << ","
        << fmt(r.mescd, "%.3f") << "," << fmt(r.scd_componentwise, "%.3f") << "," << r.steps << "," << r.rejected << ","
        << r.rhs << "," << r.jac << "," << r.lu << "\n";

  // Ratio at CVODE's error: CVODE's time / the stepper's time interpolated on its curve.
  std::ofstream rcsv(out / "stiff_peers_ratios.csv");
  rcsv << "problem,rtol,cvode_err,cvode_cpu_s,stepper,stepper_cpu_s_at_cvode_err,bound,ratio_cvode_over_stepper\n";
  std::ostringstream md, goal;
  md << "CVODE (BDF, dense LU, analytic Jacobian) vs massagesim on the Test Set problems "
        "(`results/stiff_peers.csv`; thread CPU time, the fastest of >= "
     << min_repeats << " runs and >= " << min_time_s << " s per point; load average " << load_start << " -> "
     << load_end << "):\n\n";
  md << "| problem | interval | reference | atol | Rodas4P2 at rtol 1e-13 vs reference |\n|---|---|---|---|---|\n"
     << refs_md.str();
  md << "\nCVODE time / stepper time at CVODE's error (> 1: massagesim faster; \">=\": the stepper's loosest run "
        "was already more accurate; \"—\": none of its runs was as accurate):\n\n";
  md << "| problem | rtol | CVODE error | CVODE ms |";
  for (const auto& s : steppers) md << " " << s << " |";
  md << "\n|---|---|---|---|";
  for (std::size_t k = 0; k < steppers.size(); ++k) md << "---|";
  md << "\n";
  goal << "\nGoal of issue 15 (massagesim >= 2x CVODE at matched error at rtol 1e-6 ... 1e-10, >= 7 correct "
          "digits at rtol "
       << fmt(goal_rtol, "%.0e")
       << "); \"best\" is the massagesim stepper with the largest ratio at that tolerance, scd its correct digits "
          "at the same rtol (and, stricter, every component relative to itself):\n\n"
          "| problem | rtol | best | ratio | >= 2x | scd (best) | >= 7 digits | componentwise scd |\n"
          "|---|---|---|---|---|---|---|---|\n";
  for (const auto& sp : problems)
    for (double rtol : cvode_rtols) {
      const TableRow* cv = nullptr;
      for (const auto& r : rows)
        if (r.problem == sp.problem && r.method == "cvode_bdf" && r.rtol == rtol) cv = &r;
      if (!cv || !cv->ok) {
        md << "| " << sp.problem << " | " << fmt(rtol, "%.0e") << " | CVODE failed |\n";
        continue;
      }
      md << "| " << sp.problem << " | " << fmt(rtol, "%.0e") << " | " << fmt(cv->err, "%.2e") << " | "
         << fmt(cv->cpu_s * 1e3, "%.3g") << " |";
      double best_ratio = NAN;
      std::string best_method, best_bound;
      for (const auto& s : steppers) {
        std::vector<std::pair<double, double>> pts;
        for (const auto& r : rows)
          if (r.problem == sp.problem && r.method == s && r.ok) pts.emplace_back(r.err, r.cpu_s);
        std::string bound;
        const double c = mb::cpu_at_error(pts, cv->err, bound);
        const double ratio = cv->cpu_s / c;
        rcsv << sp.problem << "," << rtol << "," << fmt(cv->err, "%.4g") << "," << fmt(cv->cpu_s, "%.6g") << "," << s
             << "," << fmt(c, "%.6g") << "," << bound << "," << fmt(ratio, "%.4g") << "\n";
        md << " " << (std::isfinite(ratio) ? (bound == "<=" ? ">= " : "") + fmt(ratio, "%.2f") : "—") << " |";
        if (std::isfinite(ratio) && !(ratio <= best_ratio)) best_ratio = ratio, best_method = s, best_bound = bound;
      }
      md << "\n";
      double scd = NAN, scd_cw = NAN;
      for (const auto& r : rows)
        if (r.problem == sp.problem && r.method == best_method && r.rtol == rtol)
          scd = r.scd, scd_cw = r.scd_componentwise;
      goal << "| " << sp.problem << " | " << fmt(rtol, "%.0e") << " | " << (best_method.empty() ? "—" : best_method)
           << " | " << (best_bound == "<=" ? ">= " : "") << fmt(best_ratio, "%.2f") << " | "
           << (std::isfinite(best_ratio) && best_ratio >= 2.0 ? "yes" : "**no**") << " | " << fmt(scd, "%.2f") << " | "
           << (rtol == goal_rtol ? (scd >= 7.0 ? "yes" : "**no**") : "") << " | " << fmt(scd_cw, "%.2f") << " |\n";
    }
  md << goal.str();
  md << "\nEvery run (CPU ms / error / steps / RHS / Jacobians / LU):\n\n"
        "| problem | method | rtol | CPU ms | error | scd | mescd | componentwise scd | steps | RHS | Jacobians | LU "
        "|\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    md << "| " << r.problem << " | " << r.method << " | " << fmt(r.rtol, "%.0e") << " | " << fmt(r.cpu_s * 1e3, "%.3g")
       << " | " << (r.ok ? fmt(r.err, "%.2e") : "failed") << " | " << fmt(r.scd, "%.2f") << " | "
       << fmt(r.mescd, "%.2f") << " | " << fmt(r.scd_componentwise, "%.2f") << " | " << r.steps << " | " << r.rhs
       << " | " << r.jac << " | " << r.lu << " |\n";
  std::ofstream(out / "stiff_peers.md") << md.str();
  std::cout << md.str() << "\nwrote " << out.string() << "/stiff_peers.{csv,md}, stiff_peers_ratios.csv\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  double chain_t1 = 3600.0;
  std::string table_dir;
  int table_repeats = 7;
  double table_min_time_s = 0.2;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--peers_quick") {
      quick = true;
      chain_t1 = 60.0;
    } else if (a.rfind("--peers_chain_t1=", 0) == 0) {
      chain_t1 = std::stod(a.substr(17));
    } else if (a.rfind("--peers_stiff_table=", 0) == 0) {
      table_dir = a.substr(20);
    } else if (a.rfind("--peers_repeats=", 0) == 0) {
      table_repeats = std::max(1, std::stoi(a.substr(16)));
    } else if (a.rfind("--peers_min_time_s=", 0) == 0) {
      table_min_time_s = std::stod(a.substr(19));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (!table_dir.empty()) {
    if (argc > 1) {
      std::cerr << "massagesim_bench_peers --peers_stiff_table: unexpected argument '" << argv[1]
                << "'; expected --peers_quick, --peers_repeats=R, --peers_min_time_s=S\n";
      return 2;
    }
    return run_stiff_table(table_dir, quick, quick ? 1 : table_repeats, quick ? 0.0 : table_min_time_s);
  }

  const std::vector<Tol> stiff_tols =
      quick ? std::vector<Tol>{{1e-6, 1e-6}, {1e-8, 1e-8}}
            : std::vector<Tol>{{1e-4, 1e-4}, {1e-6, 1e-6}, {1e-8, 1e-8}, {1e-10, 1e-10}, {1e-6, 1e-10}};
  const std::vector<Tol> chain_tols = quick ? std::vector<Tol>{{1e-4, 1e-6}, {1e-6, 1e-8}}
                                            : std::vector<Tol>{{1e-4, 1e-6}, {1e-6, 1e-8}, {1e-8, 1e-10}};
  const std::vector<Case> stiff = {{"rober", 1e5, "rober_1e5"},
                                   {"rober", 1e11, "rober_1e11"},
                                   {"hires", 321.8122, "hires"},
                                   {"vdpol", 2.0, "vdpol"},
                                   {"orego", 360.0, "orego"}};
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
