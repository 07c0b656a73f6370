// Whole-body lactate model: parameter tables, AD Jacobians, conservation; and the lactate validation targets
// (Rest lactate, L1 efflux, L2, L3/L5/L6/L7, L10), whose protocols and runs live in the library
// (massagesim/validation/lactate.hpp, src/validation_metabolism.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../support/validation_check.hpp"
#include "harness.hpp"
#include "jacobian_check.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/validation/lactate.hpp"
#include "massagesim/validation/rest.hpp"

using namespace metab_test;

namespace {

struct WbBlock {
  mm::WholeBodyLactateParams p;
  mm::WholeBodyInputsTpl<double> in;
  template <class S>
  void operator()(const S* x, S* dxdt) const {
    const auto ps = p.template cast<S>();
    mm::WholeBodyInputsTpl<S> is{S(in.whole_body_intensity),  S(in.working_muscle_intensity),
                                 S(in.applied_pressure_mmHg), S(in.pressure_coverage_fraction),
                                 S(in.lymph_flow_mL_per_min), S(in.extra_efflux_mmol_per_min),
                                 S(in.flow_multiplier)};
    mm::whole_body_lactate_rhs(ps, x, is, dxdt);
  }
};

const mm::WholeBodyLactateParams& params() {
  static const mm::WholeBodyLactateParams p{};
  return p;
}
const WbState& rest_state() {
  static const WbState x = wb_rest(params());
  return x;
}

using massagesim::test::expect_registered;
namespace mv = massagesim::validation;

}  // namespace

TEST(LactatePool, ParameterTables) {
  mm::WorkingMuscleFlowParamsTpl<double> f;
  std::size_t n = 0;
  mm::WorkingMuscleFlowParamsTpl<double>::visit(f, [&](const ms::ParameterInfo& info, double& m) {
    ++n;
    EXPECT_DOUBLE_EQ(m, info.default_value) << info.name;
    EXPECT_LE(info.min, m);
    EXPECT_GE(info.max, m);
  });
  EXPECT_EQ(n, mm::working_muscle_flow_parameter_info.size());
  const auto q = params().cast<AD>().cast<double>();
  EXPECT_DOUBLE_EQ(q.pool.clearance_km_mmol_per_L, params().pool.clearance_km_mmol_per_L);
  EXPECT_DOUBLE_EQ(q.muscle.muscle_mass_kg, 20.0);
}

TEST(LactatePool, AdJacobianMatchesCentralDifferences) {
  WbBlock f;
  f.in.whole_body_intensity = 0.4;
  f.in.working_muscle_intensity = 0.4;
  f.in.applied_pressure_mmHg = 40.0;
  f.in.pressure_coverage_fraction = 0.1;
  f.in.lymph_flow_mL_per_min = 0.3;
  f.in.extra_efflux_mmol_per_min = 0.2;
  Eigen::VectorXd x(mm::kWholeBodyLactateSize);
  x << 6.0, 15.0, 8.0, 7.0, 20.0;
  Eigen::MatrixXd J;
  EXPECT_LT(jacobian_mismatch<mm::kWholeBodyLactateSize>(f, x, &J), 1e-6) << J;
  // Pool block alone, with clearance saturation.
  auto pool = [](const auto* xx, auto* d) {
    using S = std::decay_t<decltype(*xx)>;
    const auto ps = mm::LactatePoolParams{}.cast<S>();
    mm::lactate_pool_rhs(ps, xx, S(0.3), S(1.5), d);
  };
  Eigen::VectorXd xp(1);
  xp << 9.0;
  EXPECT_LT(jacobian_mismatch<1>(pool, xp), 1e-6);
}

TEST(LactatePool, RestBloodLactateMenzies2010) {
  // Menzies 2010: resting blood lactate 1.0 +/- 0.1 mmol/L (physiology.md §3).
  const double c = mv::rest_blood_lactate_mmol_per_L();
  EXPECT_NEAR(c, 1.0, 0.1);
  // (The registry's Rest.blood_lactate reads the default scenario's pool at rest: test_exercise_validation.cpp.)
  // Muscle above blood at rest (net release), all positive.
  EXPECT_GT(rest_state()[int(mm::kWbMuscle) + mm::kLactateCell], c);
}

