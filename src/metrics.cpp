/// \file metrics.cpp
/// \brief The summary metrics (detail/metrics.hpp): each one a name, a unit and its rule.

#include "detail/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace massagesim::simulation::detail {

namespace mp = massagesim::protocols;

void ArmSeries::resize(std::size_t n) {
  for (auto* v : {&t_s, &blood_lactate_mmol_per_L, &arterial_inflow_mL_per_min, &lactate_efflux_mmol_per_min,
                  &lymph_returned_mL, &venous_volume_mL, &passive_stiffness_rel, &reflex_gain})
    v->resize(n);
}

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

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

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

/// Highest blood lactate from the start of exercise on (from t = 0 without exercise): (value, time).
std::pair<double, double> lactate_peak(const ArmSeries& s, const Windows& w) {
  const auto& t = s.t_s;
  const auto& la = s.blood_lactate_mmol_per_L;
  double peak = nan, t_peak = nan;
  const double from = std::isfinite(w.exercise_start) ? w.exercise_start : 0.0;
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t[k] >= from && (std::isnan(peak) || la[k] > peak)) {
      peak = la[k];
      t_peak = t[k];
    }
  return {peak, t_peak};
}

/// Half-time: from the post-exercise peak until blood lactate has fallen halfway back to its
/// pre-exercise value (linear interpolation on the 1-s grid).
double lactate_half_time_min(const ArmSeries& s, const Windows& w) {
  const auto& t = s.t_s;
  const auto& la = s.blood_lactate_mmol_per_L;
  if (t.empty() || !std::isfinite(w.exercise_end)) return nan;
  const auto [peak, t_peak] = lactate_peak(s, w);
  const double base = interp(t, la, std::isfinite(w.exercise_start) ? w.exercise_start : 0.0);
  const double target = base + 0.5 * (peak - base);
  for (std::size_t k = 1; k < t.size(); ++k)
    if (t[k] > t_peak && la[k] <= target && la[k - 1] > target) {
      const double tc = t[k - 1] + (t[k] - t[k - 1]) * (la[k - 1] - target) / (la[k - 1] - la[k]);
      return (tc - t_peak) / 60.0;
    }
  return nan;
}

bool has_window(const ArmSeries& s, const Windows& w) {
  return std::isfinite(w.massage_start) && std::isfinite(w.massage_end) && s.t_s.size() > 1;
}

double end_of(const ArmSeries& s) { return s.t_s.empty() ? 0.0 : s.t_s.back(); }

/// Largest drop of the limb's venous volume within the massage window.
double venous_volume_ejected_mL(const ArmSeries& s, const Windows& w) {
  if (!has_window(s, w)) return nan;
  const auto& t = s.t_s;
  const double v0 = interp(t, s.venous_volume_mL, w.massage_start);
  double vmin = v0;
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t[k] >= w.massage_start && t[k] <= w.massage_end) vmin = std::min(vmin, s.venous_volume_mL[k]);
  return v0 - vmin;
}

/// Extra lymph returned centrally from the window start to the end of the run beyond the resting rate.
double lymph_volume_mobilised_mL(const ArmSeries& s, const Windows& w) {
  if (!has_window(s, w)) return nan;
  const double ms = w.massage_start, end = end_of(s);
  return (interp(s.t_s, s.lymph_returned_mL, end) - interp(s.t_s, s.lymph_returned_mL, ms)) -
         s.rest_lymph_return_mL_per_s * (end - ms);
}

const std::vector<MetricDefinition> definitions{
    {{"peak_blood_lactate_mmol_per_L", "mmol/L", "highest blood lactate from the start of exercise on"},
     [](const ArmSeries& s, const Windows& w) { return s.t_s.empty() ? nan : lactate_peak(s, w).first; }},
    {{"time_of_peak_blood_lactate_s", "s", "when blood lactate peaks"},
     [](const ArmSeries& s, const Windows& w) { return s.t_s.empty() ? nan : lactate_peak(s, w).second; }},
    {{"blood_lactate_half_time_after_exercise_min", "min",
      "from the post-exercise peak until blood lactate is halfway back to its pre-exercise value"},
     lactate_half_time_min},
    {{"arterial_inflow_auc_massage_window_mL", "mL", "limb arterial inflow integrated over the massage window"},
     [](const ArmSeries& s, const Windows& w) {
       return has_window(s, w) ? auc_per_min(s.t_s, s.arterial_inflow_mL_per_min, w.massage_start, w.massage_end) : nan;
     }},
    {{"arterial_inflow_auc_after_massage_mL", "mL",
      "limb arterial inflow integrated from the end of massage to the end"},
     [](const ArmSeries& s, const Windows& w) {
       return has_window(s, w) ? auc_per_min(s.t_s, s.arterial_inflow_mL_per_min, w.massage_end, end_of(s)) : nan;
     }},
    {{"lactate_efflux_auc_massage_window_mmol", "mmol", "limb lactate efflux integrated over the massage window"},
     [](const ArmSeries& s, const Windows& w) {
       return has_window(s, w) ? auc_per_min(s.t_s, s.lactate_efflux_mmol_per_min, w.massage_start, w.massage_end)
                               : nan;
     }},
    {{"lactate_efflux_auc_after_massage_mmol", "mmol", "limb lactate efflux integrated after massage"},
     [](const ArmSeries& s, const Windows& w) {
       return has_window(s, w) ? auc_per_min(s.t_s, s.lactate_efflux_mmol_per_min, w.massage_end, end_of(s)) : nan;
     }},
    {{"lymph_volume_mobilised_mL", "mL", "central lymph return above its resting rate from the massage start on"},
     lymph_volume_mobilised_mL},
    {{"venous_volume_ejected_mL", "mL", "largest drop of the limb's venous volume during the massage window"},
     venous_volume_ejected_mL},
    {{"passive_stiffness_change_pct", "%", "passive stiffness at the end of massage relative to its start"},
     [](const ArmSeries& s, const Windows& w) {
       if (!has_window(s, w)) return nan;
       const double s0 = interp(s.t_s, s.passive_stiffness_rel, w.massage_start);
       const double s1 = interp(s.t_s, s.passive_stiffness_rel, w.massage_end);
       return 100.0 * (s1 / s0 - 1.0);
     }},
    {{"reflex_gain_change_during_massage_pct", "%", "mean reflex gain during massage relative to its start"},
     [](const ArmSeries& s, const Windows& w) {
       if (!has_window(s, w)) return nan;
       const double ms = w.massage_start, me = w.massage_end;
       const double g0 = interp(s.t_s, s.reflex_gain, ms);
       return 100.0 * (auc_per_min(s.t_s, s.reflex_gain, ms, me) * 60.0 / (me - ms) / g0 - 1.0);
     }},
};

}  // namespace

const std::vector<MetricDefinition>& metric_definitions() { return definitions; }

std::vector<std::pair<std::string, double>> compute_metrics(const ArmSeries& s, const Windows& w) {
  std::vector<std::pair<std::string, double>> out;
  out.reserve(definitions.size());
  for (const auto& d : definitions) out.emplace_back(d.info.name, d.compute(s, w));
  return out;
}

}  // namespace massagesim::simulation::detail
