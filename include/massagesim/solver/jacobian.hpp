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
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>

#include "massagesim/core/check.hpp"
#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/linear/band_matrix.hpp"
#include "massagesim/solver/linear/bordered_matrix.hpp"
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
  void dense(System& sys, const State& x, double t, const State& fx, DenseJacobian& jac, Stats& st) {
    ++st.n_jac;
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

  /// Bordered J at (x, t), exact in the border: the last `jac.n_border()` states are the border, the
  /// first `jac.n_band()` form a band block with `jac.kl()`, `jac.ku()`.
  ///
  /// AD: one pass with w = kl + ku + 1 band colours for the block columns (reading only block rows in
  /// the band) plus one direction per border column (reading every row), then one direction per block
  /// column the border rows depend on (reading only the border rows): ⌈(w + m)/C⌉ + ⌈n_cols/C⌉
  /// evaluations, n_cols = n_band or the size of `set_border_row_columns`'s list. Finite differences:
  /// the same directions, one RHS evaluation each. User: copied from the system's dense Jacobian.
  void bordered(System& sys, const State& x, double t, const State& fx, BorderedMatrix& jac, Stats& st) {
    MASSAGESIM_CHECK(jac.rows() == n_, "JacobianEvaluator::bordered: expected a ", n_, " x ", n_,
                     " bordered matrix, got ", jac.rows());
    ++st.n_jac;
    const Eigen::Index nb = jac.n_band(), m = jac.n_border(), kl = jac.kl(), ku = jac.ku();
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
