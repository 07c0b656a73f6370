#pragma once
/// \file stats.hpp
/// \brief Work counters of one solve, counted inside the steppers and the driver.

#include <cstdint>

namespace massagesim {

/// Counters of the work a solve did. Benchmarks divide solve time by `n_rhs` to compare with the
/// floor (right-hand-side evaluations times the cost of one).
struct Stats {
  std::int64_t n_steps = 0;          ///< accepted steps
  std::int64_t n_rejected = 0;       ///< rejected step attempts (error too large, non-finite, out of domain)
  std::int64_t n_rhs = 0;            ///< right-hand-side evaluations (f(x, t))
  std::int64_t n_jac = 0;            ///< Jacobian evaluations (AD, user or finite differences)
  std::int64_t n_lu = 0;             ///< LU decompositions
  std::int64_t n_linear_solves = 0;  ///< forward/back substitutions
  std::int64_t n_breakpoints = 0;    ///< discontinuities landed on (each restarts the stepper)
  /// Rodas4 with a sparsity pattern: Jacobians evaluated in full to check the pattern (the guard);
  /// they are part of `n_jac`.
  std::int64_t n_pattern_checks = 0;
  /// Rodas4 with a sparsity pattern: checks that found a nonzero outside the pattern (then widened).
  std::int64_t n_pattern_widenings = 0;
  /// `LinearSolverKind::pattern_lu`: factorisations whose static pivots were rejected and that used the
  /// dense LU with partial pivoting instead (part of `n_lu`).
  std::int64_t n_lu_pivot_fallbacks = 0;
};

}  // namespace massagesim
