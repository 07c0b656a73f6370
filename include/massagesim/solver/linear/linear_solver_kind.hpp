#pragma once
/// \file linear_solver_kind.hpp
/// \brief Which linear solver an implicit stepper uses for W = I/(γh) − J.

namespace massagesim {

/// Linear solver for the Newton/Rosenbrock matrix.
enum class LinearSolverKind {
  dense,     ///< Eigen PartialPivLU (fixed-size when the state size is known at compile time)
  banded,    ///< massagesim's band LU with partial pivoting (LAPACK gbtrf-style); cost O(n·kl·(kl+ku))
  sparse,    ///< Eigen SparseLU on the band pattern, pattern analysed once
  bordered,  ///< band block + dense border of the last m states: band LU + Schur complement (BorderedLU)
  /// sparse LU on the Jacobian's pattern (PatternLU): ordering and fill computed once, static pivots
  /// with a dense partial-pivoting fallback, no allocation after setup; J stored bordered when a
  /// border is given (for its colouring), else dense
  pattern_lu,
};

inline const char* to_string(LinearSolverKind k) {
  switch (k) {
    case LinearSolverKind::dense:
      return "dense";
    case LinearSolverKind::banded:
      return "banded";
    case LinearSolverKind::sparse:
      return "sparse";
    case LinearSolverKind::bordered:
      return "bordered";
    case LinearSolverKind::pattern_lu:
      return "pattern_lu";
  }
  return "unknown";
}

}  // namespace massagesim
