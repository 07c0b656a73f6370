#pragma once
/// \file segment.hpp
/// \brief One tissue segment (default: a supine adult calf): a composition of segment modules
///        (module.hpp) in one fixed-size state vector, with named states and outputs, driven by inputs(t).
///
/// The default segment's modules, in state-layout order (`SegmentModules`):
///   hemodynamics (3 states), metabolites (4), interstitium & lymph (5), muscle tone (3), tissue (0),
///   fluid audit (4).
/// Evaluation (`SegmentTpl::evaluate`; no algebraic loop, every coupling passes through a state):
///   1. inputs -> bus (applied pressure, exercise intensity, height, massage drive; arterial and central
///      venous pressure and arterial lactate from the limb bus, or the inputs for a lone segment);
///   2. `publish`: parameters other modules read (tissue mass, kappa, P_rest, lymph downstream pressure);
///      then the limb's coupling (proximal venous and lymph pressures);
///   3. `signals`: metabolites (vasodilator signal, pain), interstitium (f(V_isf)), tone (activation,
///      intramuscular pressure), tissue (P_isf, P_t = P_rest + kappa P_app + P_im + f(V_isf));
///   4. `flows`: hemodynamics (pressures, flows), then interstitium & lymph (filtration, lymph flows);
///   5. `rhs` of every module (the audit accumulates the flows), then inflow from the distal neighbour.
/// A new segment module is one header with a module struct; `append_t<SegmentModules, M>` composes it
/// (tests/cpp/models/test_module.cpp shows a toy one).

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/parameter.hpp"
#include "massagesim/models/extra_modules.hpp"
#include "massagesim/models/fluid_audit.hpp"
#include "massagesim/models/hemodynamics.hpp"
#include "massagesim/models/interstitium_lymph.hpp"
#include "massagesim/models/metabolites.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/muscle_tone.hpp"
#include "massagesim/models/segment_signals.hpp"
#include "massagesim/models/systemic.hpp"
#include "massagesim/models/tissue.hpp"
#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::models {

/// The default segment's modules, in state-layout order. Modules built in by extra_modules.hpp come
/// before the fluid audit: its accumulators stay the last block, outside what steady states solve for.
using SegmentModules = concat_t<
    concat_t<ModuleList<HemodynamicsModule, MetabolitesModule, InterstitiumLymphModule, MuscleToneModule, TissueModule>,
             extra_modules::segment>,
    ModuleList<FluidAuditModule>>;

/// The bus of a segment: the shared signals plus the evaluation's flags.
template <class S>
struct SegmentBusTpl : SegmentSignalsTpl<S> {
  bool accumulate = true;  ///< false: the fluid audit's derivatives are zero (steady states)
};

/// Time-dependent inputs of one segment (from a protocol). Arterial and central venous pressure are the
/// systemic module's defaults for a lone segment; in a limb they come from the limb bus.
/// Templated on the scalar so that a recorded (symbolic) protocol can drive the same right-hand side.
template <class T>
struct SegmentInputsTpl {
  T applied_pressure_mmHg = 0.0;  ///< on the skin
  T exercise_intensity = 0.0;     ///< fraction of VO2max of this muscle
  T height_above_heart_cm = 0.0;  ///< posture
  T massage_drive = 0.0;          ///< 0..1 (reflex inhibition; used by muscle_tone.hpp)
  /// Pressure of a circumferential device (cuff, sleeve chamber) on the segment [mmHg]: in a limb it also
  /// squeezes the conduit vessels that cross the segment to the segments distal to it (limb.hpp). Hands
  /// do not (0). Part of `applied_pressure_mmHg`, not added to it.
  T circumferential_pressure_mmHg = 0.0;
  T arterial_lactate_mmol_per_L = 1.0;  ///< from the whole-body pool (lactate_pool.hpp); rest 1.0 (Menzies 2010)
  T arterial_pressure_mmHg = SystemicParams{}.mean_arterial_pressure_mmHg;
  T central_venous_pressure_mmHg = SystemicParams{}.central_venous_pressure_mmHg;
  T whole_body_exercise = 0.0;  ///< 1: in whole-body exercise (O2 demand per kg of the shared cardiac output)
  /// Rhythmic contractions (the muscle pump, protocols::Contractions) [mmHg]: added to the intramuscular
  /// pressure (tissue pressure on the vessels, external pressure of the lymphatics), not to the skin pressure.
  T contraction_pressure_mmHg = 0.0;
  /// Prescribed factor on the blood-flow conductance of the segment's muscle part (protocols::Phase::
  /// muscle_flow_multiplier, a sensitivity input); 1 = none.
  T muscle_flow_multiplier = 1.0;
};
using SegmentInputs = SegmentInputsTpl<double>;

