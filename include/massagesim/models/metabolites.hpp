#pragma once
/// \file metabolites.hpp
/// \brief Lactate in muscle cells, interstitium and capillary blood, and the tissue O2 debt of one segment.
///
/// Equations (per segment of muscle mass m; fluxes in mmol/min, d/dt per second, t in s):
///   V_cell dC_m/dt   = P - J_MCT - J_ox
///   V_isf  dC_i/dt   = J_MCT - J_cap + J_filt - J_lymph
///   V_cap  dC_c/dt   = J_cap - J_wash - J_filt
///   dD/dt            = VO2_demand - VO2                                   [mL O2/min]
/// with
///   J_MCT  = m [Vmax1 (C_m/(Km1+C_m) - C_i/(Km1+C_i)) + Vmax4 (C_m/(Km4+C_m) - C_i/(Km4+C_i))]
///            (saturable, symmetric MCT1/MCT4 carriers; Km from Halestrap & Meredith 2004)
///   J_cap  = Q E (C_i - C_a),  E = 1 - exp(-PS/Q)   (Renkin 1959 / Crone 1963: plug-flow capillary at
///            quasi-steady state, so the capillary state relaxes to the Renkin-Crone venous value
///            C_v = C_a + E (C_i - C_a)); PS = m ps_rest + ps_recruit Q (capillary recruitment)
///   J_wash = Q (C_c - C_a)  (convective washout = venous lactate efflux into blood)
///   J_filt = J_v C_c,  J_lymph = Q_L C_i    (solvent drag with net filtration; lymph back to blood)
///   VO2    = smin(VO2_demand + (D - D_k)/tau_repay, E_max CaO2 Q)   (supply-limited uptake relaxing to demand:
///            first-order on- and off-kinetics, Meyer 1988; debt repayment)
///   D_k    = VO2_ex tau_repay   (the kinetic deficit: uptake lagging an exercise demand, covered by PCr)
///   VO2_demand = m vo2_rest + VO2_ex + m vo2_per_activation max(a_invol, 0),
///   VO2_ex = m v_I min(I,1),  v_I = vo2_per_intensity (muscle alone) or vo2_per_intensity_whole_body
///            (whole-body exercise: the cardiac output caps muscle flow, Rowell), a_invol = involuntary tone
///            above resting tone (muscle_tone.hpp)
///   J_ox   = VO2/67.2 f_max C_m/(K_ox + C_m)   (3 O2 per lactate; 22.4 mL/mmol; oxidation rises with
///            O2 supply and with activity, which raises VO2 — active recovery oxidises more)
///   P      = m [p_rest + p_max Hill(I; I50, n) + s_thr ramp(I; I_thr, 1)] + f_gly (VO2_demand - VO2 - (D_k -
///   D)+/tau)+/22.4 * 5.6
///            (glycolysis covers part of an O2 deficit that supply causes, not the kinetic lag: ischaemia
///            produces lactate)
/// Algebraic outputs (metabolites_outputs, evaluated before the flows):
///   vasodilator_signal = x_max d^n/(d^n + d50^n) + g_ex VO2_ex/m,  d = (D - D_k)+/m  (Ursino-type metabolic
///            dilation from the supply debt, physiology.md §2b, plus functional exercise dilation in proportion to
///            the exercise O2 demand, fitted to Radegran 1999's knee-extensor perfusion;
///            segment default n = 2, x_max = 12, d50 = 3.75 mL/kg, tau_repay = 30 s: the R1 calibration of the
///            fluid side's o2_debt.hpp stand-in, so that seconds-long massage strokes, whose debt myoglobin and
///            capillary O2 cover, give almost no dilation while minutes of occlusion saturate it)
///   pain_drive = u/(1+u),  u = w_lac softplus(C_i - C_pain)/C_pain_scale + d/d_pain + softplus(P_app -
///   P_pain)/P_pain_scale
/// Q is the segment's arteriolar (capillary) blood flow, floored smoothly at a tiny positive value so that
/// Q -> 0 (occlusion) is well defined: exchange and washout then stop and the debt accumulates at
/// VO2_demand. In the Renkin-Crone limit the stagnant capillary blood does not equilibrate with the
/// interstitium during a full occlusion (a simplification, documented in docs/models.md).
/// Volumes are fixed (the lactate spaces do not follow the interstitial-volume state).
/// \see Renkin EM (1959) Am J Physiol 197:1205; Crone C (1963) Acta Physiol Scand 58:292;
///      Halestrap AP, Meredith D (2004) Pflugers Arch 447:619 (MCT Km); physiology.md §2b, §2d.

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

