#pragma once
/// \file jacobian.hpp
/// \brief Jacobians df/dx of a system: from the user, by forward-mode automatic differentiation of
///        a right-hand side templated on the scalar type, or by finite differences; dense or banded
///        (by column colouring: columns j, j+w, j+2w, … with w = kl + ku + 1 share one evaluation).
///
/// AD uses `Eigen::AutoDiffScalar` with a FIXED-size derivative vector of `C` directions
/// (`C = N` for fixed N <= 16, else 8; directions are processed in chunks of C), so no evaluation
/// allocates. A templated right-hand side must call math functions unqualified (`using std::exp;
/// exp(x[0])`) so that Eigen's AutoDiff overloads are found.
///
/// For model developers: `jacobian_ad(sys, x, t)` and `jacobian_fd_central(sys, x, t)` compute a
/// dense Jacobian each way (allocating, convenience), to check a model's AD against differences.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"
#include "massagesim/solver/linear/bordered_matrix.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "massagesim/solver/stats.hpp"

namespace massagesim {

/// Where the Jacobian comes from.
enum class JacobianKind {
  automatic,          ///< forward-mode AD of `sys(x, dxdt, t)` templated on the scalar (exact)
  user,               ///< `sys.jacobian(x, J, t)` (see `JacobianSystem`)
  finite_difference,  ///< forward differences (one RHS evaluation per colour)
};

inline const char* to_string(JacobianKind k) {
  switch (k) {
    case JacobianKind::automatic:
      return "automatic";
    case JacobianKind::user:
      return "user";
    case JacobianKind::finite_difference:
      return "finite_difference";
  }
  return "unknown";
}

namespace detail {
/// Number of AD directions evaluated together for a state of compile-time size N.
template <int N>
inline constexpr int ad_chunk = (N != Eigen::Dynamic && N <= 16) ? N : 8;
}  // namespace detail

/// Forward-mode AD scalar carrying C directional derivatives in a fixed-size vector.
template <int C>
using AdScalar = Eigen::AutoDiffScalar<Eigen::Matrix<double, C, 1>>;
/// The AD state used for a State of compile-time size N.
template <class State>
using AdStateFor = Eigen::Matrix<AdScalar<detail::ad_chunk<State::RowsAtCompileTime>>, State::RowsAtCompileTime, 1>;

/// A system whose `operator()` also accepts AD states (a right-hand side templated on the scalar).
template <class System, class State>
concept TemplatedSystem = requires(System& sys, const AdStateFor<State>& x, AdStateFor<State>& dxdt, double t) {
  sys(x, dxdt, t);
};

/// A system that provides ∂f/∂t itself: `sys.time_derivative(x, dfdt, t)`.
template <class System, class State>
concept TimeDerivativeSystem = requires(System& sys, const State& x, State& dfdt, double t) {
  sys.time_derivative(x, dfdt, t);
};

/// A system that computes the border rows' block columns of its bordered Jacobian itself:
/// `sys.border_rows_jacobian(x, t, bottom)` writes the m x n_band matrix ∂f_border/∂x_block exactly (a
/// system whose border rows are sums of local terms differentiates the terms together in a few
/// directions, where generic forward AD needs one direction per block column).
template <class System, class State>
concept BorderRowsJacobianSystem = requires(System& sys, const State& x, double t, Eigen::MatrixXd& bottom) {
  sys.border_rows_jacobian(x, t, bottom);
};

/// Computes dense or banded Jacobians (and ∂f/∂t) of one system; all buffers sized at construction.
///
/// Counting: each Jacobian adds 1 to `Stats::n_jac`; finite-difference evaluations (for J or for
/// ∂f/∂t) add to `Stats::n_rhs`; AD evaluations are Jacobian work and are not counted as RHS.
template <class System, class State>
class JacobianEvaluator {
  static constexpr int N = State::RowsAtCompileTime;
  static constexpr int C = detail::ad_chunk<N>;
  using Ad = AdScalar<C>;
  using AdState = Eigen::Matrix<Ad, N, 1>;

 public:
  using DenseJacobian = Eigen::Matrix<double, N, N>;

