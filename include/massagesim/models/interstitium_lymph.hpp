#pragma once
/// \file interstitium_lymph.hpp
/// \brief Interstitium and lymph of one tissue segment: Starling filtration, interstitial volume with
///        nonlinear compliance, initial lymphatics behind primary valves, one collecting lymphangion
///        whose contractions are triggered by filling, valves, drainage downstream.
///
/// Fluid path: capillaries --J_f--> interstitium V_isf --primary valve--> initial lymphatics V_il
/// --secondary valve--> collecting lymphangion V_lc --outlet valve--> downstream lymph (P_lo).
/// Pressures:
///  - interstitial compliance curve f(V_isf): stiff below ~0 mmHg, soft over a range above it (Guyton), then
///    stiff again once the tissue swells past that range (the dependent leg's safety factor against oedema);
///  - filtration J = K_f w softplus(Starling / w), Starling = (P_c - P_isf) - sigma (pi_c - pi_i): no
///    sustained reabsorption (revised Starling principle, Levick & Michel 2010);
///  - interstitial fluid pressure (Starling) P_isf = f(V_isf) + kappa P_app + P_im (set by the Segment);
///  - total tissue pressure P_t = P_rest + kappa P_app + P_im + f(V_isf) (set by the Segment);
///  - lymph vessels are squeezed by the tissue's solid and applied stress
///    P_ext,L = P_rest + kappa P_app + P_im (anchoring filaments: interstitial swelling f(V_isf) opens
///    them rather than compressing them), so the primary-valve driving pressure is
///    P_t - P_il = f(V_isf) - tube(V_il): lymph inflow rises with interstitial volume (Guyton's
///    lymph curve) and with every release after a compression (tissue-pressure fluctuations empty
///    the initial lymphatics forward through the secondary valve; on release they refill).
///  - lymphangion: P_lc = P_ext,L + tube(V_lc) + a * P_act(V_lc); activation a is an excitable
///    2-variable relaxation oscillator (activation a with self-excitation, refractoriness r raising
///    the threshold; FitzHugh-Nagumo-like) triggered when the passive filling
///    (transmural) pressure tube(V_lc) exceeds a threshold P_thr (5-25 mmHg, Olszewski 1980).
///
/// \see Olszewski WL, Engeset A (1980) Am J Physiol 239:H775 (filling-triggered contractions)
/// \see Bertram CD, Macaskill C, Moore JE (2011) J Biomech Eng 133:011008 (sigmoid valves)
/// \see Levick JR, Michel CC (2010) Cardiovasc Res 87:198 (revised Starling principle)
/// \see Aukland K, Reed RK (1993) Physiol Rev 73:1 (interstitial compliance, lymph vs P_i)

#include <array>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

/// Open-lumen share (V/Vu beyond wall contact) at which a lymphangion's outlet conductance is halved: small, so
/// that the closure acts only near contact and the outlet valve keeps its resistance at every resting volume.
inline constexpr double kCollectorClosureWidth = 0.1;

template <class S>
struct InterstitiumLymphParamsTpl {
  S filtration_coefficient_mL_per_min_per_mmHg_per_100g{0.003};
  S reflection_coefficient{0.9};
  S plasma_oncotic_pressure_mmHg{25.0};
  S interstitial_oncotic_pressure_mmHg{0.5};
  S absorption_knee_width_mmHg{2.0};
  S interstitial_reference_volume_mL_per_100g{12.0};
  S interstitial_compliance_low_mL_per_mmHg_per_100g{0.15};
  S interstitial_compliance_high_mL_per_mmHg_per_100g{10.0};
  S interstitial_transition_width_mL_per_100g{0.3};
  S interstitial_soft_range_mL_per_100g{3.0};
  S interstitial_compliance_swollen_mL_per_mmHg_per_100g{0.15};
  S primary_valve_conductance_mL_per_min_per_mmHg_per_100g{0.01};
  S primary_valve_saturation_mmHg{3.0};
  S anchoring_pressure_mmHg{-1.5};
  S anchoring_width_mmHg{0.5};
  S initial_lymph_unstressed_volume_mL_per_100g{0.01};
  S initial_lymph_compliance_mL_per_mmHg_per_100g{0.002};
  S initial_lymph_collapse_stiffness_mmHg{0.5};
  S secondary_valve_conductance_mL_per_min_per_mmHg_per_100g{0.01};
  S collector_unstressed_volume_mL_per_100g{0.03};
  S collector_compliance_mL_per_mmHg_per_100g{0.005};
  S collector_collapse_stiffness_mmHg{2.0};
  S collector_contact_volume_ratio{0.29};
  S collector_outlet_conductance_mL_per_min_per_mmHg_per_100g{0.0015};
  S collector_active_pressure_mmHg{40.0};
  S contraction_threshold_mmHg{5.0};
  S contraction_trigger_width_mmHg{1.0};
  S contraction_self_excitation_mmHg{10.0};
  S activation_time_constant_s{1.0};
  S refractory_time_constant_s{4.0};
  S refractory_threshold_shift_mmHg{15.0};
  S lymph_downstream_pressure_mmHg{2.0};
  S collector_applied_pressure_fraction{1.0};
  S lymph_valve_leak_fraction{1e-3};
  S lymph_valve_width_mmHg{0.2};

