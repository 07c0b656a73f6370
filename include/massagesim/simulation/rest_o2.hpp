#pragma once
/// \file rest_o2.hpp
/// \brief The resting O2 rule: a limb has a resting state only if every segment's blood flow can
///        deliver its resting O2 demand. Checked when the resting-state search fails, so that a parameter
///        set without a rest state is refused with the numbers instead of a solver failure.
///
/// At rest the O2 debt D of a segment (metabolites.hpp) obeys dD/dt = demand − VO2 with
/// VO2 = smin(demand + D/τ, E_max CaO2 Q): it settles only at a debt where the supply-limited uptake
/// E_max CaO2 Q reaches the demand. Both depend on the debt: it dilates the bed (vasodilator signal
/// x_max d^n/(d^n + d50^n), d = D/m, up to `vasodilator_max`), and it hurts (pain_drive from d), pain
/// drives spasm, and spasm costs O2 (vo2_per_activation) and squeezes the vessels (intramuscular
/// pressure). From D = 0 the debt grows until the first debt where supply meets demand; when there is
/// none, it grows without bound: no resting state exists.
///
/// The rule evaluates supply and demand exactly along that path: at each per-kg debt d of a grid
/// (0, then d50·2^k for k = −6 … 10, then 10⁶·d50: full dilation), a steady state of the limb with
/// every segment's debt pinned at m·d (every other state free: the posture's heights, the limb's
/// venous coupling, myogenic tone, interstitium, spasm at their steady values; glycolysis not driven
/// by the pinned deficit, as at the rest state, where the deficit is 0) gives each segment's demand
/// and E_max CaO2 Q. A segment with demand ≥ supply at every grid debt has no resting state. Pinning
/// every segment at the same per-kg debt and sampling d on a grid are the two approximations; a
/// refusal needs at least 1/3 of the grid points solved (the others are skipped). tests/python/test_hardening_rest.py
/// checks, on every set the rule refuses, that the rest-state search indeed fails without it.

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/steady_state.hpp"

