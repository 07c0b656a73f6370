#pragma once
/// \file rodas4.hpp
/// \brief Rodas4: L-stable, stiffly accurate Rosenbrock method of order 4 with an embedded
///        order-3 error estimate and an order-3 continuous extension, written on Eigen.
///
/// One step costs 6 RHS evaluations (5 stages + f at the accepted point), one LU of
/// W = I/(γh) − J and 6 forward/back substitutions. The Jacobian (and ∂f/∂t) is computed once
/// per accepted point, lazily at the first attempt from it; a rejected attempt only refactors W
/// for the new h. Dense, banded, bordered, pattern and sparse linear solvers are available
/// (`ShiftedSystem`, solver/linear/shifted_system.hpp); after construction of the cache nothing is
/// allocated per step except by Eigen's SparseLU (`sparse`) and by a widening of the Jacobian pattern.
///
/// \see E. Hairer, G. Wanner, Solving Ordinary Differential Equations II, 2nd ed., Springer (1996),
///      Section IV.7 (method RODAS), doi:10.1007/978-3-642-05221-7; coefficients in rodas4_tableau.hpp.

#include <algorithm>
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
#include "massagesim/solver/steppers/rodas4_tableau.hpp"

namespace massagesim {

template <class System, class State>
class Rodas4Cache;

/// Configuration of Rodas4, e.g.
/// `Rodas4{.jacobian = JacobianKind::automatic, .linear_solver = LinearSolverKind::banded,
///         .lower_bandwidth = 2, .upper_bandwidth = 2}`.
/// The default is an AD Jacobian with a dense LU.
struct Rodas4 {
  static constexpr const char* name = "Rodas4";
  static constexpr const char* reference =
      "Hairer & Wanner (1996), Solving ODEs II, Sec. IV.7, doi:10.1007/978-3-642-05221-7";

  JacobianKind jacobian = JacobianKind::automatic;
  LinearSolverKind linear_solver = LinearSolverKind::dense;
  /// The coefficients (`rodas4_tableau`, or `rodas4p2_tableau` for tight tolerances on stiff problems).
  const RodasTableau* tableau = &rodas4_tableau;
  /// Sub-diagonals of J for the banded/sparse solvers (of the band block for `bordered`); −1 means full.
  int lower_bandwidth = -1;
  /// Super-diagonals of J for the banded/sparse solvers (of the band block for `bordered`); −1 means full.
  int upper_bandwidth = -1;
  /// `bordered` and `pattern_lu` only: the number m of border states, the LAST m entries of the state
  /// (e.g. limb-level pools coupled to every segment). J's border rows and columns are evaluated exactly.
  int border_size = 0;
  /// `bordered` and `pattern_lu` only: the block columns (< n − m) on which the border rows depend; empty = all of them
  /// (exact, ⌈(n − m)/C⌉ extra AD evaluations per Jacobian). A shorter list is cheaper, but entries of
  /// the border rows in unlisted columns are taken as zero.
  std::vector<Eigen::Index> border_row_columns = {};
  /// The sparsity pattern of J (a superset of its nonzeros), e.g. `detect_jacobian_pattern`'s; null:
  /// none. With `dense`, `bordered` or `pattern_lu` and an AD or finite-difference Jacobian, J is evaluated by a
  /// colouring of this pattern (fewer AD directions than band colours; `JacobianEvaluator::set_pattern`).
  /// An entry missing from the pattern would be taken as zero (the method then loses order, not
  /// accuracy control); the guard (`pattern_check_interval`) finds such entries and widens the pattern.
  std::shared_ptr<const SparsityPattern> jacobian_pattern = nullptr;
  /// The guard of `jacobian_pattern`: the first Jacobian after the start and after every restart (a
  /// breakpoint: new inputs), and then every `pattern_check_interval`-th Jacobian, is evaluated in full
  /// (every stored entry of the band and border, or of the dense matrix: the cost of a Jacobian without
  /// pattern) and used for that step. A nonzero outside the pattern widens this solve's pattern (union
  /// with the full Jacobian's nonzeros) and recolours it: the only allocation in the stepping loop, once
  /// per widening (`Stats::n_pattern_widenings`). Entries outside the band and border are outside
  /// both and taken as zero, as without a pattern. On the default scenario the restart checks cost ~3 %
  /// and every 64th ~2 % more (docs/solver.md, "Pattern Jacobians").
  int pattern_check_interval = 64;
  /// Experimental (issue 15, Jacobian reuse): J and ∂f/∂t are kept for up to this many accepted steps
  /// (1: a new J every step, the classical method). Rodas4 is not a W-method, so a kept J costs order
  /// on stiff components and the error control answers with smaller steps; a rejected step with a
  /// kept J re-evaluates it. The LU is still refactored whenever h changes.
  int jacobian_max_age = 1;
  /// true: the system does not depend on t explicitly, ∂f/∂t = 0 is used (saves one RHS
  /// evaluation per Jacobian when the system has no `time_derivative`).
  bool autonomous = false;

