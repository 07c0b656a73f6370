#pragma once
/// \file metrics.hpp (private to massagesim::runtime)
/// \brief The summary metrics of one arm, each defined once by name, unit, description and the rule
///        that computes it from the arm's sampled series.

#include <string>
#include <utility>
#include <vector>

#include "massagesim/protocols/schedule.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace massagesim::simulation::detail {

/// Where the massage (or compression) and the exercise sit in the protocol as written [s]; NaN: absent.
struct Windows {
  double massage_start = NAN, massage_end = NAN, exercise_end = NAN, exercise_start = NAN, end = 0.0;
};
Windows windows_of(const protocols::Schedule& written);

/// The limb-level series the metrics read, on the metric grid (every save time and each second).
struct ArmSeries {
  std::vector<double> t_s;
  std::vector<double> blood_lactate_mmol_per_L;
  std::vector<double> arterial_inflow_mL_per_min;   ///< sum over segments
  std::vector<double> lactate_efflux_mmol_per_min;  ///< limb to blood
  std::vector<double> lymph_returned_mL;            ///< cumulative central lymph return
  std::vector<double> venous_volume_mL;             ///< sum over segments
  std::vector<double> passive_stiffness_rel;        ///< mass-weighted mean
  std::vector<double> reflex_gain;                  ///< mass-weighted mean
  double rest_lymph_return_mL_per_s = 0.0;          ///< central lymph return at rest
  void resize(std::size_t n);
};

/// One metric: what it is, and how it is computed (NaN where the protocol lacks its window).
struct MetricDefinition {
  MetricInfo info;
  double (*compute)(const ArmSeries&, const Windows&);
};

/// Every metric, in the order ArmResult::metrics lists them.
const std::vector<MetricDefinition>& metric_definitions();

/// (name, value) of every metric for one arm.
std::vector<std::pair<std::string, double>> compute_metrics(const ArmSeries& s, const Windows& w);

}  // namespace massagesim::simulation::detail