/// Parameters of the segment metabolite module (per kg of muscle unless the name says otherwise).
template <class S>
struct MetabolitesParamsTpl {
  S muscle_mass_kg{1.0};
  S cell_water_L_per_kg{0.55};
  S isf_volume_L_per_kg{0.12};
  S capillary_blood_volume_L_per_kg{0.01};
  S mct1_vmax_mmol_per_min_per_kg{1.0};
  S mct1_km_mmol_per_L{4.5};
  S mct4_vmax_mmol_per_min_per_kg{10.4};
  S mct4_km_mmol_per_L{25.0};
  S ps_rest_L_per_min_per_kg{0.06};
  S ps_recruitment_per_flow{1.0};
  S production_rest_mmol_per_min_per_kg{0.02};
  S production_max_mmol_per_min_per_kg{120.0};
  S production_half_intensity{2.087};
  S production_hill{8.94};
  S glycolytic_deficit_fraction{0.5};
  S vo2_rest_mL_per_min_per_kg{2.5};
  S vo2_per_intensity_mL_per_min_per_kg{350.0};
  S vo2_per_intensity_whole_body_mL_per_min_per_kg{150.0};
  S vo2_per_activation_mL_per_min_per_kg{100.0};
  S arterial_o2_content_mL_per_L{200.0};
  S o2_extraction_max{0.9};
  S debt_repayment_time_s{30.0};
  S kinetic_deficit_fraction{1.0};
  S lactate_ox_fraction_max{0.61};
  S lactate_ox_km_mmol_per_L{5.0};
  S vasodilator_max{12.0};
  S vasodilator_half_debt_mL_per_kg{3.75};
  S vasodilator_hill{2.0};
  S exercise_dilation_per_vo2_kg_min_per_mL{0.3};
  S pain_lactate_threshold_mmol_per_L{4.0};
  S pain_lactate_scale_mmol_per_L{4.0};
  S pain_debt_scale_mL_per_kg{5.0};
  S pain_pressure_threshold_mmHg{150.0};
  S pain_pressure_scale_mmHg{50.0};
  S production_threshold_intensity{0.65};
  S production_threshold_slope_mmol_per_min_per_kg{9.0};
  S production_inhibition_lactate_mmol_per_L{36.0};
  S production_inhibition_hill{8.0};

  template <class T>
  MetabolitesParamsTpl<T> cast() const {
    MetabolitesParamsTpl<T> o;
    visit_pairs(*this, o, [](const S& a, T& b) { b = smooth::scalar_cast<T>(a); });
    return o;
  }

  /// Calls f(info, member) for every parameter, in the order of `parameter_info()`.
  template <class P, class F>
  static void visit(P& p, F&& f);

 private:
  template <class A, class B, class F>
  static void visit_pairs(const A& a, B& b, F&& f);
};

using MetabolitesParams = MetabolitesParamsTpl<double>;

