#pragma once
/// \file hemodynamics.hpp
/// \brief Blood side of one tissue segment: feed arteries (compliant, squeezable), arterioles with
///        myogenic and metabolic control, algebraic capillary pressure, collapsible veins with a
///        one-way valve and a waterfall (Starling-resistor) outflow, hydrostatic offset by posture.
///
/// Blood path: systemic artery (MAP at heart level, minus the hydrostatic column) -> feed
/// conductance -> segment arteries V_a (tube law, external pressure P_t) -> arterioles
/// G_art = G_a0 * M_myo * (1 + vasodilator) -> capillaries (pressure P_c, algebraic) -> venules
/// G_cv (collapsible: a waterfall at max(P_v, P_t)) -> veins V_v (tube law, external P_t) -> valve + collapsible outlet
/// -> proximal veins. External pressure squeezes blood out of V_a (backwards) and V_v (forwards through the valve); on
/// release the emptied vessels refill from the artery: the "squeeze out / let in" mechanism.
///
/// \see Magosso E, Ursino M (2002) Med Biol Eng Comput 40:660 (tube law, Eq. 1; Poiseuille-like outlet)
/// \see Phys Med Biol 1977;22:1146 (calf venous compliance, outflow resistance, tau = RC ~ 4 s)
/// \see Perry 1986 J Appl Physiol 60:2114 (capillary vs venous pressure); Albanese 2016 (Starling resistor)
/// Every parameter is listed with unit, range and source in `hemodynamics_parameter_info`.

#include <array>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/conduit.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

/// Parameters of the blood side, per 100 g of tissue where marked (scaled by the segment mass).
template <class S>
struct HemodynamicsParamsTpl {
  S feed_conductance_mL_per_min_per_mmHg_per_100g{0.6};
  S arterial_compliance_mL_per_mmHg_per_100g{0.00075};
  S arterial_unstressed_volume_mL_per_100g{0.43};
  S arteriolar_conductance_mL_per_min_per_mmHg_per_100g{0.046};
  S capillary_venous_conductance_mL_per_min_per_mmHg_per_100g{0.3};
  S venous_compliance_mL_per_mmHg_per_100g{0.147};
  S venous_unstressed_volume_mL_per_100g{3.0};
  S venous_outflow_conductance_mL_per_min_per_mmHg_per_100g{2.1};
  S venous_collapse_half_volume_ratio{0.5};
  S venous_collapse_stiffness_mmHg{2.0};
  S venous_contact_volume_ratio{0.29};
  S venous_valve_leak_fraction{1e-3};
  S venous_valve_width_mmHg{0.05};
  S waterfall_smoothing_mmHg{1.0};
  S microvascular_waterfall_smoothing_mmHg{0.5};
  S outlet_applied_pressure_fraction{0.0};
  S proximal_venous_pressure_drop_mmHg{2.0};
  S myogenic_time_constant_s{5.0};
  S myogenic_gain_per_mmHg{0.02};
  S myogenic_max_dilation{2.0};
  S myogenic_reference_transmural_pressure_mmHg{51.0};
  S hydrostatic_gradient_mmHg_per_cm{0.773};

  template <class T>
  HemodynamicsParamsTpl<T> cast() const {
    return {T(feed_conductance_mL_per_min_per_mmHg_per_100g),
            T(arterial_compliance_mL_per_mmHg_per_100g),
            T(arterial_unstressed_volume_mL_per_100g),
            T(arteriolar_conductance_mL_per_min_per_mmHg_per_100g),
            T(capillary_venous_conductance_mL_per_min_per_mmHg_per_100g),
            T(venous_compliance_mL_per_mmHg_per_100g),
            T(venous_unstressed_volume_mL_per_100g),
            T(venous_outflow_conductance_mL_per_min_per_mmHg_per_100g),
            T(venous_collapse_half_volume_ratio),
            T(venous_collapse_stiffness_mmHg),
            T(venous_contact_volume_ratio),
            T(venous_valve_leak_fraction),
            T(venous_valve_width_mmHg),
            T(waterfall_smoothing_mmHg),
            T(microvascular_waterfall_smoothing_mmHg),
            T(outlet_applied_pressure_fraction),
            T(proximal_venous_pressure_drop_mmHg),
            T(myogenic_time_constant_s),
            T(myogenic_gain_per_mmHg),
            T(myogenic_max_dilation),
            T(myogenic_reference_transmural_pressure_mmHg),
            T(hydrostatic_gradient_mmHg_per_cm)};
  }
};
using HemodynamicsParams = HemodynamicsParamsTpl<double>;

