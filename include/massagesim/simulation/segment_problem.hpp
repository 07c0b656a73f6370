#pragma once
/// \file segment_problem.hpp
/// \brief A lone segment as a problem for the solvers: the odeint-style system under inputs(t), the
///        problem builder with state names and a domain check, and the resting state (relaxation, then
///        Newton). Simulation layer: models/ knows nothing of solvers.

#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steady_state.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"

namespace massagesim::models {

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

/// The resting state of `seg` under `in` (default: its rest inputs): f(x) = 0 for every state but the
/// audit block (accumulators start at 0). A 2-h Dopri5 relaxation from `initial_guess()` gives the
/// starting point of Newton's method (solver/steady_state.hpp; from `initial_guess()` itself Newton
/// meets a singular Jacobian and pseudo-transient continuation does not converge in 5000 steps).
/// \throws NewtonFailure when no steady state is found
inline Segment::State rest_state(const Segment& seg, const SegmentInputs* in = nullptr,
                                 double* residual_out = nullptr) {
  const SegmentInputs inputs = in ? *in : seg.rest_inputs();
  SegmentCoreSystem sys{seg, inputs};
  SteadyStateOptions opt;
  opt.residual_tol = 1e-11;
  const auto names = SegmentLayout::state_names();
  opt.state_names.assign(names.begin(), names.begin() + SegmentCoreSystem::n);
  // Relax toward rest for 2 h with Dopri5 (robust from a rough guess), then Newton.
  SegmentSystem<ConstantInputs> relax{seg, ConstantInputs{inputs}, false};
  auto prob = make_problem(relax, seg.initial_guess(), 0.0, 7200.0);
  const auto relaxed = solve(prob, Dopri5{}, StepControl{.rtol = 1e-6, .atol = 1e-9});
  const SegmentCoreSystem::State guess = relaxed.x_final.head<SegmentCoreSystem::n>();
  // steady_state()'s non-monotone line search accepts the first full Newton step although the slow
  // interstitial mode makes ||f|| rise on it (a monotone Armijo search rejected it; solver/steady_state.hpp).
  const auto res = steady_state(sys, guess, opt);
  if (residual_out) *residual_out = res.residual_norm;
  Segment::State x = Segment::State::Zero();
  x.head<SegmentCoreSystem::n>() = res.x;
  return x;
}

}  // namespace massagesim::models
