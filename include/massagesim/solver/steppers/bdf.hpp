#pragma once
/// \file bdf.hpp
/// \brief Bdf: variable-order (1 … 5) quasi-constant step-size NDF/BDF with Jacobian and LU reuse,
///        written on Eigen and the solver's shared linear system W (`ShiftedSystem`: Jacobian evaluator,
///        dense / banded / bordered / pattern LUs).
///
/// The method is the one of MATLAB's ode15s: the numerical differentiation formulas (NDF) of
/// Shampine & Reichelt, in the backward-difference form of their Sec. 2.3, with the history kept as
/// the modified divided differences D⁰ … D^{k+2} of the solution at equally spaced points. A change
/// of the step size re-represents the interpolating polynomial on the new grid (the matrices R, U of
/// their Sec. 2.3); the order is chosen after k + 1 steps of equal size from the error estimates of
/// orders k − 1, k and k + 1. SciPy's `BDF` (scipy/integrate/_ivp/bdf.py) follows the same paper;
/// its structure was read, not copied.
///
/// Cost: the corrector is a modified Newton iteration with the stored LU of W = (α_k/h) I − J. J is
/// re-evaluated only when the iteration fails to converge with a J from an earlier step (or, with
/// `jacobian_max_age`, after that many accepted steps); W is refactored only when h or the order
/// changed or J was re-evaluated. One accepted step costs 1 + (Newton iterations) RHS evaluations
/// and as many forward/back substitutions. After construction of the cache nothing is allocated per
/// step on the dense, banded, bordered and pattern paths (Eigen's SparseLU allocates; a widening of the
/// Jacobian pattern by the guard allocates once per widening, as in Rodas4).
///
/// Driver interplay (see `solve()`): the cache chooses its own step through the optional hooks
/// `set_tolerances(atol, rtol)` and `proposed_dt()`; a step the driver shortens (breakpoint, t1)
/// rescales the history. A Newton failure is reported as a rejected attempt (error norm 2, x_new = x)
/// with a proposal of half the step. `restart_at` (a breakpoint) restarts at order 1.
///
/// \see L. F. Shampine, M. W. Reichelt, The MATLAB ODE Suite, SIAM J. Sci. Comput. 18(1), 1–22
///      (1997), doi:10.1137/S1064827594276424 (NDF coefficients κ, Sec. 2.2–2.3).
/// \see E. Hairer, G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer (1996),
///      Sec. III.1 and IV.8 (BDF, Newton convergence monitor), doi:10.1007/978-3-642-05221-7.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/linear_solver_kind.hpp"
#include "massagesim/solver/linear/shifted_system.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim {

template <class System, class State>
class BdfCache;

/// Configuration of Bdf, e.g. `Bdf{.linear_solver = LinearSolverKind::bordered, .lower_bandwidth = 4,
/// .upper_bandwidth = 4, .border_size = 2, .jacobian_pattern = p}`. The Jacobian and linear-solver
/// fields mean what they mean in `Rodas4`. The default is an AD Jacobian with a dense LU, NDF
/// coefficients and orders up to 5.
struct Bdf {
  static constexpr const char* name = "Bdf";
  static constexpr const char* reference =
      "Shampine & Reichelt (1997), The MATLAB ODE Suite, SIAM J. Sci. Comput. 18(1), doi:10.1137/S1064827594276424";

