#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "massagesim/protocols/posture.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/protocols/technique.hpp"
#include "massagesim/symbolic/codegen.hpp"
#include "massagesim/symbolic/expr.hpp"
#include "massagesim/symbolic/protocol.hpp"

namespace mp = massagesim::protocols;
namespace ms = massagesim::symbolic;

namespace {

/// The limb of scenarios/default.json: distal calf, proximal calf, distal thigh, proximal thigh.
mp::LimbGeometry leg() { return mp::LimbGeometry({20.0, 20.0, 25.0, 25.0}); }

/// Agreement of a recorded graph with the double code over many times.
struct Tally {
  long n_times = 0;            ///< times evaluated
  long n_values = 0;           ///< values compared (times x roots)
  long n_breakpoint_side = 0;  ///< values at an exact breakpoint matching the left limit only
  long n_fail = 0;
  double max_deviation = 0.0;  ///< max |symbolic - double| / max(1, |double|) over accepted right values
  std::string first_failure;

  Tally& operator+=(const Tally& o) {
    n_times += o.n_times;
    n_values += o.n_values;
    n_breakpoint_side += o.n_breakpoint_side;
    n_fail += o.n_fail;
    max_deviation = std::max(max_deviation, o.max_deviation);
    if (first_failure.empty()) first_failure = o.first_failure;
    return *this;
  }
};

constexpr double tol = 1e-9;  // relative, absolute below 1 (mmHg, cm, fractions)

double scaled_deviation(double sym, double ref) { return std::abs(sym - ref) / std::max(1.0, std::abs(ref)); }

/// Compares the graph's roots with `ref(t)` at t. Exactly at a breakpoint the left limit of the
/// double code (its value one ulp before) is accepted too, and counted: a plain rounded floor()
/// for the pulse index would land there on the previous pulse now and then. protocol.hpp corrects
/// the floor as PulseTrain::pulse_index does, so the tests require that count to be 0 (exact
/// right-continuity, which an integrator restarting at each breakpoint relies on).
void compare_at(const ms::Graph& g, const std::function<std::vector<double>(double)>& ref, double t, bool at_breakpoint,
                Tally& tally) {
  const std::vector<double> sym = g.evaluate({}, t);
  const std::vector<double> r = ref(t);
  ++tally.n_times;
  std::vector<double> left;
  for (std::size_t i = 0; i < r.size(); ++i) {
    ++tally.n_values;
    const double d = scaled_deviation(sym[i], r[i]);
    if (d <= tol) {
      tally.max_deviation = std::max(tally.max_deviation, d);
      continue;
    }
    if (at_breakpoint) {
      if (left.empty()) left = ref(std::nextafter(t, -std::numeric_limits<double>::infinity()));
      if (scaled_deviation(sym[i], left[i]) <= tol) {
        ++tally.n_breakpoint_side;
        continue;
      }
    }
    if (++tally.n_fail == 1) {
      std::ostringstream os;
      os.precision(17);
      os << "root " << i << " at t = " << t << (at_breakpoint ? " (breakpoint)" : "") << ": symbolic " << sym[i]
         << ", double " << r[i];
      tally.first_failure = os.str();
    }
  }
}

/// Random times in [t0, t1], every breakpoint and +- 1e-9 s around each.
Tally compare_over(const ms::Graph& g, const std::function<std::vector<double>(double)>& ref, double t0, double t1,
                   const std::vector<double>& breakpoints, int n_random, unsigned seed) {
  Tally tally;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(t0, t1);
  for (int i = 0; i < n_random; ++i) compare_at(g, ref, u(rng), false, tally);
  for (double tb : breakpoints) {
    compare_at(g, ref, tb, true, tally);
    compare_at(g, ref, tb - 1e-9, false, tally);
    compare_at(g, ref, tb + 1e-9, false, tally);
  }
  return tally;
}

/// Only SBML Level 3 core math, no free symbol but time, finite constants; printable.
void expect_sbml_core_only(const ms::Graph& g) {
  for (std::size_t i = 0; i < g.n_nodes(); ++i) {
    const ms::Node* n = g.node(static_cast<int>(i));
    switch (n->op) {
      case ms::Op::constant:
        EXPECT_TRUE(std::isfinite(n->value));
        break;
      case ms::Op::time:
      case ms::Op::add:
      case ms::Op::sub:
      case ms::Op::mul:
      case ms::Op::div:
      case ms::Op::neg:
      case ms::Op::cos:
      case ms::Op::sin:  // muscle-pump contractions
      case ms::Op::floor:
      case ms::Op::select:
        break;
      default:
        ADD_FAILURE() << "unexpected operation " << static_cast<int>(n->op) << " in a protocol expression";
    }
  }
  for (std::size_t i = 0; i < g.n_roots(); ++i) EXPECT_NO_THROW((void)g.root_formula(i, ms::Dialect::sbml));
  for (int k : g.intermediates()) EXPECT_NO_THROW((void)g.definition(k, ms::Dialect::sbml));
}

void report(const std::string& what, const Tally& t, std::size_t n_breakpoints) {
  std::printf("[ symbolic ] %-44s %6ld times, %7ld values, %5zu breakpoints, %3ld left-limit values, max dev %.2e\n",
              what.c_str(), t.n_times, t.n_values, n_breakpoints, t.n_breakpoint_side, t.max_deviation);
}

struct TechniqueCase {
  std::string label;
  mp::TechniqueParams params;
  double t1_s;  ///< end of the compared window (from 0)
};

constexpr double start_s = 7.3;  // not a round number: the technique's time origin

std::vector<TechniqueCase> technique_cases() {
  std::vector<TechniqueCase> cs;
  for (auto name : mp::technique_names) {
    double t1 = 70.0;
    if (name == mp::OcclusionCuff::name) t1 = 330.0;
    if (name == mp::Tapotement::name) t1 = 12.0;
    cs.push_back({std::string(name) + " (defaults)", mp::default_technique_params(name), t1});
  }
  cs.push_back({"static_compression finite hold, linear, site 45-90",
                mp::StaticCompressionParams{.pressure_mmHg = 80.0,
                                            .rise_s = 1.5,
                                            .hold_s = 5.0,
                                            .release_s = 3.0,
                                            .shape = mp::RampShape::linear,
                                            .from_cm = 45.0,
                                            .to_cm = 90.0},
                30.0});
  cs.push_back(
      {"static_compression sharp edges, site 10-50",
       mp::StaticCompressionParams{
           .pressure_mmHg = 70.0, .rise_s = 0.0, .hold_s = 4.7, .release_s = 0.0, .from_cm = 10.0, .to_cm = 50.0},
       30.0});
  cs.push_back({"effleurage away from heart, smoothstep",
                mp::EffleurageParams{.pressure_mmHg = 55.0,
                                     .speed_cm_per_s = 7.3,
                                     .direction = mp::StrokeDirection::away_from_heart,
                                     .contact_length_cm = 8.0,
                                     .ramp_s = 0.4,
                                     .pause_s = 1.1,
                                     .shape = mp::RampShape::smoothstep,
                                     .from_cm = 12.5,
                                     .to_cm = 77.5},
                80.0});
  cs.push_back({"effleurage sharp edges, calf only",
                mp::EffleurageParams{.pressure_mmHg = 40.0,
                                     .speed_cm_per_s = 3.0,
                                     .contact_length_cm = 12.0,
                                     .ramp_s = 0.0,
                                     .pause_s = 0.7,
                                     .shape = mp::RampShape::linear,
                                     .from_cm = 0.0,
                                     .to_cm = 40.0},
                80.0});
  cs.push_back(
      {"effleurage linear ramps, no pause",
       mp::EffleurageParams{.speed_cm_per_s = 6.0, .ramp_s = 1.0, .pause_s = 0.0, .shape = mp::RampShape::linear},
       80.0});
  cs.push_back(
      {"petrissage scenario calf, 10 + 50 mmHg",
       mp::PetrissageParams{.depth_mmHg = 50.0, .baseline_mmHg = 10.0, .rate_Hz = 0.5, .from_cm = 0.0, .to_cm = 40.0},
       40.0});
  cs.push_back({"petrissage 0.7 Hz, site 30-70",
                mp::PetrissageParams{.depth_mmHg = 80.0, .rate_Hz = 0.7, .from_cm = 30.0, .to_cm = 70.0}, 40.0});
  cs.push_back({"tapotement sharp edges, 7 Hz",
                mp::TapotementParams{.rate_Hz = 7.0, .pulse_width_s = 0.05, .edge_s = 0.0}, 12.0});
  cs.push_back({"tapotement linear edges, 6 Hz, site 30-60",
                mp::TapotementParams{.pressure_mmHg = 90.0,
                                     .rate_Hz = 6.0,
                                     .pulse_width_s = 0.1,
                                     .edge_s = 0.02,
                                     .shape = mp::RampShape::linear,
                                     .from_cm = 30.0,
                                     .to_cm = 60.0},
                12.0});
  cs.push_back({"deep_friction sharp, unmodulated, across an edge",
                mp::DeepFrictionParams{.pressure_mmHg = 300.0,
                                       .rate_Hz = 3.0,
                                       .modulation = 0.0,
                                       .rise_s = 0.0,
                                       .site_centre_cm = 40.0,
                                       .site_length_cm = 2.0},
                30.0});
  cs.push_back({"sequential_compression 2 chambers, peristaltic",
                mp::SequentialCompressionParams{.chamber_pressures_mmHg = {60.0, 40.0},
                                                .first_segment = 1,
                                                .inflation_s = 2.1,
                                                .delay_s = 0.7,
                                                .hold_s = 3.3,
                                                .deflation_s = 0.0,
                                                .cycle_period_s = 13.1,
                                                .deflate_together = false,
                                                .inflation_shape = mp::RampShape::smoothstep},
                80.0});
  cs.push_back({"sequential_compression 3 chambers, cosine",
                mp::SequentialCompressionParams{.chamber_pressures_mmHg = {50.0, 45.0, 40.0},
                                                .first_segment = 0,
                                                .inflation_s = 4.0,
                                                .delay_s = 0.0,
                                                .hold_s = 2.0,
                                                .deflation_s = 1.5,
                                                .cycle_period_s = 11.0,
                                                .inflation_shape = mp::RampShape::cosine},
                80.0});
  cs.push_back({"occlusion_cuff segment 1, sharp inflation, slow release",
                mp::OcclusionCuffParams{
                    .pressure_mmHg = 180.0, .segment = 1, .inflation_s = 0.0, .hold_s = 12.3, .deflation_s = 2.0},
                40.0});
  return cs;
}

/// Pressure and drive of segments -1 .. n (the unknown ones included) of a technique.
struct TechniqueGraph {
  std::vector<ms::Expr> roots;
  std::vector<int> segments;
};
TechniqueGraph record(const mp::Technique& w, const ms::Expr& t) {
  TechniqueGraph tg;
  for (int s = -1; s <= w.n_segments(); ++s) {
    tg.segments.push_back(s);
    tg.roots.push_back(ms::pressure_mmHg(w, t, s));
    tg.roots.push_back(ms::massage_drive(w, t, s));
  }
  return tg;
}

Tally compare_technique(const mp::Technique& w, double t1_s, unsigned seed, std::size_t* n_breakpoints = nullptr) {
  const ms::Expr t = ms::Expr::time(0.0);
  const TechniqueGraph tg = record(w, t);
  const ms::Graph g(tg.roots);
  expect_sbml_core_only(g);
  auto ref = [&](double ts) {
    std::vector<double> r;
    for (int s : tg.segments) {
      r.push_back(w.pressure_mmHg(ts, s));
      r.push_back(w.massage_drive(ts, s));
    }
    return r;
  };
  std::vector<double> bps;
  w.breakpoints(0.0, t1_s, bps);
  if (n_breakpoints) *n_breakpoints = bps.size();
  return compare_over(g, ref, 0.0, t1_s, bps, 3000, seed);
}

}  // namespace

