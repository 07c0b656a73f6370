#pragma once
/// \file module.hpp
/// \brief The module concept: a piece of physiology that declares, as data, its parameters, states and
///        outputs, and computes its signals, outputs and right-hand side over its own state block and a
///        bus of signals shared with the other modules of its level.
///
/// Two levels compose modules (docs/architecture.md):
///  - a segment (segment.hpp) is a list of *segment modules* sharing a `SegmentBus`;
///  - a limb (limb.hpp) is its segments plus a list of *limb modules* (systemic circulation, the
///    whole-body lactate pool) sharing a `LimbBus`: limb modules read aggregates over the segments and
///    publish the signals every segment reads (arterial and central venous pressure, arterial lactate).
///
/// State layouts, parameter registries, symbolic (SBML) bindings and output tables are produced by
/// iterating over a composition's module list (`for_each_module`), never by parallel hand-kept lists.
///
/// A module `M` provides (checked by the `Module` concept):
///  - `M::name`: the id of its parameter block (`"hemodynamics"`); limb modules' parameter ids are
///    qualified with it (`systemic.mean_arterial_pressure_mmHg`);
///  - `M::Params<S>`: its parameter struct, templated on the scalar, whose members are all `S` in the order
///    of `M::parameter_info` (unit, range, source); with `cast<T>()`;
///  - `M::states`: `StateInfo` of each state (name, unit, physiological bounds) in layout order;
///  - `M::outputs`: `OutputInfo` of each derived output (name, unit, description);
///  - `M::Work<S>`: what its evaluation keeps for later stages and outputs (may be empty);
///  - the stages, all templated on the scalar (double, AD, symbolic) and on the bus type:
///      `signals(p, x, bus, work)` — algebraic signals of its states that other modules read first;
///      `flows(p, x, bus, work)`   — pressures and flows once every module's signals are on the bus;
///      `rhs(p, x, bus, work, dxdt)` — its states' derivatives [per second];
///      `write_outputs(p, x, bus, work, out)` — its outputs, in the order of `M::outputs` (double only).
///    A composition runs every module's `signals` in list order, then every `flows`, then every `rhs`:
///    no algebraic loop arises as long as a module reads in `signals` only what earlier modules' `signals`
///    wrote.

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "massagesim/core/parameter.hpp"

