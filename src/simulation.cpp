/// \file simulation.cpp
/// \brief The facade (simulation.hpp): run a scenario's arms, a batch of runs, and list its outputs and
///        metrics. The arm itself is run by detail/arm_runner.hpp, the metrics by detail/metrics.hpp.

#include "massagesim/simulation/simulation.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detail/arm_runner.hpp"
#include "detail/metrics.hpp"
#include "massagesim/core/check.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/run_estimate.hpp"
#include "massagesim/solver/ensemble.hpp"

namespace massagesim::simulation {

namespace mm = massagesim::models;
namespace mp = massagesim::protocols;
namespace msc = massagesim::scenario;

SimulationResult simulate(const scenario::Scenario& sc, const SimulationOptions& options) {
  check_run(sc, options);  // sane values, memory and work estimates, before the rest state (run_estimate.hpp)
  const detail::Resolved r = detail::resolve(sc, options);
  MASSAGESIM_CHECK(sc.limb.n_segments() >= 1, "limb.segment_lengths_cm: expected at least one segment, got 0");
  // Arms to run.
  std::vector<const msc::Arm*> arms;
  if (options.arms.empty()) {
    for (const auto& a : sc.arms) arms.push_back(&a);
  } else {
    for (const auto& name : options.arms) arms.push_back(detail::find_arm(sc, name, "options.arms"));
  }
  const detail::RunSetup setup = detail::setup_run(sc, options);
  const mp::Schedule& written = setup.written;
  const detail::BuiltLimb& b = setup.built;
  const detail::Windows w = detail::windows_of(written);
  const auto cols = detail::resolve_columns(*b.limb, r.requested);

  SimulationResult out;
  out.scenario_name = sc.name;
  if (arms.empty()) {
    out.arms.push_back(detail::run_arm(sc, nullptr, setup, r, cols, w, options));
  } else {
    // The arms share the protocol up to the first phase one of them replaces: integrate that once
    // (issue 15; the default scenario's arms share their 480 s of rest and exercise).
    const double t_split = detail::shared_prefix_end_s(sc, arms);
    std::optional<detail::SharedPrefix> prefix;
    if (t_split > 0.0)
      prefix = detail::run_shared_prefix(b, std::make_shared<const mp::Schedule>(written), r, w, t_split, options);
    for (const msc::Arm* a : arms)
      out.arms.push_back(detail::run_arm(sc, a, setup, r, cols, w, options, prefix ? &*prefix : nullptr));
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
  for (auto& run : ens.runs)
    out.push_back(run.ok() ? std::move(*run.output) : SimulationResult{scenario.name, {}, run.error});
  return out;
}

std::vector<std::string> available_outputs(const scenario::Scenario& sc) {
  mm::LimbParams lp = mm::make_limb_params(msc::subject_params(sc), sc.limb.segment_names, sc.limb.segment_lengths_cm,
                                           -1.0, {}, sc.limb.sides);
  const mm::Limb limb(std::move(lp));
  return detail::available_names(limb);
}

std::vector<std::string> metric_names() {
  std::vector<std::string> out;
  for (const auto& m : detail::metric_definitions()) out.push_back(m.info.name);
  return out;
}

std::vector<MetricInfo> metric_info() {
  std::vector<MetricInfo> out;
  for (const auto& m : detail::metric_definitions()) out.push_back(m.info);
  return out;
}

}  // namespace massagesim::simulation
