#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace fs = std::filesystem;
namespace ms = massagesim::scenario;
namespace mp = massagesim::protocols;

namespace {

const fs::path source_dir = fs::path(MASSAGESIM_SOURCE_DIR);

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- field-by-field equality (NaN == NaN: NaN means "default" in technique params) -------------
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }
template <class T>
bool same(const T& a,
          const T& b) requires(std::is_enum_v<T> || std::is_integral_v<T> || std::is_same_v<T, std::string>) {
  return a == b;
}
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) { return same(x, y); });
}
template <class... T, std::size_t... I>
bool same_tuple(const std::tuple<T...>& a, const std::tuple<T...>& b, std::index_sequence<I...>) {
  return (same(std::get<I>(a), std::get<I>(b)) && ...);
}
template <class... T>
bool same(const std::tuple<T...>& a, const std::tuple<T...>& b) {
  return same_tuple(a, b, std::index_sequence_for<T...>{});
}
auto fields(const mp::StaticCompressionParams& p) {
  return std::tuple(p.pressure_mmHg, p.rise_s, p.hold_s, p.release_s, p.shape, p.from_cm, p.to_cm);
}
auto fields(const mp::EffleurageParams& p) {
  return std::tuple(p.pressure_mmHg, p.speed_cm_per_s, p.direction, p.contact_length_cm, p.ramp_s, p.pause_s, p.shape,
                    p.from_cm, p.to_cm);
}
auto fields(const mp::PetrissageParams& p) {
  return std::tuple(p.depth_mmHg, p.baseline_mmHg, p.rate_Hz, p.from_cm, p.to_cm);
}
auto fields(const mp::TapotementParams& p) {
  return std::tuple(p.pressure_mmHg, p.rate_Hz, p.pulse_width_s, p.edge_s, p.shape, p.from_cm, p.to_cm);
}
auto fields(const mp::DeepFrictionParams& p) {
  return std::tuple(p.pressure_mmHg, p.rate_Hz, p.modulation, p.rise_s, p.site_centre_cm, p.site_length_cm);
}
auto fields(const mp::SequentialCompressionParams& p) {
  return std::tuple(p.chamber_pressures_mmHg, p.first_segment, p.inflation_s, p.delay_s, p.hold_s, p.deflation_s,
                    p.cycle_period_s, p.deflate_together, p.inflation_shape);
}
auto fields(const mp::OcclusionCuffParams& p) {
  return std::tuple(p.pressure_mmHg, p.segment, p.inflation_s, p.hold_s, p.deflation_s);
}
bool same(const mp::TechniqueParams& a, const mp::TechniqueParams& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& pa) {
        using P = std::decay_t<decltype(pa)>;
        return same(fields(pa), fields(std::get<P>(b)));
      },
      a);
}
bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