  JacobianKind jacobian = JacobianKind::automatic;
  LinearSolverKind linear_solver = LinearSolverKind::dense;
  int lower_bandwidth = -1;                                           ///< as `Rodas4::lower_bandwidth`
  int upper_bandwidth = -1;                                           ///< as `Rodas4::upper_bandwidth`
  int border_size = 0;                                                ///< as `Rodas4::border_size`
  std::vector<Eigen::Index> border_row_columns = {};                  ///< as `Rodas4::border_row_columns`
  std::shared_ptr<const SparsityPattern> jacobian_pattern = nullptr;  ///< as `Rodas4::jacobian_pattern`
  int pattern_check_interval = 64;                                    ///< as `Rodas4::pattern_check_interval`
  /// Highest order, 1 … 5 (the BDFs of order > 5 are not zero-stable; > 2 are not A-stable).
  int max_order = 5;
  /// true: the NDFs (κ of Shampine & Reichelt, Table 1: larger stability regions at orders 1–4,
  /// order 5 is BDF5); false: the classical BDFs (κ = 0).
  bool ndf = true;
  /// Newton iterations per attempt before it counts as not converging (Shampine & Reichelt: 4).
  int max_newton_iterations = 4;
  /// Accepted steps after which J is re-evaluated even if Newton converges; 0: only on a
  /// convergence failure (ode15s). CVODE uses 50 (its `msbj`).
  int jacobian_max_age = 0;
  /// Newton stops when the estimated remaining error, in units of the error weights, is below this;
  /// 0: RADAU5's and SciPy's max(10 ε/rtol, min(0.03, √rtol)).
  double newton_tolerance = 0.0;
  /// true: the contraction rate of the last converged iteration is carried into the next step, so
  /// that one iteration can suffice (RADAU5's FACCON, Hairer & Wanner IV.8: η₀ = max(η_old, ε)^0.8);
  /// false: at least two iterations per attempt (SciPy).
  bool carry_convergence_rate = true;
  /// The LU of W = (α_k/h) I − J is kept while h/α_k stays within this relative change of the value
  /// it was factored for, the Newton correction then scaled by 2c/(c_LU + c) (CVODE's `dgmax` = 0.3
  /// and its correction factor); 0: refactored whenever h or the order changed (ode15s).
  double lu_reuse_max_change = 0.0;

  /// Throws InvalidArgument on bandwidths that do not fit n states or out-of-range options.
  void validate(Eigen::Index n) const {
    ShiftedSystemOptions::of(*this).validate("Bdf", n);
    MASSAGESIM_CHECK(max_order >= 1 && max_order <= 5, "Bdf.max_order: expected 1 ... 5, got ", max_order);
    MASSAGESIM_CHECK(max_newton_iterations >= 1 && max_newton_iterations <= 20,
                     "Bdf.max_newton_iterations: expected 1 ... 20, got ", max_newton_iterations);
    MASSAGESIM_CHECK(jacobian_max_age >= 0, "Bdf.jacobian_max_age: expected >= 0 (0: no limit), got ",
                     jacobian_max_age);
    MASSAGESIM_CHECK(lu_reuse_max_change >= 0.0 && lu_reuse_max_change < 1.0,
                     "Bdf.lu_reuse_max_change: expected in [0, 1), got ", lu_reuse_max_change);
    MASSAGESIM_CHECK(std::isfinite(newton_tolerance) && newton_tolerance >= 0.0 && newton_tolerance < 1.0,
                     "Bdf.newton_tolerance: expected 0 (automatic) or in (0, 1), got ", newton_tolerance);
  }

  template <class System, class State>
  BdfCache<System, State> make_cache(const State& x0) const {
    validate(x0.size());
    return BdfCache<System, State>(*this, x0);
  }
};

/// History (modified divided differences), Jacobian, LU and Newton buffers of Bdf, sized once.
template <class System, class State>
class BdfCache {
  static constexpr int N = State::RowsAtCompileTime;
  static constexpr int kMaxOrder = 5;
  static constexpr int kCols = kMaxOrder + 3;  // D⁰ … D^{k+2}
  using History = Eigen::Matrix<double, N, kCols>;
  using Small = Eigen::Matrix<double, kMaxOrder + 1, kMaxOrder + 1>;

 public:
  /// The order the method starts at (used by the driver's first-step estimate); it then varies
  /// between 1 and `Bdf::max_order` (`current_order()`).
  static constexpr int order = 1;
  static constexpr int error_order = 1;
  static constexpr bool high_order_dense_output = true;  // the interpolating polynomial, of the step's order
  static constexpr bool implicit = true;