  template <class T>
  InterstitiumLymphParamsTpl<T> cast() const {
    return {T(filtration_coefficient_mL_per_min_per_mmHg_per_100g),
            T(reflection_coefficient),
            T(plasma_oncotic_pressure_mmHg),
            T(interstitial_oncotic_pressure_mmHg),
            T(absorption_knee_width_mmHg),
            T(interstitial_reference_volume_mL_per_100g),
            T(interstitial_compliance_low_mL_per_mmHg_per_100g),
            T(interstitial_compliance_high_mL_per_mmHg_per_100g),
            T(interstitial_transition_width_mL_per_100g),
            T(interstitial_soft_range_mL_per_100g),
            T(interstitial_compliance_swollen_mL_per_mmHg_per_100g),
            T(primary_valve_conductance_mL_per_min_per_mmHg_per_100g),
            T(primary_valve_saturation_mmHg),
            T(anchoring_pressure_mmHg),
            T(anchoring_width_mmHg),
            T(initial_lymph_unstressed_volume_mL_per_100g),
            T(initial_lymph_compliance_mL_per_mmHg_per_100g),
            T(initial_lymph_collapse_stiffness_mmHg),
            T(secondary_valve_conductance_mL_per_min_per_mmHg_per_100g),
            T(collector_unstressed_volume_mL_per_100g),
            T(collector_compliance_mL_per_mmHg_per_100g),
            T(collector_collapse_stiffness_mmHg),
            T(collector_contact_volume_ratio),
            T(collector_outlet_conductance_mL_per_min_per_mmHg_per_100g),
            T(collector_active_pressure_mmHg),
            T(contraction_threshold_mmHg),
            T(contraction_trigger_width_mmHg),
            T(contraction_self_excitation_mmHg),
            T(activation_time_constant_s),
            T(refractory_time_constant_s),
            T(refractory_threshold_shift_mmHg),
            T(lymph_downstream_pressure_mmHg),
            T(collector_applied_pressure_fraction),
            T(lymph_valve_leak_fraction),
            T(lymph_valve_width_mmHg)};
  }
};
using InterstitiumLymphParams = InterstitiumLymphParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 35> interstitium_lymph_parameter_info{{
    {"filtration_coefficient_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.003, 0.0015, 0.005,
     "PMC2290538: human lower limb CFC 2.6-4.0e-3 mL/(100 mL min mmHg); calf 0.0026 (Scand J Clin Lab Invest 1990)",
     "capillary filtration coefficient K_f"},
    {"reflection_coefficient", "1", 0.9, 0.7, 0.99, "[GK] muscle capillaries, albumin",
     "oncotic reflection coefficient sigma"},
    {"plasma_oncotic_pressure_mmHg", "mmHg", 25.0, 20.0, 30.0, "[GK]", "plasma colloid osmotic pressure"},
    {"interstitial_oncotic_pressure_mmHg", "mmHg", 0.5, 0.0, 16.0,
     "calibrated to rest P_i ~ -1 mmHg; low sub-glycocalyx value per the revised Starling principle (Levick & Michel "
     "2010 Cardiovasc Res 87:198); bulk ISF 10-16 (Noddeland 1982)",
     "effective (sub-glycocalyx) interstitial oncotic pressure"},
    {"absorption_knee_width_mmHg", "mmHg", 2.0, 0.5, 5.0,
     "[GK shape] Levick & Michel 2010 Cardiovasc Res 87:198: steady-state filtration vs P_c is a hockey stick (no "
     "sustained absorption)",
     "width of the smooth knee J = K_f w softplus(Starling / w)"},
    {"interstitial_reference_volume_mL_per_100g", "mL/100g", 12.0, 8.0, 18.0,
     "[GK] muscle ISF 10-15 % of tissue volume", "interstitial volume at the knee of the compliance curve (~0 mmHg)"},
    {"interstitial_compliance_low_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.15, 0.05, 1.5,
     "[GK] Guyton curve ~1 mL/100 g over -6..0 mmHg (Aukland & Reed 1993 Physiol Rev 73:1); sets the mobilisable "
     "volume (Y4)",
     "interstitial compliance below the knee"},
    {"interstitial_compliance_high_mL_per_mmHg_per_100g", "mL/mmHg/100g", 10.0, 3.0, 30.0,
     "[GK] Guyton: compliance rises steeply once P_i > 0 (oedema)",
     "interstitial compliance above the knee, over the soft range"},
    {"interstitial_transition_width_mL_per_100g", "mL/100g", 0.3, 0.05, 2.0, "numerical regularisation",
     "width of the knee of the compliance curve"},
    {"interstitial_soft_range_mL_per_100g", "mL/100g", 3.0, 0.5, 30.0,
     "[GK] ~25 % above the reference volume, below the ~30 % rise at which oedema pits (Guyton & Hall, Textbook of "
     "Medical Physiology); chosen, not fitted",
     "interstitial volume above the knee over which the compliance is high (Guyton's soft region)"},
    {"interstitial_compliance_swollen_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.15, 0.05, 30.0,
     "Youmans JB et al. 1934 J Clin Invest 13:447: ~1 h of standing raised leg volume a few per cent without pitting "
     "oedema, tissue pressure limiting the loss 3-5x more than the oncotic rise; Lundvall 1996 Acta Physiol Scand "
     "158:161: the standing fluid shift levels off (P7). Set to the low compliance (chosen, not fitted); without "
     "it the dependent leg's rest state held 6.5 L (seated) to 13.5 L (standing) of interstitial fluid per segment",
     "interstitial compliance beyond the soft range (skin and fascia bound the swelling tissue)"},
    {"primary_valve_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.01, 0.002, 0.05,
     "calibrated to resting muscle lymph ~0.1 mL/h/100g (physiology.md §3, low confidence)", "primary valves, open"},
    {"primary_valve_saturation_mmHg", "mmHg", 3.0, 0.5, 20.0,
     "[GK] limited opening of primary-valve flaps (Schmid-Schonbein 1990); calibrated: massage raises segment lymph "
     "~5-7x (Y4 dog thoracic duct ~3x)",
     "driving pressure at which primary-valve inflow saturates"},
    {"anchoring_pressure_mmHg", "mmHg", -1.5, -8.0, 0.0,
     "[GK] anchoring filaments slacken as the interstitium drains (Leak & Burke 1968); lymph ~0 near P_i -6 (Guyton "
     "curve, physiology.md §2c)",
     "interstitial compliance pressure at which primary valves are half open"},
    {"anchoring_width_mmHg", "mmHg", 0.5, 0.3, 3.0, "[GK]", "width of the anchoring opening curve"},
    {"initial_lymph_unstressed_volume_mL_per_100g", "mL/100g", 0.01, 0.002, 0.1, "[GK]",
     "initial lymphatic unstressed volume"},
    {"initial_lymph_compliance_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.002, 0.0005, 0.02, "[GK]",
     "initial lymphatic compliance"},
    {"initial_lymph_collapse_stiffness_mmHg", "mmHg", 0.5, 0.05, 3.3,
     "no tube law published for initial lymphatics: one endothelial layer without smooth muscle, held open by "
     "anchoring filaments (Leak & Burke 1968), so thinner-walled than veins (venous K_p 1.5-10.9 mmHg, Mueller & Toro "
     "2014); lumen pressures measured: human foot-skin lymphatic capillaries +3.9 +/- 4.2 mmHg supine (J Physiol, "
     "'Effect of postural changes on human lymphatic capillary pressure of the skin'), rabbit diaphragm down to -9.1 "
     "+/- 4.2 mmHg under breathing (Negrini & Del Fabbro 1999 J Physiol "
     "520:761); chosen, not fitted (2 Vu/(3C) = 3.3 mmHg held them at -12 to -172 mmHg, issue 12)",
     "collapse (bending) stiffness of the initial lymphatics below their unstressed volume"},
    {"secondary_valve_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.01, 0.002, 0.05,
     "calibrated with the primary valve", "secondary (initial -> collector) valve, open"},
    {"collector_unstressed_volume_mL_per_100g", "mL/100g", 0.03, 0.01, 0.1, "[GK]", "lymphangion unstressed volume"},
    {"collector_compliance_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.005, 0.001, 0.02, "[GK]",
     "lymphangion passive compliance"},
    {"collector_collapse_stiffness_mmHg", "mmHg", 2.0, 1.5, 4.0,
     "[D] as venous_collapse_stiffness_mmHg: a lymphangion is a thin smooth-muscle tube like a small vein (Shapiro "
     "1977 J Biomech Eng 99:126: collapsed branch K_p (1 - (A/A0)^-3/2); 1D venous models K 1.5-10.9 mmHg, Mueller & "
     "Toro 2014 Int J Numer Meth Biomed Eng 30:1573); chosen, not fitted. Issue 12: the three-argument law's "
     "2 Vu/(3C) = 4 mmHg held emptied lymphangions 21.6 mmHg below their surroundings at wall contact (-10.6 to "
     "-15.1 mmHg in 21 shipped scenarios; measured lymphatic lumen pressures -9 to +4 mmHg); at 2 mmHg, 10.5. Y4 "
     "(Knott's pump, minute 2 / baseline, data 2.9, band >= 2) rests on the collector's recoil after each squeeze: "
     "K 0.6 / 1 / 1.5 / 2 / 3 / 4 mmHg gives 1.2 / 1.8 / 2.9 / 4.0 / 5.6 / 5.9. Range: the venous models' low end up "
     "to the three-argument law's 4 mmHg",
     "collapse (bending) stiffness of the collecting lymphangion below its unstressed volume"},
    {"collector_contact_volume_ratio", "1", 0.29, 0.2, 0.4,
     "[D] as venous_contact_volume_ratio (Flaherty, Keller & Rubinow 1972: walls meet at -5.25 K_p; the -3/2 law "
     "reaches it at V/Vu = 6.25^(-2/3) = 0.29)",
     "V/Vu at which opposite lymphangion walls touch and its outlet shuts"},
    {"collector_outlet_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.0015, 0.0005, 0.02,
     "calibrated: lets the collector fill to threshold under massage (Y1) with resting P_i < 0",
     "lymphangion outlet valve, open"},
    {"collector_active_pressure_mmHg", "mmHg", 40.0, 10.0, 100.0, "Olszewski 1980: systolic end pressures 12-70 mmHg",
     "active pressure of a full contraction at the unstressed volume x1.0"},
    {"contraction_threshold_mmHg", "mmHg", 5.0, 5.0, 25.0, "Olszewski 1980 Am J Physiol 239:H775: thresholds 5-25 mmHg",
     "transmural filling pressure that triggers a contraction"},
    {"contraction_trigger_width_mmHg", "mmHg", 1.0, 0.2, 5.0, "numerical regularisation",
     "width of the trigger sigmoid"},
    {"contraction_self_excitation_mmHg", "mmHg", 10.0, 0.0, 30.0, "[GK] all-or-none twitch (excitable system)",
     "feedback of activation on the trigger"},
    {"activation_time_constant_s", "s", 1.0, 0.3, 3.0, "calibrated: Olszewski 1980 pulse waves 6-8 s",
     "activation rise/fall time"},
    {"refractory_time_constant_s", "s", 4.0, 1.0, 10.0, "calibrated: Olszewski 1980 pulse waves 6-8 s",
     "refractoriness time constant"},
    {"refractory_threshold_shift_mmHg", "mmHg", 15.0, 0.0, 40.0,
     "[GK] relaxation-oscillator form (FitzHugh-Nagumo): > self-excitation",
     "rise of the trigger threshold per unit refractoriness"},
    {"lymph_downstream_pressure_mmHg", "mmHg", 2.0, 0.0, 15.0,
     "[GK] no hydrostatic component (Olszewski 1980); calibrated to resting lymph flow",
     "pressure downstream of the segment's lymphangion"},
    {"collector_applied_pressure_fraction", "1", 1.0, 0.0, 1.0,
     "protocol geometry: 1 = collector under the applied pressure, 0 = downstream of it (Olszewski's foot massage)",
     "fraction of kappa P_app acting on the collecting lymphangion"},
    {"lymph_valve_leak_fraction", "1", 1e-3, 0.0, 0.05, "[GK] competent valves; stated leak of the model",
     "backward conductance of closed lymph valves relative to open"},
    {"lymph_valve_width_mmHg", "mmHg", 0.2, 0.05, 1.0, "numerical regularisation",
     "pressure width over which lymph valves open"},
}};