void expect_same(const ms::Scenario& a, const ms::Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.subject.preset, b.subject.preset);
  EXPECT_EQ(a.subject.initial_posture, b.subject.initial_posture);
  EXPECT_EQ(a.subject.initial_posture_by_side, b.subject.initial_posture_by_side);
  EXPECT_EQ(a.limb.sides, b.limb.sides);
  EXPECT_EQ(a.limb.segment_names, b.limb.segment_names);
  EXPECT_EQ(a.limb.segment_lengths_cm, b.limb.segment_lengths_cm);
  EXPECT_EQ(a.limb.segment_tissue, b.limb.segment_tissue);
  EXPECT_EQ(a.limb.segment_mass_g, b.limb.segment_mass_g);
  ASSERT_EQ(a.parameters.size(), b.parameters.size());
  for (std::size_t i = 0; i < a.parameters.size(); ++i) {
    EXPECT_EQ(a.parameters[i].name, b.parameters[i].name);
    EXPECT_EQ(a.parameters[i].value, b.parameters[i].value);
    EXPECT_EQ(a.parameters[i].allow_out_of_range, b.parameters[i].allow_out_of_range);
  }
  ASSERT_EQ(a.protocol.size(), b.protocol.size());
  for (std::size_t i = 0; i < a.protocol.size(); ++i) {
    SCOPED_TRACE("protocol[" + std::to_string(i) + "]");
    const auto &pa = a.protocol[i], &pb = b.protocol[i];
    EXPECT_EQ(pa.kind, pb.kind);
    EXPECT_EQ(pa.duration_s, pb.duration_s);
    EXPECT_TRUE(same(pa.start_s, pb.start_s));
    EXPECT_TRUE(same(pa.intensity_fraction_VO2max, pb.intensity_fraction_VO2max));
    EXPECT_TRUE(same(pa.intensity_fraction_lactate_threshold, pb.intensity_fraction_lactate_threshold));
    EXPECT_TRUE(same(pa.intensity_W, pb.intensity_W));
    EXPECT_EQ(pa.sides, pb.sides);
    if (pa.kind == mp::PhaseKind::posture_change) {
      EXPECT_EQ(pa.posture, pb.posture);
    }
    ASSERT_EQ(pa.technique.has_value(), pb.technique.has_value());
    if (pa.technique) {
      EXPECT_TRUE(same(*pa.technique, *pb.technique)) << mp::technique_name(*pa.technique);
    }
  }
  ASSERT_EQ(a.arms.size(), b.arms.size());
  for (std::size_t i = 0; i < a.arms.size(); ++i) {
    EXPECT_EQ(a.arms[i].name, b.arms[i].name);
    EXPECT_EQ(a.arms[i].description, b.arms[i].description);
    EXPECT_EQ(a.arms[i].replace_kinds, b.arms[i].replace_kinds);
    EXPECT_EQ(a.arms[i].replace_with, b.arms[i].replace_with);
    EXPECT_TRUE(same(a.arms[i].intensity_fraction_VO2max, b.arms[i].intensity_fraction_VO2max));
  }
  EXPECT_EQ(a.outputs.names, b.outputs.names);
  EXPECT_EQ(a.outputs.save_every_s, b.outputs.save_every_s);
  EXPECT_EQ(a.solver.stepper, b.solver.stepper);
  EXPECT_EQ(a.solver.rtol, b.solver.rtol);
  EXPECT_EQ(a.solver.atol, b.solver.atol);
  EXPECT_EQ(a.solver.dt_max_s, b.solver.dt_max_s);
}

std::vector<fs::path> example_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(source_dir / "scenarios"))
    if (e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// A scenario built in code that uses every technique, absolute starts, posture changes, overrides
/// and an active-recovery arm (none of it comes from a file).
ms::Scenario everything_scenario() {
  ms::Scenario sc;
  sc.name = "everything";
  sc.description = "all techniques, \"quoted\" text and a unicode µ";
  sc.subject = {"default_forearm", mp::Posture::seated};
  sc.limb = {{"hand", "forearm", "upper_arm"}, {15.0, 25.0, 30.0}};
  sc.parameters = {{"tissue_mass_g", 1200.0, false}, {"tissue_mass_g", 150.0, true}};
  using K = mp::PhaseKind;
  auto phase = [](K k, double d) {
    ms::PhaseSpec p;
    p.kind = k;
    p.duration_s = d;
    return p;
  };
  sc.protocol.push_back(phase(K::rest, 30.0));
  auto ex = phase(K::exercise, 60.0);
  ex.intensity_fraction_VO2max = 1.5;
  sc.protocol.push_back(ex);
  auto ar = phase(K::active_recovery, 40.0);
  ar.start_s = 100.0;  // a 10 s gap of rest before it
  sc.protocol.push_back(ar);
  auto pc = phase(K::posture_change, 0.0);
  pc.posture = mp::Posture::limb_raised;
  sc.protocol.push_back(pc);
  mp::StaticCompressionParams stat;
  stat.hold_s = 20.0;
  stat.shape = mp::RampShape::smoothstep;
  stat.to_cm = 40.0;
  mp::EffleurageParams eff;
  eff.direction = mp::StrokeDirection::away_from_heart;
  eff.pressure_mmHg = 0.1 + 0.2;  // not exactly representable: the writer must keep every bit
  mp::PetrissageParams pet;
  pet.from_cm = 15.0;
  pet.to_cm = 40.0;
  mp::TapotementParams tap;
  tap.rate_Hz = 6.0;
  mp::DeepFrictionParams fric;
  fric.site_centre_cm = 20.0;
  mp::SequentialCompressionParams seq;
  seq.chamber_pressures_mmHg = {50.0, 45.0, 40.0};
  seq.deflate_together = false;
  seq.cycle_period_s = 30.0;
  mp::OcclusionCuffParams cuff;
  cuff.segment = 2;
  cuff.hold_s = 60.0;
  for (const mp::TechniqueParams& t : {mp::TechniqueParams{stat}, mp::TechniqueParams{eff}, mp::TechniqueParams{pet},
                                       mp::TechniqueParams{tap}, mp::TechniqueParams{fric}}) {
    auto m = phase(K::massage, 60.0);
    m.technique = t;
    sc.protocol.push_back(m);
  }
  for (const mp::TechniqueParams& t : {mp::TechniqueParams{seq}, mp::TechniqueParams{cuff}}) {
    auto c = phase(K::compression, 90.0);
    c.technique = t;
    sc.protocol.push_back(c);
  }
  sc.protocol.push_back(phase(K::passive_recovery, 120.0));
  ms::Arm all;
  all.name = "as_written";
  ms::Arm active;
  active.name = "active";
  active.replace_kinds = {K::massage, K::compression};
  active.replace_with = K::active_recovery;
  active.intensity_fraction_VO2max = 0.25;
  sc.arms = {all, active};
  sc.outputs = {{"venous_outflow_mL_per_min", "massage_drive"}, 0.25};
  sc.solver = {"dopri5", 1e-7, 1e-10, 0.5};
  return sc;
}

}  // namespace

