/// \file test_cuff_occlusion.cpp
/// \brief A cuff on a proximal segment throttles the segments distal to it (issue 12, item 4):
/// arterial occlusion above systolic with reactive hyperaemia on release (physiology.md §1C R1, R2),
/// venous occlusion at 50 mmHg (venous occlusion plethysmography), nothing proximal to a distal cuff,
/// and hands, unlike cuffs, do not squeeze the conduit arteries; veins squeezed by a sustained load stop
/// draining where their walls touch, and so do lymphangions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "massagesim/models/limb.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;
using namespace massagesim::models;
namespace mp = massagesim::protocols;

namespace {

using LimbPtr = std::shared_ptr<const Limb>;

/// Foot, calf and thigh. Masses [GK]: foot 0.6 kg, calf 2 kg, thigh 5 kg.
LimbPtr foot_calf_thigh() {
  return std::make_shared<const Limb>(make_limb_params(default_calf_params(), {"foot", "calf", "thigh"},
                                                       {15.0, 40.0, 40.0}, -1.0, {600.0, 2000.0, 5000.0}));
}
const mp::LimbGeometry kGeometry({15.0, 40.0, 40.0});
constexpr int kFoot = 0, kCalf = 1, kThigh = 2;

/// Rest 60 s, then a cuff at `p` mmHg on `segment` (0.5-s inflation, `hold_s`, sudden release), then
/// `after_s` of rest.
std::shared_ptr<mp::Schedule> cuff_schedule(double p, int segment, double hold_s, double after_s) {
  auto s = std::make_shared<mp::Schedule>(kGeometry);
  s->rest(60.0)
      .compression(
          hold_s + 0.5,
          mp::OcclusionCuffParams{.pressure_mmHg = p, .segment = segment, .inflation_s = 0.5, .hold_s = hold_s})
      .rest(after_s);
  return s;
}

/// The outputs of a run, one row per second: segment outputs and the limb's fluid-balance residual.
struct Trace {
  std::vector<Eigen::MatrixXd> seg;  ///< per saved time: n_segments x Segment::n_outputs
  std::vector<double> residual_mL;   ///< limb_fluid_balance_residual_mL
  std::vector<Limb::State> x;        ///< states per saved time
  double out(int t_s, int segment, std::string_view name) const {
    return seg[static_cast<std::size_t>(t_s)](segment, Segment::output_index(name));
  }
  /// Mean of an output over the saved seconds [a, b].
  double mean(int a, int b, int segment, std::string_view name) const {
    double s = 0.0;
    for (int t = a; t <= b; ++t) s += out(t, segment, name);
    return s / (b - a + 1);
  }
};

Trace run(const LimbPtr& limb, const std::shared_ptr<mp::Schedule>& s) {
  const Limb::State x0 = limb_rest_state(limb, nullptr);
  const double T = s->duration_s();
  auto prob = make_limb_problem(limb, s, x0, 0.0, T);
  const Rodas4 rodas{.linear_solver = LinearSolverKind::banded,
                     .lower_bandwidth = limb->lower_bandwidth(),
                     .upper_bandwidth = limb->upper_bandwidth()};
  const int n = static_cast<int>(std::floor(T)) + 1;
  const auto sol = solve(prob, rodas, StepControl{.rtol = 1e-7, .atol = 1e-10, .dt_max_s = 1.0},
                         SaveAt{.ts_s = linspace(0.0, n - 1.0, n)});
  EXPECT_TRUE(sol.ok());
  Trace r;
  const ScheduleLimbInputs src{s};
  for (int k = 0; k < n; ++k) {
    LimbInputs in;
    src(sol.t_s[static_cast<std::size_t>(k)], in, limb->n_segments());
    const Limb::State x = sol.x.col(k);
    Limb::Flows fl;
    r.seg.push_back(limb->outputs(x, in, &x0, &fl));
    r.residual_mL.push_back(limb->limb_outputs(x, fl, &x0)[4]);
    r.x.push_back(x);
  }
  return r;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

TEST(CuffOcclusion, ThighCuffAboveSystolicStopsCalfInflowThenReactiveHyperaemia) {
  // 220 mmHg: kappa 0.8 x 220 = 176 mmHg on the femoral artery, above systolic (93 + 2/3 40 = 120 mmHg).
  const auto limb = foot_calf_thigh();
  const Trace r = run(limb, cuff_schedule(220.0, -1, 300.0, 240.0));
  const char* q = "arterial_inflow_mL_per_min";
  for (int seg : {kFoot, kCalf}) {
    const double rest = r.out(59, seg, q);
    ASSERT_GT(rest, 0.0);
    // Occluded: after the distal arteries have emptied (first minute), inflow is near zero.
    EXPECT_LT(std::abs(r.mean(120, 360, seg, q)), 0.02 * rest) << limb->segment_name(seg);
    // Reactive hyperaemia after 5 min of occlusion: R2 leg peak RHBF 1579 +/- 130 mL/min supine against a
    // resting femoral flow of ~370 mL/min (B1, Shoemaker 1997), ~4x; R1 (arm): 5 min -> +711 mL/min.
    double peak = 0.0;
    for (int t = 362; t <= 480; ++t) peak = std::max(peak, r.out(t, seg, q));
    EXPECT_GT(peak, 2.0 * rest) << limb->segment_name(seg);
  }
  // The thigh under the cuff is occluded by its own tissue pressure (mean inflow, not the conduit).
  EXPECT_LT(std::abs(r.mean(120, 360, kThigh, q)), 0.02 * r.out(59, kThigh, q));
  // Fluid is conserved whatever the cuff does (the limb's own audit).
  EXPECT_LT(max_abs(r.residual_mL), 1e-3);
}

TEST(CuffOcclusion, ThighCuffAt50mmHgIsVenousOcclusionPlethysmography) {
  // Venous occlusion plethysmography: a cuff at 40-60 mmHg (below diastolic) stops venous outflow but
  // not arterial inflow, so calf volume rises at first at the rate of arterial inflow and calf venous
  // pressure rises toward the pressure under the cuff.
  const auto limb = foot_calf_thigh();
  const Trace r = run(limb, cuff_schedule(50.0, -1, 180.0, 60.0));
  const double rest_in = r.out(59, kCalf, "arterial_inflow_mL_per_min");
  const double rest_pv = r.out(59, kCalf, "venous_pressure_mmHg");
  // Arterial inflow mostly intact while the veins fill (first 10 s).
  EXPECT_GT(r.mean(61, 70, kCalf, "arterial_inflow_mL_per_min"), 0.8 * rest_in);
  // Initial slope of calf volume (s 62-66, after the 0.5-s inflation) ~ resting arterial inflow.
  const double slope_mL_per_min =
      (r.out(66, kCalf, "segment_fluid_volume_mL") - r.out(62, kCalf, "segment_fluid_volume_mL")) / 4.0 * 60.0;
  EXPECT_GT(slope_mL_per_min, 0.7 * rest_in);
  EXPECT_LT(slope_mL_per_min, 1.1 * rest_in);
  // Calf veins fill: pressure rises well above rest, toward the pressure the cuff puts on the thigh veins.
  const double pv_end = r.out(240, kCalf, "venous_pressure_mmHg");
  EXPECT_GT(pv_end, rest_pv + 20.0);
  EXPECT_LT(pv_end, 50.0 + 10.0);
  EXPECT_GT(r.out(240, kCalf, "blood_volume_mL") - r.out(59, kCalf, "blood_volume_mL"), 0.01 * 2000.0)
      << "calf blood volume rises by > 1 mL/100 g";
  EXPECT_LT(max_abs(r.residual_mL), 1e-3);
}

TEST(CuffOcclusion, CuffOnTheMostDistalSegmentLeavesProximalInflowAlone) {
  const auto limb = foot_calf_thigh();
  // At the same state, a foot cuff changes no proximal segment's arterial inflow, bit for bit.
  const Limb::State x0 = limb_rest_state(limb, nullptr);
  LimbInputs rest = limb->rest_inputs(), cuffed = rest;
  cuffed.segment[kFoot].applied_pressure_mmHg = cuffed.segment[kFoot].circumferential_pressure_mmHg = 220.0;
  const int q = Segment::output_index("arterial_inflow_mL_per_min");
  const auto a = limb->outputs(x0, rest), b = limb->outputs(x0, cuffed);
  EXPECT_EQ(a(kCalf, q), b(kCalf, q));
  EXPECT_EQ(a(kThigh, q), b(kThigh, q));
  EXPECT_LT(b(kFoot, q), a(kFoot, q));
  // Over a 3-min occlusion: the foot is occluded, calf and thigh inflow stay within 3 % of rest.
  const Trace r = run(limb, cuff_schedule(220.0, kFoot, 180.0, 30.0));
  EXPECT_LT(std::abs(r.mean(120, 240, kFoot, "arterial_inflow_mL_per_min")),
            0.02 * r.out(59, kFoot, "arterial_inflow_mL_per_min"));
  for (int seg : {kCalf, kThigh})
    for (int t = 60; t <= 240; t += 10)
      EXPECT_NEAR(r.out(t, seg, "arterial_inflow_mL_per_min"), r.out(59, seg, "arterial_inflow_mL_per_min"),
                  0.03 * r.out(59, seg, "arterial_inflow_mL_per_min"))
          << limb->segment_name(seg) << " t " << t;
}

TEST(CuffOcclusion, PartialCuffBetweenDiastolicAndSystolicThrottlesMonotonically) {
  // Distal inflow after 1 min under the cuff falls as the pressure on the conduit artery (kappa P)
  // rises from below diastolic (80 mmHg) to above systolic (120 mmHg).
  const auto limb = foot_calf_thigh();
  double prev = 1e9;
  for (double p : {80.0, 120.0, 135.0, 145.0, 160.0}) {
    const Trace r = run(limb, cuff_schedule(p, -1, 60.0, 1.0));
    const double q = r.mean(100, 120, kCalf, "arterial_inflow_mL_per_min");
    EXPECT_LT(q, prev) << p << " mmHg";
    prev = q;
  }
  EXPECT_LT(prev, 0.02 * 40.0);
}

TEST(CuffOcclusion, HandsDoNotSqueezeTheConduitArteries) {
  // The same 220 mmHg on the whole thigh by hand (a massage phase) compresses the thigh's own tissue and
  // veins but not the femoral artery: calf inflow continues, unlike under a cuff.
  const auto limb = foot_calf_thigh();
  auto s = std::make_shared<mp::Schedule>(kGeometry);
  s->rest(60.0)
      .massage(
          120.0,
          mp::StaticCompressionParams{
              .pressure_mmHg = 220.0, .rise_s = 0.5, .hold_s = 119.0, .release_s = 0.5, .from_cm = 55.0, .to_cm = 95.0})
      .rest(10.0);
  const Trace hand = run(limb, s);
  const Trace cuff = run(limb, cuff_schedule(220.0, -1, 119.5, 10.0));
  const double rest = hand.out(59, kCalf, "arterial_inflow_mL_per_min");
  EXPECT_GT(hand.mean(120, 170, kCalf, "arterial_inflow_mL_per_min"), 0.3 * rest);
  EXPECT_LT(std::abs(cuff.mean(120, 170, kCalf, "arterial_inflow_mL_per_min")), 0.02 * rest);
}

TEST(CuffOcclusion, SqueezedVeinsAndLymphangionsStopDrainingWhereTheirWallsTouch) {
  // 100 mmHg by hand on the calf for 2 min, then release. The calf veins and lymphangions empty to where
  // opposite walls touch (V/Vu = *_contact_volume_ratio, Flaherty 1972) and no further, so on release they sit
  // no deeper than the tube law there. With the outlets shut only at V = 0 (the former law) the default
  // scenario's strokes left veins at -26 and lymphangions at -36 mmHg.
  auto s = std::make_shared<mp::Schedule>(kGeometry);
  s->rest(60.0)
      .massage(
          120.0,
          mp::StaticCompressionParams{
              .pressure_mmHg = 100.0, .rise_s = 0.5, .hold_s = 119.0, .release_s = 0.5, .from_cm = 15.0, .to_cm = 55.0})
      .rest(60.0);
  struct Emptied {
    double vein_v, vein_p, collector_v, collector_p;  // lowest V/Vu (whole run), lowest pressure after release
  };
  auto emptied = [&](double contact) {
    LimbParams p = make_limb_params(default_calf_params(), {"foot", "calf", "thigh"}, {15.0, 40.0, 40.0}, -1.0,
                                    {600.0, 2000.0, 5000.0});
    for (auto& sp : p.segments) sp.venous_contact_volume_ratio = sp.collector_contact_volume_ratio = contact;
    const auto limb = std::make_shared<const Limb>(p);
    const Trace r = run(limb, s);
    const auto& c = p.segments[kCalf];
    const double Vu = c.venous_unstressed_volume_mL_per_100g * 2000.0 / 100.0;
    const double Vlc0 = c.collector_unstressed_volume_mL_per_100g * 2000.0 / 100.0;
    const int base = Limb::offset(kCalf);
    const int iv = base + Segment::offset<HemodynamicsModule> + HemodynamicsLayout::venous_volume;
    const int ic = base + Segment::offset<InterstitiumLymphModule> + InterstitiumLymphLayout::collector_volume;
    Emptied e{1e9, 1e9, 1e9, 1e9};
    for (int t = 0; t <= 240; ++t) {
      e.vein_v = std::min(e.vein_v, r.x[static_cast<std::size_t>(t)](iv) / Vu);
      e.collector_v = std::min(e.collector_v, r.x[static_cast<std::size_t>(t)](ic) / Vlc0);
      if (t > 180) {
        e.vein_p = std::min(e.vein_p, r.out(t, kCalf, "venous_pressure_mmHg"));
        e.collector_p = std::min(e.collector_p, r.out(t, kCalf, "collector_pressure_mmHg"));
      }
    }
    EXPECT_LT(max_abs(r.residual_mL), 1e-3);
    return e;
  };
  const double vc = HemodynamicsParams{}.venous_contact_volume_ratio;
  ASSERT_EQ(vc, InterstitiumLymphParams{}.collector_contact_volume_ratio);
  const Emptied e = emptied(vc);
  EXPECT_GT(e.vein_v, vc - 0.01);
  EXPECT_LT(e.vein_v, vc + 0.1) << "2 min of 100 mmHg empties the calf veins to about where their walls touch";
  EXPECT_GT(e.vein_p, -10.0);  // the envelope's bound
  EXPECT_GT(e.collector_v, vc - 0.01);
  EXPECT_LT(e.collector_v, vc + 0.1);
  // The lymphangion keeps the stiff three-argument law: at contact it sits 2 Vu/(3C) (1 - vc^-1.5) = -21.6 mmHg
  // below its surroundings, whose pressure (resting tissue pressure, >= 2 mmHg) it adds to.
  const InterstitiumLymphParams lp;
  const double Vlc0 = lp.collector_unstressed_volume_mL_per_100g * 20.0;
  EXPECT_GT(e.collector_p, smooth::tube_law_mmHg(vc * Vlc0, Vlc0, lp.collector_compliance_mL_per_mmHg_per_100g * 20.0));
  // Walls that touch later (the range's low end, 0.2) let the same squeeze empty both further.
  const Emptied low = emptied(0.2);
  EXPECT_LT(low.vein_v, e.vein_v - 0.05);
  EXPECT_LT(low.vein_p, e.vein_p);
  EXPECT_LT(low.collector_v, e.collector_v - 0.05);
  EXPECT_LT(low.collector_p, e.collector_p);
}