struct InterstitiumLymphLayout {
  enum Index : int {
    interstitial_volume = 0,
    initial_lymph_volume = 1,
    collector_volume = 2,
    collector_activation = 3,
    collector_refractory = 4,
    n = 5
  };
  static constexpr std::array<const char*, n> state_names{"interstitial_volume_mL", "initial_lymph_volume_mL",
                                                          "collector_volume_mL", "collector_activation",
                                                          "collector_refractoriness"};
};

template <class S>
struct InterstitiumLymphOutputsTpl {
  S compliance_pressure_mmHg{0};  ///< f(V_isf)
  S starling_pressure_mmHg{0};    ///< (P_c - P_isf) - sigma (pi_c - pi_i)
  S filtration_mL_per_min{0};
  S primary_valve_flow_mL_per_min{0};
  S secondary_valve_flow_mL_per_min{0};
  S lymph_outflow_mL_per_min{0};
  S lymph_external_pressure_mmHg{0};
  S initial_lymph_pressure_mmHg{0};
  S collector_pressure_mmHg{0};
  S collector_filling_pressure_mmHg{0};  ///< passive transmural pressure (the trigger)
  S collector_external_pressure_mmHg{0};
  S primary_valve_dp_mmHg{0};
  S anchoring_opening{1};  ///< 0..1 opening of the primary valves by anchoring-filament tension
  S secondary_valve_dp_mmHg{0};
  S outlet_valve_dp_mmHg{0};
};

