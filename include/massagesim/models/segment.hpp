#pragma once
/// \file segment.hpp
/// \brief One tissue segment (default: a supine adult calf) composing the fluid modules into one
///        fixed-size state vector, with named states and derived outputs, driven by inputs(t).
///
/// Evaluation order inside `Segment::rhs` (see segment_signals.hpp; no algebraic loop, every
/// coupling passes through a state):
///   1. inputs -> bus (applied pressure, exercise intensity, height, massage drive; systemic MAP, CVP)
///   2. metabolites outputs (vasodilator signal, pain drive) and tone outputs (activation, reflex gain,
///      stiffness, intramuscular pressure)                               [metabolites.hpp, muscle_tone.hpp]
///   3. interstitial compliance f(V_isf); tissue pressures
///        P_t   = P_rest + kappa P_app + P_im + f(V_isf)   (total, seen by vessels: the measured IMP)
///        P_isf = f(V_isf) + kappa P_app + P_im            (free-fluid pressure, Starling)
///   4. (vasodilator signal: written in step 2 by metabolites.hpp, which replaced the o2_debt.hpp stand-in)
///   5. hemodynamics outputs (pressures, flows); 6. interstitium & lymph (filtration, lymph flows)
///   7. right-hand sides: hemodynamics, interstitium & lymph, metabolites (lactate, O2 debt), muscle tone
///      (arterial lactate is an input: the whole-body pool of lactate_pool.hpp lives at the systemic level)
///   8. fluid accumulators (cumulative inflow, outflow, filtration, lymph) for the conservation audit.
///
/// Metabolism blocks (metabolites, muscle tone) sit after hemodynamics and lymph; their outputs run in
/// step 2 and their right-hand sides in step 7. metabolites.hpp now writes `bus.vasodilator_signal`
/// with the R1 calibration of the former o2_debt.hpp stand-in (same curve and constants).

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/parameter.hpp"
#include "massagesim/models/hemodynamics.hpp"
#include "massagesim/models/interstitium_lymph.hpp"
#include "massagesim/models/metabolites.hpp"
#include "massagesim/models/muscle_tone.hpp"
#include "massagesim/models/segment_signals.hpp"
#include "massagesim/symbolic/scalar_traits.hpp"
#include "massagesim/solver/problem.hpp"

namespace massagesim::models {

/// Segment-level parameters: geometry, posture at rest, tissue-pressure coupling, systemic stand-ins.
template <class S>
struct SegmentTissueParamsTpl {
  S tissue_mass_g{2000.0};
  S rest_height_above_heart_cm{-5.0};
  S tissue_pressure_transmission{0.8};
  S resting_tissue_pressure_mmHg{6.0};
  S mean_arterial_pressure_mmHg{93.0};
  S central_venous_pressure_mmHg{4.0};

  template <class T>
  SegmentTissueParamsTpl<T> cast() const {
    return {T(tissue_mass_g), T(rest_height_above_heart_cm), T(tissue_pressure_transmission),
            T(resting_tissue_pressure_mmHg), T(mean_arterial_pressure_mmHg), T(central_venous_pressure_mmHg)};
  }
};

inline constexpr std::array<ParameterInfo, 6> segment_tissue_parameter_info{{
    {"tissue_mass_g", "g", 2000.0, 200.0, 10000.0, "[GK] adult calf ~2 kg (forearm ~1 kg)", "mass of the segment's tissue"},
    {"rest_height_above_heart_cm", "cm", -5.0, -120.0, 60.0, "[GK] supine calf slightly below heart level",
     "height of the segment above the heart in the resting posture"},
    {"tissue_pressure_transmission", "1", 0.8, 0.7, 0.85,
     "physiology.md §1E [D]: Murthy (NASA) IMP/surface 0.85 elastic, 0.7 inelastic; IPC tissue 20 % below chamber (Olszewski)",
     "kappa: fraction of the skin pressure reaching deep tissue"},
    {"resting_tissue_pressure_mmHg", "mmHg", 6.0, 2.0, 10.0,
     "calibrated to resting IMP 3.7-7.4 mmHg (5-10 cmH2O recumbent, physiology.md §1E) with P_i ~ -1 mmHg",
     "P_rest: solid-tissue (fascial) stress on vessels at rest"},
    {"mean_arterial_pressure_mmHg", "mmHg", 93.0, 70.0, 110.0, "validation.md rest: MAP 90-95 mmHg",
     "systemic mean arterial pressure at heart level (until a systemic model drives it)"},
    {"central_venous_pressure_mmHg", "mmHg", 4.0, 0.0, 10.0, "[GK] supine CVP", "central venous pressure (systemic stand-in)"},
}};

/// All parameters of a segment.
template <class S>
struct SegmentParamsTpl {
  SegmentTissueParamsTpl<S> tissue{};
  HemodynamicsParamsTpl<S> hemodynamics{};
  InterstitiumLymphParamsTpl<S> lymph{};
  // --- metabolism developer's blocks (metabolites.hpp, muscle_tone.hpp) ---
  // In a Segment, the metabolites' muscle_mass_kg is taken from tissue_mass_g (see Segment::evaluate).
  MetabolitesParamsTpl<S> metabolites{};
  MuscleToneParamsTpl<S> tone{};

