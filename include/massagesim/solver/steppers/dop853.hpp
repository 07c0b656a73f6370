#pragma once
/// \file dop853.hpp
/// \brief DOP853: Dormand–Prince 8(5,3), explicit Runge–Kutta of order 8 with Hairer's combined
///        5th/3rd-order error estimate and a 7th-order continuous extension (massagesim's own code).
///
/// One step costs 12 RHS evaluations (11 stages + f at the accepted point, FSAL). The error estimate
/// combines two embedded differences, err5 (order 5) and err3 (order 3), in the weighted norm the
/// driver uses: err = |h| ‖err5‖² / sqrt(‖err5‖² + 0.01 ‖err3‖²) (Hairer, Nørsett & Wanner, Sec. II.10).
/// It behaves like an order-8 estimate for small steps, and, unlike Fehlberg's 7(8) estimate, neither
/// part vanishes when f depends on t only (the quadrature nodes of err5 and err3 are distinct).
/// The dense output needs 3 more RHS evaluations; they are made only in steps where the driver
/// interpolates (save times inside the step, events), see `prepare_dense`.
///
/// \see Hairer E, Nørsett SP, Wanner G (1993) Solving Ordinary Differential Equations I, 2nd ed., Sec. II.10,
///      doi:10.1007/978-3-540-78862-1; coefficients in dop853_tableau.hpp.

#include <cmath>

#include <Eigen/Core>

#include "massagesim/solver/concepts.hpp"
#include "massagesim/solver/stats.hpp"
#include "massagesim/solver/steppers/dop853_tableau.hpp"

namespace massagesim {

template <class System, class State>
class Dop853Cache;

/// Dormand–Prince 8(5,3) with dense output of order 7. Recommended for tight tolerances (rtol ≲ 1e-8)
/// on non-stiff problems. No options.
struct Dop853 {
  static constexpr const char* name = "Dop853";
  static constexpr const char* reference =
      "Hairer, Norsett & Wanner (1993), Solving ODEs I, Sec. II.10, doi:10.1007/978-3-540-78862-1";
  template <class System, class State>
  Dop853Cache<System, State> make_cache(const State& x0) const {
    return Dop853Cache<System, State>(x0);
  }
};

/// Stage buffers and dense-output data of DOP853, sized once at construction.
template <class System, class State>
class Dop853Cache {
 public:
  static constexpr int order = 8;
  static constexpr int error_order = 7;  // the combined estimate scales like h^8 (Hairer's exponent 1/8)
  static constexpr bool high_order_dense_output = true;

  explicit Dop853Cache(const State& x0)
      : x_(x0),
        x_new_(x0),
        x_old_(x0),
        f_(x0),
        f_old_(x0),
        u_(x0),
        err_(x0),
        e3_(x0),
        k2_(x0),
        k3_(x0),
        k4_(x0),
        k5_(x0),
        k6_(x0),
        k7_(x0),
        k8_(x0),
        k9_(x0),
        k10_(x0),
        k11_(x0),
        k12_(x0),
        k14_(x0),
        k15_(x0),
        k16_(x0),
        r1_(x0),
        r2_(x0),
        r3_(x0),
        r4_(x0),
        r5_(x0),
        r6_(x0),
        r7_(x0) {
    err_.setZero();
    e3_.setZero();
  }

  void initialize(System& sys, const State& x0, double t0, Stats& st) {
    x_ = x0;
    x_old_ = x0;
    t_ = t_old_ = t_new_ = t0;
    restart(sys, st);
    f_old_ = f_;
    dense_ready_ = true;
    r1_ = x_;
    r2_.setZero();
    r3_.setZero();
    r4_.setZero();
    r5_.setZero();
    r6_.setZero();
    r7_.setZero();
  }
  void restart(System& sys, Stats& st) {
    sys(x_, f_, t_);
    ++st.n_rhs;
  }
  /// Continue from the current state at time `t` (just past a discontinuity): re-evaluates f there.
  void restart_at(System& sys, double t, Stats& st) {
    t_ = t_old_ = t;
    restart(sys, st);
  }