TEST(SymbolicEnvelope, MatchesPulseTrainValue) {
  // Every ramp shape on rise and fall, sharp edges, no hold, infinite hold, one pulse, awkward times.
  std::vector<mp::PulseTrain> trains;
  const mp::RampShape shapes[] = {mp::RampShape::linear, mp::RampShape::cosine, mp::RampShape::smoothstep};
  for (auto rs : shapes)
    for (auto fs : shapes)
      trains.push_back({.start_s = 0.1,
                        .delay_s = 0.3,
                        .rise_s = 0.07,
                        .hold_s = 0.02,
                        .fall_s = 0.05,
                        .period_s = 0.3,
                        .rise_shape = rs,
                        .fall_shape = fs});
  trains.push_back({.start_s = 0.1, .delay_s = 0.3, .rise_s = 0.0, .hold_s = 0.05, .fall_s = 0.0, .period_s = 0.1});
  trains.push_back({.start_s = 2.0, .rise_s = 0.5, .hold_s = 0.0, .fall_s = 0.5, .period_s = 1.0});  // smooth joints
  trains.push_back({.start_s = 1.0,
                    .rise_s = 0.4,
                    .hold_s = 0.0,
                    .fall_s = 0.4,
                    .period_s = 1.7,
                    .rise_shape = mp::RampShape::linear,
                    .fall_shape = mp::RampShape::linear});
  trains.push_back({.start_s = 1.5, .rise_s = 2.0, .hold_s = std::numeric_limits<double>::infinity()});
  trains.push_back({.start_s = 1.5, .rise_s = 0.0, .hold_s = std::numeric_limits<double>::infinity()});
  trains.push_back({.start_s = 0.7, .delay_s = 0.2, .rise_s = 1.0, .hold_s = 2.0, .fall_s = 0.0});  // one pulse
  trains.push_back({.start_s = 0.0,
                    .rise_s = 0.0,
                    .hold_s = 1.0 / 3.0,
                    .fall_s = 0.1,
                    .period_s = 2.0 / 3.0,
                    .fall_shape = mp::RampShape::smoothstep});
  Tally all;
  std::size_t n_bp = 0;
  unsigned seed = 1;
  for (const auto& tr : trains) {
    const ms::Expr t = ms::Expr::time(0.0);
    const ms::Graph g({ms::envelope(tr, t)});
    expect_sbml_core_only(g);
    std::vector<double> bps;
    tr.breakpoints(0.0, 12.0, bps);
    n_bp += bps.size();
    const Tally tally = compare_over(
        g, [&](double ts) { return std::vector<double>{tr.value(ts)}; }, -1.0, 12.0, bps, 2000, seed++);
    EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
    all += tally;
  }
  report("envelopes (" + std::to_string(trains.size()) + " trains)", all, n_bp);
  EXPECT_EQ(all.n_breakpoint_side, 0);  // see compare_at and the next test
}

