/// \file simulation.cpp
/// \brief The facade: build the limb of a scenario, start at its rest steady state, run each arm's
/// schedule, sample named outputs and compute summary metrics (see simulation.hpp).
///
/// Output naming: per-segment quantities are "<segment>.<quantity>" (e.g.
/// "proximal_calf.venous_outflow_mL_per_min"); limb-level ones are bare ("blood_lactate_mmol_per_L",
/// "central_venous_return_mL_per_min"). A bare per-segment quantity in a request expands to every
/// segment, distal first (so the default scenario's "arterial_inflow_mL_per_min" gives 4 columns).

#include "massagesim/simulation/simulation.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/solver/ensemble.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/simulation/run_estimate.hpp"
#include "massagesim/simulation/stepper_table.hpp"
#include "massagesim/simulation/limb_problem.hpp"

namespace massagesim::simulation {

/// Every output name of a built limb (limb-level first, then per segment, distal first).
std::vector<std::string> available_names(const models::Limb& limb);

namespace {

namespace mm = massagesim::models;
namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;
using massagesim::detail::concat;

// ---- names: the output catalogue (models/output_catalogue.hpp) ------------------------------------

/// Limb-level catalogue entries this limb has (the pool's only with a pool).
bool limb_has(const mm::Limb& limb, const mm::OutputRecord& r) {
  return r.level != "limb" || r.index < mm::n_limb_composition_outputs || limb.params().lactate_pool;
}

// ---- limb construction ---------------------------------------------------------------------------

struct BuiltLimb {
  std::shared_ptr<const mm::Limb> limb;
  mm::Limb::State rest;
};

BuiltLimb build_limb(const msc::Scenario& sc, const SimulationOptions& opt, const mp::Schedule& any_schedule) {
  std::vector<mm::ParameterValue> extra;
  for (const auto& [n, v] : opt.parameter_overrides) extra.push_back({n, v, false});
  auto limb = std::make_shared<const mm::Limb>(msc::scenario_limb_params(sc, extra));
  // Rest in the initial posture (the schedule's heights before t = 0).
  mm::LimbInputs rest = limb->rest_inputs();
  for (int i = 0; i < limb->n_segments(); ++i)
    rest.segment[static_cast<std::size_t>(i)].height_above_heart_cm = any_schedule.inputs(-1.0, i).height_above_heart_cm;
  BuiltLimb b{limb, mm::limb_rest_state(limb, &rest)};
  return b;
}

// ---- option resolution ---------------------------------------------------------------------------

struct Resolved {
  std::string stepper;
  double rtol, atol, dt_max_s, save_every_s;
  std::vector<std::string> requested;  // as given (may be bare per-segment names)
  const std::atomic<bool>* cancel = nullptr;
};

Resolved resolve(const msc::Scenario& sc, const SimulationOptions& o) {
  Resolved r{o.stepper.value_or(sc.solver.stepper), o.rtol.value_or(sc.solver.rtol), o.atol.value_or(sc.solver.atol),
             o.dt_max_s.value_or(sc.solver.dt_max_s), o.save_every_s.value_or(sc.outputs.save_every_s),
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

/// Column k of the output table: which catalogue quantity of which segment (-1: limb-level).
struct Column {
  std::string name;
  int segment = -1;
  mm::OutputKind kind = mm::OutputKind::derived;
  int index = 0;
};

std::vector<Column> resolve_columns(const mm::Limb& limb, const std::vector<std::string>& requested) {
  const auto& cat = mm::output_catalogue();
  auto make = [&](int seg, const mm::OutputRecord& r) {
    return Column{seg < 0 ? std::string(r.name) : limb.segment_name(seg) + "." + std::string(r.name), seg, r.kind, r.index};
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

// ---- metrics ---------------------------------------------------------------------------------------

/// The summary metrics: name, unit, description (the order of ArmResult::metrics).
const std::vector<MetricInfo>& metric_table() {
  static const std::vector<MetricInfo> m{
      {"peak_blood_lactate_mmol_per_L", "mmol/L", "highest blood lactate from the start of exercise on"},
      {"time_of_peak_blood_lactate_s", "s", "when blood lactate peaks"},
      {"blood_lactate_half_time_after_exercise_min", "min",
       "from the post-exercise peak until blood lactate is halfway back to its pre-exercise value"},
      {"arterial_inflow_auc_massage_window_mL", "mL", "limb arterial inflow integrated over the massage window"},
      {"arterial_inflow_auc_after_massage_mL", "mL", "limb arterial inflow integrated from the end of massage to the end"},
      {"lactate_efflux_auc_massage_window_mmol", "mmol", "limb lactate efflux integrated over the massage window"},
      {"lactate_efflux_auc_after_massage_mmol", "mmol", "limb lactate efflux integrated after massage"},
      {"lymph_volume_mobilised_mL", "mL", "central lymph return above its resting rate from the massage start on"},
      {"venous_volume_ejected_mL", "mL", "largest drop of the limb's venous volume during the massage window"},
      {"passive_stiffness_change_pct", "%", "passive stiffness at the end of massage relative to its start"},
      {"reflex_gain_change_during_massage_pct", "%", "mean reflex gain during massage relative to its start"},
  };
  return m;
}

const std::string& metric_name(std::size_t k) { return metric_table()[k].name; }

/// Window of the massage/compression phases and exercise end, from the protocol as written.
struct Windows {
  double massage_start = NAN, massage_end = NAN, exercise_end = NAN, exercise_start = NAN, end = 0.0;
};

Windows windows_of(const mp::Schedule& written) {
  Windows w;
  w.end = written.duration_s();
  for (int i = 0; i < written.n_phases(); ++i) {
    const auto& ph = written.phase(i);
    if (ph.kind == mp::PhaseKind::massage || ph.kind == mp::PhaseKind::compression) {
      if (std::isnan(w.massage_start)) w.massage_start = ph.start_s;
      w.massage_end = ph.end_s();
    }
    if (ph.kind == mp::PhaseKind::exercise) {
      if (std::isnan(w.exercise_start)) w.exercise_start = ph.start_s;
      w.exercise_end = ph.end_s();
    }
  }
  return w;
}

/// Trapezoid integral of y(t) [per min] over [a, b] on the sample grid [s -> min].
double auc_per_min(const std::vector<double>& t, const std::vector<double>& y, double a, double b) {
  if (!(b > a)) return NAN;
  double s = 0.0;
  for (std::size_t k = 1; k < t.size(); ++k) {
    const double lo = std::max(a, t[k - 1]), hi = std::min(b, t[k]);
    if (hi <= lo) continue;
    const double dt = t[k] - t[k - 1];
    auto at = [&](double tt) { return y[k - 1] + (y[k] - y[k - 1]) * (tt - t[k - 1]) / dt; };
    s += 0.5 * (at(lo) + at(hi)) * (hi - lo);
  }
  return s / 60.0;
}

double interp(const std::vector<double>& t, const std::vector<double>& y, double tt) {
  if (tt <= t.front()) return y.front();
  for (std::size_t k = 1; k < t.size(); ++k)
    if (tt <= t[k]) return y[k - 1] + (y[k] - y[k - 1]) * (tt - t[k - 1]) / (t[k] - t[k - 1]);
  return y.back();
}

// ---- one arm ---------------------------------------------------------------------------------------

template <class Stepper>
auto solve_arm(const BuiltLimb& b, std::shared_ptr<const mp::Schedule> sched, const Stepper& st, const Resolved& r,
               const std::vector<double>& ts, bool throw_on_failure) {
  auto prob = mm::make_limb_problem(b.limb, std::move(sched), b.rest, 0.0, ts.back(), /*exact_pool_jacobian=*/true);
  StepControl ctl;
  ctl.rtol = r.rtol;
  ctl.atol = r.atol;
  ctl.dt_max_s = r.dt_max_s;
  ctl.throw_on_failure = throw_on_failure;
  ctl.cancel = r.cancel;
  return solve(prob, st, ctl, SaveAt{.ts_s = ts});
}

ArmResult run_arm(const msc::Scenario& sc, const msc::Arm* arm, const BuiltLimb& b, const Resolved& r,
                  const std::vector<Column>& cols, const Windows& w, const SimulationOptions& opt) {
  ArmResult res;
  res.arm = arm ? arm->name : std::string("protocol");
  auto sched = std::make_shared<const mp::Schedule>(arm ? msc::build_schedule(sc, *arm) : msc::build_schedule(sc));
  const double T = sched->duration_s();
  MASSAGESIM_CHECK(T > 0.0, "protocol: expected a duration > 0 s, got ", T);
  // Sample grid: outputs every save_every_s (and the end); metrics on a 1-s grid merged with it.
  std::vector<double> out_t;
  for (double t = 0.0; t <= T * (1.0 + 1e-12); t = out_t.size() * r.save_every_s) out_t.push_back(std::min(t, T));
  if (out_t.back() < T) out_t.push_back(T);
  std::vector<double> ts = out_t;
  for (double t = 1.0; t < T; t += 1.0) ts.push_back(t);
  for (double e : {w.massage_start, w.massage_end, w.exercise_end})
    if (std::isfinite(e) && e > 0.0 && e < T) ts.push_back(e);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end(), [](double a, double c) { return std::abs(a - c) < 1e-9; }), ts.end());

  const auto t_start = std::chrono::steady_clock::now();
  Solution<mm::Limb::State> sol;
  const auto& limb = *b.limb;
  sol = with_stepper(r.stepper, limb, [&](const auto& st) { return solve_arm(b, sched, st, r, ts, opt.throw_on_failure); });
  res.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  res.stats = sol.stats;
  res.status = sol.status;
  res.message = sol.message;

  // Evaluate every sample (all quantities needed by metrics; requested columns at output times).
  const int N = limb.n_segments();
  const std::size_t n = sol.t_s.size();
  std::vector<double> la(n), inflow(n), efflux(n), lymph_cum(n), venous_vol(n), stiff(n), reflex(n);
  res.output_names.clear();
  for (const auto& c : cols) res.output_names.push_back(c.name);
  if (opt.keep_traces) res.values.resize(static_cast<Eigen::Index>(out_t.size()), static_cast<Eigen::Index>(cols.size()));
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
    la[k] = limb.params().lactate_pool ? x[limb.pool_offset()] : limb.params().fixed_arterial_lactate_mmol_per_L;
    inflow[k] = o.col(i_in).sum();
    efflux[k] = fl.lactate_efflux_mmol_per_min;
    const int a_last = mm::Limb::offset(N - 1) + mm::SegmentLayout::audit;
    lymph_cum[k] = x[a_last + mm::FluidAuditLayout::lymph_outflow];
    double vv = 0.0, sf = 0.0, rg = 0.0;
    for (int s = 0; s < N; ++s) {
      const double m = limb.params().segments[static_cast<std::size_t>(s)].tissue_mass_g / mass;
      vv += x[mm::Limb::offset(s) + mm::HemodynamicsLayout::venous_volume];
      sf += m * o(s, i_st);
      rg += m * o(s, i_rg);
    }
    venous_vol[k] = vv;
    stiff[k] = sf;
    reflex[k] = rg;
    if (!opt.keep_traces || row >= out_t.size() || std::abs(t - out_t[row]) > 1e-9) continue;
    const auto lo = limb.limb_outputs(x, fl, &b.rest);
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const Column& c = cols[j];
      double v = 0.0;
      switch (c.kind) {
        case mm::OutputKind::state: v = x[mm::Limb::offset(c.segment) + c.index]; break;
        case mm::OutputKind::derived: v = o(c.segment, c.index); break;
        case mm::OutputKind::input:
          v = mm::segment_input_value(in.segment[static_cast<std::size_t>(c.segment)], c.index);
          break;
        case mm::OutputKind::limb: v = lo[static_cast<std::size_t>(c.index)]; break;
      }
      res.values(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j)) = v;
    }
    ++row;
  }
  if (opt.keep_traces) {
    res.t_s.assign(out_t.begin(), out_t.begin() + static_cast<std::ptrdiff_t>(row));
    res.values.conservativeResize(static_cast<Eigen::Index>(row), Eigen::NoChange);
  }

