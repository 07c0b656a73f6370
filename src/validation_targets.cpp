// The validation registry (validation/targets.hpp): one record per reported number, reading the cached
// computations of validation_fluid.cpp and validation_metabolism.cpp; and the report formatting.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>
#include <utility>

#include "massagesim/core/error.hpp"
#include "massagesim/validation/blood_flow.hpp"
#include "massagesim/validation/exercise.hpp"
#include "massagesim/validation/lactate.hpp"
#include "massagesim/validation/lymph.hpp"
#include "massagesim/validation/rest.hpp"
#include "massagesim/validation/targets.hpp"
#include "massagesim/validation/tone.hpp"

namespace massagesim::validation {

std::string_view to_string(BandRule r) {
  switch (r) {
    case BandRule::mean_sd:
      return "mean ± SD";
    case BandRule::mean_se:
      return "mean ± SE";
    case BandRule::ci:
      return "CI";
    case BandRule::pct10:
      return "10 % of mean";
    case BandRule::pct30:
      return "30 % of mean";
    case BandRule::null_band:
      return "null band";
    case BandRule::range:
      return "range";
    case BandRule::qualitative:
      return "qualitative bound";
  }
  return "?";
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::pass:
      return "PASS";
    case Status::expected_fail:
      return "EXPECTED-FAIL";
    case Status::fail:
      return "FAIL";
    case Status::unexpected_pass:
      return "XPASS";
  }
  return "?";
}

namespace {

using Fn = std::function<double()>;

/// mean ± spread (SD, SE or CI half-width, per `rule`).
Target around(std::string id, std::string area, std::string citation, std::string quantity, std::string unit,
              std::string data, double mean, double spread, BandRule rule, Fn model, std::string reason = {}) {
  return Target{std::move(id),
                std::move(area),
                std::move(citation),
                std::move(quantity),
                std::move(unit),
                std::move(data),
                mean,
                spread,
                mean - spread,
                mean + spread,
                rule,
                std::move(reason),
                std::move(model)};
}
/// Explicit band [lo, hi].
Target banded(std::string id, std::string area, std::string citation, std::string quantity, std::string unit,
              std::string data, double mean, double lo, double hi, BandRule rule, Fn model, std::string reason = {}) {
  return Target{std::move(id),
                std::move(area),
                std::move(citation),
                std::move(quantity),
                std::move(unit),
                std::move(data),
                mean,
                std::nan(""),
                lo,
                hi,
                rule,
                std::move(reason),
                std::move(model)};
}
/// Within `pct` % of a published mean.
Target percent(std::string id, std::string area, std::string citation, std::string quantity, std::string unit,
               std::string data, double mean, double pct, Fn model, std::string reason = {}) {
  const double a = std::abs(mean) * pct / 100.0;
  return Target{std::move(id),
                std::move(area),
                std::move(citation),
                std::move(quantity),
                std::move(unit),
                std::move(data),
                mean,
                std::nan(""),
                mean - a,
                mean + a,
                pct <= 10.0 ? BandRule::pct10 : BandRule::pct30,
                std::move(reason),
                std::move(model)};
}

constexpr double kInf = kNoBound;

}  // namespace

// ---- Rest ------------------------------------------------------------------------------------------
std::vector<Target> rest_targets() {
  // On the composed default leg at rest, as users run it (scenario default, its rest phase, the most distal
  // segment: `rest_default_leg`); the lone-segment harness (validation/rest.hpp) is the module's unit test.
  const char* a = "rest";
  return {
      banded("Rest.flow", a, "Scand J Clin Lab Invest 1990; Bochmann 2005",
             "resting muscle blood flow (scenario default, distal calf, rest phase)", "mL/min/100 g", "2–4", 3.0, 2.0,
             4.0, BandRule::range, [] { return rest_default_leg().flow_mL_per_min_per_100g; }),
      banded("Rest.capillary_pressure", a, "Perry 1986 J Appl Physiol 60:2114",
             "capillary pressure (scenario default, distal calf, rest phase)", "mmHg", "17–25", 21.0, 17.0, 25.0,
             BandRule::range, [] { return rest_default_leg().capillary_pressure_mmHg; }),
      banded("Rest.interstitial_pressure", a, "validation.md Rest (deep calf −1.2 ± 3.4, wick-in-needle)",
             "muscle interstitial fluid pressure (scenario default, distal calf, rest phase)", "mmHg", "−1 ± 3", -1.0,
             -4.0, 2.0, BandRule::mean_sd, [] { return rest_default_leg().interstitial_pressure_mmHg; }),
      banded("Rest.intramuscular_pressure", a, "physiology.md §1E (5–10 cmH2O recumbent)",
             "intramuscular pressure (scenario default, distal calf, rest phase)", "mmHg", "4–7", 5.5, 4.0, 7.0,
             BandRule::range, [] { return rest_default_leg().intramuscular_pressure_mmHg; }),
      banded("Rest.mean_arterial_pressure", a, "validation.md Rest",
             "mean arterial pressure (scenario default, rest phase; a constant input until the baroreflex issue)",
             "mmHg", "90–95", 92.5, 90.0, 95.0, BandRule::range,
             [] { return rest_default_leg().mean_arterial_pressure_mmHg; }),
      around("Rest.blood_lactate", a, "Menzies 2010", "resting blood lactate (scenario default, rest phase)", "mmol/L",
             "1.0 ± 0.1", 1.0, 0.1, BandRule::mean_sd, [] { return rest_default_leg().blood_lactate_mmol_per_L; }),
  };
}

