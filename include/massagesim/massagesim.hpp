#pragma once
/// \file massagesim.hpp
/// \brief Umbrella header for users. Library headers never include it.

#include "massagesim/version.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/parameter.hpp"
#include "massagesim/solver/problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"
#include "massagesim/solver/steady_state.hpp"
#include "massagesim/solver/ensemble.hpp"