  BdfCache(const Bdf& cfg, const State& x0)
      : cfg_(cfg),
        n_(x0.size()),
        w_(ShiftedSystemOptions::of(cfg), n_),
        x_(x0),
        x_new_(x0),
        f_(x0),
        err_(x0),
        ypred_(x0),
        psi_(x0),
        d_(x0),
        dy_(x0),
        fy_(x0),
        fpred_(x0),
        scale_(x0),
        atol_(x0) {
    D_.setZero(n_, kCols);
    tmp_.setZero(n_, kCols);
    // Coefficients (Shampine & Reichelt 1997, Sec. 2.2): γ_k = Σ_{j≤k} 1/j, α_k = (1 − κ_k) γ_k, and the
    // error constant κ_k γ_k + 1/(k + 1) of the leading term of the local error.
    const std::array<double, kMaxOrder + 1> kappa_ndf{0.0, -0.1850, -1.0 / 9.0, -0.0823, -0.0415, 0.0};
    gamma_[0] = 0.0;
    for (int k = 1; k <= kMaxOrder; ++k) gamma_[k] = gamma_[k - 1] + 1.0 / k;
    for (int k = 0; k <= kMaxOrder; ++k) {
      const double kappa = cfg_.ndf ? kappa_ndf[static_cast<std::size_t>(k)] : 0.0;
      alpha_[k] = (1.0 - kappa) * gamma_[k];
      error_const_[k] = kappa * gamma_[k] + 1.0 / (k + 1.0);
    }
    atol_.setConstant(1e-9);
    set_newton_tolerance();
  }

  /// Optional driver hook: the weights of the error norm (atol_i + rtol·|x_i|), also used to scale
  /// the Newton corrections.
  void set_tolerances(const State& atol, double rtol) {
    atol_ = atol;
    rtol_ = rtol;
    set_newton_tolerance();
  }
  /// Optional driver hook: the step this cache wants next (after an accepted or a rejected attempt).
  double proposed_dt() const { return proposed_h_; }

  void initialize(System& sys, const State& x0, double t0, Stats& st) {
    x_ = x0;
    t_ = t_old_ = t_new_ = t0;
    restart(sys, st);
  }
  /// Restarts at order 1 from the current point: f is re-evaluated, the history forgotten. J is
  /// kept (Newton decides whether it still serves); with a pattern the next J is checked in full.
  void restart(System& sys, Stats& st) {
    sys(x_, f_, t_);
    ++st.n_rhs;
    D_.setZero();
    D_.col(0) = x_;
    D_.col(1) = f_;  // the first difference for a unit step; rescaled to the first h in attempt()
    h_ = 1.0;
    order_ = 1;
    n_equal_ = 0;
    lu_valid_ = false;
    jac_fresh_ = false;
    w_.restart();
    eta_ = 1.0;
    proposed_h_ = std::numeric_limits<double>::quiet_NaN();
  }
  /// Continues from the current state at time `t` (past a discontinuity), at order 1, and proposes
  /// a first step for it (`proposed_dt`): the inputs jumped, the step of the last order-k steps
  /// says nothing about the transient that follows.
  void restart_at(System& sys, double t, Stats& st) {
    const double h_last = h_;
    t_ = t_old_ = t;
    restart(sys, st);
    proposed_h_ = std::min(std::abs(h_last), starting_step(sys, st));
  }

