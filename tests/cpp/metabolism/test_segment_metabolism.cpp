// The metabolism and tone blocks inside the fluid developer's Segment (segment.hpp): rest values, reflex
// inhibition with the real tissue-pressure path, and the L1 inflow target that needs the fluid side.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "harness.hpp"
#include "massagesim/models/default_subject.hpp"

using namespace metab_test;
using mm::Segment;
using mm::SegmentInputs;
using mm::SegmentLayout;

namespace {

template <class F>
ms::Solution<Segment::State> run_segment(const Segment& seg, F inputs, const Segment::State& x0, double t0, double t1,
                                         std::vector<double> breaks, double save_dt_s) {
  auto prob = mm::make_segment_problem(seg, inputs, x0, t0, t1, std::move(breaks));
  const int n = static_cast<int>(std::round((t1 - t0) / save_dt_s)) + 1;
  return ms::solve(prob, ms::Dopri5{}, ms::StepControl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 0.25},
                   ms::SaveAt{.ts_s = ms::linspace(t0, t1, n)});
}

double out(const Segment& seg, const Segment::State& x, const SegmentInputs& in, const char* name) {
  return seg.outputs(x, in)[static_cast<std::size_t>(Segment::output_index(name))];
}

}  // namespace

TEST(SegmentMetabolism, RestValues) {
  // validation.md Rest: intramuscular pressure 4-7 mmHg (physiology.md §3: 3.7-7.4 recumbent); no pain, reflex at
  // baseline, venous lactate slightly above the arterial 1.0 mmol/L (Menzies 2010) input.
  const Segment seg(mm::default_calf_params());
  const auto x = mm::rest_state(seg);
  const auto in = seg.rest_inputs();
  const double imp = out(seg, x, in, "intramuscular_pressure_mmHg");
  const double cv = x[SegmentLayout::metabolites + mm::kLactateCap];
  std::printf("segment rest: IMP %.2f mmHg, venous lactate %.3f mmol/L, pain %.4f, reflex gain %.3f, vasodilator %.4f, "
              "VO2 %.2f mL/min\n", imp, cv, out(seg, x, in, "pain_drive"), out(seg, x, in, "reflex_gain"),
              out(seg, x, in, "vasodilator_signal"), out(seg, x, in, "o2_uptake_mL_per_min"));
  report("Rest", "intramuscular pressure (physiology.md §3)", "3.7-7.4 mmHg", imp, 3.7, 7.4,
         imp >= 3.7 && imp <= 7.4 ? "pass" : "FAIL");
  EXPECT_GE(imp, 3.7);
  EXPECT_LE(imp, 7.4);
  EXPECT_GT(cv, 1.0);
  EXPECT_LT(cv, 1.5);
  EXPECT_LT(out(seg, x, in, "pain_drive"), 0.02);
  EXPECT_NEAR(out(seg, x, in, "reflex_gain"), 1.0, 1e-3);
  EXPECT_LT(out(seg, x, in, "vasodilator_signal"), 0.05);
}

TEST(SegmentMetabolism, T2T3_ReflexInhibitionInsideTheSegment) {
  // Morelli 1990 / Sullivan 1991 (see test_muscle_tone.cpp): -70 % during massage, back at once.
  const Segment seg(mm::default_calf_params());
  const auto x0 = mm::rest_state(seg);
  const SegmentInputs rest = seg.rest_inputs();
  auto inputs = [rest](double t) {
    SegmentInputs in = rest;
    if (t >= 60 && t < 240) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 60), in.massage_drive = 1.0;
    return in;
  };
  const auto sol = run_segment(seg, inputs, x0, 0.0, 300.0, {60.0, 240.0}, 10.0);
  const double during = out(seg, sol.x.col(20), inputs(200.0), "reflex_gain");
  const double after = out(seg, sol.x.col(25), inputs(250.0), "reflex_gain");
  report("T3", "Sullivan 1991 H-reflex during/before (Segment)", "0.295", during, 0.07, 0.52,
         during >= 0.07 && during <= 0.52 ? "pass" : "FAIL");
  EXPECT_GE(during, 0.07);
  EXPECT_LE(during, 0.52);
  EXPECT_GT(after, 0.95);
}