/// Name, unit, default, physiological range and source of every metabolite parameter.
inline constexpr std::array<ParameterInfo, 38> metabolites_parameter_info{{
    {"muscle_mass_kg", "kg", 1.0, 0.05, 40.0, "segment anatomy (forearm ~1 kg, both legs' working muscle ~20 kg)",
     "muscle mass of the segment"},
    {"cell_water_L_per_kg", "L/kg", 0.55, 0.45, 0.65, "[GK] muscle water ~0.75 L/kg, ~3/4 intracellular",
     "intracellular lactate space"},
    {"isf_volume_L_per_kg", "L/kg", 0.12, 0.08, 0.20, "[GK] muscle extracellular space 10-15 %",
     "interstitial lactate space"},
    {"capillary_blood_volume_L_per_kg", "L/kg", 0.01, 0.005, 0.03, "[GK] muscle capillary blood ~1 mL/100 g",
     "exchanging capillary blood volume"},
    {"mct1_vmax_mmol_per_min_per_kg", "mmol/min/kg", 1.0, 0.1, 2.0,
     "calibrated to L2 (Gupta 1996) and L10 (Beneke 2007) with MCT4", "MCT1 maximal lactate flux"},
    {"mct1_km_mmol_per_L", "mmol/L", 4.5, 3.5, 8.0,
     "Halestrap & Meredith 2004 Pflugers Arch 447:619 (physiology.md 2d)", "MCT1 Km for L-lactate"},
    {"mct4_vmax_mmol_per_min_per_kg", "mmol/min/kg", 10.4, 2.0, 20.0,
     "calibrated to L10 appearance k1 (Beneke 2007) and L2 peak at 3 min (Gupta 1996); above the ~1.5 mmol/min/kg "
     "net-release plateau of physiology.md 2d (see docs/models.md)",
     "MCT4 maximal lactate flux"},
    {"mct4_km_mmol_per_L", "mmol/L", 25.0, 22.0, 30.0, "Halestrap & Meredith 2004 (MCT4 Km 5-10x MCT1; 22-28 mM)",
     "MCT4 Km for L-lactate"},
    {"ps_rest_L_per_min_per_kg", "L/min/kg", 0.06, 0.02, 0.2,
     "[GK] small-solute PS in resting muscle 2-10 mL/min/100 g", "capillary permeability-surface product at rest"},
    {"ps_recruitment_per_flow", "1", 1.0, 0.0, 3.0,
     "calibrated to L1 (Wiltshire 2010: efflux flow-limited, v-a unchanged)",
     "PS added per unit blood flow (capillary recruitment)"},
    {"production_rest_mmol_per_min_per_kg", "mmol/min/kg", 0.02, 0.0, 0.1,
     "calibrated to rest blood lactate 1.0 mmol/L (Menzies 2010)", "basal glycolytic lactate production"},
    {"production_max_mmol_per_min_per_kg", "mmol/min/kg", 120.0, 40.0, 200.0,
     "calibrated to peak blood lactate after sprints (Beneke 2007 A)", "maximal glycolytic lactate production"},
    {"production_half_intensity", "1", 2.087, 1.5, 3.5,
     "calibrated (sprint ~2.5-3x VO2max power); moved from 2.05 with production_hill so that total production at "
     "1.5 (L2, Gupta 1996) and 2.2 VO2max (E2 Wingate) stays as calibrated after the threshold ramp was added",
     "exercise intensity (fraction VO2max) at half-maximal production"},
    {"production_hill", "1", 8.94, 4.0, 12.0,
     "calibrated (all-out efforts; 8 before the threshold ramp, see production_half_intensity)",
     "Hill exponent of production vs intensity"},
    {"glycolytic_deficit_fraction", "1", 0.5, 0.0, 1.0,
     "[GK] part of an O2 deficit covered by glycolysis (rest by PCr)",
     "lactate produced per ATP-equivalent O2 deficit"},
    {"vo2_rest_mL_per_min_per_kg", "mL/min/kg", 2.5, 1.5, 4.0, "[GK] resting muscle VO2 0.2-0.3 mL/min/100 g",
     "resting muscle O2 demand"},
    {"vo2_per_intensity_mL_per_min_per_kg", "mL/min/kg", 350.0, 80.0, 400.0,
     "Radegran 1999 J Appl Physiol 87:2375: knee-extensor peak VO2 35.2 mL/min/100 g (small mass working alone); "
     "lumped cycling muscle 150 [D: ~4 L/min over ~20-25 kg]",
     "O2 demand per unit exercise intensity of a muscle working alone (capped at its peak)"},
    {"vo2_per_intensity_whole_body_mL_per_min_per_kg", "mL/min/kg", 150.0, 80.0, 250.0,
     "whole-body exercise caps muscle flow at ~73 mL/min/100 g (Rowell review, physiology.md §3: 22 L/min over 30 kg), "
     "~125-150 mL O2/min/kg at CaO2 200 mL/L and 85-100 % extraction; as the lumped working muscle [D: ~4 L/min "
     "over ~20-25 kg]",
     "O2 demand per unit intensity when the muscle works in whole-body exercise (cardiac output shared)"},
    {"vo2_per_activation_mL_per_min_per_kg", "mL/min/kg", 100.0, 20.0, 300.0, "[GK] isometric tone cost",
     "O2 demand per unit involuntary activation"},
    {"arterial_o2_content_mL_per_L", "mL/L", 200.0, 180.0, 210.0, "[GK] CaO2 ~20 mL/dL", "arterial O2 content"},
    {"o2_extraction_max", "1", 0.9, 0.7, 0.95, "[GK] maximal muscle O2 extraction (as o2_debt.hpp)",
     "highest O2 extraction fraction"},
    {"debt_repayment_time_s", "s", 30.0, 10.0, 300.0,
     "R1 decay of reactive hyperaemia (o2_debt.hpp calibration, [GK] ~1 min); lumped whole-body muscle 60 s (fast "
     "EPOC, calibrated to L2/L10)",
     "time constant of O2-debt repayment when supply allows"},
    {"kinetic_deficit_fraction", "1", 1.0, 0.0, 1.0,
     "1: uptake follows an exercise demand with the repayment time constant (phase II VO2 kinetics, tau ~30 s, "
     "Meyer 1988 first-order model [GK]); the lumped whole-body muscle keeps 0, its L2/L10 calibration",
     "fraction of the exercise O2 deficit that is the kinetic (PCr) lag of uptake rather than supply debt"},
    {"lactate_ox_fraction_max", "1", 0.61, 0.0, 1.0, "calibrated to L2 active recovery (Gupta 1996)",
     "largest fraction of VO2 fuelled by lactate"},
    {"lactate_ox_km_mmol_per_L", "mmol/L", 5.0, 1.0, 20.0, "calibrated to L2",
     "muscle lactate at half-maximal lactate fuel fraction"},
    {"vasodilator_max", "1", 12.0, 3.0, 80.0,
     "R1: peak reactive hyperaemia ~10-20x rest (o2_debt.hpp calibration, PMC4556838); lumped whole-body muscle 40 "
     "(exercise flow ~40x rest, Radegran 1999: up to ~80x)",
     "largest metabolic dilation (conductance multiplier - 1)"},
    {"vasodilator_half_debt_mL_per_kg", "mL/kg", 3.75, 0.5, 15.0,
     "R1 shape: half-maximal peak at ~1.5 min occlusion (o2_debt.hpp calibration); lumped whole-body muscle 2.0 "
     "(calibrated to L2/L10)",
     "O2 debt at half-maximal dilation"},
    {"vasodilator_hill", "1", 2.0, 1.0, 4.0,
     "R1 sigmoid shape (fluid developer's o2_debt.hpp calibration); 1 for the lumped whole-body muscle",
     "Hill exponent of dilation vs debt"},
    {"exercise_dilation_per_vo2_kg_min_per_mL", "kg min/mL", 0.3, 0.0, 1.0,
     "[D] Radegran 1999 J Appl Physiol 87:2375 (physiology.md §3): knee-extensor perfusion 246 mL/min/100 g at VO2 "
     "35.2 mL/min/100 g, 107x the resting 2.3 (calf, 1990): (107 - 1)/350 mL/min/kg, if nothing else limited flow",
     "functional (exercise) dilation per mL/min/kg of exercise O2 demand"},
    {"pain_lactate_threshold_mmol_per_L", "mmol/L", 4.0, 2.0, 10.0,
     "[GK] ischaemic/exercise muscle pain from metabolites", "interstitial lactate where pain starts"},
    {"pain_lactate_scale_mmol_per_L", "mmol/L", 4.0, 1.0, 20.0, "[GK]", "interstitial lactate scale of pain"},
    {"pain_debt_scale_mL_per_kg", "mL/kg", 5.0, 1.0, 20.0, "[GK] ischaemic pain within minutes of occlusion",
     "O2-debt scale of pain"},
    {"pain_pressure_threshold_mmHg", "mmHg", 150.0, 80.0, 400.0, "[GK] pressure-pain threshold ~2-4 kg/cm2",
     "applied pressure where pressure pain starts"},
    {"pain_pressure_scale_mmHg", "mmHg", 50.0, 10.0, 200.0, "[GK]", "applied-pressure scale of pain"},
    {"production_threshold_intensity", "1", 0.65, 0.3, 0.9,
     "[GK] lactate threshold ~0.6-0.7 VO2max; chosen mid-range, not fitted",
     "exercise intensity (fraction VO2max) above which glycolytic production rises linearly, up to VO2max"},
    {"production_threshold_slope_mmol_per_min_per_kg", "mmol/min/kg", 9.0, 0.0, 40.0,
     "fitted to E3.level and E3.steady (Beneke 2000 MSSE 32:1135: MLSS 4.9 +/- 1.4 mmol/L, rising < 1.0 mmol/L "
     "over minutes 10-30 at 0.75 VO2max)",
     "rise of glycolytic production per unit intensity between the lactate threshold and VO2max"},
    {"production_inhibition_lactate_mmol_per_L", "mmol/L", 36.0, 25.0, 200.0,
     "fitted (with production_inhibition_hill) so that muscle-cell lactate stays <= 45 mmol/L (~25-30 mmol/kg wet wt "
     "after exhaustive exercise, physiology.md section 3) in L2's protocol (Gupta 1996) on the default leg; "
     "mechanism: glycolysis falls in repeated sprints as the muscle acidifies although power holds (Bogdanis 1996 J "
     "Appl Physiol 80:876, citing Gaitanos 1993 and Spriet 1989); the lumped whole-body muscle 200 (none), its "
     "L2/L10 calibration",
     "muscle-cell lactate at which glycolytic lactate production is halved (acidosis inhibits glycolysis)"},
    {"production_inhibition_hill", "1", 8.0, 2.0, 12.0,
     "fitted with production_inhibition_lactate_mmol_per_L (steep: < 1 % below 20 mmol/L, so submaximal exercise "
     "is unchanged)",
     "Hill exponent of the inhibition of glycolytic production by muscle-cell lactate"},
}};