// ---- Blood flow, venous pump --------------------------------------------------------------------------
std::vector<Target> blood_flow_targets() {
  const char* a = "blood_flow";
  const char* shoemaker = "Shoemaker 1997 Med Sci Sports Exerc 29:610";
  const char* tschakovsky = "Tschakovsky 1996 Am J Physiol";
  const char* r1 = "PMC4556838 (R1)";
  // Causes measured 2026-12-06 on the composed arm with scenario variants (issue 12).
  const std::string b4_reason =
      "the post-release rise is refill, not dilation: below the heart +3.37 from refilling arteries and +3.80 "
      "from refilling veins, less 3.38 while venous outflow stops as the veins refill; emptying the veins barely "
      "lowers capillary pressure (35.9 -> 26.5 mmHg below the heart, unchanged above), so posture moves the rise "
      "by 0.6 where the data need 4.7; no compression-induced rapid vasodilation (Kirby 2007, Clifford 2006)";
  const std::string r1_reason =
      "peak too high: the forearm beyond the cuff, ischaemic but not squeezed, raises its O2 demand 4.6x through "
      "the ischaemic pain -> muscle tone loop (2.06 -> 9.47 mL/min), so the vasodilator nears its maximum within "
      "1-2 min (8.8 of 12 at 1 min; with pain_spasm_gain 0: 3.5, and the 1-min peak above the heart 206 instead "
      "of 375, measured before the myogenic sensor's floor, which lowered the peaks 7-10 %); the cuffed segment's "
      "squeezed bed refills inside the peak window (62 % of the 3-s inflow after 0.5 "
      "min); posture changes only the perfusion pressure (5-min above / below 0.83, the ratio of arterio-venous "
      "pressure differences; data 0.56)";
  std::vector<Target> t = {
      banded(
          "B1.30mmHg", a, shoemaker,
          "forearm inflow change during 5 min of massage, 30 mmHg (nominal; scenario shoemaker_1997_forearm_massage)",
          "%", "unchanged (< ~10 %)", 0.0, -10.0, 10.0, BandRule::null_band,
          [] { return 100.0 * b1_shoemaker1997_forearm().change[0]; }),
      banded("B1.60mmHg", a, shoemaker,
             "forearm inflow change, 60 mmHg (must not rise > 10 %; scenario shoemaker_1997_forearm_massage)", "%",
             "unchanged (< ~10 %)", 0.0, -kInf, 10.0, BandRule::qualitative,
             [] { return 100.0 * b1_shoemaker1997_forearm().change[1]; }),
      banded("B1.100mmHg", a, shoemaker,
             "forearm inflow change, 100 mmHg (must not rise > 10 %; scenario shoemaker_1997_forearm_massage)", "%",
             "unchanged (< ~10 %)", 0.0, -kInf, 10.0, BandRule::qualitative,
             [] { return 100.0 * b1_shoemaker1997_forearm().change[2]; }),
      percent(
          "B1.light_contraction", a, shoemaker,
          "forearm inflow during light voluntary contraction (35 % of this muscle's maximum) / rest (scenario "
          "shoemaker_1997_forearm_massage)",
          "1", "126 ± 19 / 39.1 ± 6.4 mL/min (3.2)", 126.0 / 39.1, 30.0,
          [] { return b1_shoemaker1997_forearm().contraction_inflow_ratio; },
          "exercise hyperaemia too strong for a light contraction: the mapping of % MVC to the model's exercise "
          "intensity (0.35 of this muscle) is uncalibrated and metabolic dilation saturates high"),
      around(
          "B4.below_heart", a, tschakovsky,
          "post-release inflow rise after one 1-s 100 mmHg compression, arm below heart (scenario "
          "forearm_reactive_hyperaemia_arm_below_heart)",
          "mL/100 mL/min", "7.7 ± 0.7", 7.7, 0.7, BandRule::mean_sd,
          [] { return b4_tschakovsky1996_arm().below_heart; }, b4_reason),
      around("B4.above_heart", a, tschakovsky,
             "post-release inflow rise, arm above heart (scenario forearm_reactive_hyperaemia_arm_above_heart)",
             "mL/100 mL/min", "3.0 ± 0.4", 3.0, 0.4, BandRule::mean_sd,
             [] { return b4_tschakovsky1996_arm().above_heart; }),
      percent(
          "B4.above_over_below", a, tschakovsky,
          "post-release rise above / below heart (scenarios forearm_reactive_hyperaemia_arm_*)", "1",
          "0.39 (3.0 / 7.7)", 3.0 / 7.7, 30.0,
          [] {
            const auto& b = b4_tschakovsky1996_arm();
            return b.above_heart / b.below_heart;
          },
          "posture dependence too weak: " + b4_reason),
      around(
          "P5.calf_tau", "venous_pump", "Phys Med Biol 1977;22:1146",
          "calf venous emptying time constant under a sudden 20 mmHg (scenario calf_venous_emptying)", "s",
          "4.2 ± 1.8 (τ = RC, propagated SD [D])", 4.2, 1.8, BandRule::mean_sd,
          [] { return calf_venous_emptying_leg().tau_s; },
          "the limb scales each segment's venous outlet conductance by (cumulative mass / own mass) x (limb "
          "length / own length), 4.5x and 9x the lone value in the distal and proximal calf (so that the chain "
          "rests with one lone outlet's resistance), and the thigh's veins take up 22 mL in the first 0.5 s: the "
          "calf empties with tau 2.15 s (the lone calf Segment: 4.18 s)"),
  };
  const auto& d = ReactiveHyperaemiaResult{};
  const char* dur[4] = {"0.5", "1", "2", "5"};
  for (int pos = 0; pos < 2; ++pos)
    for (std::size_t i = 0; i < 4; ++i) {
      const double mean = pos == 0 ? d.above_data[i] : d.below_data[i], sd = pos == 0 ? d.above_sd[i] : d.below_sd[i];
      const std::string where = pos == 0 ? "above" : "below";
      char data[48];
      std::snprintf(data, sizeof data, "%.0f ± %.0f", mean, sd);
      // Expected in band today: below heart after 2 and 5 min (2 of 8; 2 min since the myogenic sensor reads a
      // collapsed arteriole as unstretched, hemodynamics.hpp: 628.8 -> 589.8 mL/min).
      const bool passes_today = pos == 1 && i >= 2;
      t.push_back(around(
          "R1." + where + "_heart." + dur[i] + "min", a, r1,
          "peak reactive-hyperaemia inflow increase after " + std::string(dur[i]) + " min occlusion, arm " + where +
              " heart (scenario forearm_reactive_hyperaemia_arm_" + where + "_heart)",
          "mL/min", data, mean, sd, BandRule::mean_sd,
          [pos, i] {
            const auto& r = r1_r2_reactive_hyperaemia_arm();
            return pos == 0 ? r.above[i] : r.below[i];
          },
          passes_today ? std::string{} : r1_reason));
    }
  t.push_back(banded("R2.up_over_heart_level", a, "PMC3285391 (R2)",
                     "5-min peak increase, arm up / heart level (ordering: < 1; scenarios "
                     "forearm_reactive_hyperaemia_arm_*)",
                     "1", "338 ± 38 / 430 ± 52 (0.79)", 338.0 / 430.0, -kInf, std::nextafter(1.0, 0.0),
                     BandRule::qualitative, [] {
                       const auto& r = r1_r2_reactive_hyperaemia_arm();
                       return r.above[3] / r.heart_level_5min;
                     }));
  return t;
}

