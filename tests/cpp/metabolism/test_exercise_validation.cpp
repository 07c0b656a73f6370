#include <gtest/gtest.h>

#include <cstdio>

#include "../support/validation_check.hpp"
#include "massagesim/validation/exercise.hpp"

namespace mv = massagesim::validation;
using massagesim::test::expect_registered;

// These targets run their scenario files through simulation::simulate on the default subject (issue 12).

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
  // Expected failure (asserted as a gap by expect_registered): 13 mmol/L at ~10 min, muscle-cell lactate
  // ~67 mmol/L (MCT-limited release).
  const auto& r = mv::e2_cotterrell2005();
  std::printf("E2: peak %.2f mmol/L at %.2f min after the sprint; muscle-cell lactate up to %.1f mmol/L\n",
              r.peak_blood_lactate_mmol_per_L, r.peak_time_after_exercise_min, r.max_muscle_cell_lactate_mmol_per_L);
  expect_registered("E2.peak", r.peak_blood_lactate_mmol_per_L);
  expect_registered("E2.peak_time", r.peak_time_after_exercise_min);
  EXPECT_GT(r.max_muscle_cell_lactate_mmol_per_L, 45.0) << "muscle lactate now bounded: update the envelope xfail";
}
