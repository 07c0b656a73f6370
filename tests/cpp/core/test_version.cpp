#include <gtest/gtest.h>

#include "massagesim/version.hpp"

TEST(Version, HeaderMatchesCMakeProjectVersion) { EXPECT_STREQ(MASSAGESIM_VERSION_STRING, MASSAGESIM_CMAKE_VERSION); }