  /// Tries one step from the current point to `t_new`; fills x_new(), error() and proposed_dt().
  void attempt(System& sys, double t_new, Stats& st) {
    t_new_ = t_new;
    // t_new − t differs from the step the driver was given by rounding (ulps of t): such a step
    // counts as equal, so that the order can change and the LU be kept.
    const double h_actual = t_new - t_;
    if (std::abs(h_actual - h_) > 1e-8 * std::abs(h_)) {
      change_history(order_, h_actual / h_);
      h_ = h_actual;
      n_equal_ = 0;
    }
    const double h = h_;
    const int k = order_;
    ypred_ = D_.col(0);
    psi_.setZero();
    for (int j = 1; j <= k; ++j) {
      ypred_ += D_.col(j);
      psi_ += gamma_[j] * D_.col(j);
    }
    psi_ /= alpha_[k];
    scale_ = atol_.array() + rtol_ * ypred_.array().abs();
    const double c = h / alpha_[k];

    sys(ypred_, fpred_, t_new);
    ++st.n_rhs;
    bool converged = false;
    int iterations = 0;
    for (;;) {
      if (!jac_valid_) evaluate_jacobian(sys, t_new, st);
      if (!lu_valid_ || std::abs(c / c_factored_ - 1.0) > cfg_.lu_reuse_max_change) factor(c, st);
      if (lu_ok_) {
        converged = newton(sys, t_new, c, st, iterations);
        if (converged) break;
      }
      if (jac_fresh_) break;  // a J of this step did not help: shrink the step
      jac_valid_ = false;
    }
    if (!converged) {
      // A rejected attempt for the driver: x_new = x and an error of norm 2 in its weights.
      x_new_ = x_;
      err_ = 2.0 * (atol_.array() + rtol_ * x_.array().abs());
      proposed_h_ = 0.5 * h;
      last_safety_ = 0.9;
      // A singular W with a J of this step: J at a predictor far out (a long step may extrapolate
      // out of the model's domain, NaN entries). The shorter retry evaluates J at its own predictor.
      if (!lu_ok_) jac_valid_ = false;
      return;
    }
    err_ = error_const_[k] * d_;
    double acc = 0.0;
    for (Eigen::Index i = 0; i < n_; ++i) {
      const double r = err_[i] / (atol_[i] + rtol_ * std::max(std::abs(x_[i]), std::abs(x_new_[i])));
      acc += r * r;
    }
    err_norm_ = std::sqrt(acc / static_cast<double>(n_));
    // Fewer Newton iterations: more confidence in the estimate (ode15s).
    const int itmax = cfg_.max_newton_iterations;
    last_safety_ = 0.9 * (2.0 * itmax + 1.0) / (2.0 * itmax + iterations);
    if (!(err_norm_ <= 1.0))
      proposed_h_ = h * std::max(kFactorMin, last_safety_ * std::pow(err_norm_, -1.0 / (k + 1.0)));
    else
      proposed_h_ = h;
  }

  /// Makes x_new the current state, updates the differences and chooses the next order and step.
  void accept(System&, Stats&) {
    const int k = order_;
    x_.swap(x_new_);
    t_old_ = t_;
    t_ = t_new_;
    ++n_equal_;
    jac_fresh_ = false;
    ++jac_age_;
    if (cfg_.jacobian_max_age > 0 && jac_age_ >= cfg_.jacobian_max_age) jac_valid_ = false;
    // d = ∇^{k+1} y_n: the new differences follow from D^{j+1} y_n = D^j y_n − D^j y_{n−1}.
    D_.col(k + 2) = d_ - D_.col(k + 1);
    D_.col(k + 1) = d_;
    for (int j = k; j >= 0; --j) D_.col(j) += D_.col(j + 1);
    f_ = D_.col(1) / h_;  // first-order estimate of f(x): only the driver's restart checks read it
    proposed_h_ = h_;
    if (n_equal_ < k + 1) return;

    // Order selection from the estimates of orders k − 1, k, k + 1 (Shampine & Reichelt, Sec. 2.3).
    const double inf = std::numeric_limits<double>::infinity();
    const double e_minus = k > 1 ? scaled_norm(D_.col(k), error_const_[k - 1]) : inf;
    const double e_plus = k < cfg_.max_order ? scaled_norm(D_.col(k + 2), error_const_[k + 1]) : inf;
    const double f_minus = std::pow(e_minus, -1.0 / k);
    const double f_same = std::pow(err_norm_, -1.0 / (k + 1.0));
    const double f_plus = std::pow(e_plus, -1.0 / (k + 2.0));
    int new_order = k;
    double best = f_same;
    if (f_minus > best) {
      best = f_minus;
      new_order = k - 1;
    }
    if (f_plus > best) {
      best = f_plus;
      new_order = k + 1;
    }
    const double factor = std::min(kFactorMax, last_safety_ * best);
    order_ = new_order;
    change_history(order_, factor);
    h_ *= factor;
    n_equal_ = 0;
    proposed_h_ = h_;
  }

  /// Dense output on [t_previous, t]: the interpolating polynomial of the current history,
  /// y(t) = D⁰ + Σ_j D^j Π_{i<j} (t − t_n + i h)/((i + 1) h).
  void interpolate(double t, State& out) const {
    out = D_.col(0);
    double p = 1.0;
    for (int j = 0; j < order_; ++j) {
      p *= (t - (t_ - h_ * j)) / (h_ * (j + 1.0));
      out += p * D_.col(j + 1);
    }
  }

