#pragma once
/// \file shifted_system.hpp
/// \brief The linear system W = c·I − J of an implicit stepper (Rodas4, Bdf): the storage of J for the
///        chosen `LinearSolverKind`, its evaluation with the sparsity-pattern guard, the LU of W and the
///        solves, plus the validation of the options that configure them.
///
/// The steppers keep their own options (`Rodas4::linear_solver`, `Bdf::lower_bandwidth`, …) so that
/// their designated initialisers stay flat; `ShiftedSystemOptions::of(cfg)` reads the shared ones.
/// Nothing is allocated after construction on the dense, banded, bordered and pattern paths; Eigen's
/// SparseLU (`sparse`) allocates in every factorisation, and a widening of the pattern by the guard
/// allocates once per widening (the wider pattern, its colouring, and for `pattern_lu` its symbolic
/// analysis).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"
#include "massagesim/solver/linear/banded_lu.hpp"
#include "massagesim/solver/linear/bordered_lu.hpp"
#include "massagesim/solver/linear/bordered_matrix.hpp"
#include "massagesim/solver/linear/dense_lu.hpp"
#include "massagesim/solver/linear/linear_solver_kind.hpp"
#include "massagesim/solver/linear/pattern_lu.hpp"
#include "massagesim/solver/linear/sparse_lu.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim {

/// The Jacobian and linear-solver options an implicit stepper shares (their meaning: `Rodas4`'s fields).
struct ShiftedSystemOptions {
  JacobianKind jacobian = JacobianKind::automatic;
  LinearSolverKind linear_solver = LinearSolverKind::dense;
  int lower_bandwidth = -1;
  int upper_bandwidth = -1;
  int border_size = 0;
  std::vector<Eigen::Index> border_row_columns = {};
  std::shared_ptr<const SparsityPattern> jacobian_pattern = nullptr;
  int pattern_check_interval = 64;

  /// The shared options of a stepper configuration with fields of the same names.
  template <class Config>
  static ShiftedSystemOptions of(const Config& cfg) {
    return ShiftedSystemOptions{cfg.jacobian,         cfg.linear_solver,         cfg.lower_bandwidth,
                                cfg.upper_bandwidth,  cfg.border_size,           cfg.border_row_columns,
                                cfg.jacobian_pattern, cfg.pattern_check_interval};
  }

  /// Throws InvalidArgument, naming the field as `owner.field`, on bandwidths or a border that do not fit
  /// n states, a pattern of another size or for a solver that does not use it, or an empty guard interval.
  void validate(const char* owner, Eigen::Index n) const {
    MASSAGESIM_CHECK(lower_bandwidth >= -1 && lower_bandwidth < std::max<Eigen::Index>(n, 1), owner,
                     ".lower_bandwidth: expected -1 (full) or 0 ... n-1 = ", n - 1, ", got ", lower_bandwidth);
    MASSAGESIM_CHECK(upper_bandwidth >= -1 && upper_bandwidth < std::max<Eigen::Index>(n, 1), owner,
                     ".upper_bandwidth: expected -1 (full) or 0 ... n-1 = ", n - 1, ", got ", upper_bandwidth);
    MASSAGESIM_CHECK(border_size >= 0 && border_size <= n, owner, ".border_size: expected 0 ... n = ", n, ", got ",
                     border_size);
    MASSAGESIM_CHECK(border_size == 0 || linear_solver == LinearSolverKind::bordered ||
                         linear_solver == LinearSolverKind::pattern_lu,
                     owner, ".border_size = ", border_size,
                     ": only used with LinearSolverKind::bordered or pattern_lu, got ", to_string(linear_solver));
    MASSAGESIM_CHECK(!jacobian_pattern || jacobian_pattern->n() == n, owner, ".jacobian_pattern: expected ", n, " x ",
                     n, ", got ", jacobian_pattern ? jacobian_pattern->n() : 0, " x ",
                     jacobian_pattern ? jacobian_pattern->n() : 0);
    MASSAGESIM_CHECK(!jacobian_pattern || linear_solver == LinearSolverKind::dense ||
                         linear_solver == LinearSolverKind::bordered || linear_solver == LinearSolverKind::pattern_lu,
                     owner, ".jacobian_pattern: only used with LinearSolverKind::dense, bordered or pattern_lu, got ",
                     to_string(linear_solver));
    MASSAGESIM_CHECK(pattern_check_interval >= 1, owner,
                     ".pattern_check_interval: expected >= 1 Jacobians between full checks, got ",
                     pattern_check_interval);
    for (std::size_t k = 0; k < border_row_columns.size(); ++k)
      MASSAGESIM_CHECK(border_row_columns[k] >= 0 && border_row_columns[k] < n - border_size, owner,
                       ".border_row_columns[", k, "] = ", border_row_columns[k],
                       ": expected a block column 0 ... n - border_size - 1 = ", n - border_size - 1);
  }
};