// ---- Lymph ---------------------------------------------------------------------------------------------
std::vector<Target> lymph_targets() {
  const char* a = "lymph";
  const char* ol = "Olszewski 1980 Am J Physiol 239:H775";
  const char* kn = "Knott 2005 J Am Osteopath Assoc 105:447 (dogs)";
  // Why the leg's collectors stay below their trigger, measured 2026-12-06 (issue 12); the pulse counts with
  // scenario overrides, before the venous outlet became a two-way Starling resistor.
  const char* y1_no_pulse =
      "no pulse on the composed leg: supine, the distal calf's collector filling pressure under 30 mmHg massage "
      "peaks at 1.33 mmHg, below the 4.0-4.6 mmHg at which every pulse of the lone Segment started; the limb "
      "drains each collector through an outlet conductance scaled by (cumulative mass / own mass) x (limb length / "
      "own length), 4.5x the lone value in the distal calf (at the lone value: 3 pulses), and the leg lies level "
      "with the heart, drier than the lone Segment 5 cm below it (rest capillary pressure 18.37 vs 21.9, "
      "interstitial -1.74 vs -0.17 mmHg; 5 cm lower: 8 pulses)";
  return {
      banded(
          "Y1.rest_pulses", a, ol,
          "spontaneous lymph pulses at rest in 5 min (scenario olszewski_1980_lymph_light, distal calf)", "pulses",
          "present (flow in pulse waves)", std::nan(""), 1.0, kInf, BandRule::qualitative,
          [] { return double(y1_olszewski1980_leg().rest.pulses); },
          "the resting lymphangion is quiescent (a steady state with a passive trickle: on the leg's distal calf "
          "collector activation <= 0.0006, filling pressure <= -2.49 mmHg)"),
      banded(
          "Y1.pulses_light_minus_rest", a, ol,
          "extra pulses in 5 min with light (30 mmHg) massage (scenario olszewski_1980_lymph_light)", "pulses",
          "massage raises pulse frequency", std::nan(""), 1.0, kInf, BandRule::qualitative,
          [] {
            const auto& y = y1_olszewski1980_leg();
            return double(y.light.pulses - y.rest.pulses);
          },
          y1_no_pulse),
      banded(
          "Y1.pulses_firm_minus_light", a, ol,
          "extra pulses in 5 min, firm (90 mmHg) vs light massage (scenarios olszewski_1980_lymph_*)", "pulses",
          "massage raises pulse frequency", std::nan(""), 0.0, kInf, BandRule::qualitative,
          [] { return y1_olszewski1980_leg().firm_minus_light_pulses(); }, y1_no_pulse),
      banded("Y1.flow_light_over_rest", a, ol,
             "lymph flow in 5 min, light massage / rest (scenario olszewski_1980_lymph_light)", "1",
             "massage raises flow", std::nan(""), 2.0, kInf, BandRule::qualitative,
             [] {
               const auto& y = y1_olszewski1980_leg();
               return y.light.lymph_mL / y.rest.lymph_mL;
             }),
      banded("Y1.flow_firm_over_light", a, ol,
             "lymph flow in 5 min, firm / light massage (scenarios olszewski_1980_lymph_*)", "1", "massage raises flow",
             std::nan(""), std::nextafter(1.0, 2.0), kInf, BandRule::qualitative,
             [] {
               const auto& y = y1_olszewski1980_leg();
               return y.firm.lymph_mL / y.light.lymph_mL;
             }),
      banded("Y1.peak_pressure_firm_over_light", a, ol,
             "peak collector pressure, firm / light massage (scenarios olszewski_1980_lymph_*)", "1",
             "massage does not raise lymph pressure", 1.0, 0.85, 1.15, BandRule::null_band,
             [] {
               const auto& y = y1_olszewski1980_leg();
               return y.firm.peak_pressure_mmHg / y.light.peak_pressure_mmHg;
             }),
      banded(
          "Y1.trigger_margin", a, ol,
          "lowest triggering filling pressure − (threshold − 2 trigger widths) (scenarios olszewski_1980_lymph_*)",
          "mmHg", "pulses triggered by filling (threshold 5–25 mmHg)", std::nan(""), 0.0, kInf, BandRule::qualitative,
          [] { return y1_olszewski1980_leg().trigger_margin_mmHg(); }, y1_no_pulse),
      banded("Y4.minute2_over_baseline", a, kn,
             "lymph flow in minute 2 of pumping / baseline (scenario knott_2005_lymph_pump, distal calf)", "1",
             "5.0 ± 1.1 / 1.7 ± 0.5 mL/min (≈ 2.9)", 5.0 / 1.7, std::nextafter(2.0, 3.0), kInf, BandRule::qualitative,
             [] { return y4_lymph_pump_leg().minute2_ratio; }),
      banded("Y4.last10_over_first10", a, kn,
             "extra lymph, minutes 50–60 / minutes 0–10 of pumping (scenario knott_2005_lymph_pump)", "1",
             "finite mobilisable volume (net +15.4 ± 1.1 mL)", 0.0, -kInf, std::nextafter(0.25, 0.0),
             BandRule::qualitative,
             [] {
               const auto& y = y4_lymph_pump_leg();
               return y.extra_last10_mL / y.extra_first10_mL;
             }),
      banded("Y4.last10_flow_over_baseline", a, kn,
             "lymph flow, minutes 50–60 / baseline (returns despite pumping; scenario knott_2005_lymph_pump)", "1",
             "back to baseline", 1.0, 0.5, 1.5, BandRule::qualitative, [] { return y4_lymph_pump_leg().last10_ratio; }),
  };
}