  // Metrics.
  const auto& t = sol.t_s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double peak = nan, t_peak = nan, half = nan;
  if (n > 0) {
    const double from = std::isfinite(w.exercise_start) ? w.exercise_start : 0.0;
    for (std::size_t k = 0; k < n; ++k)
      if (t[k] >= from && (std::isnan(peak) || la[k] > peak)) {
        peak = la[k];
        t_peak = t[k];
      }
    if (std::isfinite(w.exercise_end)) {
      // Half-time: from the post-exercise peak until blood lactate has fallen halfway back to its
      // pre-exercise value (linear interpolation on the 1-s grid).
      const double base = interp(t, la, std::isfinite(w.exercise_start) ? w.exercise_start : 0.0);
      const double target = base + 0.5 * (peak - base);
      for (std::size_t k = 1; k < n; ++k)
        if (t[k] > t_peak && la[k] <= target && la[k - 1] > target) {
          const double tc = t[k - 1] + (t[k] - t[k - 1]) * (la[k - 1] - target) / (la[k - 1] - la[k]);
          half = (tc - t_peak) / 60.0;
          break;
        }
    }
  }
  const double ms = w.massage_start, me = w.massage_end, end = t.empty() ? 0.0 : t.back();
  const bool has_window = std::isfinite(ms) && std::isfinite(me) && n > 1;
  double ejected = nan, lymph_mob = nan, stiff_change = nan, reflex_change = nan;
  if (has_window) {
    const double v0 = interp(t, venous_vol, ms);
    double vmin = v0;
    for (std::size_t k = 0; k < n; ++k)
      if (t[k] >= ms && t[k] <= me) vmin = std::min(vmin, venous_vol[k]);
    ejected = v0 - vmin;
    // Extra lymph returned centrally from the window start to the end of the run beyond the resting rate.
    const double rest_rate_per_s = [&] {
      mm::Limb::Flows f0;
      mm::LimbInputs rin = limb.rest_inputs();
      src(-1.0, rin, N);
      (void)limb.outputs(b.rest, rin, nullptr, &f0);
      return f0.lymph_outflow_mL_per_min / 60.0;
    }();
    lymph_mob = (interp(t, lymph_cum, end) - interp(t, lymph_cum, ms)) - rest_rate_per_s * (end - ms);
    const double s0 = interp(t, stiff, ms), s1 = interp(t, stiff, me);
    stiff_change = 100.0 * (s1 / s0 - 1.0);
    const double g0 = interp(t, reflex, ms);
    reflex_change = 100.0 * (auc_per_min(t, reflex, ms, me) * 60.0 / (me - ms) / g0 - 1.0);
  }
  res.metrics = {
      {metric_name(0), peak},
      {metric_name(1), t_peak},
      {metric_name(2), half},
      {metric_name(3), has_window ? auc_per_min(t, inflow, ms, me) : nan},
      {metric_name(4), has_window ? auc_per_min(t, inflow, me, end) : nan},
      {metric_name(5), has_window ? auc_per_min(t, efflux, ms, me) : nan},
      {metric_name(6), has_window ? auc_per_min(t, efflux, me, end) : nan},
      {metric_name(7), lymph_mob},
      {metric_name(8), ejected},
      {metric_name(9), stiff_change},
      {metric_name(10), reflex_change},
  };
  return res;
}

}  // namespace