TEST(LactatePool, WholeBodyLactateConservedAndNonNegative) {
  // Production - oxidation - clearance = change in stores, integrated alongside the state (model.md invariants).
  GuptaProtocol g;
  g.mode = Recovery::massage;
  const WbState x0 = rest_state();
  const auto r = run_wb(params(), g, x0, 0.0, g.t_end_ex() + 45 * 60.0, g.breaks(), 6.0, 1e-9);
  const WbState& xf = r.x_final;
  const double s0 = mm::whole_body_lactate_content_mmol(params(), x0.data());
  const double s1 = mm::whole_body_lactate_content_mmol(params(), xf.data());
  const double net = xf[kCumProd] - xf[kCumOx] - xf[kCumClear];
  const double rel = std::abs((s1 - s0) - net) / xf[kCumProd];
  std::printf(
      "whole-body lactate balance: stores %.8g -> %.8g mmol; produced %.8g, oxidised %.8g, cleared %.8g; "
      "rel error %.2e\n",
      s0, s1, xf[kCumProd], xf[kCumOx], xf[kCumClear], rel);
  EXPECT_LE(rel, 1e-8);
  for (Eigen::Index k = 0; k < r.x.cols(); ++k)
    for (int i = 0; i < mm::kWholeBodyLactateSize; ++i) ASSERT_GE(r.x(i, k), 0.0) << i << " at " << r.t_s[k];
}

TEST(LactatePool, L2_Gupta1996_HalfLifePassiveMassageActive) {
  // Gupta S et al. (1996) Int J Sports Med 17:106: 1-min bouts at 150 % VO2max with 15-s rests to exhaustion;
  // blood-lactate half-life passive 21.5 +/- 2.8, massage 21.8 +/- 3.5, active (30 % VO2max) 15.7 +/- 2.5 min;
  // peak ~3 min after exercise. Half-life here = time from the peak to half the peak value.
  const auto& l2 = mv::l2_gupta1996();
  const auto &p = l2.passive, &m = l2.massage, &a = l2.active;
  EXPECT_NEAR(p.half_life_min, 21.5, 2.8) << "Gupta 1996 t1/2 passive";
  EXPECT_NEAR(m.half_life_min, 21.8, 3.5) << "Gupta 1996 t1/2 massage";
  EXPECT_NEAR(a.half_life_min, 15.7, 2.5) << "Gupta 1996 t1/2 active 30 % VO2max";
  // The registered L2 rows run the scenario on the composed leg (test_exercise_validation.cpp); this is the
  // lactate pool's module check, the same protocol on the whole-body harness.
  // Peak ~3 min (sampling at 0, 3, 5 min): within 30 % of 3 min.
  EXPECT_NEAR(p.t_peak_min, 3.0, 0.9);
  std::printf("L2 peaks: passive %.2f mmol/L at %.2f min, massage %.2f at %.2f, active %.2f at %.2f\n",
              p.peak_mmol_per_L, p.t_peak_min, m.peak_mmol_per_L, m.t_peak_min, a.peak_mmol_per_L, a.t_peak_min);
  // Honesty (model.md): default massage must not speed clearance over passive rest; active recovery does.
  EXPECT_GE(m.half_life_min, p.half_life_min - 0.5);
  EXPECT_LT(a.half_life_min, p.half_life_min - 3.0);
}

TEST(LactatePool, L2_MassageNullHoldsWhenMassageImpedesFlowOrLastsTheWholeRecovery) {
  // Sensitivity of the L2 massage null on the whole-body harness (no leg): massage lowering working-muscle inflow by
  // 24 % (Wiltshire 2010 AUC ratio), or massage over the whole 45-min recovery, keeps the half-life within Gupta's
  // massage band.
  const auto& s = mv::l2_massage_sensitivity();
  std::printf("L2 massage sensitivity: flow x0.76 -> t1/2 %.2f min; 45-min massage -> %.2f min\n",
              s.flow_x076.half_life_min, s.massage_45min.half_life_min);
  EXPECT_NEAR(s.flow_x076.half_life_min, 21.8, 3.5);
  EXPECT_NEAR(s.massage_45min.half_life_min, 21.8, 3.5);
  // The registry's L2.massage_flow_x0.76 runs the composed leg (scenarios/gupta_1996_massage_lower_flow.json,
  // test_exercise_validation.cpp); this is the lumped muscle's module check.
}