// ---- Lactate -------------------------------------------------------------------------------------------
std::vector<Target> lactate_targets() {
  const char* a = "lactate";
  const char* gupta = "Gupta 1996 Int J Sports Med 17:106";
  const char* beneke = "Beneke 2007 Dyn Med 6:10";
  const char* wilt = "Wiltshire 2010 MSSE 42:1062";
  const double nb = kLactateNullBand_mmol_per_L;
  // Measured 2026-12-06 on the composed leg (issue 12).
  const std::string l10_k1_reason =
      "blood lactate appears too slowly: on the leg 9 of the 20 kg of working muscle are the explicit segments, "
      "whose vasodilator flow law (x_max 12, n = 2) lets only 28 % / 23 % of their sprint lactate reach the blood "
      "in 5 min (half by 11-12 min): k1 0.451 / 0.341; with the segments' muscle cut to 0.9 kg, 0.670 / 0.407 "
      "(the harness without the leg: 0.711 / 0.415); with the lumped muscle's flow law on the segments, 0.609 / "
      "0.426";
  std::vector<Target> t = {
      around("L2.passive", a, gupta, "blood-lactate half-life, passive recovery (scenario gupta_1996_lactate_recovery)",
             "min", "21.5 ± 2.8", 21.5, 2.8, BandRule::mean_sd,
             [] { return l2_gupta1996_leg().passive.half_life_min; }),
      around("L2.massage", a, gupta, "blood-lactate half-life, massage (scenario gupta_1996_lactate_recovery)", "min",
             "21.8 ± 3.5", 21.8, 3.5, BandRule::mean_sd, [] { return l2_gupta1996_leg().massage.half_life_min; }),
      around("L2.active", a, gupta,
             "blood-lactate half-life, active recovery at 30 % VO2max (scenario gupta_1996_lactate_recovery)", "min",
             "15.7 ± 2.5", 15.7, 2.5, BandRule::mean_sd, [] { return l2_gupta1996_leg().active.half_life_min; }),
      percent("L2.peak_time", a, gupta,
              "time of the blood-lactate peak after exercise, passive (scenario gupta_1996_lactate_recovery)", "min",
              "~3", 3.0, 30.0, [] { return l2_gupta1996_leg().passive.t_peak_min; }),
      // physiology.md section 3: ~25-30 mmol/kg wet weight after exhaustive exercise, ~45 mmol/L of cell water at
      // the model's 0.55 L/kg ([GK]); the bound of the envelope, not a measured mean.
      banded("L2.muscle_cell_lactate", a, "physiology.md section 3 [GK] (muscle lactate after exhaustive exercise)",
             "highest muscle-cell lactate of the leg's segments after Gupta's five bouts (scenario "
             "gupta_1996_lactate_recovery) [per L of cell water]",
             "mmol/L", "~25-30 mmol/kg wet wt (<= 45 mmol/L of cell water)", std::nan(""), 0.0, 45.0,
             BandRule::qualitative, [] { return l2_gupta1996_leg().max_segment_cell_lactate_mmol_per_L; }),
      around("L2.massage_flow_x0.76", a, gupta,
             "half-life, massage with muscle flow prescribed at 0.76 (sensitivity; scenario "
             "gupta_1996_massage_lower_flow)",
             "min", "21.8 ± 3.5", 21.8, 3.5, BandRule::mean_sd,
             [] { return l2_massage_lower_flow_leg().half_life_min; }),
      around("L2.massage_45min", a, gupta,
             "half-life, massage over the whole 45-min recovery (sensitivity; scenario gupta_1996_massage_45min)",
             "min", "21.8 ± 3.5", 21.8, 3.5, BandRule::mean_sd, [] { return l2_massage_45min_leg().half_life_min; }),
      banded("L2.freund_g1", a, "Freund 1986 form; Beneke 2007 4-parameter g1",
             "exchange constant g1 of the passive recovery curve (scenario gupta_1996_lactate_recovery)", "1/min",
             "0.49 ± 0.08 and 0.58 ± 0.14", 0.535, 0.489 - 0.076, 0.579 + 0.137, BandRule::range,
             [] { return l2_gupta1996_leg().freund_g1_per_min; }),
      around("L10.k2_10s", a, beneke, "disappearance constant k2 after a 10-s sprint (scenario beneke_2007_sprint_10s)",
             "1/min", "0.0421 ± 0.0106", 0.0421, 0.0106, BandRule::mean_sd, [] { return l10_beneke2007_leg().k2[0]; }),
      around("L10.k2_30s", a, beneke, "disappearance constant k2 after a 30-s sprint (scenario beneke_2007_sprint_30s)",
             "1/min", "0.0245 ± 0.0104", 0.0245, 0.0104, BandRule::mean_sd, [] { return l10_beneke2007_leg().k2[1]; }),
      percent("L10.k2_ratio", a, beneke,
              "k2(10 s) / k2(30 s): clearance slows with a larger load (scenarios beneke_2007_sprint_*)", "1",
              "1.72 (ratio of means)", 1.72, 30.0,
              [] {
                const auto& l = l10_beneke2007_leg();
                return l.k2[0] / l.k2[1];
              }),
      around("L10.A_10s", a, beneke, "amplitude A after a 10-s sprint (scenario beneke_2007_sprint_10s)", "mmol/L",
             "9.1 ± 2.1", 9.1, 2.1, BandRule::mean_sd, [] { return l10_beneke2007_leg().A[0]; }),
      around("L10.A_30s", a, beneke, "amplitude A after a 30-s sprint (scenario beneke_2007_sprint_30s)", "mmol/L",
             "15.3 ± 2.1", 15.3, 2.1, BandRule::mean_sd, [] { return l10_beneke2007_leg().A[1]; }),
      around(
          "L10.k1_10s", a, beneke, "invasion constant k1 after a 10-s sprint (scenario beneke_2007_sprint_10s)",
          "1/min", "0.610 ± 0.119", 0.610, 0.119, BandRule::mean_sd, [] { return l10_beneke2007_leg().k1[0]; },
          l10_k1_reason),
      around(
          "L10.k1_30s", a, beneke, "invasion constant k1 after a 30-s sprint (scenario beneke_2007_sprint_30s)",
          "1/min", "0.505 ± 0.107", 0.505, 0.107, BandRule::mean_sd, [] { return l10_beneke2007_leg().k1[1]; },
          l10_k1_reason),
      around("L3.massage_minus_rest", a, "Martin 1998 J Athl Train 33:30",
             "blood lactate after 20 min, massage − rest (scenario martin_1998_massage_vs_rest)", "mmol/L",
             "no difference", 0.0, nb, BandRule::null_band, [] { return l3_martin1998_leg().massage_minus_rest(); }),
      around("L5.massage_minus_rest", a, "Hemmings 2000 Br J Sports Med 34:109",
             "blood lactate 6 min after bout 2, massage − rest (scenario hemmings_2000_boxing_massage)", "mmol/L",
             "no difference", 0.0, nb, BandRule::null_band, [] { return l5_hemmings2000_leg().massage_minus_rest(); }),
      around("L6.massage_minus_rest", a, "Robertson 2004 Br J Sports Med 38:173",
             "blood lactate after 20 min, massage − rest (scenario robertson_2004_leg_massage)", "mmol/L",
             "no difference (P = 0.82)", 0.0, nb, BandRule::null_band,
             [] { return l6_robertson2004_leg().massage_minus_rest(); }),
  };
  const char* l7min[4] = {"3", "5", "15", "20"};
  for (std::size_t i = 0; i < 4; ++i)
    t.push_back(around(std::string("L7.massage_minus_rest.") + l7min[i] + "min", a,
                       "Dolgener 1993 J Strength Cond Res 7:159",
                       std::string("blood lactate at ") + l7min[i] +
                           " min, massage − passive (scenario dolgener_1993_lactate_disappearance)",
                       "mmol/L", "no difference", 0.0, nb, BandRule::null_band,
                       [i] { return l7_dolgener1993_leg().at[i].massage_minus_rest(); }));
  // L1 runs scenarios/wiltshire_2010_forearm_massage.json (the harness with prescribed measured inflows stays a
  // unit test of the lactate module, test_lactate_pool.cpp).
  const std::string l1_scenario = " (scenario wiltshire_2010_forearm_massage)";
  t.push_back(around(
      "L1.efflux_massage", a, wilt, "10-min forearm lactate efflux with massage" + l1_scenario, "mmol",
      "14.7 ± 1.6 (SE)", 14.7, 1.6, BandRule::mean_se, [] { return l1_wiltshire2010_forearm().massage_efflux_mmol; },
      "below the band: at 0.8 of the forearm's VO2max (the highest intensity whose 2-min O2 debt stays within "
      "the muscle's anaerobic capacity; at 1.0, 17.3 mmol and 370 mL/kg of debt) the forearm releases "
      "12.45 mmol passive (data 20.5) and 11.53 with massage: massage lowers the efflux 7 % (data 28 %) "
      "and the inflow 13 % (2302 vs 2634 mL; data 24 %): nothing impedes inflow during the strokes "
      "(issue 13, item 3), and the release is transporter-limited, so the efflux falls less than the flow"));
  t.push_back(around(
      "L1.va_massage", a, wilt, "venous − arterial lactate at 30 s, massage" + l1_scenario, "mmol/L", "5.5 ± 0.6 (SE)",
      5.5, 0.6, BandRule::mean_se, [] { return l1_wiltshire2010_forearm().massage_va_30s_mmol_per_L; },
      "v–a at 30 s is 6.20 with massage and 6.32 passive (data 5.5 and 6.1): unchanged by massage, as "
      "measured, 0.1 mmol/L above the band with the forearm's VO2 mapping of the efflux row"));
  t.push_back(percent("L1.inflow_ratio", a, wilt, "10-min forearm inflow, massage / passive" + l1_scenario, "1",
                      "0.756 (3178 / 4203 mL)", 3178.0 / 4203.0, 30.0,
                      [] { return l1_wiltshire2010_forearm().inflow_ratio(); }));
  return t;
}

