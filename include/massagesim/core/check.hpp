#pragma once
/// \file check.hpp
/// \brief Always-on argument checks that throw `InvalidArgument` with "expected ..., got ...".

#include <sstream>
#include <string>

#include "massagesim/core/error.hpp"

namespace massagesim::detail {

template <class... Parts>
[[noreturn]] void throw_invalid(const Parts&... parts) {
  std::ostringstream os;
  os.precision(10);
  (os << ... << parts);
  throw InvalidArgument(os.str());
}

template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  os.precision(10);
  (os << ... << parts);
  return os.str();
}

}  // namespace massagesim::detail

/// Throws `massagesim::InvalidArgument` built from the streamed message parts when `cond` is false.
#define MASSAGESIM_CHECK(cond, ...)                                \
  do {                                                             \
    if (!(cond)) ::massagesim::detail::throw_invalid(__VA_ARGS__); \
  } while (false)