TEST(SegmentMetabolism, L1_Wiltshire2010_MassageLowersInflow_ExpectedFailure) {
  // Wiltshire 2010 (MSSE 42:1062): after 2 min handgrip at 40 % MVC, 10 min of massage vs passive rest: forearm
  // inflow AUC 3178 vs 4203 mL (ratio 0.76); lactate efflux 14.7 vs 20.5 mmol. Forearm subject (1 kg), handgrip
  // as exercise intensity 1.0 of the forearm muscle [assumption], massage = 60 mmHg strokes at 0.4 Hz + drive.
  //
  // Expected failure (current gap), asserted so that it fails once fixed: on the forearm Segment massage RAISES
  // the 10-min inflow AUC by ~5-10 % instead of lowering it by 24 % (the post-handgrip hyperaemia itself is
  // ~20 % below the passive AUC of 4203 mL). Reasons: each stroke's release adds a mechanical/metabolic inflow
  // rebound, and nothing yet models the sustained mechanical impedance to inflow that Wiltshire proposed; the
  // handgrip -> exercise-intensity mapping is an assumption. Needs joint work with the fluid side.
  const Segment seg(mm::default_forearm_params());
  const auto x0 = mm::rest_state(seg);
  const SegmentInputs rest = seg.rest_inputs();
  double auc[2], eff[2];
  for (int massage = 0; massage < 2; ++massage) {
    auto inputs = [rest, massage](double t) {
      SegmentInputs in = rest;
      if (t >= 0 && t < 120) in.exercise_intensity = 1.0;
      if (massage && t >= 120) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 120), in.massage_drive = 1.0;
      return in;
    };
    const auto sol = run_segment(seg, inputs, x0, 0.0, 720.0, {120.0}, 1.0);
    auc[massage] = eff[massage] = 0;
    for (Eigen::Index k = 121; k < sol.x.cols(); ++k) {
      const double q0 = out(seg, sol.x.col(k - 1), inputs(sol.t_s[k - 1]), "arterial_inflow_mL_per_min");
      const double q1 = out(seg, sol.x.col(k), inputs(sol.t_s[k]), "arterial_inflow_mL_per_min");
      const double e0 = out(seg, sol.x.col(k - 1), inputs(sol.t_s[k - 1]), "lactate_venous_efflux_mmol_per_min");
      const double e1 = out(seg, sol.x.col(k), inputs(sol.t_s[k]), "lactate_venous_efflux_mmol_per_min");
      auc[massage] += 0.5 * (q0 + q1) / 60.0;
      eff[massage] += 0.5 * (e0 + e1) / 60.0;
    }
  }
  const double ratio = auc[1] / auc[0];
  std::printf("L1 on the forearm Segment: inflow AUC passive %.0f mL, massage %.0f mL (ratio %.3f; data 4203, 3178, "
              "0.76); lactate efflux %.2f vs %.2f mmol (data 20.5, 14.7)\n", auc[0], auc[1], ratio, eff[0], eff[1]);
  const double lo = 3178.0 / 4203.0 * 0.7, hi = 3178.0 / 4203.0 * 1.3;
  report("L1", "Wiltshire 2010 inflow AUC ratio massage/passive (Segment)", "0.756", ratio, lo, hi,
         ratio >= lo && ratio <= hi ? "pass (30 % band)" : "EXPECTED FAILURE (massage does not impede inflow)");
  std::printf("EXPECTED FAILURE L1 inflow: ratio %.3f outside [%.3f, %.3f]; massage strokes add release hyperaemia "
              "instead of impeding inflow (no sustained mechanical impedance modelled).\n", ratio, lo, hi);
  EXPECT_GT(ratio, hi) << "gap closed: turn this into the band test";
}
