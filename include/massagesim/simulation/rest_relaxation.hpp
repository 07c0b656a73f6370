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

// The searches declared here are defined in src/rest_searches.cpp (massagesim::runtime): compiled once,
// not in every file that includes this header.

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
RestRelaxation relax_limb_at_rest(const std::shared_ptr<const Limb>& limb, const LimbInputs& in, const Limb::State& x0,
                                  double t_max_s, const std::atomic<bool>* cancel = nullptr,
                                  const RestRelaxationRules& rules = {});

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