// ---- Tone ----------------------------------------------------------------------------------------------
std::vector<Target> tone_targets() {
  const char* a = "tone";
  const char* sul = "Sullivan 1991 Arch Phys Med Rehabil 72:915";
  const char* ec = "Eriksson Crommert 2015 SJMSS 25:e490";
  std::vector<Target> t = {
      banded("T3.reflex_during", a, sul,
             "H-reflex during / before massage (scenario sullivan_1991_h_reflex, distal calf)", "1",
             "0.76 ± 0.58 / 2.58 mV (0.295)", 0.76 / 2.58, (0.76 - 0.58) / 2.58, (0.76 + 0.58) / 2.58,
             BandRule::mean_sd, [] { return t2t3_reflex_leg().during; }),
      percent("T2.reflex_reduction", a, "Morelli 1990 JOSPT 12:55",
              "H-reflex change during massage (scenario sullivan_1991_h_reflex)", "%", "−71", -71.0, 30.0,
              [] { return 100.0 * (t2t3_reflex_leg().during - 1.0); }),
      banded("T3.reflex_10s_after", a, sul, "H-reflex 10 s after / before massage (scenario sullivan_1991_h_reflex)",
             "1", "2.82 ± 1.14 / 2.58 mV (1.09)", 2.82 / 2.58, (2.82 - 1.14) / 2.58, (2.82 + 1.14) / 2.58,
             BandRule::mean_sd, [] { return t2t3_reflex_leg().after_10s; }),
      banded("T3.reflex_during_segment", a, sul,
             "H-reflex during / before massage at one instant, 140 s in (scenario sullivan_1991_h_reflex)", "1",
             "0.76 ± 0.58 / 2.58 mV (0.295)", 0.76 / 2.58, 0.07, 0.52, BandRule::mean_sd,
             [] { return t2t3_reflex_instant_leg().during; }),
      around("T1.right_after", a, ec,
             "passive stiffness change right after 7 min of massage (scenario eriksson_crommert_2015_stiffness)", "%",
             "−5.2 ± 8.8", -5.2, 8.8, BandRule::mean_sd, [] { return t1_eriksson_crommert2015_leg().right_after_pct; }),
      around("T1.after_3min", a, ec,
             "passive stiffness change 3 min later (null, ± SE of n = 18; scenario eriksson_crommert_2015_stiffness)",
             "%", "n.s.", 0.0, 8.8 / std::sqrt(18.0), BandRule::null_band,
             [] { return t1_eriksson_crommert2015_leg().after_3min_pct; }),
  };
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string h = std::to_string(T4Result::hours[i]);
    t.push_back(around("T4.massage_minus_control." + h + "h", a, "Kong 2018 J Sports Sci Med 17:599",
                       "stiffness, massage − control, " + h + " h later (scenario kong_2018_stiffness_days)", "%",
                       "no effect", 0.0, 1.0, BandRule::null_band,
                       [i] { return t4_kong2018_leg().difference_pct[i]; }));
  }
  return t;
}

