#pragma once
/// \file model_binding.hpp
/// \brief Turns a model's parameter structs into named symbols while its equations are recorded.
///
/// `Segment::evaluate` and `Limb::rhs` call `bind_symbols(params, prefix)` (found by argument-dependent
/// lookup) when their scalar is symbolic; every parameter then appears in the exported equations as
/// `<prefix>__<name>` with its value, and `for_each_parameter` lists the same ids with their metadata
/// (unit, range, source) for the exporter. Include this header before tracing with `Expr`.

#include <array>
#include <string>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/symbolic/expr.hpp"

namespace massagesim::symbolic {

/// Id of parameter `name` of the block owned by `prefix`.
inline std::string parameter_id(std::string_view prefix, std::string_view name) {
  return std::string(prefix) + "__" + std::string(name);
}

namespace detail {
/// A parameter block of N members of type T in declaration order (the layout the registry uses).
template <class T, class P, std::size_t N>
T* members(P& block, const std::array<ParameterInfo, N>&) {
  static_assert(sizeof(P) == N * sizeof(T), "parameter struct and its info table disagree in length");
  return reinterpret_cast<T*>(&block);
}
}  // namespace detail

/// Calls f(id, info, value) for every parameter of composed parameters (a segment's, a limb's modules'),
/// as `bind_parameter_symbol` names them.
template <class P, class F>
requires requires { typename P::modules; }
void for_each_parameter(const P& p, std::string_view prefix, F&& f) {
  models::for_each_parameter(
      p, [&](std::string_view, const ParameterInfo& i, const double& v) { f(parameter_id(prefix, i.name), i, v); });
}

/// Replaces a parameter's value by the named parameter symbol "<prefix>__<name>" (found by argument-
/// dependent lookup from the models' right-hand sides when they record their equations).
inline void bind_parameter_symbol(Expr& v, std::string_view prefix, std::string_view name) {
  v = Expr::parameter(parameter_id(prefix, name), v.traced_value());
}

/// Calls f(id, info, value) for every parameter of the whole-body lactate model.
template <class F>
void for_each_parameter(const models::WholeBodyLactateParams& p, std::string_view prefix, F&& f) {
  auto& mut = const_cast<models::WholeBodyLactateParams&>(p);
  models::LactatePoolParams::visit(mut.pool, [&](const ParameterInfo& i, double& v) {
    f(parameter_id(std::string(prefix) + "_pool", i.name), i, v);
  });
  models::MetabolitesParams::visit(mut.muscle, [&](const ParameterInfo& i, double& v) {
    f(parameter_id(std::string(prefix) + "_muscle", i.name), i, v);
  });
  models::WorkingMuscleFlowParamsTpl<double>::visit(mut.flow, [&](const ParameterInfo& i, double& v) {
    f(parameter_id(std::string(prefix) + "_flow", i.name), i, v);
  });
}

/// Same for the whole-body lactate model (ids "<prefix>_pool__...", "_muscle__...", "_flow__...").
inline void bind_symbols(models::WholeBodyLactateParamsTpl<Expr>& p, const std::string& prefix) {
  auto bind = [](const std::string& block) {
    return [block](const ParameterInfo& i, Expr& e) {
      e = Expr::parameter(parameter_id(block, i.name), e.traced_value());
    };
  };
  models::LactatePoolParamsTpl<Expr>::visit(p.pool, bind(prefix + "_pool"));
  models::MetabolitesParamsTpl<Expr>::visit(p.muscle, bind(prefix + "_muscle"));
  models::WorkingMuscleFlowParamsTpl<Expr>::visit(p.flow, bind(prefix + "_flow"));
}

}  // namespace massagesim::symbolic