TEST(LactatePool, L2_TwoExponentialRecoveryEmerges) {
  // Zouloumian & Freund 1981, Freund et al. 1986: arterial lactate in recovery = La(0) + A1 (1 - e^{-g1 t})
  // + A2 (1 - e^{-g2 t}) with A1 > 0 (exchange, g1 ~0.5-0.6 /min: Beneke 2007 4-parameter g1 0.58 +/- 0.14 and
  // 0.49 +/- 0.08) and A2 < 0 (removal, g2 ~0.02-0.05 /min [GK]). The model has no such formula: fit it.
  const auto& l2 = mv::l2_gupta1996();
  std::printf("Gupta passive, Freund fit: A1 %.2f g1 %.3f /min, A2 %.2f g2 %.4f /min, rms %.3f mmol/L\n", l2.freund_A1,
              l2.freund_g1, l2.freund_A2, l2.freund_g2, l2.freund_rms);
  EXPECT_GT(l2.freund_A1, 0.0);
  EXPECT_LT(l2.freund_A2, 0.0);
  EXPECT_GT(l2.freund_g1 / l2.freund_g2, 5.0);
  EXPECT_LT(l2.freund_rms, 0.2);
  // The registry's L2.freund_g1 fits the composed leg's passive arm (test_exercise_validation.cpp).
}

TEST(LactatePool, L10_Beneke2007_ClearanceSlowsWithLargerLoad) {
  // Beneke R, Jumah MD, Leithauser RM (2007) Dyn Med 6:10: 3-parameter fits after 10-s and 30-s all-out sprints:
  // k2 = 4.21e-2 +/- 1.06e-2 vs 2.45e-2 +/- 1.04e-2 /min; A = 9.1 +/- 2.1 vs 15.3 +/- 2.1 mmol/L;
  // k1 = 0.610 +/- 0.119 vs 0.505 +/- 0.107 /min. Sprint intensity (fraction of VO2max power): 10-s peak power
  // ~2.8x, 30-s Wingate mean power ~2.2x [GK]; fit over 1-60 min (sampling window assumed).
  const auto& f = mv::l10_beneke2007();
  EXPECT_NEAR(f.k2[0], 0.0421, 0.0106) << "Beneke 2007 k2 after 10-s sprint [/min]";
  EXPECT_NEAR(f.k2[1], 0.0245, 0.0104) << "Beneke 2007 k2 after 30-s sprint [/min]";
  EXPECT_NEAR(f.A[0], 9.1, 2.1) << "Beneke 2007 A after 10-s sprint [mmol/L]";
  EXPECT_NEAR(f.A[1], 15.3, 2.1) << "Beneke 2007 A after 30-s sprint [mmol/L]";
  EXPECT_NEAR(f.k1[0], 0.610, 0.119) << "Beneke 2007 k1 after 10-s sprint [/min]";
  EXPECT_NEAR(f.k1[1], 0.505, 0.107) << "Beneke 2007 k1 after 30-s sprint [/min]";
  EXPECT_GT(f.k2[0], f.k2[1]);  // the point of L10: a larger load clears more slowly
  const double ratio = f.k2[0] / f.k2[1];
  EXPECT_NEAR(ratio, 1.72, 0.3 * 1.72);
  // The registry's L10 rows fit the composed leg's sprints (test_exercise_validation.cpp).
}

// ------------------------------------------------------------------------------------------------
// Nulls: massage does not lower blood lactate compared with rest (L3, L5, L6, L7).
// Null band for the massage-vs-rest blood-lactate nulls: SE of a paired difference with between-subject SD
// ~1.8 mmol/L and n ~ 9 [D]; the studies report only "no difference".
// ------------------------------------------------------------------------------------------------
namespace {
constexpr double kNullBand_mmol_per_L = 0.6;
static_assert(kNullBand_mmol_per_L == mv::kLactateNullBand_mmol_per_L);
void check_null(const char* id, const mv::LactateNullArms& r) {
  const double d = r.massage - r.rest;
  std::printf("   %s: rest %.2f, massage %.2f, active %.2f mmol/L\n", id, r.rest, r.massage, r.active);
  EXPECT_LE(std::abs(d), kNullBand_mmol_per_L) << id;
  EXPECT_GE(d, -0.1) << id << ": massage must not clear lactate faster than rest";
  // The registry's row reads the study's scenario on the composed leg (test_exercise_validation.cpp); this
  // whole-body harness stays as the lactate pool's unit test, against the same band.
}
}  // namespace

TEST(LactatePool, L3_Martin1998_MassageEqualsRestActiveLower) {
  // Martin NA et al. (1998) J Athl Train 33:30: supramaximal leg exercise, then massage vs active vs rest
  // (durations not in the abstract: assumed 2 x 1 min at 150 % VO2max, 20-min recovery; active at 30 %).
  const auto& r = mv::l3_martin1998();
  check_null("L3.massage_minus_rest", r);
  EXPECT_LT(r.active, r.rest - kNullBand_mmol_per_L);  // active recovery lowered BLa vs rest
}

