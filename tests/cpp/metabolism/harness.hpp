#pragma once
/// \file harness.hpp
/// \brief Test helper: the prescribed-flow harness of the metabolism/tone modules, now in the library
///        (massagesim/validation/harness.hpp), under its old test namespace.

#include "massagesim/validation/harness.hpp"

namespace metab_test {
namespace ms = massagesim;
namespace mm = massagesim::models;
using namespace massagesim::validation::harness;
}  // namespace metab_test