/// Metadata of every hemodynamic parameter, in declaration order.
inline constexpr std::array<ParameterInfo, 22> hemodynamics_parameter_info{{
    {"feed_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.6, 0.2, 2.0,
     "[GK] conduit/feed arteries take ~5 mmHg of the pressure drop at rest",
     "conductance from the systemic artery into the segment's arteries"},
    {"arterial_compliance_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.00075, 0.0003, 0.002,
     "[D] Zheng & Murray 2011 Physiol Meas 32:499 (arm arterial distensibility 0.10-0.23 %/mmHg) x 0.5 mL/100g "
     "arterial volume [GK]",
     "compliance of the segment's arteries and arterioles"},
    {"arterial_unstressed_volume_mL_per_100g", "mL/100g", 0.43, 0.2, 0.8,
     "[GK] arterial blood ~15 % of ~3.5 mL/100g muscle blood volume", "unstressed volume of the segment's arteries"},
    {"arteriolar_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.046, 0.02, 0.1,
     "calibrated to resting calf flow 2.3 +/- 1.4 mL/min/100g (Scand J Clin Lab Invest 1990) at MAP 93 mmHg",
     "baseline arteriolar conductance (no dilation, myogenic state at reference)"},
    {"capillary_venous_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 0.3, 0.15, 0.6,
     "calibrated to P_c - P_v ~ 8-10 mmHg (Perry 1986 J Appl Physiol 60:2114: forearm P_c 17.0, P_v 9.3)",
     "conductance from capillaries to the veins (post-capillary resistance)"},
    {"venous_compliance_mL_per_mmHg_per_100g", "mL/mmHg/100g", 0.147, 0.07, 0.23,
     "Phys Med Biol 1977;22:1146: 1.1 (SD 0.3) %calf volume/kPa", "compliance of the distended veins"},
    {"venous_unstressed_volume_mL_per_100g", "mL/100g", 3.0, 0.8, 5.0,
     "[GK] calf venous blood ~4-5 % of calf volume (rest ~3.8 mL/100g); raised within range toward the calf emptying "
     "tau (P5)",
     "unstressed venous volume (transmural pressure 0)"},
    {"venous_outflow_conductance_mL_per_min_per_mmHg_per_100g", "mL/min/mmHg/100g", 2.1, 1.2, 4.0,
     "Phys Med Biol 1977;22:1146: outflow resistance 3.8 (SD 1.3) s kPa/% -> 0.475 mmHg min/(mL/100g)",
     "conductance of the venous outlet when the vein is at its unstressed volume"},
    {"venous_collapse_half_volume_ratio", "1", 0.5, 0.2, 1.0,
     "[GK] Poiseuille-like R ~ 1/A^2 closure (Magosso 2002 Eq. 12), saturating when distended",
     "open-lumen share (V/Vu beyond wall contact, 1 at Vu) at which the outlet conductance is halved"},
    {"venous_collapse_stiffness_mmHg", "mmHg", 2.0, 1.5, 11.0,
     "Shapiro 1977 J Biomech Eng 99:126: collapsed branch K_p (1 - (A/A0)^-3/2), K_p the wall's bending stiffness, "
     "(h/R)^2/6 ~ 1e-3 of its stretching stiffness; 1D venous models (Mueller & Toro 2014 Int J Numer Meth Biomed "
     "Eng 30:1573, m = 10, n = -3/2): K 1.5-10.9 mmHg, 1/10 of the distension slope; Magosso & Ursino 2002 Eq. 1 "
     "implementations P0 3.9 mmHg over Vu/C 34.6 mmHg. Near the low end (thin-walled leg veins, ~1/10 of Vu/C = 20 "
     "mmHg); chosen, not fitted (issue 12: 2 Vu/(3C) = 13.6 mmHg held squeezed veins at -24 to -170 mmHg). Range: "
     "the published 1.5-10.9 (below ~1.5 the proximal veins of a long dependent arm drained to zero through leaky "
     "valves after a massage, out of the state's domain: property test, seed 17)",
     "collapse (bending) stiffness of the veins below their unstressed volume"},
    {"venous_contact_volume_ratio", "1", 0.29, 0.2, 0.4,
     "[D] Flaherty, Keller & Rubinow 1972 SIAM J Appl Math 23:446: opposite walls of a buckled ring meet at a "
     "transmural pressure of -5.25 K_p; the -3/2 collapse law reaches -5.25 K at V/Vu = 6.25^(-2/3) = 0.29 "
     "(whatever K). Range: the contact area ratios of thin-walled tubes, ~0.2-0.4 [GK]",
     "V/Vu at which opposite vein walls touch and the outlet shuts (lumen_conductance_factor)"},
    {"venous_valve_leak_fraction", "1", 1e-3, 0.0, 0.05, "[GK] competent valve; stated leak of the model",
     "backward conductance of a closed valve relative to the open one"},
    {"venous_valve_width_mmHg", "mmHg", 0.05, 0.01, 1.0, "numerical regularisation",
     "pressure width over which the valve opens"},
    {"waterfall_smoothing_mmHg", "mmHg", 1.0, 0.1, 5.0, "numerical regularisation",
     "width of the smooth max(P_downstream, P_tissue) of the Starling resistor"},
    {"microvascular_waterfall_smoothing_mmHg", "mmHg", 0.5, 0.1, 5.0, "numerical regularisation",
     "width of the smooth max/positive part of the microvascular Starling resistor"},
    {"outlet_applied_pressure_fraction", "1", 0.0, 0.0, 1.0,
     "[GK] the collapsible outlet lies at the segment border, outside the compressed tissue",
     "fraction of the applied tissue pressure acting on the venous outlet (waterfall)"},
    {"proximal_venous_pressure_drop_mmHg", "mmHg", 2.0, 0.0, 10.0,
     "calibrated to resting P_v ~ 9 mmHg (Perry 1986: forearm 9.3 mmHg) with CVP 4 mmHg",
     "pressure of the proximal (downstream) vein above central venous pressure, at heart level"},
    {"myogenic_time_constant_s", "s", 5.0, 1.0, 30.0,
     "[GK] myogenic responses develop over seconds (Clifford 2006 J Physiol 572:561; Kirby 2007 J Physiol 583:861)",
     "time constant of the filtered arteriolar transmural pressure"},
    {"myogenic_gain_per_mmHg", "1/mmHg", 0.02, 0.0, 0.06,
     "calibrated: ~25 % lower flow with the limb 30 cm below the heart [GK]",
     "steepness of the myogenic conductance curve"},
    {"myogenic_max_dilation", "1", 2.0, 1.0, 4.0, "[GK] bounded myogenic range",
     "asymptote of the myogenic conductance multiplier (the sensor's floor at 0 mmHg holds it at 1.47 by default)"},
    {"myogenic_reference_transmural_pressure_mmHg", "mmHg", 51.0, 30.0, 70.0,
     "rest value of the default subject (supine, calf)", "arteriolar transmural pressure at which M_myo = 1"},
    {"hydrostatic_gradient_mmHg_per_cm", "mmHg/cm", 0.773, 0.76, 0.78, "rho g, blood density 1.05 g/mL",
     "hydrostatic pressure per cm of height"},
}};