  template <class T>
  SegmentParamsTpl<T> cast() const {
    return {tissue.template cast<T>(), hemodynamics.template cast<T>(), lymph.template cast<T>(),
            metabolites.template cast<T>(), tone.template cast<T>()};
  }
};
using SegmentParams = SegmentParamsTpl<double>;

/// Accumulators of the fluid audit.
struct FluidAuditLayout {
  enum Index : int { arterial_inflow = 0, venous_outflow = 1, filtration = 2, lymph_outflow = 3, n = 4 };
  static constexpr std::array<const char*, n> state_names{"cumulative_arterial_inflow_mL", "cumulative_venous_outflow_mL",
                                                          "cumulative_filtration_mL", "cumulative_lymph_outflow_mL"};
};

/// Where each module's block sits in the segment state vector.
struct SegmentLayout {
  static constexpr int hemodynamics = 0;
  static constexpr int metabolites = hemodynamics + HemodynamicsLayout::n;  // lactate x3, O2 debt (replaces o2_debt)
  static constexpr int lymph = metabolites + kMetabolitesSize;
  static constexpr int tone = lymph + InterstitiumLymphLayout::n;          // muscle tone x3
  static constexpr int audit = tone + kMuscleToneSize;
  static constexpr int n = audit + FluidAuditLayout::n;

