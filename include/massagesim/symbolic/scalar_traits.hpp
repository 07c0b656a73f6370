#pragma once
/// \file scalar_traits.hpp
/// \brief `SymbolicScalar`: whether a model's scalar type records expressions (symbolic/expr.hpp).
///
/// Model helpers that branch on a value (overflow guards, piecewise laws) test this concept and
/// branch through `select()` instead, so that the recorded equations keep both sides. Needs no
/// include of expr.hpp: models compile without the symbolic layer.

namespace massagesim::symbolic {

/// A scalar type that records operations instead of computing them (it declares `symbolic_tag`).
template <class S>
concept SymbolicScalar = requires {
  typename S::symbolic_tag;
};

}  // namespace massagesim::symbolic