  /// \param kind  where J comes from
  /// \param n     number of states
  /// \param kl,ku bandwidths of J for `banded()` (ignored by `dense()`); pass n−1 for full
  JacobianEvaluator(JacobianKind kind, Eigen::Index n, Eigen::Index kl, Eigen::Index ku)
      : kind_(kind), n_(n), kl_(std::min(kl, n - 1)), ku_(std::min(ku, n - 1)), xp_(n), fp_(n), del_(n) {
    validate_kind(kind);
    if constexpr (TemplatedSystem<System, State>) {
      if (kind == JacobianKind::automatic) {
        x_ad_.resize(n);
        f_ad_.resize(n);
      }
    }
    if constexpr (JacobianSystem<System, State>) {
      if (kind == JacobianKind::user) user_.resize(n, n);
    }
  }

  /// Throws InvalidArgument when the system cannot provide the requested kind.
  static void validate_kind(JacobianKind kind) {
    if (kind == JacobianKind::automatic)
      MASSAGESIM_CHECK((TemplatedSystem<System, State>),
                       "JacobianKind::automatic: expected a system whose operator() is a template accepting "
                       "Eigen::Matrix<S, N, 1> states for an AD scalar S (see TemplatedSystem); this one only takes "
                       "double states. Template the right-hand side on its scalar, provide sys.jacobian(x, J, t) and "
                       "use JacobianKind::user, or use JacobianKind::finite_difference");
    if (kind == JacobianKind::user)
      MASSAGESIM_CHECK((JacobianSystem<System, State>),
                       "JacobianKind::user: expected the system to provide jacobian(x, J, t) with J an "
                       "Eigen::Matrix<double, N, N> (see JacobianSystem); it does not");
  }

  JacobianKind kind() const { return kind_; }

  /// Dense J = ∂f/∂x at (x, t). `fx` must hold f(x, t) (used by finite differences).
  /// With `ignore_pattern`, the full Jacobian (every column its own direction), as if no pattern were set.
  void dense(System& sys, const State& x, double t, const State& fx, DenseJacobian& jac, Stats& st,
             bool ignore_pattern = false) {
    ++st.n_jac;
    if (pattern_ && !ignore_pattern && pattern_border_ == 0 && kind_ != JacobianKind::user) {
      jac.setZero();
      by_pattern(sys, x, t, fx, st, [&](Eigen::Index i, Eigen::Index j, double v) { jac(i, j) = v; });
      return;
    }
    switch (kind_) {
      case JacobianKind::automatic:
        if constexpr (TemplatedSystem<System, State>)
          ad_coloured(sys, x, t, n_, n_ - 1, n_ - 1, [&](Eigen::Index i, Eigen::Index j, double v) { jac(i, j) = v; });
        break;
      case JacobianKind::user:
        if constexpr (JacobianSystem<System, State>) sys.jacobian(x, jac, t);
        break;
      case JacobianKind::finite_difference:
        fd_coloured(sys, x, t, fx, n_, n_ - 1, n_ - 1, st,
                    [&](Eigen::Index i, Eigen::Index j, double v) { jac(i, j) = v; });
        break;
    }
  }

  /// Banded J (bandwidths from the constructor) at (x, t), by colouring (AD, finite differences)
  /// or from the band of the user's dense Jacobian. Entries outside the band are assumed zero.
  void banded(System& sys, const State& x, double t, const State& fx, BandMatrix& jac, Stats& st) {
    ++st.n_jac;
    const Eigen::Index w = std::min(kl_ + ku_ + 1, n_);
    auto store = [&](Eigen::Index i, Eigen::Index j, double v) { jac(i, j) = v; };
    switch (kind_) {
      case JacobianKind::automatic:
        if constexpr (TemplatedSystem<System, State>) ad_coloured(sys, x, t, w, kl_, ku_, store);
        break;
      case JacobianKind::user:
        if constexpr (JacobianSystem<System, State>) {
          sys.jacobian(x, user_, t);
          jac.assign_band_of(user_);
        }
        break;
      case JacobianKind::finite_difference:
        fd_coloured(sys, x, t, fx, w, kl_, ku_, st, store);
        break;
    }
  }

  /// Block columns (< n_band) on which the border rows of a bordered Jacobian depend; empty (the
  /// default) means all of them. Entries of the border rows in other columns are taken as zero, so a
  /// list that misses a dependency gives an inexact Jacobian (Rosenbrock methods then lose order).
  void set_border_row_columns(std::vector<Eigen::Index> cols) { border_row_cols_ = std::move(cols); }