  static std::array<std::string, n> state_names() {
    std::array<std::string, n> out;
    for (int i = 0; i < HemodynamicsLayout::n; ++i) out[hemodynamics + i] = HemodynamicsLayout::state_names[i];
    for (int i = 0; i < kMetabolitesSize; ++i) out[metabolites + i] = metabolites_state_names[i];
    for (int i = 0; i < InterstitiumLymphLayout::n; ++i) out[lymph + i] = InterstitiumLymphLayout::state_names[i];
    for (int i = 0; i < kMuscleToneSize; ++i) out[tone + i] = muscle_tone_state_names[i];
    for (int i = 0; i < FluidAuditLayout::n; ++i) out[audit + i] = FluidAuditLayout::state_names[i];
    return out;
  }
  /// Index of a state by name; throws UnknownName.
  static int index_of(std::string_view name) {
    const auto names = state_names();
    for (int i = 0; i < n; ++i)
      if (names[i] == name) return i;
    std::string known;
    for (const auto& s : names) known += (known.empty() ? "" : ", ") + s;
    throw UnknownName(detail::concat("unknown state '", name, "'; known: ", known));
  }
};

/// Time-dependent inputs of one segment (from a protocol).
/// Templated on the scalar so that a recorded (symbolic) protocol can drive the same right-hand side.
template <class T>
struct SegmentInputsTpl {
  T applied_pressure_mmHg = 0.0;  ///< on the skin
  T exercise_intensity = 0.0;     ///< fraction of VO2max of this muscle
  T height_above_heart_cm = 0.0;  ///< posture
  T massage_drive = 0.0;          ///< 0..1 (reflex inhibition; used by muscle_tone.hpp)
  T arterial_lactate_mmol_per_L = 1.0;  ///< from the whole-body pool (lactate_pool.hpp); rest 1.0 (Menzies 2010)
};
using SegmentInputs = SegmentInputsTpl<double>;

/// Coupling of a segment to its neighbours in a limb (limb.hpp); absent (nullptr) for a lone segment.
/// Additive to the lone-segment model: with no coupling the segment drains to the central veins and
/// to its own lymph downstream pressure, as before.
template <class S>
struct SegmentCouplingTpl {
  S venous_inflow_mL_per_min{0};  ///< venous outflow of the distal neighbour, entering this segment's veins
  S lymph_inflow_mL_per_min{0};   ///< lymph outflow of the distal neighbour, entering this collector
  bool has_proximal = false;      ///< true: drains into a proximal segment (pressures below), not centrally
  S proximal_venous_pressure_mmHg{0};  ///< pressure downstream of the venous valve, at this segment's height
  S proximal_lymph_pressure_mmHg{0};   ///< pressure downstream of the lymphangion outlet valve
  S arterial_lactate_mmol_per_L{1};    ///< from the limb's blood-lactate pool (overrides the input)
  bool has_arterial_lactate = false;
};

/// Names of the derived outputs, in the order of `Segment::outputs`.
inline constexpr std::array<const char*, 34> segment_output_names{
    "arterial_inflow_mL_per_min",        "arterial_inflow_mL_per_min_per_100g",
    "arteriolar_flow_mL_per_min",        "venous_outflow_mL_per_min",
    "venous_outflow_mL_per_min_per_100g", "filtration_mL_per_min",
    "lymph_flow_mL_per_min",             "lymph_flow_mL_per_h_per_100g",
    "local_arterial_pressure_mmHg",      "arterial_compartment_pressure_mmHg",
    "capillary_pressure_mmHg",           "venous_pressure_mmHg",
    "downstream_venous_pressure_mmHg",   "intramuscular_pressure_mmHg",
    "interstitial_fluid_pressure_mmHg",  "interstitial_compliance_pressure_mmHg",
    "initial_lymph_pressure_mmHg",       "collector_pressure_mmHg",
    "collector_filling_pressure_mmHg",   "vasodilator_signal",
    "myogenic_factor",                   "o2_uptake_mL_per_min",
    "o2_demand_mL_per_min",              "blood_volume_mL",
    "segment_fluid_volume_mL",           "venous_valve_pressure_difference_mmHg",
    "fluid_balance_residual_mL",
    "pain_drive",                        "reflex_gain",
    "passive_stiffness_rel",             "muscle_activation",
    "lactate_production_mmol_per_min",   "lactate_oxidation_mmol_per_min",
    "lactate_venous_efflux_mmol_per_min"};

/// One tissue segment. Immutable; `rhs` is const and thread-safe.
class Segment {
 public:
  static constexpr int n_states = SegmentLayout::n;
  static constexpr int n_outputs = static_cast<int>(segment_output_names.size());
  using State = Eigen::Matrix<double, n_states, 1>;

  explicit Segment(SegmentParams p = {}, std::string symbol_prefix = "segment")
      : p_(std::move(p)), symbol_prefix_(std::move(symbol_prefix)) {}
  const SegmentParams& params() const { return p_; }
  /// Prefix of this segment's parameter ids in exported equations (SBML): "<prefix>__<parameter>".
  const std::string& symbol_prefix() const { return symbol_prefix_; }

  /// Inputs of the resting subject (no pressure, no exercise, resting posture).
  SegmentInputs rest_inputs() const { return {0.0, 0.0, p_.tissue.rest_height_above_heart_cm, 0.0, 1.0}; }

  /// Everything the modules compute at one point, for any scalar.
  template <class S>
  struct Eval {
    SegmentSignalsTpl<S> bus;
    HemodynamicsOutputsTpl<S> hemo;
    InterstitiumLymphOutputsTpl<S> lymph;
  };

