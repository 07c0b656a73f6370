#pragma once
/// \file limb_problem.hpp
/// \brief A limb as a problem for the solvers: inputs from a protocol schedule, the odeint-style system,
///        the problem builder with state names and a domain check, and the resting state (initial guess,
///        pseudo-transient continuation, Newton). Simulation layer: models/ knows nothing of solvers or schedules.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steady_state.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace massagesim::models {

// The searches declared here are defined in src/rest_searches.cpp (massagesim::runtime): compiled once,
// not in every file that includes this header.

/// A rough resting state: each segment's own lone rest state under the inputs it will see in the limb
/// (`in`, default the limb's rest inputs, with the limb's arterial and central venous pressures;
/// identical segments share one), else the default calf's scaled to its mass; pool at 1 mmol/L.
/// `limb_rest_state` refines it.
Limb::State limb_initial_guess(const Limb& limb, const LimbInputs* in = nullptr,
                               const std::atomic<bool>* cancel = nullptr);

/// Inputs of a limb from a protocol Schedule (per-segment pressure, intensity, height, drive).
struct ScheduleLimbInputs {
  std::shared_ptr<const protocols::Schedule> schedule;
  void operator()(double t, LimbInputs& out, int n) const {
    for (int i = 0; i < n; ++i) {
      const auto s = schedule->inputs(t, i);
      auto& o = out.segment[static_cast<std::size_t>(i)];
      o.applied_pressure_mmHg = s.applied_pressure_mmHg;
      o.exercise_intensity = s.exercise_intensity;
      o.whole_body_exercise = s.whole_body_exercise;
      o.height_above_heart_cm = s.height_above_heart_cm;
      o.massage_drive = s.massage_drive;
      o.circumferential_pressure_mmHg = s.circumferential_pressure_mmHg;
      o.contraction_pressure_mmHg = s.contraction_pressure_mmHg;
      o.muscle_flow_multiplier = s.muscle_flow_multiplier;
    }
    out.whole_body_intensity = schedule->whole_body_intensity(t);
    out.muscle_flow_multiplier = schedule->muscle_flow_multiplier(t);
  }
};

/// Constant limb inputs (rest, steady states).
struct ConstantLimbInputs {
  std::shared_ptr<const LimbInputs> value;
  void operator()(double, LimbInputs& out, int) const { out = *value; }
};

/// An odeint-style System of a limb: `sys(x, dxdt, t)` for double and AD scalars.
template <class InputsFn>
struct LimbSystem {
  std::shared_ptr<const Limb> limb;
  InputsFn inputs;
  bool accumulate = true;
  bool exact_pool_jacobian = false;

  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    LimbInputs in;
    inputs(t, in, limb->n_segments());
    limb->rhs(x.data(), in, dxdt.data(), accumulate, exact_pool_jacobian);
  }
};

/// The limb without its audit blocks (for steady states: accumulators have none).
struct LimbCoreSystem {
  std::shared_ptr<const Limb> limb;
  LimbInputs inputs;
  static constexpr int core_n = SegmentLayout::audit;
  int n() const { return limb->n_segments() * core_n + limb->n_pool_states(); }