template <class S>
template <class P, class F>
void MetabolitesParamsTpl<S>::visit(P& p, F&& f) {
  const auto& I = metabolites_parameter_info;
  f(I[0], p.muscle_mass_kg);
  f(I[1], p.cell_water_L_per_kg);
  f(I[2], p.isf_volume_L_per_kg);
  f(I[3], p.capillary_blood_volume_L_per_kg);
  f(I[4], p.mct1_vmax_mmol_per_min_per_kg);
  f(I[5], p.mct1_km_mmol_per_L);
  f(I[6], p.mct4_vmax_mmol_per_min_per_kg);
  f(I[7], p.mct4_km_mmol_per_L);
  f(I[8], p.ps_rest_L_per_min_per_kg);
  f(I[9], p.ps_recruitment_per_flow);
  f(I[10], p.production_rest_mmol_per_min_per_kg);
  f(I[11], p.production_max_mmol_per_min_per_kg);
  f(I[12], p.production_half_intensity);
  f(I[13], p.production_hill);
  f(I[14], p.glycolytic_deficit_fraction);
  f(I[15], p.vo2_rest_mL_per_min_per_kg);
  f(I[16], p.vo2_per_intensity_mL_per_min_per_kg);
  f(I[17], p.vo2_per_intensity_whole_body_mL_per_min_per_kg);
  f(I[18], p.vo2_per_activation_mL_per_min_per_kg);
  f(I[19], p.arterial_o2_content_mL_per_L);
  f(I[20], p.o2_extraction_max);
  f(I[21], p.debt_repayment_time_s);
  f(I[22], p.kinetic_deficit_fraction);
  f(I[23], p.lactate_ox_fraction_max);
  f(I[24], p.lactate_ox_km_mmol_per_L);
  f(I[25], p.vasodilator_max);
  f(I[26], p.vasodilator_half_debt_mL_per_kg);
  f(I[27], p.vasodilator_hill);
  f(I[28], p.exercise_dilation_per_vo2_kg_min_per_mL);
  f(I[29], p.pain_lactate_threshold_mmol_per_L);
  f(I[30], p.pain_lactate_scale_mmol_per_L);
  f(I[31], p.pain_debt_scale_mL_per_kg);
  f(I[32], p.pain_pressure_threshold_mmHg);
  f(I[33], p.pain_pressure_scale_mmHg);
  f(I[34], p.production_threshold_intensity);
  f(I[35], p.production_threshold_slope_mmol_per_min_per_kg);
  f(I[36], p.production_inhibition_lactate_mmol_per_L);
  f(I[37], p.production_inhibition_hill);
}

