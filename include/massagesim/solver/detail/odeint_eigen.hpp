#pragma once
/// \file odeint_eigen.hpp
/// \brief The odeint pieces we use with Eigen states, and the resizer choice for fixed vs dynamic size.

#include <type_traits>

#include <Eigen/Core>
#include <boost/numeric/odeint/algebra/default_operations.hpp>
#include <boost/numeric/odeint/algebra/vector_space_algebra.hpp>
#include <boost/numeric/odeint/external/eigen/eigen_algebra.hpp>
#include <boost/numeric/odeint/external/eigen/eigen_resize.hpp>
#include <boost/numeric/odeint/util/resizer.hpp>

namespace massagesim::detail {

/// Fixed-size states never resize (no work per step); dynamic ones resize once, at the first step.
template <class State>
using odeint_resizer_for =
    std::conditional_t<State::SizeAtCompileTime == Eigen::Dynamic, boost::numeric::odeint::initially_resizer,
                       boost::numeric::odeint::never_resizer>;

}  // namespace massagesim::detail