  const std::shared_ptr<const SparsityPattern>& jacobian_pattern() const { return w_.pattern(); }
  /// `LinearSolverKind::pattern_lu`: factorisations that fell back to partial pivoting.
  std::int64_t n_pivot_fallbacks() const { return w_.n_pivot_fallbacks(); }
  int current_order() const { return order_; }

  const State& x() const { return x_; }
  const State& x_new() const { return x_new_; }
  const State& error() const { return err_; }
  const State& derivative() const { return f_; }
  double t() const { return t_; }
  double t_previous() const { return t_old_; }

 private:
  static constexpr double kFactorMin = 0.2;
  static constexpr double kFactorMax = 10.0;

  /// Hairer, Nørsett & Wanner's starting step for order 1 (Solving ODEs I, Sec. II.4): from ‖x‖, ‖f‖
  /// and a difference estimate of ‖f′‖ in the error weights; one RHS evaluation (in `fy_`, `dy_`).
  double starting_step(System& sys, Stats& st) {
    auto norm = [&](const auto& v) {
      double acc = 0.0;
      for (Eigen::Index i = 0; i < n_; ++i) {
        const double r = v[i] / (atol_[i] + rtol_ * std::abs(x_[i]));
        acc += r * r;
      }
      return std::sqrt(acc / static_cast<double>(n_));
    };
    const double d0 = norm(x_), d1 = norm(f_);
    const double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    dy_ = x_ + h0 * f_;
    sys(dy_, fy_, t_ + h0);
    ++st.n_rhs;
    dy_ = fy_ - f_;
    const double d2 = norm(dy_) / h0;
    const double dmax = std::max(d1, d2);
    const double h1 = dmax <= 1e-15 ? std::max(1e-6, 1e-3 * h0) : std::sqrt(0.01 / dmax);
    const double h = std::min(100.0 * h0, h1);
    return std::isfinite(h) && h > 0.0 ? h : h0;
  }

  void set_newton_tolerance() {
    newton_tol_ = cfg_.newton_tolerance > 0.0 ? cfg_.newton_tolerance
                                              : std::max(10.0 * std::numeric_limits<double>::epsilon() / rtol_,
                                                         std::min(0.03, std::sqrt(rtol_)));
  }

  double scaled_norm(const auto& v, double coef) const {
    double acc = 0.0;
    for (Eigen::Index i = 0; i < n_; ++i) {
      const double r = coef * v[i] / (atol_[i] + rtol_ * std::abs(x_[i]));
      acc += r * r;
    }
    return std::sqrt(acc / static_cast<double>(n_));
  }

  /// Re-represents the history for a step h·factor (the polynomial is unchanged):
  /// D ← (R(factor) U)ᵀ D on the first k + 1 differences (Shampine & Reichelt, Sec. 2.3).
  void change_history(int k, double factor) {
    Small r = Small::Zero(), u = Small::Zero();
    fill_r(r, k, factor);
    fill_r(u, k, 1.0);
    const Small ru = r * u;
    for (int j = 0; j <= k; ++j) {
      tmp_.col(j) = ru(0, j) * D_.col(0);
      for (int i = 1; i <= k; ++i) tmp_.col(j) += ru(i, j) * D_.col(i);
    }
    for (int j = 0; j <= k; ++j) D_.col(j) = tmp_.col(j);
  }
  /// R_{ij} = Π_{m=1}^{i} (m − 1 − factor·j)/m, row 0 all ones.
  static void fill_r(Small& r, int k, double factor) {
    for (int j = 0; j <= k; ++j) {
      r(0, j) = 1.0;
      for (int i = 1; i <= k; ++i) r(i, j) = r(i - 1, j) * ((i - 1.0) - factor * j) / i;
    }
  }

  void evaluate_jacobian(System& sys, double t, Stats& st) {
    w_.evaluate(sys, ypred_, t, fpred_, st);
    jac_valid_ = true;
    jac_fresh_ = true;
    jac_age_ = 0;
    lu_valid_ = false;
  }

  void factor(double c, Stats& st) {
    lu_ok_ = w_.factor(1.0 / c, st);  // W = (α_k/h) I − J
    c_factored_ = c;
    lu_valid_ = true;
  }

