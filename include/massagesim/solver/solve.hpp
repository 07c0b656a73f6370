#pragma once
/// \file solve.hpp
/// \brief The integration driver: `solve(problem, stepper, control, save_at, events)`.
///
/// One loop serves every stepper. It adapts the step with a PI controller on the weighted RMS
/// error, lands exactly on the problem's discontinuities and restarts the stepper there, saves
/// requested times from dense output, locates events on dense output, and turns every failure
/// into a typed exception (or a status, when `StepControl::throw_on_failure` is false).
/// After setup the loop allocates nothing (saving pushes into storage reserved up front, except
/// `SaveAt::every_step`, whose count cannot be known in advance).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/event.hpp"
#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/save_at.hpp"
#include "massagesim/solver/solution.hpp"
#include "massagesim/solver/stats.hpp"
#include "massagesim/solver/step_control.hpp"

namespace massagesim {

namespace detail {

/// Index of the first non-finite entry of v, or -1.
template <class V>
Eigen::Index first_non_finite(const V& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) return i;
  return -1;
}

inline void validate_save_at(const SaveAt& save, double t0, double t1) {
  MASSAGESIM_CHECK(save.t0 || save.t1 || save.every_step || !save.ts_s.empty(),
                   "SaveAt: nothing would be saved; set ts_s, t0, t1 or every_step");
  for (std::size_t k = 0; k < save.ts_s.size(); ++k) {
    const double ts = save.ts_s[k];
    MASSAGESIM_CHECK(std::isfinite(ts) && ts >= t0 && ts <= t1, "SaveAt.ts_s[", k, "] = ", ts,
                     ": expected a time inside the span [", t0, ", ", t1, "]");
    MASSAGESIM_CHECK(k == 0 || ts > save.ts_s[k - 1], "SaveAt.ts_s[", k, "] = ", ts,
                     ": expected strictly increasing times (previous is ", save.ts_s[k - 1], ")");
  }
}

/// Records saved points into storage sized up front, directly in the solution's matrix layout
/// (n x capacity, column-major), so that handing it over moves the buffer instead of copying it:
/// peak memory is one copy of the data (issue 15: 2e7 save points needed twice the data's memory).
/// Growth (every_step) and the final trim use Eigen's conservativeResize, i.e. realloc, which glibc
/// serves with mremap for large blocks (no copy).
class Recorder {
 public:
  Recorder(Eigen::Index n, std::size_t n_expected) : n_(n) {
    t_.reserve(n_expected);
    x_.resize(n, static_cast<Eigen::Index>(std::max<std::size_t>(n_expected, 1)));
  }
  template <class V>
  void push(double t, const V& x) {
    const auto k = static_cast<Eigen::Index>(t_.size());
    if (k == x_.cols()) x_.conservativeResize(n_, 2 * x_.cols());
    t_.push_back(t);
    for (Eigen::Index i = 0; i < n_; ++i) x_(i, k) = x[i];
  }
  double last_t() const { return t_.empty() ? -std::numeric_limits<double>::infinity() : t_.back(); }
  template <class State>
  void move_into(Solution<State>& sol) {
    const auto count = static_cast<Eigen::Index>(t_.size());
    if (x_.cols() != count) x_.conservativeResize(n_, count);
    sol.t_s = std::move(t_);
    sol.x = std::move(x_);
  }

 private:
  Eigen::Index n_;
  std::vector<double> t_;
  Eigen::MatrixXd x_;
};

}  // namespace detail

