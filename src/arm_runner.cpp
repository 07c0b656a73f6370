/// \file arm_runner.cpp
/// \brief One arm of a scenario (detail/arm_runner.hpp): limb and rest state, options, output
///        columns, the integration, and the sampled columns and metric series.
///
/// Output naming: per-segment quantities are "<segment>.<quantity>" (e.g.
/// "proximal_calf.venous_outflow_mL_per_min"); limb-level ones are bare ("blood_lactate_mmol_per_L",
/// "central_venous_return_mL_per_min"). A bare per-segment quantity in a request expands to every
/// segment, distal first (so the default scenario's "arterial_inflow_mL_per_min" gives 4 columns).

#include "detail/arm_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/rest_continuation.hpp"
#include "massagesim/simulation/rest_o2.hpp"
#include "massagesim/simulation/rest_relaxation.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/solver/solve.hpp"

namespace massagesim::simulation::detail {

namespace {

namespace mm = massagesim::models;
namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;
using massagesim::detail::concat;

/// Limb-level catalogue entries this limb has (a module's only when it is enabled).
bool limb_has(const mm::Limb& limb, const mm::OutputRecord& r) {
  return r.level != "limb" || limb.has_limb_output(r.index);
}

template <class Stepper>
auto solve_arm(const BuiltLimb& b, std::shared_ptr<const mp::Schedule> sched, const Stepper& st, const Resolved& r,
               const std::vector<double>& ts, bool throw_on_failure, const mm::Limb::State& x0, double t0_s) {
  auto prob = mm::make_limb_problem(b.limb, std::move(sched), x0, t0_s, ts.back(), /*exact_pool_jacobian=*/true);
  StepControl ctl;
  ctl.rtol = r.rtol;
  ctl.atol = r.atol;
  ctl.dt_max_s = r.dt_max_s;
  ctl.throw_on_failure = throw_on_failure;
  ctl.cancel = r.cancel;
  return solve(prob, st, ctl, SaveAt{.ts_s = ts});
}

/// Sample grid of a run of duration T: outputs every save_every_s (and the end) in `out_t`; in `ts` the
/// metrics' 1-s grid merged with them and with the window edges.
void sample_times(double T, const Resolved& r, const Windows& w, std::vector<double>& out_t, std::vector<double>& ts) {
  out_t.clear();
  for (double t = 0.0; t <= T * (1.0 + 1e-12); t = out_t.size() * r.save_every_s) out_t.push_back(std::min(t, T));
  if (out_t.back() < T) out_t.push_back(T);
  ts = out_t;
  for (double t = 1.0; t < T; t += 1.0) ts.push_back(t);
  for (double e : {w.massage_start, w.massage_end, w.exercise_end})
    if (std::isfinite(e) && e > 0.0 && e < T) ts.push_back(e);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end(), [](double a, double c) { return std::abs(a - c) < 1e-9; }), ts.end());
}

void add_stats(Stats& a, const Stats& o) {
  a.n_steps += o.n_steps;
  a.n_rejected += o.n_rejected;
  a.n_rhs += o.n_rhs;
  a.n_jac += o.n_jac;
  a.n_lu += o.n_lu;
  a.n_linear_solves += o.n_linear_solves;
  a.n_breakpoints += o.n_breakpoints;
  a.n_pattern_checks += o.n_pattern_checks;
  a.n_pattern_widenings += o.n_pattern_widenings;
  a.n_lu_pivot_fallbacks += o.n_lu_pivot_fallbacks;
}