  /// Modified Newton on y − c·f(y) = ypred − ψ·c… in the difference form: with d = y − ypred,
  /// solve W Δ = f(y) − (ψ + d)/c. Converged when the contraction-rate estimate says the remaining
  /// error is below `newton_tol_` (Hairer & Wanner IV.8, (8.10)–(8.11)). x_new_ and d_ hold the result.
  bool newton(System& sys, double t_new, double c, Stats& st, int& iterations) {
    d_.setZero();
    x_new_ = ypred_;
    double dy_norm_old = -1.0;
    const int itmax = cfg_.max_newton_iterations;
    for (int it = 0; it < itmax; ++it) {
      iterations = it + 1;
      const State& f = it == 0 ? fpred_ : fy_;
      if (it > 0) {
        sys(x_new_, fy_, t_new);
        ++st.n_rhs;
      }
      if (!f.allFinite()) return false;
      dy_ = f - (psi_ + d_) / c;
      solve(dy_, st);
      if (c != c_factored_) dy_ *= 2.0 * c / (c_factored_ + c);  // W factored for another c
      const double dy_norm = std::sqrt((dy_.array() / scale_.array()).square().sum() / static_cast<double>(n_));
      if (!std::isfinite(dy_norm)) return false;
      // A correction at the level of rounding (RADAU5's floor of its Newton tolerance): converged;
      // the rate of two such corrections is noise.
      if (dy_norm <= 10.0 * std::numeric_limits<double>::epsilon() / rtol_) {
        x_new_ += dy_;
        d_ += dy_;
        return true;
      }
      double rate = -1.0;
      if (dy_norm_old > 0.0) {
        rate = dy_norm / dy_norm_old;
        if (rate >= 1.0) return false;
        double rate_pow = rate;  // rate^(itmax − it): the error left after the remaining iterations
        for (int j = it + 1; j < itmax; ++j) rate_pow *= rate;
        if (rate_pow / (1.0 - rate) * dy_norm > newton_tol_) return false;
      }
      x_new_ += dy_;
      d_ += dy_;
      if (rate >= 0.0) {
        eta_ = rate / (1.0 - rate);
        if (eta_ * dy_norm < newton_tol_) return true;
      } else if (dy_norm == 0.0) {
        return true;
      } else if (cfg_.carry_convergence_rate) {
        // First iteration: the rate of the last converged iteration, slowly forgotten.
        // η₀ = η_old^0.8 lies between η_old and 1: skip the pow when it cannot pass.
        double eta0 = eta_;
        bool pass = false;
        if (eta_ == 1.0) {
          pass = dy_norm < newton_tol_;
        } else if (eta_ > 1.0 || eta_ * dy_norm < newton_tol_) {
          eta0 = std::pow(std::max(eta_, std::numeric_limits<double>::epsilon()), 0.8);
          pass = eta0 * dy_norm < newton_tol_;
        }
        if (pass) {
          eta_ = eta0;
          return true;
        }
      }
      dy_norm_old = dy_norm;
    }
    return false;
  }

  void solve(State& b, Stats& st) { w_.solve(b, st); }

  Bdf cfg_;
  Eigen::Index n_;
  ShiftedSystem<System, State> w_;  // J, its evaluation with the pattern guard, the LU of W
  State x_, x_new_, f_, err_, ypred_, psi_, d_, dy_, fy_, fpred_, scale_, atol_;
  History D_, tmp_;
  std::array<double, kMaxOrder + 1> gamma_{}, alpha_{}, error_const_{};
  bool jac_valid_ = false;  // J holds a Jacobian (maybe from an earlier step)
  bool jac_fresh_ = false;  // J was evaluated during the attempts of the current step
  int jac_age_ = 0;         // accepted steps since J was evaluated
  bool lu_valid_ = false, lu_ok_ = false;
  double c_factored_ = 0.0;
  double rtol_ = 1e-6, newton_tol_ = 0.0;
  int order_ = 1, n_equal_ = 0;
  double h_ = 1.0;  // the step the history is written for
  double err_norm_ = 0.0, last_safety_ = 0.9;
  double eta_ = 1.0;  // η = θ/(1 − θ) of the last converged Newton iteration (θ: contraction rate)
  double proposed_h_ = std::numeric_limits<double>::quiet_NaN();
  double t_ = 0.0, t_old_ = 0.0, t_new_ = 0.0;
};

}  // namespace massagesim