  /// The Jacobian's sparsity pattern (a superset of its nonzeros; null: none). With a pattern,
  /// `dense()` and `bordered()` (AD and finite differences) seed one direction per colour of a
  /// greedy column colouring of it instead of band colours, and write only the pattern's entries
  /// (the others are set to zero). `bordered()` colours the block rows and the border rows apart
  /// (⌈(colours_block + colours_border)/C⌉ AD evaluations) or all rows together, whichever needs
  /// fewer directions (a dense border row needs one colour per entry either way). `border_size` is the m of the
  /// bordered matrices this evaluator will fill (0 when only `dense()` is used).
  /// \throws InvalidArgument when the pattern is not n x n, or when a block-row entry lies outside
  ///         the band of `bordered()`'s block (kl, ku of the constructor).
  void set_pattern(std::shared_ptr<const SparsityPattern> pattern, Eigen::Index border_size = 0) {
    pattern_ = std::move(pattern);
    dirs_.clear();
    if (!pattern_) return;
    const SparsityPattern& p = *pattern_;
    MASSAGESIM_CHECK(p.n() == n_, "JacobianEvaluator::set_pattern: expected a ", n_, " x ", n_, " pattern, got ", p.n(),
                     " x ", p.n());
    MASSAGESIM_CHECK(border_size >= 0 && border_size <= n_,
                     "JacobianEvaluator::set_pattern: border_size: expected 0 ... ", n_, ", got ", border_size);
    const Eigen::Index nb = n_ - border_size;
    pattern_border_ = border_size;
    // The bordered matrices' block bandwidths: clamped to the block (a one-segment limb's band is wider).
    pattern_kl_ = std::min(kl_, std::max<Eigen::Index>(nb - 1, 0));
    pattern_ku_ = std::min(ku_, std::max<Eigen::Index>(nb - 1, 0));
    if (border_size > 0)
      for (Eigen::Index j = 0; j < nb; ++j)
        for (Eigen::Index i = 0; i < nb; ++i)
          MASSAGESIM_CHECK(!p.contains(i, j) || (i - j <= kl_ && j - i <= ku_),
                           "JacobianEvaluator::set_pattern: entry (", i, ", ", j,
                           ") of the block lies outside its band (kl = ", kl_, ", ku = ", ku_,
                           "); widen the bandwidths or use a dense Jacobian");
    // Block rows [0, nb) and border rows [nb, n) coloured apart, or all rows at once, whichever
    // needs fewer directions (apart wins when the border rows are sparse, at once when one border
    // row alone already needs as many colours as it has entries).
    auto add_dirs = [&](Eigen::Index r0, Eigen::Index r1) {
      if (r1 <= r0) return;
      std::vector<char> ignore(static_cast<std::size_t>(n_), 0);
      for (Eigen::Index i = 0; i < n_; ++i) ignore[static_cast<std::size_t>(i)] = (i < r0 || i >= r1) ? 1 : 0;
      const ColumnColouring c = greedy_column_colouring(p, ignore);
      for (const auto& cols : c.columns) {
        Direction d{r0, r1, {}};
        for (Eigen::Index j : cols) {
          bool touches = false;  // columns with no entry in these rows need no seed
          for (Eigen::Index k = p.col_ptr()[static_cast<std::size_t>(j)];
               k < p.col_ptr()[static_cast<std::size_t>(j + 1)] && !touches; ++k) {
            const Eigen::Index i = p.row_idx()[static_cast<std::size_t>(k)];
            touches = i >= r0 && i < r1;
          }
          if (touches) d.columns.push_back(j);
        }
        if (!d.columns.empty()) dirs_.push_back(std::move(d));
      }
    };
    add_dirs(0, nb);
    add_dirs(nb, n_);
    if (border_size > 0) {
      std::vector<Direction> apart = std::move(dirs_);
      dirs_.clear();
      add_dirs(0, n_);
      if (apart.size() < dirs_.size()) dirs_ = std::move(apart);
    }
  }
  const std::shared_ptr<const SparsityPattern>& pattern() const { return pattern_; }
  /// Directions (AD directions, or finite-difference evaluations) per Jacobian with the pattern (0: none set).
  Eigen::Index n_pattern_directions() const { return static_cast<Eigen::Index>(dirs_.size()); }