/// State block of the blood side.
struct HemodynamicsLayout {
  enum Index : int { arterial_volume = 0, venous_volume = 1, myogenic_pressure = 2, n = 3 };
  static constexpr std::array<const char*, n> state_names{"arterial_volume_mL", "venous_volume_mL",
                                                          "myogenic_filtered_transmural_pressure_mmHg"};
};

/// Algebraic quantities of the blood side at one state.
template <class S>
struct HemodynamicsOutputsTpl {
  S local_arterial_pressure_mmHg{0};  ///< systemic MAP minus hydrostatic column at this height
  S arterial_pressure_mmHg{0};        ///< in the segment's arteries
  S capillary_pressure_mmHg{0};
  S venous_pressure_mmHg{0};
  /// The central or next segment's venous pressure referred to this height across the column between (before the
  /// waterfall: it may lie below any pressure a vein holds). The output downstream_venous_pressure_mmHg is the
  /// waterfall below, the collapsed vein's lumen pressure.
  S referred_downstream_venous_pressure_mmHg{0};
  S waterfall_pressure_mmHg{0};  ///< smooth max(referred downstream, outlet tissue pressure)
  S feed_inflow_mL_per_min{0};   ///< into the segment (what a conduit Doppler sees)
  S arteriolar_flow_mL_per_min{0};
  S venous_outflow_mL_per_min{0};
  S arteriolar_conductance_mL_per_min_per_mmHg{0};
  S myogenic_factor{1};
  S valve_pressure_difference_mmHg{0};
  S venous_outlet_conductance_mL_per_min_per_mmHg{0};
};

