#include <gtest/gtest.h>

#include <string>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"

namespace ms = massagesim;

TEST(Check, ThrowsInvalidArgumentWithExpectedAndGot) {
  try {
    const double rtol = -1.0;
    MASSAGESIM_CHECK(rtol > 0.0, "tolerance rtol: expected > 0, got ", rtol);
    FAIL() << "no exception";
  } catch (const ms::InvalidArgument& e) {
    EXPECT_EQ(std::string(e.what()), "tolerance rtol: expected > 0, got -1");
  }
}

TEST(Check, PassesSilentlyWhenTrue) { EXPECT_NO_THROW(MASSAGESIM_CHECK(1 + 1 == 2, "never")); }

TEST(Errors, SolverErrorsCarryTimeStepAndStateName) {
  const ms::StepSizeUnderflow e("msg", 12.5, 1e-14, "venous_volume_mL");
  EXPECT_DOUBLE_EQ(e.t_s(), 12.5);
  EXPECT_DOUBLE_EQ(e.dt_s(), 1e-14);
  EXPECT_EQ(e.state_name(), "venous_volume_mL");
  const std::runtime_error& base = e;  // SolverError derives std::runtime_error
  EXPECT_STREQ(base.what(), "msg");
  EXPECT_TRUE((std::is_base_of_v<std::invalid_argument, ms::InvalidArgument>));
  EXPECT_TRUE((std::is_base_of_v<ms::InvalidArgument, ms::UnknownName>));
}