  /// Throws InvalidArgument on bandwidths that do not fit n states or out-of-range options.
  void validate(Eigen::Index n) const {
    MASSAGESIM_CHECK(tableau != nullptr,
                     "Rodas4.tableau: expected a tableau (rodas4_tableau, rodas4p2_tableau), got null");
    ShiftedSystemOptions::of(*this).validate("Rodas4", n);
    MASSAGESIM_CHECK(jacobian_max_age >= 1, "Rodas4.jacobian_max_age: expected >= 1 accepted steps, got ",
                     jacobian_max_age);
  }

  template <class System, class State>
  Rodas4Cache<System, State> make_cache(const State& x0) const {
    validate(x0.size());
    return Rodas4Cache<System, State>(*this, x0);
  }
};

/// Stage buffers, Jacobian, LU and dense-output data of Rodas4, sized once at construction.
template <class System, class State>
class Rodas4Cache {
 public:
  static constexpr int order = 4;
  static constexpr int error_order = 3;
  static constexpr bool high_order_dense_output = true;
  static constexpr bool implicit = true;  // the driver's TooManySteps hint does not suggest a stiff stepper

  Rodas4Cache(const Rodas4& cfg, const State& x0)
      : cfg_(cfg),
        w_(ShiftedSystemOptions::of(cfg), x0.size()),
        x_(x0),
        x_new_(x0),
        x_old_(x0),
        f_(x0),
        dfdt_(x0),
        u_(x0),
        du_(x0),
        k1_(x0),
        k2_(x0),
        k3_(x0),
        k4_(x0),
        k5_(x0),
        k6_(x0),
        dense1_(x0),
        dense2_(x0) {
    dfdt_.setZero();
    k6_.setZero();
    dense1_.setZero();
    dense2_.setZero();
  }

  void initialize(System& sys, const State& x0, double t0, Stats& st) {
    x_ = x0;
    t_ = t_old_ = t_new_ = t0;
    restart(sys, st);
  }
  /// Re-evaluates f (and, lazily, J) at the current point, e.g. after a discontinuity.
  void restart(System& sys, Stats& st) {
    sys(x_, f_, t_);
    ++st.n_rhs;
    jac_valid_ = false;
    attempted_ = false;
    w_.restart();  // new inputs may bring new nonzeros: the next J is checked
  }
  /// Continues from the current state at time `t` (the driver calls this at a discontinuity t_b
  /// after a step that ended just below it): f, J and ∂f/∂t are re-evaluated there.
  void restart_at(System& sys, double t, Stats& st) {
    t_ = t_old_ = t;
    restart(sys, st);
  }

