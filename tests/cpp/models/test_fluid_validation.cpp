// Fluid-side validation targets of validation.md: B1, B4, calf venous emptying (P5), R1/R2, Y1, Y4.
// The protocols and runs live in the library (massagesim/validation/blood_flow.hpp, lymph.hpp; compiled in
// src/validation_fluid.cpp); these tests assert the bands, and `expect_registered` checks each reported
// number against its registry record (validation/targets.hpp), which massagesim_validate prints.
// A target the model cannot reach yet is asserted as its CURRENT gap ("EXPECTED FAILURE"), so the
// test fails once the gap closes and the assertion must then be turned into the band check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../support/validation_check.hpp"
#include "massagesim/validation/blood_flow.hpp"
#include "massagesim/validation/lymph.hpp"

using namespace massagesim::validation;
using massagesim::test::expect_registered;

// B1 Shoemaker JK, Tiidus PM, Mader R (1997) Med Sci Sports Exerc 29:610: effleurage, petrissage and
// tapotement on the resting forearm leave conduit flow unchanged (39.1 +/- 6.4 mL/min brachial; change
// < ~10 %). Protocol: forearm at heart level, 5 min of strokes at 0.5 Hz (1 s on / 1 s off; Eliska
// 1995: 25 strokes/min); 60 mmHg under the hand (Olszewski: manual massage 60-120 mmHg) over about
// half the segment -> 30 mmHg segment-average applied pressure (nominal). Null band: |change| <= 10 %.
TEST(FluidValidation, B1_MassageOfRestingForearmLeavesInflowUnchanged) {
  const B1Result& b = b1_shoemaker1997();
  for (std::size_t i = 0; i < 3; ++i) {
    const double p_mmHg = b.pressure_mmHg[i], change = b.change[i];
    std::printf("B1 %5.1f mmHg: resting inflow %.1f mL/min, mean during massage %.1f (%+.1f %%)\n", p_mmHg,
                b.rest_inflow_mL_per_min, b.mean_inflow_mL_per_min[i], 100.0 * change);
    // Honesty: massage of resting muscle must never RAISE bulk inflow beyond the null band.
    EXPECT_LE(change, 0.10) << "massage raised resting inflow at " << p_mmHg << " mmHg";
    if (p_mmHg == 30.0) {
      EXPECT_LE(std::abs(change), 0.10) << "B1 null band at the nominal protocol";
    }
  }
  // Second half of B1: light voluntary contraction (~35 % MVC handgrip) triples forearm inflow
  // (126 +/- 19 vs 39.1 +/- 6.4 mL/min). Expected failure: the model overshoots (see the registry reason).
  std::printf("B1 light contraction: inflow / rest = %.2f (data 3.2)\n", b.contraction_inflow_ratio);
  EXPECT_GT(b.contraction_inflow_ratio, 1.5) << "a contraction must at least raise inflow clearly";
  // The registry's B1 rows read the composed forearm of its scenario (test_exercise_validation.cpp).
}

// B4 Tschakovsky ME, Shoemaker JK, Hughson RL (1996) Am J Physiol: one 1-s 100 mmHg forearm
// compression, post-release inflow rise 7.7 +/- 0.7 mL/100 mL/min (arm below heart), 3.0 +/- 0.4 (above).
TEST(FluidValidation, B4_SingleCompressionInflowRise_ExpectedFailure) {
  const double below = b4_tschakovsky1996().below_heart, above = b4_tschakovsky1996().above_heart;
  std::printf(
      "B4: post-release rise below heart %.2f (data 7.7 +/- 0.7), above heart %.2f (data 3.0 +/- 0.4) "
      "mL/100 mL/min; ratio above/below %.2f (data 0.39)\n",
      below, above, above / below);
  // What the model gets right: a positive post-release transient in both positions.
  EXPECT_GT(below, 1.0);
  EXPECT_GT(above, 1.0);
  // EXPECTED FAILURE (current gap): the below-heart rise falls short of 7.7 +/- 0.7 and the posture
  // dependence is too weak. The rise is dominated by the refill of squeezed arteries (posture
  // independent); emptied veins refill at the inflow rate behind the venular waterfall, and the model
  // has no compression-induced rapid vasodilation (Kirby 2007 J Physiol 583:861; Clifford 2006).
  EXPECT_LT(below, 7.7 - 0.7) << "B4 below heart now inside the band: replace this gap assertion by the band";
  EXPECT_GT(above / below, 0.6) << "B4 posture ratio fixed: replace this gap assertion by the band";
  // The registry's B4 rows read the composed arm (test_exercise_validation.cpp).
}

