#pragma once
/// \file parameter.hpp
/// \brief Metadata every model parameter carries: name, unit, default, physiological range, source.

#include <string_view>

namespace massagesim {

/// Description of one model parameter.
struct ParameterInfo {
  std::string_view name;         ///< unit-suffixed identifier, e.g. "venous_compliance_mL_per_mmHg"
  std::string_view unit;         ///< unit, e.g. "mL/mmHg"
  double default_value;          ///< default (healthy adult, supine)
  double min;                    ///< lower end of the physiological range
  double max;                    ///< upper end of the physiological range
  std::string_view source;       ///< citation or "calibrated to <target>"
  std::string_view description;  ///< one line: what it is
};

}  // namespace massagesim