/// J, its evaluator and the LU of W = c·I − J, sized once for n states.
///
/// Storage of J by `linear_solver`: `dense` a dense matrix; `banded` and `sparse` a band; `bordered` a
/// band block plus the border of the last `border_size` states; `pattern_lu` the bordered storage when
/// `border_size` > 0 (its colouring of the border rows apart), else dense, factored by `PatternLU` on the
/// Jacobian pattern (the guard's, widened as it widens) or, without one, on every stored position.
template <class System, class State>
class ShiftedSystem {
  static constexpr int N = State::RowsAtCompileTime;
  using Jac = JacobianEvaluator<System, State>;
  using DenseJacobian = typename Jac::DenseJacobian;

 public:
  /// `opts` must have passed `validate` for n states.
  ShiftedSystem(const ShiftedSystemOptions& opts, Eigen::Index n)
      : kind_(opts.linear_solver),
        interval_(opts.pattern_check_interval),
        n_(n),
        m_(uses_border(opts.linear_solver) ? opts.border_size : 0),
        kl_(opts.lower_bandwidth < 0 ? std::max<Eigen::Index>(n_ - m_ - 1, 0) : opts.lower_bandwidth),
        ku_(opts.upper_bandwidth < 0 ? std::max<Eigen::Index>(n_ - m_ - 1, 0) : opts.upper_bandwidth),
        jeval_(opts.jacobian, n_, kl_, ku_),
        dlu_(kind_ == LinearSolverKind::dense || N != Eigen::Dynamic ? n_ : 0),
        pattern_(opts.jacobian_pattern) {
    if (dense_storage()) {
      jd_.setZero(n_, n_);
      jeval_.set_pattern(pattern_, 0);
    } else if (bordered_storage()) {
      jbord_.resize(n_ - m_, kl_, ku_, m_);
      if (kind_ == LinearSolverKind::bordered) bordlu_.resize(n_ - m_, kl_, ku_, m_);
      jeval_.set_border_row_columns(opts.border_row_columns);
      jeval_.set_pattern(pattern_, m_);
    } else {
      jb_.resize(n_, kl_, ku_);
      if (kind_ == LinearSolverKind::banded)
        blu_.resize(n_, kl_, ku_);
      else
        slu_.resize(n_, kl_, ku_);
    }
    if (kind_ == LinearSolverKind::pattern_lu) analyze_pattern_lu();
  }

  /// New inputs (a restart at a breakpoint) may bring new nonzeros: the next J is checked in full.
  void restart() { check_next_ = pattern_ != nullptr; }

  /// J at (x, t), `fx` = f(x, t); in full (and compared with the pattern) when the guard is due.
  void evaluate(System& sys, const State& x, double t, const State& fx, Stats& st) {
    const bool check = pattern_ && (check_next_ || ++jacs_since_check_ >= interval_);
    if (dense_storage())
      jeval_.dense(sys, x, t, fx, jd_, st, check);
    else if (bordered_storage())
      jeval_.bordered(sys, x, t, fx, jbord_, st, check);
    else
      jeval_.banded(sys, x, t, fx, jb_, st);
    if (check) check_pattern(st);
  }

  /// ∂f/∂t at (x, t) (`JacobianEvaluator::time_derivative`).
  void time_derivative(System& sys, const State& x, double t, const State& fx, double h_scale, State& dfdt, Stats& st) {
    jeval_.time_derivative(sys, x, t, fx, h_scale, dfdt, st);
  }

  /// Factors W = shift·I − J (counted in `Stats::n_lu`, and `pattern_lu`'s fallbacks to partial pivoting in
  /// `Stats::n_lu_pivot_fallbacks`). Returns false when W is singular.
  bool factor(double shift, Stats& st) {
    bool ok = false;
    switch (kind_) {
      case LinearSolverKind::dense:
        ok = dlu_.factor_shifted(jd_, shift);
        break;
      case LinearSolverKind::banded:
        ok = blu_.factor_shifted(jb_, shift);
        break;
      case LinearSolverKind::sparse:
        ok = slu_.factor_shifted(jb_, shift);
        break;
      case LinearSolverKind::bordered:
        ok = bordlu_.factor_shifted(jbord_, shift);
        break;
      case LinearSolverKind::pattern_lu: {
        const std::int64_t before = plu_.n_pivot_fallbacks();
        ok = m_ > 0 ? plu_.factor_shifted(jbord_, shift) : plu_.factor_shifted(jd_, shift);
        st.n_lu_pivot_fallbacks += plu_.n_pivot_fallbacks() - before;
        break;
      }
    }
    ++st.n_lu;
    return ok;
  }

