#pragma once
/// \file stepper_table.hpp
/// \brief The one table of steppers a scenario or a run can name, and the dispatch from a name to the
///        stepper configured for a limb (bordered Rodas4 on the limb's Jacobian band and border, its
///        AD Jacobian coloured by the arm's sparsity pattern, `limb_jacobian_pattern`).

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "massagesim/solver/steppers/bdf.hpp"
#include "massagesim/solver/steppers/dop853.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

namespace massagesim::simulation {

/// Names a scenario's `solver.stepper` and `simulate(stepper=...)` take.
inline constexpr std::array<std::string_view, 6> stepper_names{"rodas4", "rodas4p2",   "dopri5",
                                                               "dop853", "fehlberg78", "bdf"};

/// Throws UnknownName (naming `what`, the allowed names and the nearest) unless `name` is in the table.
inline void check_stepper_name(std::string_view name, std::string_view what = "stepper") {
  for (auto s : stepper_names)
    if (s == name) return;
  std::string all;
  for (auto s : stepper_names) all += (all.empty() ? "'" : ", '") + std::string(s) + "'";
  throw UnknownName(massagesim::detail::concat(what, ": unknown stepper '", name, "'; expected one of ", all,
                                               " (nearest: ", nearest_names(name, stepper_names, 1), ")"));
}

/// Rodas4 for a limb: the segments' band plus the limb-level states as an exact border (arrowhead LU,
/// solver/linear/bordered_lu.hpp), so the Jacobian keeps the limb-level couplings that a baroreflex or
/// the lactate pool add to every segment. Needs the limb's system with the exact border
/// (`make_limb_problem(..., exact_border = true)`).
template <class Limb>
Rodas4 limb_rodas4(const Limb& limb, bool autonomous = false, const RodasTableau& tableau = rodas4_tableau) {
  return Rodas4{.linear_solver = LinearSolverKind::bordered,
                .tableau = &tableau,
                .lower_bandwidth = limb.lower_bandwidth(),
                .upper_bandwidth = limb.upper_bandwidth(),
                .border_size = limb.n_pool_states(),
                .autonomous = autonomous};
}

/// Bdf for a limb: the Jacobian of `limb_rodas4` (band and limb-level border, coloured by the arm's pattern
/// when one is given), factored by the sparse LU on that pattern (`LinearSolverKind::pattern_lu`), variable
/// order 1-5, J and LU kept across steps.
template <class Limb>
Bdf limb_bdf(const Limb& limb) {
  // pattern_lu, not bordered: the limb's band block is nearly full (kl + ku + 1 = 80 of 81 on the default
  // arm), so the bordered LU is dense work, while J has ~550 nonzeros; the pattern LU (AMD ordering, static
  // pivots) makes the same steps and is faster on the default scenario (compare_cvode_limb, bdf_plu).
  // Newton stops at 0.1 of the error weights, CVODE's nonlinear convergence coefficient (nlscoef), not the
  // solver's default min(0.03, sqrt(rtol)) (1e-3 at rtol 1e-6): on the default scenario's massage arm 31-36 %
  // less CPU at rtol 1e-5...1e-8 (Jacobians 690 -> 97, RHS 80 k -> 55 k at 1e-6) for ~15-30 % more error
  // against a 1e-10 reference, still faster at matched error (docs/solver.md "The scenario default").
  return Bdf{.linear_solver = LinearSolverKind::pattern_lu,
             .lower_bandwidth = limb.lower_bandwidth(),
             .upper_bandwidth = limb.upper_bandwidth(),
             .border_size = limb.n_pool_states(),
             .newton_tolerance = 0.1};
}

/// True for the steppers that take a Jacobian pattern (the Rosenbrock ones and Bdf).
inline bool stepper_uses_jacobian(std::string_view name) {
  return name == "rodas4" || name == "rodas4p2" || name == "bdf";
}

/// The sparsity pattern of a limb problem's Jacobian (`make_limb_problem`'s: `prob.system` is a
/// LimbSystem with an `inputs(t, LimbInputs&, n)` function, `prob.discontinuities_s` its breakpoints):
/// the diagonal and the nonzeros of the exact dense AD Jacobian at the start state `prob.x0`, and at
/// `n_perturbed` copies of it scaled componentwise by up to ±`spread` (`detect_jacobian_pattern`), under
/// the inputs of every distinct phase: at t0, just after every breakpoint and in the middle of every
/// interval between breakpoints, skipping times whose inputs have the same signs (−, 0, +) field by
/// field as an earlier sample's (a term switched on or off, a posture above or below the heart, changes
/// the structure; a different magnitude rarely does). A superset of the nonzeros at the sampled points;
/// states far from rest can have more (a vessel that closes, a flow that reverses): Rodas4's guard
/// (`Rodas4::pattern_check_interval`) finds those along the solve and widens the pattern.
template <class Problem>
SparsityPattern limb_jacobian_pattern(const Problem& prob, int n_perturbed = 2, double spread = 0.1) {
  const int n_seg = prob.system.limb->n_segments();
  std::vector<double> cand{prob.t0_s};
  double prev = prob.t0_s;
  for (double b : prob.discontinuities_s) {
    if (!(b > prev && b < prob.t1_s)) continue;
    cand.push_back(0.5 * (prev + b));
    cand.push_back(b);
    prev = b;
  }
  if (prob.t1_s > prev) cand.push_back(0.5 * (prev + prob.t1_s));
  auto sign = [](double v) { return static_cast<signed char>(v > 0.0 ? 1 : v < 0.0 ? -1 : 0); };
  std::vector<std::vector<signed char>> seen;
  std::vector<typename Problem::state_type> xs;
  std::vector<double> ts;
  for (double t : cand) {
    models::LimbInputs in;
    prob.system.inputs(t, in, n_seg);
    std::vector<signed char> key{sign(in.whole_body_intensity)};
    for (int i = 0; i < n_seg; ++i) {
      const auto& s = in.segment[static_cast<std::size_t>(i)];
      for (double v : {s.applied_pressure_mmHg, s.exercise_intensity, s.height_above_heart_cm, s.massage_drive,
                       s.circumferential_pressure_mmHg, s.arterial_lactate_mmol_per_L, s.arterial_pressure_mmHg,
                       s.central_venous_pressure_mmHg, s.whole_body_exercise, s.contraction_pressure_mmHg,
                       s.muscle_flow_multiplier - 1.0})
        key.push_back(sign(v));
    }
    bool dup = false;
    for (const auto& k : seen) dup = dup || k == key;
    if (dup) continue;
    seen.push_back(std::move(key));
    xs.push_back(prob.x0);
    ts.push_back(t);
  }
  return detect_jacobian_pattern(prob.system, xs, ts, n_perturbed, spread);
}

/// `limb_jacobian_pattern(prob)` for the steppers that use one (`stepper_uses_jacobian`), else null.
template <class Problem>
std::shared_ptr<const SparsityPattern> stepper_jacobian_pattern(std::string_view name, const Problem& prob) {
  if (!stepper_uses_jacobian(name)) return nullptr;
  return std::make_shared<const SparsityPattern>(limb_jacobian_pattern(prob));
}

/// Calls f(stepper) with the stepper `name` configured for a limb; the Rosenbrock steppers and Bdf
/// colour their Jacobian by `pattern` when one is given (`stepper_jacobian_pattern`), with the guard on.
template <class Limb, class F>
decltype(auto) with_stepper(std::string_view name, const Limb& limb, F&& f,
                            std::shared_ptr<const SparsityPattern> pattern = nullptr) {
  check_stepper_name(name);
  if (name == "bdf") {
    Bdf st = limb_bdf(limb);
    st.jacobian_pattern = std::move(pattern);
    return f(st);
  }
  if (stepper_uses_jacobian(name)) {
    Rodas4 st = limb_rodas4(limb, false, name == "rodas4p2" ? rodas4p2_tableau : rodas4_tableau);
    st.jacobian_pattern = std::move(pattern);
    return f(st);
  }
  if (name == "dopri5") return f(Dopri5{});
  if (name == "dop853") return f(Dop853{});
  return f(Fehlberg78{});
}

}  // namespace massagesim::simulation