  /// Bordered J at (x, t), exact in the border: the last `jac.n_border()` states are the border, the
  /// first `jac.n_band()` form a band block with `jac.kl()`, `jac.ku()`.
  ///
  /// AD: one pass with w = kl + ku + 1 band colours for the block columns (reading only block rows in
  /// the band) plus one direction per border column (reading every row), then one direction per block
  /// column the border rows depend on (reading only the border rows): ⌈(w + m)/C⌉ + ⌈n_cols/C⌉
  /// evaluations, n_cols = n_band or the size of `set_border_row_columns`'s list (for a
  /// `BorderRowsJacobianSystem`, its own `border_rows_jacobian` instead of the second pass). Finite
  /// differences: the same directions, one RHS evaluation each. User: copied from the system's dense
  /// Jacobian.
  /// With `ignore_pattern`, the band-and-border colouring below even when a pattern is set (every
  /// stored entry evaluated: what the pattern guard of Rodas4 compares the pattern with).
  void bordered(System& sys, const State& x, double t, const State& fx, BorderedMatrix& jac, Stats& st,
                bool ignore_pattern = false) {
    MASSAGESIM_CHECK(jac.rows() == n_, "JacobianEvaluator::bordered: expected a ", n_, " x ", n_,
                     " bordered matrix, got ", jac.rows());
    ++st.n_jac;
    const Eigen::Index nb = jac.n_band(), m = jac.n_border(), kl = jac.kl(), ku = jac.ku();
    if (pattern_ && !ignore_pattern && kind_ != JacobianKind::user) {
      MASSAGESIM_CHECK(m == pattern_border_ && kl == pattern_kl_ && ku == pattern_ku_,
                       "JacobianEvaluator::bordered: the pattern was set for border ", pattern_border_, ", kl ",
                       pattern_kl_, ", ku ", pattern_ku_, "; got a matrix with border ", m, ", kl ", kl, ", ku ", ku);
      jac.setZero();
      by_pattern(sys, x, t, fx, st, [&](Eigen::Index i, Eigen::Index j, double v) { jac(i, j) = v; });
      return;
    }
    const Eigen::Index w = std::min(kl + ku + 1, std::max<Eigen::Index>(nb, 1));
    const Eigen::Index n_rows_cols = border_row_cols_.empty() ? nb : static_cast<Eigen::Index>(border_row_cols_.size());
    auto row_col = [&](Eigen::Index k) {
      return border_row_cols_.empty() ? k : border_row_cols_[static_cast<std::size_t>(k)];
    };
    // Pass A: direction of column j (band colour, or one of its own for a border column).
    auto dir_a = [&](Eigen::Index j) { return j < nb ? j % w : w + (j - nb); };
    auto store_a = [&](Eigen::Index j, auto&& value_of_row) {
      if (j < nb) {
        for (Eigen::Index i = std::max<Eigen::Index>(0, j - ku); i < std::min(nb, j + kl + 1); ++i)
          jac.band()(i, j) = value_of_row(i);
      } else {
        for (Eigen::Index i = 0; i < n_; ++i) jac(i, j) = value_of_row(i);
      }
    };
    switch (kind_) {
      case JacobianKind::automatic:
        if constexpr (TemplatedSystem<System, State>) {
          const Eigen::Index na = w + m;
          for (Eigen::Index c0 = 0; c0 < na; c0 += C) {
            const Eigen::Index cw = std::min<Eigen::Index>(C, na - c0);
            for (Eigen::Index j = 0; j < n_; ++j) {
              x_ad_[j].value() = x[j];
              x_ad_[j].derivatives().setZero();
              const Eigen::Index k = dir_a(j) - c0;
              if (k >= 0 && k < cw) x_ad_[j].derivatives()[k] = 1.0;
            }
            sys(static_cast<const AdState&>(x_ad_), f_ad_, t);
            for (Eigen::Index j = 0; j < n_; ++j) {
              const Eigen::Index k = dir_a(j) - c0;
              if (k < 0 || k >= cw) continue;
              store_a(j, [&](Eigen::Index i) {
                const auto& d = f_ad_[i].derivatives();
                return d.size() > 0 ? d[k] : 0.0;
              });
            }
          }
          if constexpr (BorderRowsJacobianSystem<System, State>) {
            sys.border_rows_jacobian(x, t, jac.bottom());
            break;
          }
          jac.bottom().setZero();
          for (Eigen::Index c0 = 0; c0 < n_rows_cols; c0 += C) {
            const Eigen::Index cw = std::min<Eigen::Index>(C, n_rows_cols - c0);
            for (Eigen::Index j = 0; j < n_; ++j) {
              x_ad_[j].value() = x[j];
              x_ad_[j].derivatives().setZero();
            }
            for (Eigen::Index k = 0; k < cw; ++k) x_ad_[row_col(c0 + k)].derivatives()[k] = 1.0;
            sys(static_cast<const AdState&>(x_ad_), f_ad_, t);
            for (Eigen::Index k = 0; k < cw; ++k)
              for (Eigen::Index r = 0; r < m; ++r) {
                const auto& d = f_ad_[nb + r].derivatives();
                jac.bottom()(r, row_col(c0 + k)) = d.size() > 0 ? d[k] : 0.0;
              }
          }
        }
        break;
      case JacobianKind::user:
        if constexpr (JacobianSystem<System, State>) {
          sys.jacobian(x, user_, t);
          jac.assign_from(user_);
        }
        break;
      case JacobianKind::finite_difference: {
        const double eps = std::numeric_limits<double>::epsilon();
        auto step_of = [&](Eigen::Index j) { return std::sqrt(eps * std::max(1e-5, std::abs(x[j]))); };
        for (Eigen::Index dir = 0; dir < w + m; ++dir) {
          xp_ = x;
          for (Eigen::Index j = 0; j < n_; ++j)
            if (dir_a(j) == dir) {
              const double volatile xj = x[j] + step_of(j);
              xp_[j] = xj;
              del_[j] = xj - x[j];
            }
          sys(static_cast<const State&>(xp_), fp_, t);
          ++st.n_rhs;
          for (Eigen::Index j = 0; j < n_; ++j)
            if (dir_a(j) == dir) store_a(j, [&](Eigen::Index i) { return (fp_[i] - fx[i]) / del_[j]; });
        }
        jac.bottom().setZero();
        for (Eigen::Index k = 0; k < n_rows_cols; ++k) {
          const Eigen::Index j = row_col(k);
          xp_ = x;
          const double volatile xj = x[j] + step_of(j);
          xp_[j] = xj;
          const double dj = xj - x[j];
          sys(static_cast<const State&>(xp_), fp_, t);
          ++st.n_rhs;
          for (Eigen::Index r = 0; r < m; ++r) jac.bottom()(r, j) = (fp_[nb + r] - fx[nb + r]) / dj;
        }
        break;
      }
    }
  }