/// Coupling of a segment to its limb (limb.hpp); absent (nullptr) for a lone segment.
/// Additive to the lone-segment model: with no coupling the segment drains to the central veins and
/// to its own lymph downstream pressure.
template <class S>
struct SegmentCouplingTpl {
  S venous_inflow_mL_per_min{0};       ///< venous outflow of the distal neighbour, entering this segment's veins
  S lymph_inflow_mL_per_min{0};        ///< lymph outflow of the distal neighbour, entering this collector
  bool has_proximal = false;           ///< true: drains into a proximal segment (pressures below), not centrally
  S proximal_venous_pressure_mmHg{0};  ///< pressure downstream of the venous valve, at this segment's height
  S proximal_lymph_pressure_mmHg{0};   ///< pressure downstream of the lymphangion outlet valve
  S arterial_lactate_mmol_per_L{1};    ///< from the limb bus (overrides the input)
  bool has_arterial_lactate = false;
  S arterial_pressure_mmHg{0};  ///< from the limb bus (overrides the input)
  S central_venous_pressure_mmHg{0};
  bool has_systemic = false;
  /// true: the segment's feed crosses the conduit arteries of proximal segments (detail/conduit.hpp).
  bool has_conduit = false;
  S conduit_collapse_pressure_mmHg{0};  ///< largest cuff pressure on them, referred to this segment's height
  /// Cuff pressure on the conduit veins of the proximal neighbour, which this segment's outlet drains
  /// through, referred to this segment's height.
  S venous_conduit_collapse_pressure_mmHg{0};
  S arterial_pulse_pressure_mmHg{40};  ///< from the limb bus (systemic.hpp)
};

/// Outputs of a segment that no single module owns (its whole fluid audit).
inline constexpr std::array<OutputInfo, 2> segment_audit_outputs{{
    {"segment_fluid_volume_mL", "mL", "fluid held in the segment (blood, interstitium, lymph vessels)"},
    {"fluid_balance_residual_mL", "mL",
     "(V - V0) - (inflow - venous outflow - lymph outflow) since the start of the run: 0 when fluid is conserved"},
}};

namespace detail {
template <class S, class List>
struct WorkTuple;
template <class S, class... Ms>
struct WorkTuple<S, ModuleList<Ms...>> {
  using type = std::tuple<typename Ms::template Work<S>...>;
};

template <class List, std::size_t Extra>
consteval auto concat_state_info() {
  std::array<StateInfo, static_cast<std::size_t>(total_states(List{}))> out{};
  std::size_t k = 0;
  for_each_module(List{}, [&]<class M>() {
    for (const auto& s : M::states) out[k++] = s;
  });
  return out;
}
template <class List, std::size_t Extra>
consteval auto concat_output_info(const std::array<OutputInfo, Extra>& extra) {
  std::array<OutputInfo, static_cast<std::size_t>(total_outputs(List{})) + Extra> out{};
  std::size_t k = 0;
  for_each_module(List{}, [&]<class M>() {
    for (const auto& o : M::outputs) out[k++] = o;
  });
  for (const auto& o : extra) out[k++] = o;
  return out;
}
}  // namespace detail

/// Calls f(module_name, info, value&) for every parameter of composed parameters `p`, module by module.
template <class P, class F>
void for_each_parameter(P& p, F&& f) {
  using S = typename std::remove_const_t<P>::scalar_type;
  for_each_module(typename std::remove_const_t<P>::modules{}, [&]<class M>() {
    for_each_parameter_of<M, S>(block<M>(p), [&](const ParameterInfo& i, auto& v) { f(M::name, i, v); });
  });
}

