#pragma once
/// \file default_subject.hpp
/// \brief The default subject (healthy adult, supine, calf segment of 2 kg, 5 cm below the heart,
///        kappa 0.8), a forearm variant for forearm protocols (B1, B4, R1/R2), and the resting
///        state as a computed steady state (Newton with pseudo-transient fallback).

#include "massagesim/models/segment.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/steady_state.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"

namespace massagesim::models {

/// Default subject: healthy adult, supine, calf (2 kg, 5 cm below heart level, kappa = 0.8).
inline SegmentParams default_calf_params() { return SegmentParams{}; }

/// Forearm of the default subject (1 kg of tissue; forearm protocols give mL/100 mL/min, taken as
/// mL/100 g/min); heart level by default. Forearm capillary pressure 17.0 +/- 1.6 mmHg (Perry 1986).
inline SegmentParams default_forearm_params() {
  SegmentParams p{};
  p.tissue_mass_g = 1000.0;
  p.rest_height_above_heart_cm = 0.0;
  return p;
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
