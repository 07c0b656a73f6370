#pragma once
/// \file validation_check.hpp
/// \brief Test helper: checks a validation value against its registry record (validation/targets.hpp), so
///        the tests and the report (`massagesim_validate`) cannot drift apart: the registry reads the same
///        value, a target that must pass lies in its band, and an expected failure still shows its gap.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string_view>

#include "massagesim/validation/targets.hpp"

namespace massagesim::test {

inline void expect_registered(std::string_view id, double model) {
  namespace v = massagesim::validation;
  const v::Target t = v::find_target(id);
  const v::TargetResult r = v::evaluate(t);
  std::printf("VALIDATION | %s | %s | data %s %s | model %.4g | band [%.4g, %.4g] (%s) | %s\n", t.id.c_str(),
              t.citation.c_str(), t.data.c_str(), t.unit.c_str(), model, t.band_lo, t.band_hi,
              std::string(v::to_string(t.rule)).c_str(), std::string(v::to_string(r.status)).c_str());
  if (std::isnan(model)) {  // undefined (e.g. no pulse to judge): both must say so
    EXPECT_TRUE(std::isnan(r.model)) << id << ": the registry reads " << r.model << ", the test NaN";
  } else {
    EXPECT_DOUBLE_EQ(r.model, model) << id << ": the registry reads a different value than the test";
  }
  if (t.expected_failure_reason.empty()) {
    EXPECT_TRUE(v::in_band(t, model)) << id << " (" << t.citation << "): model " << model << " outside [" << t.band_lo
                                      << ", " << t.band_hi << "]";
  } else {
    EXPECT_FALSE(v::in_band(t, model)) << id << " now inside its band [" << t.band_lo << ", " << t.band_hi
                                       << "]: remove its expected_failure_reason (" << t.expected_failure_reason
                                       << ") and turn the gap assertion into the band test";
  }
}

}  // namespace massagesim::test