// ---- Exercise (through scenarios: simulation::simulate on the default subject) ------------------------------
std::vector<Target> exercise_targets() {
  const char* a = "exercise";
  const char* rad = "Radegran 1999 J Appl Physiol 87:2375";
  const char* stick = "Stick 1992 J Appl Physiol 72:2063";
  const char* lundvall = "Lundvall 1996 Acta Physiol Scand 158:161";
  const char* beneke2000 = "Beneke 2000 Med Sci Sports Exerc 32:1135";
  const char* standing_rate_reason =
      "the leg filters on standing with K_f 0.003 mL/min/mmHg/100 g (measured limb CFC, 2.6-4.0e-3) into a tissue "
      "of compliance 0.15 mL/mmHg/100 g, so its shift has a time constant of ~C/K_f = 50 min; Lundvall's shift "
      "(~125 mL/min at first, done in 10 min) implies a filtration capacity ~3x larger (his 0.010) and protective "
      "mechanisms that stop it early, which the model lacks (precapillary constriction by the veno-arteriolar "
      "reflex, issue 13; the rise of plasma oncotic pressure in dependent blood, +29-65 % in the foot, Youmans "
      "1934)";
  return {
      around("E1.perfusion", a, rad,
             "knee-extensor perfusion at peak one-legged knee extension (scenario one_leg_knee_extension)",
             "mL/min/100 g", "246 ± 24 (149–373)", 246.0, 24.0, BandRule::mean_se,
             [] { return e1_radegran1999().perfusion_mL_per_min_per_100g; }),
      around("E1.vo2", a, rad, "knee-extensor O2 uptake at peak (scenario one_leg_knee_extension)", "mL/min/100 g",
             "35.2 ± 3.7", 35.2, 3.7, BandRule::mean_se, [] { return e1_radegran1999().vo2_mL_per_min_per_100g; }),
      around(
          "E2.peak", a, "Cotterrell 2005 J Physiol 565P PC28",
          "peak blood lactate after a 30-s Wingate, passive recovery (scenario wingate_recovery)", "mmol/L",
          "15.9 ± 1.5", 15.9, 1.5, BandRule::mean_sd, [] { return e2_cotterrell2005().peak_blood_lactate_mmol_per_L; },
          "11.4 mmol/L (13.1 before the acidosis brake on the leg's glycolysis, which holds its muscle-cell "
          "lactate at 43 mmol/L): the lumped working muscle (no brake) releases through saturable MCTs (MCT4 Vmax "
          "10.4 mmol/min/kg, Km 25 mM) from 68 mmol/L of cell water (physiological <= ~45) and is still draining "
          "when the pool peaks; the L10 calibration fits Beneke's curve shape, not the peak"),
      percent(
          "E2.peak_time", a, "Cotterrell 2005 J Physiol 565P PC28; Gupta 1996",
          "time of the blood-lactate peak after a 30-s Wingate (scenario wingate_recovery)", "min", "~3", 3.0, 30.0,
          [] { return e2_cotterrell2005().peak_time_after_exercise_min; },
          "6.1 min (9.9 before the acidosis brake): the lumped muscle's MCT-limited release (see E2.peak) spreads "
          "its lactate over minutes"),
      // Beneke 2000: MLSS 4.9 ± 1.4 mmol/L (n = 33 men); by its definition blood lactate rises < 1.0 mmol/L over
      // the last 20 of the 30 min.
      around("E3.level", a, beneke2000,
             "blood lactate after 30 min of cycling at the maximal lactate steady state, 0.75 VO2max (scenario "
             "maximal_lactate_steady_state)",
             "mmol/L", "4.9 ± 1.4", 4.9, 1.4, BandRule::mean_sd,
             [] { return e3_beneke2000().blood_lactate_30min_mmol_per_L; }),
      banded("E3.steady", a, beneke2000,
             "rise of blood lactate from minute 10 to minute 30 of cycling at the MLSS (scenario "
             "maximal_lactate_steady_state)",
             "mmol/L", "< 1.0 (the MLSS definition)", 0.0, -1.0, 1.0, BandRule::qualitative,
             [] {
               const auto& r = e3_beneke2000();
               return r.blood_lactate_30min_mmol_per_L - r.blood_lactate_10min_mmol_per_L;
             }),
      // Stick 1992 gives medians only (18 volunteers): 10 % around the hydrostatic standing value, 30 % around the
      // walking value.
      percent("P6.standing", a, stick,
              "venous pressure near the ankle, quiet standing (scenario walking_ambulatory_venous_pressure)", "mmHg",
              "84.0 (median)", 84.0, 10.0, [] { return p6_stick1992().standing_venous_pressure_mmHg; }),
      percent(
          "P6.walking", a, stick,
          "venous pressure near the ankle, slow walking (3 km/h) with the calf muscle pump (scenario "
          "walking_ambulatory_venous_pressure)",
          "mmHg", "23.5 (median)", 23.5, 30.0, [] { return p6_stick1992().walking_venous_pressure_mmHg; },
          "118 mmHg (the same walk without contractions: 97.5): a segment's veins lie inside its muscle, so their "
          "pressure rides on the tissue pressure and each contraction raises it (peaks ~180 mmHg); no superficial "
          "vein outside the fascia drains through perforators into emptied deep veins. Between contractions the "
          "venous pressure falls only to ~95 mmHg, above the tissue-pressure floor (IMP >= 82 mmHg: in the standing "
          "rest state the distal calf's interstitial pressure has risen to 66 mmHg, where it balances filtration "
          "at a capillary pressure of 98 mmHg with lymph at its plateau), and the hyperaemic inflow (946 mL/min) "
          "refills the veins in each 0.72-s relaxation"),
      banded("P6.calf_volume", a, stick,
             "calf volume change over 20 min of slow walking (scenario walking_ambulatory_venous_pressure)", "%",
             "falls (a rapid drop, then -0.073 %/min)", -0.073 * 18.0, -kInf, std::nextafter(0.0, -1.0),
             BandRule::qualitative, [] { return p6_stick1992().calf_volume_change_pct; }),
      // Lundvall 1996 measured the whole body's plasma loss; the dependent legs are its "predominant targets", so
      // the scenario's two legs should hold between half of it and all of it (mean + SD).
      banded("P7.leg_shift", a, lundvall,
             "fluid filtered into both legs' interstitium in 35 min of quiet standing after lying (scenario "
             "quiet_standing_fluid_shift, two legs)",
             "mL", "whole-body plasma loss 691 ± 44; legs the predominant target", 691.0, 0.5 * 691.0, 691.0 + 44.0,
             BandRule::qualitative, [] { return p7_lundvall1996().legs_shift_35min_mL; }),
      percent(
          "P7.rate", a, lundvall,
          "fraction of the 35-min fluid shift reached after 5 min of standing (scenario quiet_standing_fluid_shift)",
          "1", "466 ± 22 of 691 ± 44 mL (0.67)", 466.0 / 691.0, 30.0, [] { return p7_lundvall1996().fraction_at_5min; },
          standing_rate_reason),
      banded(
          "P7.plateau", a, lundvall,
          "fraction of the 35-min fluid shift gained after minute 15 (scenario quiet_standing_fluid_shift)", "1",
          "707 ± 41 mL at 15 min, 691 ± 44 at 35 ('virtually completed within 10 min')", (691.0 - 707.0) / 691.0, -kInf,
          0.1, BandRule::qualitative, [] { return p7_lundvall1996().late_fraction_15_to_35min; }, standing_rate_reason),
  };
}

