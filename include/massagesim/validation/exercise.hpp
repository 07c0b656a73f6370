#pragma once
/// \file exercise.hpp
/// \brief Validation area "exercise" (issue 12): targets computed by running a scenario through
///        `simulation::simulate`, the path `massagesim run` and `ms.simulate` take, on the default subject.
///        Compiled in src/validation_exercise.cpp; results cached on first use.

#include <string>
#include <string_view>

#include "massagesim/scenario/scenario.hpp"
#include "massagesim/validation/blood_flow.hpp"
#include "massagesim/validation/lactate.hpp"
#include "massagesim/validation/lymph.hpp"
#include "massagesim/validation/tone.hpp"

namespace massagesim::validation {

/// The scenario of E1, identical to scenarios/one_leg_knee_extension.json (embedded from that file at configure time; a
/// test checks the embedding).
std::string_view knee_extension_scenario_text();
scenario::Scenario knee_extension_scenario();

/// E1 Radegran G (1999) J Appl Physiol 87:2375: one-legged knee extension at peak effort. The working
/// segments' (thigh) perfusion and O2 uptake per 100 g, mass-weighted, averaged over the last 30 s of the
/// exercise phase; and the non-working calf's inflow relative to its rest.
struct KneeExtensionResult {
  double perfusion_mL_per_min_per_100g = 0.0;
  double vo2_mL_per_min_per_100g = 0.0;
  double calf_inflow_over_rest = 0.0;
};
const KneeExtensionResult& e1_radegran1999();

/// Rest (issue 12 item 7): the default scenario (`scenario::default_scenario()`, scenarios/default.json) run
/// through `simulation::simulate`, its first arm, averaged over the rest phase it starts with: the most
/// distal segment's inflow per 100 g, capillary, interstitial-fluid and intramuscular pressures, the
/// systemic mean arterial pressure and the blood lactate of the limb's pool. (The lone-segment and
/// whole-body harness values, validation/rest.hpp, stay as the modules' unit tests.)
struct RestLegValues {
  std::string segment;  ///< the segment read (the scenario's most distal)
  double flow_mL_per_min_per_100g = 0.0;
  double capillary_pressure_mmHg = 0.0;
  double interstitial_pressure_mmHg = 0.0;
  double intramuscular_pressure_mmHg = 0.0;
  double mean_arterial_pressure_mmHg = 0.0;
  double blood_lactate_mmol_per_L = 0.0;
};
const RestLegValues& rest_default_leg();

/// The scenario of E2, identical to scenarios/wingate_recovery.json.
std::string_view wingate_scenario_text();
scenario::Scenario wingate_scenario();

/// E2 Cotterrell D et al. (2005) J Physiol 565P PC28: blood lactate after a 30-s Wingate sprint, passive
/// recovery: its peak, the time of the peak after the sprint, and the highest muscle-cell lactate of the limb.
struct WingateResult {
  double peak_blood_lactate_mmol_per_L = 0.0;
  double peak_time_after_exercise_min = 0.0;
  double max_muscle_cell_lactate_mmol_per_L = 0.0;
};
const WingateResult& e2_cotterrell2005();

/// The scenario of P6, identical to scenarios/walking_ambulatory_venous_pressure.json.
std::string_view walking_scenario_text();
scenario::Scenario walking_scenario();

/// P6 Stick C, Jaeger H, Witzleb E (1992) J Appl Physiol 72:2063: venous pressure near the ankle standing and
/// while walking slowly (3 km/h) with the calf muscle pump. The distal segment's venous pressure, averaged over
/// the last 60 s of quiet standing and over the last 10 min of walking (whole contraction cycles); the calf's
/// (distal and proximal calf segments') fluid volume at the end of walking relative to its start.
struct WalkingResult {
  double standing_venous_pressure_mmHg = 0.0;
  double walking_venous_pressure_mmHg = 0.0;
  double calf_volume_change_pct = 0.0;
};
const WalkingResult& p6_stick1992();

/// The scenario of P7, identical to scenarios/quiet_standing_fluid_shift.json.
std::string_view quiet_standing_scenario_text();
scenario::Scenario quiet_standing_scenario();

/// P7 Lundvall J, Bjerkhoel P, Quittenbaum S, Lindgren P (1996) Acta Physiol Scand 158:161: plasma volume lost
/// on quiet standing after lying. The model's two legs: the rise of their segments' interstitial fluid since
/// the posture change, after 5, 15 and 35 min of standing.
struct QuietStandingResult {
  double legs_shift_35min_mL = 0.0;        ///< both legs, 35 min
  double fraction_at_5min = 0.0;           ///< shift(5 min) / shift(35 min)
  double late_fraction_15_to_35min = 0.0;  ///< (shift(35) - shift(15)) / shift(35)
};
const QuietStandingResult& p7_lundvall1996();

/// The scenario of E3, identical to scenarios/maximal_lactate_steady_state.json.
std::string_view mlss_scenario_text();
scenario::Scenario mlss_scenario();

/// E3 Beneke R, Huetler M, Leithaeuser RM (2000) Med Sci Sports Exerc 32:1135: 30 min of cycling at the maximal
/// lactate steady state. Blood lactate at minutes 10 and 30 of the exercise, and the highest muscle-cell lactate
/// of the limb.
struct MlssResult {
  double blood_lactate_10min_mmol_per_L = 0.0;
  double blood_lactate_30min_mmol_per_L = 0.0;
  double max_muscle_cell_lactate_mmol_per_L = 0.0;
};
const MlssResult& e3_beneke2000();

/// The scenario of L2, identical to scenarios/gupta_1996_lactate_recovery.json.
std::string_view gupta_scenario_text();
scenario::Scenario gupta_scenario();

/// L2 Gupta S et al. (1996) Int J Sports Med 17:106 on the composed leg: five 1-min bouts at 150 % VO2max, then
/// 45 min of recovery in three arms (massage, passive, active at 30 % VO2max). Each arm's blood-lactate peak after
/// the last bout, its time and the half-life from the peak (linear interpolation between saved points); the
/// highest muscle-cell lactate of the limb's segments and of the lumped working muscle over the three arms.
struct GuptaLegResult {
  LactateRecovery passive, massage, active;
  double max_segment_cell_lactate_mmol_per_L = 0.0;
  double max_working_muscle_cell_lactate_mmol_per_L = 0.0;
  /// Freund's form fitted to the passive arm's blood lactate, 0-45 min after the last bout every 30 s
  /// (`harness::fit_freund`, as the harness fits its own run).
  double freund_A1_mmol_per_L = 0.0, freund_g1_per_min = 0.0, freund_A2_mmol_per_L = 0.0, freund_g2_per_min = 0.0;
  double freund_rms_mmol_per_L = 0.0;
};
const GuptaLegResult& l2_gupta1996_leg();

/// L2.massage_45min, scenarios/gupta_1996_massage_45min.json: Gupta's bouts, then massage over the whole 45-min
/// recovery; the blood-lactate peak after the last bout, its time and the half-life from it.
std::string_view gupta_massage_45min_scenario_text();
const LactateRecovery& l2_massage_45min_leg();

/// L2.massage_flow_x0.76, scenarios/gupta_1996_massage_lower_flow.json: Gupta's bouts and 10-min massage with the
/// muscle's blood-flow conductance prescribed at 0.76 during the massage (Wiltshire 2010's fall in inflow, as a
/// phase's `muscle_flow_multiplier`); the blood-lactate peak after the last bout, its time and the half-life.
std::string_view gupta_massage_lower_flow_scenario_text();
const LactateRecovery& l2_massage_lower_flow_leg();

/// The massage-vs-rest blood-lactate nulls on the composed leg: each study's scenario file, run through
/// `simulation::simulate`, read in each arm at times after the start of its recovery (the base protocol's first
/// massage phase, which the other arms replace). `rest` is the arm named "rest" or "passive"; `active` is NaN
/// where the study had no active arm.
///
/// L3 Martin 1998, scenarios/martin_1998_massage_vs_rest.json: blood lactate at the end of the 20-min recovery.
std::string_view martin1998_scenario_text();
const LactateNullArms& l3_martin1998_leg();
/// L5 Hemmings 2000, scenarios/hemmings_2000_boxing_massage.json: 6 min after the second performance.
std::string_view hemmings2000_scenario_text();
const LactateNullArms& l5_hemmings2000_leg();
/// L6 Robertson 2004, scenarios/robertson_2004_leg_massage.json: at the end of the 20 min of massage or rest.
std::string_view robertson2004_scenario_text();
const LactateNullArms& l6_robertson2004_leg();
/// L7 Dolgener 1993, scenarios/dolgener_1993_lactate_disappearance.json: at 3, 5, 15 and 20 min of recovery.
std::string_view dolgener1993_scenario_text();
const L7Result& l7_dolgener1993_leg();
/// L1 Wiltshire 2010 on a composed forearm, scenarios/wiltshire_2010_forearm_massage.json: over the 10 min after
/// the handgrip (the massage phase of arm "massage", the rest that replaces it in arm "passive"), the inflow from
/// the cumulative inflow, the lactate efflux as the trapezoid integral of the forearm's net venous efflux
/// Q (C_v - C_a) over the saved points (ten per stroke), and v - a (capillary minus blood lactate) as the mean
/// over 25-35 s after the handgrip.
struct L1ForearmResult {
  double passive_inflow_mL = 0.0, massage_inflow_mL = 0.0;
  double passive_efflux_mmol = 0.0, massage_efflux_mmol = 0.0;
  double passive_va_30s_mmol_per_L = 0.0, massage_va_30s_mmol_per_L = 0.0;
  double inflow_ratio() const { return massage_inflow_mL / passive_inflow_mL; }
};
std::string_view wiltshire2010_scenario_text();
const L1ForearmResult& l1_wiltshire2010_forearm();

/// The tone targets on the composed leg, the distal calf read (the massage kneads the calf):
/// T2 Morelli 1990 / T3 Sullivan 1991, scenarios/sullivan_1991_h_reflex.json: reflex gain at the last saved point
/// before the massage, its mean from 10 s into the massage to its end, and 10 s after it.
std::string_view sullivan1991_scenario_text();
const ReflexResult& t2t3_reflex_leg();
/// The same run without averaging: reflex gain at one saved point 140 s into the massage, and 10 s after it.
const ReflexSegmentResult& t2t3_reflex_instant_leg();
/// T1 Eriksson Crommert 2015, scenarios/eriksson_crommert_2015_stiffness.json: passive stiffness change [%] at
/// the end of the 7-min massage and 3 min later.
std::string_view eriksson_crommert2015_scenario_text();
const T1Result& t1_eriksson_crommert2015_leg();
/// T4 Kong 2018, scenarios/kong_2018_stiffness_days.json: passive stiffness, massage arm minus control arm [%],
/// 24-96 h after the massage ends; the massage arm's stiffness at its end.
std::string_view kong2018_scenario_text();
const T4Result& t4_kong2018_leg();

/// B1 Shoemaker 1997 on a composed forearm, scenarios/shoemaker_1997_forearm_massage.json: the mean inflow of each
/// massage phase (tapotement pulses; from the cumulative inflow, so exact over the pulses) over that of the rest
/// phase before it, and the last 30 s of the handgrip (the exercise phase) over the rest before it.
std::string_view shoemaker1997_scenario_text();
const B1Result& b1_shoemaker1997_forearm();

/// P5 on the composed leg, scenarios/calf_venous_emptying.json: the summed blood volume of the segments under the
/// pressure (those with an applied pressure halfway through the hold); tau = time from the start of the pressure
/// to 1/e of the volume expelled by the end of its phase.
std::string_view calf_emptying_scenario_text();
const CalfEmptyingResult& calf_venous_emptying_leg();

/// Y1 Olszewski 1980 on the composed leg, scenarios/olszewski_1980_lymph_light.json and _firm.json (one run
/// each: after a massage the interstitium refills over ~100 min): the most distal segment's collector; rest =
/// the light file's rest phase, light / firm = each file's massage phase. Pulses: collector activation crossing
/// 0.2 upward at saved points; lymph from the cumulative lymph outflow.
std::string_view olszewski1980_light_scenario_text();
std::string_view olszewski1980_firm_scenario_text();
const Y1Result& y1_olszewski1980_leg();
/// Y4 Knott 2005 on the composed leg, scenarios/knott_2005_lymph_pump.json: the most distal segment's lymph
/// outflow at whole minutes of pumping against its resting flow.
std::string_view knott2005_scenario_text();
const Y4Result& y4_lymph_pump_leg();

/// R1 / R2 / B4 on a composed arm (distal forearm 15 + proximal forearm 10 + upper arm 30 cm, tissue presets):
/// scenarios/forearm_reactive_hyperaemia_arm_above_heart.json (limb_raised), _below_heart (limb_lowered) and
/// _heart_level (supine). "Brachial" inflow = the summed inflow of the segments up to the cuffed one (the forearm),
/// from their cumulative inflow. R1: peak 3-s mean in the 120 s after each cuff's release minus the mean of the
/// last 60 s of the rest before it [mL/min]; B4: peak 1-s mean in the 29 s after the 1-s compression, minus the same
/// rest mean, per 100 g of forearm tissue. R2's heart level: the heart-level file's 5-min occlusion.
std::string_view rh_above_heart_scenario_text();
std::string_view rh_below_heart_scenario_text();
std::string_view rh_heart_level_scenario_text();
const ReactiveHyperaemiaResult& r1_r2_reactive_hyperaemia_arm();
const B4Result& b4_tschakovsky1996_arm();

/// L10 Beneke 2007 on the composed leg, scenarios/beneke_2007_sprint_10s.json and _30s.json: the 3-parameter form
/// fitted (`harness::fit_beneke`) to blood lactate at minutes 1-60 after the sprint's start, above its value then.
std::string_view beneke2007_10s_scenario_text();
std::string_view beneke2007_30s_scenario_text();
const L10Result& l10_beneke2007_leg();

}  // namespace massagesim::validation