std::vector<std::string> available_names(const models::Limb& limb) {
  std::vector<std::string> out;
  for (const auto& n : mm::output_names(limb.params().segment_names)) {
    const auto* r = mm::find_output(n);
    if (!r || limb_has(limb, *r)) out.push_back(n);
  }
  return out;
}

SimulationResult simulate(const scenario::Scenario& sc, const SimulationOptions& options) {
  check_run(sc, options);  // sane values, memory and work estimates, before the rest state (run_estimate.hpp)
  const Resolved r = resolve(sc, options);
  MASSAGESIM_CHECK(sc.limb.n_segments() >= 1, "limb.segment_lengths_cm: expected at least one segment, got 0");
  // Arms to run.
  std::vector<const msc::Arm*> arms;
  if (options.arms.empty()) {
    for (const auto& a : sc.arms) arms.push_back(&a);
  } else {
    std::vector<std::string> known;
    for (const auto& a : sc.arms) known.push_back(a.name);
    for (const auto& name : options.arms) {
      const auto it = std::find_if(sc.arms.begin(), sc.arms.end(), [&](const msc::Arm& a) { return a.name == name; });
      if (it == sc.arms.end())
        throw UnknownName(concat("options.arms: unknown arm '", name, "'; the scenario has: ",
                                 known.empty() ? std::string("(no arms)") : nearest_names(name, known, known.size())));
      arms.push_back(&*it);
    }
  }
  const mp::Schedule written = msc::build_schedule(sc);
  const Windows w = windows_of(written);
  const BuiltLimb b = build_limb(sc, options, written);
  const auto cols = resolve_columns(*b.limb, r.requested);

  SimulationResult out;
  out.scenario_name = sc.name;
  if (arms.empty()) {
    out.arms.push_back(run_arm(sc, nullptr, b, r, cols, w, options));
  } else {
    for (const msc::Arm* a : arms) out.arms.push_back(run_arm(sc, a, b, r, cols, w, options));
  }
  return out;
}