/// One tissue segment composed of the modules of `List`. Immutable; `rhs` is const and thread-safe.
template <class List = SegmentModules>
class SegmentTpl {
 public:
  using Modules = List;
  template <class S>
  using ParamsTpl = ComposedParamsTpl<S, List>;
  using Params = ParamsTpl<double>;
  static constexpr int n_states = total_states(List{});
  static constexpr int n_module_outputs = total_outputs(List{});
  static constexpr int n_outputs = n_module_outputs + static_cast<int>(segment_audit_outputs.size());
  using State = Eigen::Matrix<double, n_states, 1>;
  /// First state of module M.
  template <class M>
  static constexpr int offset = state_offset<M>(List{});

  /// Every state (name, unit, bounds) in layout order.
  static constexpr auto state_info = detail::concat_state_info<List, 0>();
  /// Every output (name, unit, description) in the order `outputs` returns them.
  static constexpr auto output_info = detail::concat_output_info<List>(segment_audit_outputs);

  explicit SegmentTpl(Params p = {}, std::string symbol_prefix = "segment")
      : p_(std::move(p)), symbol_prefix_(std::move(symbol_prefix)) {}
  const Params& params() const { return p_; }
  /// Prefix of this segment's parameter ids in exported equations (SBML): "<prefix>__<parameter>".
  const std::string& symbol_prefix() const { return symbol_prefix_; }

  /// Inputs of the resting subject (no pressure, no exercise, resting posture).
  SegmentInputs rest_inputs() const {
    SegmentInputs in;
    in.height_above_heart_cm = p_.rest_height_above_heart_cm;
    return in;
  }

  /// Everything the modules compute at one point, for any scalar.
  template <class S>
  struct Eval {
    SegmentBusTpl<S> bus;
    typename detail::WorkTuple<S, List>::type work;
    template <class M>
    const auto& of() const {
      return std::get<module_index<M>(List{})>(work);
    }
    template <class M>
    auto& of() {
      return std::get<module_index<M>(List{})>(work);
    }
  };