/// Computes the blood side's pressures and flows and writes them to the bus.
/// Reads from the bus: tissue_mass_g, muscle_fraction, tissue_pressure_mmHg, applied_pressure_mmHg,
/// height_above_heart_cm, arterial_pressure_mmHg, central_venous_pressure_mmHg, vasodilator_signal,
/// tissue_pressure_transmission. \param[in] x  the block's states (HemodynamicsLayout)
template <class S>
HemodynamicsOutputsTpl<S> hemodynamics_outputs(const HemodynamicsParamsTpl<S>& p, const S* x,
                                               SegmentSignalsTpl<S>& bus) {
  using namespace smooth;
  using std::exp;
  const S scale = bus.tissue_mass_g / S(100.0);
  HemodynamicsOutputsTpl<S> o;
  const S hydro = p.hydrostatic_gradient_mmHg_per_cm * bus.height_above_heart_cm;
  o.local_arterial_pressure_mmHg = bus.arterial_pressure_mmHg - hydro;
  o.referred_downstream_venous_pressure_mmHg =
      bus.central_venous_pressure_mmHg + p.proximal_venous_pressure_drop_mmHg - hydro;

  const S Pt = bus.tissue_pressure_mmHg;
  const S Vu_a = p.arterial_unstressed_volume_mL_per_100g * scale;
  const S C_a = p.arterial_compliance_mL_per_mmHg_per_100g * scale;
  const S Vu_v = p.venous_unstressed_volume_mL_per_100g * scale;
  const S C_v = p.venous_compliance_mL_per_mmHg_per_100g * scale;
  o.arterial_pressure_mmHg = Pt + tube_law_mmHg(S(x[HemodynamicsLayout::arterial_volume]), Vu_a, C_a);
  o.venous_pressure_mmHg =
      Pt + tube_law_mmHg(S(x[HemodynamicsLayout::venous_volume]), Vu_v, C_v, S(p.venous_collapse_stiffness_mmHg));

  // Myogenic factor: logistic in the filtered transmural pressure, 1 at the reference, -> max at 0 tone.
  const S Mmax = p.myogenic_max_dilation;
  o.myogenic_factor =
      Mmax /
      (S(1.0) + (Mmax - S(1.0)) * exp(p.myogenic_gain_per_mmHg * (x[HemodynamicsLayout::myogenic_pressure] -
                                                                  p.myogenic_reference_transmural_pressure_mmHg)));
  // Metabolic dilation acts on the whole bed of the muscle part of the segment (muscle_fraction; skin, fat
  // and bone keep their resting conductance): arterioles, feed arteries (ascending dilation, Segal 2005)
  // and capillary/venular conductance (capillary recruitment), so that exercise hyperaemia is not capped
  // by a fixed post-capillary resistance. A prescribed muscle flow multiplier k (a protocol's sensitivity
  // input) scales the muscle part's conductance, dilated or not: (1 - f) + f (1 + x) k, written so that k = 1
  // adds an exact zero.
  const S dil = S(1.0) + bus.muscle_fraction * bus.vasodilator_signal +
                bus.muscle_fraction * (S(1.0) + bus.vasodilator_signal) * (bus.muscle_flow_multiplier - S(1.0));
  o.arteriolar_conductance_mL_per_min_per_mmHg =
      p.arteriolar_conductance_mL_per_min_per_mmHg_per_100g * scale * o.myogenic_factor * dil;
  const S Ga = o.arteriolar_conductance_mL_per_min_per_mmHg;
  const S Gcv = p.capillary_venous_conductance_mL_per_min_per_mmHg_per_100g * scale * dil;
  // Microcirculation (arterioles -> capillaries -> venules) as a Starling resistor: venules and
  // capillaries collapse when their transmural pressure turns negative, so the pressure "seen"
  // downstream is max(P_v, P_t) (flow limited when veins are collapsed: emptied veins refill at the
  // inflow rate and do not suck blood through the capillaries, Phys Med Biol 1977), and no flow passes
  // when the tissue pressure exceeds both ends (occlusion). Backward flow needs P_v above both.
  const double wm = value_of(p.microvascular_waterfall_smoothing_mmHg);
  const S Gs = Ga * Gcv / (Ga + Gcv);
  const S fwd = smooth_pos(S(o.arterial_pressure_mmHg - smooth_max(S(o.venous_pressure_mmHg), S(Pt), wm)), wm);
  const S bwd = smooth_pos(S(o.venous_pressure_mmHg - smooth_max(S(o.arterial_pressure_mmHg), S(Pt), wm)), wm);
  o.arteriolar_flow_mL_per_min = Gs * (fwd - bwd);
  // Capillary pressure: after the arteriolar drop (filtration, ~1e-3 of the flow, is taken from
  // the venous compartment, so conservation is exact whatever this closure). Q/G_a = G_cv/(G_a + G_cv) (fwd -
  // bwd): dilation scales G_a and G_cv alike and cancels, so it is left out; through AD it would leave a
  // rounding-noise (~1e-20) dependence on the O2 debt that a Jacobian pattern cannot predict.
  const S Ga0 = p.arteriolar_conductance_mL_per_min_per_mmHg_per_100g * o.myogenic_factor;
  const S Gcv0 = p.capillary_venous_conductance_mL_per_min_per_mmHg_per_100g;
  o.capillary_pressure_mmHg = o.arterial_pressure_mmHg - Gcv0 / (Ga0 + Gcv0) * (fwd - bwd);
  S feed_drive_mmHg = o.local_arterial_pressure_mmHg - o.arterial_pressure_mmHg;
  if (bus.has_conduit)  // conduit arteries under a proximal cuff: a pulsatile Starling resistor (limb.hpp)
    feed_drive_mmHg += conduit::feed_correction_mmHg(
        S(bus.conduit_collapse_pressure_mmHg), S(o.local_arterial_pressure_mmHg), S(o.arterial_pressure_mmHg),
        S(bus.arterial_pulse_pressure_mmHg), value_of(p.waterfall_smoothing_mmHg));
  o.feed_inflow_mL_per_min = p.feed_conductance_mL_per_min_per_mmHg_per_100g * scale * dil * feed_drive_mmHg;

  // Venous outlet: Starling resistor (waterfall) + valve + collapse-limited conductance. The resistor passes
  // G (max(P_v, P_t) - max(P_down, P_t)) both ways: backflow through a leaky valve needs the downstream vein
  // above the outlet's tissue pressure, so a proximal vein that has collapsed supplies none (written as
  // P_v - max(P_down, P_t), a leaky valve drained a long chain's proximal veins to zero volume).
  const S Pt_outlet =
      Pt - (S(1.0) - p.outlet_applied_pressure_fraction) * bus.tissue_pressure_transmission * bus.applied_pressure_mmHg;
  const double ww = value_of(p.waterfall_smoothing_mmHg);
  o.waterfall_pressure_mmHg = smooth_max(S(o.referred_downstream_venous_pressure_mmHg), S(Pt_outlet), ww);
  const S upstream_mmHg = smooth_max(S(o.venous_pressure_mmHg), S(Pt_outlet), ww);
  o.valve_pressure_difference_mmHg = upstream_mmHg - o.waterfall_pressure_mmHg;
  if (bus.has_conduit)  // the outlet drains through conduit veins under a cuff on the proximal segment (limb.hpp)
    o.valve_pressure_difference_mmHg += conduit::starling_correction_mmHg(
        S(bus.venous_conduit_collapse_pressure_mmHg), upstream_mmHg, S(o.waterfall_pressure_mmHg), ww);
  const S v = x[HemodynamicsLayout::venous_volume] / Vu_v;
  o.venous_outlet_conductance_mL_per_min_per_mmHg =
      p.venous_outflow_conductance_mL_per_min_per_mmHg_per_100g * scale *
      lumen_conductance_factor(v, S(p.venous_contact_volume_ratio), S(p.venous_collapse_half_volume_ratio));
  o.venous_outflow_mL_per_min =
      valve_flow(S(o.valve_pressure_difference_mmHg), S(o.venous_outlet_conductance_mL_per_min_per_mmHg),
                 value_of(p.venous_valve_leak_fraction), value_of(p.venous_valve_width_mmHg));

  bus.capillary_pressure_mmHg = o.capillary_pressure_mmHg;
  bus.venous_pressure_mmHg = o.venous_pressure_mmHg;
  bus.arterial_inflow_mL_per_min = o.feed_inflow_mL_per_min;
  bus.venous_outflow_mL_per_min = o.venous_outflow_mL_per_min;
  bus.arteriolar_flow_mL_per_min = o.arteriolar_flow_mL_per_min;
  return o;
}