template <class S>
template <class A, class B, class F>
void MetabolitesParamsTpl<S>::visit_pairs(const A& a, B& b, F&& f) {
  // Walk both structs in lock-step by visiting `b` and reading the same-index member of `a`.
  std::array<const S*, metabolites_parameter_info.size()> src{};
  std::size_t i = 0;
  visit(a, [&](const ParameterInfo&, const S& m) { src[i++] = &m; });
  i = 0;
  B::visit(b, [&](const ParameterInfo&, auto& m) { f(*src[i++], m); });
}

/// State block of the metabolite module.
enum MetabolitesState : int {
  kLactateCell = 0,  ///< intracellular lactate [mmol/L cell water]
  kLactateIsf = 1,   ///< interstitial lactate [mmol/L]
  kLactateCap = 2,   ///< capillary (= venous outflow) blood lactate [mmol/L]
  kO2Debt = 3,       ///< tissue O2 debt (metabolite debt) [mL O2]
  kMetabolitesSize = 4
};

inline constexpr std::array<std::string_view, kMetabolitesSize> metabolites_state_names{
    "lactate_cell_mmol_per_L", "lactate_isf_mmol_per_L", "lactate_capillary_mmol_per_L", "o2_debt_mL"};

/// Lactate stored in the block [mmol] (for conservation checks).
template <class S>
S metabolites_lactate_content_mmol(const MetabolitesParamsTpl<S>& p, const S* x) {
  const S& m = p.muscle_mass_kg;
  return m * (p.cell_water_L_per_kg * x[kLactateCell] + p.isf_volume_L_per_kg * x[kLactateIsf] +
              p.capillary_blood_volume_L_per_kg * x[kLactateCap]);
}

