#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "harness.hpp"
#include "jacobian_check.hpp"

using namespace metab_test;

namespace {

struct WbBlock {
  mm::WholeBodyLactateParams p;
  mm::WholeBodyInputsTpl<double> in;
  template <class S>
  void operator()(const S* x, S* dxdt) const {
    const auto ps = p.template cast<S>();
    mm::WholeBodyInputsTpl<S> is{S(in.whole_body_intensity), S(in.working_muscle_intensity), S(in.applied_pressure_mmHg),
                                 S(in.pressure_coverage_fraction), S(in.lymph_flow_mL_per_min),
                                 S(in.extra_efflux_mmol_per_min), S(in.flow_multiplier)};
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

Recovery_metrics gupta(Recovery mode, double massage_flow_multiplier = 1.0, double massage_duration_s = 600.0,
                       WbRun* out = nullptr) {
  GuptaProtocol g;
  g.mode = mode;
  g.massage_flow_multiplier = massage_flow_multiplier;
  g.massage_duration_s = massage_duration_s;
  auto r = run_wb(params(), g, rest_state(), 0.0, g.t_end_ex() + 45 * 60.0, g.breaks(), 6.0);
  if (out) *out = r;
  return recovery_metrics(r, g.t_end_ex());
}

double blood_at(const WbRun& r, double t_s) {
  for (std::size_t k = 0; k + 1 < r.t_s.size(); ++k)
    if (r.t_s[k + 1] >= t_s) {
      const double w = (t_s - r.t_s[k]) / (r.t_s[k + 1] - r.t_s[k]);
      return (1 - w) * r.x(mm::kWbBlood, Eigen::Index(k)) + w * r.x(mm::kWbBlood, Eigen::Index(k + 1));
    }
  return r.x(mm::kWbBlood, r.x.cols() - 1);
}

// Null band for the massage-vs-rest blood-lactate nulls (L3, L5, L6, L7): SE of a paired difference with
// between-subject SD ~1.8 mmol/L and n ~ 9 [D]; the studies report only "no difference".
constexpr double kNullBand_mmol_per_L = 0.6;

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
  const double c = rest_state()[mm::kWbBlood];
  report("Rest", "Menzies 2010 blood lactate", "1.0 +/- 0.1 mmol/L", c, 0.9, 1.1, std::abs(c - 1.0) <= 0.1 ? "pass" : "FAIL");
  EXPECT_NEAR(c, 1.0, 0.1);
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
  std::printf("whole-body lactate balance: stores %.8g -> %.8g mmol; produced %.8g, oxidised %.8g, cleared %.8g; "
              "rel error %.2e\n", s0, s1, xf[kCumProd], xf[kCumOx], xf[kCumClear], rel);
  EXPECT_LE(rel, 1e-8);
  for (Eigen::Index k = 0; k < r.x.cols(); ++k)
    for (int i = 0; i < mm::kWholeBodyLactateSize; ++i) ASSERT_GE(r.x(i, k), 0.0) << i << " at " << r.t_s[k];
}

TEST(LactatePool, L2_Gupta1996_HalfLifePassiveMassageActive) {
  // Gupta S et al. (1996) Int J Sports Med 17:106: 1-min bouts at 150 % VO2max with 15-s rests to exhaustion;
  // blood-lactate half-life passive 21.5 +/- 2.8, massage 21.8 +/- 3.5, active (30 % VO2max) 15.7 +/- 2.5 min;
  // peak ~3 min after exercise. Half-life here = time from the peak to half the peak value.
  const auto p = gupta(Recovery::passive);
  const auto m = gupta(Recovery::massage);
  const auto a = gupta(Recovery::active30);
  auto band = [](const char* what, double v, double mu, double sd) {
    report("L2", what, (std::to_string(mu) + " +/- " + std::to_string(sd) + " min").c_str(), v, mu - sd, mu + sd,
           std::abs(v - mu) <= sd ? "pass" : "FAIL");
    EXPECT_NEAR(v, mu, sd) << what;
  };
  band("Gupta 1996 t1/2 passive", p.half_life_min, 21.5, 2.8);
  band("Gupta 1996 t1/2 massage", m.half_life_min, 21.8, 3.5);
  band("Gupta 1996 t1/2 active 30 % VO2max", a.half_life_min, 15.7, 2.5);
  // Peak ~3 min (sampling at 0, 3, 5 min): within 30 % of 3 min.
  report("L2", "Gupta 1996 time of peak (passive)", "~3 min", p.t_peak_min, 2.1, 3.9,
         std::abs(p.t_peak_min - 3.0) <= 0.9 ? "pass (30 % band)" : "FAIL");
  EXPECT_NEAR(p.t_peak_min, 3.0, 0.9);
  std::printf("L2 peaks: passive %.2f mmol/L at %.2f min, massage %.2f at %.2f, active %.2f at %.2f\n", p.peak_mmol_per_L,
              p.t_peak_min, m.peak_mmol_per_L, m.t_peak_min, a.peak_mmol_per_L, a.t_peak_min);
  // Honesty (model.md): default massage must not speed clearance over passive rest; active recovery does.
  EXPECT_GE(m.half_life_min, p.half_life_min - 0.5);
  EXPECT_LT(a.half_life_min, p.half_life_min - 3.0);
}

TEST(LactatePool, L2_MassageNullHoldsWhenMassageImpedesFlowOrLastsTheWholeRecovery) {
  // Sensitivity of the L2 massage null: massage lowering working-muscle inflow by 24 % (Wiltshire 2010 AUC ratio),
  // or massage over the whole 45-min recovery, keeps the half-life within Gupta's massage band.
  const auto m1 = gupta(Recovery::massage, 0.76);
  const auto m2 = gupta(Recovery::massage, 1.0, 45 * 60.0);
  std::printf("L2 massage sensitivity: flow x0.76 -> t1/2 %.2f min; 45-min massage -> %.2f min\n", m1.half_life_min,
              m2.half_life_min);
  EXPECT_NEAR(m1.half_life_min, 21.8, 3.5);
  EXPECT_NEAR(m2.half_life_min, 21.8, 3.5);
}

TEST(LactatePool, L2_TwoExponentialRecoveryEmerges) {
  // Zouloumian & Freund 1981, Freund et al. 1986: arterial lactate in recovery = La(0) + A1 (1 - e^{-g1 t})
  // + A2 (1 - e^{-g2 t}) with A1 > 0 (exchange, g1 ~0.5-0.6 /min: Beneke 2007 4-parameter g1 0.58 +/- 0.14 and
  // 0.49 +/- 0.08) and A2 < 0 (removal, g2 ~0.02-0.05 /min [GK]). The model has no such formula: fit it.
  WbRun r;
  gupta(Recovery::passive, 1.0, 600.0, &r);
  GuptaProtocol g;
  std::vector<double> t, c;
  for (int k = 0; k <= 90; ++k) {
    t.push_back(0.5 * k);
    c.push_back(blood_at(r, g.t_end_ex() + 30.0 * k));
  }
  const auto f = fit_freund(t, c);
  std::printf("Gupta passive, Freund fit: A1 %.2f g1 %.3f /min, A2 %.2f g2 %.4f /min, rms %.3f mmol/L\n", f.A1, f.g1,
              f.A2, f.g2, f.rms);
  EXPECT_GT(f.A1, 0.0);
  EXPECT_LT(f.A2, 0.0);
  EXPECT_GT(f.g1 / f.g2, 5.0);
  EXPECT_LT(f.rms, 0.2);
  report("L2", "Freund-type exchange constant g1 after exhaustive exercise [/min]", "~0.5-0.6 (Beneke 2007 4-par)", f.g1,
         0.489 - 0.076, 0.579 + 0.137, (f.g1 >= 0.413 && f.g1 <= 0.716) ? "pass (info)" : "outside (info)");
}

TEST(LactatePool, L10_Beneke2007_ClearanceSlowsWithLargerLoad) {
  // Beneke R, Jumah MD, Leithauser RM (2007) Dyn Med 6:10: 3-parameter fits after 10-s and 30-s all-out sprints:
  // k2 = 4.21e-2 +/- 1.06e-2 vs 2.45e-2 +/- 1.04e-2 /min; A = 9.1 +/- 2.1 vs 15.3 +/- 2.1 mmol/L;
  // k1 = 0.610 +/- 0.119 vs 0.505 +/- 0.107 /min. Sprint intensity (fraction of VO2max power): 10-s peak power
  // ~2.8x, 30-s Wingate mean power ~2.2x [GK]; fit over 1-60 min (sampling window assumed).
  BenekeFit fit[2];
  const double dur[2] = {10.0, 30.0}, inten[2] = {2.8, 2.2};
  for (int i = 0; i < 2; ++i) {
    SprintProtocol s{dur[i], inten[i]};
    const auto r = run_wb(params(), s, rest_state(), 0.0, 3600.0, {dur[i]}, 6.0);
    std::vector<double> t, c;
    for (int mi = 1; mi <= 60; ++mi) t.push_back(mi), c.push_back(r.x(mm::kWbBlood, mi * 10));
    fit[i] = fit_beneke(t, c, rest_state()[mm::kWbBlood]);
  }
  auto band = [](const char* what, const char* data, double v, double mu, double sd) {
    report("L10", what, data, v, mu - sd, mu + sd, std::abs(v - mu) <= sd ? "pass" : "FAIL");
    EXPECT_NEAR(v, mu, sd) << what;
  };
  band("Beneke 2007 k2 after 10-s sprint [/min]", "0.0421 +/- 0.0106", fit[0].k2, 0.0421, 0.0106);
  band("Beneke 2007 k2 after 30-s sprint [/min]", "0.0245 +/- 0.0104", fit[1].k2, 0.0245, 0.0104);
  band("Beneke 2007 A after 10-s sprint [mmol/L]", "9.1 +/- 2.1", fit[0].A, 9.1, 2.1);
  band("Beneke 2007 A after 30-s sprint [mmol/L]", "15.3 +/- 2.1", fit[1].A, 15.3, 2.1);
  band("Beneke 2007 k1 after 10-s sprint [/min]", "0.610 +/- 0.119", fit[0].k1, 0.610, 0.119);
  band("Beneke 2007 k1 after 30-s sprint [/min]", "0.505 +/- 0.107", fit[1].k1, 0.505, 0.107);
  EXPECT_GT(fit[0].k2, fit[1].k2);  // the point of L10: a larger load clears more slowly
  const double ratio = fit[0].k2 / fit[1].k2;
  report("L10", "Beneke 2007 k2(10 s)/k2(30 s)", "1.72 (ratio of means)", ratio, 1.72 * 0.7, 1.72 * 1.3,
         std::abs(ratio - 1.72) <= 0.3 * 1.72 ? "pass (30 % band)" : "FAIL (30 % band)");
  EXPECT_NEAR(ratio, 1.72, 0.3 * 1.72);
}

// ------------------------------------------------------------------------------------------------
// Nulls: massage does not lower blood lactate compared with rest (L3, L5, L6, L7).
// ------------------------------------------------------------------------------------------------
namespace {
struct NullResult {
  double rest, massage, active;
};
/// Runs exercise phases then recovery (rest / massage / active at `active_intensity`), returns BLa at t_eval
/// seconds after the start of the recovery phase `recovery_index`.
NullResult run_null(std::vector<Phase> phases, std::size_t recovery_index, double t_eval_s, double active_intensity,
                    std::vector<Phase> tail = {}) {
  NullResult res{};
  for (int mode = 0; mode < 3; ++mode) {
    PhaseProtocol prot;
    prot.phases = phases;
    Phase& rec = prot.phases[recovery_index];
    if (mode == 1) rec.massage = true;
    if (mode == 2) rec.whole_body_intensity = rec.working_muscle_intensity = active_intensity;
    for (const auto& ph : tail) prot.phases.push_back(ph);
    const double t_ev = prot.start_of(recovery_index) + t_eval_s;
    const auto r = run_wb(params(), prot, rest_state(), 0.0, prot.total(), prot.breaks(), 6.0);
    (mode == 0 ? res.rest : mode == 1 ? res.massage : res.active) = blood_at(r, t_ev);
  }
  return res;
}
void check_null(const char* id, const char* what, const NullResult& r) {
  const double d = r.massage - r.rest;
  report(id, what, "massage - rest: no difference", d, -kNullBand_mmol_per_L, kNullBand_mmol_per_L,
         std::abs(d) <= kNullBand_mmol_per_L ? "pass (null)" : "FAIL");
  std::printf("   %s: rest %.2f, massage %.2f, active %.2f mmol/L\n", id, r.rest, r.massage, r.active);
  EXPECT_LE(std::abs(d), kNullBand_mmol_per_L) << id;
  EXPECT_GE(d, -0.1) << id << ": massage must not clear lactate faster than rest";
}
}  // namespace

TEST(LactatePool, L3_Martin1998_MassageEqualsRestActiveLower) {
  // Martin NA et al. (1998) J Athl Train 33:30: supramaximal leg exercise, then massage vs active vs rest
  // (durations not in the abstract: assumed 2 x 1 min at 150 % VO2max, 20-min recovery; active at 30 %).
  const auto r = run_null({{60, 1.5, 1.5}, {60, 0, 0}, {60, 1.5, 1.5}, {1200, 0, 0}}, 3, 1200.0, 0.3);
  check_null("L3", "Martin 1998 BLa after 20 min", r);
  EXPECT_LT(r.active, r.rest - kNullBand_mmol_per_L);  // active recovery lowered BLa vs rest
}

TEST(LactatePool, L5_Hemmings2000_NoDifferenceAfterSecondBout) {
  // Hemmings B et al. (2000) Br J Sports Med 34:109: two simulated boxing bouts separated by massage or rest; no
  // difference in recovery BLa (the study even found BLa higher after the second bout with massage).
  // Bout: 3 x 3-min rounds at ~110 % VO2max with 1-min rests [GK]; recovery 20 min; BLa after bout 2.
  std::vector<Phase> bout = {{180, 1.1, 1.1}, {60, 0, 0}, {180, 1.1, 1.1}, {60, 0, 0}, {180, 1.1, 1.1}};
  std::vector<Phase> ph = bout;
  ph.push_back({1200, 0, 0});
  const auto r = run_null(ph, 5, 1200.0 + 5 * 180.0 + 120.0, 0.3, bout);
  check_null("L5", "Hemmings 2000 BLa after bout 2", r);
}

TEST(LactatePool, L6_Robertson2004_LegMassageVsSupineRest) {
  // Robertson A et al. (2004) Br J Sports Med 38:173: 6 x 30 s high-intensity cycling (150 % VO2max assumed) with 30-s active recovery,
  // 5 min active recovery, then 20 min leg massage vs supine rest: no effect on BLa (P = 0.82).
  std::vector<Phase> ph;
  for (int i = 0; i < 6; ++i) ph.push_back({30, 1.5, 1.5}), ph.push_back({30, 0.3, 0.3});
  ph.push_back({300, 0.3, 0.3});
  ph.push_back({1200, 0, 0});
  const auto r = run_null(ph, ph.size() - 1, 1200.0, 0.3);
  check_null("L6", "Robertson 2004 BLa after 20-min massage", r);
}

TEST(LactatePool, L7_Dolgener1993_MassageEqualsPassiveCyclingLower) {
  // J Strength Cond Res 7(3):159 (1993): exhaustive treadmill run, 20 min supine passive vs cycling at 40 % VO2max
  // vs leg massage; BLa at 3, 5, 15, 20 min: cycling < passive at 15 and 20 min, massage = passive.
  // Run: 4 min at 120 % VO2max to exhaustion [GK].
  for (double te : {180.0, 300.0, 900.0, 1200.0}) {
    const auto r = run_null({{240, 1.2, 1.2}, {1200, 0, 0}}, 1, te, 0.4);
    check_null("L7", ("Dolgener 1993 BLa at " + std::to_string(int(te / 60)) + " min").c_str(), r);
    if (te >= 900.0) {
      EXPECT_LT(r.active, r.rest) << "cycling lowers BLa at " << te / 60 << " min";
    }
  }
}

// ------------------------------------------------------------------------------------------------
// L1 Wiltshire 2010: efflux follows flow (prescribed flows); the inflow reduction itself needs the fluid side.
// ------------------------------------------------------------------------------------------------
namespace {
/// Exponential post-exercise inflow Q(t) = Q_r + (Q0 - Q_r) e^{-t/tau} through Q(30 s) = q30 with 10-min AUC.
struct InflowCurve {
  double q_rest = 40.0, q0 = 0, tau_min = 1;
  static InflowCurve fit(double q30, double auc_mL) {
    InflowCurve c;
    double lo = 0.2, hi = 60.0;
    for (int it = 0; it < 200; ++it) {
      const double tau = 0.5 * (lo + hi);
      const double amp = (q30 - c.q_rest) * std::exp(0.5 / tau);
      const double auc = 10 * c.q_rest + amp * tau * (1 - std::exp(-10 / tau));
      (auc > auc_mL ? hi : lo) = tau;
    }
    c.tau_min = 0.5 * (lo + hi);
    c.q0 = c.q_rest + (q30 - c.q_rest) * std::exp(0.5 / c.tau_min);
    return c;
  }
  double operator()(double t_min) const { return q_rest + (q0 - q_rest) * std::exp(-t_min / tau_min); }
};

struct L1Result {
  double efflux_auc_mmol, va_30s;
};
/// Forearm (1 kg muscle): 2 min handgrip at `intensity` with 300 mL/min inflow, then 10 min of recovery with the
/// prescribed inflow curve; massage = strokes + massage_drive on the segment. Arterial lactate fixed at 1 mmol/L.
L1Result run_l1(double intensity, const InflowCurve& q, bool massage) {
  SegmentSystem sys;
  sys.protocol = [=](double t) {
    SegInputs in;
    in.arterial_lactate_mmol_per_L = 1.0;
    if (t < 0) {
      in.prescribed_inflow_mL_per_min = 40.0;
    } else if (t < 120) {
      in.exercise_intensity = intensity;
      in.prescribed_inflow_mL_per_min = 300.0;
    } else {
      in.prescribed_inflow_mL_per_min = q((t - 120) / 60.0);
      if (massage) in.applied_pressure_mmHg = stroke_pressure_mmHg(t - 120), in.massage_drive = 1.0;
    }
    return in;
  };
  const SegState x0 = seg_rest(sys);
  const auto r = run_seg(sys, x0, 0.0, 720.0, {120.0}, 1.0, 1e-8, 0.5);
  double auc = 0;
  for (std::size_t k = 121; k < r.t_s.size(); ++k) {
    const auto& b0 = r.bus[k - 1];
    const auto& b1 = r.bus[k];
    auc += 0.5 * (b0.lactate_venous_efflux_mmol_per_min + b1.lactate_venous_efflux_mmol_per_min) / 60.0;
  }
  return {auc, r.x(mm::kLactateCap, 150) - 1.0};
}
}  // namespace

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
  const auto qp = InflowCurve::fit(766.0, 4203.0), qm = InflowCurve::fit(540.0, 3178.0);
  double lo = 0.02, hi = 3.0;
  for (int it = 0; it < 40; ++it) {
    const double mid = 0.5 * (lo + hi);
    (run_l1(mid, qp, false).efflux_auc_mmol > 20.5 ? hi : lo) = mid;
  }
  const double intensity = 0.5 * (lo + hi);
  const auto p = run_l1(intensity, qp, false), m = run_l1(intensity, qm, true);
  std::printf("L1: handgrip intensity %.3f; passive efflux %.2f mmol, v-a %.2f; massage efflux %.2f, v-a %.2f mmol/L\n",
              intensity, p.efflux_auc_mmol, p.va_30s, m.efflux_auc_mmol, m.va_30s);
  report("L1", "Wiltshire 2010 lactate efflux AUC, massage [mmol]", "14.7 +/- 1.6 (SE)", m.efflux_auc_mmol, 13.1, 16.3,
         std::abs(m.efflux_auc_mmol - 14.7) <= 1.6 ? "pass" : "EXPECTED FAILURE (release not flow-limited)");
  report("L1", "Wiltshire 2010 v-a [La] at 30 s, passive [mmol/L]", "6.1 +/- 0.6 (SE)", p.va_30s, 5.5, 6.7,
         std::abs(p.va_30s - 6.1) <= 0.6 ? "pass" : "FAIL (info)");
  report("L1", "Wiltshire 2010 v-a [La] at 30 s, massage [mmol/L]", "5.5 +/- 0.6 (SE)", m.va_30s, 4.9, 6.1,
         std::abs(m.va_30s - 5.5) <= 0.6 ? "pass" : "EXPECTED FAILURE (v-a rises when flow falls)");
  std::printf("EXPECTED FAILURE L1 efflux: model efflux ratio massage/passive %.2f (data 0.72); v-a change %+.2f mmol/L "
              "(data -0.6 +/- 0.85): model release is MCT/diffusion-limited over 10 min, not flow-limited.\n",
              m.efflux_auc_mmol / p.efflux_auc_mmol, m.va_30s - p.va_30s);
  EXPECT_NEAR(p.efflux_auc_mmol, 20.5, 0.05);  // the calibration step worked
  EXPECT_GT(m.efflux_auc_mmol, 16.3) << "gap closed: turn this into the band test 14.7 +/- 1.6 mmol";
}
// The inflow part of L1 (massage lowers inflow) runs on the Segment: test_segment_metabolism.cpp.