/// Corner width of the myogenic sensor's floor at zero transmural pressure [mmHg].
inline constexpr double kMyogenicSensorFloorWidth_mmHg = 1.0;

/// What the myogenic sensor reads of the arteriolar transmural pressure: the pressure itself while it stretches
/// the wall, and ~0 once the vessel is collapsed. The response is to wall stretch (hoop tension, Laplace's law;
/// Davis & Hill 1999 Physiol Rev 79:387), and a collapsed wall is unstretched whatever the load on it, so a load
/// past the arterial pressure (a cuff, a massage stroke) no longer drives the filtered state to minus the load
/// (-87.6 mmHg under a 220-mmHg cuff, -174 in random protocols; issue 12's envelope) and holds the vessel dilated
/// after release while the filter climbs back. Exact (skipped) above kSoftplusExactAbove (36) corner widths, where
/// the rest state is.
template <class S>
S myogenic_sensed_pressure_mmHg(const S& Ptm_mmHg) {
  const double w = kMyogenicSensorFloorWidth_mmHg;
  if constexpr (symbolic::SymbolicScalar<S>) {
    return select(Ptm_mmHg > S(smooth::kSoftplusExactAbove * w), Ptm_mmHg, smooth::softplus(Ptm_mmHg, 1.0 / w));
  } else {
    if (smooth::value_of(Ptm_mmHg) > smooth::kSoftplusExactAbove * w) return Ptm_mmHg;
    return smooth::softplus(Ptm_mmHg, 1.0 / w);
  }
}

