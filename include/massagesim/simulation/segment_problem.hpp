#pragma once
/// \file segment_problem.hpp
/// \brief A lone segment as a problem for the solvers: the odeint-style system under inputs(t), the
///        problem builder with state names and a domain check, and the resting state (pseudo-transient
///        continuation, then Newton). Simulation layer: models/ knows nothing of solvers.

#include <atomic>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steady_state.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"  // (kept for includers that relied on it)

namespace massagesim::models {

// The searches declared here are defined in src/rest_searches.cpp (massagesim::runtime): compiled once,
// not in every file that includes this header.

/// An odeint-style System: `sys(x, dxdt, t)` for double and AD scalars, from a segment and a
/// callable `inputs(t) -> SegmentInputs`. `accumulate = false` freezes the audit block.
template <class InputsFn>
struct SegmentSystem {
  Segment segment;
  InputsFn inputs;
  bool accumulate = true;

  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    segment.rhs(x, inputs(t), dxdt, accumulate);
  }
};

/// Constant inputs as a callable.
struct ConstantInputs {
  SegmentInputs value;
  SegmentInputs operator()(double) const { return value; }
};

/// Builds the OdeProblem of a segment driven by `inputs` with the protocol's discontinuities; state
/// names are set so that solver errors name the state to blame, and negative volumes are rejected.
template <class InputsFn>
auto make_segment_problem(const Segment& seg, InputsFn inputs, const Segment::State& x0, double t0_s, double t1_s,
                          std::vector<double> discontinuities_s = {}) {
  using Sys = SegmentSystem<InputsFn>;
  OdeProblem<Sys, Segment::State> prob{Sys{seg, std::move(inputs), true}, x0, t0_s, t1_s, std::move(discontinuities_s)};
  const auto names = SegmentLayout::state_names();
  prob.state_names.assign(names.begin(), names.end());
  prob.domain_violation = [](const Segment::State& x) -> int {
    constexpr int vols[] = {SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume,
                            SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume};
    for (int i : vols)
      if (!(x[i] > 0.0)) return i;
    return -1;
  };
  return prob;
}

/// The segment without its audit block (what a steady state is solved for: accumulators have no
/// steady state and would make the Jacobian singular).
struct SegmentCoreSystem {
  static constexpr int n = SegmentLayout::audit;
  using State = Eigen::Matrix<double, n, 1>;
  Segment segment;
  SegmentInputs inputs;
  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double) const {
    using S = typename Vec::Scalar;
    Eigen::Matrix<S, Segment::n_states, 1> xf, df;
    xf.template head<n>() = x;
    for (int i = n; i < Segment::n_states; ++i) xf[i] = S(0.0);
    segment.rhs(xf, inputs, df, false);
    dxdt = df.template head<n>();
  }
};

/// The volume states of a segment (offsets in its block), which a resting state keeps positive.
inline constexpr int segment_volume_states[] = {SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume,
                                                SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume,
                                                SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume,
                                                SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume,
                                                SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume};

/// How resting states are solved (segment and limb): pseudo-transient continuation from the rough
/// guess, Newton's method at its end, converged when Newton's step is at the roundoff floor.
///
/// Why not Newton first: from a rough guess it meets near-singular Jacobians (in 144 of 200 random
/// legal parameter sets) or wanders along the slow interstitial mode. Why not a timed relaxation:
/// the slowest mode of a legal parameter set can be days (an oedematous interstitium: λ ≈ −5e-6/s),
/// so a fixed 2–4 h relaxation stops far from rest. Error-controlled pseudo-time steps follow the
/// dynamics to the attracting rest state whatever its time scale, in ~20–100 steps.
inline SteadyStateOptions rest_state_options() {
  SteadyStateOptions opt;
  opt.newton_first = false;
  opt.residual_tol = 1e-15;  // effectively: converged by the step test below
  opt.step_rtol = 1e-12;     // a Newton step below 1e-12·|x|: the next would change nothing
  opt.step_atol = 1e-15;     // states at rest near 0 (metabolic debt ~1e-7, pain ~1e-10)
  opt.pseudo_rtol = 0.1;     // loose: the path only has to stay in the basin of the rest state
  opt.pseudo_atol = 1e-4;
  opt.pseudo_dt_initial_s = 0.1;
  opt.pseudo_dt_max_s = 1e15;
  opt.pseudo_dt_newton_s = 1e9;  // Δτ·|λ| >= 10 even for a 3-year mode: the step is Newton's within 10 %
  opt.max_pseudo_transient_steps = 400;
  return opt;
}

/// `steady_state()` for resting states, in three tries from `x0`, each cheaper to fail than the last to
/// succeed: (1) error-controlled pseudo-transient continuation (`rest_state_options()`): the attracting
/// rest state; (2) Newton first (non-monotone, then monotone line search), then (3) pseudo-time steps
/// with the error control off (only the domain and finiteness bound Δτ; Δτ grows tenfold per step).
/// (2) and (3) find a rest state that is not attracting: when the lymphangion's excitable
/// contractions (a FitzHugh–Nagumo-like oscillator, models/interstitium_lymph.hpp) fire
/// spontaneously at rest, the trajectory settles on a limit cycle around the unstable equilibrium and
/// (1) cannot converge; that equilibrium is returned, and a run from it shows the spontaneous pumping.
/// \throws NewtonFailure with the three reasons when all fail
template <class System, class State, class Domain>
SteadyStateResult<State> rest_steady_state(const System& sys, const State& x0, SteadyStateOptions opt,
                                           const Domain& in_domain) {
  std::string why;
  try {
    return steady_state(sys, x0, opt, in_domain);
  } catch (const NewtonFailure& e) {
    why = std::string("(1) ") + e.what();
  }
  try {
    SteadyStateOptions o = opt;
    o.newton_first = true;
    o.allow_pseudo_transient = false;
    return steady_state(sys, x0, o, in_domain);
  } catch (const NewtonFailure& e) {
    why += std::string(" (2) ") + e.what();
  }
  try {
    SteadyStateOptions o = opt;
    o.pseudo_rtol = 1e30;  // error control off
    o.max_pseudo_transient_steps = 1000;
    return steady_state(sys, x0, o, in_domain);
  } catch (const NewtonFailure& e) {
    throw NewtonFailure(why + " (3) " + e.what(), e.t_s(), e.dt_s(), e.state_name());
  }
}

/// The resting state of `seg` under `in` (default: its rest inputs): f(x) = 0 for every state but the
/// audit block (accumulators start at 0), from `initial_guess()` by `steady_state()` with
/// `rest_state_options()` (volumes kept positive).
/// \throws NewtonFailure when no steady state is found; Cancelled when `cancel` is set
Segment::State rest_state(const Segment& seg, const SegmentInputs* in = nullptr, double* residual_out = nullptr,
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace massagesim::models