TEST(SymbolicEnvelope, RightContinuousAtEveryBreakpointWhereThePlainFloorMisses) {
  // Sharp edges with periods that are not binary fractions: at some pulse begins the rounded
  // floor((t - origin) / period) names the previous pulse. The expression must still give the
  // value just after the breakpoint, bit for bit, like PulseTrain::value.
  const std::vector<mp::PulseTrain> trains{
      {.start_s = 0.1, .delay_s = 0.3, .rise_s = 0.0, .hold_s = 0.05, .fall_s = 0.0, .period_s = 0.1},
      {.start_s = 7.3, .rise_s = 0.0, .hold_s = 0.05, .fall_s = 0.0, .period_s = 1.0 / 7.0},
      {.start_s = 0.0, .rise_s = 0.0, .hold_s = 1.0 / 3.0, .fall_s = 0.0, .period_s = 2.0 / 3.0}};
  long n_floor_misses = 0, n_checked = 0;
  for (const auto& tr : trains) {
    const ms::Expr t = ms::Expr::time(0.0);
    const ms::Graph g({ms::envelope(tr, t)});
    std::vector<double> bps;
    tr.breakpoints(0.0, 100.0, bps);
    const double origin = tr.start_s + tr.delay_s;
    for (double tb : bps) {
      ++n_checked;
      if (static_cast<long>(std::floor((tb - origin) / tr.period_s)) != tr.pulse_index(tb)) ++n_floor_misses;
      ASSERT_EQ(g.evaluate({}, tb)[0], tr.value(tb)) << "at " << tb;
    }
  }
  std::printf("[ symbolic ] %ld sharp breakpoints exact, %ld of them where the plain floor names the previous pulse\n",
              n_checked, n_floor_misses);
  EXPECT_GT(n_floor_misses, 0);  // the case this test is about does occur
}

