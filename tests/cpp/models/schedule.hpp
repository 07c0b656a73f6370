#pragma once
/// \file schedule.hpp
/// \brief Test helper: the validation library's piecewise-constant Schedule under its old test name.

#include "massagesim/validation/schedule.hpp"

namespace massagesim::test {
using massagesim::validation::Schedule;
}  // namespace massagesim::test