/// O2 demand of exercise [mL/min] (no resting or activation part): per kg the small-mass value when the
/// muscle works alone, the whole-body value when it works in whole-body exercise (the cardiac output is
/// shared: Rowell), times the intensity capped at the muscle's peak.
template <class S>
S exercise_o2_demand_mL_per_min(const MetabolitesParamsTpl<S>& p, const SegmentSignalsTpl<S>& bus) {
  const S per_kg = p.vo2_per_intensity_mL_per_min_per_kg +
                   bus.whole_body_exercise *
                       (p.vo2_per_intensity_whole_body_mL_per_min_per_kg - p.vo2_per_intensity_mL_per_min_per_kg);
  // O2 demand saturates at the peak; minus its value at 0 so that rest is exactly rest (intensities are >= 0).
  const S I_o2 = smooth::smooth_min(S(bus.exercise_intensity), S(1.0), 0.02) - smooth::smooth_min(S(0.0), S(1.0), 0.02);
  return p.muscle_mass_kg * per_kg * I_o2;
}

/// The part of the O2 deficit that is the normal lag of oxidative phosphorylation behind an exercise
/// demand (PCr breakdown; Meyer 1988's first-order VO2 kinetics with the repayment time constant): not a
/// metabolite signal. What the debt holds beyond it is ischaemic/supply debt: it drives dilation and pain.
template <class S>
S kinetic_o2_deficit_mL(const MetabolitesParamsTpl<S>& p, const S& exercise_demand_mL_per_min) {
  return p.kinetic_deficit_fraction * exercise_demand_mL_per_min * (p.debt_repayment_time_s / 60.0);
}

/// Algebraic outputs from the states: vasodilator signal and pain drive (evaluated before the flows).
/// Reads bus.applied_pressure_mmHg, exercise_intensity, whole_body_exercise; writes bus.vasodilator_signal
/// and bus.pain_drive.
template <class S>
void metabolites_outputs(const MetabolitesParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus) {
  using smooth::softplus;
  const S ex = exercise_o2_demand_mL_per_min(p, bus);
  const S d = (x[kO2Debt] - kinetic_o2_deficit_mL(p, ex)) / p.muscle_mass_kg;  // supply debt, mL/kg
  using std::pow;
  // Width 1e-3 mL/kg: in steady exercise the supply debt sits at 0, so the corner must be smooth.
  const S dp = smooth::smooth_pos(d, 1e-3);
  const S dn = pow(dp, smooth::value_of(p.vasodilator_hill));
  // Metabolic (debt) dilation plus functional dilation in proportion to the exercise O2 demand
  // (exercise hyperaemia: flow follows VO2, Radegran 1999).
  bus.vasodilator_signal =
      p.vasodilator_max * dn / (dn + pow(p.vasodilator_half_debt_mL_per_kg, smooth::value_of(p.vasodilator_hill))) +
      p.exercise_dilation_per_vo2_kg_min_per_mL * ex / p.muscle_mass_kg;
  const S u = softplus(S(x[kLactateIsf] - p.pain_lactate_threshold_mmol_per_L), 2.0) / p.pain_lactate_scale_mmol_per_L +
              dp / p.pain_debt_scale_mL_per_kg +
              softplus(S(bus.applied_pressure_mmHg - p.pain_pressure_threshold_mmHg), 0.1) / p.pain_pressure_scale_mmHg;
  bus.pain_drive = u / (S(1.0) + u);
}