std::vector<SimulationResult> simulate_batch(const scenario::Scenario& scenario,
                                             const std::vector<SimulationOptions>& options_per_run, int n_threads,
                                             const std::function<void(std::size_t)>& progress) {
  std::atomic<std::size_t> done{0};
  auto ens = run_ensemble(
      options_per_run.size(),
      [&](std::size_t i) {
        SimulationOptions o = options_per_run[i];
        o.throw_on_failure = false;
        SimulationResult res;
        try {
          res = simulate(scenario, o);
        } catch (const std::exception& e) {
          res.scenario_name = scenario.name;
          res.error = e.what();
        }
        const std::size_t d = done.fetch_add(1) + 1;
        if (progress) progress(d);
        return res;
      },
      n_threads);
  std::vector<SimulationResult> out;
  out.reserve(ens.size());
  for (auto& run : ens.runs) out.push_back(run.ok() ? std::move(*run.output) : SimulationResult{scenario.name, {}, run.error});
  return out;
}

std::vector<std::string> available_outputs(const scenario::Scenario& sc) {
  mm::LimbParams lp = mm::make_limb_params(msc::subject_params(sc), sc.limb.segment_names, sc.limb.segment_lengths_cm);
  const mm::Limb limb(std::move(lp));
  return available_names(limb);
}

