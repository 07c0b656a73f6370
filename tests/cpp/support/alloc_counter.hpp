#pragma once
/// \file alloc_counter.hpp
/// \brief Counts heap allocations of the whole process (test support).
///
/// Link `alloc_counter.cpp` into a dedicated test executable only: it replaces the global
/// `operator new` (every form) by a counting one and interposes `malloc`, `calloc` and `realloc`
/// (Eigen allocates dynamic matrices with `std::malloc`, not `operator new`).

#include <cstdint>

namespace massagesim::test {

/// Allocations so far: `operator new` calls plus `malloc`/`calloc`/`realloc` calls made outside it.
std::int64_t allocation_count() noexcept;

/// Allocations made while running `f()`.
template <class F>
std::int64_t count_allocations(F&& f) {
  const std::int64_t before = allocation_count();
  f();
  return allocation_count() - before;
}

}  // namespace massagesim::test
