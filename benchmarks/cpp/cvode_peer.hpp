#pragma once
/// \file cvode_peer.hpp
/// \brief SUNDIALS CVODE as the standing peer of the benchmarks (issue 15, item 2): the one place
///        for its setup, shared by `bench_peers.cpp` (dense LU, test problems and the tissue chain)
///        and `compare_cvode_limb.cpp` (KLU, the default scenario's limb).
///
/// What is here: a SUNContext for the program (`SunContext`); one integration (`CvodeRun`: the
/// state vector, CVodeCreate/Init, scalar tolerances, maximum steps and step size, the linear
/// solver — dense LU, KLU on a CSC pattern, or none with Adams and fixed-point iteration — and its
/// Jacobian function); `CvodeRun::integrate`, which goes from 0 to t1 restarting at every
/// breakpoint (`CVodeReInit`, stop time at the next one; massagesim restarts its steppers there
/// too) and hands the state at each save time to the caller; and the counters (`CvodeCounts`,
/// summed over the restarts because ReInit zeroes CVODE's own).
/// \see A. C. Hindmarsh et al., SUNDIALS: Suite of nonlinear and differential/algebraic equation
///      solvers, ACM TOMS 31 (2005) 363-396, doi:10.1145/1089014.1089020 (CVODE's user guide for
///      the calls used here).

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#ifdef MASSAGESIM_BENCH_CVODE_KLU
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>
#endif

namespace massagesim::bench {

/// The program's SUNContext (created once, freed at the end).
class SunContext {
 public:
  SunContext() { SUNContext_Create(nullptr, &ctx_); }
  ~SunContext() { SUNContext_Free(&ctx_); }
  SunContext(const SunContext&) = delete;
  SunContext& operator=(const SunContext&) = delete;
  operator SUNContext() const { return ctx_; }  // NOLINT(google-explicit-constructor): a handle

 private:
  SUNContext ctx_ = nullptr;
};

/// The linear solver of CVODE's Newton iteration.
enum class CvodeLinearSolver {
  dense,  ///< SUNLinSol_Dense on a dense matrix (a user Jacobian, or CVODE's difference quotients)
  klu,    ///< SUNLinSol_KLU on a CSC matrix of `klu_nnz` entries (needs a user Jacobian filling it)
  none,   ///< no linear solver: fixed-point iteration (with Adams; the non-stiff setting)
};

/// How one CVODE integration is set up.
struct CvodeOptions {
  int lmm = CV_BDF;  ///< CV_BDF or CV_ADAMS
  CvodeLinearSolver linear_solver = CvodeLinearSolver::dense;
  CVLsJacFn jacobian = nullptr;  ///< null: CVODE's own difference-quotient Jacobian (dense only)
  sunindextype klu_nnz = 0;      ///< KLU: nonzeros of the CSC pattern the Jacobian function fills
  double rtol = 1e-6;
  double atol = 1e-6;
  double dt_max_s = 0.0;  ///< 0: CVODE's default (no limit)
  long max_steps = 10'000'000;
};

/// CVODE's counters, summed over the restarts.
struct CvodeCounts {
  long nst = 0;      ///< steps
  long nfe = 0;      ///< RHS evaluations of the integrator
  long nfels = 0;    ///< RHS evaluations of CVODE's difference-quotient Jacobian
  long nje = 0;      ///< Jacobian evaluations
  long nsetups = 0;  ///< linear-solver setups: each refactors M = I - gamma J (one LU)
  long netf = 0;     ///< error-test failures
  long nncf = 0;     ///< nonlinear convergence failures

