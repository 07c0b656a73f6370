#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/validation_check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/validation/exercise.hpp"
#include "massagesim/validation/targets.hpp"

namespace mv = massagesim::validation;
namespace ms = massagesim::scenario;
using massagesim::test::expect_registered;

namespace {
// Here, not in the scenario area: these need the validation library, which the sanitizer build leaves out.
const std::filesystem::path source_dir = std::filesystem::path(MASSAGESIM_SOURCE_DIR);
std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(ValidationScenarios, EmbeddedKneeExtensionIsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "one_leg_knee_extension.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::knee_extension_scenario_text()), file);
}

TEST(ValidationScenarios, EmbeddedWingateIsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "wingate_recovery.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::wingate_scenario_text()), file);
}

TEST(ScenarioIo, MuscleGroupAndWorkingSegmentsRoundTripAndNameWhatIsWrong) {
  const ms::Scenario sc = massagesim::validation::knee_extension_scenario();
  const auto& ex = sc.protocol.at(1);
  EXPECT_FALSE(ex.whole_body);
  EXPECT_EQ(ex.working_segments, (std::vector<std::string>{"distal_thigh", "proximal_thigh"}));
  const ms::Scenario back = ms::parse_scenario(ms::to_json(sc));
  EXPECT_FALSE(back.protocol.at(1).whole_body);
  EXPECT_EQ(back.protocol.at(1).working_segments, ex.working_segments);
  const auto expect_error = [&](const std::string& from, const std::string& to, const std::string& needle) {
    std::string text(massagesim::validation::knee_extension_scenario_text());
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    try {
      (void)ms::parse_scenario(text);
      ADD_FAILURE() << "accepted: " << to;
    } catch (const massagesim::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("\"muscle_group\": \"limb\"", "\"muscle_group\": \"leg\"", "muscle_group");
  expect_error("[\"distal_thigh\", \"proximal_thigh\"]", "[\"thigh\"]",
               "'thigh' is not a segment of the limb; expected one of: distal_calf, proximal_calf, distal_thigh, "
               "proximal_thigh");
  expect_error("[\"distal_thigh\", \"proximal_thigh\"]", "[\"distal_thigh\", \"distal_thigh\"]",
               "duplicate segment 'distal_thigh'");
  expect_error("[\"distal_thigh\", \"proximal_thigh\"]", "[]", "at least one segment name");
}

// These targets run their scenario files through simulation::simulate on the default subject (issue 12).

TEST(ExerciseValidation, Rest_TheDefaultScenarioRestsInsideThePublishedRanges) {
  // validation.md "Rest": calf flow 2-4 mL/min/100 g (Scand J Clin Lab Invest 1990; Bochmann 2005), capillary
  // pressure 17-25 mmHg (Perry 1986), muscle interstitial pressure -1 +/- 3 (deep calf -1.2 +/- 3.4), IMP
  // 4-7 mmHg recumbent (physiology.md §1E), MAP 90-95, blood lactate 1.0 +/- 0.1 mmol/L (Menzies 2010); read on the
  // composed leg of the default scenario over its first (rest) phase, distal calf.
  const auto& r = mv::rest_default_leg();
  std::printf("Rest (%s): %.3f mL/min/100 g, Pc %.2f, Pi %.2f, IMP %.2f, MAP %.1f mmHg, lactate %.4f mmol/L\n",
              r.segment.c_str(), r.flow_mL_per_min_per_100g, r.capillary_pressure_mmHg, r.interstitial_pressure_mmHg,
              r.intramuscular_pressure_mmHg, r.mean_arterial_pressure_mmHg, r.blood_lactate_mmol_per_L);
  EXPECT_EQ(r.segment, "distal_calf");
  expect_registered("Rest.flow", r.flow_mL_per_min_per_100g);
  expect_registered("Rest.capillary_pressure", r.capillary_pressure_mmHg);
  expect_registered("Rest.interstitial_pressure", r.interstitial_pressure_mmHg);
  expect_registered("Rest.intramuscular_pressure", r.intramuscular_pressure_mmHg);
  expect_registered("Rest.mean_arterial_pressure", r.mean_arterial_pressure_mmHg);
  expect_registered("Rest.blood_lactate", r.blood_lactate_mmol_per_L);
}

TEST(ExerciseValidation, E1_Radegran1999_KneeExtensorPerfusionAndVo2AtPeak) {
  // Radegran 1999 J Appl Physiol 87:2375: one-legged knee extension at peak, perfusion 246 +/- 24 mL/min/100 g,
  // VO2 35.2 +/- 3.7 mL/min/100 g (physiology.md §3).
  const auto& r = mv::e1_radegran1999();
  std::printf("E1: thigh perfusion %.1f mL/min/100 g, VO2 %.2f mL/min/100 g; resting calf inflow x %.2f of rest\n",
              r.perfusion_mL_per_min_per_100g, r.vo2_mL_per_min_per_100g, r.calf_inflow_over_rest);
  expect_registered("E1.perfusion", r.perfusion_mL_per_min_per_100g);
  expect_registered("E1.vo2", r.vo2_mL_per_min_per_100g);
  // Known artefact, asserted so that it shows when fixed: the resting calf drains through the working thigh's
  // veins (50-60 mmHg without a muscle pump) and its inflow halves.
  EXPECT_LT(r.calf_inflow_over_rest, 0.8);
}

TEST(ExerciseValidation, E2_Cotterrell2005_WingatePeak_ExpectedFailure) {
  // Cotterrell 2005 J Physiol 565P PC28: peak blood lactate 15.9 +/- 1.5 mmol/L ~3 min after a 30-s Wingate.
  // Expected failure (asserted as a gap by expect_registered): 11.4 mmol/L at ~6 min; the lumped working
  // muscle's cell lactate ~68 mmol/L (no acidosis brake, MCT-limited release).
  const auto& r = mv::e2_cotterrell2005();
  std::printf("E2: peak %.2f mmol/L at %.2f min after the sprint; muscle-cell lactate up to %.1f mmol/L\n",
              r.peak_blood_lactate_mmol_per_L, r.peak_time_after_exercise_min, r.max_muscle_cell_lactate_mmol_per_L);
  expect_registered("E2.peak", r.peak_blood_lactate_mmol_per_L);
  expect_registered("E2.peak_time", r.peak_time_after_exercise_min);
  // The leg's segments are held below the envelope's 45 mmol/L by the acidosis brake on glycolysis.
  EXPECT_LE(r.max_muscle_cell_lactate_mmol_per_L, 45.0);
}

TEST(ValidationScenarios, EmbeddedMlssIsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "maximal_lactate_steady_state.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::mlss_scenario_text()), file);
}

TEST(ExerciseValidation, E3_Beneke2000_MaximalLactateSteadyState) {
  // Beneke 2000 Med Sci Sports Exerc 32:1135: 30 min of cycling at the MLSS (0.75 VO2max, derived from 71 % of
  // peak workload) holds blood lactate at 4.9 +/- 1.4 mmol/L, rising < 1.0 mmol/L from minute 10 to 30.
  const auto& r = mv::e3_beneke2000();
  std::printf("E3: blood lactate %.2f mmol/L at 10 min, %.2f at 30 min; muscle-cell lactate up to %.1f mmol/L\n",
              r.blood_lactate_10min_mmol_per_L, r.blood_lactate_30min_mmol_per_L, r.max_muscle_cell_lactate_mmol_per_L);
  expect_registered("E3.level", r.blood_lactate_30min_mmol_per_L);
  expect_registered("E3.steady", r.blood_lactate_30min_mmol_per_L - r.blood_lactate_10min_mmol_per_L);
  // Above the rest value (Menzies 2010: 1.0 mmol/L): the threshold ramp makes lactate at 0.75 VO2max.
  EXPECT_GT(r.blood_lactate_10min_mmol_per_L, 2.0);
  // Muscle lactate at ~4 mmol/L blood: 6.9 (2.1-12.6) mmol/kg wet weight (physiology.md §3), well below 45 mmol/L.
  EXPECT_LT(r.max_muscle_cell_lactate_mmol_per_L, 45.0);
}

TEST(ValidationScenarios, EmbeddedGuptaIsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "gupta_1996_lactate_recovery.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::gupta_scenario_text()), file);
}

TEST(ExerciseValidation, L2_Gupta1996_OnTheComposedLeg) {
  // Gupta 1996 Int J Sports Med 17:106: blood-lactate half-lives after five 1-min bouts at 150 % VO2max,
  // 21.5 +/- 2.8 (passive), 21.8 +/- 3.5 (massage), 15.7 +/- 2.5 min (active at 30 % VO2max), peak ~3 min.
  const auto& r = mv::l2_gupta1996_leg();
  std::printf(
      "L2 (leg): half-lives passive %.2f, massage %.2f, active %.2f min; peaks %.2f / %.2f / %.2f mmol/L at "
      "%.2f / %.2f / %.2f min; muscle-cell lactate up to %.1f (segments), %.1f (lumped muscle) mmol/L\n",
      r.passive.half_life_min, r.massage.half_life_min, r.active.half_life_min, r.passive.peak_mmol_per_L,
      r.massage.peak_mmol_per_L, r.active.peak_mmol_per_L, r.passive.t_peak_min, r.massage.t_peak_min,
      r.active.t_peak_min, r.max_segment_cell_lactate_mmol_per_L, r.max_working_muscle_cell_lactate_mmol_per_L);
  expect_registered("L2.passive", r.passive.half_life_min);
  expect_registered("L2.massage", r.massage.half_life_min);
  expect_registered("L2.active", r.active.half_life_min);
  expect_registered("L2.peak_time", r.passive.t_peak_min);
  expect_registered("L2.muscle_cell_lactate", r.max_segment_cell_lactate_mmol_per_L);
  // Active recovery clears faster than passive (Gupta's main finding), massage no faster than passive.
  EXPECT_LT(r.active.half_life_min, r.passive.half_life_min);
  EXPECT_GT(r.massage.half_life_min, r.passive.half_life_min - 0.5);
}

TEST(ValidationScenarios, EmbeddedGupta45IsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "gupta_1996_massage_45min.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::gupta_massage_45min_scenario_text()), file);
}

TEST(ExerciseValidation, L2_MassageOverTheWholeRecoveryOnTheComposedLeg) {
  // Sensitivity of Gupta 1996's massage null (Int J Sports Med 17:106: half-life 21.8 +/- 3.5 min with massage,
  // 21.5 +/- 2.8 passive, no difference in 10 subjects): even massage over the whole 45 min leaves the
  // half-life in the massage band, and its difference from the passive arm below the passive arm's SD (what 10
  // subjects could not resolve). Measured: 19.54 against 20.53 min, the whole-recovery massage 1.0 min faster.
  const auto& r = mv::l2_massage_45min_leg();
  const auto& g = mv::l2_gupta1996_leg();
  std::printf("L2 (leg): 45-min massage half-life %.2f min (passive %.2f), peak %.2f mmol/L at %.2f min\n",
              r.half_life_min, g.passive.half_life_min, r.peak_mmol_per_L, r.t_peak_min);
  expect_registered("L2.massage_45min", r.half_life_min);
  EXPECT_LT(std::abs(r.half_life_min - g.passive.half_life_min), 2.8);
}

TEST(ValidationScenarios, EveryTargetNamesTheShippedScenariosItRuns) {
  // Issue 12: every registry target is computed by running a scenario through the path users run. Each target's
  // quantity names its scenario file(s) ("scenario NAME", or "scenarios PREFIX*" for a family), and each name is
  // a file of scenarios/ (a prefix matches at least one). What the name says is run is asserted target by target
  // in the tests above (expect_registered on each scenario run's value).
  const std::regex named(R"(scenarios? ([a-z0-9_]+)(\*?))");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(source_dir / "scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path().stem().string());
  for (const auto& t : massagesim::validation::all_targets()) {
    int found = 0;
    for (auto it = std::sregex_iterator(t.quantity.begin(), t.quantity.end(), named); it != std::sregex_iterator();
         ++it) {
      const std::string name = (*it)[1];
      const bool prefix = (*it)[2].length() > 0;
      found += static_cast<int>(std::any_of(files.begin(), files.end(), [&](const std::string& f) {
        return prefix ? f.rfind(name, 0) == 0 : f == name;
      }));
    }
    EXPECT_GT(found, 0) << t.id << ": its quantity names no shipped scenario: " << t.quantity;
  }
}

TEST(ValidationScenarios, EmbeddedGuptaLowerFlowIsIdenticalToItsScenarioFile) {
  const std::string file = read_text(source_dir / "scenarios" / "gupta_1996_massage_lower_flow.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(massagesim::validation::gupta_massage_lower_flow_scenario_text()), file);
}

TEST(ExerciseValidation, L2_MassageThatLowersMuscleFlowOnTheComposedLeg) {
  // Sensitivity of Gupta 1996's massage null (Int J Sports Med 17:106: half-life 21.8 +/- 3.5 min with massage):
  // the same 10-min massage with all muscle's blood-flow conductance prescribed at 0.76 (Wiltshire 2010's fall in
  // forearm inflow after handgrip, Med Sci Sports Exerc 42:1062). Less flow during the massage can only slow the
  // washout of the muscles' lactate into the pool, which then peaks later or lower; the half-life from the peak
  // stays in Gupta's band.
  const auto& r = mv::l2_massage_lower_flow_leg();
  const auto& g = mv::l2_gupta1996_leg();
  std::printf(
      "L2 (leg): massage at 0.76 x muscle flow: half-life %.2f min (massage %.2f, passive %.2f), peak %.2f "
      "mmol/L at %.2f min (massage %.2f at %.2f)\n",
      r.half_life_min, g.massage.half_life_min, g.passive.half_life_min, r.peak_mmol_per_L, r.t_peak_min,
      g.massage.peak_mmol_per_L, g.massage.t_peak_min);
  expect_registered("L2.massage_flow_x0.76", r.half_life_min);
  EXPECT_NE(r.half_life_min, g.massage.half_life_min);  // the multiplier reached the model
  EXPECT_LE(r.peak_mmol_per_L, g.massage.peak_mmol_per_L + 1e-9);
}

TEST(ExerciseValidation, L2_TwoExponentialRecoveryEmergesOnTheLeg) {
  // Zouloumian & Freund 1981, Freund et al. 1986: arterial lactate in recovery = La(0) + A1 (1 - e^{-g1 t})
  // + A2 (1 - e^{-g2 t}) with A1 > 0 (exchange; Beneke 2007 4-parameter g1 0.58 +/- 0.14 and 0.49 +/- 0.08 /min)
  // and A2 < 0 (removal). The model has no such formula: fit it to the passive arm of Gupta's scenario.
  const auto& r = mv::l2_gupta1996_leg();
  std::printf("L2 (leg) passive, Freund fit: A1 %.2f g1 %.3f /min, A2 %.2f g2 %.4f /min, rms %.3f mmol/L\n",
              r.freund_A1_mmol_per_L, r.freund_g1_per_min, r.freund_A2_mmol_per_L, r.freund_g2_per_min,
              r.freund_rms_mmol_per_L);
  EXPECT_GT(r.freund_A1_mmol_per_L, 0.0);
  EXPECT_LT(r.freund_A2_mmol_per_L, 0.0);
  EXPECT_GT(r.freund_g1_per_min / r.freund_g2_per_min, 5.0);
  EXPECT_LT(r.freund_rms_mmol_per_L, 0.2);
  expect_registered("L2.freund_g1", r.freund_g1_per_min);
}

TEST(ValidationScenarios, EmbeddedValidationScenariosAreIdenticalToTheirFiles) {
  const std::pair<const char*, std::string_view> files[] = {
      {"martin_1998_massage_vs_rest.json", mv::martin1998_scenario_text()},
      {"hemmings_2000_boxing_massage.json", mv::hemmings2000_scenario_text()},
      {"robertson_2004_leg_massage.json", mv::robertson2004_scenario_text()},
      {"dolgener_1993_lactate_disappearance.json", mv::dolgener1993_scenario_text()},
      {"sullivan_1991_h_reflex.json", mv::sullivan1991_scenario_text()},
      {"eriksson_crommert_2015_stiffness.json", mv::eriksson_crommert2015_scenario_text()},
      {"kong_2018_stiffness_days.json", mv::kong2018_scenario_text()},
      {"shoemaker_1997_forearm_massage.json", mv::shoemaker1997_scenario_text()},
      {"calf_venous_emptying.json", mv::calf_emptying_scenario_text()},
      {"olszewski_1980_lymph_light.json", mv::olszewski1980_light_scenario_text()},
      {"olszewski_1980_lymph_firm.json", mv::olszewski1980_firm_scenario_text()},
      {"knott_2005_lymph_pump.json", mv::knott2005_scenario_text()},
      {"forearm_reactive_hyperaemia_arm_above_heart.json", mv::rh_above_heart_scenario_text()},
      {"forearm_reactive_hyperaemia_arm_below_heart.json", mv::rh_below_heart_scenario_text()},
      {"forearm_reactive_hyperaemia_arm_heart_level.json", mv::rh_heart_level_scenario_text()},
      {"beneke_2007_sprint_10s.json", mv::beneke2007_10s_scenario_text()},
      {"beneke_2007_sprint_30s.json", mv::beneke2007_30s_scenario_text()},
  };
  for (const auto& [name, text] : files) {
    const std::string file = read_text(source_dir / "scenarios" / name);
    ASSERT_FALSE(file.empty()) << name;
    EXPECT_EQ(std::string(text), file) << name;
  }
}

// Massage does not lower blood lactate compared with rest (validation.md L3, L5, L6, L7), on the composed leg:
// each study's scenario file through simulation::simulate. Null band +/- 0.6 mmol/L (lactate.hpp: SE of a paired
// difference, between-subject SD ~1.8 mmol/L, n ~ 9).
namespace {
void print_null(const char* id, const mv::LactateNullArms& r) {
  std::printf("%s (leg): rest %.3f, massage %.3f, active %.3f mmol/L; massage - rest %+.4f\n", id, r.rest, r.massage,
              r.active, r.massage_minus_rest());
}
}  // namespace

TEST(ExerciseValidation, L3_Martin1998_MassageEqualsRestActiveLower_OnTheLeg) {
  // Martin NA et al. (1998) J Athl Train 33:30: active recovery lowered blood lactate vs massage and rest; massage
  // and rest did not differ.
  const auto& r = mv::l3_martin1998_leg();
  print_null("L3", r);
  expect_registered("L3.massage_minus_rest", r.massage_minus_rest());
  EXPECT_LT(r.active, r.rest - mv::kLactateNullBand_mmol_per_L);
  EXPECT_LT(r.active, r.massage - mv::kLactateNullBand_mmol_per_L);
}

TEST(ExerciseValidation, L5_Hemmings2000_MassageNoLowerAfterTheSecondBout_OnTheLeg) {
  // Hemmings B et al. (2000) Br J Sports Med 34:109: no difference in recovery blood lactate; after the second
  // performance it was higher following massage (P < 0.05).
  const auto& r = mv::l5_hemmings2000_leg();
  print_null("L5", r);
  expect_registered("L5.massage_minus_rest", r.massage_minus_rest());
  EXPECT_GT(r.massage_minus_rest(), 0.0) << "Hemmings: higher after massage";
  EXPECT_TRUE(std::isnan(r.active)) << "the study had no active arm";
}

TEST(ExerciseValidation, L6_Robertson2004_LegMassageVsSupineRest_OnTheLeg) {
  // Robertson A et al. (2004) Br J Sports Med 38:173: 20 min of leg massage vs supine rest, no effect on blood
  // lactate (P = 0.82).
  const auto& r = mv::l6_robertson2004_leg();
  print_null("L6", r);
  expect_registered("L6.massage_minus_rest", r.massage_minus_rest());
}

TEST(ExerciseValidation, L7_Dolgener1993_MassageEqualsPassiveCyclingLower_OnTheLeg) {
  // J Strength Cond Res 7(3):159 (1993): blood lactate at 3, 5, 15, 20 min of recovery; cycling at 40 % VO2max
  // lower than passive at 15 and 20 min, massage = passive.
  const auto& l7 = mv::l7_dolgener1993_leg();
  for (std::size_t i = 0; i < l7.t_eval_s.size(); ++i) {
    const std::string id = "L7.massage_minus_rest." + std::to_string(int(l7.t_eval_s[i] / 60)) + "min";
    print_null(id.c_str(), l7.at[i]);
    expect_registered(id, l7.at[i].massage_minus_rest());
    if (l7.t_eval_s[i] >= 900.0) {
      EXPECT_LT(l7.at[i].active, l7.at[i].rest) << "cycling lowers it at " << id;
    }
  }
}

// Tone on the composed leg: each study's scenario file through simulation::simulate, the distal calf read.

TEST(ExerciseValidation, T2T3_ReflexInhibitedDuringMassageAndBackAtOnce_OnTheLeg) {
  // T2 Morelli 1990 (JOSPT 12:55): soleus H-reflex -71 % during massage. T3 Sullivan 1991 (Arch Phys Med Rehabil
  // 72:915): 0.76 +/- 0.58 mV during vs 2.58 before and 2.82 +/- 1.14 mV after (returns at once).
  const auto& r = mv::t2t3_reflex_leg();
  const auto& i = mv::t2t3_reflex_instant_leg();
  std::printf("T2/T3 (leg): reflex gain before %.4f, during %.4f (at 140 s: %.4f), 10 s after %.4f\n", r.before,
              r.during, i.during, r.after_10s);
  EXPECT_NEAR(r.before, 1.0, 1e-3);
  EXPECT_GT(r.after_10s, 0.95);  // back within 5 % by 10 s
  EXPECT_DOUBLE_EQ(i.after_10s, r.after_10s);
  expect_registered("T3.reflex_during", r.during);
  expect_registered("T2.reflex_reduction", 100.0 * (r.during - 1.0));
  expect_registered("T3.reflex_10s_after", r.after_10s);
  expect_registered("T3.reflex_during_segment", i.during);
}

TEST(ExerciseValidation, T1_StiffnessDropsAfter7MinMassageAndRecoversWithin3Min_OnTheLeg) {
  // Eriksson Crommert 2015 (SJMSS 25:e490): -5.2 +/- 8.8 % right after 7 min of massage (n = 18), no difference
  // from baseline 3 min later.
  const auto& r = mv::t1_eriksson_crommert2015_leg();
  std::printf("T1 (leg): stiffness %+.3f %% right after, %+.3f %% 3 min later\n", r.right_after_pct, r.after_3min_pct);
  EXPECT_LT(r.right_after_pct, -2.0);  // the drop is there, not just inside a wide band
  expect_registered("T1.right_after", r.right_after_pct);
  expect_registered("T1.after_3min", r.after_3min_pct);
}

TEST(ExerciseValidation, T4_Kong2018_MassageLeavesStiffnessUnchangedDaysLater_OnTheLeg) {
  // Kong 2018 (J Sports Sci Med 17:599): no effect of massage on stiffness 24-96 h later. The model has no muscle
  // damage; the acute effect must exist and be gone.
  const auto& r = mv::t4_kong2018_leg();
  std::printf(
      "T4 (leg): stiffness at the end of the massage %.4f; massage - control at 24/48/72/96 h: %.2e %.2e %.2e "
      "%.2e %%\n",
      r.stiffness_rel_end_of_massage, r.difference_pct[0], r.difference_pct[1], r.difference_pct[2],
      r.difference_pct[3]);
  EXPECT_LT(r.stiffness_rel_end_of_massage, 0.96);
  for (std::size_t i = 0; i < r.hours.size(); ++i)
    expect_registered("T4.massage_minus_control." + std::to_string(r.hours[i]) + "h", r.difference_pct[i]);
}

TEST(ExerciseValidation, B1_Shoemaker1997_MassageOfTheRestingForearmLeavesInflowUnchanged) {
  // Shoemaker JK, Tiidus PM, Mader R (1997) Med Sci Sports Exerc 29:610: massage of the resting forearm leaves
  // brachial inflow unchanged (39.1 +/- 6.4 mL/min; change < ~10 %); a light handgrip raises it to 126 +/- 19.
  const auto& b = mv::b1_shoemaker1997_forearm();
  const char* ids[3] = {"B1.30mmHg", "B1.60mmHg", "B1.100mmHg"};
  for (std::size_t i = 0; i < 3; ++i) {
    std::printf("B1 (forearm scenario) %5.1f mmHg: inflow %.2f mL/min during, %+.2f %% vs the rest before\n",
                b.pressure_mmHg[i], b.mean_inflow_mL_per_min[i], 100.0 * b.change[i]);
    EXPECT_LE(b.change[i], 0.10) << "massage raised resting inflow at " << b.pressure_mmHg[i] << " mmHg";
    expect_registered(ids[i], 100.0 * b.change[i]);
  }
  EXPECT_NEAR(b.rest_inflow_mL_per_min, 39.1, 6.4);  // the resting forearm itself
  std::printf("B1 light contraction: inflow / rest = %.2f (data 3.2)\n", b.contraction_inflow_ratio);
  EXPECT_GT(b.contraction_inflow_ratio, 1.5);
  expect_registered("B1.light_contraction", b.contraction_inflow_ratio);
}

TEST(ExerciseValidation, P5_CalfVenousEmptying_OnTheLeg_ExpectedFailure) {
  // Phys Med Biol 1977;22:1146: calf volume falls exponentially under a sudden external pressure, tau = R C =
  // 4.2 +/- 1.8 s [D]. On the composed leg the calf empties faster: the limb's outlet conductances are scaled
  // for the chain (4.5x and 9x the lone value in the calf) and the thigh's veins take up part of the volume.
  const auto& c = mv::calf_venous_emptying_leg();
  std::printf(
      "P5 (leg): expelled %.1f mL, tau %.2f s (data 4.2 +/- 1.8 s), remaining at 2 tau %.3f (exponential "
      "0.135)\n",
      c.expelled_mL, c.tau_s, c.remaining_at_2tau);
  ASSERT_GT(c.tau_s, 0.0);
  EXPECT_GT(c.expelled_mL, 20.0);  // the pressure empties the calf's veins
  // EXPECTED FAILURE (current gap): faster than the band's low end.
  EXPECT_LT(c.tau_s, 4.2 - 1.8) << "P5 on the leg now inside its band: replace this gap assertion by the band";
  expect_registered("P5.calf_tau", c.tau_s);
}

TEST(ExerciseValidation, L1_Wiltshire2010_MassageAfterHandgrip_OnTheForearm) {
  // Wiltshire 2010 (MSSE 42:1062; mean +/- SE, n = 12): after 2 min of handgrip at 40 % MVC, 10 min of massage vs
  // passive rest: brachial inflow 3178 +/- 304 vs 4203 +/- 531 mL (ratio 0.76), lactate efflux 14.7 +/- 1.6 vs
  // 20.5 +/- 2.8 mmol, v - a at 30 s 5.5 +/- 0.6 vs 6.1 +/- 0.6 mmol/L (n.s.).
  // scenarios/wiltshire_2010_forearm_massage.
  const auto& l = mv::l1_wiltshire2010_forearm();
  std::printf(
      "L1 (forearm): inflow passive %.0f, massage %.0f mL (ratio %.3f; data 4203, 3178, 0.756); efflux %.2f vs "
      "%.2f mmol (data 20.5, 14.7); v-a at 30 s %.2f vs %.2f mmol/L (data 6.1, 5.5)\n",
      l.passive_inflow_mL, l.massage_inflow_mL, l.inflow_ratio(), l.passive_efflux_mmol, l.massage_efflux_mmol,
      l.passive_va_30s_mmol_per_L, l.massage_va_30s_mmol_per_L);
  // Massage lowers the 10-min inflow, inside the registry's +/- 30 % band around 0.756.
  EXPECT_GE(l.inflow_ratio(), 0.756 * 0.7);
  EXPECT_LE(l.inflow_ratio(), 0.756 * 1.3);
  // Massage lowers the efflux with the inflow (data 14.7 vs 20.5 mmol).
  EXPECT_LT(l.massage_efflux_mmol, l.passive_efflux_mmol);
  // v - a unchanged by massage (data: -0.6 +/- 0.85, n.s.).
  EXPECT_NEAR(l.massage_va_30s_mmol_per_L, l.passive_va_30s_mmol_per_L, 0.85);
  // EXPECTED FAILURES (current gaps): the massage arm's efflux below its band, its v - a above it.
  EXPECT_LT(l.massage_efflux_mmol, 14.7 - 1.6) << "L1.efflux_massage inside its band: replace this by the band";
  EXPECT_GT(l.massage_va_30s_mmol_per_L, 5.5 + 0.6) << "L1.va_massage inside its band: replace this by the band";
  expect_registered("L1.inflow_ratio", l.inflow_ratio());
  expect_registered("L1.efflux_massage", l.massage_efflux_mmol);
  expect_registered("L1.va_massage", l.massage_va_30s_mmol_per_L);
}

TEST(ExerciseValidation, Y1_Olszewski1980_LymphUnderMassage_OnTheLeg) {
  // Olszewski WL, Engeset A (1980) Am J Physiol 239:H775: lymph moves in pulses triggered by filling (threshold
  // 5-25 mmHg); massage raised pulse frequency and flow, not lymph pressure. On the composed leg the flow and
  // pressure findings hold; the collectors never reach their trigger (expected failures, reason in the registry).
  const auto& y = mv::y1_olszewski1980_leg();
  std::printf(
      "Y1 (leg, distal calf) 5 min: rest %d pulses, %.3f mL, peak %.2f mmHg | light %d, %.3f mL, %.2f mmHg | "
      "firm %d, %.3f mL, %.2f mmHg\n",
      y.rest.pulses, y.rest.lymph_mL, y.rest.peak_pressure_mmHg, y.light.pulses, y.light.lymph_mL,
      y.light.peak_pressure_mmHg, y.firm.pulses, y.firm.lymph_mL, y.firm.peak_pressure_mmHg);
  EXPECT_GT(y.light.lymph_mL, 2.0 * y.rest.lymph_mL) << "massage must raise lymph flow";
  EXPECT_GT(y.firm.lymph_mL, y.light.lymph_mL);
  // EXPECTED FAILURE (current gap): no pulse under either massage.
  EXPECT_EQ(y.light.pulses + y.firm.pulses, 0) << "the leg's collectors pulse now: turn the gaps into band checks";
  EXPECT_TRUE(std::isnan(y.trigger_margin_mmHg()));
  expect_registered("Y1.rest_pulses", y.rest.pulses);
  expect_registered("Y1.pulses_light_minus_rest", y.light.pulses - y.rest.pulses);
  expect_registered("Y1.pulses_firm_minus_light", y.firm_minus_light_pulses());
  expect_registered("Y1.flow_light_over_rest", y.light.lymph_mL / y.rest.lymph_mL);
  expect_registered("Y1.flow_firm_over_light", y.firm.lymph_mL / y.light.lymph_mL);
  expect_registered("Y1.peak_pressure_firm_over_light", y.firm.peak_pressure_mmHg / y.light.peak_pressure_mmHg);
  expect_registered("Y1.trigger_margin", y.trigger_margin_mmHg());
}

TEST(ExerciseValidation, Y4_Knott2005_PumpingMobilisesAFiniteVolume_OnTheLeg) {
  // Knott 2005 J Am Osteopath Assoc 105:447 (dogs): lymph flow rises (1.7 +/- 0.5 -> 5.0 +/- 1.1 mL/min) and returns
  // to baseline despite continued pumping (net +15.4 +/- 1.1 mL): a finite mobilisable volume.
  const auto& y = mv::y4_lymph_pump_leg();
  std::printf(
      "Y4 (leg, distal calf): baseline %.4f mL/min; minute 2 %.2f x; extra first 10 min %.3f mL, last 10 %.4f mL, "
      "total %.2f mL; last 10 min %.3f x baseline\n",
      y.baseline_mL_per_min, y.minute2_ratio, y.extra_first10_mL, y.extra_last10_mL, y.extra_total_mL, y.last10_ratio);
  EXPECT_GT(y.extra_total_mL, 0.0);
  expect_registered("Y4.minute2_over_baseline", y.minute2_ratio);
  expect_registered("Y4.last10_over_first10", y.extra_last10_mL / y.extra_first10_mL);
  expect_registered("Y4.last10_flow_over_baseline", y.last10_ratio);
}

TEST(ExerciseValidation, R1_R2_ReactiveHyperaemia_OnTheArm) {
  // R1 (PMC4556838): peak increase above heart 77 +/- 11, 178 +/- 24, 291 +/- 25, 398 +/- 33 mL/min; below heart
  // 96 +/- 19, 279 +/- 62, 550 +/- 60, 711 +/- 69 mL/min after 0.5, 1, 2, 5 min. R2 (PMC3285391): arm up < heart level.
  const auto& rh = mv::r1_r2_reactive_hyperaemia_arm();
  const char* dur[4] = {"0.5", "1", "2", "5"};
  for (std::size_t i = 0; i < 4; ++i) {
    std::printf("R1 (arm) %s min: above %.1f (data %.0f), below %.1f (data %.0f) mL/min\n", dur[i], rh.above[i],
                rh.above_data[i], rh.below[i], rh.below_data[i]);
    expect_registered(std::string("R1.above_heart.") + dur[i] + "min", rh.above[i]);
    expect_registered(std::string("R1.below_heart.") + dur[i] + "min", rh.below[i]);
  }
  for (const auto* peak : {&rh.above, &rh.below}) {
    for (std::size_t i = 0; i + 1 < 4; ++i)
      EXPECT_GT((*peak)[i + 1], (*peak)[i]) << "the peak rises with occlusion time";
    EXPECT_LT(((*peak)[3] - (*peak)[2]) / 3.0, ((*peak)[1] - (*peak)[0]) / 0.5) << "and saturates";
  }
  for (std::size_t i = 0; i < 4; ++i) EXPECT_GT(rh.below[i], rh.above[i]) << "below the heart exceeds above";
  std::printf("R2 (arm): 5-min up %.1f, heart level %.1f mL/min\n", rh.above[3], rh.heart_level_5min);
  expect_registered("R2.up_over_heart_level", rh.above[3] / rh.heart_level_5min);
  // EXPECTED FAILURE (current gap): the above-heart 5-min peak is too high.
  EXPECT_GT(rh.above[3], rh.above_data[3] + rh.above_sd[3]) << "R1 above-heart 5-min peak now in band";
}

TEST(ExerciseValidation, B4_Tschakovsky1996_SingleCompression_OnTheArm) {
  // Tschakovsky ME, Shoemaker JK, Hughson RL (1996) Am J Physiol: one 1-s 100 mmHg forearm compression, post-release
  // rise 7.7 +/- 0.7 mL/100 mL/min below the heart, 3.0 +/- 0.4 above.
  const auto& b = mv::b4_tschakovsky1996_arm();
  std::printf("B4 (arm): below %.3f, above %.3f mL/100 g/min, ratio %.3f (data 7.7, 3.0, 0.39)\n", b.below_heart,
              b.above_heart, b.above_heart / b.below_heart);
  EXPECT_GT(b.below_heart, 1.0);
  EXPECT_GT(b.above_heart, 1.0);
  // EXPECTED FAILURE (current gap): the rise below the heart is too small and posture moves it too little.
  EXPECT_LT(b.below_heart, 7.7 - 0.7);
  EXPECT_GT(b.above_heart / b.below_heart, 0.6);
  expect_registered("B4.below_heart", b.below_heart);
  expect_registered("B4.above_heart", b.above_heart);
  expect_registered("B4.above_over_below", b.above_heart / b.below_heart);
}

TEST(ExerciseValidation, L10_Beneke2007_SprintRecoveryOnTheLeg) {
  // Beneke R, Jumah MD, Leithauser RM (2007) Dyn Med 6:10: 3-parameter fits after 10-s and 30-s all-out sprints:
  // A 9.1 +/- 2.1 vs 15.3 +/- 2.1 mmol/L; k1 0.610 +/- 0.119 vs 0.505 +/- 0.107 /min; k2 4.21e-2 +/- 1.06e-2 vs
  // 2.45e-2 +/- 1.04e-2 /min: a larger load clears more slowly.
  const auto& f = mv::l10_beneke2007_leg();
  std::printf("L10 (leg): 10 s: A %.3f k1 %.4f k2 %.5f (rms %.3f); 30 s: A %.3f k1 %.4f k2 %.5f (rms %.3f)\n", f.A[0],
              f.k1[0], f.k2[0], f.rms[0], f.A[1], f.k1[1], f.k2[1], f.rms[1]);
  EXPECT_GT(f.A[1], f.A[0]);    // a larger load raises blood lactate more
  EXPECT_GT(f.k2[0], f.k2[1]);  // and clears more slowly
  // EXPECTED FAILURE (current gap): blood lactate appears too slowly on the leg.
  EXPECT_LT(f.k1[0], 0.610 - 0.119);
  EXPECT_LT(f.k1[1], 0.505 - 0.107);
  expect_registered("L10.A_10s", f.A[0]);
  expect_registered("L10.A_30s", f.A[1]);
  expect_registered("L10.k1_10s", f.k1[0]);
  expect_registered("L10.k1_30s", f.k1[1]);
  expect_registered("L10.k2_10s", f.k2[0]);
  expect_registered("L10.k2_30s", f.k2[1]);
  expect_registered("L10.k2_ratio", f.k2[0] / f.k2[1]);
}