TEST(LactatePool, L5_Hemmings2000_NoDifferenceAfterSecondBout) {
  // Hemmings B et al. (2000) Br J Sports Med 34:109: two simulated boxing bouts separated by massage or rest; no
  // difference in recovery BLa (the study even found BLa higher after the second bout with massage).
  // Bout: 3 x 3-min rounds at ~110 % VO2max with 1-min rests [GK]; recovery 20 min; BLa after bout 2.
  check_null("L5.massage_minus_rest", mv::l5_hemmings2000());
}

TEST(LactatePool, L6_Robertson2004_LegMassageVsSupineRest) {
  // Robertson A et al. (2004) Br J Sports Med 38:173: 6 x 30 s high-intensity cycling (150 % VO2max assumed) with 30-s
  // active recovery, 5 min active recovery, then 20 min leg massage vs supine rest: no effect on BLa (P = 0.82).
  check_null("L6.massage_minus_rest", mv::l6_robertson2004());
}

TEST(LactatePool, L7_Dolgener1993_MassageEqualsPassiveCyclingLower) {
  // J Strength Cond Res 7(3):159 (1993): exhaustive treadmill run, 20 min supine passive vs cycling at 40 % VO2max
  // vs leg massage; BLa at 3, 5, 15, 20 min: cycling < passive at 15 and 20 min, massage = passive.
  // Run: 4 min at 120 % VO2max to exhaustion [GK].
  const auto& l7 = mv::l7_dolgener1993();
  for (std::size_t i = 0; i < l7.t_eval_s.size(); ++i) {
    const double te = l7.t_eval_s[i];
    const auto& r = l7.at[i];
    check_null(("L7.massage_minus_rest." + std::to_string(int(te / 60)) + "min").c_str(), r);
    if (te >= 900.0) {
      EXPECT_LT(r.active, r.rest) << "cycling lowers BLa at " << te / 60 << " min";
    }
  }
}

TEST(LactatePool, L1_Wiltshire2010_EffluxFollowsFlow_ExpectedFailure) {
  // Wiltshire EV et al. (2010) MSSE 42:1062 (mean +/- SE): forearm inflow at 30 s 766 (passive) vs 540 mL/min
  // (massage); 10-min inflow AUC 4203 vs 3178 mL; lactate efflux AUC 20.5 +/- 2.8 vs 14.7 +/- 1.6 mmol;
  // v-a [La] at 30 s 6.1 +/- 0.6 vs 5.5 +/- 0.6 mmol/L (n.s.): efflux follows flow at unchanged v-a.
  // Prescribed inflows reproduce the two measured curves; the handgrip intensity is set so that the passive
  // efflux AUC matches 20.5 mmol; massage efflux and the v-a differences are then predictions.
  //
  // Expected failure (current gap): in the model, 10-min lactate release from a 1-kg forearm is limited by the
  // cell -> interstitium -> capillary path, not by flow: with 24 % less flow the v-a difference rises and the
  // efflux AUC falls only ~5 % (data: -28 %). Possible reasons: the study's efflux is brachial flow (incl. skin)
  // x deep-venous v-a, which scales with flow by construction; forearm mass, handgrip-intensity mapping and
  // exercise flow are assumptions here. The test asserts the gap (fails once the band is reached).
  const auto& l1 = mv::l1_wiltshire2010_efflux();
  std::printf("L1: handgrip intensity %.3f; passive efflux %.2f mmol, v-a %.2f; massage efflux %.2f, v-a %.2f mmol/L\n",
              l1.handgrip_intensity, l1.passive_efflux_mmol, l1.passive_va_30s_mmol_per_L, l1.massage_efflux_mmol,
              l1.massage_va_30s_mmol_per_L);
  std::printf(
      "EXPECTED FAILURE L1 efflux: model efflux ratio massage/passive %.2f (data 0.72); v-a change %+.2f mmol/L "
      "(data -0.6 +/- 0.85): model release is MCT/diffusion-limited over 10 min, not flow-limited.\n",
      l1.massage_efflux_mmol / l1.passive_efflux_mmol, l1.massage_va_30s_mmol_per_L - l1.passive_va_30s_mmol_per_L);
  EXPECT_NEAR(l1.passive_efflux_mmol, 20.5, 0.05);  // the calibration step worked
  EXPECT_GT(l1.massage_efflux_mmol, 16.3) << "gap closed: turn this into the band test 14.7 +/- 1.6 mmol";
  // The registry reads the composed forearm (test_exercise_validation.cpp, scenario wiltshire_2010_forearm_massage).
}
// The inflow part of L1 (massage lowers inflow) runs on the Segment: test_segment_metabolism.cpp.