  /// `dense`: min_i |u_ii| / max(1, max_i |u_ii|) of the last factorisation (near 0: W is nearly singular);
  /// 1 for the other solvers, which refuse only zero or non-finite pivots (`factor`).
  double min_pivot_ratio() const { return kind_ == LinearSolverKind::dense ? dlu_.min_pivot_ratio() : 1.0; }

  /// b ← W⁻¹ b with the last factorisation (counted in `Stats::n_linear_solves`).
  void solve(State& b, Stats& st) {
    switch (kind_) {
      case LinearSolverKind::dense:
        dlu_.solve_in_place(b);
        break;
      case LinearSolverKind::banded:
        blu_.solve_in_place(b);
        break;
      case LinearSolverKind::sparse:
        slu_.solve_in_place(b);
        break;
      case LinearSolverKind::bordered:
        bordlu_.solve_in_place(b);
        break;
      case LinearSolverKind::pattern_lu:
        plu_.solve_in_place(b);
        break;
    }
    ++st.n_linear_solves;
  }

  /// The pattern J is coloured by now: the configured one, widened by the guard (null: none).
  const std::shared_ptr<const SparsityPattern>& pattern() const { return pattern_; }
  /// `pattern_lu`: factorisations whose static pivots were rejected (dense partial pivoting instead).
  std::int64_t n_pivot_fallbacks() const { return plu_.n_pivot_fallbacks(); }

 private:
  static bool uses_border(LinearSolverKind k) {
    return k == LinearSolverKind::bordered || k == LinearSolverKind::pattern_lu;
  }
  bool dense_storage() const {
    return kind_ == LinearSolverKind::dense || (kind_ == LinearSolverKind::pattern_lu && m_ == 0);
  }
  bool bordered_storage() const {
    return kind_ == LinearSolverKind::bordered || (kind_ == LinearSolverKind::pattern_lu && m_ > 0);
  }

  /// PatternLU's symbolic analysis on the current pattern, or on every stored position of J without one.
  void analyze_pattern_lu() {
    if (pattern_) {
      plu_.analyze(*pattern_);
      return;
    }
    SparsityPattern all(n_);
    for (Eigen::Index j = 0; j < n_; ++j)
      for (Eigen::Index i = 0; i < n_; ++i)
        if (dense_storage() || jbord_.stored(i, j)) all.add(i, j);
    plu_.analyze(all);
  }

  /// The guard: J was just evaluated in full; widen the pattern by its nonzeros outside it, if any.
  void check_pattern(Stats& st) {
    ++st.n_pattern_checks;
    check_next_ = false;
    jacs_since_check_ = 0;
    const SparsityPattern& p = *pattern_;
    std::shared_ptr<SparsityPattern> wider;  // allocated only when an entry is missing
    auto visit = [&](Eigen::Index i, Eigen::Index j, double v) {
      if (v == 0.0 || std::isnan(v) || p.contains(i, j)) return;
      if (!wider) wider = std::make_shared<SparsityPattern>(p);
      wider->add(i, j);
    };
    if (dense_storage()) {
      for (Eigen::Index j = 0; j < n_; ++j)
        for (Eigen::Index i = 0; i < n_; ++i) visit(i, j, jd_(i, j));
    } else {
      const Eigen::Index nb = n_ - m_;
      for (Eigen::Index j = 0; j < n_; ++j) {
        const Eigen::Index i0 = j < nb ? std::max<Eigen::Index>(0, j - ku_) : 0;
        const Eigen::Index i1 = j < nb ? std::min(nb, j + kl_ + 1) : n_;
        for (Eigen::Index i = i0; i < i1; ++i) visit(i, j, jbord_(i, j));
        if (j < nb)
          for (Eigen::Index i = nb; i < n_; ++i) visit(i, j, jbord_(i, j));
      }
    }
    if (!wider) return;
    ++st.n_pattern_widenings;
    pattern_ = std::move(wider);
    jeval_.set_pattern(pattern_, bordered_storage() ? m_ : 0);
    if (kind_ == LinearSolverKind::pattern_lu) analyze_pattern_lu();
  }

  LinearSolverKind kind_;
  int interval_;
  Eigen::Index n_, m_, kl_, ku_;
  Jac jeval_;
  DenseJacobian jd_;
  BandMatrix jb_;
  DenseLU<N> dlu_;
  BandedLU blu_;
  SparseLUSolver slu_;
  BorderedMatrix jbord_;
  BorderedLU bordlu_;
  PatternLU plu_;
  std::shared_ptr<const SparsityPattern> pattern_;  // the configured pattern, widened by the guard
  bool check_next_ = false;                         // the next J is a full one (start, restart)
  int jacs_since_check_ = 0;                        // Jacobians since the last full one
};

}  // namespace massagesim
