#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "harness.hpp"
#include "jacobian_check.hpp"
#include "massagesim/simulation/segment_problem.hpp"

using namespace metab_test;

namespace {

template <class Params, class Table>
void expect_table_consistent(const Table& table) {
  Params p;
  std::set<std::string> names;
  std::size_t count = 0;
  Params::visit(p, [&](const ms::ParameterInfo& info, double& member) {
    ++count;
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << "duplicate " << info.name;
    EXPECT_DOUBLE_EQ(member, info.default_value) << info.name << ": struct default differs from the table";
    EXPECT_LE(info.min, info.default_value) << info.name;
    EXPECT_GE(info.max, info.default_value) << info.name;
    EXPECT_FALSE(info.unit.empty()) << info.name;
    EXPECT_FALSE(info.source.empty()) << info.name;
  });
  EXPECT_EQ(count, table.size());
}

/// Metabolite block + its outputs at fixed bus inputs, as one function of the 4 states.
struct MetabBlock {
  mm::MetabolitesParams p;
  mm::SegmentSignals in;
  template <class S>
  void operator()(const S* x, S* dxdt) const {
    const auto ps = p.template cast<S>();
    mm::SegmentSignalsTpl<S> bus{};
    bus.applied_pressure_mmHg = S(in.applied_pressure_mmHg);
    bus.exercise_intensity = S(in.exercise_intensity);
    bus.arterial_lactate_mmol_per_L = S(in.arterial_lactate_mmol_per_L);
    bus.filtration_mL_per_min = S(in.filtration_mL_per_min);
    bus.lymph_flow_mL_per_min = S(in.lymph_flow_mL_per_min);
    bus.involuntary_activation = S(in.involuntary_activation);
    mm::metabolites_outputs(ps, x, bus);
    // Toy flow coupling so that the vasodilator output enters the Jacobian too.
    bus.arterial_inflow_mL_per_min = S(30.0) * (S(1.0) + bus.vasodilator_signal);
    bus.arteriolar_flow_mL_per_min = bus.arterial_inflow_mL_per_min;
    mm::metabolites_rhs(ps, x, bus, dxdt);
  }
};

}  // namespace

TEST(Metabolites, ParameterTableMatchesStructDefaultsAndRanges) {
  expect_table_consistent<mm::MetabolitesParams>(mm::metabolites_parameter_info);
  expect_table_consistent<mm::LactatePoolParams>(mm::lactate_pool_parameter_info);
  mm::MetabolitesParams p;
  p.mct4_km_mmol_per_L = 27.0;
  const auto q = p.cast<AD>().cast<double>();
  EXPECT_DOUBLE_EQ(q.mct4_km_mmol_per_L, 27.0);
  EXPECT_DOUBLE_EQ(q.vasodilator_max, p.vasodilator_max);
}

TEST(Metabolites, MctKmFollowHalestrapMeredith2004) {
  // physiology.md §2d: Km(MCT1) ~3.5-8 mM, Km(MCT4) ~22-28 mM, MCT4 Km 5-10x MCT1 (Halestrap & Meredith 2004).
  const mm::MetabolitesParams p;
  EXPECT_GE(p.mct1_km_mmol_per_L, 3.5);
  EXPECT_LE(p.mct1_km_mmol_per_L, 8.0);
  EXPECT_GE(p.mct4_km_mmol_per_L, 22.0);
  EXPECT_LE(p.mct4_km_mmol_per_L, 28.0);
  const double ratio = p.mct4_km_mmol_per_L / p.mct1_km_mmol_per_L;
  EXPECT_GE(ratio, 5.0);
  EXPECT_LE(ratio, 10.0);
}

TEST(Metabolites, AdJacobianMatchesCentralDifferences) {
  MetabBlock f;
  f.in.exercise_intensity = 0.8;
  f.in.arterial_lactate_mmol_per_L = 3.0;
  f.in.filtration_mL_per_min = 0.01;
  f.in.lymph_flow_mL_per_min = 0.005;
  f.in.involuntary_activation = 0.05;
  f.in.applied_pressure_mmHg = 160.0;  // inside the pressure-pain softplus corner
  const Eigen::Vector4d x(12.0, 6.0, 4.0, 3.0);
  Eigen::MatrixXd J;
  const double err = jacobian_mismatch<4>(f, x, &J);
  EXPECT_LT(err, 1e-6) << "J_ad =\n" << J;
  EXPECT_GT(J.cwiseAbs().sum(), 0.0);
}