/// True when `a` and `b` give every segment the same inputs at every breakpoint of either and every 0.25 s
/// of [0, t_end_s) (the prefix's solution is then the arm's).
bool same_inputs_before(const mp::Schedule& a, const mp::Schedule& b, int n_segments, double t_end_s) {
  std::vector<double> ts, bb;
  a.breakpoints(0.0, t_end_s, ts);
  b.breakpoints(0.0, t_end_s, bb);
  ts.insert(ts.end(), bb.begin(), bb.end());
  for (double t = 0.0; t < t_end_s; t += 0.25) ts.push_back(t);
  for (double t : ts) {
    if (!(t < t_end_s)) continue;
    for (double tt : {t, std::nextafter(t, -1.0)}) {
      if (tt < 0.0) continue;
      if (a.whole_body_intensity(tt) != b.whole_body_intensity(tt)) return false;
      for (int i = 0; i < n_segments; ++i)
        if (a.inputs(tt, i) != b.inputs(tt, i)) return false;
    }
  }
  return true;
}

}  // namespace

double shared_prefix_end_s(const msc::Scenario& sc, const std::vector<const msc::Arm*>& arms) {
  if (arms.size() < 2) return 0.0;
  double t = 0.0;
  for (const auto& ph : sc.protocol) {
    for (const msc::Arm* a : arms)
      if (std::find(a->replace_kinds.begin(), a->replace_kinds.end(), ph.kind) != a->replace_kinds.end()) return t;
    t += ph.duration_s;
  }
  return 0.0;  // no arm replaces anything: the arms are one run each (nothing to part from)
}

SharedPrefix run_shared_prefix(const BuiltLimb& b, std::shared_ptr<const mp::Schedule> written, const Resolved& r,
                               const Windows& w, double t_end_s, const SimulationOptions& opt) {
  SharedPrefix p;
  p.schedule = written;
  p.t_end_s = t_end_s;
  std::vector<double> out_t, ts, tp;
  sample_times(written->duration_s(), r, w, out_t, ts);
  for (double t : ts)
    if (t < t_end_s - 1e-9) tp.push_back(t);
  tp.push_back(t_end_s);
  const auto t_start = std::chrono::steady_clock::now();
  const auto pattern = stepper_jacobian_pattern(
      r.stepper,
      mm::make_limb_problem(b.limb, written, b.rest, 0.0, written->duration_s(), /*exact_pool_jacobian=*/true));
  p.sol = with_stepper(
      r.stepper, *b.limb,
      [&](const auto& st) { return solve_arm(b, written, st, r, tp, opt.throw_on_failure, b.rest, 0.0); }, pattern);
  p.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return p;
}

namespace {
std::vector<mm::ParameterValue> option_overrides(const SimulationOptions& opt) {
  std::vector<mm::ParameterValue> extra;
  for (const auto& [n, v] : opt.parameter_overrides) extra.push_back({n, v, false});
  return extra;
}
}  // namespace

mm::LimbParams run_limb_params(const msc::Scenario& sc, const SimulationOptions& opt) {
  return msc::scenario_limb_params(sc, option_overrides(opt));
}

RunSetup setup_run(const msc::Scenario& sc, const SimulationOptions& opt) {
  mm::LimbParams params = run_limb_params(sc, opt);
  const msc::LactateThresholds lt = msc::scenario_lactate_thresholds(params);
  mp::Schedule written = msc::build_schedule(sc, &lt);
  BuiltLimb b = build_limb(sc, std::move(params), opt, written);
  return RunSetup{lt, std::move(written), std::move(b)};
}

std::shared_ptr<const mp::Schedule> arm_schedule(const msc::Scenario& sc, const msc::Arm* arm,
                                                 const msc::LactateThresholds& lt) {
  return std::make_shared<const mp::Schedule>(arm ? msc::build_schedule(sc, *arm, &lt) : msc::build_schedule(sc, &lt));
}

