/// The one catalogue of parameter names (parameter_space.hpp) and of output names (output_catalogue.hpp):
/// every module's entries once, ids resolve where documented, and scenario files take what the
/// catalogues list (the drift the architecture issue found: blood lactate and segment-qualified outputs
/// refused in outputs.names, limb-level parameters not settable from a scenario).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/models/parameter_space.hpp"
#include "massagesim/models/segment_tissue.hpp"
#include "massagesim/scenario/scenario_io.hpp"

using namespace massagesim;
using namespace massagesim::models;

TEST(ParameterSpace, ListsEveryModulesParametersOnceWithUniqueIds) {
  const auto space = parameter_space();
  std::set<std::string> ids;
  for (const auto& r : space) EXPECT_TRUE(ids.insert(r.id).second) << "duplicate id " << r.id;
  SegmentParams p;
  ParameterRegistry reg(p);
  for (const auto& e : reg.list()) EXPECT_TRUE(ids.count(std::string(e.info.name))) << e.info.name;
  EXPECT_TRUE(ids.count("systemic.mean_arterial_pressure_mmHg"));
  EXPECT_TRUE(ids.count("lactate_pool.pool_volume_L"));
  EXPECT_TRUE(ids.count("lactate_pool.rest_flow_L_per_min_per_kg"));  // the pool's working-muscle flow law
  EXPECT_FALSE(ids.count("mean_arterial_pressure_mmHg"));             // one number for the body, not per segment
}

TEST(ParameterSpace, NamesResolveAsDocumented) {
  const std::vector<std::string> segs{"distal_calf", "proximal_calf"};
  EXPECT_EQ(resolve_parameter("tissue_mass_g", segs).target, ResolvedParameter::Target::all_segments);
  const auto map = resolve_parameter("mean_arterial_pressure_mmHg", segs);
  EXPECT_EQ(map.target, ResolvedParameter::Target::limb);
  EXPECT_EQ(map.id, "systemic.mean_arterial_pressure_mmHg");
  const auto one = resolve_parameter("proximal_calf.tissue_mass_g", segs);
  EXPECT_EQ(one.target, ResolvedParameter::Target::one_segment);
  EXPECT_EQ(one.segment, "proximal_calf");
  EXPECT_EQ(resolve_parameter("lactate_pool.clearance_km_mmol_per_L", segs).target, ResolvedParameter::Target::limb);
  EXPECT_THROW(resolve_parameter("thigh.tissue_mass_g", segs), UnknownName);
  EXPECT_THROW(resolve_parameter("systemic.tissue_mass_g", segs), UnknownName);
  try {
    resolve_parameter("mean_arterial_presure_mmHg", segs);
    FAIL() << "expected UnknownName";
  } catch (const UnknownName& e) {
    EXPECT_NE(std::string(e.what()).find("systemic.mean_arterial_pressure_mmHg"), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_parameter("systemic.mean_arterial_pressure_mmHg", 300.0), InvalidArgument);  // range 70-110
  EXPECT_NO_THROW(check_parameter("systemic.mean_arterial_pressure_mmHg", 300.0, true));
}

TEST(ParameterSpace, OverridesReachTheirLevel) {
  const auto lp = build_limb_params(SegmentParams{}, {"a", "b"}, {20.0, 20.0},
                                    {{"mean_arterial_pressure_mmHg", 100.0},
                                     {"lactate_pool.pool_volume_L", 15.0},
                                     {"b.resting_tissue_pressure_mmHg", 7.0},
                                     {"tissue_pressure_transmission", 0.75}});
  EXPECT_EQ(lp.mean_arterial_pressure_mmHg, 100.0);
  EXPECT_EQ(lp.pool.pool_volume_L, 15.0);
  EXPECT_EQ(lp.segments[0].resting_tissue_pressure_mmHg, SegmentParams{}.resting_tissue_pressure_mmHg);
  EXPECT_EQ(lp.segments[1].resting_tissue_pressure_mmHg, 7.0);
  EXPECT_EQ(lp.segments[0].tissue_pressure_transmission, 0.75);
  EXPECT_EQ(lp.segments[1].tissue_pressure_transmission, 0.75);
  EXPECT_THROW(build_limb_params(SegmentParams{}, {"systemic"}, {20.0}, {}), InvalidArgument);  // clashes with a module
}

TEST(OutputCatalogue, EveryQuantityOnceWithAUnit) {
  std::set<std::string> names;
  for (const auto& r : output_catalogue()) {
    EXPECT_TRUE(names.insert(std::string(r.name)).second) << "duplicate " << r.name;
    EXPECT_FALSE(r.unit.empty()) << r.name;
    EXPECT_FALSE(r.description.empty()) << r.name;
  }
  for (const auto& s : Segment::state_info) EXPECT_TRUE(names.count(std::string(s.name))) << s.name;
  for (const auto& o : Segment::output_info) EXPECT_TRUE(names.count(std::string(o.name))) << o.name;
  // Units come from the modules, not from name suffixes: the per-100 g flows are per 100 g.
  EXPECT_EQ(find_output("arterial_inflow_mL_per_min_per_100g")->unit, "mL/min/100 g");
  EXPECT_EQ(find_output("blood_lactate_mmol_per_L")->level, "limb");
}

TEST(OutputCatalogue, ScenarioFilesTakeEveryAvailableOutputAndParameter) {
  std::string text(scenario::default_scenario_json());
  const auto at = text.find("\"outputs\"");
  ASSERT_NE(at, std::string::npos);
  const auto names_at = text.find("\"names\"", at);
  const auto open = text.find('[', names_at), close = text.find(']', open);
  text.replace(
      open, close - open + 1,
      R"(["blood_lactate_mmol_per_L", "proximal_calf.venous_outflow_mL_per_min", "working_muscle.o2_debt_mL"])");
  const auto params_at = text.find("\"parameters\": []");
  ASSERT_NE(params_at, std::string::npos);
  text.replace(params_at, std::string("\"parameters\": []").size(),
               R"("parameters": [{"name": "systemic.mean_arterial_pressure_mmHg", "value": 95.0},
                                 {"name": "lactate_pool.pool_volume_L", "value": 14.0},
                                 {"name": "distal_calf.tissue_mass_g", "value": 1500.0}])");
  const auto sc = scenario::parse_scenario(text, "test");
  EXPECT_EQ(sc.outputs.names.size(), 3u);
  const auto lp = scenario::scenario_limb_params(sc);
  EXPECT_EQ(lp.mean_arterial_pressure_mmHg, 95.0);
  EXPECT_EQ(lp.pool.pool_volume_L, 14.0);
  EXPECT_EQ(lp.segments[0].tissue_mass_g, 1500.0);
  std::string bad = text;
  bad.replace(bad.find("proximal_calf.venous_outflow_mL_per_min"), 13, "no_such_segmt");
  EXPECT_THROW(scenario::parse_scenario(bad, "test"), UnknownName);
}