std::vector<Target> all_targets() {
  std::vector<Target> all;
  for (auto&& part :
       {rest_targets(), blood_flow_targets(), lymph_targets(), lactate_targets(), tone_targets(), exercise_targets()})
    for (auto& t : part) all.push_back(t);
  return all;
}

Target find_target(std::string_view id) {
  const auto all = all_targets();
  for (const auto& t : all)
    if (t.id == id) return t;
  // nearest ids: those sharing the longest prefix
  std::size_t best = 0;
  for (const auto& t : all) {
    std::size_t k = 0;
    while (k < t.id.size() && k < id.size() && t.id[k] == id[k]) ++k;
    best = std::max(best, k);
  }
  std::string near;
  for (const auto& t : all)
    if (t.id.compare(0, best, id.substr(0, best)) == 0) near += (near.empty() ? "" : ", ") + t.id;
  throw UnknownName("validation target '" + std::string(id) + "' is not registered; nearest: " + near);
}

bool in_band(const Target& t, double model) { return std::isfinite(model) && model >= t.band_lo && model <= t.band_hi; }

TargetResult evaluate(const Target& t) {
  TargetResult r;
  r.target = t;
  try {
    r.model = t.model ? t.model() : std::nan("");
  } catch (const std::exception& e) {
    r.error_message = e.what();
    r.status = Status::fail;
    return r;
  }
  r.in_band = in_band(t, r.model);
  if (t.rule != BandRule::qualitative && std::isfinite(t.data_mean) && t.data_mean != 0.0 && std::isfinite(r.model))
    r.error_pct = 100.0 * (r.model - t.data_mean) / std::abs(t.data_mean);
  const bool expected_failure = !t.expected_failure_reason.empty();
  r.status = r.in_band ? (expected_failure ? Status::unexpected_pass : Status::pass)
                       : (expected_failure ? Status::expected_fail : Status::fail);
  return r;
}