  /// Tries one step from the current point to `t_new`; fills x_new() and the 5th-order difference
  /// (scaled by `combine_error` into the combined estimate).
  void attempt(System& sys, double t_new, Stats& st) {
    namespace c = dop853;
    t_new_ = t_new;
    const double h = t_new - t_;
    h_ = h;
    const double t = t_;
    const State& k1 = f_;
    u_ = x_ + (h * c::a21) * k1;
    sys(u_, k2_, t + c::c2 * h);
    u_ = x_ + h * (c::a31 * k1 + c::a32 * k2_);
    sys(u_, k3_, t + c::c3 * h);
    u_ = x_ + h * (c::a41 * k1 + c::a43 * k3_);
    sys(u_, k4_, t + c::c4 * h);
    u_ = x_ + h * (c::a51 * k1 + c::a53 * k3_ + c::a54 * k4_);
    sys(u_, k5_, t + c::c5 * h);
    u_ = x_ + h * (c::a61 * k1 + c::a64 * k4_ + c::a65 * k5_);
    sys(u_, k6_, t + c::c6 * h);
    u_ = x_ + h * (c::a71 * k1 + c::a74 * k4_ + c::a75 * k5_ + c::a76 * k6_);
    sys(u_, k7_, t + c::c7 * h);
    u_ = x_ + h * (c::a81 * k1 + c::a84 * k4_ + c::a85 * k5_ + c::a86 * k6_ + c::a87 * k7_);
    sys(u_, k8_, t + c::c8 * h);
    u_ = x_ + h * (c::a91 * k1 + c::a94 * k4_ + c::a95 * k5_ + c::a96 * k6_ + c::a97 * k7_ + c::a98 * k8_);
    sys(u_, k9_, t + c::c9 * h);
    u_ = x_ + h * (c::a101 * k1 + c::a104 * k4_ + c::a105 * k5_ + c::a106 * k6_ + c::a107 * k7_ + c::a108 * k8_ +
                   c::a109 * k9_);
    sys(u_, k10_, t + c::c10 * h);
    u_ = x_ + h * (c::a111 * k1 + c::a114 * k4_ + c::a115 * k5_ + c::a116 * k6_ + c::a117 * k7_ + c::a118 * k8_ +
                   c::a119 * k9_ + c::a1110 * k10_);
    sys(u_, k11_, t + c::c11 * h);
    u_ = x_ + h * (c::a121 * k1 + c::a124 * k4_ + c::a125 * k5_ + c::a126 * k6_ + c::a127 * k7_ + c::a128 * k8_ +
                   c::a129 * k9_ + c::a1210 * k10_ + c::a1211 * k11_);
    sys(u_, k12_, t_new);
    st.n_rhs += 11;
    // u_ keeps Σ b_i k_i (the increment direction) for the 3rd-order difference below.
    u_ = c::b1 * k1 + c::b6 * k6_ + c::b7 * k7_ + c::b8 * k8_ + c::b9 * k9_ + c::b10 * k10_ + c::b11 * k11_ +
         c::b12 * k12_;
    x_new_ = x_ + h * u_;
    err_ = c::er1 * k1 + c::er6 * k6_ + c::er7 * k7_ + c::er8 * k8_ + c::er9 * k9_ + c::er10 * k10_ + c::er11 * k11_ +
           c::er12 * k12_;
    e3_ = u_ - c::bhh1 * k1 - c::bhh2 * k9_ - c::bhh3 * k12_;
  }

  /// Turns the two embedded differences into Hairer's combined estimate in the driver's weighted norm:
  /// afterwards the weighted RMS norm of error() is |h| ‖err5‖² / sqrt(‖err5‖² + 0.01 ‖err3‖²).
  /// \param[in] w  per-state weights atol_i + rtol·max(|x_i|, |x_new_i|)
  void combine_error(const State& w) {
    double s5 = 0.0, s3 = 0.0;
    for (Eigen::Index i = 0; i < err_.size(); ++i) {
      const double a = err_[i] / w[i], b = e3_[i] / w[i];
      s5 += a * a;
      s3 += b * b;
    }
    const double deno = s5 + 0.01 * s3;
    // deno == 0: both differences vanish (e.g. f ≡ 0); NaN propagates to the driver's non-finite check.
    const double scale = deno > 0.0 ? std::abs(h_) * std::sqrt(s5 / deno) : (deno == 0.0 ? 0.0 : deno);
    err_ *= scale;
  }

  void accept(System& sys, Stats& st) {
    x_old_.swap(x_);
    x_.swap(x_new_);
    f_old_.swap(f_);
    t_old_ = t_;
    t_ = t_new_;      // exactly the requested end
    sys(x_, f_, t_);  // stage 13 = f(t + h, y_new), the next step's first stage
    ++st.n_rhs;
    dense_ready_ = false;
  }