TEST(ParameterSpace, TheLumpedWorkingMuscleIsTheWholeBodysLessTheLimbsMuscle) {
  // 20 kg of whole-body working muscle (limb.hpp): two 2-kg segments leave 16 kg; a segment's muscle fraction
  // or mass set alone moves it; an explicit lactate_pool.muscle_mass_kg stays as given.
  const SegmentParams calf = default_calf_params();
  const auto plain = build_limb_params(calf, {"a", "b"}, {20.0, 20.0}, {});
  EXPECT_DOUBLE_EQ(plain.muscle.muscle_mass_kg, 16.0);
  const auto half = build_limb_params(calf, {"a", "b"}, {20.0, 20.0}, {{"b.muscle_fraction", 0.5}});
  EXPECT_DOUBLE_EQ(half.muscle.muscle_mass_kg, 17.0);
  const auto heavy = build_limb_params(calf, {"a", "b"}, {20.0, 20.0}, {{"a.tissue_mass_g", 3000.0}});
  EXPECT_DOUBLE_EQ(heavy.muscle.muscle_mass_kg, 15.0);
  const auto fixed = build_limb_params(calf, {"a", "b"}, {20.0, 20.0},
                                       {{"lactate_pool.muscle_mass_kg", 12.0}, {"b.muscle_fraction", 0.5}});
  EXPECT_DOUBLE_EQ(fixed.muscle.muscle_mass_kg, 12.0);
  // Masses given per segment (segment_tissue presets) replace the preset's mass per cm.
  const auto given = build_limb_params(calf, {"a", "b"}, {20.0, 20.0}, {}, {800.0, 4200.0});
  EXPECT_EQ(given.segments[0].tissue_mass_g, 800.0);
  EXPECT_EQ(given.segments[1].tissue_mass_g, 4200.0);
  EXPECT_DOUBLE_EQ(given.muscle.muscle_mass_kg, 15.0);
  EXPECT_THROW(build_limb_params(calf, {"a", "b"}, {20.0, 20.0}, {}, {800.0}), InvalidArgument);
}

TEST(SegmentTissue, PresetsGiveTheAnthropometricMassPerCm) {
  // Plagenhoef 1983 (males) mass fractions over Drillis & Contini 1966 length fractions, for 75 kg and
  // 175 cm: e.g. the thigh 0.105 x 75 kg / (0.245 x 175 cm) = 183.7 g/cm, the calf 82.8 g/cm.
  EXPECT_NEAR(segment_tissue_preset("thigh").mass_per_cm_g(), 183.67, 0.01);
  EXPECT_NEAR(segment_tissue_preset("calf").mass_per_cm_g(), 82.75, 0.01);
  EXPECT_NEAR(segment_tissue_preset("foot").mass_per_cm_g(), 40.32, 0.01);
  EXPECT_NEAR(segment_tissue_preset("forearm").mass_per_cm_g(), 54.89, 0.01);
  EXPECT_NEAR(segment_tissue_preset("upper_arm").mass_per_cm_g(), 74.88, 0.01);
  // Each preset's whole segment (length fraction x 175 cm) weighs its fraction of 75 kg.
  for (const auto& p : segment_tissue_presets)
    EXPECT_NEAR(p.mass_per_cm_g() * p.height_fraction * 175.0, p.body_mass_fraction * 75000.0, 1e-9) << p.name;
  try {
    (void)segment_tissue_preset("shank");
    ADD_FAILURE() << "expected UnknownName";
  } catch (const UnknownName& e) {
    EXPECT_NE(std::string(e.what()).find("unknown segment tissue 'shank'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("upper_arm"), std::string::npos) << e.what();  // every preset listed
  }
}
