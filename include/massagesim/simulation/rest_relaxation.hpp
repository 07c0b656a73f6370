#pragma once
/// \file rest_relaxation.hpp
/// \brief The last route to a resting state, and the test that one exists: the limb relaxes at rest
///        (stiff integration under constant rest inputs) from the nearest state the other routes
///        found. If a segment's O2 debt leaves its documented bound on the way, the limb has no resting
///        state inside the physiological bounds (its resting O2 demand exceeds what its flow delivers at
///        any dilation it reaches); otherwise the end of the relaxation is a guess for the rest-state
///        search close to the state itself (issue 17: legal input always runs).

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <span>
#include <string>

#include "massagesim/core/error.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/metabolites.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/rest_o2.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/event.hpp"
#include "massagesim/solver/solve.hpp"

namespace massagesim::models {

/// Where a relaxation at rest ended.
struct RestRelaxation {
  Limb::State x;               ///< the state at the end
  double t_s = 0.0;            ///< how long the limb relaxed
  bool integrated = false;     ///< the integration ran to its end or to the debt bound without failing
  std::string failure;         ///< why the integration stopped when it did not (the solver's message)
  int debt_out_segment = -1;   ///< a segment whose O2 debt left its documented bound, or -1
  double debt_mL = 0.0;        ///< that segment's debt then
  double debt_bound_mL = 0.0;  ///< the documented bound (the metabolites module's state table)
};

/// Relaxes `limb` under the constant inputs `in` from `x0` for up to `t_max_s` (banded Rodas4 with
/// the exact border, rtol 1e-6), stopping early when a segment's O2 debt reaches its documented bound.
/// Never throws on an integration failure (`integrated` is false then); throws Cancelled.
inline RestRelaxation relax_limb_at_rest(const std::shared_ptr<const Limb>& limb, const LimbInputs& in,
                                         const Limb::State& x0, double t_max_s,
                                         const std::atomic<bool>* cancel = nullptr) {
  using Sys = LimbSystem<ConstantLimbInputs>;
  OdeProblem<Sys, Limb::State> prob{
      Sys{limb, ConstantLimbInputs{std::make_shared<const LimbInputs>(in)}, true, /*exact_pool_jacobian=*/true}, x0,
      0.0, t_max_s};
  prob.state_names = limb->state_names();
  prob.domain_violation = limb_volume_domain(limb->n_segments());
  RestRelaxation r;
  r.debt_bound_mL = MetabolitesModule::states[kO2Debt].max;
  const int N = limb->n_segments();
  constexpr int debt = SegmentLayout::metabolites + kO2Debt;
  const auto max_debt = [N](const Limb::State& x) {
    double m = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < N; ++i) m = std::max(m, x[Limb::offset(i) + debt]);
    return m;
  };
  Event<Limb::State> out_of_bound{
      .condition = [&](double, const Limb::State& x) { return max_debt(x) - r.debt_bound_mL; },
      .direction = EventDirection::rising,
      .terminal = true,
      .name = "o2_debt_bound"};
  StepControl ctl;
  ctl.rtol = 1e-6;
  ctl.atol = 1e-9;
  ctl.throw_on_failure = false;
  ctl.cancel = cancel;
  const auto sol = solve(prob, simulation::limb_rodas4(*limb, /*autonomous=*/true), ctl, SaveAt{.t1 = true},
                         std::span<const Event<Limb::State>>(&out_of_bound, 1));
  if (sol.status == Status::cancelled) throw Cancelled("resting-state relaxation cancelled", sol.t_final_s);
  r.integrated = sol.ok();
  if (!r.integrated) r.failure = sol.message;
  r.t_s = sol.t_final_s;
  r.x = sol.x_final;
  for (int i = 0; i < N; ++i)
    if (r.x.size() == limb->n_states() && r.x[Limb::offset(i) + debt] >= r.debt_bound_mL * (1.0 - 1e-9)) {
      r.debt_out_segment = i;
      r.debt_mL = r.x[Limb::offset(i) + debt];
    }
  return r;
}

/// Refuses a limb whose relaxation at rest took a segment's O2 debt past its documented bound: no
/// resting state inside the physiological bounds. `from` says where the relaxation started.
/// \throws InvalidArgument naming the segment, its debt, the time and what would be allowed.
inline void check_rest_relaxation(const Limb& limb, const LimbInputs& in, const RestRelaxation& r,
                                  const std::string& from) {
  if (r.debt_out_segment < 0) return;
  const auto i = static_cast<std::size_t>(r.debt_out_segment);
  const auto& sp = limb.params().segments[i];
  throw InvalidArgument(massagesim::detail::concat(
      "parameters: segment '", limb.segment_name(r.debt_out_segment), "' (", sp.tissue_mass_g * 1e-3, " kg, ",
      in.segment[i].height_above_heart_cm,
      " cm above the heart) has no resting state: its resting O2 demand exceeds the O2 its blood flow delivers at "
      "every level of metabolic dilation it reaches, so its O2 debt grows without bound (at rest from ",
      from, " it reached ", r.debt_mL, " mL, the documented bound of o2_debt_mL, after ", r.t_s / 60.0,
      " min). Allowed: a lower vo2_rest_mL_per_min_per_kg with these other values", rest_o2_other_remedies));
}

}  // namespace massagesim::models