// ---- the default scenario --------------------------------------------------------------------

TEST(DefaultScenario, EmbeddedTextIsIdenticalToScenariosDefaultJson) {
  const std::string file = read_text(source_dir / "scenarios" / "default.json");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(ms::default_scenario_json()), file);
}

TEST(DefaultScenario, IsAPostExerciseLegRecoveryWithMassageAndPassiveArms) {
  const ms::Scenario sc = ms::default_scenario();
  ASSERT_TRUE(sc.schedule.has_value());
  const auto& p = sc.protocol;
  ASSERT_GE(p.size(), 4u);
  using K = mp::PhaseKind;
  // rest, then exercise at 90-100 % VO2max, then massage phases, then >= 20 min of recovery.
  EXPECT_EQ(p[0].kind, K::rest);
  EXPECT_EQ(p[1].kind, K::exercise);
  ASSERT_TRUE(p[1].intensity_fraction_VO2max);
  EXPECT_GE(*p[1].intensity_fraction_VO2max, 0.9);
  EXPECT_LE(*p[1].intensity_fraction_VO2max, 1.0);
  double massage_s = 0.0;
  std::vector<std::string> techniques;
  std::size_t i = 2;
  for (; i < p.size() && p[i].kind == K::massage; ++i) {
    massage_s += p[i].duration_s;
    techniques.emplace_back(mp::technique_name(*p[i].technique));
  }
  EXPECT_DOUBLE_EQ(massage_s, 900.0);
  EXPECT_NE(std::find(techniques.begin(), techniques.end(), "effleurage"), techniques.end());
  EXPECT_NE(std::find(techniques.begin(), techniques.end(), "petrissage"), techniques.end());
  double after_s = 0.0;
  for (; i < p.size(); ++i) {
    EXPECT_TRUE(p[i].kind == K::passive_recovery || p[i].kind == K::rest) << i;
    after_s += p[i].duration_s;
  }
  EXPECT_GE(after_s, 1200.0);

  ASSERT_EQ(sc.arms.size(), 2u);
  EXPECT_EQ(sc.arms[0].name, "massage");
  EXPECT_EQ(sc.arms[1].name, "passive");
  const auto with = ms::build_schedule(sc, sc.arms[0]);
  const auto without = ms::build_schedule(sc, sc.arms[1]);
  EXPECT_EQ(with.duration_s(), without.duration_s());
  // Applied pressure: manual massage 60-120 mmHg in tissue (Olszewski, physiology.md §3); the
  // default peaks stay within it, and the passive arm applies none.
  const double t0 = p[0].duration_s + p[1].duration_s, t1 = t0 + massage_s;
  double peak = 0.0, passive_peak = 0.0;
  for (double t = 0.0; t < with.duration_s(); t += 0.25)
    for (int s = 0; s < with.n_segments(); ++s) {
      const double pw = with.applied_pressure_mmHg(t, s);
      if (t < t0 || t >= t1) {
        EXPECT_EQ(pw, 0.0) << "t = " << t;
      }
      peak = std::max(peak, pw);
      passive_peak = std::max(passive_peak, without.applied_pressure_mmHg(t, s));
    }
  EXPECT_GE(peak, 30.0);
  EXPECT_LE(peak, 120.0);
  EXPECT_EQ(passive_peak, 0.0);
  for (int k = 0; k < without.n_phases(); ++k) EXPECT_NE(without.phase(k).kind, K::massage);
  // Breakpoints: every phase boundary plus the strokes' joints.
  const auto bp = with.breakpoints();
  EXPECT_GT(bp.size(), p.size() + 1);
  EXPECT_EQ(without.breakpoints().size(), p.size() + 1);  // phase boundaries only: no technique left
}