/// Share of the reference interstitial volume down to which the compliance curve stays linear (C_low): in rats
/// depleted by hyperoncotic albumin the interstitial pressure fell linearly with the volume down to half its
/// control value (Ackermann 1977 Pflugers Arch 369:245; muscle: linear in dehydration, Reed & Wiig 1981 Acta
/// Physiol Scand 113:297). No data below it: there the matrix's swelling pressure takes over
/// (interstitial_compliance_pressure).
inline constexpr double kInterstitialMatrixVolumeFraction = 0.5;
/// Width (in V / V_m) of the knee at which the matrix's swelling pressure sets in.
inline constexpr double kInterstitialMatrixKneeWidth = 0.01;
/// Above this V / V_m (softplus argument below -kSoftplusExactAbove = -36) the swelling term is below e^-36 of
/// V_m/C_low x width, under the round-off of f, and is not evaluated: the rest state and the shipped scenarios'
/// states lie there, and the term (sqrt, exp, log) otherwise cost 2.4 % of a limb's right-hand side.
inline constexpr double kInterstitialMatrixSkipRatio =
    1.0 / (1.0 - smooth::kSoftplusExactAbove * kInterstitialMatrixKneeWidth);

/// Interstitial compliance curve f(V) [mmHg]: slope 1/C_low below the reference volume, 1/C_high over the soft
/// range above it, 1/C_swollen beyond (two smoothed knees of width w); below V_m = 0.5 V_ref the swelling pressure
/// of the matrix's fixed charges, which grows as their concentration, 1/V (van 't Hoff), adds
///   -(V_m / C_low) w_m softplus((V_m / V - 1) / w_m)   (knee width w_m; unbounded as V -> 0),
/// its slope rising from 1/C_low to 2/C_low through V_m. No bounded drain (lymph uptake through primary valves a
/// few per cent open) can then empty the interstitium, as a finite f(0) let it (issue 12: a seated forearm whose
/// spasm-squeezed proximal segments drained to zero).
template <class S>
S interstitial_compliance_pressure(const InterstitiumLymphParamsTpl<S>& p, const S& V_mL, const S& scale) {
  using namespace smooth;
  const S w = p.interstitial_transition_width_mL_per_100g * scale;
  const S dV = V_mL - p.interstitial_reference_volume_mL_per_100g * scale;
  const S dV_soft = p.interstitial_soft_range_mL_per_100g * scale;
  const S el = S(1.0) / (p.interstitial_compliance_low_mL_per_mmHg_per_100g * scale);
  const S eh = S(1.0) / (p.interstitial_compliance_high_mL_per_mmHg_per_100g * scale);
  const S es = S(1.0) / (p.interstitial_compliance_swollen_mL_per_mmHg_per_100g * scale);
  const S f = dV * el - S(el - eh) * w * softplus(S(dV / w)) + S(es - eh) * w * softplus(S(S(dV - dV_soft) / w));
  const S Vm = S(kInterstitialMatrixVolumeFraction) * p.interstitial_reference_volume_mL_per_100g * scale;
  auto with_matrix = [&]() -> S {
    const S v = smooth_pos(S(V_mL / Vm), 1e-4);  // V > 0 in the domain; the floor keeps a trial stage finite
    const S mw = S(kInterstitialMatrixKneeWidth);
    return S(f - S(Vm * el * mw * softplus(S(S(S(S(1.0) / v) - S(1.0)) / mw))));
  };
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(V_mL > S(kInterstitialMatrixSkipRatio) * Vm, f, with_matrix());
  } else {
    if (value_of(V_mL) > kInterstitialMatrixSkipRatio * value_of(Vm)) return f;
    return with_matrix();
  }
}