  void add(void* mem, bool has_linear_solver) {
    long v = 0;
    CVodeGetNumSteps(mem, &v), nst += v;
    CVodeGetNumRhsEvals(mem, &v), nfe += v;
    CVodeGetNumErrTestFails(mem, &v), netf += v;
    CVodeGetNumNonlinSolvConvFails(mem, &v), nncf += v;
    CVodeGetNumLinSolvSetups(mem, &v), nsetups += v;
    if (has_linear_solver) {
      CVodeGetNumLinRhsEvals(mem, &v), nfels += v;
      CVodeGetNumJacEvals(mem, &v), nje += v;
    }
  }
};

/// The end of one integration: whether it reached t1 (else CVode's flag and time), and its counts.
struct CvodeOutcome {
  bool ok = true;
  std::string message;
  CvodeCounts counts;
};

/// One CVODE integration of y' = rhs(t, y) from t = 0 and x0 (n states), set up by `opt`; owns
/// CVODE's memory, the state vector, the matrix and the solvers. Setup happens in the constructor, so
/// a caller that times construction and `integrate` together times setup as part of the solve.
class CvodeRun {
 public:
  CvodeRun(SUNContext ctx, const CvodeOptions& opt, CVRhsFn rhs, void* user_data, const double* x0, sunindextype n)
      : has_ls_(opt.linear_solver != CvodeLinearSolver::none) {
#ifndef MASSAGESIM_BENCH_CVODE_KLU
    if (opt.linear_solver == CvodeLinearSolver::klu)
      throw std::invalid_argument("CvodeRun: KLU requested in a program built without MASSAGESIM_BENCH_CVODE_KLU");
#endif
    y_ = N_VNew_Serial(n, ctx);
    std::copy(x0, x0 + n, N_VGetArrayPointer(y_));
    mem_ = CVodeCreate(opt.lmm, ctx);
    CVodeInit(mem_, rhs, 0.0, y_);
    CVodeSetUserData(mem_, user_data);
    CVodeSStolerances(mem_, opt.rtol, opt.atol);
    CVodeSetMaxNumSteps(mem_, opt.max_steps);
    if (opt.dt_max_s > 0.0) CVodeSetMaxStep(mem_, opt.dt_max_s);
    switch (opt.linear_solver) {
      case CvodeLinearSolver::dense:
        A_ = SUNDenseMatrix(n, n, ctx);
        LS_ = SUNLinSol_Dense(y_, A_, ctx);
        break;
      case CvodeLinearSolver::klu:
#ifdef MASSAGESIM_BENCH_CVODE_KLU
        A_ = SUNSparseMatrix(n, n, opt.klu_nnz, CSC_MAT, ctx);
        LS_ = SUNLinSol_KLU(y_, A_, ctx);
#endif
        break;
      case CvodeLinearSolver::none:
        NLS_ = SUNNonlinSol_FixedPoint(y_, 0, ctx);
        CVodeSetNonlinearSolver(mem_, NLS_);
        break;
    }
    if (LS_) {
      CVodeSetLinearSolver(mem_, LS_, A_);
      if (opt.jacobian) CVodeSetJacFn(mem_, opt.jacobian);
    }
  }
  ~CvodeRun() {
    CVodeFree(&mem_);
    if (NLS_) SUNNonlinSolFree(NLS_);
    if (LS_) SUNLinSolFree(LS_);
    if (A_) SUNMatDestroy(A_);
    N_VDestroy(y_);
  }
  CvodeRun(const CvodeRun&) = delete;
  CvodeRun& operator=(const CvodeRun&) = delete;

  /// CVODE's memory (e.g. for a Jacobian function that reads the error weights).
  void* mem() const { return mem_; }

  /// Integrates to `t1_s`, restarting at every breakpoint inside (0, t1), and calls
  /// `save(k, y)` (y: n values) at every save time ts[k]; stops at the first failure of CVode.
  template <class Save>
  CvodeOutcome integrate(double t1_s, const std::vector<double>& ts, const std::vector<double>& breakpoints_s,
                         Save&& save) {
    CvodeOutcome out;
    // Breakpoints inside (0, t1), then t1; targets: save times and breakpoints, in order.
    std::vector<double> bps;
    for (double b : breakpoints_s)
      if (b > 0.0 && b < t1_s) bps.push_back(b);
    bps.push_back(t1_s);
    std::vector<double> targets = bps;
    targets.insert(targets.end(), ts.begin(), ts.end());
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    std::size_t next_bp = 0, next_save = 0;
    CVodeSetStopTime(mem_, bps[0]);
    double t = 0.0;
    const double* yp = N_VGetArrayPointer(y_);
    for (double tau : targets) {
      if (tau > t) {
        const int flag = CVode(mem_, tau, y_, &t, CV_NORMAL);
        if (flag < 0) {
          out.ok = false;
          out.message = "CVode failed with flag " + std::to_string(flag) + " at t = " + std::to_string(t);
          break;
        }
        t = tau;
      }
      while (next_save < ts.size() && ts[next_save] <= tau) save(next_save++, yp);
      if (next_bp < bps.size() && bps[next_bp] == tau) {
        ++next_bp;
        if (next_bp < bps.size()) {
          out.counts.add(mem_, has_ls_);  // ReInit zeroes CVODE's counters
          CVodeReInit(mem_, tau, y_);
          CVodeSetStopTime(mem_, bps[next_bp]);
        }
      }
    }
    out.counts.add(mem_, has_ls_);
    return out;
  }

 private:
  bool has_ls_;
  N_Vector y_ = nullptr;
  void* mem_ = nullptr;
  SUNMatrix A_ = nullptr;
  SUNLinearSolver LS_ = nullptr;
  SUNNonlinearSolver NLS_ = nullptr;
};

}  // namespace massagesim::bench