  /// ∂f/∂t at (x, t): the system's own `time_derivative` if it has one, else a forward difference
  /// with step min(sqrt(eps)·max(|t|, |h|), |h|) (one RHS evaluation), h = `h_scale` the step about
  /// to be taken: the difference stays inside [t, t + h], which the driver keeps free of
  /// discontinuities (a backward or central difference would straddle the jump just behind a
  /// restart). `fx` must hold f(x, t).
  void time_derivative(System& sys, const State& x, double t, const State& fx, double h_scale, State& dfdt, Stats& st) {
    if constexpr (TimeDerivativeSystem<System, State>) {
      sys.time_derivative(x, dfdt, t);
    } else {
      const double scale = std::max({std::abs(t), std::abs(h_scale), std::numeric_limits<double>::min() * 1e10});
      double delta = std::sqrt(std::numeric_limits<double>::epsilon()) * scale;
      if (h_scale != 0.0) delta = std::min(delta, std::abs(h_scale));
      const double volatile tp = t + delta;
      const double dt = tp - t;
      sys(x, fp_, tp);
      ++st.n_rhs;
      dfdt = (fp_ - fx) / dt;
    }
  }

 private:
  /// One seeded direction of the pattern colouring: its columns, and the rows [r0, r1) read from it.
  struct Direction {
    Eigen::Index r0, r1;
    std::vector<Eigen::Index> columns;
  };