std::vector<TargetResult> run_targets(const std::vector<std::string>& prefixes) {
  std::vector<TargetResult> rows;
  for (const auto& t : all_targets()) {
    bool take = prefixes.empty();
    for (const auto& p : prefixes) take = take || t.id.compare(0, p.size(), p) == 0;
    if (take) rows.push_back(evaluate(t));
  }
  return rows;
}

int count_unexpected(const std::vector<TargetResult>& rows) {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(), [](const TargetResult& r) { return !r.ok(); }));
}

namespace {

std::string num(double v, bool markdown) {
  if (std::isnan(v)) return markdown ? "—" : "-";
  if (std::isinf(v)) return v > 0 ? (markdown ? "∞" : "inf") : (markdown ? "−∞" : "-inf");
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string band_text(const Target& t, bool markdown) {
  return "[" + num(t.band_lo, markdown) + ", " + num(t.band_hi, markdown) + "]";
}

std::string error_text(const TargetResult& r, bool markdown) {
  if (std::isnan(r.error_pct)) return markdown ? "—" : "-";
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f", r.error_pct);
  return b;
}

std::string status_text(const TargetResult& r) {
  std::string s(to_string(r.status));
  if (r.status == Status::expected_fail) s += " (" + r.target.expected_failure_reason + ")";
  if (r.status == Status::unexpected_pass)
    s += " (in band: remove the expected-failure reason and turn the gap test into the band test)";
  if (!r.error_message.empty()) s += " (error: " + r.error_message + ")";
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

/// Display width of a UTF-8 string (code points).
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string format_report(const std::vector<TargetResult>& rows, ReportFormat format) {
  std::ostringstream os;
  if (format == ReportFormat::csv) {
    os << "target,area,citation,quantity,unit,data,data_mean,data_spread,model,error_pct,band_lo,band_hi,band_rule,"
          "status,"
          "expected_failure_reason\n";
    for (const auto& r : rows) {
      const auto& t = r.target;
      os << csv_field(t.id) << ',' << csv_field(t.area) << ',' << csv_field(t.citation) << ',' << csv_field(t.quantity)
         << ',' << csv_field(t.unit) << ',' << csv_field(t.data) << ',' << num(t.data_mean, false) << ','
         << num(t.data_spread, false) << ',' << num(r.model, false) << ',' << error_text(r, false) << ','
         << num(t.band_lo, false) << ',' << num(t.band_hi, false) << ',' << csv_field(std::string(to_string(t.rule)))
         << ',' << to_string(r.status) << ',' << csv_field(t.expected_failure_reason + r.error_message) << '\n';
    }
    return os.str();
  }
  if (format == ReportFormat::markdown) {
    os << "| target | quantity | citation | data | model | error % | band | band rule | result |\n"
          "|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      const auto& t = r.target;
      std::string status = status_text(r);
      if (r.status != Status::pass)
        status = "**" + std::string(to_string(r.status)) + "**" + status.substr(to_string(r.status).size());
      os << "| " << t.id << " | " << t.quantity << " [" << t.unit << "] | " << t.citation << " | " << t.data << " | "
         << num(r.model, true) << " | " << error_text(r, true) << " | " << band_text(t, true) << " | "
         << to_string(t.rule) << " | " << status << " |\n";
    }
    return os.str();
  }
  // text: aligned columns
  const std::vector<std::string> head{"target",  "citation", "data",      "unit",  "model",
                                      "error %", "band",     "band rule", "status"};
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    const auto& t = r.target;
    cells.push_back({t.id, t.citation, t.data, t.unit, num(r.model, false), error_text(r, false), band_text(t, false),
                     std::string(to_string(t.rule)), status_text(r)});
  }
  std::vector<std::size_t> w(head.size());
  for (std::size_t j = 0; j < head.size(); ++j) {
    w[j] = width(head[j]);
    for (const auto& c : cells) w[j] = std::max(w[j], width(c[j]));
  }
  auto line = [&](const std::vector<std::string>& c) {
    for (std::size_t j = 0; j < c.size(); ++j) {
      os << c[j];
      if (j + 1 < c.size()) os << std::string(w[j] - width(c[j]) + 2, ' ');
    }
    os << '\n';
  };
  line(head);
  std::size_t total = 0;
  for (std::size_t j = 0; j < w.size(); ++j) total += w[j] + 2;
  os << std::string(std::min<std::size_t>(total, 200), '-') << '\n';
  for (const auto& c : cells) line(c);
  int n[4] = {0, 0, 0, 0};
  for (const auto& r : rows) ++n[static_cast<int>(r.status)];
  os << '\n'
     << rows.size() << " targets: " << n[0] << " PASS, " << n[1] << " EXPECTED-FAIL, " << n[2] << " FAIL, " << n[3]
     << " XPASS\n";
  return os.str();
}

}  // namespace massagesim::validation