  /// The limb state of core state `c` (audit blocks zero) in `xf`'s scalar: the right-hand side, its
  /// border rows' AD seeding and `from_core` pack alike.
  template <class CoreVec, class FullVec>
  void expand(const CoreVec& c, FullVec& xf) const {
    using S = typename FullVec::Scalar;
    const int N = limb->n_segments();
    xf.setConstant(limb->n_states(), S(0.0));
    for (int i = 0; i < N; ++i) xf.segment(Limb::offset(i), core_n) = c.segment(i * core_n, core_n).template cast<S>();
    for (int k = 0; k < limb->n_pool_states(); ++k) xf[limb->pool_offset() + k] = S(c[N * core_n + k]);
  }
  /// The core states of limb state `xf` (its audit blocks dropped).
  template <class FullVec, class CoreVec>
  void restrict_to_core(const FullVec& xf, CoreVec& c) const {
    const int N = limb->n_segments();
    c.resize(n());
    for (int i = 0; i < N; ++i) c.segment(i * core_n, core_n) = xf.segment(Limb::offset(i), core_n);
    for (int k = 0; k < limb->n_pool_states(); ++k) c[N * core_n + k] = xf[limb->pool_offset() + k];
  }

  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double) const {
    using S = typename Vec::Scalar;
    // Per-thread scratch of the full limb state: a rest search evaluates this thousands of times.
    thread_local Eigen::Matrix<S, Eigen::Dynamic, 1> xf, df;
    expand(x, xf);
    df.resize(limb->n_states());
    limb->rhs(xf.data(), inputs, df.data(), false, true);
    restrict_to_core(df, dxdt);
  }
  /// The exact ∂f_pool/∂x_segments (pool rows, segment columns) of the bordered rest-search Jacobian.
  /// The pool reads the segments only through their summed lactate efflux E = Σ e_i
  /// (`Limb::BorderProbe`), and e_i reads only blocks i - 1 ... i + 1, so seeding state k of every
  /// third block in one direction (3·core_n directions) and reading each e_i apart gives dE/dx, and one
  /// direction more gives ∂f_pool/∂E: 6 AD evaluations of 8 directions, where one direction per
  /// segment column takes 120 on a 64-segment limb. Checked against the dense AD Jacobian
  /// (tests/cpp/limb/test_rest_o2.cpp).
  void border_rows_jacobian(const Eigen::VectorXd& x, double, Eigen::MatrixXd& bottom) const {
    using Ad = AdScalar<8>;
    using AdVec = Eigen::Matrix<Ad, Eigen::Dynamic, 1>;
    const int N = limb->n_segments(), m = limb->n_pool_states(), nb = N * core_n;
    const int n_dirs = 3 * core_n + 1, d_shift = 3 * core_n;
    auto dir = [](int i, int k) { return (i % 3) * core_n + k; };
    AdVec xf(limb->n_states()), df(limb->n_states());
    std::vector<Ad> e(static_cast<std::size_t>(N));
    Eigen::VectorXd dE = Eigen::VectorXd::Zero(nb), dF = Eigen::VectorXd::Zero(m);
    for (int c0 = 0; c0 < n_dirs; c0 += 8) {
      expand(x, xf);
      for (int i = 0; i < N; ++i)
        for (int k = 0; k < core_n; ++k) {
          const int d = dir(i, k) - c0;
          if (d >= 0 && d < 8) xf[Limb::offset(i) + k].derivatives()[d] = 1.0;
        }
      Limb::BorderProbe<Ad> probe{e.data(), Ad(0.0, Eigen::Matrix<double, 8, 1>::Zero())};
      if (d_shift - c0 >= 0 && d_shift - c0 < 8) probe.efflux_shift_mmol_per_min.derivatives()[d_shift - c0] = 1.0;
      limb->rhs(xf.data(), inputs, df.data(), false, true, nullptr, &probe);
      for (int i = 0; i < N; ++i)
        for (int k = 0; k < core_n; ++k) {
          const int d = dir(i, k) - c0;
          if (d < 0 || d >= 8) continue;
          for (int s = std::max(0, i - 1); s <= std::min(N - 1, i + 1); ++s)
            dE[i * core_n + k] += e[static_cast<std::size_t>(s)].derivatives()[d];
        }
      if (d_shift - c0 >= 0 && d_shift - c0 < 8)
        for (int r = 0; r < m; ++r) dF[r] = df[limb->pool_offset() + r].derivatives()[d_shift - c0];
    }
    bottom.noalias() = dF * dE.transpose();
  }
  Eigen::VectorXd to_core(const Limb::State& x) const {
    Eigen::VectorXd c;
    restrict_to_core(x, c);
    return c;
  }
  Limb::State from_core(const Eigen::VectorXd& c) const {
    Limb::State x;
    expand(c, x);
    return x;
  }
};

/// A limb's rest searches factor on its structure, as `limb_rodas4` steps do: the segments are blocks of
/// `block` states coupled to their neighbours only (a band of two blocks), then `n_border` limb-level
/// states (an exact border). On a 64-segment limb's 965 core states a dense LU costs ~6e8 flops per Newton or
/// pseudo-time step, the bordered one ~2e6 (a 10-s rest run of 64 x 20 cm: 4.6 -> 1.6 s). The border rows
/// read every segment, so the bordered AD Jacobian takes the band's ~8 evaluations more than the dense one:
/// up to `dense_up_to_segments` segments (a leg or arm of 1-8, the surveyed limbs) the options stay dense.
inline void use_limb_structure(SteadyStateOptions& opt, int block, int n_segments, int n_border,
                               int dense_up_to_segments = 8) {
  if (n_segments <= dense_up_to_segments) return;
  const int n_band = block * n_segments;
  opt.linear_solver = LinearSolverKind::bordered;
  opt.lower_bandwidth = opt.upper_bandwidth = std::min(2 * block - 1, n_band - 1);
  opt.border_size = n_border;
}