  /// Right-hand side dx/dt [per second]. `accumulate = false` zeroes the audit block (steady states).
  /// `in` is usually `SegmentInputs` (doubles); a symbolic scalar may also take symbolic inputs.
  template <class S, class I = double>
  Eval<S> evaluate(const S* x, const SegmentInputsTpl<I>& in, S* dxdt, bool accumulate = true,
                   const SegmentCouplingTpl<S>* coupling = nullptr) const {
    SegmentParamsTpl<S> p = p_.template cast<S>();
    // Recording the equations (symbolic/model_binding.hpp): parameters become named symbols.
    if constexpr (symbolic::SymbolicScalar<S>) bind_symbols(p, symbol_prefix_);
    p.metabolites.muscle_mass_kg = p.tissue.tissue_mass_g / S(1000.0);
    Eval<S> e;
    auto& bus = e.bus;
    // 1. inputs
    bus.applied_pressure_mmHg = S(in.applied_pressure_mmHg);
    bus.exercise_intensity = S(in.exercise_intensity);
    bus.height_above_heart_cm = S(in.height_above_heart_cm);
    bus.massage_drive = S(in.massage_drive);
    bus.tissue_mass_g = p.tissue.tissue_mass_g;
    bus.tissue_pressure_transmission = p.tissue.tissue_pressure_transmission;
    bus.arterial_pressure_mmHg = p.tissue.mean_arterial_pressure_mmHg;
    bus.central_venous_pressure_mmHg = p.tissue.central_venous_pressure_mmHg;
    bus.arterial_lactate_mmol_per_L = S(in.arterial_lactate_mmol_per_L);
    if (coupling) {
      if (coupling->has_arterial_lactate) bus.arterial_lactate_mmol_per_L = coupling->arterial_lactate_mmol_per_L;
      if (coupling->has_proximal) {
        // The venous outlet drains into the proximal segment's veins: hemodynamics_outputs computes the
        // downstream pressure as CVP + drop - rho g h, so set the CVP stand-in that gives the proximal
        // pressure; the lymphangion outlet drains into the proximal segment's collector.
        bus.central_venous_pressure_mmHg = coupling->proximal_venous_pressure_mmHg -
                                           p.hemodynamics.proximal_venous_pressure_drop_mmHg +
                                           p.hemodynamics.hydrostatic_gradient_mmHg_per_cm * bus.height_above_heart_cm;
        p.lymph.lymph_downstream_pressure_mmHg = coupling->proximal_lymph_pressure_mmHg;
      }
    }
    // 2. metabolites outputs (vasodilator signal, pain) then tone outputs (intramuscular pressure)
    metabolites_outputs(p.metabolites, x + SegmentLayout::metabolites, bus);
    muscle_tone_outputs(p.tone, x + SegmentLayout::tone, bus);
    // 3. tissue pressures
    const S scale = bus.tissue_mass_g / S(100.0);
    const S f_isf =
        interstitial_compliance_pressure(p.lymph, x[SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume], scale);
    const S kP = bus.tissue_pressure_transmission * bus.applied_pressure_mmHg;
    bus.interstitial_pressure_mmHg = f_isf;
    bus.interstitial_fluid_pressure_mmHg = f_isf + kP + bus.intramuscular_pressure_mmHg;
    bus.tissue_pressure_mmHg = p.tissue.resting_tissue_pressure_mmHg + kP + bus.intramuscular_pressure_mmHg + f_isf;
    // 4. vasodilator signal: written by metabolites_outputs in step 2
    // 5. blood side; 6. interstitium and lymph
    e.hemo = hemodynamics_outputs(p.hemodynamics, x + SegmentLayout::hemodynamics, bus);
    e.lymph = interstitium_lymph_outputs(p.lymph, x + SegmentLayout::lymph, p.tissue.resting_tissue_pressure_mmHg, bus);
    // 7. right-hand sides
    hemodynamics_rhs(p.hemodynamics, x + SegmentLayout::hemodynamics, e.hemo, bus, dxdt + SegmentLayout::hemodynamics);
    interstitium_lymph_rhs(p.lymph, x + SegmentLayout::lymph, e.lymph, dxdt + SegmentLayout::lymph);
    metabolites_rhs(p.metabolites, x + SegmentLayout::metabolites, bus, dxdt + SegmentLayout::metabolites);
    muscle_tone_rhs(p.tone, x + SegmentLayout::tone, bus, dxdt + SegmentLayout::tone);
    if (coupling) {
      dxdt[SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume] += coupling->venous_inflow_mL_per_min / S(60.0);
      dxdt[SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume] += coupling->lymph_inflow_mL_per_min / S(60.0);
    }
    // 8. audit
    S* a = dxdt + SegmentLayout::audit;
    if (accumulate) {
      a[FluidAuditLayout::arterial_inflow] = e.hemo.feed_inflow_mL_per_min / S(60.0);
      a[FluidAuditLayout::venous_outflow] = e.hemo.venous_outflow_mL_per_min / S(60.0);
      a[FluidAuditLayout::filtration] = e.lymph.filtration_mL_per_min / S(60.0);
      a[FluidAuditLayout::lymph_outflow] = e.lymph.lymph_outflow_mL_per_min / S(60.0);
    } else {
      for (int i = 0; i < FluidAuditLayout::n; ++i) a[i] = S(0.0);
    }
    return e;
  }