  /// The pattern's entries of J by its directions: AD (C directions per evaluation) or forward
  /// differences (one RHS evaluation per direction, Hairer's step as in `fd_coloured`).
  template <class Store>
  void by_pattern(System& sys, const State& x, double t, const State& fx, Stats& st, Store&& store) {
    const SparsityPattern& p = *pattern_;
    const auto& cp = p.col_ptr();
    const auto& ri = p.row_idx();
    auto read_column = [&](const Direction& d, Eigen::Index j, auto&& value_of_row) {
      for (Eigen::Index k = cp[static_cast<std::size_t>(j)]; k < cp[static_cast<std::size_t>(j + 1)]; ++k) {
        const Eigen::Index i = ri[static_cast<std::size_t>(k)];
        if (i >= d.r0 && i < d.r1) store(i, j, value_of_row(i));
      }
    };
    const Eigen::Index nd = static_cast<Eigen::Index>(dirs_.size());
    if (kind_ == JacobianKind::automatic) {
      if constexpr (TemplatedSystem<System, State>) {
        for (Eigen::Index c0 = 0; c0 < nd; c0 += C) {
          const Eigen::Index cw = std::min<Eigen::Index>(C, nd - c0);
          for (Eigen::Index j = 0; j < n_; ++j) {
            x_ad_[j].value() = x[j];
            x_ad_[j].derivatives().setZero();
          }
          for (Eigen::Index k = 0; k < cw; ++k)
            for (Eigen::Index j : dirs_[static_cast<std::size_t>(c0 + k)].columns) x_ad_[j].derivatives()[k] = 1.0;
          sys(static_cast<const AdState&>(x_ad_), f_ad_, t);
          for (Eigen::Index k = 0; k < cw; ++k) {
            const Direction& d = dirs_[static_cast<std::size_t>(c0 + k)];
            for (Eigen::Index j : d.columns)
              read_column(d, j, [&](Eigen::Index i) {
                const auto& dv = f_ad_[i].derivatives();
                return dv.size() > 0 ? dv[k] : 0.0;
              });
          }
        }
      }
      return;
    }
    const double eps = std::numeric_limits<double>::epsilon();
    for (const Direction& d : dirs_) {
      xp_ = x;
      for (Eigen::Index j : d.columns) {
        const double volatile xj = x[j] + std::sqrt(eps * std::max(1e-5, std::abs(x[j])));
        xp_[j] = xj;
        del_[j] = xj - x[j];
      }
      sys(static_cast<const State&>(xp_), fp_, t);
      ++st.n_rhs;
      for (Eigen::Index j : d.columns) read_column(d, j, [&](Eigen::Index i) { return (fp_[i] - fx[i]) / del_[j]; });
    }
  }

  /// AD with colours: column j has colour j mod ncolors; C colours per evaluation.
  template <class Store>
  void ad_coloured(System& sys, const State& x, double t, Eigen::Index ncolors, Eigen::Index kl, Eigen::Index ku,
                   Store&& store) {
    for (Eigen::Index c0 = 0; c0 < ncolors; c0 += C) {
      const Eigen::Index cw = std::min<Eigen::Index>(C, ncolors - c0);
      for (Eigen::Index j = 0; j < n_; ++j) {
        x_ad_[j].value() = x[j];
        x_ad_[j].derivatives().setZero();
        const Eigen::Index k = j % ncolors - c0;
        if (k >= 0 && k < cw) x_ad_[j].derivatives()[k] = 1.0;
      }
      sys(static_cast<const AdState&>(x_ad_), f_ad_, t);
      for (Eigen::Index k = 0; k < cw; ++k)
        for (Eigen::Index j = c0 + k; j < n_; j += ncolors) {
          const Eigen::Index i0 = std::max<Eigen::Index>(0, j - ku), i1 = std::min(n_, j + kl + 1);
          for (Eigen::Index i = i0; i < i1; ++i) {
            const auto& d = f_ad_[i].derivatives();
            store(i, j, d.size() > 0 ? d[k] : 0.0);
          }
        }
    }
  }

  /// Forward differences with colours; step for column j: sqrt(eps · max(1e-5, |x_j|)) (Hairer's choice).
  template <class Store>
  void fd_coloured(System& sys, const State& x, double t, const State& fx, Eigen::Index ncolors, Eigen::Index kl,
                   Eigen::Index ku, Stats& st, Store&& store) {
    const double eps = std::numeric_limits<double>::epsilon();
    for (Eigen::Index c = 0; c < ncolors; ++c) {
      xp_ = x;
      for (Eigen::Index j = c; j < n_; j += ncolors) {
        const double h = std::sqrt(eps * std::max(1e-5, std::abs(x[j])));
        const double volatile xj = x[j] + h;
        xp_[j] = xj;
        del_[j] = xj - x[j];
      }
      sys(static_cast<const State&>(xp_), fp_, t);
      ++st.n_rhs;
      for (Eigen::Index j = c; j < n_; j += ncolors) {
        const Eigen::Index i0 = std::max<Eigen::Index>(0, j - ku), i1 = std::min(n_, j + kl + 1);
        for (Eigen::Index i = i0; i < i1; ++i) store(i, j, (fp_[i] - fx[i]) / del_[j]);
      }
    }
  }

