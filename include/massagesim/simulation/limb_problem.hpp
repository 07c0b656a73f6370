#pragma once
/// \file limb_problem.hpp
/// \brief A limb as a problem for the solvers: inputs from a protocol schedule, the odeint-style system,
///        the problem builder with state names and a domain check, and the resting state (initial guess,
///        stiff relaxation, Newton). Simulation layer: models/ knows nothing of solvers or schedules.

#include <cmath>
#include <cstring>
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

/// A rough resting state: the default calf's lone rest state (computed once) with its volumes scaled
/// to each segment's mass, pool at 1 mmol/L; `limb_rest_state` relaxes and refines it. (A lone rest
/// state per segment is not used: its explicit 2-h relaxation stalls for small, stiff segments of a
/// finely divided limb, and the limb's scaled outlets are not a lone segment's anyway.)
inline Limb::State limb_initial_guess(const Limb& limb) {
  static const Segment::State calf = [] {
    const Segment seg(default_calf_params());
    return rest_state(seg);
  }();
  const double m_ref = default_calf_params().tissue_mass_g;
  Limb::State x = Limb::State::Zero(limb.n_states());
  constexpr int vols[] = {SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume,
                          SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume,
                          SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume,
                          SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume,
                          SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume};
  for (int i = 0; i < limb.n_segments(); ++i) {
    // Each segment's own lone rest state when it can be found (identical segments share one), else the
    // default calf's scaled by mass.
    const auto& pi = limb.params().segments[static_cast<std::size_t>(i)];
    int same = -1;
    for (int j = 0; j < i && same < 0; ++j)
      if (std::memcmp(&limb.params().segments[static_cast<std::size_t>(j)], &pi, sizeof(SegmentParams)) == 0) same = j;
    if (same >= 0) {
      x.segment(Limb::offset(i), Limb::seg_n) = x.segment(Limb::offset(same), Limb::seg_n);
      continue;
    }
    Segment::State xs = calf;
    try {
      SegmentInputs ri = limb.segment(i).rest_inputs();
      ri.arterial_pressure_mmHg = limb.params().mean_arterial_pressure_mmHg;  // the pressures it will see in the limb
      ri.central_venous_pressure_mmHg = limb.params().central_venous_pressure_mmHg;
      xs = rest_state(limb.segment(i), &ri);
    } catch (const SolverError&) {
      xs = calf;
      const double f = pi.tissue_mass_g / m_ref;
      for (int k : vols) xs[k] *= f;
    }
    x.segment(Limb::offset(i), Limb::seg_n) = xs;
  }
  if (limb.params().lactate_pool) {
    x[limb.pool_offset() + kWbBlood] = 1.0;
    x[limb.pool_offset() + kWbMuscle + kLactateCell] = 1.2;
    x[limb.pool_offset() + kWbMuscle + kLactateIsf] = 1.05;
    x[limb.pool_offset() + kWbMuscle + kLactateCap] = 1.0;
  }
  return x;
}

/// Inputs of a limb from a protocol Schedule (per-segment pressure, intensity, height, drive).
struct ScheduleLimbInputs {
  std::shared_ptr<const protocols::Schedule> schedule;
  void operator()(double t, LimbInputs& out, int n) const {
    for (int i = 0; i < n; ++i) {
      const auto s = schedule->inputs(t, i);
      auto& o = out.segment[static_cast<std::size_t>(i)];
      o.applied_pressure_mmHg = s.applied_pressure_mmHg;
      o.exercise_intensity = s.exercise_intensity;
      o.height_above_heart_cm = s.height_above_heart_cm;
      o.massage_drive = s.massage_drive;
    }
    out.whole_body_intensity = n > 0 ? out.segment[0].exercise_intensity : 0.0;
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

  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double) const {
    using S = typename Vec::Scalar;
    const int N = limb->n_segments();
    Eigen::Matrix<S, Eigen::Dynamic, 1> xf = Eigen::Matrix<S, Eigen::Dynamic, 1>::Constant(limb->n_states(), S(0.0));
    Eigen::Matrix<S, Eigen::Dynamic, 1> df(limb->n_states());
    for (int i = 0; i < N; ++i) xf.segment(Limb::offset(i), core_n) = x.segment(i * core_n, core_n);
    for (int k = 0; k < limb->n_pool_states(); ++k) xf[limb->pool_offset() + k] = x[N * core_n + k];
    limb->rhs(xf.data(), inputs, df.data(), false, true);
    dxdt.resize(x.size());
    for (int i = 0; i < N; ++i) dxdt.segment(i * core_n, core_n) = df.segment(Limb::offset(i), core_n);
    for (int k = 0; k < limb->n_pool_states(); ++k) dxdt[N * core_n + k] = df[limb->pool_offset() + k];
  }
  Eigen::VectorXd to_core(const Limb::State& x) const {
    Eigen::VectorXd c(n());
    const int N = limb->n_segments();
    for (int i = 0; i < N; ++i) c.segment(i * core_n, core_n) = x.segment(Limb::offset(i), core_n);
    for (int k = 0; k < limb->n_pool_states(); ++k) c[N * core_n + k] = x[limb->pool_offset() + k];
    return c;
  }
  Limb::State from_core(const Eigen::VectorXd& c) const {
    Limb::State x = Limb::State::Zero(limb->n_states());
    const int N = limb->n_segments();
    for (int i = 0; i < N; ++i) x.segment(Limb::offset(i), core_n) = c.segment(i * core_n, core_n);
    for (int k = 0; k < limb->n_pool_states(); ++k) x[limb->pool_offset() + k] = c[N * core_n + k];
    return x;
  }
};