  /// Right-hand side on Eigen vectors of any scalar.
  template <class Vec>
  void rhs(const Vec& x, const SegmentInputs& in, Vec& dxdt, bool accumulate = true) const {
    evaluate(x.data(), in, dxdt.data(), accumulate);
  }

  /// Fluid held in the segment [mL]: arteries + veins + interstitium + lymph vessels.
  static double fluid_volume_mL(const State& x) {
    return x[SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume] +
           x[SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume] +
           x[SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume] +
           x[SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume] +
           x[SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume];
  }

  /// Derived outputs (names in `segment_output_names`). `x_start` (optional) is the state at the
  /// start of the run, for the fluid-balance residual: (V - V0) - (In - Out_venous - Out_lymph).
  /// `coupling` (optional): the segment's neighbours in a limb (limb.hpp); the residual then still
  /// counts only this segment's own inflow (the limb adds what comes from the distal neighbour).
  std::array<double, n_outputs> outputs(const State& x, const SegmentInputs& in, const State* x_start = nullptr,
                                        const SegmentCouplingTpl<double>* coupling = nullptr) const {
    State dx;
    const Eval<double> e = evaluate(x.data(), in, dx.data(), true, coupling);
    const double per100 = 100.0 / p_.tissue.tissue_mass_g;
    const double blood = x[SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume] +
                         x[SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume];
    double residual = 0.0;
    if (x_start) {
      const int A = SegmentLayout::audit;
      const double dIn = x[A + FluidAuditLayout::arterial_inflow] - (*x_start)[A + FluidAuditLayout::arterial_inflow];
      const double dOutV = x[A + FluidAuditLayout::venous_outflow] - (*x_start)[A + FluidAuditLayout::venous_outflow];
      const double dOutL = x[A + FluidAuditLayout::lymph_outflow] - (*x_start)[A + FluidAuditLayout::lymph_outflow];
      residual = (fluid_volume_mL(x) - fluid_volume_mL(*x_start)) - (dIn - dOutV - dOutL);
    }
    return {e.hemo.feed_inflow_mL_per_min,
            e.hemo.feed_inflow_mL_per_min * per100,
            e.hemo.arteriolar_flow_mL_per_min,
            e.hemo.venous_outflow_mL_per_min,
            e.hemo.venous_outflow_mL_per_min * per100,
            e.lymph.filtration_mL_per_min,
            e.lymph.lymph_outflow_mL_per_min,
            e.lymph.lymph_outflow_mL_per_min * 60.0 * per100,
            e.hemo.local_arterial_pressure_mmHg,
            e.hemo.arterial_pressure_mmHg,
            e.hemo.capillary_pressure_mmHg,
            e.hemo.venous_pressure_mmHg,
            e.hemo.downstream_venous_pressure_mmHg,
            e.bus.tissue_pressure_mmHg,
            e.bus.interstitial_fluid_pressure_mmHg,
            e.lymph.compliance_pressure_mmHg,
            e.lymph.initial_lymph_pressure_mmHg,
            e.lymph.collector_pressure_mmHg,
            e.lymph.collector_filling_pressure_mmHg,
            e.bus.vasodilator_signal,
            e.hemo.myogenic_factor,
            e.bus.vo2_mL_per_min,
            e.bus.o2_demand_mL_per_min,
            blood,
            fluid_volume_mL(x),
            e.hemo.valve_pressure_difference_mmHg,
            residual,
            e.bus.pain_drive,
            e.bus.reflex_gain,
            e.bus.passive_stiffness_rel,
            e.bus.muscle_activation,
            e.bus.lactate_production_mmol_per_min,
            e.bus.lactate_oxidation_mmol_per_min,
            e.bus.lactate_venous_efflux_mmol_per_min};
  }