std::vector<std::string> metric_names() {
  std::vector<std::string> out;
  for (const auto& m : metric_table()) out.push_back(m.name);
  return out;
}

std::vector<MetricInfo> metric_info() { return metric_table(); }

PreparedArm prepare_arm(const scenario::Scenario& sc, const std::string& arm_name, const SimulationOptions& options) {
  MASSAGESIM_CHECK(sc.limb.n_segments() >= 1, "limb.segment_lengths_cm: expected at least one segment, got 0");
  const msc::Arm* arm = nullptr;
  if (!arm_name.empty() || !sc.arms.empty()) {
    if (arm_name.empty()) {
      arm = &sc.arms.front();
    } else {
      std::vector<std::string> known;
      for (const auto& a : sc.arms) known.push_back(a.name);
      const auto it = std::find_if(sc.arms.begin(), sc.arms.end(), [&](const msc::Arm& a) { return a.name == arm_name; });
      if (it == sc.arms.end())
        throw UnknownName(concat("arm: unknown arm '", arm_name, "'; the scenario has: ",
                                 known.empty() ? std::string("(no arms)") : nearest_names(arm_name, known, known.size())));
      arm = &*it;
    }
  }
  const mp::Schedule written = msc::build_schedule(sc);
  const BuiltLimb b = build_limb(sc, options, written);
  PreparedArm out;
  out.arm = arm ? arm->name : std::string("protocol");
  out.limb = b.limb;
  out.rest_state = b.rest;
  out.schedule = std::make_shared<const mp::Schedule>(arm ? msc::build_schedule(sc, *arm) : msc::build_schedule(sc));
  out.schedule->breakpoints(0.0, out.schedule->duration_s(), out.breakpoints_s);
  return out;
}

}  // namespace massagesim::simulation