/// The resting state of a limb under `in` (default: rest inputs): f = 0 for every state but the audit
/// blocks (which start at 0). Newton (non-monotone, as for a lone segment) from the segments' own rest
/// states, polished and certified by `steady_state()`.
/// \throws NewtonFailure when no steady state is found
inline Limb::State limb_rest_state(const std::shared_ptr<const Limb>& limb, const LimbInputs* in = nullptr,
                                   double* residual_out = nullptr) {
  LimbCoreSystem sys{limb, in ? *in : limb->rest_inputs()};
  // The segments' own rest states are not the coupled one (distal veins sit higher, collectors pass
  // more lymph); Newton from there diverges along the slow interstitial mode, so first relax 4 h with
  // Rodas4 on the band (cheap: a stiff solver takes long steps at rest), then Newton.
  Eigen::VectorXd x;
  {
    auto held = std::make_shared<LimbInputs>(sys.inputs);
    LimbSystem<ConstantLimbInputs> relax{limb, ConstantLimbInputs{held}, false, true};
    auto prob = make_problem(relax, limb_initial_guess(*limb), 0.0, 4.0 * 3600.0);
    const auto relaxed =
        solve(prob, simulation::limb_rodas4(*limb, /*autonomous=*/true), StepControl{.rtol = 1e-6, .atol = 1e-9});
    x = sys.to_core(relaxed.x_final);
  }
  Eigen::VectorXd f(x.size()), xt(x.size()), ft(x.size());
  sys(x, f, 0.0);
  double r = f.cwiseAbs().maxCoeff();
  for (int it = 0; it < 60 && r > 1e-13; ++it) {
    const Eigen::MatrixXd J = jacobian_ad(sys, x, 0.0);  // dense: once per rest state
    const Eigen::VectorXd step = J.partialPivLu().solve(f);
    if (!step.allFinite()) break;
    double lambda = 1.0;
    bool ok = false;
    for (int h = 0; h < 30; ++h, lambda *= 0.5) {
      xt = x - lambda * step;
      sys(xt, ft, 0.0);
      const double rt = ft.allFinite() ? ft.cwiseAbs().maxCoeff() : INFINITY;
      bool positive = true;
      for (int i = 0; i < limb->n_segments(); ++i)
        positive =
            positive &&
            xt[i * LimbCoreSystem::core_n + SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume] > 0.0 &&
            xt[i * LimbCoreSystem::core_n + SegmentLayout::lymph] > 0.0;
      if (positive && rt < 100.0 * r) {
        ok = true;
        break;
      }
    }
    if (!ok) break;
    x = xt;
    f = ft;
    r = f.cwiseAbs().maxCoeff();
  }
  SteadyStateOptions opt;
  opt.residual_tol = 1e-11;
  const auto names = limb->state_names();
  for (int i = 0; i < limb->n_segments(); ++i)
    for (int k = 0; k < LimbCoreSystem::core_n; ++k)
      opt.state_names.push_back(names[static_cast<std::size_t>(Limb::offset(i) + k)]);
  for (int k = 0; k < limb->n_pool_states(); ++k)
    opt.state_names.push_back(names[static_cast<std::size_t>(limb->pool_offset() + k)]);
  const auto res = steady_state(sys, x, opt);
  if (residual_out) *residual_out = res.residual_norm;
  return sys.from_core(res.x);
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
  const int N = limb->n_segments();
  prob.domain_violation = [N](const Limb::State& x) -> int {
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
  return prob;
}

}  // namespace massagesim::models
