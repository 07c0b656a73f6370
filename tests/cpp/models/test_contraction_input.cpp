// The segment input contraction_pressure_mmHg (rhythmic contractions, the muscle pump): it adds to the
// intramuscular pressure, so to the tissue pressure on the vessels and the lymphatics' external pressure, but is no
// skin pressure (no pressure pain, no reflex inhibition).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/simulation/segment_problem.hpp"

using namespace massagesim::models;

TEST(ContractionInput, AddsToTheIntramuscularPressureNotToTheSkin) {
  const Segment seg(default_calf_params());
  const Segment::State x = rest_state(seg);
  const SegmentInputs rest = seg.rest_inputs();
  SegmentInputs squeeze = rest;
  squeeze.contraction_pressure_mmHg = 60.0;
  Segment::State f0, f1;
  const auto e0 = seg.evaluate(x.data(), rest, f0.data());
  const auto e1 = seg.evaluate(x.data(), squeeze, f1.data());
  EXPECT_NEAR(e1.bus.intramuscular_pressure_mmHg - e0.bus.intramuscular_pressure_mmHg, 60.0, 1e-9);
  EXPECT_NEAR(e1.bus.tissue_pressure_mmHg - e0.bus.tissue_pressure_mmHg, 60.0, 1e-9);
  // The veins are squeezed: more outflow at once; the lymphatics too (their external pressure rises).
  EXPECT_GT(e1.bus.venous_outflow_mL_per_min, e0.bus.venous_outflow_mL_per_min);
  auto out = [&](const SegmentInputs& in, const char* name) {
    return seg.outputs(x, in)[static_cast<std::size_t>(Segment::output_index(name))];
  };
  EXPECT_NEAR(out(squeeze, "initial_lymph_pressure_mmHg") - out(rest, "initial_lymph_pressure_mmHg"), 60.0, 1e-9);
  // Not a skin pressure: no pressure pain, no mechanoreceptor (reflex-inhibition) drive.
  EXPECT_EQ(e1.bus.applied_pressure_mmHg, 0.0);
  EXPECT_EQ(e1.bus.pain_drive, e0.bus.pain_drive);
  constexpr int tone = SegmentLayout::tone;
  for (int k = 0; k < kMuscleToneSize; ++k) EXPECT_EQ(f1[tone + k], f0[tone + k]) << k;
}

TEST(ContractionInput, IsAnOutputColumnLikeTheOtherInputs) {
  const auto& c = output_catalogue();
  const auto it =
      std::find_if(c.begin(), c.end(), [](const OutputRecord& r) { return r.name == "contraction_pressure_mmHg"; });
  ASSERT_NE(it, c.end());
  EXPECT_EQ(it->kind, OutputKind::input);
  EXPECT_EQ(it->unit, "mmHg");
  SegmentInputs in;
  in.contraction_pressure_mmHg = 42.0;
  EXPECT_EQ(segment_input_value(in, it->index), 42.0);
  in.height_above_heart_cm = -7.0;  // the other inputs keep their columns
  for (const auto& r : c) {
    if (r.name == "height_above_heart_cm") {
      EXPECT_EQ(segment_input_value(in, r.index), -7.0);
    }
  }
}
