#pragma once
/// \file model_export.hpp
/// \brief Records a limb's (or a lone segment's) right-hand side, driven by a symbolic protocol, as
/// an expression graph with named states and parameters: what the SBML export and the generated
/// SciPy right-hand side print (src/model_export.cpp writes it as JSON for python/massagesim/sbml.py).

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/symbolic/codegen.hpp"
#include "massagesim/symbolic/expr.hpp"
#include "massagesim/symbolic/model_binding.hpp"

namespace massagesim::symbolic {

/// A state of an exported model.
struct ExportedState {
  std::string id;    ///< identifier in the printed equations (SBML SId, Python name)
  std::string name;  ///< the model's own name ("distal_calf.venous_volume_mL")
  double initial_value = 0.0;
  std::string unit;  ///< from the model's state tables (empty: unknown)
};

/// A parameter the exported equations use, with its metadata.
struct ExportedParameter {
  std::string id;
  double value = 0.0;
  std::string unit, source, description;
  double min = 0.0, max = 0.0;
  /// Its value was also used as a number while recording (a smoothing width, a Hill exponent, a
  /// valve leak): changing it in the exported model changes only part of the equations.
  bool structural = false;
};

/// A recorded model: the graph's roots are the rates of `states`, in order [per second].
struct ExportedModel {
  std::string name, description;
  double t0_s = 0.0, t1_s = 0.0;
  std::vector<double> breakpoints_s;  ///< where the protocol jumps or kinks
  std::vector<ExportedState> states;
  std::vector<ExportedParameter> parameters;
  std::vector<std::string> output_ids;    ///< named intermediates worth plotting (the protocol's inputs)
  std::vector<std::string> output_units;  ///< their units (same order), from the output catalogue
  std::shared_ptr<const Graph> graph;
};

/// A name turned into an identifier valid in SBML and Python: '.' -> "__", other non [A-Za-z0-9_] -> '_'.
inline std::string to_identifier(const std::string& name) {
  std::string id;
  for (char c : name) {
    if (c == '.')
      id += "__";
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
      id += c;
    else
      id += '_';
  }
  if (id.empty() || (id[0] >= '0' && id[0] <= '9')) id = "s_" + id;
  return id;
}

/// Symbolic inputs of a limb as functions of the time symbol.
using LimbInputsOfTime = std::function<models::LimbInputsTpl<Expr>(const Expr& t)>;

namespace detail {
/// Names the inputs (so that they print as their own variables, e.g. SBML assignment rules to plot).
inline void name_inputs(models::SegmentInputsTpl<Expr>& in, const std::string& prefix, std::vector<std::string>& ids,
                        std::vector<std::string>& units) {
  auto name = [&](Expr& e, const char* q) {
    if (e.is_constant()) return;  // a constant input stays a literal
    const std::string id = prefix + "__" + q;
    e = Expr::named(id, e);
    ids.push_back(id);
    std::string unit;
    for (const auto& o : models::segment_input_outputs)
      if (o.name == q) unit = std::string(o.unit);
    units.push_back(unit);
  };
  name(in.applied_pressure_mmHg, "applied_pressure_mmHg");
  name(in.exercise_intensity, "exercise_intensity");
  name(in.height_above_heart_cm, "height_above_heart_cm");
  name(in.massage_drive, "massage_drive");
  name(in.contraction_pressure_mmHg, "contraction_pressure_mmHg");
  name(in.muscle_flow_multiplier, "muscle_flow_multiplier");
}

template <class Each>
std::vector<ExportedParameter> used_parameters(const Graph& g, const ValueReadLog& read, Each&& each_known) {
  std::unordered_map<std::string, ExportedParameter> known;
  each_known([&](const std::string& id, const ParameterInfo& info, double value) {
    known[id] = ExportedParameter{
        id, value, std::string(info.unit), std::string(info.source), std::string(info.description), info.min, info.max};
  });
  std::vector<ExportedParameter> out;
  for (std::size_t k = 0; k < g.parameters().size(); ++k) {
    const Node* p = g.parameters()[k];
    auto it = known.find(p->id);
    MASSAGESIM_CHECK(it != known.end(), "model export: parameter '", p->id, "' has no metadata");
    MASSAGESIM_CHECK(it->second.value == p->value, "model export: parameter '", p->id, "' recorded as ", p->value,
                     " but the model holds ", it->second.value);
    out.push_back(it->second);
    out.back().structural = g.parameter_value_read(k);
  }
  // Parameters used only as numbers appear in no equation; list them too, as structural.
  for (const std::string& id : read.ids()) {
    if (std::any_of(out.begin(), out.end(), [&](const ExportedParameter& p) { return p.id == id; })) continue;
    auto it = known.find(id);
    MASSAGESIM_CHECK(it != known.end(), "model export: parameter '", id, "' has no metadata");
    out.push_back(it->second);
    out.back().structural = true;
  }
  return out;
}
}  // namespace detail

/// Records `limb`'s right-hand side (audit accumulators included, exact pool coupling) under
/// `inputs(t)`, starting from x0 at t0_s.
template <class LimbT>
ExportedModel record_limb(const LimbT& limb, const LimbInputsOfTime& inputs, const Eigen::VectorXd& x0, double t0_s,
                          double t1_s, std::vector<double> breakpoints_s = {}) {
  const int n = limb.n_states();
  MASSAGESIM_CHECK(x0.size() == n, "model export: expected an initial state of ", n, " values, got ", x0.size());
  MASSAGESIM_CHECK(t1_s > t0_s, "model export: expected t1_s > t0_s, got [", t0_s, ", ", t1_s, "]");
  ExportedModel m;
  m.t0_s = t0_s;
  m.t1_s = t1_s;
  m.breakpoints_s = std::move(breakpoints_s);
  const auto names = limb.state_names();
  std::vector<Expr> x;
  x.reserve(static_cast<std::size_t>(n));
  std::vector<std::string_view> units;
  for (int i = 0; i < limb.n_segments(); ++i)
    for (const auto& s : models::Segment::state_info) units.push_back(s.unit);
  models::for_each_module(typename LimbT::Modules{}, [&]<class M>() {
    if (limb.template enabled<M>())
      for (const auto& s : M::states) units.push_back(s.unit);
  });
  for (int i = 0; i < n; ++i) {
    const std::string_view unit = units[static_cast<std::size_t>(i)];
    m.states.push_back({to_identifier(names[static_cast<std::size_t>(i)]), names[static_cast<std::size_t>(i)], x0[i],
                        std::string(unit)});
    x.push_back(Expr::state(i, m.states.back().id, x0[i]));
  }
  const ValueReadLog read;
  const Expr t = Expr::time(t0_s);
  models::LimbInputsTpl<Expr> in = inputs(t);
  for (int s = 0; s < limb.n_segments(); ++s)
    detail::name_inputs(in.segment[static_cast<std::size_t>(s)], to_identifier(limb.segment_name(s)), m.output_ids,
                        m.output_units);
  if (!in.whole_body_intensity.is_constant()) {
    in.whole_body_intensity = Expr::named("whole_body_intensity", in.whole_body_intensity);
    m.output_ids.push_back("whole_body_intensity");
    m.output_units.push_back("fraction of VO2max");
  }
  if (!in.muscle_flow_multiplier.is_constant()) {
    in.muscle_flow_multiplier = Expr::named("muscle_flow_multiplier", in.muscle_flow_multiplier);
    m.output_ids.push_back("muscle_flow_multiplier");
    m.output_units.push_back("1");
  }
  std::vector<Expr> dx(static_cast<std::size_t>(n));
  limb.rhs(x.data(), in, dx.data(), /*accumulate=*/true, /*exact_pool_jacobian=*/true);
  m.graph = std::make_shared<const Graph>(std::move(dx));
  m.parameters = detail::used_parameters(*m.graph, read, [&](auto&& f) {
    for (int s = 0; s < limb.n_segments(); ++s)
      for_each_parameter(limb.segment(s).params(), limb.segment(s).symbol_prefix(), f);
    models::for_each_limb_parameter(limb.params(), [&](std::string_view module, const ParameterInfo& i,
                                                       const double& v) { f(parameter_id(module, i.name), i, v); });
  });
  return m;
}

/// Symbolic inputs of a lone segment as functions of the time symbol.
using SegmentInputsOfTime = std::function<models::SegmentInputsTpl<Expr>(const Expr& t)>;

/// Records a lone segment's right-hand side under `inputs(t)` (its arterial lactate is an input too).
template <class Seg>
ExportedModel record_segment(const Seg& seg, const SegmentInputsOfTime& inputs, const typename Seg::State& x0,
                             double t0_s, double t1_s, std::vector<double> breakpoints_s = {}) {
  constexpr int n = Seg::n_states;
  MASSAGESIM_CHECK(t1_s > t0_s, "model export: expected t1_s > t0_s, got [", t0_s, ", ", t1_s, "]");
  ExportedModel m;
  m.t0_s = t0_s;
  m.t1_s = t1_s;
  m.breakpoints_s = std::move(breakpoints_s);
  const auto names = Seg::state_names();
  std::vector<Expr> x;
  for (int i = 0; i < n; ++i) {
    const std::string name = seg.symbol_prefix() + "." + names[static_cast<std::size_t>(i)];
    m.states.push_back(
        {to_identifier(name), name, x0[i], std::string(Seg::state_info[static_cast<std::size_t>(i)].unit)});
    x.push_back(Expr::state(i, m.states.back().id, x0[i]));
  }
  const ValueReadLog read;
  const Expr t = Expr::time(t0_s);
  models::SegmentInputsTpl<Expr> in = inputs(t);
  detail::name_inputs(in, to_identifier(seg.symbol_prefix()), m.output_ids, m.output_units);
  std::vector<Expr> dx(static_cast<std::size_t>(n));
  seg.evaluate(x.data(), in, dx.data(), /*accumulate=*/true);
  m.graph = std::make_shared<const Graph>(std::move(dx));
  m.parameters = detail::used_parameters(*m.graph, read,
                                         [&](auto&& f) { for_each_parameter(seg.params(), seg.symbol_prefix(), f); });
  return m;
}

}  // namespace massagesim::symbolic