namespace massagesim::models {

// The searches declared here are defined in src/rest_searches.cpp (massagesim::runtime): compiled once,
// not in every file that includes this header.

/// One segment's resting O2 balance at the grid debt where supply exceeds demand most (or falls
/// short least).
struct RestO2Segment {
  std::string name;
  double muscle_mass_kg = 0.0;
  double height_above_heart_cm = 0.0;
  double vo2_rest_mL_per_min_per_kg = 0.0;
  double debt_mL_per_kg = 0.0;                ///< the pinned debt d
  double vasodilator_signal = 0.0;            ///< at d (vasodilator_max at full dilation)
  double demand_mL_per_min = 0.0;             ///< m·vo2_rest + the O2 cost of pain-driven tone at d
  double flow_mL_per_min = 0.0;               ///< arteriolar flow at d
  double o2_extraction_max = 0.0;             ///< E_max
  double arterial_o2_content_mL_per_L = 0.0;  ///< CaO2
  double deliverable_mL_per_min = 0.0;        ///< E_max · CaO2 · flow
  bool feasible = false;                      ///< deliverable > demand at some grid debt
  double margin_mL_per_min() const { return deliverable_mL_per_min - demand_mL_per_min; }
};

/// The resting O2 balance of every segment (distal first); `solved` is false when a pinned steady
/// state could not be found (then nothing is refused).
struct RestO2Balance {
  bool solved = false;       ///< enough grid debts solved to judge (at least 1/3 of them)
  int n_grid = 0;            ///< grid debts tried
  int n_solved = 0;          ///< of which the pinned steady state was found
  std::string why_unsolved;  ///< the last pinned search that failed
  std::vector<RestO2Segment> segments;
  /// Each segment's pinned steady state at the first grid debt where its supply exceeded its demand
  /// (empty if a segment never did): from there the debts relax to their resting values, a guess for
  /// the rest-state search when the usual one fails.
  Limb::State feasible_state;
};

namespace detail {

/// The limb's core system with every segment's O2 debt pinned (removed from the unknowns).
struct PinnedDebtSystem {
  LimbCoreSystem core;
  std::vector<double> debt_mL;  ///< per segment
  static constexpr int k_debt = SegmentLayout::metabolites + kO2Debt;
  int n() const { return core.n() - core.limb->n_segments(); }
  // Core index of reduced index j: the debt entries are skipped.
  int core_index(int j) const {
    const int per = LimbCoreSystem::core_n - 1, N = core.limb->n_segments();
    if (j >= N * per) return j + N;  // pool states
    const int i = j / per, r = j % per;
    return i * LimbCoreSystem::core_n + (r >= k_debt ? r + 1 : r);
  }
  /// Reduced index of segment i's core entry k (k != k_debt): the inverse of `core_index`.
  static int reduced_index(int i, int k) { return i * (LimbCoreSystem::core_n - 1) + (k > k_debt ? k - 1 : k); }
  template <class Vec>
  void operator()(const Vec& z, Vec& dz, double t) const {
    thread_local Vec x, dx;  // per-thread scratch of the core state, as in `LimbCoreSystem`
    expand(z, x);
    core(x, dx, t);
    reduce(dx, dz);
  }
  /// The pool rows' segment columns: the core system's (`LimbCoreSystem::border_rows_jacobian`) without
  /// the pinned debts' columns.
  void border_rows_jacobian(const Eigen::VectorXd& z, double t, Eigen::MatrixXd& bottom) const {
    Eigen::MatrixXd full;
    core.border_rows_jacobian(expand(z), t, full);
    const int nb = n() - core.limb->n_pool_states();
    bottom.resize(full.rows(), nb);
    for (int j = 0; j < nb; ++j) bottom.col(j) = full.col(core_index(j));
  }
  /// The reduced state of core state `c` (the pinned debts left out), in `z`'s scalar.
  template <class CVec, class ZVec>
  void reduce(const CVec& c, ZVec& z) const {
    z.resize(n());
    for (int j = 0; j < n(); ++j) z[j] = c[core_index(j)];
  }
  Eigen::VectorXd reduce(const Eigen::VectorXd& c) const {
    Eigen::VectorXd z;
    reduce(c, z);
    return z;
  }
  /// The core state of reduced state `z` (the pinned debts put back) in `c`'s scalar.
  template <class ZVec, class CVec>
  void expand(const ZVec& z, CVec& c) const {
    using S = typename CVec::Scalar;
    c.resize(core.n());
    for (int i = 0; i < core.limb->n_segments(); ++i)
      c[i * LimbCoreSystem::core_n + k_debt] = S(debt_mL[static_cast<std::size_t>(i)]);
    for (int j = 0; j < n(); ++j) c[core_index(j)] = z[j];
  }
  Eigen::VectorXd expand(const Eigen::VectorXd& z) const {
    Eigen::VectorXd c;
    expand(z, c);
    return c;
  }
};

}  // namespace detail

/// Every segment's resting O2 supply and demand along the debt path (see the file comment), under
/// `in` (default: the limb's rest inputs). Stops at the first grid debt where every segment has had
/// supply above demand (for most sets: d = 0, one steady state). \throws Cancelled when `cancel` is set
RestO2Balance limb_rest_o2_balance(const Limb& limb, const LimbInputs* in = nullptr,
                                   const std::atomic<bool>* cancel = nullptr);

/// The end of every "no resting state" refusal (this rule's and the day at rest's, rest_relaxation.hpp): what
/// else, besides a lower resting demand, would give the segment a resting state.
inline constexpr const char* rest_o2_other_remedies =
    ", or more resting flow when dilated (vasodilator_max, arteriolar_conductance_mL_per_min_per_mmHg_per_100g, "
    "feed_conductance_mL_per_min_per_mmHg_per_100g, capillary_venous_conductance_mL_per_min_per_mmHg_per_100g, "
    "mean arterial pressure, a lower limb position), more O2 per mL of flow (o2_extraction_max, "
    "arterial_o2_content_mL_per_L), or less pain-driven tone (pain_spasm_gain, "
    "vo2_per_activation_mL_per_min_per_kg, pain_debt_scale_mL_per_kg). See docs/models.md (cross-parameter rule: "
    "resting O2 supply).";

/// Throws the rule's refusal (as `check_rest_o2`) when `b` was solved and a segment is infeasible.
inline void refuse_without_rest_o2(const RestO2Balance& b) {
  if (!b.solved) return;
  for (const auto& s : b.segments) {
    if (s.feasible) continue;
    const double tone = s.demand_mL_per_min - s.muscle_mass_kg * s.vo2_rest_mL_per_min_per_kg;
    const double allowed = (s.deliverable_mL_per_min - tone) / s.muscle_mass_kg;
    throw InvalidArgument(massagesim::detail::concat(
        "parameters: segment '", s.name, "' (", s.muscle_mass_kg, " kg, ", s.height_above_heart_cm,
        " cm above the heart) has no resting state: its resting O2 demand exceeds the O2 its blood flow can "
        "deliver at every level of metabolic dilation, so its O2 debt would grow without bound. Closest "
        "(O2 debt ",
        s.debt_mL_per_kg, " mL/kg, vasodilator signal ", s.vasodilator_signal, "): demand ", s.demand_mL_per_min,
        " mL/min (vo2_rest_mL_per_min_per_kg ", s.vo2_rest_mL_per_min_per_kg, " x ", s.muscle_mass_kg,
        " kg = ", s.muscle_mass_kg * s.vo2_rest_mL_per_min_per_kg, " mL/min, plus ", tone,
        " mL/min for pain-driven tone), deliverable o2_extraction_max ", s.o2_extraction_max,
        " x arterial_o2_content_mL_per_L ", s.arterial_o2_content_mL_per_L, " x flow ", s.flow_mL_per_min * 1e-3,
        " L/min = ", s.deliverable_mL_per_min, " mL/min. Allowed: ",
        allowed > 0.0 ? massagesim::detail::concat("vo2_rest_mL_per_min_per_kg < ", allowed, " with these other values")
                      : std::string("no vo2_rest_mL_per_min_per_kg would do (the tone cost alone exceeds the supply)"),
        rest_o2_other_remedies));
  }
}

/// The resting O2 rule: refuses (InvalidArgument) a limb with a segment whose resting O2 demand
/// exceeds what its flow can deliver at full metabolic dilation (no resting state exists), with the
/// numbers and what would be allowed. Does nothing when the balance could not be computed.
/// \return the balance (its `feasible_state` is a second guess for `limb_rest_state`)
inline RestO2Balance check_rest_o2(const Limb& limb, const LimbInputs* in = nullptr,
                                   const std::atomic<bool>* cancel = nullptr) {
  RestO2Balance b = limb_rest_o2_balance(limb, in, cancel);
  refuse_without_rest_o2(b);
  return b;
}

}  // namespace massagesim::models
