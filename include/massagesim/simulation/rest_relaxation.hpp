#pragma once
/// \file rest_relaxation.hpp
/// \brief The last route to a resting state, and the test that one exists: the limb relaxes at rest
///        (stiff integration under constant rest inputs) from the nearest state the other routes
///        found. If a segment's O2 debt leaves its documented bound on the way, or rises at full metabolic
///        dilation, the limb has no resting state inside the physiological bounds (its resting O2 demand
///        exceeds what its flow delivers at any dilation it reaches); otherwise the end of the relaxation is a guess
///        for the rest-state search close to the state itself (issue 17: legal input always runs).

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

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
  bool integrated = false;     ///< the integration ran to its end or to a verdict without failing
  std::string failure;         ///< why the integration stopped when it did not (the solver's message)
  int debt_out_segment = -1;   ///< a segment whose O2 debt left (or will leave) its documented bound, or -1
  double debt_mL = 0.0;        ///< that segment's debt then
  double debt_bound_mL = 0.0;  ///< the documented bound (the metabolites module's state table)
  /// The debt of `debt_out_segment` still rose at full metabolic dilation [mL/min] (0: it reached the bound).
  double rise_at_full_dilation_mL_per_min = 0.0;
  double dilation_share = 0.0;  ///< the share of its maximal metabolic dilation its debt gave then
};

/// Relaxation windows and verdicts (relax_limb_at_rest).
struct RestRelaxationRules {
  double window_s = 300.0;  ///< the debts are compared window by window (vascular tone settles within ~1 min)
  /// Share f of the debt's maximal dilation x_max d^n/(d^n + d50^n) from which the rest of it can raise the
  /// conductances (1 + m_f x) by at most (1 - f)/f, and so the supply by about that share at most.
  double full_dilation_share = 0.99;
  /// A deficit this many times the most the rest of the dilation could add to the supply stays.
  double deficit_margin = 2.0;
  double rising_mL_per_min = 1e-3;  ///< a debt rising faster at full dilation grows on to its bound
};

