// The rest-state searches (segment and limb: Newton and pseudo-transient continuation with AD
// Jacobians, the resting O2 balance, continuation and relaxation), compiled once here. Defined inline in
// their headers they were instantiated in every file that included one: ~10-16 s of compile per file at
// -O3, in ~30 files of the tests, benchmarks and bindings. Their declarations and documentation stay in
// segment_problem.hpp, limb_problem.hpp, rest_o2.hpp, rest_continuation.hpp and rest_relaxation.hpp.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/rest_continuation.hpp"
#include "massagesim/simulation/rest_o2.hpp"
#include "massagesim/simulation/rest_relaxation.hpp"
#include "massagesim/simulation/segment_problem.hpp"

namespace massagesim::models {

namespace {

/// The default calf's resting state with its volumes scaled to a segment of `tissue_mass_g`: the fallback
/// guess of both limb searches (the calf's own search runs once per process).
Segment::State scaled_calf_rest_state(double tissue_mass_g) {
  static const Segment::State calf = rest_state(Segment(default_calf_params()));
  Segment::State xs = calf;
  const double f = tissue_mass_g / default_calf_params().tissue_mass_g;
  for (int k : segment_volume_states) xs[k] *= f;
  return xs;
}

/// The lactate pool's states at ~1 mmol/L, where the limb has a pool.
void guess_lactate_pool(const Limb& limb, Limb::State& x) {
  if (!limb.params().lactate_pool) return;
  x[limb.pool_offset() + kWbBlood] = 1.0;
  x[limb.pool_offset() + kWbMuscle + kLactateCell] = 1.2;
  x[limb.pool_offset() + kWbMuscle + kLactateIsf] = 1.05;
  x[limb.pool_offset() + kWbMuscle + kLactateCap] = 1.0;
}

/// The positivity check of a rest search: every segment's volume states > 0, read through `index(i, k)` (segment
/// i's state k in the layout the search iterates in: core, reduced or a lone segment's).
template <class Index>
auto volumes_positive(int n_segments, Index index) {
  return [n_segments, index](const auto& x) {
    for (int i = 0; i < n_segments; ++i)
      for (int k : segment_volume_states)
        if (!(x[index(i, k)] > 0.0)) return false;
    return true;
  };
}

}  // namespace

Limb::State detail::RestSearch::from(const Limb::State& guess, double* residual_out) const {
  const auto positive = volumes_positive(n_segments, [](int i, int k) { return i * LimbCoreSystem::core_n + k; });
  const auto res = rest_steady_state(sys, sys.to_core(guess), opt, positive);
  if (residual_out) *residual_out = res.residual_norm;
  return sys.from_core(res.x);
}

Segment::State rest_state(const Segment& seg, const SegmentInputs* in, double* residual_out,
                          const std::atomic<bool>* cancel) {
  const SegmentInputs inputs = in ? *in : seg.rest_inputs();
  SegmentCoreSystem sys{seg, inputs};
  SteadyStateOptions opt = rest_state_options();
  opt.cancel = cancel;
  const auto names = SegmentLayout::state_names();
  opt.state_names.assign(names.begin(), names.begin() + SegmentCoreSystem::n);
  const SegmentCoreSystem::State guess = seg.initial_guess().head<SegmentCoreSystem::n>();
  const auto res = rest_steady_state(sys, guess, opt, volumes_positive(1, [](int, int k) { return k; }));
  if (residual_out) *residual_out = res.residual_norm;
  Segment::State x = Segment::State::Zero();
  x.head<SegmentCoreSystem::n>() = res.x;
  return x;
}

Limb::State limb_initial_guess(const Limb& limb, const LimbInputs* in, const std::atomic<bool>* cancel) {
  const LimbInputs inputs = in ? *in : limb.rest_inputs();
  Limb::State x = Limb::State::Zero(limb.n_states());
  for (int i = 0; i < limb.n_segments(); ++i) {
    const auto& pi = limb.params().segments[static_cast<std::size_t>(i)];
    SegmentInputs ri = inputs.segment[static_cast<std::size_t>(i)];
    ri.arterial_pressure_mmHg = limb.params().mean_arterial_pressure_mmHg;  // the pressures it will see in the limb
    ri.central_venous_pressure_mmHg = limb.params().central_venous_pressure_mmHg;
    int same = -1;
    for (int j = 0; j < i && same < 0; ++j) {
      const SegmentInputs& rj = inputs.segment[static_cast<std::size_t>(j)];
      if (std::memcmp(&limb.params().segments[static_cast<std::size_t>(j)], &pi, sizeof(SegmentParams)) == 0 &&
          rj.height_above_heart_cm == ri.height_above_heart_cm &&
          rj.applied_pressure_mmHg == ri.applied_pressure_mmHg && rj.exercise_intensity == ri.exercise_intensity &&
          rj.whole_body_exercise == ri.whole_body_exercise && rj.massage_drive == ri.massage_drive)
        same = j;
    }
    if (same >= 0) {
      x.segment(Limb::offset(i), Limb::seg_n) = x.segment(Limb::offset(same), Limb::seg_n);
      continue;
    }
    Segment::State xs;
    try {
      xs = rest_state(limb.segment(i), &ri, nullptr, cancel);
    } catch (const SolverError&) {
      xs = scaled_calf_rest_state(pi.tissue_mass_g);
    }
    x.segment(Limb::offset(i), Limb::seg_n) = xs;
  }
  guess_lactate_pool(limb, x);
  return x;
}

Limb::State limb_rest_state_from(const std::shared_ptr<const Limb>& limb, const LimbInputs* in,
                                 const Limb::State& guess, double* residual_out, const std::atomic<bool>* cancel) {
  return detail::RestSearch(limb, in, cancel).from(guess, residual_out);
}

Limb::State limb_rest_state(const std::shared_ptr<const Limb>& limb, const LimbInputs* in, double* residual_out,
                            const std::atomic<bool>* cancel, const std::function<Limb::State()>& second_guess) {
  const detail::RestSearch search(limb, in, cancel);
  const int N = limb->n_segments();
  std::string why;
  try {
    return search.from(limb_initial_guess(*limb, &search.sys.inputs, cancel), residual_out);
  } catch (const SolverError& e) {
    why = e.what();
  }
  if (second_guess) {
    // A limb whose segments must build an O2 debt to dilate: from a state where every segment's supply
    // exceeds its demand, the debts relax to their resting values.
    const Limb::State x2 = second_guess();
    if (x2.size() == limb->n_states()) {
      try {
        return search.from(x2, residual_out);
      } catch (const SolverError& e) {
        why += std::string(" From the second guess: ") + e.what();
      }
    }
  }
  std::string heights, masses;
  for (int i = 0; i < N; ++i) {
    heights += (i ? ", " : "") +
               massagesim::detail::concat(search.sys.inputs.segment[static_cast<std::size_t>(i)].height_above_heart_cm);
    masses += (i ? ", " : "") +
              massagesim::detail::concat(limb->params().segments[static_cast<std::size_t>(i)].tissue_mass_g);
  }
  throw NewtonFailure(
      massagesim::detail::concat("resting state of the limb not found (", N, " segments '", limb->segment_name(0),
                                 "'...'", limb->segment_name(N - 1), "', heights above the heart [", heights,
                                 "] cm, tissue masses [", masses, "] g): ", why,
                                 " Check the parameter overrides (the named state's module), the posture and "
                                 "the segment lengths; values near the ends of their ranges combine worst."),
      0.0, 0.0, "");
}

RestO2Balance limb_rest_o2_balance(const Limb& limb, const LimbInputs* in, const std::atomic<bool>* cancel) {
  LimbParams lp = limb.params();
  const int N = limb.n_segments();
  std::vector<double> d50(static_cast<std::size_t>(N)), mass(static_cast<std::size_t>(N));
  RestO2Balance out;
  for (int i = 0; i < N; ++i) {
    const auto k = static_cast<std::size_t>(i);
    ParameterRegistry reg(lp.segments[k]);
    reg.set("glycolytic_deficit_fraction", 0.0, true);  // the pinned deficit drives no glycolysis
    d50[k] = reg.get("vasodilator_half_debt_mL_per_kg");
    SegmentParams derived = lp.segments[k];
    MetabolitesModule::derive(derived);  // the muscle part of the segment's tissue
    mass[k] = derived.muscle_mass_kg;
    RestO2Segment s;
    s.name = limb.segment_name(i);
    s.muscle_mass_kg = mass[k];
    s.height_above_heart_cm = (in ? *in : limb.rest_inputs()).segment[k].height_above_heart_cm;
    s.vo2_rest_mL_per_min_per_kg = reg.get("vo2_rest_mL_per_min_per_kg");
    s.o2_extraction_max = reg.get("o2_extraction_max");
    s.arterial_o2_content_mL_per_L = reg.get("arterial_o2_content_mL_per_L");
    s.demand_mL_per_min = std::numeric_limits<double>::infinity();  // no grid point yet
    out.segments.push_back(s);
  }
  auto pinned = std::make_shared<const Limb>(lp);
  detail::PinnedDebtSystem sys{LimbCoreSystem{pinned, in ? *in : limb.rest_inputs()},
                               std::vector<double>(static_cast<std::size_t>(N), 0.0)};

  // Guess: the default calf's rest state scaled to each segment's mass (cheap; the search is robust);
  // each grid point then starts from the last one's solution.
  Limb::State guess = Limb::State::Zero(limb.n_states());
  for (int i = 0; i < N; ++i)
    guess.segment(Limb::offset(i), Limb::seg_n) =
        scaled_calf_rest_state(lp.segments[static_cast<std::size_t>(i)].tissue_mass_g);
  guess_lactate_pool(limb, guess);
  Eigen::VectorXd z = sys.reduce(sys.core.to_core(guess));
  SteadyStateOptions opt = rest_state_options();
  opt.cancel = cancel;
  use_limb_structure(opt, LimbCoreSystem::core_n - 1, N, limb.n_pool_states());  // the debts are pinned
  // The volumes read in the reduced state itself (no debt is a volume): no expansion per Newton iterate.
  static_assert(
      std::ranges::none_of(segment_volume_states, [](int k) { return k == detail::PinnedDebtSystem::k_debt; }));
  const auto positive = volumes_positive(N, [](int i, int k) { return detail::PinnedDebtSystem::reduced_index(i, k); });
  std::vector<double> grid{0.0};  // per-kg debt / d50
  for (int k = -6; k <= 10; ++k) grid.push_back(std::ldexp(1.0, k));
  grid.push_back(1e6);  // full dilation (signal within 1e-6 of vasodilator_max)
  static const int i_q = Segment::output_index("arteriolar_flow_mL_per_min");
  static const int i_dem = Segment::output_index("o2_demand_mL_per_min");
  static const int i_sig = Segment::output_index("vasodilator_signal");
  out.n_grid = static_cast<int>(grid.size());
  Limb::State first;  // each segment's block at its first feasible grid debt
  for (double r : grid) {
    for (int i = 0; i < N; ++i)
      sys.debt_mL[static_cast<std::size_t>(i)] =
          r * d50[static_cast<std::size_t>(i)] * mass[static_cast<std::size_t>(i)];
    try {
      z = rest_steady_state(sys, z, opt, positive).x;
    } catch (const SolverError& e) {
      out.why_unsolved = e.what();
      continue;
    }
    ++out.n_solved;
    const Limb::State x = sys.core.from_core(sys.expand(z));
    const Eigen::MatrixXd o = pinned->outputs(x, sys.core.inputs);
    bool all_ok = true;
    for (int i = 0; i < N; ++i) {
      RestO2Segment& s = out.segments[static_cast<std::size_t>(i)];
      const double cap = s.o2_extraction_max * s.arterial_o2_content_mL_per_L * o(i, i_q) * 1e-3;
      if (!std::isfinite(s.demand_mL_per_min) || cap - o(i, i_dem) > s.margin_mL_per_min()) {
        s.debt_mL_per_kg = r * d50[static_cast<std::size_t>(i)];
        s.vasodilator_signal = o(i, i_sig);
        s.demand_mL_per_min = o(i, i_dem);
        s.flow_mL_per_min = o(i, i_q);
        s.deliverable_mL_per_min = cap;
      }
      if (!s.feasible && s.margin_mL_per_min() > 0.0) {  // the first debt where supply meets demand
        s.feasible = true;
        if (first.size() == 0) first = Limb::State::Zero(limb.n_states());
        first.segment(Limb::offset(i), Limb::seg_n) = x.segment(Limb::offset(i), Limb::seg_n);
      }
      all_ok = all_ok && s.feasible;
    }
    if (all_ok) {
      out.feasible_state = first;
      out.feasible_state.tail(limb.n_pool_states()) = x.tail(limb.n_pool_states());
      break;
    }
  }
  // A grid debt whose pinned state is not found is skipped (a state of the path the search cannot
  // reach); a verdict needs most of the path.
  out.solved = out.feasible_state.size() > 0 || 3 * out.n_solved >= out.n_grid;  // (all feasible: stopped early)
  return out;
}

Limb::State limb_rest_state_by_continuation(const LimbParams& start, const LimbInputs& in_start,
                                            const LimbParams& target, const LimbInputs& in_target,
                                            const std::atomic<bool>* cancel, RestContinuationStats* stats) {
  RestContinuationStats st;
  auto limb_at = [&](double s, LimbInputs& in) {
    auto limb = std::make_shared<const Limb>(interpolate_limb_params(start, target, s));
    in = in_target;
    for (std::size_t i = 0; i < in.segment.size(); ++i)
      in.segment[i].height_above_heart_cm =
          in_start.segment[i].height_above_heart_cm +
          s * (in_target.segment[i].height_above_heart_cm - in_start.segment[i].height_above_heart_cm);
    return limb;
  };
  LimbInputs in = in_start;
  Limb::State x = limb_rest_state(std::make_shared<const Limb>(start), &in_start, nullptr, cancel);
  st.last_state = x;
  double s = 0.0, h = 0.25;
  std::string last;
  constexpr double h_min = 1.0 / 4096.0;
  while (s < 1.0) {
    const double next = std::min(1.0, s + h);
    const auto limb = limb_at(next, in);
    try {
      x = limb_rest_state_from(limb, &in, x, nullptr, cancel);
      s = next;
      ++st.steps;
      st.last_state = x;
      h = std::min(2.0 * h, 0.5);
    } catch (const SolverError& e) {
      ++st.rejected;
      last = e.what();
      h *= 0.25;
      if (h < h_min) {
        st.reached = s;
        if (stats) *stats = st;
        throw NewtonFailure(massagesim::detail::concat("continuation from the preset's parameters stopped at ", s,
                                                       " of the way to the requested ones (", st.steps,
                                                       " steps; the next step failed: ", last, ")"),
                            0.0, 0.0, "");
      }
    }
  }
  st.reached = 1.0;
  if (stats) *stats = st;
  return x;
}

RestRelaxation relax_limb_at_rest(const std::shared_ptr<const Limb>& limb, const LimbInputs& in, const Limb::State& x0,
                                  double t_max_s, const std::atomic<bool>* cancel, const RestRelaxationRules& rules) {
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

}  // namespace massagesim::models
