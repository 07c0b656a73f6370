#pragma once
/// \file steady_state.hpp
/// \brief Steady states: x with f(x, t) = 0, by Newton's method with a non-monotone backtracking line
///        search, falling back to pseudo-transient continuation when Newton stalls.
///
/// The line search accepts a step when ½‖f‖² falls below the largest of the last M merit values
/// (Grippo–Lampariello–Lucidi) enlarged by a summable allowance η_k = η₀ 2^(−k) (Li–Fukushima):
/// a slow, weakly coupled mode (e.g. the interstitial volume of the Segment) can make ‖f‖ rise on
/// the first full Newton step, which a monotone Armijo search rejects although Newton converges.
/// `nonmonotone_memory = 1, nonmonotone_growth = 0` gives the monotone Armijo search. When the
/// non-monotone run fails (from a rough guess it can wander into a singular Jacobian), a monotone run
/// from x0 is tried before pseudo-transient continuation.
///
/// Pseudo-transient continuation takes linearly implicit Euler steps (I/Δτ − J) δ = f(x) along the
/// system's own dynamics, so it reaches stable equilibria from where Newton's local model misleads
/// it. Δτ is chosen by the step's local error, not by the residual: the implicit Euler error
/// estimate (Δτ/2)(f(x + δ) − f(x)), filtered by (I − Δτ J)⁻¹ so that stiff components do not
/// inflate it (Shampine), must stay below `pseudo_rtol`·|x| + `pseudo_atol`. (Switched evolution
/// relaxation, Δτ ← Δτ·‖f_old‖/‖f_new‖, stagnates when the residual is carried by a slow mode: with
/// λ = −5e-6/s, as an oedematous interstitium has, Δτ then barely grows.) Steps leaving the domain
/// (the optional `in_domain` predicate, e.g. positive volumes) or giving non-finite f are retried
/// with a smaller Δτ. As the state settles the error falls, Δτ grows tenfold per step and the step
/// becomes Newton's step, which converges quadratically.
///
/// Linear algebra: the Newton system (W = −J, shift 0) and the pseudo-time one (W = I/Δτ − J) are
/// factored by `ShiftedSystem`, the implicit steppers' Jacobian storage and LU (dense by default; a
/// band with an exact border, or the pattern LU, for systems that have one: a limb's rest searches
/// use its segment band and limb-level border, so a limb of more than 8 segments is not factored as
/// a dense matrix).
///
/// Convergence: max_i |f_i| <= `residual_tol`, or, when `step_rtol` > 0, a Newton step with
/// |δ_i| <= step_rtol·|x_i| + step_atol for every state (or steps at that roundoff floor that stop
/// shrinking): a scale-free test for models whose residual floor is set by large volumes.
///
/// Cancellation: when `cancel` is set (the same flag as `StepControl::cancel`), the flag is read before
/// every Newton iteration, line-search trial and pseudo-time step, and the search throws `Cancelled`
/// (not a SolverError, so callers that retry a failed search with other settings do not retry it).
/// \see C. T. Kelley, D. E. Keyes, Convergence analysis of pseudo-transient continuation,
///      SIAM J. Numer. Anal. 35 (1998) 508–523, doi:10.1137/S0036142996304796
/// \see L. F. Shampine, Implementation of implicit formulas for the solution of ODEs, SIAM J. Sci.
///      Stat. Comput. 1 (1980) 103–118, doi:10.1137/0901005 (the filtered error estimate)
/// \see J. Nocedal, S. J. Wright, Numerical Optimization, 2nd ed., Springer (2006), ch. 3 and 11
///      (backtracking, Armijo condition on ½‖f‖²), doi:10.1007/978-0-387-40065-5
/// \see L. Grippo, F. Lampariello, S. Lucidi, A nonmonotone line search technique for Newton's method,
///      SIAM J. Numer. Anal. 23 (1986) 707–716, doi:10.1137/0723046
/// \see D.-H. Li, M. Fukushima, A derivative-free line search and global convergence of Broyden-like
///      method for nonlinear equations, Optim. Methods Softw. 13 (2000) 181–201, doi:10.1080/10556780008805782

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/shifted_system.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim {

/// Options of `steady_state()`; `validate()` (called by it) throws InvalidArgument on bad values.
struct SteadyStateOptions {
  double t_s = 0.0;                 ///< time at which f(x, t) = 0 is solved [s]
  double residual_tol = 1e-10;      ///< converged when max_i |f_i(x, t)| <= residual_tol
  int max_newton_iterations = 50;   ///< Newton iterations before falling back
  int nonmonotone_memory = 10;      ///< M: accept against the largest ½‖f‖² of the last M iterates (1: monotone)
  double nonmonotone_growth = 1e4;  ///< η₀: ½‖f‖² may grow by (1 + η₀ 2^(−k)) at iteration k (0: none)
  int max_pseudo_transient_steps = 5000;  ///< pseudo-transient steps (accepted or retried) before giving up
  double pseudo_dt_initial_s = 1e-3;      ///< first pseudo-time step Δτ [s]
  double pseudo_dt_max_s = 1e12;          ///< largest Δτ [s]
  bool allow_pseudo_transient = true;     ///< false: Newton only
  JacobianKind jacobian = JacobianKind::automatic;
  /// The storage of J and the LU of W (their meaning: `Rodas4`'s fields of the same names, validated by
  /// `ShiftedSystemOptions`). Dense by default; with dense storage W is also refused as singular when a pivot
  /// is below 1e3 ε of the largest (the other LUs refuse zero or non-finite pivots, and a non-finite step).
  LinearSolverKind linear_solver = LinearSolverKind::dense;
  int lower_bandwidth = -1;
  int upper_bandwidth = -1;
  int border_size = 0;
  std::vector<Eigen::Index> border_row_columns = {};
  std::shared_ptr<const SparsityPattern> jacobian_pattern = nullptr;
  int pattern_check_interval = 64;
  std::vector<std::string> state_names{};  ///< optional, for the failure message
  bool newton_first = true;                ///< false: start with pseudo-transient continuation (Newton ends it)
  double pseudo_rtol = 0.1;                ///< local error per pseudo-time step: relative part
  double pseudo_atol = 1e-4;               ///< local error per pseudo-time step: absolute part
  double step_rtol = 0.0;                  ///< > 0: also converged on a Newton step below step_rtol·|x| + step_atol
  double step_atol = 0.0;                  ///< absolute part of the step test (units of x)
  double pseudo_dt_newton_s = 1e12;        ///< Δτ from which a pseudo-time step counts as a Newton step (step test)
  /// Optional cancel flag (not owned), read (relaxed) before every Newton iteration, line-search trial
  /// and pseudo-time step: once set, the search throws `Cancelled`.
  const std::atomic<bool>* cancel = nullptr;

  void validate(Eigen::Index n) const {
    MASSAGESIM_CHECK(std::isfinite(t_s), "SteadyStateOptions.t_s: expected a finite time, got ", t_s);
    MASSAGESIM_CHECK(std::isfinite(residual_tol) && residual_tol > 0.0,
                     "SteadyStateOptions.residual_tol: expected > 0, got ", residual_tol);
    MASSAGESIM_CHECK(max_newton_iterations > 0, "SteadyStateOptions.max_newton_iterations: expected > 0, got ",
                     max_newton_iterations);
    MASSAGESIM_CHECK(nonmonotone_memory > 0, "SteadyStateOptions.nonmonotone_memory: expected > 0, got ",
                     nonmonotone_memory);
    MASSAGESIM_CHECK(std::isfinite(nonmonotone_growth) && nonmonotone_growth >= 0.0,
                     "SteadyStateOptions.nonmonotone_growth: expected >= 0, got ", nonmonotone_growth);
    MASSAGESIM_CHECK(max_pseudo_transient_steps > 0,
                     "SteadyStateOptions.max_pseudo_transient_steps: expected > 0, got ", max_pseudo_transient_steps);
    MASSAGESIM_CHECK(std::isfinite(pseudo_dt_initial_s) && pseudo_dt_initial_s > 0.0,
                     "SteadyStateOptions.pseudo_dt_initial_s: expected > 0, got ", pseudo_dt_initial_s);
    MASSAGESIM_CHECK(pseudo_dt_max_s >= pseudo_dt_initial_s,
                     "SteadyStateOptions.pseudo_dt_max_s: expected >= pseudo_dt_initial_s = ", pseudo_dt_initial_s,
                     ", got ", pseudo_dt_max_s);
    MASSAGESIM_CHECK(std::isfinite(pseudo_rtol) && pseudo_rtol > 0.0 && std::isfinite(pseudo_atol) && pseudo_atol > 0.0,
                     "SteadyStateOptions.pseudo_rtol, pseudo_atol: expected > 0, got ", pseudo_rtol, ", ", pseudo_atol);
    MASSAGESIM_CHECK(std::isfinite(step_rtol) && step_rtol >= 0.0 && std::isfinite(step_atol) && step_atol >= 0.0,
                     "SteadyStateOptions.step_rtol, step_atol: expected >= 0, got ", step_rtol, ", ", step_atol);
    MASSAGESIM_CHECK(std::isfinite(pseudo_dt_newton_s) && pseudo_dt_newton_s > 0.0,
                     "SteadyStateOptions.pseudo_dt_newton_s: expected > 0, got ", pseudo_dt_newton_s);
    ShiftedSystemOptions::of(*this).validate("SteadyStateOptions", n);
    MASSAGESIM_CHECK(state_names.empty() || static_cast<Eigen::Index>(state_names.size()) == n,
                     "SteadyStateOptions.state_names: expected ", n, " names (one per state), got ",
                     state_names.size());
  }
  std::string state_name(Eigen::Index i) const {
    if (i >= 0 && static_cast<std::size_t>(i) < state_names.size()) return state_names[static_cast<std::size_t>(i)];
    return "x[" + std::to_string(i) + "]";
  }
};

/// What `steady_state()` found.
template <class State>
struct SteadyStateResult {
  State x;                         ///< the steady state
  double residual_norm = 0.0;      ///< max_i |f_i(x, t)|
  int newton_iterations = 0;       ///< Newton iterations done (including a failed attempt)
  int pseudo_transient_steps = 0;  ///< pseudo-transient steps done (0 if Newton alone converged)
  bool used_pseudo_transient = false;
  Stats stats;  ///< RHS, Jacobian, LU counts
};

/// Accepts every state (the default domain of `steady_state()`).
struct AnyState {
  template <class State>
  bool operator()(const State&) const {
    return true;
  }
};

/// Finds x with f(x, t) = 0 near x0.
///
/// \param[in] sys        the system (`sys(x, dxdt, t)`; templated for AD Jacobians)
/// \param[in] x0         the starting guess
/// \param[in] opt        tolerances, limits, Jacobian kind, state names
/// \param[in] in_domain  `bool(const State&)`: false rejects a trial state (line search and
///                       pseudo-time steps then shorten the step), e.g. non-positive volumes
/// \return the state, its residual, the iteration counts
/// \throws InvalidArgument on bad options or a non-finite x0;
///         NewtonFailure when neither Newton nor pseudo-transient continuation converges (the
///         message gives the residual reached and the state with the largest residual);
///         Cancelled when `opt.cancel` is set.
template <class System, class State, class Domain = AnyState>
requires OdeSystem<System, State> SteadyStateResult<State> steady_state(System sys, const State& x0,
                                                                        const SteadyStateOptions& opt = {},
                                                                        Domain in_domain = {}) {
  const Eigen::Index n = x0.size();
  MASSAGESIM_CHECK(n > 0, "steady_state: expected at least one state, got 0");
  opt.validate(n);
  for (Eigen::Index i = 0; i < n; ++i)
    MASSAGESIM_CHECK(std::isfinite(x0[i]), "steady_state: initial guess ", opt.state_name(i), " is not finite (", x0[i],
                     ")");
  JacobianEvaluator<System, State>::validate_kind(opt.jacobian);

  ShiftedSystem<System, State> linear(ShiftedSystemOptions::of(opt), n);
  const double t = opt.t_s;

  SteadyStateResult<State> res;
  Stats& st = res.stats;
  State x = x0, f = x0, xt = x0, ft = x0, dx = x0, err = x0;
  auto check_cancel = [&](const char* where) {
    if (opt.cancel != nullptr && opt.cancel->load(std::memory_order_relaxed))
      throw Cancelled(detail::concat("steady-state search cancelled during ", where, " after ", st.n_rhs,
                                     " right-hand-side evaluations (SteadyStateOptions::cancel was set)"),
                      t);
  };
  auto eval = [&](const State& y, State& fy) {
    check_cancel(res.used_pseudo_transient ? "pseudo-transient continuation" : "Newton's method");
    sys(y, fy, t);
    ++st.n_rhs;
    return fy.allFinite() ? fy.template lpNorm<Eigen::Infinity>() : std::numeric_limits<double>::infinity();
  };
  // Factors W = shift·I − J; false when it is singular (dense: a pivot below 1e3 ε of the largest).
  auto factor = [&](double shift) {
    return linear.factor(shift, st) && linear.min_pivot_ratio() > 1e3 * std::numeric_limits<double>::epsilon();
  };
  // The step test: max_i |δ_i| / (step_rtol·|x_i| + step_atol) (<= 1: converged); +inf when disabled.
  const bool step_test = opt.step_rtol > 0.0;
  auto step_norm = [&](const State& d, const State& y) {
    if (!step_test) return std::numeric_limits<double>::infinity();
    double m = 0.0;
    for (Eigen::Index i = 0; i < n; ++i)
      m = std::max(
          m, std::abs(d[i]) / (opt.step_rtol * std::abs(y[i]) + opt.step_atol + std::numeric_limits<double>::min()));
    return m;
  };
  // Newton steps at the roundoff floor stop shrinking: accept once two in a row fail to halve while
  // within 1e3 of the step test (quadratic convergence would have taken them below it).
  struct Floor {
    double prev = std::numeric_limits<double>::infinity();
    int stalls = 0;
    bool reached(double sn) {
      if (sn <= 1.0) return true;
      stalls = (sn <= 1e3 && sn > 0.5 * prev) ? stalls + 1 : 0;
      prev = sn;
      return stalls >= 2;
    }
  };

  // ---- Newton with non-monotone backtracking on ½‖f‖² (GLL reference + Li–Fukushima allowance) --
  double r = eval(x, f);
  MASSAGESIM_CHECK(std::isfinite(r), "steady_state: f(x0) is not finite; check the initial guess and parameters");
  std::string newton_reason = opt.newton_first
                                  ? "reached max_newton_iterations = " + std::to_string(opt.max_newton_iterations)
                                  : std::string("not tried first (newton_first = false)");
  bool converged = r <= opt.residual_tol;
  // One Newton run from x0; `memory`/`growth0` = 1/0 is the monotone Armijo search.
  auto newton = [&](int memory, double growth0) {
    x = x0;
    r = eval(x, f);
    std::vector<double> merit_history{0.5 * f.squaredNorm()};  // last `memory` values of ½‖f‖²
    State x_best = x;  // the iterate with the smallest residual (where a failed run leaves x)
    double r_best = r, growth = growth0;
    Floor floor;
    newton_reason = "reached max_newton_iterations = " + std::to_string(opt.max_newton_iterations);
    converged = r <= opt.residual_tol;
    for (int it = 0; !converged && it < opt.max_newton_iterations; ++it) {
      ++res.newton_iterations;
      check_cancel("Newton's method");
      linear.evaluate(sys, x, t, f, st);
      bool solved = factor(0.0);
      if (solved) {
        dx = f;
        linear.solve(dx, st);  // W = −J: the Newton step −J⁻¹ f
        solved = dx.allFinite();
      }
      if (!solved) {
        newton_reason = "the Jacobian is singular at iteration " + std::to_string(it + 1);
        break;
      }
      const double sn = step_norm(dx, x);
      const double phi0 = 0.5 * f.squaredNorm();
      const double phi_ref = *std::max_element(merit_history.begin(), merit_history.end());
      double lambda = 1.0, r_new = r;
      bool accepted = false;
      for (int ls = 0; ls < 30; ++ls, lambda *= 0.5) {
        xt = x + lambda * dx;
        if (!in_domain(xt)) continue;
        r_new = eval(xt, ft);
        // The Newton direction is a descent direction of ½‖f‖² with slope −‖f‖² = −2 phi0.
        if (std::isfinite(r_new) && 0.5 * ft.squaredNorm() <= (1.0 + growth) * phi_ref - 2e-4 * lambda * phi0) {
          accepted = true;
          break;
        }
        // At the roundoff floor ½‖f‖² is noise: a full step that passes the step test is taken.
        if (lambda == 1.0 && std::isfinite(r_new) && sn <= 1e3) {
          accepted = true;
          break;
        }
      }
      growth *= 0.5;
      if (!accepted || lambda < 1e-6) {
        newton_reason = "the line search stalled at iteration " + std::to_string(it + 1) + " (step fraction " +
                        detail::concat(lambda) + ")";
        break;
      }
      x = xt;
      f = ft;
      r = r_new;
      if (r < r_best) x_best = x, r_best = r;
      merit_history.push_back(0.5 * f.squaredNorm());
      if (static_cast<int>(merit_history.size()) > memory) merit_history.erase(merit_history.begin());
      converged = r <= opt.residual_tol || (lambda == 1.0 && floor.reached(sn));
    }
    if (!converged && r_best < r) {  // a non-monotone run may end above its best iterate
      x = x_best;
      r = eval(x, f);
    }
  };
  const bool nonmonotone = opt.nonmonotone_memory > 1 || opt.nonmonotone_growth > 0.0;
  if (opt.newton_first && !converged) {
    newton(opt.nonmonotone_memory, opt.nonmonotone_growth);
    if (!converged && nonmonotone) {
      // From a rough guess the non-monotone run can wander where the monotone one would not: retry monotone.
      const std::string first = newton_reason;
      const State x_first = x;
      const double r_first = r;
      newton(1, 0.0);
      newton_reason = "non-monotone: " + first + "; monotone retry: " + newton_reason;
      if (!converged && r_first < r) x = x_first, r = eval(x, f);
    }
  }
  const double r_newton = r;
  if (converged) {
    res.x = x;
    res.residual_norm = r;
    return res;
  }

  // ---- pseudo-transient continuation from the initial guess, Δτ by the local error -----------
  std::string ptc_reason = "pseudo-transient continuation is disabled (allow_pseudo_transient = false)";
  double r_ptc = std::numeric_limits<double>::quiet_NaN();
  double dtau = opt.pseudo_dt_initial_s;
  if (opt.allow_pseudo_transient) {
    res.used_pseudo_transient = true;
    x = x0;
    r = eval(x, f);
    ptc_reason = "reached max_pseudo_transient_steps = " + std::to_string(opt.max_pseudo_transient_steps);
    bool fresh = false, rejected = false;
    Floor floor;
    while (res.pseudo_transient_steps < opt.max_pseudo_transient_steps) {
      ++res.pseudo_transient_steps;
      check_cancel("pseudo-transient continuation");
      if (!fresh) {
        linear.evaluate(sys, x, t, f, st);
        fresh = true;
      }
      bool ok = factor(1.0 / dtau);
      double en = std::numeric_limits<double>::infinity(), r_new = en;
      if (ok) {
        dx = f;
        linear.solve(dx, st);
        xt = x + dx;
        ok = dx.allFinite() && in_domain(xt) && std::isfinite(r_new = eval(xt, ft));
      }
      if (ok) {
        // Filtered implicit Euler error: (I − Δτ J)⁻¹ (Δτ/2)(f(x + δ) − f(x)) = W⁻¹ (f(x + δ) − f(x)) / 2.
        err = ft - f;
        linear.solve(err, st);
        en = 0.0;
        for (Eigen::Index i = 0; i < n; ++i)
          en = std::max(en, 0.5 * std::abs(err[i]) /
                                (opt.pseudo_atol + opt.pseudo_rtol * std::max(std::abs(x[i]), std::abs(xt[i]))));
        ok = std::isfinite(en);
      }
      if (!ok || en > 1.0) {
        dtau *= ok ? std::max(0.1, 0.9 / std::sqrt(en)) : 0.25;  // too bold a step: retry smaller
        rejected = true;
        if (dtau < 1e-14 * opt.pseudo_dt_initial_s) {
          ptc_reason =
              "the pseudo-time step underflowed (every step leaves the domain, is not finite or is "
              "too inaccurate)";
          break;
        }
        continue;
      }
      const bool newton_like = dtau >= opt.pseudo_dt_newton_s;
      const double sn = step_norm(dx, xt);
      const double grow = rejected ? 1.0 : std::min(10.0, 0.9 / std::sqrt(std::max(en, 1e-8)));
      dtau = std::min(opt.pseudo_dt_max_s, dtau * std::max(1.0, grow));
      rejected = false;
      fresh = false;
      x = xt;
      f = ft;
      r = r_new;
      if (r <= opt.residual_tol || (newton_like && floor.reached(sn))) {
        res.x = x;
        res.residual_norm = r;
        return res;
      }
      if (r > 1e100) {
        ptc_reason = "the state diverges (residual above 1e100)";
        break;
      }
    }
    r_ptc = r;
  }

  // ---- failure -------------------------------------------------------------------------------
  if (!opt.allow_pseudo_transient) {
    // Report where Newton ended.
    eval(x, f);
  }
  Eigen::Index worst = 0;
  if (f.allFinite())
    f.cwiseAbs().maxCoeff(&worst);
  else
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite(f[i])) {
        worst = i;
        break;
      }
  const std::string name = opt.state_name(worst);
  const std::string msg = detail::concat(
      "steady state not found at t = ", t, " s: Newton's method stopped (", newton_reason, ") with residual ", r_newton,
      opt.allow_pseudo_transient ? "; pseudo-transient continuation stopped (" : "; ", ptc_reason,
      opt.allow_pseudo_transient ? ") with residual " : "", opt.allow_pseudo_transient ? detail::concat(r_ptc) : "",
      " > residual_tol = ", opt.residual_tol, ". The largest residual is d(", name, ")/dt = ", f[worst],
      ". The system may have no steady state near the initial guess, or it may not be attracting; try another "
      "initial guess or check the parameters.");
  throw NewtonFailure(msg, t, dtau, name);
}

}  // namespace massagesim