/// Right-hand side of the metabolite block (d/dt per second).
/// Reads: arteriolar_flow_mL_per_min (capillary blood flow), filtration_mL_per_min, lymph_flow_mL_per_min,
/// exercise_intensity, involuntary_activation, arterial_lactate_mmol_per_L. Writes: o2_delivery_mL_per_min,
/// vo2_mL_per_min and the lactate fluxes (production, oxidation, venous efflux, lymph efflux) in mmol/min,
/// o2_demand_mL_per_min.
/// Glycolytic production between the lactate threshold and VO2max [mmol/min/kg]: rises linearly with intensity
/// from I_thr to 1 (VO2max) and stays there above it, where the Hill term of all-out efforts takes over (both
/// knees smoothed by softplus of width 0.05).
template <class S>
S threshold_production_mmol_per_min_per_kg(const MetabolitesParamsTpl<S>& p, const S& intensity) {
  constexpr double w = 0.05;  // fraction of VO2max over which each knee of the ramp is smoothed
  using smooth::softplus;
  return p.production_threshold_slope_mmol_per_min_per_kg * w *
         (softplus(S((intensity - p.production_threshold_intensity) / w)) - softplus(S((intensity - 1.0) / w)));
}

template <class S>
void metabolites_rhs(const MetabolitesParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus, S* dxdt) {
  using smooth::hill;
  using smooth::smooth_min;
  using smooth::smooth_pos;
  using std::exp;
  using std::pow;
  const S& m = p.muscle_mass_kg;
  const S Cm = x[kLactateCell], Ci = x[kLactateIsf], Cc = x[kLactateCap], D = x[kO2Debt];
  const S Ca = bus.arterial_lactate_mmol_per_L;

  // Capillary blood flow = arteriolar flow [L/min], smoothly floored (occlusion gives Q -> ~1e-7 L/min).
  const S Q = smooth_pos(S(bus.arteriolar_flow_mL_per_min * 1e-3), 1e-7);
  const S Jv = bus.filtration_mL_per_min * 1e-3;  // L/min, may be negative (reabsorption)
  const S QL = bus.lymph_flow_mL_per_min * 1e-3;  // L/min

  // O2: demand, supply-limited uptake, debt. Uptake relaxes toward demand with the repayment time
  // constant (on-kinetics: the debt fills to the kinetic deficit; off-kinetics: it is repaid).
  const S ex = exercise_o2_demand_mL_per_min(p, bus);
  const S demand = m * p.vo2_rest_mL_per_min_per_kg + ex +
                   m * p.vo2_per_activation_mL_per_min_per_kg * smooth_pos(S(bus.involuntary_activation), 1e-4);
  const S delivery = p.arterial_o2_content_mL_per_L * Q;  // mL O2/min
  const S cap = p.o2_extraction_max * delivery;
  const S tau_min = p.debt_repayment_time_s / 60.0;
  const S lag = kinetic_o2_deficit_mL(p, ex) - D;  // > 0 while uptake still rises toward the demand
  const S want = demand - lag / tau_min;
  const S vo2 = smooth_min(want, cap, 1e-3 * smooth::value_of(m));
  const S deficit = demand - vo2;  // mL O2/min (> 0 while the debt grows)
  // Glycolysis covers part of the deficit that supply, not the kinetic lag, causes (the lag is PCr).
  const S shortfall = deficit - smooth_pos(lag, 1e-3 * smooth::value_of(m)) / tau_min;

  // Lactate fluxes [mmol/min].
  // Glycolysis slows as the cell acidifies (H+ inhibits phosphofructokinase and phosphorylase): in repeated
  // sprints its rate falls although power holds (Bogdanis 1996), which keeps muscle lactate near its
  // exhaustive ~25-30 mmol/kg. The basal rate is left alone so that rest is unchanged.
  // K^n / (K^n + C^n) written with one pow (the right-hand side's costliest call).
  const S inhibition = S(1.0) / (S(1.0) + pow(S(smooth_pos(Cm, 1e-9) / p.production_inhibition_lactate_mmol_per_L),
                                              smooth::value_of(p.production_inhibition_hill)));
  const S prod =
      m * p.production_rest_mmol_per_min_per_kg +
      inhibition *
          (m * (p.production_max_mmol_per_min_per_kg *
                    hill(S(bus.exercise_intensity), p.production_half_intensity, smooth::value_of(p.production_hill)) +
                threshold_production_mmol_per_min_per_kg(p, S(bus.exercise_intensity))) +
           p.glycolytic_deficit_fraction * smooth_pos(shortfall, 1e-6) * (5.6 / 22.4));
  const S mct =
      m * (p.mct1_vmax_mmol_per_min_per_kg * (Cm / (p.mct1_km_mmol_per_L + Cm) - Ci / (p.mct1_km_mmol_per_L + Ci)) +
           p.mct4_vmax_mmol_per_min_per_kg * (Cm / (p.mct4_km_mmol_per_L + Cm) - Ci / (p.mct4_km_mmol_per_L + Ci)));
  const S ox = vo2 / 67.2 * p.lactate_ox_fraction_max * Cm / (p.lactate_ox_km_mmol_per_L + Cm);
  const S PS = m * p.ps_rest_L_per_min_per_kg + p.ps_recruitment_per_flow * Q;
  const S QE = Q * (S(1.0) - exp(-PS / Q));
  const S jcap = QE * (Ci - Ca);
  const S jwash = Q * (Cc - Ca);
  const S jfilt = Jv * Cc;
  const S jlymph = QL * Ci;

  const S Vm = m * p.cell_water_L_per_kg, Vi = m * p.isf_volume_L_per_kg, Vc = m * p.capillary_blood_volume_L_per_kg;
  dxdt[kLactateCell] = (prod - mct - ox) / (Vm * 60.0);
  dxdt[kLactateIsf] = (mct - jcap + jfilt - jlymph) / (Vi * 60.0);
  dxdt[kLactateCap] = (jcap - jwash - jfilt) / (Vc * 60.0);
  dxdt[kO2Debt] = deficit / 60.0;

  bus.o2_delivery_mL_per_min = delivery;
  bus.vo2_mL_per_min = vo2;
  bus.o2_demand_mL_per_min = demand;
  bus.lactate_production_mmol_per_min = prod;
  bus.lactate_oxidation_mmol_per_min = ox;
  bus.lactate_venous_efflux_mmol_per_min = jwash;
  bus.lactate_lymph_efflux_mmol_per_min = jlymph;
}

}  // namespace massagesim::models