namespace massagesim::models {

/// Description of one state: unit-suffixed name, unit, documented physiological bounds.
struct StateInfo {
  std::string_view name;
  std::string_view unit;
  double min;  ///< lowest physiological value (the envelope test checks every scenario against it)
  double max;  ///< highest physiological value
  std::string_view description;
};

/// Description of one derived output: unit-suffixed name, unit, one line of description.
struct OutputInfo {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
};

/// An ordered list of modules (a composition).
template <class... Ms>
struct ModuleList {
  static constexpr std::size_t size = sizeof...(Ms);
};

/// Calls `f.template operator()<M>()` for every module of a list, in order.
template <class... Ms, class F>
constexpr void for_each_module(ModuleList<Ms...>, F&& f) {
  (f.template operator()<Ms>(), ...);
}

/// A list with one more module appended (how a model is extended without editing its header).
template <class List, class... More>
struct Append;
template <class... Ms, class... More>
struct Append<ModuleList<Ms...>, More...> {
  using type = ModuleList<Ms..., More...>;
};
template <class List, class... More>
using append_t = typename Append<List, More...>::type;

/// Two lists, one after the other.
template <class A, class B>
struct Concat;
template <class... As, class... Bs>
struct Concat<ModuleList<As...>, ModuleList<Bs...>> {
  using type = ModuleList<As..., Bs...>;
};
template <class A, class B>
using concat_t = typename Concat<A, B>::type;

/// Parameters of a module without any.
template <class S>
struct NoParams {
  template <class T>
  NoParams<T> cast() const {
    return {};
  }
};
inline constexpr std::array<ParameterInfo, 0> no_parameters{};

/// What a module keeps between its stages when it keeps nothing.
template <class S>
struct NoWork {};

/// The structural part of the module concept (the stages are templates, checked where they are called).
template <class M>
concept Module = requires {
  { M::name } -> std::convertible_to<std::string_view>;
  typename M::template Params<double>;
  typename M::template Work<double>;
  M::parameter_info.size();
  M::states.size();
  M::outputs.size();
};

/// Number of states of a module.
template <class M>
inline constexpr int n_states_of = static_cast<int>(M::states.size());

/// Number of outputs of a module.
template <class M>
inline constexpr int n_outputs_of = static_cast<int>(M::outputs.size());

/// First state of module `M` in a list's layout (modules' blocks are laid out in list order).
template <class M, class... Ms>
consteval int state_offset(ModuleList<Ms...>) {
  int off = 0;
  bool found = false;
  ((found = found || std::is_same_v<M, Ms>, off += found ? 0 : n_states_of<Ms>), ...);
  return found ? off : -1;
}

/// First output of module `M` in a list's output table.
template <class M, class... Ms>
consteval int output_offset(ModuleList<Ms...>) {
  int off = 0;
  bool found = false;
  ((found = found || std::is_same_v<M, Ms>, off += found ? 0 : n_outputs_of<Ms>), ...);
  return found ? off : -1;
}

/// Position of module `M` in a list.
template <class M, class... Ms>
consteval std::size_t module_index(ModuleList<Ms...>) {
  std::size_t i = 0;
  bool found = false;
  ((found = found || std::is_same_v<M, Ms>, i += found ? 0 : 1), ...);
  return i;
}

/// Total number of states / outputs of a list.
template <class... Ms>
consteval int total_states(ModuleList<Ms...>) {
  return (0 + ... + n_states_of<Ms>);
}
template <class... Ms>
consteval int total_outputs(ModuleList<Ms...>) {
  return (0 + ... + n_outputs_of<Ms>);
}

/// Parameters of a composition: each module's parameter struct is a base, so a member is reached by its
/// (unique) name, `p.tissue_mass_g`, and a block by `block<M>(p)`.
template <class S, class List>
struct ComposedParamsTpl;
template <class S, class... Ms>
struct ComposedParamsTpl<S, ModuleList<Ms...>> : Ms::template Params<S>... {
  using scalar_type = S;
  using modules = ModuleList<Ms...>;
  template <class T>
  ComposedParamsTpl<T, ModuleList<Ms...>> cast() const {
    ComposedParamsTpl<T, ModuleList<Ms...>> o;
    ((static_cast<typename Ms::template Params<T>&>(o) =
          static_cast<const typename Ms::template Params<S>&>(*this).template cast<T>()),
     ...);
    return o;
  }
};

/// The parameter block of module `M` in composed parameters (`ComposedParamsTpl`).
template <class M, class P>
decltype(auto) block(P& p) {
  using S = typename std::remove_const_t<P>::scalar_type;
  using B = typename M::template Params<S>;
  if constexpr (std::is_const_v<P>)
    return static_cast<const B&>(p);
  else
    return static_cast<B&>(p);
}

namespace detail {

/// The members of a module's parameter struct, in the order of its info table (they are all `T`).
template <class T, class P, std::size_t N>
T* parameter_members(P& params, const std::array<ParameterInfo, N>&) {
  static_assert(N == 0 || sizeof(P) == N * sizeof(T), "parameter struct and its info table disagree in length");
  return reinterpret_cast<T*>(&params);
}

}  // namespace detail

/// Calls f(info, value&) for every parameter of module `M`'s block `b` of scalar `T`.
template <class M, class T, class B, class F>
void for_each_parameter_of(B& b, F&& f) {
  if constexpr (requires { M::visit_parameters(b, f); }) {
    M::visit_parameters(b, f);  // a block made of sub-blocks lists its parameters itself
  } else if constexpr (M::parameter_info.size() > 0) {
    using E = std::conditional_t<std::is_const_v<B>, const T, T>;
    E* v = detail::parameter_members<E>(b, M::parameter_info);
    for (std::size_t i = 0; i < M::parameter_info.size(); ++i) f(M::parameter_info[i], v[i]);
  }
}

}  // namespace massagesim::models