/// Flows of the interstitium and lymph; writes filtration, lymph flow and interstitial pressures to the bus.
/// Reads: tissue_mass_g, interstitial_pressure_mmHg (signals()), capillary_pressure_mmHg,
/// interstitial_fluid_pressure_mmHg, tissue_pressure_mmHg, intramuscular_pressure_mmHg, applied_pressure_mmHg,
/// tissue_pressure_transmission, lymph_downstream_pressure_mmHg; `resting_tissue_pressure` is the Segment's P_rest.
template <class S>
InterstitiumLymphOutputsTpl<S> interstitium_lymph_outputs(const InterstitiumLymphParamsTpl<S>& p, const S* x,
                                                          const S& resting_tissue_pressure_mmHg,
                                                          SegmentSignalsTpl<S>& bus) {
  using namespace smooth;
  using I = InterstitiumLymphLayout;
  const S scale = bus.tissue_mass_g / S(100.0);
  InterstitiumLymphOutputsTpl<S> o;
  // signals() already put f(V_isf) on the bus; reading it saves a second three-slope evaluation.
  o.compliance_pressure_mmHg = bus.interstitial_pressure_mmHg;
  // Revised Starling principle: no sustained reabsorption; J -> 0 smoothly when the classic
  // Starling pressure turns negative (hockey-stick curve of Levick & Michel 2010, Fig. 5).
  const S starling = (bus.capillary_pressure_mmHg - bus.interstitial_fluid_pressure_mmHg) -
                     p.reflection_coefficient * (p.plasma_oncotic_pressure_mmHg - p.interstitial_oncotic_pressure_mmHg);
  o.starling_pressure_mmHg = starling;
  o.filtration_mL_per_min = p.filtration_coefficient_mL_per_min_per_mmHg_per_100g * scale *
                            p.absorption_knee_width_mmHg * softplus(S(starling / p.absorption_knee_width_mmHg));

  const S kP = bus.tissue_pressure_transmission * bus.applied_pressure_mmHg;
  o.lymph_external_pressure_mmHg = resting_tissue_pressure_mmHg + kP + bus.intramuscular_pressure_mmHg;
  o.collector_external_pressure_mmHg =
      resting_tissue_pressure_mmHg + p.collector_applied_pressure_fraction * kP + bus.intramuscular_pressure_mmHg;
  o.initial_lymph_pressure_mmHg =
      o.lymph_external_pressure_mmHg + tube_law_mmHg(S(x[I::initial_lymph_volume]),
                                                     S(p.initial_lymph_unstressed_volume_mL_per_100g * scale),
                                                     S(p.initial_lymph_compliance_mL_per_mmHg_per_100g * scale),
                                                     S(p.initial_lymph_collapse_stiffness_mmHg));
  const S Vlc = x[I::collector_volume];
  const S Vlc0 = p.collector_unstressed_volume_mL_per_100g * scale;
  o.collector_filling_pressure_mmHg = tube_law_mmHg(Vlc, Vlc0, S(p.collector_compliance_mL_per_mmHg_per_100g * scale),
                                                    S(p.collector_collapse_stiffness_mmHg));
  const S v = smooth_pos(S(Vlc / Vlc0), 1e-4);
  const S active = x[I::collector_activation] * p.collector_active_pressure_mmHg * S(1.5) * v / (v + S(0.5));
  o.collector_pressure_mmHg = o.collector_external_pressure_mmHg + o.collector_filling_pressure_mmHg + active;

  const double leak = value_of(p.lymph_valve_leak_fraction), w = value_of(p.lymph_valve_width_mmHg);
  o.primary_valve_dp_mmHg = bus.tissue_pressure_mmHg - o.initial_lymph_pressure_mmHg;
  o.secondary_valve_dp_mmHg = o.initial_lymph_pressure_mmHg - o.collector_pressure_mmHg;
  o.outlet_valve_dp_mmHg = o.collector_pressure_mmHg - bus.lymph_downstream_pressure_mmHg;
  // Primary valves open only while anchoring filaments are under tension (tissue hydrated): their
  // conductance falls as the interstitium is drained below P_anchor (Leak & Burke 1968; Schmid-
  // Schonbein 1990). This makes the mobilisable interstitial volume finite (Y4).
  o.anchoring_opening = logistic(S((o.compliance_pressure_mmHg - p.anchoring_pressure_mmHg) / p.anchoring_width_mmHg));
  // Primary valves are endothelial flaps with a limited opening: the driving pressure saturates
  // (tanh) at P_sat, so a collapsed initial lymphatic cannot suck fluid at an unlimited rate.
  const S dp_sat = p.primary_valve_saturation_mmHg *
                   (S(2.0) * logistic(S(S(2.0) * o.primary_valve_dp_mmHg / p.primary_valve_saturation_mmHg)) - S(1.0));
  o.primary_valve_flow_mL_per_min = valve_flow(
      dp_sat, S(p.primary_valve_conductance_mL_per_min_per_mmHg_per_100g * scale * o.anchoring_opening), leak, w);
  o.secondary_valve_flow_mL_per_min = valve_flow(
      S(o.secondary_valve_dp_mmHg), S(p.secondary_valve_conductance_mL_per_min_per_mmHg_per_100g * scale), leak, w);
  // The outlet shuts where the lymphangion's walls touch, as a vein's (hemodynamics.hpp), but within 0.1 of V/Vu
  // (kCollectorClosureWidth): its outlet valve keeps its resistance until then.
  const S shut =
      lumen_conductance_factor(S(Vlc / Vlc0), S(p.collector_contact_volume_ratio), S(kCollectorClosureWidth));
  o.lymph_outflow_mL_per_min =
      valve_flow(S(o.outlet_valve_dp_mmHg),
                 S(p.collector_outlet_conductance_mL_per_min_per_mmHg_per_100g * scale * shut), leak, w);

  bus.filtration_mL_per_min = o.filtration_mL_per_min;
  bus.lymph_flow_mL_per_min = o.lymph_outflow_mL_per_min;
  return o;
}