TEST(Metabolites, SegmentLactateConservedWithOcclusionAndExercise) {
  // Segment harness, toy flow: 3 min rest, 2 min exercise at 1.2 VO2max, 3 min 250 mmHg occlusion, 10 min massage.
  // Balance: stores(t1) - stores(t0) = production - oxidation - (venous + lymph efflux), integrated alongside.
  SegmentSystem sys;
  sys.protocol = [](double t) {
    SegInputs in;
    in.arterial_lactate_mmol_per_L = 1.0 + 2.0 * std::exp(-t / 600.0);
    if (t >= 180 && t < 300) in.exercise_intensity = 1.2;
    if (t >= 300 && t < 480) in.applied_pressure_mmHg = 250.0;
    if (t >= 480 && t < 1080) in.applied_pressure_mmHg = stroke_pressure_mmHg(t), in.massage_drive = 1.0;
    return in;
  };
  SegmentSystem rest = sys;
  const SegState x0 = seg_rest(rest);
  const auto r = run_seg(sys, x0, 0.0, 1500.0, {180, 300, 480, 1080}, 5.0, 1e-9, 0.5);
  const auto& xf = r.x_final;
  const double s0 = mm::metabolites_lactate_content_mmol(sys.pm, x0.data());
  const double s1 = mm::metabolites_lactate_content_mmol(sys.pm, xf.data());
  const double net = xf[kSegCumProd] - xf[kSegCumOx] - xf[kSegCumEfflux];
  const double rel = std::abs((s1 - s0) - net) / std::max({std::abs(net), xf[kSegCumProd], 1e-12});
  std::printf(
      "segment lactate balance: stores %.6g -> %.6g mmol, production %.6g, oxidation %.6g, efflux %.6g, rel error "
      "%.2e\n",
      s0, s1, xf[kSegCumProd], xf[kSegCumOx], xf[kSegCumEfflux], rel);
  EXPECT_LE(rel, 1e-8);
  for (Eigen::Index k = 0; k < r.x.cols(); ++k)
    for (int i : {mm::kLactateCell, mm::kLactateIsf, mm::kLactateCap, mm::kO2Debt})
      ASSERT_GE(r.x(i, k), 0.0) << mm::metabolites_state_names[static_cast<std::size_t>(i)] << " at t = " << r.t_s[k];
}

TEST(Metabolites, OcclusionAccumulatesDebtButMassageStrokesDoNot) {
  // physiology.md §2b: occlusion/compression accumulates metabolite debt (reactive hyperaemia), brief massage
  // strokes (seconds) almost none (B1 Shoemaker 1997: massage leaves resting arterial flow unchanged).
  // Strokes: effleurage-like 80 mmHg passes of ~1 s every 6 s for 10 min (toy flow stops under each pass).
  SegmentSystem occl;
  occl.protocol = [](double t) {
    SegInputs in;
    if (t >= 0 && t < 300) in.applied_pressure_mmHg = 250.0;
    return in;
  };
  const SegState x0 = seg_rest(occl);
  const auto ro = run_seg(occl, x0, 0.0, 300.0, {}, 1.0);
  const double vaso_occl = ro.bus[299].vasodilator_signal;  // t = 299 s, cuff still on
  const double flow_occl = ro.bus[299].arterial_inflow_mL_per_min;

  SegmentSystem mass;
  mass.protocol = [](double t) {
    SegInputs in;
    if (t >= 0) in.applied_pressure_mmHg = stroke_pressure_mmHg(t, 80.0, 1.0 / 6.0, 8.0), in.massage_drive = 1.0;
    return in;
  };
  const auto rm = run_seg(mass, x0, 0.0, 600.0, {}, 0.25);
  double vaso_mass = 0, mean_flow = 0;
  for (const auto& b : rm.bus)
    vaso_mass = std::max(vaso_mass, b.vasodilator_signal), mean_flow += b.arterial_inflow_mL_per_min;
  mean_flow /= double(rm.bus.size());
  const double rest_flow = 30.0;
  std::printf(
      "5-min occlusion: vasodilator %.3f, flow %.3g mL/min; 10-min strokes: max vasodilator %.4f, mean flow %.3g "
      "mL/min\n",
      vaso_occl, flow_occl, vaso_mass, mean_flow);
  EXPECT_LT(flow_occl, 0.05 * rest_flow);
  EXPECT_GT(vaso_occl, 0.8 * occl.pm.vasodilator_max);  // saturated by 5 min (R1)
  EXPECT_LT(vaso_mass, 0.05 * vaso_occl);
  // Release after occlusion: reactive hyperaemia (flow well above rest) that decays.
  SegmentSystem rel = occl;
  const auto rr = run_seg(rel, ro.x_final, 300.0, 900.0, {}, 1.0);
  std::printf("after release: flow %.3g mL/min at 5 s, %.3g at 60 s, %.3g at 300 s, %.3g at 600 s\n",
              rr.bus[5].arterial_inflow_mL_per_min, rr.bus[60].arterial_inflow_mL_per_min,
              rr.bus[300].arterial_inflow_mL_per_min, rr.bus.back().arterial_inflow_mL_per_min);
  EXPECT_GT(rr.bus[5].arterial_inflow_mL_per_min, 5.0 * rest_flow);
  // Back near rest within 10 min (ischaemic lactate -> pain -> a little tone keeps it slightly up for minutes).
  EXPECT_LT(rr.bus.back().arterial_inflow_mL_per_min, 1.5 * rest_flow);
}