  JacobianKind kind_;
  Eigen::Index n_, kl_, ku_;
  State xp_, fp_, del_;
  AdState x_ad_, f_ad_;
  DenseJacobian user_;
  std::vector<Eigen::Index> border_row_cols_;
  std::shared_ptr<const SparsityPattern> pattern_;
  Eigen::Index pattern_border_ = 0;
  Eigen::Index pattern_kl_ = 0, pattern_ku_ = 0;  // the block bandwidths at set_pattern, clamped to the block
  std::vector<Direction> dirs_;
};

/// Dense Jacobian of a templated system by forward-mode AD (allocates; for checks and setup).
template <class System, class State>
requires TemplatedSystem<System, State> Eigen::MatrixXd jacobian_ad(System sys, const State& x, double t) {
  const Eigen::Index n = x.size();
  JacobianEvaluator<System, State> ev(JacobianKind::automatic, n, n - 1, n - 1);
  typename JacobianEvaluator<System, State>::DenseJacobian jac(n, n);
  Stats st;
  ev.dense(sys, x, t, x, jac, st);
  return jac;
}

/// A measured sparsity pattern of a templated system's Jacobian: the diagonal and the union of the
/// nonzeros of the exact (dense AD) Jacobian at each (xs[k], ts[k]) and at `n_perturbed` copies of
/// each state with every component scaled by 1 + spread·u, u uniform in [−1, 1) (a fixed
/// generator: the same pattern on every machine). Entries that vanish at every sample (a branch
/// never taken, a product with a state that stays 0) are missed: sample the states a solve visits.
template <class System, class State>
requires TemplatedSystem<System, State> SparsityPattern detect_jacobian_pattern(const System& sys,
                                                                                const std::vector<State>& xs,
                                                                                const std::vector<double>& ts,
                                                                                int n_perturbed = 2,
                                                                                double spread = 0.1) {
  MASSAGESIM_CHECK(!xs.empty() && xs.size() == ts.size(), "detect_jacobian_pattern: expected as many times as states (",
                   xs.size(), ") and at least one, got ", ts.size());
  MASSAGESIM_CHECK(n_perturbed >= 0 && spread >= 0.0 && spread < 1.0,
                   "detect_jacobian_pattern: expected n_perturbed >= 0 and 0 <= spread < 1, got ", n_perturbed, ", ",
                   spread);
  const Eigen::Index n = xs.front().size();
  SparsityPattern p(n);
  p.add_diagonal();
  std::uint64_t state = 0x9E3779B97F4A7C15ull;  // splitmix64: portable, unlike std:: distributions
  auto uniform = [&] {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return 2.0 * static_cast<double>(z >> 11) * 0x1.0p-53 - 1.0;
  };
  for (std::size_t k = 0; k < xs.size(); ++k) {
    MASSAGESIM_CHECK(xs[k].size() == n, "detect_jacobian_pattern: xs[", k, "]: expected ", n, " states, got ",
                     xs[k].size());
    p.add_nonzeros(jacobian_ad(sys, xs[k], ts[k]));
    for (int r = 0; r < n_perturbed; ++r) {
      State xq = xs[k];
      for (Eigen::Index i = 0; i < n; ++i) xq[i] *= 1.0 + spread * uniform();
      p.add_nonzeros(jacobian_ad(sys, xq, ts[k]));
    }
  }
  return p;
}

/// Dense Jacobian by central differences, step cbrt(eps)·max(1, |x_j|) (allocates; for checks).
template <class System, class State>
requires OdeSystem<System, State> Eigen::MatrixXd jacobian_fd_central(System sys, const State& x, double t) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd jac(n, n);
  State xp = x, xm = x, fp = x, fm = x;
  const double h0 = std::cbrt(std::numeric_limits<double>::epsilon());
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = h0 * std::max(1.0, std::abs(x[j]));
    xp = x;
    xm = x;
    xp[j] += h;
    xm[j] -= h;
    sys(static_cast<const State&>(xp), fp, t);
    sys(static_cast<const State&>(xm), fm, t);
    jac.col(j) = (fp - fm) / (xp[j] - xm[j]);
  }
  return jac;
}

}  // namespace massagesim
