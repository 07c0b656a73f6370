/// \file model_export.cpp
/// \brief Scenario -> recorded equations -> JSON (see symbolic/scenario_export.hpp).

#include "massagesim/symbolic/scenario_export.hpp"

#include <nlohmann/json.hpp>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/simulation/simulation.hpp"
#include "massagesim/symbolic/protocol.hpp"

namespace massagesim::symbolic {

namespace {
models::SegmentInputsTpl<Expr> segment_inputs(const protocols::Schedule& schedule, const Expr& t, int segment) {
  const SymbolicSegmentInputs s = inputs(schedule, t, segment);
  models::SegmentInputsTpl<Expr> o;
  o.applied_pressure_mmHg = s.applied_pressure_mmHg;
  o.exercise_intensity = s.exercise_intensity;
  o.whole_body_exercise = s.whole_body_exercise;
  o.height_above_heart_cm = s.height_above_heart_cm;
  o.massage_drive = s.massage_drive;
  o.circumferential_pressure_mmHg = s.circumferential_pressure_mmHg;
  o.contraction_pressure_mmHg = s.contraction_pressure_mmHg;
  o.muscle_flow_multiplier = s.muscle_flow_multiplier;
  return o;
}
}  // namespace

ExportedModel export_scenario(const scenario::Scenario& sc, const std::string& arm, ExportKind kind,
                              std::optional<double> t1_s) {
  const simulation::PreparedArm p = simulation::prepare_arm(sc, arm);
  const double T = t1_s.value_or(p.schedule->duration_s());
  MASSAGESIM_CHECK(T > 0.0, "model export: expected t1_s > 0 s, got ", T);
  std::vector<double> bps;
  p.schedule->breakpoints(0.0, T, bps);
  const auto schedule = p.schedule;
  ExportedModel m;
  if (kind == ExportKind::limb) {
    const int n = p.limb->n_segments();
    m = record_limb(
        *p.limb,
        [&](const Expr& t) {
          models::LimbInputsTpl<Expr> in;
          for (int i = 0; i < n; ++i) in.segment[static_cast<std::size_t>(i)] = segment_inputs(*schedule, t, i);
          in.whole_body_intensity = whole_body_intensity(*schedule, t);  // as models::ScheduleLimbInputs
          in.muscle_flow_multiplier = muscle_flow_multiplier(*schedule, t);
          return in;
        },
        p.rest_state, 0.0, T, std::move(bps));
    m.description = "limb of " + std::to_string(n) + " segments with the whole-body lactate pool";
  } else {
    const models::Segment seg(scenario::subject_params(sc),
                              sc.limb.segment_names.empty() ? "segment" : sc.limb.segment_names[0]);
    models::SegmentInputs rest = seg.rest_inputs();
    rest.height_above_heart_cm = schedule->inputs(-1.0, 0).height_above_heart_cm;
    const auto x0 = models::rest_state(seg, &rest);
    m = record_segment(
        seg, [&](const Expr& t) { return segment_inputs(*schedule, t, 0); }, x0, 0.0, T, std::move(bps));
    m.description = "one segment alone (the subject's preset), arterial lactate 1 mmol/L";
  }
  m.name = to_identifier(sc.name + "__" + p.arm + (kind == ExportKind::segment ? "__segment" : ""));
  m.description =
      sc.name + ", arm '" + p.arm + "': " + m.description + ". Exported by massagesim from the C++ right-hand side.";
  return m;
}

std::string to_json(const ExportedModel& m, int indent) {
  using nlohmann::json;
  const Graph& g = *m.graph;
  json j;
  j["format"] = "massagesim-model-graph";
  j["version"] = 1;
  j["name"] = m.name;
  j["description"] = m.description;
  j["t0_s"] = m.t0_s;
  j["t1_s"] = m.t1_s;
  j["breakpoints_s"] = m.breakpoints_s;
  json states = json::array();
  for (std::size_t i = 0; i < m.states.size(); ++i) {
    const auto& s = m.states[i];
    states.push_back(
        {{"id", s.id},
         {"name", s.name},
         {"initial_value", s.initial_value},
         {"unit", s.unit},
         {"rate", {{"sbml", g.root_formula(i, Dialect::sbml)}, {"python", g.root_formula(i, Dialect::python)}}}});
  }
  j["states"] = std::move(states);
  json params = json::array();
  for (const auto& p : m.parameters)
    params.push_back({{"id", p.id},
                      {"value", p.value},
                      {"unit", p.unit},
                      {"min", p.min},
                      {"max", p.max},
                      {"source", p.source},
                      {"description", p.description},
                      {"structural", p.structural}});
  j["parameters"] = std::move(params);
  json as = json::array();
  for (int k : g.intermediates())
    as.push_back(
        {{"id", g.name_of(k)}, {"sbml", g.definition(k, Dialect::sbml)}, {"python", g.definition(k, Dialect::python)}});
  j["assignments"] = std::move(as);
  j["outputs"] = m.output_ids;
  json units = json::object();
  for (std::size_t k = 0; k < m.output_ids.size() && k < m.output_units.size(); ++k)
    if (!m.output_units[k].empty()) units[m.output_ids[k]] = m.output_units[k];
  j["output_units"] = std::move(units);
  return j.dump(indent);
}

}  // namespace massagesim::symbolic