namespace massagesim::models {

/// Lactate and O2 debt as a segment module (module.hpp).
struct MetabolitesModule {
  static constexpr std::string_view name = "metabolites";
  template <class S>
  using Params = MetabolitesParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr const auto& parameter_info = metabolites_parameter_info;
  static constexpr std::array<StateInfo, kMetabolitesSize> states{{
      {"lactate_cell_mmol_per_L", "mmol/L", 0.0, 45.0,
       "intracellular lactate per L of cell water (<= ~45 mmol/L after exhaustive exercise, physiology.md §3)"},
      {"lactate_isf_mmol_per_L", "mmol/L", 0.0, 45.0, "interstitial lactate"},
      {"lactate_capillary_mmol_per_L", "mmol/L", 0.0, 30.0, "capillary (venous outflow) blood lactate"},
      {"o2_debt_mL", "mL", -50.0, 2000.0, "tissue O2 (metabolite) debt"},
  }};
  static constexpr std::array<OutputInfo, 7> outputs{{
      {"vasodilator_signal", "1", "metabolic dilation of the arterioles (from the O2 debt)"},
      {"o2_uptake_mL_per_min", "mL/min", "O2 uptake of the segment's muscle"},
      {"o2_demand_mL_per_min", "mL/min", "O2 demand of the segment's muscle"},
      {"pain_drive", "1", "nociceptive drive 0..1 from metabolites, debt and pressure"},
      {"lactate_production_mmol_per_min", "mmol/min", "glycolytic lactate production"},
      {"lactate_oxidation_mmol_per_min", "mmol/min", "lactate oxidised in the muscle cells"},
      {"lactate_venous_efflux_mmol_per_min", "mmol/min", "net lactate carried into the venous blood"},
  }};

  /// In a segment the muscle mass is the muscle part of the segment's tissue (tissue.hpp: tissue_mass_g x
  /// muscle_fraction); it is a parameter of its own only where the module stands alone, e.g. the lumped
  /// working muscle of the lactate pool.
  template <class P>
  static void derive(P& p) {
    using S = typename P::scalar_type;
    if constexpr (requires { p.tissue_mass_g; }) p.muscle_mass_kg = p.tissue_mass_g * p.muscle_fraction / S(1000.0);
  }
  template <class S, class Bus>
  static void signals(const Params<S>& p, const S* x, Bus& bus, Work<S>&) {
    metabolites_outputs(p, x, bus);
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>&, S* dxdt) {
    metabolites_rhs(p, x, bus, dxdt);
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double*, const Bus& bus, const Work<double>&, double* out) {
    const double v[] = {bus.vasodilator_signal,
                        bus.vo2_mL_per_min,
                        bus.o2_demand_mL_per_min,
                        bus.pain_drive,
                        bus.lactate_production_mmol_per_min,
                        bus.lactate_oxidation_mmol_per_min,
                        bus.lactate_venous_efflux_mmol_per_min};
    for (std::size_t i = 0; i < outputs.size(); ++i) out[i] = v[i];
  }
};

}  // namespace massagesim::models