TEST(Metabolites, PainRisesWithIschaemiaAndMetabolites) {
  SegmentSystem occl;
  occl.protocol = [](double t) {
    SegInputs in;
    if (t >= 0) in.applied_pressure_mmHg = 250.0;
    return in;
  };
  const SegState x0 = seg_rest(occl);
  const auto r = run_seg(occl, x0, 0.0, 600.0, {}, 10.0);
  const double pain_rest = occl.signals(x0, -1.0).pain_drive;
  std::printf("pain drive: rest %.4f, 5 min occlusion %.3f, 10 min occlusion %.3f\n", pain_rest, r.bus[30].pain_drive,
              r.bus.back().pain_drive);
  EXPECT_LT(pain_rest, 0.02);
  EXPECT_GT(r.bus[30].pain_drive, 0.5);  // ischaemic + 250 mmHg pressure pain
  EXPECT_GT(r.bus.back().pain_drive, r.bus[30].pain_drive);
  EXPECT_GT(r.x(mm::kLactateCell, r.x.cols() - 1), x0[mm::kLactateCell]);  // ischaemia produces lactate
}

TEST(Metabolites, AcidosisBrakeHalvesGlycolysisAtItsConstantAndSparesTheBasalRate) {
  // Bogdanis 1996 J Appl Physiol 80:876 (citing Gaitanos 1993, Spriet 1989): glycolysis falls in repeated sprints
  // as the muscle acidifies. The brake multiplies the exercise-driven production by K^n / (K^n + C_m^n).
  const mm::MetabolitesParams p;
  const auto production = [&](double cell_mmol_per_L, double intensity) {
    const Eigen::Vector4d x(cell_mmol_per_L, 1.0, 1.0, 0.0);
    Eigen::Vector4d dx;
    mm::SegmentSignals bus{};
    bus.exercise_intensity = intensity;
    bus.arteriolar_flow_mL_per_min = 30.0;
    mm::metabolites_outputs(p, x.data(), bus);
    mm::metabolites_rhs(p, x.data(), bus, dx.data());
    return bus.lactate_production_mmol_per_min;
  };
  const double K = p.production_inhibition_lactate_mmol_per_L;
  const double basal = p.muscle_mass_kg * p.production_rest_mmol_per_min_per_kg;
  const double p_low = production(1.0, 1.5), p_half = production(K, 1.5), p_high = production(2.0 * K, 1.5);
  std::printf("production at 1.5 VO2max: %.4f (C_m 1), %.4f (C_m = K = %.0f), %.4f (2K) mmol/min; basal %.4f\n", p_low,
              p_half, K, p_high, basal);
  EXPECT_GT(p_low - basal, 1.0);  // a sprint-level rate, mmol/min per kg
  EXPECT_NEAR((p_half - basal) / (p_low - basal), 0.5, 0.01);
  EXPECT_LT((p_high - basal) / (p_low - basal), 0.01);  // n = 8: 2^-8
  // At rest the brake leaves the basal rate alone, whatever the cell lactate (braked it would be 0.4 % of it
  // at 2K); what is left at rest is the O2-shortfall term's smooth corner, ~1e-6 mmol/min.
  EXPECT_NEAR(production(1.0, 0.0), basal, 1e-5);
  EXPECT_NEAR(production(2.0 * K, 0.0), basal, 1e-5);
  // Below ~20 mmol/L (submaximal exercise) it takes less than 1 %.
  EXPECT_GT((production(20.0, 0.8) - basal) / (production(0.5, 0.8) - basal), 0.99);
}