// P5 calf venous emptying: Phys Med Biol 1977;22:1146 (PubMed 594144): volume falls exponentially under
// a sudden external pressure, tau = R C = 3.8 s kPa/% x 1.1 %/kPa = 4.2 s [D]; propagated SD of the
// product from the published SDs (R 34 %, C 27 %) = 44 % -> band 4.2 +/- 1.8 s [D]. Protocol: sudden
// 20 mmHg (2.7 kPa, assumed within the study's range) on the default supine calf.
TEST(FluidValidation, CalfVenousEmptyingTimeConstant) {
  const CalfEmptyingResult& c = calf_venous_emptying();
  const double tau = c.tau_s;
  ASSERT_GT(tau, 0.0);
  std::printf(
      "P5 calf: expelled %.1f mL (%.2f %% of calf volume), tau %.2f s (data 4.2 +/- 1.8 s [D]); "
      "remaining fraction at 2 tau %.3f (exponential: 0.135)\n",
      c.expelled_mL, c.expelled_mL / 20.0, tau, c.remaining_at_2tau);
  EXPECT_GE(tau, 4.2 - 1.8);
  EXPECT_LE(tau, 4.2 + 1.8);
  EXPECT_NEAR(c.remaining_at_2tau, std::exp(-2.0), 0.08) << "emptying should be close to exponential";
  // The registry's P5 reads the composed leg (test_exercise_validation.cpp), where it is an expected failure.
}

// R1 reactive hyperaemia vs occlusion duration and arm position (PMC4556838): peak flow increase
// above heart 77 +/- 11, 178 +/- 24, 291 +/- 25, 398 +/- 33 mL/min; below heart 96 +/- 19, 279 +/- 62,
// 550 +/- 60, 711 +/- 69 mL/min after 0.5, 1, 2, 5 min. R2 (PMC3285391): arm up < supine ~ down.
TEST(FluidValidation, R1_R2_ReactiveHyperaemiaRisesSaturatesAndDependsOnPosture) {
  const ReactiveHyperaemiaResult& rh = r1_r2_reactive_hyperaemia();
  const auto& above_data = rh.above_data;
  const auto& above_sd = rh.above_sd;
  const auto& below_data = rh.below_data;
  const auto& below_sd = rh.below_sd;
  const double peak[2][4] = {{rh.above[0], rh.above[1], rh.above[2], rh.above[3]},
                             {rh.below[0], rh.below[1], rh.below[2], rh.below[3]}};
  int in_band = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const bool a_ok = std::abs(peak[0][i] - above_data[i]) <= above_sd[i];
    const bool b_ok = std::abs(peak[1][i] - below_data[i]) <= below_sd[i];
    in_band += a_ok + b_ok;
    std::printf("R1 %3.0f s: above %.0f (data %.0f +/- %.0f)%s, below %.0f (data %.0f +/- %.0f)%s mL/min\n",
                rh.durations_s[i], peak[0][i], above_data[i], above_sd[i], a_ok ? "" : " OUT", peak[1][i],
                below_data[i], below_sd[i], b_ok ? "" : " OUT");
  }
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i + 1 < 4; ++i) EXPECT_GT(peak[h][i + 1], peak[h][i]) << "peak must rise with occlusion time";
    // Saturation: the gain per minute of occlusion falls from (0.5 -> 1 min) to (2 -> 5 min).
    EXPECT_LT((peak[h][3] - peak[h][2]) / 3.0, (peak[h][1] - peak[h][0]) / 0.5);
  }
  for (int i = 0; i < 4; ++i) EXPECT_GT(peak[1][i], peak[0][i]) << "below heart must exceed above heart";
  // R2: 5-min peak, arm up < supine (heart level) (338 +/- 38 vs 430 +/- 52 mL/min).
  {
    const double supine = rh.heart_level_5min;
    std::printf("R2 5-min peak increase: up %.0f, heart level %.0f, down %.0f mL/min\n", peak[0][3], supine,
                peak[1][3]);
    EXPECT_LT(peak[0][3], supine);
  }
  // EXPECTED FAILURE (current gap): posture dependence of the magnitude is too weak (the above-heart peak after
  // 2 min exceeds its band: only perfusion pressure differs between positions). The 5-min one left its band
  // until the myogenic sensor read the cuffed, collapsed bed as unstretched (2026-12-06: now 425 mL/min,
  // data 398 +/- 33); on the composed arm (the registry's rows) it is still above its band.
  std::printf("R1 points inside mean +/- SD: %d of 8\n", in_band);
  EXPECT_LE(std::abs(peak[0][3] - above_data[3]), above_sd[3]) << "R1 above-heart 5-min peak left its band";
  EXPECT_GT(peak[0][2], above_data[2] + above_sd[2]) << "R1 above-heart 2-min peak now in band: tighten this test";
  // The registry's R1 and R2 rows read the composed arm (test_exercise_validation.cpp).
}

