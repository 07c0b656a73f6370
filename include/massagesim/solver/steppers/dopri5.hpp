#pragma once
/// \file dopri5.hpp
/// \brief Dormand–Prince 5(4) with its 4th-order continuous extension: Boost.Odeint's
///        `runge_kutta_dopri5` driven by massagesim's step control.
/// \see Dormand JR, Prince PJ (1980) J Comput Appl Math 6:19–26, doi:10.1016/0771-050X(80)90013-3

#include <functional>

#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>

#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/detail/odeint_eigen.hpp"

namespace massagesim {

template <class System, class State>
class Dopri5Cache;

/// Dormand–Prince 5(4), FSAL, with dense output. The default non-stiff stepper.
struct Dopri5 {
  static constexpr const char* name = "Dopri5";
  static constexpr const char* reference = "Dormand & Prince (1980), doi:10.1016/0771-050X(80)90013-3";
  template <class System, class State>
  Dopri5Cache<System, State> make_cache(const State& x0) const {
    return Dopri5Cache<System, State>(x0);
  }
};

/// Stage buffers and dense-output data of Dopri5, sized once at construction.
template <class System, class State>
class Dopri5Cache {
  using odeint_stepper = boost::numeric::odeint::runge_kutta_dopri5<
      State, double, State, double, boost::numeric::odeint::vector_space_algebra,
      boost::numeric::odeint::default_operations, detail::odeint_resizer_for<State>>;

 public:
  static constexpr int order = 5;
  static constexpr int error_order = 4;
  static constexpr bool high_order_dense_output = true;

  explicit Dopri5Cache(const State& x0)
      : x_(x0), x_new_(x0), x_old_(x0), dxdt_(x0), dxdt_new_(x0), dxdt_old_(x0), err_(x0) {}

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
    stepper_.do_step(std::ref(sys), x_, dxdt_, t_, x_new_, dxdt_new_, dt, err_);
    st.n_rhs += 6;
  }
  void accept(System&, Stats&) {
    x_old_.swap(x_);
    x_.swap(x_new_);
    dxdt_old_.swap(dxdt_);
    dxdt_.swap(dxdt_new_);
    t_old_ = t_;
    t_ = t_new_;  // exactly the requested end (breakpoints are landed on bit for bit)
  }
  /// Dense output on [t_previous, t]; valid until the next attempt.
  void interpolate(double t, State& out) const {
    stepper_.calc_state(t, out, x_old_, dxdt_old_, t_old_, x_, dxdt_, t_);
  }
  const State& x() const { return x_; }
  const State& x_new() const { return x_new_; }
  const State& error() const { return err_; }
  const State& derivative() const { return dxdt_; }
  double t() const { return t_; }
  double t_previous() const { return t_old_; }

 private:
  // calc_state reads the stages of the last do_step, hence mutable access through a const cache.
  mutable odeint_stepper stepper_;
  State x_, x_new_, x_old_, dxdt_, dxdt_new_, dxdt_old_, err_;
  double t_ = 0.0, t_old_ = 0.0, t_new_ = 0.0;
};

}  // namespace massagesim
