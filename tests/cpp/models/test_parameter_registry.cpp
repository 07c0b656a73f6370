// Parameter registry: list/get/set by name, range checks, unknown names with suggestions.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "massagesim/models/parameter_registry.hpp"

using namespace massagesim;
using namespace massagesim::models;

TEST(ParameterRegistry, ListsEveryParameterOnceWithMetadataMatchingTheDefaults) {
  SegmentParams p;
  ParameterRegistry reg(p);
  std::set<std::string> names;
  for (const auto& e : reg.list()) {
    EXPECT_TRUE(names.insert(std::string(e.info.name)).second) << "duplicate " << e.info.name;
    EXPECT_FALSE(e.info.unit.empty()) << e.info.name;
    EXPECT_FALSE(e.info.source.empty()) << e.info.name;
    EXPECT_LE(e.info.min, e.info.default_value) << e.info.name;
    EXPECT_GE(e.info.max, e.info.default_value) << e.info.name;
    EXPECT_DOUBLE_EQ(*e.value, e.info.default_value) << e.info.name << ": struct default and table disagree";
  }
  EXPECT_GT(names.size(), 50u);
}

TEST(ParameterRegistry, GetAndSetByName) {
  SegmentParams p;
  ParameterRegistry reg(p);
  reg.set("tissue_pressure_transmission", 0.75);
  EXPECT_DOUBLE_EQ(p.tissue_pressure_transmission, 0.75);
  EXPECT_DOUBLE_EQ(reg.get("tissue_pressure_transmission"), 0.75);
  reg.set("venous_compliance_mL_per_mmHg_per_100g", 0.2);
  EXPECT_DOUBLE_EQ(p.venous_compliance_mL_per_mmHg_per_100g, 0.2);
  reg.set("contraction_threshold_mmHg", 40.0, /*allow_out_of_range=*/true);
  EXPECT_DOUBLE_EQ(p.contraction_threshold_mmHg, 40.0);
}

TEST(ParameterRegistry, OutOfRangeThrowsWithTheRange) {
  SegmentParams p;
  ParameterRegistry reg(p);
  try {
    reg.set("tissue_pressure_transmission", 1.5);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("[0.7, 0.85]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("got 1.5"), std::string::npos) << msg;
  }
  EXPECT_DOUBLE_EQ(p.tissue_pressure_transmission, 0.8);
}

TEST(ParameterRegistry, UnknownNameSuggestsNearestNames) {
  SegmentParams p;
  ParameterRegistry reg(p);
  try {
    reg.get("venous_complience_mL_per_mmHg_per_100g");
    FAIL() << "expected UnknownName";
  } catch (const UnknownName& e) {
    EXPECT_NE(std::string(e.what()).find("'venous_compliance_mL_per_mmHg_per_100g"), std::string::npos) << e.what();
  }
  EXPECT_THROW(reg.set("no_such_parameter", 1.0), UnknownName);
}