  /// Index of an output by name; throws UnknownName.
  static int output_index(std::string_view name) {
    for (int i = 0; i < n_outputs; ++i)
      if (segment_output_names[i] == name) return i;
    std::string known;
    for (const char* s : segment_output_names) known += (known.empty() ? "" : ", ") + std::string(s);
    throw UnknownName(detail::concat("unknown output '", name, "'; known: ", known));
  }

  /// A rough resting state (volumes at their rest pressures); refine with `rest_state()`.
  State initial_guess() const {
    const double sc = p_.tissue.tissue_mass_g / 100.0;
    const auto& h = p_.hemodynamics;
    const auto& l = p_.lymph;
    State x = State::Zero();
    x[SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume] =
        sc * (h.arterial_unstressed_volume_mL_per_100g + h.arterial_compliance_mL_per_mmHg_per_100g * 85.0);
    x[SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume] =
        sc * (h.venous_unstressed_volume_mL_per_100g + h.venous_compliance_mL_per_mmHg_per_100g * 4.0);
    x[SegmentLayout::hemodynamics + HemodynamicsLayout::myogenic_pressure] = h.myogenic_reference_transmural_pressure_mmHg;
    x[SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume] =
        sc * (l.interstitial_reference_volume_mL_per_100g - l.interstitial_compliance_low_mL_per_mmHg_per_100g * 1.0);
    x[SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume] = sc * l.initial_lymph_unstressed_volume_mL_per_100g * 0.8;
    x[SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume] = sc * l.collector_unstressed_volume_mL_per_100g * 0.9;
    x[SegmentLayout::metabolites + kLactateCell] = 1.2;
    x[SegmentLayout::metabolites + kLactateIsf] = 1.05;
    x[SegmentLayout::metabolites + kLactateCap] = 1.0;
    x[SegmentLayout::tone + kToneActivation] = p_.tone.basal_tone_activation;
    return x;
  }

 private:
  SegmentParams p_;
  std::string symbol_prefix_;
};

/// An odeint-style System: `sys(x, dxdt, t)` for double and AD scalars, from a segment and a
/// callable `inputs(t) -> SegmentInputs`. `accumulate = false` freezes the audit block.
template <class InputsFn>
struct SegmentSystem {
  Segment segment;
  InputsFn inputs;
  bool accumulate = true;

  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    segment.rhs(x, inputs(t), dxdt, accumulate);
  }
};

/// Constant inputs as a callable.
struct ConstantInputs {
  SegmentInputs value;
  SegmentInputs operator()(double) const { return value; }
};

/// Builds the OdeProblem of a segment driven by `inputs` with the protocol's discontinuities; state
/// names are set so that solver errors name the state to blame, and negative volumes are rejected.
template <class InputsFn>
auto make_segment_problem(const Segment& seg, InputsFn inputs, const Segment::State& x0, double t0_s, double t1_s,
                          std::vector<double> discontinuities_s = {}) {
  using Sys = SegmentSystem<InputsFn>;
  OdeProblem<Sys, Segment::State> prob{Sys{seg, std::move(inputs), true}, x0, t0_s, t1_s, std::move(discontinuities_s)};
  const auto names = SegmentLayout::state_names();
  prob.state_names.assign(names.begin(), names.end());
  prob.domain_violation = [](const Segment::State& x) -> int {
    constexpr int vols[] = {SegmentLayout::hemodynamics + HemodynamicsLayout::arterial_volume,
                            SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::interstitial_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::initial_lymph_volume,
                            SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume};
    for (int i : vols)
      if (!(x[i] > 0.0)) return i;
    return -1;
  };
  return prob;
}

}  // namespace massagesim::models