  /// Tries one step from the current point to `t_new`; fills x_new() and error().
  void attempt(System& sys, double t_new, Stats& st) {
    const RodasTableau& c = *cfg_.tableau;
    t_new_ = t_new;
    const double h = t_new - t_;
    bool refactor = false;
    if (jac_valid_ && attempted_ && jac_age_ > 0) jac_valid_ = false;  // retry after a rejection: fresh J
    attempted_ = true;
    if (!jac_valid_) {
      jac_age_ = 0;
      w_.evaluate(sys, x_, t_, f_, st);
      if (cfg_.autonomous)
        dfdt_.setZero();
      else
        w_.time_derivative(sys, x_, t_, f_, h, dfdt_, st);
      jac_valid_ = true;
      refactor = true;
    }
    if (refactor || h != h_factored_) {
      lu_ok_ = w_.factor(1.0 / (c.gamma * h), st);
      h_factored_ = h;
    }
    if (!lu_ok_) {  // singular W: report a non-finite attempt so that the driver shrinks the step
      x_new_.setConstant(std::numeric_limits<double>::quiet_NaN());
      k6_.setConstant(std::numeric_limits<double>::quiet_NaN());
      return;
    }
    const double ih = 1.0 / h;
    const double t = t_;

    k1_ = f_ + (h * c.d1) * dfdt_;
    solve(k1_, st);

    u_ = x_ + c.a21 * k1_;
    sys(u_, du_, t + c.c2 * h);
    k2_ = du_ + (h * c.d2) * dfdt_ + (c.C21 * ih) * k1_;
    solve(k2_, st);

    u_ = x_ + c.a31 * k1_ + c.a32 * k2_;
    sys(u_, du_, t + c.c3 * h);
    k3_ = du_ + (h * c.d3) * dfdt_ + ih * (c.C31 * k1_ + c.C32 * k2_);
    solve(k3_, st);

    u_ = x_ + c.a41 * k1_ + c.a42 * k2_ + c.a43 * k3_;
    sys(u_, du_, t + c.c4 * h);
    k4_ = du_ + (h * c.d4) * dfdt_ + ih * (c.C41 * k1_ + c.C42 * k2_ + c.C43 * k3_);
    solve(k4_, st);

    u_ = x_ + c.a51 * k1_ + c.a52 * k2_ + c.a53 * k3_ + c.a54 * k4_;
    sys(u_, du_, t_new);
    k5_ = du_ + ih * (c.C51 * k1_ + c.C52 * k2_ + c.C53 * k3_ + c.C54 * k4_);
    solve(k5_, st);

    u_ += k5_;
    sys(u_, du_, t_new);
    k6_ = du_ + ih * (c.C61 * k1_ + c.C62 * k2_ + c.C63 * k3_ + c.C64 * k4_ + c.C65 * k5_);
    solve(k6_, st);

    x_new_ = u_ + k6_;
    st.n_rhs += 5;
  }

  /// Makes x_new the current state, prepares dense output, evaluates f there.
  void accept(System& sys, Stats& st) {
    const RodasTableau& c = *cfg_.tableau;
    dense1_ = c.h21 * k1_ + c.h22 * k2_ + c.h23 * k3_ + c.h24 * k4_ + c.h25 * k5_;
    dense2_ = c.h31 * k1_ + c.h32 * k2_ + c.h33 * k3_ + c.h34 * k4_ + c.h35 * k5_;
    x_old_.swap(x_);
    x_.swap(x_new_);
    t_old_ = t_;
    t_ = t_new_;  // exactly the requested end
    sys(x_, f_, t_);
    ++st.n_rhs;
    attempted_ = false;
    if (++jac_age_ >= cfg_.jacobian_max_age) jac_valid_ = false;
  }

  /// Dense output on [t_previous, t]: (1−θ) x_old + θ (x + (1−θ)(d1 + θ d2)).
  void interpolate(double t, State& out) const {
    const double span = t_ - t_old_;
    if (span == 0.0) {
      out = x_;
      return;
    }
    const double th = (t - t_old_) / span, th1 = 1.0 - th;
    out = th1 * x_old_ + th * (x_ + th1 * (dense1_ + th * dense2_));
  }

  /// The pattern J is coloured by now: `Rodas4::jacobian_pattern`, widened by the guard (null: none).
  const std::shared_ptr<const SparsityPattern>& jacobian_pattern() const { return w_.pattern(); }
  /// `LinearSolverKind::pattern_lu`: factorisations that fell back to partial pivoting.
  std::int64_t n_pivot_fallbacks() const { return w_.n_pivot_fallbacks(); }

  const State& x() const { return x_; }
  const State& x_new() const { return x_new_; }
  const State& error() const { return k6_; }
  const State& derivative() const { return f_; }
  double t() const { return t_; }
  double t_previous() const { return t_old_; }

 private:
  void solve(State& b, Stats& st) { w_.solve(b, st); }

  Rodas4 cfg_;
  ShiftedSystem<System, State> w_;  // J, its evaluation with the pattern guard, the LU of W
  State x_, x_new_, x_old_, f_, dfdt_, u_, du_, k1_, k2_, k3_, k4_, k5_, k6_, dense1_, dense2_;
  bool jac_valid_ = false, lu_ok_ = false, attempted_ = false;
  int jac_age_ = 0;  // accepted steps since J was evaluated
  double h_factored_ = 0.0;
  double t_ = 0.0, t_old_ = 0.0, t_new_ = 0.0;
};

}  // namespace massagesim