  /// Right-hand side dx/dt [per second]. `accumulate = false` zeroes the audit block (steady states).
  /// `in` is usually `SegmentInputs` (doubles); a symbolic scalar may also take symbolic inputs.
  template <class S, class I = double>
  Eval<S> evaluate(const S* x, const SegmentInputsTpl<I>& in, S* dxdt, bool accumulate = true,
                   const SegmentCouplingTpl<S>* coupling = nullptr) const {
    ParamsTpl<S> p = p_.template cast<S>();
    // Recording the equations (symbolic/model_binding.hpp): parameters become named symbols.
    if constexpr (symbolic::SymbolicScalar<S>)
      for_each_parameter(
          p, [&](std::string_view, const ParameterInfo& i, S& v) { bind_parameter_symbol(v, symbol_prefix_, i.name); });
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::derive(p); }) M::derive(p);
    });
    Eval<S> e;
    auto& bus = e.bus;
    bus.accumulate = accumulate;
    // 1. inputs
    bus.applied_pressure_mmHg = S(in.applied_pressure_mmHg);
    bus.exercise_intensity = S(in.exercise_intensity);
    bus.whole_body_exercise = S(in.whole_body_exercise);
    bus.height_above_heart_cm = S(in.height_above_heart_cm);
    bus.massage_drive = S(in.massage_drive);
    bus.contraction_pressure_mmHg = S(in.contraction_pressure_mmHg);
    bus.muscle_flow_multiplier = S(in.muscle_flow_multiplier);
    bus.arterial_pressure_mmHg = S(in.arterial_pressure_mmHg);
    bus.central_venous_pressure_mmHg = S(in.central_venous_pressure_mmHg);
    bus.arterial_lactate_mmol_per_L = S(in.arterial_lactate_mmol_per_L);
    // 2. parameters on the bus, then the limb's coupling
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::publish(block<M>(p), bus); }) M::publish(block<M>(p), bus);
    });
    if (coupling) {
      if (coupling->has_arterial_lactate) bus.arterial_lactate_mmol_per_L = coupling->arterial_lactate_mmol_per_L;
      if (coupling->has_systemic) {
        bus.arterial_pressure_mmHg = coupling->arterial_pressure_mmHg;
        bus.central_venous_pressure_mmHg = coupling->central_venous_pressure_mmHg;
      }
      if (coupling->has_proximal) {
        // The venous outlet drains into the proximal segment's veins: hemodynamics_outputs computes the
        // referred downstream pressure as CVP + drop - rho g h, so set the CVP that gives the proximal pressure;
        // the lymphangion outlet drains into the proximal segment's collector.
        bus.central_venous_pressure_mmHg = coupling->proximal_venous_pressure_mmHg -
                                           p.proximal_venous_pressure_drop_mmHg +
                                           p.hydrostatic_gradient_mmHg_per_cm * bus.height_above_heart_cm;
        bus.lymph_downstream_pressure_mmHg = coupling->proximal_lymph_pressure_mmHg;
      }
      if (coupling->has_conduit) {
        bus.has_conduit = true;
        bus.conduit_collapse_pressure_mmHg = coupling->conduit_collapse_pressure_mmHg;
        bus.venous_conduit_collapse_pressure_mmHg = coupling->venous_conduit_collapse_pressure_mmHg;
        bus.arterial_pulse_pressure_mmHg = coupling->arterial_pulse_pressure_mmHg;
      }
    }
    // 3. signals, 4. flows, 5. right-hand sides
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::signals(block<M>(p), x, bus, e.template of<M>()); })
        M::signals(block<M>(p), x + offset<M>, bus, e.template of<M>());
    });
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::flows(block<M>(p), x, bus, e.template of<M>()); })
        M::flows(block<M>(p), x + offset<M>, bus, e.template of<M>());
    });
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::rhs(block<M>(p), x, bus, e.template of<M>(), dxdt); })
        M::rhs(block<M>(p), x + offset<M>, bus, e.template of<M>(), dxdt + offset<M>);
    });
    if (coupling) {
      dxdt[offset<HemodynamicsModule> + HemodynamicsLayout::venous_volume] +=
          coupling->venous_inflow_mL_per_min / S(60.0);
      dxdt[offset<InterstitiumLymphModule> + InterstitiumLymphLayout::collector_volume] +=
          coupling->lymph_inflow_mL_per_min / S(60.0);
    }
    return e;
  }

  /// Right-hand side on Eigen vectors of any scalar.
  template <class Vec>
  void rhs(const Vec& x, const SegmentInputs& in, Vec& dxdt, bool accumulate = true) const {
    evaluate(x.data(), in, dxdt.data(), accumulate);
  }

  /// Fluid held in the segment [mL]: the sum over the modules that hold fluid.
  static double fluid_volume_mL(const State& x) {
    double v = 0.0;
    for_each_module(List{}, [&]<class M>() {
      if constexpr (requires { M::add_fluid_volume_mL(x.data(), v); }) M::add_fluid_volume_mL(x.data() + offset<M>, v);
    });
    return v;
  }

  /// Derived outputs (names in `output_info`). `x_start` (optional) is the state at the start of the
  /// run, for the fluid-balance residual: (V - V0) - (In - Out_venous - Out_lymph). `coupling` (optional):
  /// the segment's neighbours in a limb (limb.hpp); the residual then still counts only this segment's
  /// own inflow (the limb adds what comes from the distal neighbour).
  std::array<double, n_outputs> outputs(const State& x, const SegmentInputs& in, const State* x_start = nullptr,
                                        const SegmentCouplingTpl<double>* coupling = nullptr) const {
    State dx;
    const Eval<double> e = evaluate(x.data(), in, dx.data(), true, coupling);
    std::array<double, n_outputs> out{};
    for_each_module(List{}, [&]<class M>() {
      if constexpr (n_outputs_of < M >> 0)
        M::write_outputs(block<M>(p_), x.data() + offset<M>, e.bus, e.template of<M>(),
                         out.data() + output_offset<M>(List{}));
    });
    double residual = 0.0;
    if (x_start) {
      constexpr int A = offset<FluidAuditModule>;
      const double dIn = x[A + FluidAuditLayout::arterial_inflow] - (*x_start)[A + FluidAuditLayout::arterial_inflow];
      const double dOutV = x[A + FluidAuditLayout::venous_outflow] - (*x_start)[A + FluidAuditLayout::venous_outflow];
      const double dOutL = x[A + FluidAuditLayout::lymph_outflow] - (*x_start)[A + FluidAuditLayout::lymph_outflow];
      residual = (fluid_volume_mL(x) - fluid_volume_mL(*x_start)) - (dIn - dOutV - dOutL);
    }
    out[n_module_outputs] = fluid_volume_mL(x);
    out[n_module_outputs + 1] = residual;
    return out;
  }

  /// Names of the states, in layout order.
  static std::array<std::string, n_states> state_names() {
    std::array<std::string, n_states> out;
    for (int i = 0; i < n_states; ++i)
      out[static_cast<std::size_t>(i)] = std::string(state_info[static_cast<std::size_t>(i)].name);
    return out;
  }
  /// Index of a state by name; throws UnknownName.
  static int state_index(std::string_view name) {
    for (int i = 0; i < n_states; ++i)
      if (state_info[static_cast<std::size_t>(i)].name == name) return i;
    std::string known;
    for (const auto& s : state_info) known += (known.empty() ? "" : ", ") + std::string(s.name);
    throw UnknownName(detail_concat("unknown state '", name, "'; known: ", known));
  }
  /// Index of an output by name; throws UnknownName.
  static int output_index(std::string_view name) {
    for (int i = 0; i < n_outputs; ++i)
      if (output_info[static_cast<std::size_t>(i)].name == name) return i;
    std::string known;
    for (const auto& o : output_info) known += (known.empty() ? "" : ", ") + std::string(o.name);
    throw UnknownName(detail_concat("unknown output '", name, "'; known: ", known));
  }

  /// A rough resting state (volumes at their rest pressures); refine with `rest_state()`.
  State initial_guess() const {
    const double sc = p_.tissue_mass_g / 100.0;
    const auto& h = block<HemodynamicsModule>(p_);
    const auto& l = block<InterstitiumLymphModule>(p_);
    constexpr int H = offset<HemodynamicsModule>, L = offset<InterstitiumLymphModule>, M = offset<MetabolitesModule>;
    State x = State::Zero();
    x[H + HemodynamicsLayout::arterial_volume] =
        sc * (h.arterial_unstressed_volume_mL_per_100g + h.arterial_compliance_mL_per_mmHg_per_100g * 85.0);
    x[H + HemodynamicsLayout::venous_volume] =
        sc * (h.venous_unstressed_volume_mL_per_100g + h.venous_compliance_mL_per_mmHg_per_100g * 4.0);
    x[H + HemodynamicsLayout::myogenic_pressure] = h.myogenic_reference_transmural_pressure_mmHg;
    x[L + InterstitiumLymphLayout::interstitial_volume] =
        sc * (l.interstitial_reference_volume_mL_per_100g - l.interstitial_compliance_low_mL_per_mmHg_per_100g * 1.0);
    x[L + InterstitiumLymphLayout::initial_lymph_volume] = sc * l.initial_lymph_unstressed_volume_mL_per_100g * 0.8;
    x[L + InterstitiumLymphLayout::collector_volume] = sc * l.collector_unstressed_volume_mL_per_100g * 0.9;
    x[M + kLactateCell] = 1.2;
    x[M + kLactateIsf] = 1.05;
    x[M + kLactateCap] = 1.0;
    x[offset<MuscleToneModule> + kToneActivation] = p_.basal_tone_activation;
    return x;
  }

 private:
  template <class... A>
  static std::string detail_concat(A&&... a) {
    return massagesim::detail::concat(std::forward<A>(a)...);
  }
  Params p_;
  std::string symbol_prefix_;
};

/// The default segment.
using Segment = SegmentTpl<SegmentModules>;
template <class S>
using SegmentParamsTpl = Segment::ParamsTpl<S>;
using SegmentParams = Segment::Params;

/// Where each module's block sits in the default segment's state vector.
struct SegmentLayout {
  static constexpr int hemodynamics = Segment::offset<HemodynamicsModule>;
  static constexpr int metabolites = Segment::offset<MetabolitesModule>;
  static constexpr int lymph = Segment::offset<InterstitiumLymphModule>;
  static constexpr int tone = Segment::offset<MuscleToneModule>;
  static constexpr int audit = Segment::offset<FluidAuditModule>;
  static constexpr int n = Segment::n_states;
  static std::array<std::string, n> state_names() { return Segment::state_names(); }
  static int index_of(std::string_view name) { return Segment::state_index(name); }
};
// Steady states solve for the states before the audit (simulation/segment_problem.hpp, limb_problem.hpp).
static_assert(SegmentLayout::audit + n_states_of<FluidAuditModule> == SegmentLayout::n,
              "the fluid audit's accumulators must be the segment's last block");

}  // namespace massagesim::models