/// Relaxes `limb` under the constant inputs `in` from `x0` for up to `t_max_s` (banded Rodas4 with the exact
/// border, rtol 1e-6) in windows, and stops at the first verdict:
/// - a segment's O2 debt reaches its documented bound (event): no resting state;
/// - over a whole window a segment's debt held its metabolic dilation near full (share >= `full_dilation_share`
///   at both ends) and still rose, with a deficit (demand - uptake) larger than the rest of the dilation could
///   add to the supply. The demand does not fall as the debt grows (its pain-driven tone only rises), so the
///   debt grows on to its bound: no resting state, judged without integrating the hours that takes (a
///   dependent leg's lymphangions pumping beside it keep the steps near 0.1 s). Of several such segments, the
///   one whose debt would reach the bound first at its rise (test: the bound is reached within 10 % of the
///   projection; measured 0.7 %).
/// Otherwise it relaxes to `t_max_s` (its end is a guess for the rest-state search).
/// Never throws on an integration failure (`integrated` is false then); throws Cancelled.
inline RestRelaxation relax_limb_at_rest(const std::shared_ptr<const Limb>& limb, const LimbInputs& in,
                                         const Limb::State& x0, double t_max_s,
                                         const std::atomic<bool>* cancel = nullptr,
                                         const RestRelaxationRules& rules = {}) {
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
  // The debt's share of its maximal dilation: the model's own vasodilator_signal output over its maximum (at
  // rest no exercise term adds to it).
  std::vector<double> x_max(static_cast<std::size_t>(N));
  for (std::size_t k = 0; k < x_max.size(); ++k) x_max[k] = limb->params().segments[k].vasodilator_max;
  static const int i_signal = Segment::output_index("vasodilator_signal");
  const auto share = [&](const Eigen::MatrixXd& o, int i) {
    return o(i, i_signal) / x_max[static_cast<std::size_t>(i)];
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
  static const int i_uptake = Segment::output_index("o2_uptake_mL_per_min");
  static const int i_demand = Segment::output_index("o2_demand_mL_per_min");
  const auto stepper = simulation::limb_rodas4(*limb, /*autonomous=*/true);
  r.x = x0;
  r.integrated = true;
  Eigen::MatrixXd o_before = limb->outputs(x0, in), o;  // outputs at a window's ends
  while (r.t_s < t_max_s) {
    prob.x0 = r.x;
    prob.t0_s = r.t_s;
    prob.t1_s = std::min(t_max_s, r.t_s + rules.window_s);
    const auto sol =
        solve(prob, stepper, ctl, SaveAt{.t1 = true}, std::span<const Event<Limb::State>>(&out_of_bound, 1));
    if (sol.status == Status::cancelled) throw Cancelled("resting-state relaxation cancelled", sol.t_final_s);
    const Limb::State before = r.x;
    const double minutes = (sol.t_final_s - r.t_s) / 60.0;
    r.t_s = sol.t_final_s;
    if (sol.x_final.size() == limb->n_states()) r.x = sol.x_final;
    if (!sol.ok()) {
      r.integrated = false;
      r.failure = sol.message;
      break;
    }
    for (int i = 0; i < N; ++i)
      if (r.x[Limb::offset(i) + debt] >= r.debt_bound_mL * (1.0 - 1e-9)) {
        r.debt_out_segment = i;
        r.debt_mL = r.x[Limb::offset(i) + debt];
      }
    if (r.debt_out_segment >= 0 || sol.status == Status::terminated_by_event) break;
    const double f = rules.full_dilation_share;
    o = limb->outputs(r.x, in);
    double soonest_min = std::numeric_limits<double>::infinity();  // the segment whose debt gets there first
    for (int i = 0; i < N; ++i) {
      const double D0 = before[Limb::offset(i) + debt], D1 = r.x[Limb::offset(i) + debt];
      const double rate = (D1 - D0) / minutes;
      if (!(rate > rules.rising_mL_per_min && share(o_before, i) >= f && share(o, i) >= f)) continue;
      const double uptake = o(i, i_uptake), deficit = o(i, i_demand) - uptake;
      const double to_bound_min = (r.debt_bound_mL - D1) / rate;
      if (deficit > rules.deficit_margin * (1.0 - f) / f * uptake && to_bound_min < soonest_min) {
        soonest_min = to_bound_min;
        r.debt_out_segment = i;
        r.debt_mL = D1;
        r.rise_at_full_dilation_mL_per_min = rate;
        r.dilation_share = share(o, i);
      }
    }
    o_before.swap(o);
    if (r.debt_out_segment >= 0) break;
  }
  return r;
}

/// Refuses a limb whose relaxation at rest took a segment's O2 debt past its documented bound, or on towards
/// it at full metabolic dilation: no resting state inside the physiological bounds. `from` says where the
/// relaxation started.
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
      from,
      r.rise_at_full_dilation_mL_per_min > 0.0
          ? massagesim::detail::concat(
                " it reached ", r.debt_mL, " mL after ", r.t_s / 60.0, " min with its metabolic dilation at ",
                100.0 * r.dilation_share, " % of its maximum and still rose by ", r.rise_at_full_dilation_mL_per_min,
                " mL/min (more than the rest of the dilation could supply), on to the documented bound of o2_debt_mL, ",
                r.debt_bound_mL, " mL, in about ", (r.debt_bound_mL - r.debt_mL) / r.rise_at_full_dilation_mL_per_min,
                " min")
          : massagesim::detail::concat(" it reached ", r.debt_mL, " mL, the documented bound of o2_debt_mL, after ",
                                       r.t_s / 60.0, " min"),
      "). Allowed: a lower vo2_rest_mL_per_min_per_kg with these other values", rest_o2_other_remedies));
}

}  // namespace massagesim::models