// Y1 Olszewski WL, Engeset A (1980) Am J Physiol 239:H775: lymph moves in pulses of intrinsic
// contractions triggered by filling (threshold 5-25 mmHg); foot massage raised pulse frequency and flow,
// not lymph pressure. Protocol: massage of the drainage area, cannulated collector downstream of it
// (collector_applied_pressure_fraction = 0), 5 min at 0.5 Hz, light (30 mmHg) and firm (90 mmHg).
TEST(FluidValidation, Y1_LymphPulsesTriggeredByFillingMassageRaisesFlowNotPressure) {
  const Y1Result& y = y1_olszewski1980();
  const Y1Arm &r0 = y.rest, &r1 = y.light, &r2 = y.firm;
  std::printf(
      "Y1 5 min: rest %d pulses, lymph %.3f mL, peak %.1f mmHg | light massage %d pulses, %.3f mL, peak %.1f "
      "mmHg | firm massage %d pulses, %.3f mL, peak %.1f mmHg; lowest triggering filling pressure %.2f "
      "(threshold %.1f)\n",
      r0.pulses, r0.lymph_mL, r0.peak_pressure_mmHg, r1.pulses, r1.lymph_mL, r1.peak_pressure_mmHg, r2.pulses,
      r2.lymph_mL, r2.peak_pressure_mmHg, std::min(r1.min_fill_at_onset_mmHg, r2.min_fill_at_onset_mmHg),
      y.contraction_threshold_mmHg);
  EXPECT_GT(r1.pulses, r0.pulses) << "massage must raise pulse frequency";
  EXPECT_GE(r2.pulses, r1.pulses);
  EXPECT_GT(r1.lymph_mL, 2.0 * r0.lymph_mL) << "massage must raise lymph flow";
  EXPECT_GT(r2.lymph_mL, r1.lymph_mL);
  // Contractions are triggered by filling: each pulse is preceded (within 5 s) by a filling pressure of at
  // least the threshold minus 2 trigger widths.
  EXPECT_GE(std::min(r1.min_fill_at_onset_mmHg, r2.min_fill_at_onset_mmHg),
            y.contraction_threshold_mmHg - 2.0 * y.contraction_trigger_width_mmHg);
  // Pulse pressure is set by the contraction, not by the massage: firm vs light within 15 %.
  EXPECT_NEAR(r2.peak_pressure_mmHg / r1.peak_pressure_mmHg, 1.0, 0.15);
  // EXPECTED FAILURE (current gap): at rest the model's lymphangion is quiescent (a steady state with a
  // passive trickle), whereas Olszewski saw flow only during spontaneous pulse waves.
  EXPECT_EQ(r0.pulses, 0) << "spontaneous resting pulses now present: replace by a pulse-frequency band";
  EXPECT_GE(y.trigger_margin_mmHg(), 0.0);
  EXPECT_GE(y.firm_minus_light_pulses(), 0.0);
  // The registry's Y1 rows read the composed leg (test_exercise_validation.cpp), where the collectors do not pulse.
}

// Y4 (dogs) manual lymphatic pump: flow rises (1.7 +/- 0.5 -> 5.0 +/- 1.1 mL/min, thoracic duct) and
// returns to baseline despite continued pumping, net +15.4 +/- 1.1 mL (Knott 2005 J Am Osteopath Assoc
// 105:447 and the 8-min pump study, physiology.md §1E): a finite mobilisable volume. Protocol: 60 min
// of 60 mmHg, 1 s on / 1 s off on the default calf.
TEST(FluidValidation, Y4_PumpingMobilisesAFiniteVolumeThenFlowReturnsToBaseline) {
  const Y4Result& y = y4_lymph_pump();
  std::printf(
      "Y4: baseline %.3f mL/min; minute-2 flow %.1f x baseline; extra lymph first 10 min %.2f mL, last 10 min "
      "%.2f mL; total mobilised %.1f mL (%.2f mL/100 g); last-10-min flow %.2f x baseline\n",
      y.baseline_mL_per_min, y.minute2_ratio, y.extra_first10_mL, y.extra_last10_mL, y.extra_total_mL,
      y.extra_total_mL / 20.0, y.last10_ratio);
  EXPECT_GT(y.minute2_ratio, 2.0) << "pumping must raise lymph flow";
  EXPECT_LT(y.extra_last10_mL, 0.25 * y.extra_first10_mL) << "the mobilisable volume must run out";
  EXPECT_NEAR(y.last10_ratio, 1.0, 0.5) << "flow must return toward baseline despite continued pumping";
  // The registry's Y4 rows read the composed leg (test_exercise_validation.cpp).
}
