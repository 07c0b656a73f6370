/// \file default_scenario.cpp
/// \brief The embedded default scenario: scenarios/default.json, embedded at configure time
///        (src/CMakeLists.txt generates massagesim_generated/embedded_scenarios.hpp).

#include "massagesim_generated/embedded_scenarios.hpp"

namespace massagesim::scenario::detail_default {
extern const char* const default_scenario_text;
// A std::string_view literal from a raw string ends in '\0', so .data() is a C string.
const char* const default_scenario_text = embedded::default_json.data();
}  // namespace massagesim::scenario::detail_default