BuiltLimb build_limb(const msc::Scenario& sc, mm::LimbParams params, const SimulationOptions& opt,
                     const mp::Schedule& any_schedule) {
  auto limb = std::make_shared<const mm::Limb>(std::move(params));
  // Rest in the initial posture (the schedule's heights before t = 0).
  mm::LimbInputs rest = limb->rest_inputs();
  for (int i = 0; i < limb->n_segments(); ++i)
    rest.segment[static_cast<std::size_t>(i)].height_above_heart_cm =
        any_schedule.inputs(-1.0, i).height_above_heart_cm;
  // The resting O2 balance (rest_o2.hpp) is computed only when the search from the usual guess fails (it
  // costs as much as the search): its dilated state is the second guess, and its numbers make the message
  // when the relaxation below finds no resting state. It does not refuse by itself: its approximations
  // also reject sets that have one (issue 17). MASSAGESIM_REST_O2_CHECK=0 skips it. Ctrl-C stops every route.
  mm::RestO2Balance o2;
  std::function<mm::Limb::State()> second_guess;
  if (const char* e = std::getenv("MASSAGESIM_REST_O2_CHECK"); !(e && std::string_view(e) == "0"))
    second_guess = [&] {
      o2 = mm::limb_rest_o2_balance(*limb, &rest, opt.cancel.get());
      return o2.feasible_state;
    };
  try {
    return BuiltLimb{limb, mm::limb_rest_state(limb, &rest, nullptr, opt.cancel.get(), second_guess)};
  } catch (const massagesim::NewtonFailure& e) {
    // Next route: continuation from the same limb with the preset's parameters, supine (whose rest
    // state the search finds), along the path to the requested parameters and posture.
    msc::Scenario preset_only = sc;
    preset_only.parameters.clear();
    const mm::LimbParams start = msc::scenario_limb_params(preset_only, {});
    const mm::LimbInputs rest_supine = mm::Limb(start).rest_inputs();
    mm::RestContinuationStats st;
    std::string why = std::string(e.what()) + " Continuation: ";
    try {
      return BuiltLimb{
          limb, mm::limb_rest_state_by_continuation(start, rest_supine, limb->params(), rest, opt.cancel.get(), &st)};
    } catch (const massagesim::SolverError& e2) {
      why += e2.what();
    }
    // Last route, and the test that a resting state exists: the limb relaxes at rest from the nearest
    // resting state the continuation found. An O2 debt past its bound: no resting state, refused.
    const bool near = st.last_state.size() == limb->n_states();
    const mm::Limb::State x0 = near ? st.last_state : mm::limb_initial_guess(*limb, &rest, opt.cancel.get());
    const auto rx = mm::relax_limb_at_rest(limb, rest, x0, 24.0 * 3600.0, opt.cancel.get());
    if (rx.debt_out_segment >= 0) mm::refuse_without_rest_o2(o2);  // the rule's numbers, when it saw it too
    const std::string from =
        near ? concat("the resting state ", 100.0 * st.reached, " % of the way from the preset's parameters")
             : std::string("the generic initial guess");
    mm::check_rest_relaxation(*limb, rest, rx, from);
    if (rx.integrated) {
      try {
        return BuiltLimb{limb, mm::limb_rest_state_from(limb, &rest, rx.x, nullptr, opt.cancel.get())};
      } catch (const massagesim::SolverError&) {
        // Bounded after a day at rest but no steady state found (a degenerate one at a fold, approached
        // ever more slowly, or a sustained oscillation): the run starts where a day of rest leaves it.
        return BuiltLimb{limb, rx.x,
                         concat("started from the state after ", rx.t_s / 3600.0,
                                " h at rest (every state bounded; no steady state was found: ", why, ")")};
      }
    }
    throw massagesim::NewtonFailure(
        concat(why, " Relaxation at rest from ", from, " stopped at t = ", rx.t_s, " s: ", rx.failure), 0.0, 0.0, "");
  }
}