namespace massagesim::simulation {

namespace {
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

PreparedSolve solve_prepared(const PreparedArm& a, const std::string& stepper, double rtol, double atol,
                             const std::vector<double>& t_s, double dt_max_s) {
  MASSAGESIM_CHECK(!t_s.empty(), "solve_prepared: t_s: expected at least one save time");
  check_stepper_name(stepper, "solve_prepared: stepper");
  auto prob = mm::make_limb_problem(a.limb, a.schedule, a.rest_state, 0.0, t_s.back(), /*exact_pool_jacobian=*/true);
  StepControl ctl;
  ctl.rtol = rtol;
  ctl.atol = atol;
  ctl.dt_max_s = dt_max_s;
  ctl.throw_on_failure = false;
  const auto& limb = *a.limb;
  PreparedSolve out;
  Solution<mm::Limb::State> sol;
  const double c0 = thread_cpu_s();
  sol = with_stepper(stepper, limb, [&](const auto& st) { return solve(prob, st, ctl, SaveAt{.ts_s = t_s}); });
  out.cpu_s = thread_cpu_s() - c0;
  out.t_s = sol.t_s;
  out.states = sol.x;
  out.stats = sol.stats;
  out.status = sol.status;
  out.message = sol.message;
  return out;
}

Eigen::VectorXd prepared_rhs(const PreparedArm& a, const Eigen::VectorXd& x, double t_s) {
  MASSAGESIM_CHECK(x.size() == a.limb->n_states(), "prepared_rhs: expected ", a.limb->n_states(), " states, got ", x.size());
  mm::LimbInputs in;
  mm::ScheduleLimbInputs{a.schedule}(t_s, in, a.limb->n_segments());
  Eigen::VectorXd d(x.size());
  a.limb->rhs(x.data(), in, d.data(), true, false);
  return d;
}

double prepared_rhs_cost_ns(const PreparedArm& a, int reps) {
  // States of the first minutes of the arm (a real trajectory, not only the rest state).
  std::vector<double> ts;
  const double T = std::min(600.0, a.schedule->duration_s());
  for (int k = 0; k <= 50; ++k) ts.push_back(T * k / 50.0);
  const PreparedSolve run = solve_prepared(a, "rodas4", 1e-6, 1e-9, ts);
  mm::Limb::Flows fl;
  Eigen::VectorXd d(a.limb->n_states());
  std::vector<mm::LimbInputs> ins(ts.size());
  for (std::size_t k = 0; k < ts.size(); ++k) mm::ScheduleLimbInputs{a.schedule}(ts[k], ins[k], a.limb->n_segments());
  double sink = 0.0;
  const int n = std::max(reps, 1);
  const double c0 = thread_cpu_s();
  for (int r = 0; r < n; ++r) {
    const std::size_t k = static_cast<std::size_t>(r) % ts.size();
    a.limb->rhs(run.states.col(static_cast<Eigen::Index>(k)).data(), ins[k], d.data(), true, false);
    sink += d[0];
  }
  const double c1 = thread_cpu_s();
  volatile double keep = sink;
  (void)keep;
  return (c1 - c0) * 1e9 / n;
}

}  // namespace massagesim::simulation