/// Right-hand side [per second]. Call after `interstitium_lymph_outputs`.
template <class S>
void interstitium_lymph_rhs(const InterstitiumLymphParamsTpl<S>& p, const S* x, const InterstitiumLymphOutputsTpl<S>& o,
                            S* dxdt) {
  using namespace smooth;
  using I = InterstitiumLymphLayout;
  const S per_s = S(1.0 / 60.0);
  dxdt[I::interstitial_volume] = (o.filtration_mL_per_min - o.primary_valve_flow_mL_per_min) * per_s;
  dxdt[I::initial_lymph_volume] = (o.primary_valve_flow_mL_per_min - o.secondary_valve_flow_mL_per_min) * per_s;
  dxdt[I::collector_volume] = (o.secondary_valve_flow_mL_per_min - o.lymph_outflow_mL_per_min) * per_s;
  const S a = x[I::collector_activation], r = x[I::collector_refractory];
  const S trigger = logistic(S((o.collector_filling_pressure_mmHg - p.contraction_threshold_mmHg +
                                p.contraction_self_excitation_mmHg * a - p.refractory_threshold_shift_mmHg * r) /
                               p.contraction_trigger_width_mmHg));
  dxdt[I::collector_activation] = (trigger - a) / p.activation_time_constant_s;
  dxdt[I::collector_refractory] = (a - r) / p.refractory_time_constant_s;
}

}  // namespace massagesim::models