TEST(SymbolicEnvelope, ConstantTimeFolds) {
  const mp::PulseTrain tr{.start_s = 1.0, .rise_s = 0.5, .hold_s = 1.0, .fall_s = 0.5, .period_s = 3.0};
  for (double ts : {0.0, 1.2, 2.0, 2.7, 4.1, 100.3}) {
    const ms::Expr e = ms::envelope(tr, ms::Expr(ts));
    ASSERT_TRUE(e.is_constant());
    EXPECT_NEAR(e.value(), tr.value(ts), 1e-15) << ts;
  }
}

TEST(SymbolicProtocol, ComparisonCatchesAWrongRampShape) {
  // The comparison must be able to fail: the linear twin of a cosine train disagrees.
  const mp::PulseTrain cosine{.start_s = 0.5, .rise_s = 1.0, .hold_s = 0.5, .fall_s = 1.0, .period_s = 4.0};
  mp::PulseTrain linear = cosine;
  linear.rise_shape = linear.fall_shape = mp::RampShape::linear;
  const ms::Expr t = ms::Expr::time(0.0);
  const ms::Graph g({ms::envelope(linear, t)});
  std::vector<double> bps;
  cosine.breakpoints(0.0, 20.0, bps);
  const Tally tally = compare_over(
      g, [&](double ts) { return std::vector<double>{cosine.value(ts)}; }, 0.0, 20.0, bps, 500, 7);
  EXPECT_GT(tally.n_fail, 100);
  // And a technique whose pressure follows it: petrissage at 0.5 Hz vs the same cycle 1 % faster.
  const mp::Technique slow(mp::PetrissageParams{.rate_Hz = 0.5}, leg(), 0.0);
  const mp::Technique fast(mp::PetrissageParams{.rate_Hz = 0.505}, leg(), 0.0);
  const ms::Graph gf({ms::pressure_mmHg(fast, t, 2)});
  const Tally tp = compare_over(
      gf, [&](double ts) { return std::vector<double>{slow.pressure_mmHg(ts, 2)}; }, 0.0, 30.0, {}, 500, 8);
  EXPECT_GT(tp.n_fail, 100);
}

