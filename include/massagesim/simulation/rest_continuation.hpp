#pragma once
/// \file rest_continuation.hpp
/// \brief The resting state by continuation along the parameter path: from a limb whose rest state the
///        usual search finds (the same geometry with the preset's parameters, supine) to the requested
///        limb, each step's rest state the guess of the next. The fallback of the resting-state search
///        for a legal parameter set the generic guess does not reach (issue 17: legal input always runs).
///
/// The path blends every parameter of the two limbs (geometric for two positive values, since
/// conductances and masses span decades; linear otherwise) and every segment's height above the heart
/// (linear). A step that fails is retried shorter; a rest state that stops existing along the path (a
/// fold) ends the continuation with the fraction reached.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/simulation/limb_problem.hpp"

namespace massagesim::models {

// The searches declared here are defined in src/rest_searches.cpp (massagesim::runtime): compiled once,
// not in every file that includes this header.

namespace detail {

inline double blend(double a, double b, double s) {
  if (a == b || s <= 0.0) return a;
  if (s >= 1.0) return b;  // the path ends exactly on the requested set (a·(b/a)^1 may round)
  if (a > 0.0 && b > 0.0) return a * std::pow(b / a, s);
  return a + s * (b - a);
}

}  // namespace detail

/// Limb parameters a fraction `s` in [0, 1] of the way from `a` to `b`, which share their geometry
/// (segment names and count; other fields are taken from `b`). Each value lies between its two ends, so
/// a path between two legal sets stays inside the documented ranges.
inline LimbParams interpolate_limb_params(const LimbParams& a, const LimbParams& b, double s) {
  MASSAGESIM_CHECK(a.segments.size() == b.segments.size(),
                   "interpolate_limb_params: the two limbs must have the same segments, got ", a.segments.size(),
                   " and ", b.segments.size());
  LimbParams from = a, out = b;
  for (std::size_t i = 0; i < out.segments.size(); ++i) {
    const ParameterRegistry ra(from.segments[i]), ro(out.segments[i]);
    const auto la = ra.list(), lo = ro.list();
    for (std::size_t k = 0; k < lo.size(); ++k) *lo[k].value = detail::blend(*la[k].value, *lo[k].value, s);
  }
  std::vector<double*> va, vo;
  for_each_limb_parameter(from, [&](std::string_view, const ParameterInfo&, double& v) { va.push_back(&v); });
  for_each_limb_parameter(out, [&](std::string_view, const ParameterInfo&, double& v) { vo.push_back(&v); });
  for (std::size_t k = 0; k < vo.size(); ++k) *vo[k] = detail::blend(*va[k], *vo[k], s);
  return out;
}

/// What a continuation did.
struct RestContinuationStats {
  int steps = 0;           ///< accepted steps along the path
  int rejected = 0;        ///< steps retried shorter
  double reached = 0.0;    ///< fraction of the path reached (1 = the target)
  Limb::State last_state;  ///< the resting state at `reached` (empty if the start had none)
};

/// The resting state of the limb `target` under `in_target`, by continuation from `start` under
/// `in_start` (same geometry; its rest state must be found by `limb_rest_state`).
/// \throws NewtonFailure when the start has no rest state found or a step shrinks below 1/4096 of the
///         path (the message gives the fraction reached); Cancelled as soon as `cancel` is set.
Limb::State limb_rest_state_by_continuation(const LimbParams& start, const LimbInputs& in_start,
                                            const LimbParams& target, const LimbInputs& in_target,
                                            const std::atomic<bool>* cancel = nullptr,
                                            RestContinuationStats* stats = nullptr);

}  // namespace massagesim::models