// ---- round trips ------------------------------------------------------------------------------

TEST(ScenarioRoundTrip, DefaultParseWriteParseGivesTheSameScenario) {
  const ms::Scenario a = ms::default_scenario();
  const std::string text = ms::to_json(a);
  const ms::Scenario b = ms::parse_scenario(text, "round trip");
  expect_same(a, b);
  EXPECT_EQ(ms::to_json(b), text);  // and writing is a fixed point
}

TEST(ScenarioRoundTrip, EveryExampleFileLoadsAndRoundTrips) {
  const auto files = example_files();
  ASSERT_GE(files.size(), 2u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const ms::Scenario a = ms::load_scenario(f);
    expect_same(a, ms::parse_scenario(ms::to_json(a), "round trip"));
  }
}

TEST(ScenarioRoundTrip, BuiltInCodeWithEveryTechniqueSurvivesWriteAndParse) {
  const ms::Scenario a = everything_scenario();
  const ms::Scenario b = ms::parse_scenario(ms::to_json(a), "everything");
  expect_same(a, b);
  ASSERT_TRUE(b.schedule.has_value());
  // start_s = 100 after phases ending at 90 s: a 10 s rest is inserted before the active recovery.
  EXPECT_EQ(b.schedule->phase(2).kind, mp::PhaseKind::rest);
  EXPECT_DOUBLE_EQ(b.schedule->phase(2).duration_s, 10.0);
  EXPECT_DOUBLE_EQ(b.schedule->phase(3).start_s, 100.0);
  // The active arm has no massage or compression left; its replacement runs at 25 % VO2max.
  const auto act = ms::build_schedule(b, b.arms[1]);
  for (int k = 0; k < act.n_phases(); ++k) {
    EXPECT_NE(act.phase(k).kind, mp::PhaseKind::massage);
    EXPECT_NE(act.phase(k).kind, mp::PhaseKind::compression);
  }
  EXPECT_DOUBLE_EQ(act.duration_s(), b.schedule->duration_s());
  EXPECT_DOUBLE_EQ(act.exercise_intensity(act.phase(act.n_phases() - 2).start_s), 0.25);
}

// ---- semantics ------------------------------------------------------------------------------

TEST(ScenarioParse, UniformLimbGetsEqualSegmentsAndDefaultNames) {
  const auto sc = ms::parse_scenario(R"({"name": "u", "limb": {"n_segments": 3, "length_cm": 60},
                                         "protocol": [{"kind": "rest", "duration_s": 10}]})");
  EXPECT_EQ(sc.limb.segment_lengths_cm, (std::vector<double>{20.0, 20.0, 20.0}));
  EXPECT_EQ(sc.limb.segment_names, (std::vector<std::string>{"segment_0", "segment_1", "segment_2"}));
  EXPECT_EQ(sc.subject.preset, "default_calf");
  EXPECT_TRUE(sc.arms.empty());
  EXPECT_DOUBLE_EQ(sc.schedule->duration_s(), 10.0);
}

TEST(ScenarioParse, SegmentTissuePresetsOrMassesSetTheSegmentsMasses) {
  const std::string head = R"({"name": "tissue", "protocol": [{"kind": "rest", "duration_s": 60}], "limb": {
      "segment_names": ["foot", "calf", "thigh"], "segment_lengths_cm": [20, 40, 40], )";
  const auto sc = ms::parse_scenario(head + R"("segment_tissue": ["foot", "calf", "thigh"]}})", "presets");
  const auto lp = ms::scenario_limb_params(sc);
  ASSERT_EQ(lp.segments.size(), 3u);
  EXPECT_DOUBLE_EQ(lp.segments[0].tissue_mass_g,
                   20.0 * massagesim::models::segment_tissue_preset("foot").mass_per_cm_g());
  EXPECT_DOUBLE_EQ(lp.segments[1].tissue_mass_g,
                   40.0 * massagesim::models::segment_tissue_preset("calf").mass_per_cm_g());
  EXPECT_DOUBLE_EQ(lp.segments[2].tissue_mass_g,
                   40.0 * massagesim::models::segment_tissue_preset("thigh").mass_per_cm_g());
  EXPECT_NEAR(lp.muscle.muscle_mass_kg, 20.0 - (806.4 + 3310.1 + 7346.9) / 1000.0, 1e-3);  // 8.54 kg
  expect_same(sc, ms::parse_scenario(ms::to_json(sc), "round trip"));
  // A per-segment override still wins over the preset's mass.
  const auto over = ms::parse_scenario(head + R"("segment_tissue": ["foot", "calf", "thigh"]},
      "parameters": [{"name": "calf.tissue_mass_g", "value": 3000}]})",
                                       "override");
  EXPECT_EQ(ms::scenario_limb_params(over).segments[1].tissue_mass_g, 3000.0);
  const auto given = ms::parse_scenario(head + R"("segment_mass_g": [700, 3000, 6000]}})", "masses");
  EXPECT_EQ(ms::scenario_limb_params(given).segments[2].tissue_mass_g, 6000.0);
  expect_same(given, ms::parse_scenario(ms::to_json(given), "round trip"));
  // Without either, the subject preset's 100 g/cm as before.
  const auto plain = ms::parse_scenario(head.substr(0, head.size() - 2) + "}}", "plain");
  EXPECT_EQ(ms::scenario_limb_params(plain).segments[1].tissue_mass_g, 4000.0);
}