TEST(SymbolicProtocol, EveryTechniqueMatchesTheDoubleCode) {
  Tally all;
  unsigned seed = 100;
  for (const auto& c : technique_cases()) {
    SCOPED_TRACE(c.label);
    const mp::Technique w(c.params, leg(), start_s);
    std::size_t n_bp = 0;
    const Tally tally = compare_technique(w, c.t1_s, seed++, &n_bp);
    EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
    EXPECT_EQ(tally.n_breakpoint_side, 0);
    report(c.label, tally, n_bp);
    all += tally;
  }
  report("all techniques", all, 0);
  EXPECT_GT(all.n_times, 50000);
}

TEST(SymbolicProtocol, UntouchedSegmentsAreTheConstantZero) {
  const ms::Expr t = ms::Expr::time(3.0);
  const auto limb = leg();  // edges 0, 20, 40, 65, 90
  auto expect_zero = [&](const mp::Technique& w, int s, bool drive_too) {
    EXPECT_TRUE(ms::pressure_mmHg(w, t, s).is_constant(0.0)) << w.name() << " segment " << s;
    if (drive_too) {
      EXPECT_TRUE(ms::massage_drive(w, t, s).is_constant(0.0)) << w.name() << " segment " << s;
    }
  };
  for (int s : {-1, 4}) {
    for (auto name : mp::technique_names) expect_zero(mp::Technique(mp::default_technique_params(name), limb), s, true);
  }
  expect_zero(mp::Technique(mp::StaticCompressionParams{.from_cm = 45.0, .to_cm = 90.0}, limb), 0, true);
  expect_zero(mp::Technique(mp::StaticCompressionParams{.from_cm = 45.0, .to_cm = 90.0}, limb), 1, true);
  expect_zero(mp::Technique(mp::EffleurageParams{.from_cm = 40.0, .to_cm = 90.0}, limb), 1, true);
  expect_zero(mp::Technique(mp::PetrissageParams{.from_cm = 0.0, .to_cm = 40.0}, limb), 2, true);
  expect_zero(mp::Technique(mp::TapotementParams{.from_cm = 0.0, .to_cm = 20.0}, limb), 3, true);
  expect_zero(mp::Technique(mp::DeepFrictionParams{}, limb), 0, true);  // site 44-46 cm: segment 2 only
  expect_zero(
      mp::Technique(mp::SequentialCompressionParams{.chamber_pressures_mmHg = {50.0, 40.0}, .first_segment = 1}, limb),
      3, true);
  expect_zero(mp::Technique(mp::OcclusionCuffParams{.segment = 2}, limb), 0, true);
  // A covered segment is not constant.
  EXPECT_FALSE(ms::pressure_mmHg(mp::Technique(mp::DeepFrictionParams{}, limb), t, 2).is_constant());
  EXPECT_FALSE(
      ms::pressure_mmHg(mp::Technique(mp::EffleurageParams{.from_cm = 40.0, .to_cm = 90.0}, limb), t, 2).is_constant());
}