Resolved resolve(const msc::Scenario& sc, const SimulationOptions& o) {
  Resolved r{o.stepper.value_or(sc.solver.stepper),
             o.rtol.value_or(sc.solver.rtol),
             o.atol.value_or(sc.solver.atol),
             o.dt_max_s.value_or(sc.solver.dt_max_s),
             o.save_every_s.value_or(sc.outputs.save_every_s),
             o.outputs.value_or(sc.outputs.names)};
  r.cancel = o.cancel.get();
  check_stepper_name(r.stepper, "options.stepper");
  MASSAGESIM_CHECK(std::isfinite(r.rtol) && r.rtol > 0.0 && r.rtol < 1.0, "options.rtol: expected > 0 and < 1, got ",
                   r.rtol);
  MASSAGESIM_CHECK(std::isfinite(r.atol) && r.atol > 0.0, "options.atol: expected > 0 and finite, got ", r.atol);
  MASSAGESIM_CHECK(!std::isnan(r.dt_max_s) && r.dt_max_s > 0.0, "options.dt_max_s: expected > 0 s, got ", r.dt_max_s);
  MASSAGESIM_CHECK(std::isfinite(r.save_every_s) && r.save_every_s > 0.0,
                   "options.save_every_s: expected > 0 s and finite, got ", r.save_every_s);
  return r;
}

std::vector<Column> resolve_columns(const mm::Limb& limb, const std::vector<std::string>& requested) {
  const auto& cat = mm::output_catalogue();
  auto make = [&](int seg, const mm::OutputRecord& r) {
    return Column{seg < 0 ? std::string(r.name) : limb.segment_name(seg) + "." + std::string(r.name), seg, r.kind,
                  r.index};
  };
  std::vector<Column> cols;
  if (requested.empty()) {
    for (const auto& r : cat)
      if (r.level == "limb" && limb_has(limb, r)) cols.push_back(make(-1, r));
    for (int s = 0; s < limb.n_segments(); ++s)
      for (const auto& r : cat)
        if (r.level == "segment") cols.push_back(make(s, r));
    return cols;
  }
  for (const auto& q : requested) {
    if (const auto* r = mm::find_output(q); r && limb_has(limb, *r)) {
      if (r->level == "limb") {
        cols.push_back(make(-1, *r));
      } else {
        for (int s = 0; s < limb.n_segments(); ++s) cols.push_back(make(s, *r));
      }
      continue;
    }
    const auto dot = q.rfind('.');
    bool done = false;
    if (dot != std::string::npos) {
      const auto* r = mm::find_output(std::string_view(q).substr(dot + 1));
      for (int s = 0; r && r->level == "segment" && s < limb.n_segments() && !done; ++s)
        if (limb.segment_name(s) == q.substr(0, dot)) {
          cols.push_back(make(s, *r));
          done = true;
        }
    }
    if (!done)
      throw UnknownName(concat("outputs: unknown output '", q, "'; nearest: ", nearest_names(q, available_names(limb)),
                               " (see available_outputs)"));
  }
  return cols;
}

std::vector<std::string> available_names(const models::Limb& limb) {
  std::vector<std::string> out;
  for (const auto& n : mm::output_names(limb.params().segment_names)) {
    const auto* r = mm::find_output(n);
    if (!r || limb_has(limb, *r)) out.push_back(n);
  }
  return out;
}