namespace detail {

/// The rest-state search on a limb's core system: its options (state names, cancel flag) and the
/// domain (positive volumes).
struct RestSearch {
  LimbCoreSystem sys;
  SteadyStateOptions opt;
  int n_segments;

  RestSearch(const std::shared_ptr<const Limb>& limb, const LimbInputs* in, const std::atomic<bool>* cancel)
      : sys{limb, in ? *in : limb->rest_inputs()}, opt(rest_state_options()), n_segments(limb->n_segments()) {
    opt.cancel = cancel;
    use_limb_structure(opt, LimbCoreSystem::core_n, n_segments, limb->n_pool_states());
    const auto names = limb->state_names();
    for (int i = 0; i < n_segments; ++i)
      for (int k = 0; k < LimbCoreSystem::core_n; ++k)
        opt.state_names.push_back(names[static_cast<std::size_t>(Limb::offset(i) + k)]);
    for (int k = 0; k < limb->n_pool_states(); ++k)
      opt.state_names.push_back(names[static_cast<std::size_t>(limb->pool_offset() + k)]);
  }

  /// The search from `guess`; throws SolverError (NewtonFailure, ...) or Cancelled.
  Limb::State from(const Limb::State& guess, double* residual_out) const;
};

}  // namespace detail

/// The resting state of a limb under `in` (default: rest inputs) searched from `guess` only (e.g. the
/// rest state of a neighbouring limb, in a continuation). \throws SolverError when not found; Cancelled.
Limb::State limb_rest_state_from(const std::shared_ptr<const Limb>& limb, const LimbInputs* in,
                                 const Limb::State& guess, double* residual_out = nullptr,
                                 const std::atomic<bool>* cancel = nullptr);

/// The resting state of a limb under `in` (default: rest inputs): f = 0 for every state but the audit
/// blocks (which start at 0), by `rest_steady_state()` with `rest_state_options()` (pseudo-transient
/// continuation, then Newton to the roundoff floor; volumes kept positive) from `limb_initial_guess`.
/// (`rest_steady_state`: when the rest state is not attracting, e.g. a lymphangion that pumps
/// spontaneously at rest, the equilibrium itself.)
/// \throws NewtonFailure naming the limb (segments, heights, masses), what failed and what to try;
///         Cancelled as soon as `cancel` is set (checked before every Newton iteration and pseudo-time step)
/// `second_guess` (optional, e.g. the `RestO2Balance::feasible_state` of `check_rest_o2`) is called
/// only when the search from `limb_initial_guess` fails, and the search is tried again from the state it
/// returns (an empty state: no second try). It may throw to refuse the limb (the resting O2 rule does):
/// computed lazily, it costs nothing on the usual path.
Limb::State limb_rest_state(const std::shared_ptr<const Limb>& limb, const LimbInputs* in = nullptr,
                            double* residual_out = nullptr, const std::atomic<bool>* cancel = nullptr,
                            const std::function<Limb::State()>& second_guess = {});

/// The domain of a limb's states for `OdeProblem::domain_violation`: the index of the first
/// non-positive volume (arterial, venous, interstitial, initial lymph, collector), or -1.
inline std::function<int(const Limb::State&)> limb_volume_domain(int n_segments) {
  return [N = n_segments](const Limb::State& x) -> int {
    constexpr int vols[] = {SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume,
                            SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume};
    for (int i = 0; i < N; ++i)
      for (int k : vols)
        if (!(x[Limb::offset(i) + k] > 0.0)) return Limb::offset(i) + k;
    return -1;
  };
}

/// The OdeProblem of a limb driven by a schedule, with the schedule's breakpoints as discontinuities,
/// state names, and a domain check rejecting non-positive volumes.
inline auto make_limb_problem(const std::shared_ptr<const Limb>& limb,
                              std::shared_ptr<const protocols::Schedule> schedule, const Limb::State& x0, double t0_s,
                              double t1_s, bool exact_pool_jacobian = false) {
  using Sys = LimbSystem<ScheduleLimbInputs>;
  std::vector<double> bps;
  schedule->breakpoints(t0_s, t1_s, bps);
  OdeProblem<Sys, Limb::State> prob{Sys{limb, ScheduleLimbInputs{std::move(schedule)}, true, exact_pool_jacobian}, x0,
                                    t0_s, t1_s, std::move(bps)};
  prob.state_names = limb->state_names();
  prob.domain_violation = limb_volume_domain(limb->n_segments());
  return prob;
}

}  // namespace massagesim::models