/// Right-hand side of the blood side [per second]. Call after `hemodynamics_outputs` and after the
/// interstitium has written `bus.filtration_mL_per_min` (filtration leaves the venous compartment).
template <class S>
void hemodynamics_rhs(const HemodynamicsParamsTpl<S>& p, const S* x, const HemodynamicsOutputsTpl<S>& o,
                      const SegmentSignalsTpl<S>& bus, S* dxdt) {
  (void)x;
  const S per_s = S(1.0 / 60.0);
  dxdt[HemodynamicsLayout::arterial_volume] = (o.feed_inflow_mL_per_min - o.arteriolar_flow_mL_per_min) * per_s;
  dxdt[HemodynamicsLayout::venous_volume] =
      (o.arteriolar_flow_mL_per_min - bus.filtration_mL_per_min - o.venous_outflow_mL_per_min) * per_s;
  const S Ptm_art = S(0.5) * (o.arterial_pressure_mmHg + o.capillary_pressure_mmHg) - bus.tissue_pressure_mmHg;
  dxdt[HemodynamicsLayout::myogenic_pressure] =
      (myogenic_sensed_pressure_mmHg(Ptm_art) - x[HemodynamicsLayout::myogenic_pressure]) / p.myogenic_time_constant_s;
}

}  // namespace massagesim::models

