#pragma once
/// \file segment_signals.hpp
/// \brief The signals one tissue segment's modules exchange (the "bus" of the Segment model).
///
/// Each physiological module of a segment (hemodynamics, interstitium and lymph, metabolites,
/// muscle tone) owns a block of the state vector and a right-hand side templated on the scalar
/// type. Modules talk only through this struct, evaluated in a fixed order inside
/// `Segment::rhs` so that no algebraic loop arises (every coupling passes through a state):
///   1. inputs: applied pressure, exercise intensity, height (posture) from the protocol;
///   2. algebraic outputs from states: tone -> intramuscular pressure and reflex/pressure inhibition;
///      metabolites -> vasodilator signal and pain drive; interstitium -> interstitial pressure;
///   3. tissue pressure  P_t = P_rest + kappa * P_applied + P_intramuscular + f(V_isf);
///   4. hemodynamics and lymph -> flows; 5. metabolites -> lactate/O2 fluxes; 6. tone dynamics.
/// Fields are unit-suffixed. A module reads what it needs and writes what it produces.

namespace massagesim::models {

template <class S>
struct SegmentSignalsTpl {
  // --- inputs (protocol) --------------------------------------------------------------------
  S applied_pressure_mmHg{0};  ///< external pressure on the skin of this segment
  S exercise_intensity{0};     ///< fraction of VO2max (0 rest, 1 maximal), of this segment's muscle
  S whole_body_exercise{0};    ///< 1: the muscle works in whole-body exercise (shared cardiac output); 0: alone
  S height_above_heart_cm{0};  ///< posture: + above heart, - below (hydrostatic offset)
  S massage_drive{0};          ///< 0..1: mechanoreceptor stimulation (pressure applied/stroking) for reflex inhibition
  S contraction_pressure_mmHg{0};  ///< rhythmic contractions (muscle pump): added to the intramuscular pressure
  S muscle_flow_multiplier{1};     ///< prescribed factor on the muscle part's blood-flow conductance (1: none)

  // --- pressures ----------------------------------------------------------------------------
  S tissue_pressure_mmHg{0};         ///< total extravascular pressure seen by vessels
  S intramuscular_pressure_mmHg{0};  ///< from muscle tone/contraction
  S interstitial_pressure_mmHg{0};   ///< from interstitial volume (compliance curve)
  S capillary_pressure_mmHg{0};
  S venous_pressure_mmHg{0};
  S arterial_pressure_mmHg{0};        ///< systemic, at heart level (input from the systemic pool)
  S central_venous_pressure_mmHg{0};  ///< systemic, at heart level

  // --- flows --------------------------------------------------------------------------------
  S arterial_inflow_mL_per_min{0};
  S venous_outflow_mL_per_min{0};
  S capillary_plasma_flow_mL_per_min{0};  ///< plasma flow through exchanging capillaries
  S filtration_mL_per_min{0};             ///< net capillary filtration (Starling)
  S lymph_flow_mL_per_min{0};             ///< lymph leaving the segment

  // --- metabolism and tone ------------------------------------------------------------------
  S vasodilator_signal{0};  ///< dimensionless, >= 0: metabolic dilation of arterioles
  S o2_delivery_mL_per_min{0};
  S pain_drive{0};                   ///< 0..1, from metabolites and ischaemia
  S muscle_activation{0};            ///< 0..1
  S reflex_gain{1};                  ///< multiplier on the stretch reflex (1 = baseline)
  S passive_stiffness_rel{1};        ///< passive stiffness relative to baseline
  S arterial_lactate_mmol_per_L{0};  ///< blood lactate from the whole-body pool

  // --- metabolism and tone: fluxes and extra signals (metabolites.hpp, muscle_tone.hpp) -------
  S involuntary_activation{0};              ///< reflex/tonic/spasm activation above resting tone (costs O2)
  S vo2_mL_per_min{0};                      ///< O2 uptake of the segment's muscle
  S o2_demand_mL_per_min{0};                ///< O2 demand of the segment's muscle
  S lactate_production_mmol_per_min{0};     ///< glycolytic lactate production in the muscle cells
  S lactate_oxidation_mmol_per_min{0};      ///< lactate oxidised in the muscle cells
  S lactate_venous_efflux_mmol_per_min{0};  ///< Q_blood (C_venous - C_arterial): net lactate into blood
  S lactate_lymph_efflux_mmol_per_min{0};   ///< lymph flow x interstitial lactate, returned to blood

  // --- fluid side: extra signals (hemodynamics.hpp, interstitium_lymph.hpp, segment.hpp) ------
  S tissue_mass_g{100};                   ///< mass of the segment's tissue (scales per-100 g parameters)
  S muscle_fraction{1};                   ///< fraction of that mass that is skeletal muscle (dilates in exercise)
  S tissue_pressure_transmission{0.8};    ///< kappa: fraction of skin pressure reaching the deep tissue
  S interstitial_fluid_pressure_mmHg{0};  ///< free-fluid pressure driving Starling filtration and lymph
  S resting_tissue_pressure_mmHg{0};      ///< P_rest: solid-tissue (fascial) stress on vessels at rest
  S lymph_downstream_pressure_mmHg{0};    ///< pressure the lymphangion drains into (central or proximal collector)
  S arteriolar_flow_mL_per_min{0};        ///< flow through the arterioles into the capillaries

  // --- conduit vessels crossing a proximal cuff (limb.hpp, detail/conduit.hpp) ------------------
  bool has_conduit = false;                    ///< true: the feed passes conduit arteries under proximal segments
  S conduit_collapse_pressure_mmHg{0};         ///< largest cuff pressure on them, referred to this segment's height
  S venous_conduit_collapse_pressure_mmHg{0};  ///< cuff pressure on the proximal neighbour's conduit veins
  S arterial_pulse_pressure_mmHg{40};          ///< systolic - diastolic (systemic.hpp)
};

using SegmentSignals = SegmentSignalsTpl<double>;

}  // namespace massagesim::models