  /// Computes the continuous extension of the last accepted step (3 RHS evaluations); the driver
  /// calls it once per step before the first `interpolate`.
  void prepare_dense(System& sys, Stats& st) {
    if (dense_ready_) return;
    namespace c = dop853;
    const double h = t_ - t_old_;
    const State& k1 = f_old_;
    const State& k13 = f_;
    u_ = x_old_ + h * (c::a141 * k1 + c::a147 * k7_ + c::a148 * k8_ + c::a149 * k9_ + c::a1410 * k10_ +
                       c::a1411 * k11_ + c::a1412 * k12_ + c::a1413 * k13);
    sys(u_, k14_, t_old_ + c::c14 * h);
    u_ = x_old_ + h * (c::a151 * k1 + c::a156 * k6_ + c::a157 * k7_ + c::a158 * k8_ + c::a1511 * k11_ +
                       c::a1512 * k12_ + c::a1513 * k13 + c::a1514 * k14_);
    sys(u_, k15_, t_old_ + c::c15 * h);
    u_ = x_old_ + h * (c::a161 * k1 + c::a166 * k6_ + c::a167 * k7_ + c::a168 * k8_ + c::a169 * k9_ + c::a1613 * k13 +
                       c::a1614 * k14_ + c::a1615 * k15_);
    sys(u_, k16_, t_old_ + c::c16 * h);
    st.n_rhs += 3;
    r1_ = x_ - x_old_;
    r2_ = h * k1 - r1_;
    r3_ = r1_ - h * k13 - r2_;
    r4_ = h * (c::d41 * k1 + c::d46 * k6_ + c::d47 * k7_ + c::d48 * k8_ + c::d49 * k9_ + c::d410 * k10_ +
               c::d411 * k11_ + c::d412 * k12_ + c::d413 * k13 + c::d414 * k14_ + c::d415 * k15_ + c::d416 * k16_);
    r5_ = h * (c::d51 * k1 + c::d56 * k6_ + c::d57 * k7_ + c::d58 * k8_ + c::d59 * k9_ + c::d510 * k10_ +
               c::d511 * k11_ + c::d512 * k12_ + c::d513 * k13 + c::d514 * k14_ + c::d515 * k15_ + c::d516 * k16_);
    r6_ = h * (c::d61 * k1 + c::d66 * k6_ + c::d67 * k7_ + c::d68 * k8_ + c::d69 * k9_ + c::d610 * k10_ +
               c::d611 * k11_ + c::d612 * k12_ + c::d613 * k13 + c::d614 * k14_ + c::d615 * k15_ + c::d616 * k16_);
    r7_ = h * (c::d71 * k1 + c::d76 * k6_ + c::d77 * k7_ + c::d78 * k8_ + c::d79 * k9_ + c::d710 * k10_ +
               c::d711 * k11_ + c::d712 * k12_ + c::d713 * k13 + c::d714 * k14_ + c::d715 * k15_ + c::d716 * k16_);
    dense_ready_ = true;
  }

  /// Dense output of order 7 on [t_previous, t] (after `prepare_dense`).
  void interpolate(double t, State& out) const {
    const double span = t_ - t_old_;
    if (span == 0.0) {
      out = x_;
      return;
    }
    const double s = (t - t_old_) / span, s1 = 1.0 - s;
    out = x_old_ + s * (r1_ + s1 * (r2_ + s * (r3_ + s1 * (r4_ + s * (r5_ + s1 * (r6_ + s * r7_))))));
  }

  const State& x() const { return x_; }
  const State& x_new() const { return x_new_; }
  /// The 5th-order difference after `attempt`, the combined estimate after `combine_error`.
  const State& error() const { return err_; }
  const State& derivative() const { return f_; }
  double t() const { return t_; }
  double t_previous() const { return t_old_; }

 private:
  State x_, x_new_, x_old_, f_, f_old_, u_, err_, e3_;
  State k2_, k3_, k4_, k5_, k6_, k7_, k8_, k9_, k10_, k11_, k12_, k14_, k15_, k16_;
  State r1_, r2_, r3_, r4_, r5_, r6_, r7_;
  double t_ = 0.0, t_old_ = 0.0, t_new_ = 0.0, h_ = 0.0;
  bool dense_ready_ = true;
};

}  // namespace massagesim