TEST(ScenarioParse, TechniqueFieldsOverrideDefaultsAndOthersKeepThem) {
  const auto sc = ms::parse_scenario(R"({"name": "t", "limb": {"segment_lengths_cm": [40, 50]},
      "protocol": [{"kind": "massage", "duration_s": 60, "technique": "petrissage", "rate_Hz": 0.42}]})");
  const auto& p = std::get<mp::PetrissageParams>(*sc.protocol[0].technique);
  EXPECT_DOUBLE_EQ(p.rate_Hz, 0.42);
  EXPECT_DOUBLE_EQ(p.depth_mmHg, mp::PetrissageParams{}.depth_mmHg);
  EXPECT_TRUE(std::isnan(p.to_cm));
}

TEST(ScenarioParse, IntensityAsAMultipleOfTheLactateThresholdFollowsTheThresholdParameter) {
  // Two segments; a whole-body ride at 1.2 x the lactate threshold, then the calf alone at 0.9 x.
  const std::string head = R"({"name": "lt", "limb": {"segment_names": ["calf", "thigh"],
      "segment_lengths_cm": [40, 40]}, )";
  const std::string protocol = R"("protocol": [{"kind": "rest", "duration_s": 10},
      {"kind": "exercise", "duration_s": 10, "intensity_fraction_lactate_threshold": 1.2},
      {"kind": "exercise", "duration_s": 10, "intensity_fraction_lactate_threshold": 0.9,
       "muscle_group": "limb", "working_segments": ["calf"]}]})";
  auto intensities = [&](const std::string& parameters) {
    const auto sc = ms::parse_scenario(head + parameters + protocol, "lt");
    const auto lt = ms::scenario_lactate_thresholds(ms::scenario_limb_params(sc));
    return std::array<double, 4>{sc.schedule->exercise_intensity(15.0), sc.schedule->exercise_intensity(25.0),
                                 lt.whole_body_fraction_VO2max, lt.segment_fraction_VO2max.at(0)};
  };
  const auto base = intensities("");
  // The default thresholds come from the parameters (0.65 x VO2max, metabolites.hpp), not from the loader.
  EXPECT_DOUBLE_EQ(base[2], 0.65);
  EXPECT_DOUBLE_EQ(base[0], 1.2 * base[2]);
  EXPECT_DOUBLE_EQ(base[1], 0.9 * base[3]);
  // Overrides move the intensity: the pool's threshold for the whole-body ride, the segments' for the calf.
  const auto moved = intensities(R"("parameters": [{"name": "lactate_pool.production_threshold_intensity",
      "value": 0.7}, {"name": "production_threshold_intensity", "value": 0.6}], )");
  EXPECT_DOUBLE_EQ(moved[0], 1.2 * 0.7);
  EXPECT_DOUBLE_EQ(moved[1], 0.9 * 0.6);
  // Working segments with different thresholds: no single threshold to refer to, a clear error.
  try {
    (void)ms::parse_scenario(head + R"("parameters": [{"name": "calf.production_threshold_intensity",
        "value": 0.6}], "protocol": [{"kind": "exercise", "duration_s": 10,
        "intensity_fraction_lactate_threshold": 0.9, "muscle_group": "limb"}]})",
                             "lt");
    ADD_FAILURE() << "expected a refusal";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("thresholds differ"), std::string::npos) << e.what();
  }
  // A schedule built without thresholds refuses such a phase and says how to build it.
  const auto sc = ms::parse_scenario(head + protocol, "lt");
  try {
    (void)ms::build_schedule(sc);
    ADD_FAILURE() << "expected a refusal";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("scenario_lactate_thresholds"), std::string::npos) << e.what();
  }
}