namespace massagesim::models {

/// Interstitium and lymph as a segment module (module.hpp).
struct InterstitiumLymphModule {
  static constexpr std::string_view name = "interstitium_lymph";
  template <class S>
  using Params = InterstitiumLymphParamsTpl<S>;
  template <class S>
  using Work = InterstitiumLymphOutputsTpl<S>;
  static constexpr const auto& parameter_info = interstitium_lymph_parameter_info;
  static constexpr std::array<StateInfo, InterstitiumLymphLayout::n> states{{
      {"interstitial_volume_mL", "mL", 0.0, 5000.0, "free interstitial fluid"},
      {"initial_lymph_volume_mL", "mL", 0.0, 100.0, "fluid in the initial lymphatics"},
      {"collector_volume_mL", "mL", 0.0, 100.0, "fluid in the collecting lymphangion"},
      {"collector_activation", "1", -0.5, 1.5, "lymphangion contraction activation"},
      {"collector_refractoriness", "1", -0.5, 1.5, "lymphangion refractoriness"},
  }};
  static constexpr std::array<OutputInfo, 7> outputs{{
      {"filtration_mL_per_min", "mL/min", "net capillary filtration (Starling)"},
      {"lymph_flow_mL_per_min", "mL/min", "lymph leaving the segment's lymphangion"},
      {"lymph_flow_mL_per_h_per_100g", "mL/h/100 g", "lymph flow per 100 g of tissue"},
      {"interstitial_compliance_pressure_mmHg", "mmHg", "f(V_isf): pressure of the interstitial volume"},
      {"initial_lymph_pressure_mmHg", "mmHg", "pressure in the initial lymphatics"},
      {"collector_pressure_mmHg", "mmHg", "pressure in the collecting lymphangion"},
      {"collector_filling_pressure_mmHg", "mmHg", "passive transmural pressure of the lymphangion (its trigger)"},
  }};