namespace {

mp::EffleurageParams scenario_effleurage() {
  return mp::EffleurageParams{.pressure_mmHg = 60.0,
                              .speed_cm_per_s = 5.0,
                              .direction = mp::StrokeDirection::toward_heart,
                              .contact_length_cm = 10.0,
                              .ramp_s = 0.5,
                              .pause_s = 2.0};
}

Tally compare_schedule(const mp::Schedule& sched, unsigned seed, int n_random, std::size_t* n_breakpoints) {
  const ms::Expr t = ms::Expr::time(0.0);
  std::vector<ms::Expr> roots;
  const int n = sched.n_segments();
  for (int s = -1; s <= n; ++s) {
    const ms::SymbolicSegmentInputs in = ms::inputs(sched, t, s);
    roots.insert(roots.end(), {in.applied_pressure_mmHg, in.exercise_intensity, in.height_above_heart_cm,
                               in.massage_drive, in.contraction_pressure_mmHg});
  }
  const ms::Graph g(roots);
  expect_sbml_core_only(g);
  auto ref = [&](double ts) {
    std::vector<double> r;
    for (int s = -1; s <= n; ++s) {
      const mp::SegmentInputs in = sched.inputs(ts, s);
      r.insert(r.end(), {in.applied_pressure_mmHg, in.exercise_intensity, in.height_above_heart_cm, in.massage_drive,
                         in.contraction_pressure_mmHg});
    }
    return r;
  };
  const std::vector<double> bps = sched.breakpoints();
  *n_breakpoints = bps.size();
  return compare_over(g, ref, -60.0, sched.duration_s() + 60.0, bps, n_random, seed);
}

}  // namespace