/// Solves `problem` with `stepper` (e.g. `Dopri5{}`, `Fehlberg78{}`, `Rodas4{}`).
///
/// \param[in] problem  the initial value problem (validated here)
/// \param[in] stepper  configuration of the stepping method
/// \param[in] control  tolerances and step limits (validated here)
/// \param[in] save     which times to store (default: the final point)
/// \param[in] events   state events located on the dense output
/// \return the saved trajectory, statistics, status and located events
/// \throws InvalidArgument on bad problem, control or save options;
///         StepSizeUnderflow, TooManySteps, NonFiniteState, OutOfDomain (and, from implicit
///         steppers, NewtonFailure) when the integration fails and `control.throw_on_failure`;
///         Cancelled when `control.cancel` is set (then too only with `throw_on_failure`).
template <class System, class State, class Stepper>
Solution<State> solve(const OdeProblem<System, State>& problem, const Stepper& stepper, const StepControl& control = {},
                      const SaveAt& save = SaveAt{.t1 = true}, std::span<const Event<State>> events = {}) {
  problem.validate();
  const Eigen::Index n = problem.x0.size();
  control.validate(n);
  const double t0 = problem.t0_s, t1 = problem.t1_s;
  detail::validate_save_at(save, t0, t1);
  for (std::size_t e = 0; e < events.size(); ++e)
    MASSAGESIM_CHECK(static_cast<bool>(events[e].condition), "events[", e, "] ('", events[e].name,
                     "'): the condition function is empty");

  System sys = problem.system;  // the driver owns a copy: systems may keep caches
  auto cache = stepper.template make_cache<System, State>(problem.x0);
  using Cache = decltype(cache);
  static_assert(StepperCache<Cache, System, State>, "the stepper's cache does not model StepperCache");
  constexpr int k_ctrl = std::min(Cache::order, Cache::error_order) + 1;
  constexpr bool dense_is_accurate = Cache::high_order_dense_output;

  Solution<State> sol;
  Stats& stats = sol.stats;

  // Per-state weights: atol_i + rtol * max(|x_i|, |x_new_i|).
  State atol_vec = problem.x0;
  if (control.atol_per_state.size() > 0)
    for (Eigen::Index i = 0; i < n; ++i) atol_vec[i] = control.atol_per_state[i];
  else
    atol_vec.setConstant(control.atol);
  const double rtol = control.rtol;
  // Optional hooks of steppers that choose their own step (and order), e.g. Bdf: the error weights
  // once, and `proposed_dt()` instead of the PI controller after every attempt. Other steppers do
  // not see them.
  constexpr bool own_step_control = requires { cache.proposed_dt(); };
  if constexpr (requires { cache.set_tolerances(atol_vec, rtol); }) cache.set_tolerances(atol_vec, rtol);
  State scratch = problem.x0;   // dense output, events
  State scratch2 = problem.x0;  // initial step estimate
  State weights = problem.x0;   // per-state error weights, for steppers that combine estimates
  // Dense output of the last accepted step; steppers whose extension costs extra evaluations
  // (DOP853) compute it on first use in a step.
  bool dense_prepared = false;
  auto interpolate = [&](double tq, State& out) {
    if constexpr (requires { cache.prepare_dense(sys, stats); }) {
      if (!dense_prepared) cache.prepare_dense(sys, stats);
    }
    dense_prepared = true;
    cache.interpolate(tq, out);
  };

  // Discontinuities in (t0, t1], sorted, unique. One at t1 matters too: the last step must end
  // below it so that its stages do not see the forcing after the jump.
  std::vector<double> breaks;
  breaks.reserve(problem.discontinuities_s.size());
  for (double tb : problem.discontinuities_s)
    if (tb > t0 && tb <= t1) breaks.push_back(tb);
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  std::size_t next_break = 0;
  std::size_t next_save = 0;
  const std::vector<double>& ts = save.ts_s;

  detail::Recorder rec(n, ts.size() + 2 + (save.every_step ? 1024 : 0));

  // --- failure reporting -----------------------------------------------------------------------
  Status fail_status = Status::success;
  auto fail = [&](Status st, auto make_exception, const std::string& msg, double t, double dt) {
    sol.status = st;
    sol.message = msg;
    sol.t_final_s = t;
    sol.x_final = cache.x();
    rec.move_into(sol);
    if (control.throw_on_failure) throw make_exception(msg, t, dt);
    return sol;
  };
  (void)fail_status;

  cache.initialize(sys, problem.x0, t0, stats);
  if (const Eigen::Index bad = detail::first_non_finite(cache.derivative()); bad >= 0) {
    const std::string name = problem.state_name(bad);
    return fail(
        Status::non_finite_state,
        [&](const std::string& m, double t, double dt) { return NonFiniteState(m, t, dt, name); },
        detail::concat("non-finite derivative at the initial point t = ", t0, " s: d(", name,
                       ")/dt = ", cache.derivative()[bad],
                       ". Check the initial state and the parameters (a division by zero, a log or root of a "
                       "negative value)."),
        t0, 0.0);
  }

  if (save.t0) rec.push(t0, problem.x0);
  while (next_save < ts.size() && ts[next_save] <= t0) {
    if (!(save.t0 && rec.last_t() == t0)) rec.push(t0, problem.x0);
    ++next_save;
  }

  auto weighted_norm = [&](const auto& v, const State& xa, const State& xb) {
    double acc = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double w = atol_vec[i] + rtol * std::max(std::abs(xa[i]), std::abs(xb[i]));
      const double r = v[i] / w;
      acc += r * r;
    }
    return std::sqrt(acc / static_cast<double>(n));
  };

  // --- initial step (Hairer, Nørsett & Wanner, Solving ODEs I, II.4) ------------------------------
  double dt = control.dt_initial_s;
  if (dt <= 0.0) {
    const State& x = cache.x();
    const State& f0 = cache.derivative();
    const double d0 = weighted_norm(x, x, x), d1 = weighted_norm(f0, x, x);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = std::min(h0, t1 - t0);
    scratch = x + h0 * f0;
    sys(scratch, scratch2, t0 + h0);
    ++stats.n_rhs;
    scratch = scratch2 - f0;
    const double d2 = weighted_norm(scratch, x, x) / h0;
    const double dmax = std::max(d1, d2);
    const double h1 = dmax <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / dmax, 1.0 / (Cache::order + 1.0));
    dt = std::min(100.0 * h0, h1);
    if (!std::isfinite(dt) || dt <= 0.0) dt = 1e-6 * (t1 - t0);
  }
  dt = std::min({dt, control.dt_max_s, t1 - t0});

  std::vector<double> g_prev(events.size());
  for (std::size_t e = 0; e < events.size(); ++e) g_prev[e] = events[e].condition(t0, problem.x0);

  double t = t0;
  double err_prev = 1e-4;
  long n_cut_by_save = 0, n_cut_by_break = 0;  // accepted steps shortened to land on a save time / discontinuity
  bool last_rejected = false;
  enum class Reject { none, error, non_finite, domain } last_reason = Reject::none;
  Eigen::Index blame = -1;
  const double span = t1 - t0;

  while (t < t1) {
    // One relaxed load per attempt: nothing next to a right-hand side evaluation.
    if (control.cancel != nullptr && control.cancel->load(std::memory_order_relaxed))
      return fail(
          Status::cancelled, [&](const std::string& m, double tt, double) { return Cancelled(m, tt); },
          detail::concat("cancelled at t = ", t, " s of [", t0, ", ", t1, "] after ", stats.n_steps,
                         " steps (StepControl::cancel was set)"),
          t, dt);
    // Never behind, and a discontinuity within 16 ulp of t is the one just landed on: two sources computing the
    // same instant with different roundings (one leg's contraction end, the other's begin) give jumps an ulp
    // or two apart, and landing on the double below the second would be a step of 0 s (or a wasted 1-ulp one).
    while (next_break < breaks.size() && breaks[next_break] - t <= 16.0 * std::numeric_limits<double>::epsilon() *
                                                                       std::max(std::abs(t), 1e-12 * span))
      ++next_break;
    // Where this step must end at the latest: a discontinuity, t1, or (without accurate dense
    // output) the next save time.
    double t_target = t1;
    bool target_is_break = false;
    if (next_break < breaks.size() && breaks[next_break] <= t_target) {
      t_target = breaks[next_break];
      target_is_break = true;
    }
    if constexpr (!dense_is_accurate) {
      if (next_save < ts.size() && ts[next_save] < t_target) {
        t_target = ts[next_save];
        target_is_break = false;
      }
    }
    dt = std::min(dt, control.dt_max_s);
    const double dt_nominal = dt;
    // A step that ends on a discontinuity t_b ends at the largest double below it, so no stage sees
    // the value after the jump; the next step starts at t_b itself (diffrax's jump_ts convention).
    const double t_land =
        target_is_break ? std::nextafter(t_target, -std::numeric_limits<double>::infinity()) : t_target;
    double t_new = t + dt;
    bool landing = false;
    // Land on the target when the step reaches it, or would leave a sliver shorter than 1 % of dt.
    if (t_new >= t_land || (t_land - t_new) < 0.01 * dt) {
      t_new = t_land;
      landing = true;
    }
    const double dt_try = t_new - t;

    // 16 ulp of t (steps below that do not move t), but never zero: near t = 0 a scale of 1e-12 of
    // the span keeps a failing step from shrinking forever.
    const double dt_floor =
        std::max(control.dt_min_s, 16.0 * std::numeric_limits<double>::epsilon() * std::max(std::abs(t), 1e-12 * span));
    if (dt_try < dt_floor && !(landing && dt_try > 0.0)) {
      const std::string name = blame >= 0 ? problem.state_name(blame) : std::string{};
      if (last_reason == Reject::non_finite)
        return fail(
            Status::non_finite_state,
            [&](const std::string& m, double tt, double d) { return NonFiniteState(m, tt, d, name); },
            detail::concat("non-finite state at t = ", t, " s: '", name,
                           "' became NaN or infinite even with dt = ", dt_try,
                           " s. Check the model for divisions by zero, logs or roots of negative values, "
                           "or parameters out of their range."),
            t, dt_try);
      if (last_reason == Reject::domain)
        return fail(
            Status::out_of_domain,
            [&](const std::string& m, double tt, double d) { return OutOfDomain(m, tt, d, name); },
            detail::concat("state '", name, "' leaves its domain at t = ", t, " s (value ", cache.x_new()[blame],
                           ") and shrinking the step to dt = ", dt_try,
                           " s does not help. The model or its inputs drive it out of range."),
            t, dt_try);
      return fail(
          Status::step_size_underflow,
          [&](const std::string& m, double tt, double d) { return StepSizeUnderflow(m, tt, d, name); },
          detail::concat("step size underflow at t = ", t, " s: dt = ", dt_try, " s is below the minimum ", dt_floor,
                         " s", name.empty() ? std::string{} : "; the largest error is in '" + name + "'",
                         ". The problem may be stiff (use Rodas4), its forcing may jump at a time not listed in "
                         "discontinuities_s, or rtol = ",
                         rtol, " may be too tight."),
          t, dt_try);
    }
    if (stats.n_steps + stats.n_rejected >= control.max_steps) {
      // Name the likely cause from what the steps were doing.
      std::string cause;
      const long accepted = std::max<long>(stats.n_steps, 1);
      if (2 * n_cut_by_save > accepted)
        cause = detail::concat(n_cut_by_save, " of the ", stats.n_steps,
                               " accepted steps were cut short to land on save times (", ts.size(),
                               " requested; this stepper has no accurate dense output, so each save time ends a "
                               "step): save fewer points, or use Dop853 or Dopri5, whose dense output serves save "
                               "times without extra steps; or raise StepControl::max_steps.");
      else if (2 * n_cut_by_break > accepted)
        cause = detail::concat(n_cut_by_break, " of the ", stats.n_steps,
                               " accepted steps were cut short by discontinuities_s (", breaks.size(),
                               " in the span): every discontinuity ends a step and restarts the stepper; raise "
                               "StepControl::max_steps, or merge discontinuities that are closer than the step.");
      else if constexpr (requires { Cache::implicit; })
        cause = detail::concat("The step is limited by the error estimate (", stats.n_rejected,
                               " rejected): loosen the tolerances, check the Jacobian (an inexact one costs "
                               "steps), or raise StepControl::max_steps.");
      else
        cause = detail::concat("The step is limited by the error estimate (", stats.n_rejected, " of ",
                               stats.n_steps + stats.n_rejected,
                               " attempts rejected; many rejections at a step size that does not grow are the "
                               "mark of stiffness): if the problem is stiff, use Rodas4; otherwise loosen the "
                               "tolerances or raise StepControl::max_steps.");
      return fail(
          Status::too_many_steps, [&](const std::string& m, double tt, double d) { return TooManySteps(m, tt, d); },
          detail::concat("too many steps: max_steps = ", control.max_steps, " reached at t = ", t, " s of [", t0, ", ",
                         t1, "] with dt = ", dt_try, " s. ", cause),
          t, dt_try);
    }

    cache.attempt(sys, t_new, stats);
    if constexpr (requires { cache.combine_error(weights); }) {
      for (Eigen::Index i = 0; i < n; ++i)
        weights[i] = atol_vec[i] + rtol * std::max(std::abs(cache.x()[i]), std::abs(cache.x_new()[i]));
      cache.combine_error(weights);
    }
    const State& xn = cache.x_new();
    const State& en = cache.error();
    double err = weighted_norm(en, cache.x(), xn);
    if (!control.adaptive && std::isfinite(err)) err = 0.0;  // fixed steps: accept whatever the estimate says
    if (!std::isfinite(err)) {
      blame = detail::first_non_finite(xn);
      if (blame < 0) blame = detail::first_non_finite(en);
      if (blame < 0) blame = 0;
      ++stats.n_rejected;
      last_rejected = true;
      last_reason = Reject::non_finite;
      dt = 0.25 * dt_try;
      continue;
    }
    if (err > 1.0) {
      // Remember which state dominates the error, for the underflow message.
      double worst = -1.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double r = std::abs(en[i]) / (atol_vec[i] + rtol * std::max(std::abs(cache.x()[i]), std::abs(xn[i])));
        if (r > worst) {
          worst = r;
          blame = i;
        }
      }
      ++stats.n_rejected;
      last_rejected = true;
      last_reason = Reject::error;
      if constexpr (own_step_control)
        dt = cache.proposed_dt();
      else
        dt = dt_try * std::max(control.factor_min, control.safety * std::pow(err, -1.0 / k_ctrl));
      continue;
    }
    if (problem.domain_violation) {
      if (const int bad = problem.domain_violation(xn); bad >= 0) {
        blame = bad;
        ++stats.n_rejected;
        last_rejected = true;
        last_reason = Reject::domain;
        dt = 0.5 * dt_try;
        continue;
      }
    }

    // Accept.
    const double t_old = t;
    cache.accept(sys, stats);
    dense_prepared = false;
    if (landing && dt_try < dt_nominal) {
      if (target_is_break)
        ++n_cut_by_break;
      else if (t_target < t1)
        ++n_cut_by_save;
    }
    t = t_new;
    ++stats.n_steps;
    err = std::max(err, 1e-10);
    double fac = control.safety * std::pow(err, -0.7 / k_ctrl) * std::pow(err_prev, 0.4 / k_ctrl);
    fac = std::clamp(fac, control.factor_min, control.factor_max);
    if (last_rejected) fac = std::min(fac, 1.0);
    err_prev = err;
    if constexpr (own_step_control)
      dt = control.adaptive ? cache.proposed_dt() : control.dt_initial_s;
    else
      dt = control.adaptive ? (landing ? std::max(dt_try, dt_nominal) : dt_try) * fac : control.dt_initial_s;
    last_rejected = false;
    last_reason = Reject::none;

    // Events: locate every sign change in (t_old, t]; a terminal one truncates the step.
    double t_end = t;
    bool terminated = false;
    if (!events.empty()) {
      int first_terminal = -1;
      double t_first_terminal = std::numeric_limits<double>::infinity();
      const std::size_t hits_before = sol.events.size();
      for (std::size_t e = 0; e < events.size(); ++e) {
        const auto& ev = events[e];
        const double g_new = ev.condition(t, cache.x());
        const double g_old = g_prev[e];
        g_prev[e] = g_new;
        const bool rising = g_old < 0.0 && g_new >= 0.0;
        const bool falling = g_old > 0.0 && g_new <= 0.0;
        if (!((rising && ev.direction != EventDirection::falling) ||
              (falling && ev.direction != EventDirection::rising)))
          continue;
        // Illinois (modified regula falsi) on the dense output.
        double a = t_old, b = t, ga = g_old, gb = g_new;
        int side = 0;
        for (int it = 0; it < 200 && (b - a) > ev.tolerance_s; ++it) {
          double c = (a * gb - b * ga) / (gb - ga);
          if (!(c > a && c < b)) c = 0.5 * (a + b);
          interpolate(c, scratch);
          const double gc = ev.condition(c, scratch);
          if ((gc > 0.0) == (gb > 0.0) && gc != 0.0) {
            b = c;
            gb = gc;
            if (side == -1) ga *= 0.5;
            side = -1;
          } else if (gc == 0.0) {
            a = b = c;
            break;
          } else {
            a = c;
            ga = gc;
            if (side == 1) gb *= 0.5;
            side = 1;
          }
        }
        const double t_hit = b;  // the first point at or past the sign change
        if (t_hit == t)
          scratch = cache.x();
        else
          interpolate(t_hit, scratch);
        sol.events.push_back(EventHit<State>{static_cast<int>(e), t_hit, scratch});
        if (ev.terminal && t_hit < t_first_terminal) {
          first_terminal = static_cast<int>(e);
          t_first_terminal = t_hit;
        }
      }
      std::sort(sol.events.begin() + static_cast<std::ptrdiff_t>(hits_before), sol.events.end(),
                [](const auto& p, const auto& q) { return p.t_s < q.t_s; });
      if (first_terminal >= 0) {
        terminated = true;
        t_end = t_first_terminal;
        while (sol.events.size() > hits_before && sol.events.back().t_s > t_end) sol.events.pop_back();
      }
    }

    // Save requested times in (t_old, t_end] from dense output (or exactly, at the step's end; a
    // step ending just below a discontinuity t_b also stands for t_b: the state is continuous).
    const bool at_break = landing && target_is_break && !terminated;
    const double t_save_end = at_break ? t_target : t_end;
    while (next_save < ts.size() && ts[next_save] <= t_save_end) {
      const double tsave = ts[next_save++];
      if (tsave >= t) {
        rec.push(tsave, cache.x());
      } else {
        interpolate(tsave, scratch);
        rec.push(tsave, scratch);
      }
    }
    // A requested time that is also the step's end was saved just above: do not save it twice.
    if (save.every_step && !terminated && rec.last_t() != (at_break ? t_target : t))
      rec.push(at_break ? t_target : t, cache.x());

    if (terminated) {
      if (t_end == t)
        scratch = cache.x();
      else
        interpolate(t_end, scratch);
      if ((save.t1 || save.every_step) && rec.last_t() != t_end) rec.push(t_end, scratch);
      sol.status = Status::terminated_by_event;
      sol.message = "terminated by event '" + events[static_cast<std::size_t>(sol.events.back().index)].name +
                    "' at t = " + std::to_string(t_end) + " s";
      sol.t_final_s = t_end;
      sol.x_final = scratch;
      rec.move_into(sol);
      return sol;
    }

    if (at_break) {
      ++next_break;
      ++stats.n_breakpoints;
      t = t_target;
      cache.restart_at(sys, t, stats);
      if constexpr (own_step_control) dt = cache.proposed_dt();
      err_prev = 1e-4;
      if (const Eigen::Index bad = detail::first_non_finite(cache.derivative()); bad >= 0) {
        const std::string name = problem.state_name(bad);
        return fail(
            Status::non_finite_state,
            [&](const std::string& m, double tt, double d) { return NonFiniteState(m, tt, d, name); },
            detail::concat("non-finite derivative after the discontinuity at t = ", t, " s: d(", name,
                           ")/dt is not finite. Check the forcing there."),
            t, dt);
      }
    }
  }

  if (save.t1 && rec.last_t() != t1) rec.push(t1, cache.x());
  sol.status = Status::success;
  sol.t_final_s = t1;
  sol.x_final = cache.x();
  rec.move_into(sol);
  return sol;
}

/// Overload taking events as a vector (or a braced list).
template <class System, class State, class Stepper>
Solution<State> solve(const OdeProblem<System, State>& problem, const Stepper& stepper, const StepControl& control,
                      const SaveAt& save, const std::vector<Event<State>>& events) {
  return solve(problem, stepper, control, save, std::span<const Event<State>>(events.data(), events.size()));
}

}  // namespace massagesim
