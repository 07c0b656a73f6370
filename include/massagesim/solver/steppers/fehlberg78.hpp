#pragma once
/// \file fehlberg78.hpp
/// \brief Runge–Kutta–Fehlberg 7(8): Boost.Odeint's `runge_kutta_fehlberg78` for tight tolerances.
/// \see Fehlberg E (1968) NASA TR R-287.
///
/// odeint offers no continuous extension for this pair. Dense output is a cubic Hermite
/// interpolant (used for event location only); save-at times are landed on exactly instead
/// (`high_order_dense_output = false`), so saved values keep the 8th-order accuracy.

#include <functional>

#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>

#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/detail/odeint_eigen.hpp"

namespace massagesim {

template <class System, class State>
class Fehlberg78Cache;

/// Runge–Kutta–Fehlberg 7(8): propagates the 8th-order solution, error estimated from the embedded 7th-order one.
struct Fehlberg78 {
  static constexpr const char* name = "Fehlberg78";
  static constexpr const char* reference = "Fehlberg (1968) NASA TR R-287";
  template <class System, class State>
  Fehlberg78Cache<System, State> make_cache(const State& x0) const {
    return Fehlberg78Cache<System, State>(x0);
  }
};

template <class System, class State>
class Fehlberg78Cache {
  using odeint_stepper =
      boost::numeric::odeint::runge_kutta_fehlberg78<State, double, State, double,
                                                     boost::numeric::odeint::vector_space_algebra,
                                                     boost::numeric::odeint::default_operations,
                                                     detail::odeint_resizer_for<State>>;

 public:
  static constexpr int order = 8;  // odeint propagates the 8th-order solution (local extrapolation)
  static constexpr int error_order = 7;  // the estimate x8 - x7 is the error of the 7th-order solution
  static constexpr bool high_order_dense_output = false;

  explicit Fehlberg78Cache(const State& x0) : x_(x0), x_new_(x0), x_old_(x0), dxdt_(x0), dxdt_old_(x0), err_(x0) {}

  void initialize(System& sys, const State& x0, double t0, Stats& st) {
    x_ = x0;
    t_ = t_old_ = t0;
    restart(sys, st);
  }
  void restart(System& sys, Stats& st) {
    sys(x_, dxdt_, t_);
    ++st.n_rhs;
  }
  /// Continue from the current state at time `t` (just past a discontinuity): re-evaluates f there.
  void restart_at(System& sys, double t, Stats& st) {
    t_ = t_old_ = t;
    restart(sys, st);
  }
  /// Tries one step from the current point to `t_new`; fills x_new() and error().
  void attempt(System& sys, double t_new, Stats& st) {
    t_new_ = t_new;
    const double dt = t_new - t_;
    // odeint takes the system by value: pass a reference, or every step copies it (and a system
    // holding heap data, like a model with a parameter vector, allocates on every step).
    stepper_.do_step(std::ref(sys), x_, dxdt_, t_, x_new_, dt, err_);
    st.n_rhs += 12;
  }
  void accept(System& sys, Stats& st) {
    x_old_.swap(x_);
    x_.swap(x_new_);
    dxdt_old_.swap(dxdt_);
    t_old_ = t_;
    t_ = t_new_;  // exactly the requested end (breakpoints are landed on bit for bit)
    sys(x_, dxdt_, t_);  // not FSAL: the next step and the Hermite interpolant need f at the new point
    ++st.n_rhs;
  }
  /// Cubic Hermite interpolation on [t_previous, t].
  void interpolate(double t, State& out) const {
    const double h = t_ - t_old_;
    const double s = (t - t_old_) / h;
    const double h00 = (1.0 + 2.0 * s) * (1.0 - s) * (1.0 - s), h10 = s * (1.0 - s) * (1.0 - s);
    const double h01 = s * s * (3.0 - 2.0 * s), h11 = s * s * (s - 1.0);
    out = h00 * x_old_ + (h10 * h) * dxdt_old_ + h01 * x_ + (h11 * h) * dxdt_;
  }
  const State& x() const { return x_; }
  const State& x_new() const { return x_new_; }
  const State& error() const { return err_; }
  const State& derivative() const { return dxdt_; }
  double t() const { return t_; }
  double t_previous() const { return t_old_; }

 private:
  odeint_stepper stepper_;
  State x_, x_new_, x_old_, dxdt_, dxdt_old_, err_;
  double t_ = 0.0, t_old_ = 0.0, t_new_ = 0.0;
};

}  // namespace massagesim