TEST(SymbolicSchedule, DefaultScenarioMatchesScheduleInputs) {
  // scenarios/default.json: rest, exercise, effleurage, petrissage of the calf, effleurage, recovery.
  mp::Schedule sched(leg(), mp::Posture::supine);
  sched.rest(300.0)
      .exercise(180.0, 0.95)
      .massage(300.0, scenario_effleurage())
      .massage(300.0,
               mp::PetrissageParams{
                   .depth_mmHg = 50.0, .baseline_mmHg = 10.0, .rate_Hz = 0.5, .from_cm = 0.0, .to_cm = 40.0})
      .massage(300.0, scenario_effleurage())
      .passive_recovery(1500.0);
  std::size_t n_bp = 0;
  const Tally tally = compare_schedule(sched, 42, 20000, &n_bp);
  EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
  EXPECT_EQ(tally.n_breakpoint_side, 0);
  report("schedule default.json", tally, n_bp);
  // Supine all along: the heights fold to constants.
  const ms::Expr t = ms::Expr::time(0.0);
  for (int s = 0; s < 4; ++s) EXPECT_TRUE(ms::inputs(sched, t, s).height_above_heart_cm.is_constant()) << s;
}

TEST(SymbolicSchedule, PostureChangesDevicesAndGapsMatchScheduleInputs) {
  mp::Schedule sched(leg(), mp::Posture::seated);
  sched
      .posture_change(0.0, mp::Posture::standing)  // instant, at t = 0: never in force itself
      .exercise(60.0, 0.4)
      .rest(100.0)
      .posture_change(30.0, mp::Posture::supine)
      .compression(120.0, mp::SequentialCompressionParams{})
      .at(400.0)  // a gap: rest
      .compression(40.0, mp::OcclusionCuffParams{.inflation_s = 0.5, .hold_s = 20.0, .deflation_s = 0.0})
      .posture_change(0.0, mp::Posture::limb_raised)
      .massage(30.0, mp::TapotementParams{.rate_Hz = 7.0, .edge_s = 0.0})
      .massage(60.0, mp::DeepFrictionParams{})
      .massage(50.0, mp::StaticCompressionParams{.hold_s = 20.0, .from_cm = 20.0, .to_cm = 65.0})
      .active_recovery(100.0)
      .posture_change(10.0, mp::Posture::seated);
  std::size_t n_bp = 0;
  const Tally tally = compare_schedule(sched, 43, 20000, &n_bp);
  EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
  EXPECT_EQ(tally.n_breakpoint_side, 0);
  report("schedule postures, devices, gap", tally, n_bp);
  // Before 0 the initial (seated) heights, from 0 on standing and exercising, after the end the
  // last (seated) heights.
  const ms::Expr t = ms::Expr::time(0.0);
  const ms::SymbolicSegmentInputs in = ms::inputs(sched, t, 0);
  const ms::Graph g({in.height_above_heart_cm, in.exercise_intensity});
  EXPECT_NE(g.evaluate({}, -1.0)[0], g.evaluate({}, 0.0)[0]);
  EXPECT_EQ(g.evaluate({}, -1.0)[0], sched.inputs(-1.0, 0).height_above_heart_cm);
  EXPECT_EQ(g.evaluate({}, 0.0)[0], sched.inputs(0.0, 0).height_above_heart_cm);
  EXPECT_EQ(g.evaluate({}, 0.0)[1], 0.4);
  EXPECT_EQ(g.evaluate({}, 1e6)[0], sched.inputs(1e6, 0).height_above_heart_cm);
}