TEST(ScenarioParse, IntensityInWattsIsTheAcsmCyclingCostOverTheSubjectsVO2max) {
  auto ride = [](const std::string& subject, const std::string& extra) {
    return ms::parse_scenario(R"({"name": "w", "limb": {"segment_lengths_cm": [40]}, )" + subject +
                                  R"("protocol": [{"kind": "rest", "duration_s": 10},
        {"kind": "exercise", "duration_s": 10, "intensity_W": 150)" +
                                  extra + "}]}",
                              "w");
  };
  // ACSM leg cycling: VO2 = 10.8 mL/min/W x P / body mass + 7 mL/min/kg; default 75 kg, VO2max 45 mL/min/kg.
  const auto base = ride("", "");
  EXPECT_NEAR(base.schedule->exercise_intensity(15.0), (10.8 * 150.0 / 75.0 + 7.0) / 45.0, 1e-12);
  const auto light = ride(R"("subject": {"body_mass_kg": 60, "VO2max_mL_per_min_per_kg": 50}, )", "");
  EXPECT_NEAR(light.schedule->exercise_intensity(15.0), (10.8 * 150.0 / 60.0 + 7.0) / 50.0, 1e-12);
  // Written back as given (watts and the subject), so a round trip converts the same way.
  const auto again = ms::parse_scenario(ms::to_json(light), "again");
  EXPECT_EQ(again.protocol[1].intensity_W, std::optional<double>(150.0));
  EXPECT_EQ(again.subject.body_mass_kg, std::optional<double>(60.0));
  EXPECT_DOUBLE_EQ(again.schedule->exercise_intensity(15.0), light.schedule->exercise_intensity(15.0));
  // Refusals: watts and another intensity, watts for the limb alone, a power past 3 x VO2max, bad subjects.
  auto refused = [&](const std::string& subject, const std::string& extra, const std::string& part) {
    try {
      (void)ride(subject, extra);
      ADD_FAILURE() << "expected a refusal mentioning '" << part << "'";
    } catch (const massagesim::InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  refused("", R"(, "intensity_fraction_VO2max": 0.5)", "not both");
  refused("", R"(, "muscle_group": "limb")", "whole-body effort");
  refused(R"("subject": {"body_mass_kg": 40, "VO2max_mL_per_min_per_kg": 15}, )", "", "expected at most 3");
  refused(R"("subject": {"body_mass_kg": 10}, )", "", "subject.body_mass_kg");
  refused(R"("subject": {"VO2max_mL_per_min_per_kg": 120}, )", "", "subject.VO2max_mL_per_min_per_kg");
}

TEST(ScenarioParse, OverridesGoThroughTheModelsParameterRegistryInOrder) {
  auto sc = ms::parse_scenario(R"({"name": "o", "limb": {"segment_lengths_cm": [40]},
      "parameters": [{"name": "tissue_mass_g", "value": 2500}, {"name": "tissue_mass_g", "value": 1800}],
      "protocol": [{"kind": "rest", "duration_s": 10}]})");
  auto params = ms::subject_params(sc);
  massagesim::models::ParameterRegistry reg(params);
  EXPECT_DOUBLE_EQ(reg.get("tissue_mass_g"), 1800.0);  // the last one wins
  // Out of range is an error unless the override allows it.
  sc.parameters = {{"tissue_mass_g", 100.0, false}};
  EXPECT_THROW((void)ms::subject_params(sc), massagesim::InvalidArgument);
  sc.parameters = {{"tissue_mass_g", 100.0, true}};
  params = ms::subject_params(sc);
  EXPECT_DOUBLE_EQ(massagesim::models::ParameterRegistry(params).get("tissue_mass_g"), 100.0);
  sc.parameters = {{"no_such_parameter", 1.0, false}};
  EXPECT_THROW((void)ms::subject_params(sc), massagesim::UnknownName);
}

TEST(ScenarioParse, KnownOutputNamesCoverStatesObservablesAndInputs) {
  const auto names = ms::known_output_names();
  for (const char* n : {"venous_outflow_mL_per_min", "applied_pressure_mmHg", "massage_drive"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const auto& s : massagesim::models::SegmentLayout::state_names())
    EXPECT_NE(std::find(names.begin(), names.end(), s), names.end()) << s;
}