namespace massagesim::models {

/// The blood side as a segment module (module.hpp).
struct HemodynamicsModule {
  static constexpr std::string_view name = "hemodynamics";
  template <class S>
  using Params = HemodynamicsParamsTpl<S>;
  template <class S>
  using Work = HemodynamicsOutputsTpl<S>;
  static constexpr const auto& parameter_info = hemodynamics_parameter_info;
  static constexpr std::array<StateInfo, HemodynamicsLayout::n> states{{
      {"arterial_volume_mL", "mL", 0.0, 200.0, "blood in the segment's feed arteries"},
      {"venous_volume_mL", "mL", 0.0, 2000.0, "blood in the segment's veins"},
      {"myogenic_filtered_transmural_pressure_mmHg", "mmHg", -50.0, 250.0,
       "arteriolar transmural pressure low-pass filtered by the myogenic response"},
  }};
  static constexpr std::array<OutputInfo, 13> outputs{{
      {"arterial_inflow_mL_per_min", "mL/min", "inflow through the feed artery (what a conduit Doppler sees)"},
      {"arterial_inflow_mL_per_min_per_100g", "mL/min/100 g", "arterial inflow per 100 g of tissue"},
      {"arteriolar_flow_mL_per_min", "mL/min", "flow through the arterioles into the capillaries"},
      {"venous_outflow_mL_per_min", "mL/min", "outflow through the venous valve"},
      {"venous_outflow_mL_per_min_per_100g", "mL/min/100 g", "venous outflow per 100 g of tissue"},
      {"local_arterial_pressure_mmHg", "mmHg", "systemic arterial pressure minus the hydrostatic column"},
      {"arterial_compartment_pressure_mmHg", "mmHg", "pressure in the segment's arteries"},
      {"capillary_pressure_mmHg", "mmHg", "capillary pressure"},
      {"venous_pressure_mmHg", "mmHg", "pressure in the segment's veins"},
      {"downstream_venous_pressure_mmHg", "mmHg",
       "pressure in the vein downstream of the valve at this segment's height: the central or next segment's venous "
       "pressure across the column between, held at the outlet's tissue pressure where that vein collapses"},
      {"myogenic_factor", "1", "myogenic multiplier of arteriolar conductance"},
      {"blood_volume_mL", "mL", "arterial plus venous blood volume"},
      {"venous_valve_pressure_difference_mmHg", "mmHg", "pressure across the venous valve"},
  }};

  template <class S, class Bus>
  static void flows(const Params<S>& p, const S* x, Bus& bus, Work<S>& w) {
    w = hemodynamics_outputs(p, x, bus);
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>& w, S* dxdt) {
    hemodynamics_rhs(p, x, w, bus, dxdt);
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double* x, const Bus& bus, const Work<double>& w,
                            double* out) {
    const double per100 = 100.0 / bus.tissue_mass_g;
    // The downstream vein's pressure is the waterfall's: a vein cannot hold its lumen far below its surroundings,
    // so where the referred pressure (a raised limb's CVP minus the column) is lower it collapses and its lumen
    // stays at the outlet's tissue pressure.
    const double v[] = {w.feed_inflow_mL_per_min,
                        w.feed_inflow_mL_per_min * per100,
                        w.arteriolar_flow_mL_per_min,
                        w.venous_outflow_mL_per_min,
                        w.venous_outflow_mL_per_min * per100,
                        w.local_arterial_pressure_mmHg,
                        w.arterial_pressure_mmHg,
                        w.capillary_pressure_mmHg,
                        w.venous_pressure_mmHg,
                        w.waterfall_pressure_mmHg,
                        w.myogenic_factor,
                        x[HemodynamicsLayout::arterial_volume] + x[HemodynamicsLayout::venous_volume],
                        w.valve_pressure_difference_mmHg};
    for (std::size_t i = 0; i < outputs.size(); ++i) out[i] = v[i];
  }
  /// Adds the fluid this block holds [mL] to `v` (the segment's fluid audit).
  static void add_fluid_volume_mL(const double* x, double& v) {
    v += x[HemodynamicsLayout::arterial_volume];
    v += x[HemodynamicsLayout::venous_volume];
  }
};

}  // namespace massagesim::models