TEST(SymbolicSchedule, ContractionsMatchScheduleInputs) {
  // The muscle pump: calf contractions while walking, every segment's in active recovery, at cadences whose
  // periods are not binary fractions (rounded pulse begins).
  mp::MuscleGroup calf;
  calf.segments = {0, 1};
  calf.contractions = mp::Contractions{.cadence_per_min = 50.0, .duty_cycle = 0.4, .pressure_mmHg = 87.0};
  mp::MuscleGroup all;
  all.contractions = mp::Contractions{.cadence_per_min = 77.0, .duty_cycle = 0.65, .pressure_mmHg = 40.0};
  mp::Schedule sched(leg(), mp::Posture::standing);
  sched.rest(30.0).exercise(300.0, 0.25, calf).massage(20.0, "tapotement").active_recovery(120.0, 0.3, all).rest(30.0);
  std::size_t n_bp = 0;
  const Tally tally = compare_schedule(sched, 44, 20000, &n_bp);
  EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
  EXPECT_EQ(tally.n_breakpoint_side, 0);
  EXPECT_GT(n_bp, 2u * 250u);
  report("schedule with contractions", tally, n_bp);
  const ms::Expr t = ms::Expr::time(0.0);
  EXPECT_FALSE(ms::inputs(sched, t, 0).contraction_pressure_mmHg.is_constant());
  // Thigh segments contract only in active recovery; without contractions the input folds to 0.
  EXPECT_FALSE(ms::inputs(sched, t, 3).contraction_pressure_mmHg.is_constant());
  mp::Schedule steady(leg());
  steady.exercise(60.0, 0.5);
  for (int s = 0; s < 4; ++s) EXPECT_TRUE(ms::inputs(steady, t, s).contraction_pressure_mmHg.is_constant(0.0));
}

TEST(SymbolicSchedule, EmptyScheduleRestsInTheInitialPosture) {
  const mp::Schedule sched(leg(), mp::Posture::standing);
  const ms::Expr t = ms::Expr::time(0.0);
  for (int s = 0; s < 4; ++s) {
    const ms::SymbolicSegmentInputs in = ms::inputs(sched, t, s);
    ASSERT_TRUE(in.height_above_heart_cm.is_constant());
    EXPECT_EQ(in.height_above_heart_cm.value(), sched.inputs(5.0, s).height_above_heart_cm);
    EXPECT_TRUE(in.applied_pressure_mmHg.is_constant(0.0));
    EXPECT_TRUE(in.exercise_intensity.is_constant(0.0));
    EXPECT_TRUE(in.massage_drive.is_constant(0.0));
  }
}

TEST(SymbolicSchedule, TwoLimbsMatchScheduleInputs) {
  // Two legs: contractions alternating between them (limb_offset_cycles 0.5), massage and a device on one leg
  // only, exercise of both: the recorded inputs of all 8 segments equal Schedule::inputs.
  mp::MuscleGroup both;
  both.contractions = mp::Contractions{.cadence_per_min = 70.0, .duty_cycle = 0.4, .pressure_mmHg = 87.0};
  mp::MuscleGroup right_calf;
  right_calf.segments = {4, 5};
  mp::Schedule sched(leg(), mp::Posture::supine, mp::PostureTable{}, 2);
  sched.rest(30.0)
      .exercise(120.0, 0.8, both)
      .massage(120.0, scenario_effleurage())
      .on_limbs({0})
      .compression(60.0, mp::SequentialCompressionParams{})
      .on_limbs({1})
      .exercise(60.0, 0.5, right_calf)
      .rest(30.0);
  std::size_t n_bp = 0;
  const Tally tally = compare_schedule(sched, 45, 20000, &n_bp);
  EXPECT_EQ(tally.n_fail, 0) << tally.first_failure;
  EXPECT_EQ(tally.n_breakpoint_side, 0);
  report("schedule of two limbs", tally, n_bp);
  const ms::Expr t = ms::Expr::time(0.0);
  EXPECT_FALSE(ms::inputs(sched, t, 0).applied_pressure_mmHg.is_constant());
  EXPECT_FALSE(ms::inputs(sched, t, 4).applied_pressure_mmHg.is_constant());  // the device on the right leg
  EXPECT_FALSE(ms::inputs(sched, t, 5).contraction_pressure_mmHg.is_constant());
}
