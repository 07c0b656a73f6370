/// Issue 17: the loader itself refuses values that are valid numbers but not sane runs (tolerances,
/// technique rates, names that become file names or labels), so a C++ caller of parse_scenario /
/// load_scenario gets the same refusal as the Python and command-line routes.
#include <gtest/gtest.h>

#include <string>

#include "massagesim/core/error.hpp"
#include "massagesim/scenario/limits.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace msc = massagesim::scenario;

namespace {

/// The default scenario's JSON with the first occurrence of `from` replaced by `to`.
std::string default_with(const std::string& from, const std::string& to) {
  std::string text(msc::default_scenario_json());
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string parse_error(const std::string& text) {
  try {
    (void)msc::parse_scenario(text, "limits.json");
  } catch (const massagesim::InvalidArgument& e) {
    return e.what();
  }
  return "(accepted)";
}

void expect_refused(const std::string& from, const std::string& to, const std::string& needle) {
  const std::string m = parse_error(default_with(from, to));
  EXPECT_NE(m.find("limits.json: "), std::string::npos) << m;
  EXPECT_NE(m.find(needle), std::string::npos) << "message '" << m << "' should contain '" << needle << "'";
}

}  // namespace

TEST(ScenarioLimits, TolerancesOutsideTheSaneRangeAreRefused) {
  expect_refused("\"rtol\": 1e-6", "\"rtol\": 0.5", "solver.rtol: expected a tolerance in [1e-12, 0.1], got 0.5");
  expect_refused("\"rtol\": 1e-6", "\"rtol\": 1e-16", "solver.rtol: expected a tolerance in [1e-12, 0.1], got 1e-16");
  expect_refused("\"atol\": 1e-9", "\"atol\": 1000", "solver.atol: expected a tolerance in [1e-15, 0.01], got 1000");
  // The edges are allowed.
  EXPECT_EQ(parse_error(default_with("\"rtol\": 1e-6", "\"rtol\": 0.1")), "(accepted)");
  EXPECT_EQ(parse_error(default_with("\"rtol\": 1e-6", "\"rtol\": 1e-12")), "(accepted)");
}

TEST(ScenarioLimits, RatesTheSolverCannotResolveAreRefused) {
  expect_refused("\"rate_Hz\": 0.5", "\"rate_Hz\": 1000", "protocol[3].rate_Hz: expected at most 50 Hz");
  EXPECT_EQ(parse_error(default_with("\"rate_Hz\": 0.5", "\"rate_Hz\": 50")), "(accepted)");
}

TEST(ScenarioLimits, NamesMustBeSafeAsFileNamesAndPrintableLabels) {
  const std::string name = "\"name\": \"post_exercise_leg_recovery\"";
  for (const char* bad : {"../../escaped", "/tmp/absolute", "a\\\\b"})
    expect_refused(name, std::string("\"name\": \"") + bad + "\"", "name: ");
  expect_refused(name, "\"name\": \"..\"", "expected a name other than dots and spaces");
  expect_refused(name, "\"name\": \"tab\\there\"", "control character 0x09");
  expect_refused(name, "\"name\": \"" + std::string(300, 'x') + "\"", "name: expected at most 128 characters, got 300");
  expect_refused("\"name\": \"massage\"", "\"name\": \"" + std::string(10000, 'm') + "\"",
                 "arms[0].name: expected at most");
  expect_refused("\"distal_calf\"", "\"distal\\u0000calf\"", "limb.segment_names[0]: ");
}

TEST(ScenarioLimits, ScenariosBuiltInCodeAreCheckedByTheSameFunction) {
  msc::Scenario sc = msc::default_scenario();
  EXPECT_FALSE(msc::find_limit_problem(sc).has_value());
  sc.solver.rtol = 0.5;
  const auto p = msc::find_limit_problem(sc);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->path, "solver.rtol");
  EXPECT_THROW(msc::check_limits(sc), massagesim::InvalidArgument);
}