ArmResult run_arm(const msc::Scenario& sc, const msc::Arm* arm, const RunSetup& setup, const Resolved& r,
                  const std::vector<Column>& cols, const Windows& w, const SimulationOptions& opt,
                  const SharedPrefix* prefix) {
  const BuiltLimb& b = setup.built;
  ArmResult res;
  res.arm = arm ? arm->name : std::string("protocol");
  const auto sched = arm_schedule(sc, arm, setup.thresholds);
  const double T = sched->duration_s();
  MASSAGESIM_CHECK(T > 0.0, "protocol: expected a duration > 0 s, got ", T);
  // Sample grid: outputs every save_every_s (and the end); metrics on a 1-s grid merged with it.
  std::vector<double> out_t, ts;
  sample_times(T, r, w, out_t, ts);

  const auto t_start = std::chrono::steady_clock::now();
  Solution<mm::Limb::State> sol;
  const auto& limb = *b.limb;
  // Continue from the shared prefix when there is one and this arm's inputs are the written ones before it.
  const bool from_prefix = prefix && prefix->sol.ok() && !prefix->sol.t_s.empty() &&
                           std::abs(prefix->sol.t_s.back() - prefix->t_end_s) < 1e-9 && prefix->t_end_s < T &&
                           same_inputs_before(*sched, *prefix->schedule, limb.n_segments(), prefix->t_end_s);
  const double t0 = from_prefix ? prefix->t_end_s : 0.0;
  std::vector<double> tt;  // this solve's save times
  if (from_prefix) tt.push_back(t0);
  for (double t : ts)
    if (t > t0 + 1e-9 || (!from_prefix && t >= t0)) tt.push_back(t);
  // The Rosenbrock steppers colour their Jacobian by the arm's pattern (rest state under every phase's
  // inputs; the stepper's guard widens it if the solve meets more nonzeros): inside the timed part.
  const auto pattern = stepper_jacobian_pattern(
      r.stepper, mm::make_limb_problem(b.limb, sched, b.rest, 0.0, ts.back(), /*exact_pool_jacobian=*/true));
  const mm::Limb::State& x0 = from_prefix ? prefix->sol.x_final : b.rest;
  sol = with_stepper(
      r.stepper, limb, [&](const auto& st) { return solve_arm(b, sched, st, r, tt, opt.throw_on_failure, x0, t0); },
      pattern);
  res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  if (from_prefix) {
    // The prefix's rows before t0, then this solve's (its first row, at t0, only if t0 is a sample time).
    const bool keep_t0 = std::any_of(ts.begin(), ts.end(), [&](double t) { return std::abs(t - t0) < 1e-9; });
    const auto& ps = prefix->sol;
    std::vector<Eigen::Index> rows_p, rows_s;
    for (Eigen::Index k = 0; k < ps.n_saved(); ++k)
      if (ps.t_s[static_cast<std::size_t>(k)] < t0 - 1e-9) rows_p.push_back(k);
    for (Eigen::Index k = keep_t0 ? 0 : 1; k < sol.n_saved(); ++k) rows_s.push_back(k);
    Solution<mm::Limb::State> merged;
    merged.x.resize(sol.x.rows(), static_cast<Eigen::Index>(rows_p.size() + rows_s.size()));
    Eigen::Index c = 0;
    for (Eigen::Index k : rows_p)
      merged.t_s.push_back(ps.t_s[static_cast<std::size_t>(k)]), merged.x.col(c++) = ps.x.col(k);
    for (Eigen::Index k : rows_s)
      merged.t_s.push_back(sol.t_s[static_cast<std::size_t>(k)]), merged.x.col(c++) = sol.x.col(k);
    merged.stats = ps.stats;
    add_stats(merged.stats, sol.stats);
    merged.status = sol.status;
    merged.message = sol.message;
    merged.events = sol.events;
    merged.t_final_s = sol.t_final_s;
    merged.x_final = sol.x_final;
    sol = std::move(merged);
    res.wall_time_s += prefix->wall_time_s;
  }
  res.stats = sol.stats;
  res.status = sol.status;
  res.message = b.note.empty() ? sol.message : sol.message.empty() ? b.note : sol.message + "; " + b.note;

  // Evaluate every sample: the metric series on the whole grid, the requested columns at output times.
  const int N = limb.n_segments();
  const std::size_t n = sol.t_s.size();
  ArmSeries ser;
  ser.resize(n);
  res.output_names.clear();
  for (const auto& c : cols) res.output_names.push_back(c.name);
  if (opt.keep_traces)
    res.values.resize(static_cast<Eigen::Index>(out_t.size()), static_cast<Eigen::Index>(cols.size()));
  static const int i_in = mm::Segment::output_index("arterial_inflow_mL_per_min");
  static const int i_st = mm::Segment::output_index("passive_stiffness_rel");
  static const int i_rg = mm::Segment::output_index("reflex_gain");
  mm::ScheduleLimbInputs src{sched};
  mm::LimbInputs in;
  std::size_t row = 0;
  double mass = 0.0;
  for (int s = 0; s < N; ++s) mass += limb.params().segments[static_cast<std::size_t>(s)].tissue_mass_g;
  for (std::size_t k = 0; k < n; ++k) {
    const double t = sol.t_s[k];
    const mm::Limb::State x = sol.x.col(static_cast<Eigen::Index>(k));
    src(t, in, N);
    mm::Limb::Flows fl;
    const Eigen::MatrixXd o = limb.outputs(x, in, &b.rest, &fl);
    ser.t_s[k] = t;
    ser.blood_lactate_mmol_per_L[k] =
        limb.params().lactate_pool ? x[limb.pool_offset()] : limb.params().fixed_arterial_lactate_mmol_per_L;
    ser.arterial_inflow_mL_per_min[k] = o.col(i_in).sum();
    ser.lactate_efflux_mmol_per_min[k] = fl.lactate_efflux_mmol_per_min;
    double lymph = 0.0;  // what every limb's most proximal segment has returned centrally
    double vv = 0.0, sf = 0.0, rg = 0.0;
    for (int s = 0; s < N; ++s) {
      if (limb.is_proximal_end(s))
        lymph += x[mm::Limb::offset(s) + mm::SegmentLayout::audit + mm::FluidAuditLayout::lymph_outflow];
      const double m = limb.params().segments[static_cast<std::size_t>(s)].tissue_mass_g / mass;
      vv += x[mm::Limb::offset(s) + mm::HemodynamicsLayout::venous_volume];
      sf += m * o(s, i_st);
      rg += m * o(s, i_rg);
    }
    ser.lymph_returned_mL[k] = lymph;
    ser.venous_volume_mL[k] = vv;
    ser.passive_stiffness_rel[k] = sf;
    ser.reflex_gain[k] = rg;
    if (!opt.keep_traces || row >= out_t.size() || std::abs(t - out_t[row]) > 1e-9) continue;
    const auto lo = limb.limb_outputs(x, fl, &b.rest);
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const Column& c = cols[j];
      double v = 0.0;
      switch (c.kind) {
        case mm::OutputKind::state:
          v = x[mm::Limb::offset(c.segment) + c.index];
          break;
        case mm::OutputKind::derived:
          v = o(c.segment, c.index);
          break;
        case mm::OutputKind::input:
          v = mm::segment_input_value(in.segment[static_cast<std::size_t>(c.segment)], c.index);
          break;
        case mm::OutputKind::limb:
          v = lo[static_cast<std::size_t>(c.index)];
          break;
      }
      res.values(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j)) = v;
    }
    ++row;
  }
  if (opt.keep_traces) {
    res.t_s.assign(out_t.begin(), out_t.begin() + static_cast<std::ptrdiff_t>(row));
    res.values.conservativeResize(static_cast<Eigen::Index>(row), Eigen::NoChange);
  }
  // Central lymph return at rest, for the lymph mobilised beyond it.
  {
    mm::Limb::Flows f0;
    mm::LimbInputs rin = limb.rest_inputs();
    src(-1.0, rin, N);
    (void)limb.outputs(b.rest, rin, nullptr, &f0);
    ser.rest_lymph_return_mL_per_s = f0.lymph_outflow_mL_per_min / 60.0;
  }
  res.metrics = compute_metrics(ser, w);
  return res;
}

const msc::Arm* find_arm(const msc::Scenario& sc, const std::string& name, const char* what) {
  if (name.empty()) return sc.arms.empty() ? nullptr : &sc.arms.front();
  const auto it = std::find_if(sc.arms.begin(), sc.arms.end(), [&](const msc::Arm& a) { return a.name == name; });
  if (it != sc.arms.end()) return &*it;
  std::vector<std::string> known;
  for (const auto& a : sc.arms) known.push_back(a.name);
  throw UnknownName(concat(what, ": unknown arm '", name, "'; the scenario has: ",
                           known.empty() ? std::string("(no arms)") : nearest_names(name, known, known.size())));
}

}  // namespace massagesim::simulation::detail