  template <class S, class Bus>
  static void publish(const Params<S>& p, Bus& bus) {
    bus.lymph_downstream_pressure_mmHg = p.lymph_downstream_pressure_mmHg;
  }
  template <class S, class Bus>
  static void signals(const Params<S>& p, const S* x, Bus& bus, Work<S>&) {
    const S scale = bus.tissue_mass_g / S(100.0);
    bus.interstitial_pressure_mmHg =
        interstitial_compliance_pressure(p, x[InterstitiumLymphLayout::interstitial_volume], scale);
  }
  template <class S, class Bus>
  static void flows(const Params<S>& p, const S* x, Bus& bus, Work<S>& w) {
    w = interstitium_lymph_outputs(p, x, bus.resting_tissue_pressure_mmHg, bus);
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus&, const Work<S>& w, S* dxdt) {
    interstitium_lymph_rhs(p, x, w, dxdt);
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double*, const Bus& bus, const Work<double>& w, double* out) {
    const double per100 = 100.0 / bus.tissue_mass_g;
    const double v[] = {
        w.filtration_mL_per_min,          w.lymph_outflow_mL_per_min,    w.lymph_outflow_mL_per_min * 60.0 * per100,
        w.compliance_pressure_mmHg,       w.initial_lymph_pressure_mmHg, w.collector_pressure_mmHg,
        w.collector_filling_pressure_mmHg};
    for (std::size_t i = 0; i < outputs.size(); ++i) out[i] = v[i];
  }
  /// Adds the fluid this block holds [mL] to `v` (the segment's fluid audit).
  static void add_fluid_volume_mL(const double* x, double& v) {
    v += x[InterstitiumLymphLayout::interstitial_volume];
    v += x[InterstitiumLymphLayout::initial_lymph_volume];
    v += x[InterstitiumLymphLayout::collector_volume];
  }
};

}  // namespace massagesim::models
