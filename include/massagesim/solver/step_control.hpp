#pragma once
/// \file step_control.hpp
/// \brief Tolerances and step-size limits of an adaptive solve, validated at construction.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>

#include <Eigen/Core>

#include "massagesim/core/check.hpp"

namespace massagesim {

/// Adaptive step-size control (a PI controller on the weighted RMS error norm, Hairer & Wanner).
///
/// The local error of component i is weighted by `atol_i + rtol * max(|x_i|, |x_new_i|)`.
/// Call `validate()` (done by `solve()`) to get a clear `InvalidArgument` on bad values.
struct StepControl {
  double rtol = 1e-6;              ///< relative tolerance, in (0, 1)
  double atol = 1e-9;              ///< absolute tolerance (all states), > 0
  Eigen::VectorXd atol_per_state;  ///< optional per-state absolute tolerances (empty: use `atol`)
  double dt_initial_s = 0.0;       ///< first step [s]; 0 picks one automatically (Hairer's estimate)
  double dt_min_s = 0.0;           ///< smallest step allowed [s]; 0 means 1e3 ulp of |t|
  double dt_max_s = std::numeric_limits<double>::infinity();  ///< largest step allowed [s]
  std::int64_t max_steps = 1'000'000;                         ///< accepted + rejected steps before `TooManySteps`
  double safety = 0.9;                                        ///< controller safety factor, in (0, 1]
  double factor_min = 0.2;                                    ///< smallest step-size ratio between two steps, in (0, 1)
  double factor_max = 10.0;                                   ///< largest step-size ratio between two steps, > 1
  bool throw_on_failure = true;  ///< false: failures set `Solution::status` instead of throwing
  bool adaptive = true;          ///< false: fixed steps of `dt_initial_s`, every step accepted (order tests)
  /// Optional cancel flag, read (relaxed) before every step attempt: once another thread sets it,
  /// the solve stops with `Status::cancelled` (throws `Cancelled` when `throw_on_failure`). Not owned;
  /// must outlive the solve.
  const std::atomic<bool>* cancel = nullptr;

  /// Throws `InvalidArgument` naming the first bad field, what was given and what is allowed.
  void validate(Eigen::Index n_states = -1) const {
    MASSAGESIM_CHECK(std::isfinite(rtol) && rtol > 0.0 && rtol < 1.0, "tolerance rtol: expected > 0 and < 1, got ",
                     rtol);
    MASSAGESIM_CHECK(std::isfinite(atol) && atol > 0.0, "tolerance atol: expected > 0 and finite, got ", atol);
    if (atol_per_state.size() > 0) {
      MASSAGESIM_CHECK(n_states < 0 || atol_per_state.size() == n_states, "atol_per_state: expected ", n_states,
                       " entries (one per state), got ", atol_per_state.size());
      MASSAGESIM_CHECK(atol_per_state.allFinite() && (atol_per_state.array() > 0.0).all(),
                       "atol_per_state: expected every entry > 0 and finite, got min ", atol_per_state.minCoeff());
    }
    MASSAGESIM_CHECK(std::isfinite(dt_initial_s) && dt_initial_s >= 0.0,
                     "dt_initial_s: expected >= 0 (0 = automatic), got ", dt_initial_s);
    MASSAGESIM_CHECK(std::isfinite(dt_min_s) && dt_min_s >= 0.0, "dt_min_s: expected >= 0, got ", dt_min_s);
    MASSAGESIM_CHECK(!std::isnan(dt_max_s) && dt_max_s > 0.0, "dt_max_s: expected > 0, got ", dt_max_s);
    MASSAGESIM_CHECK(dt_min_s < dt_max_s, "dt_min_s (", dt_min_s, ") must be smaller than dt_max_s (", dt_max_s, ")");
    MASSAGESIM_CHECK(adaptive || dt_initial_s > 0.0,
                     "dt_initial_s: a fixed-step solve (adaptive = false) needs dt_initial_s > 0, got ", dt_initial_s);
    MASSAGESIM_CHECK(max_steps > 0, "max_steps: expected > 0, got ", max_steps);
    MASSAGESIM_CHECK(safety > 0.0 && safety <= 1.0, "safety: expected in (0, 1], got ", safety);
    MASSAGESIM_CHECK(factor_min > 0.0 && factor_min < 1.0, "factor_min: expected in (0, 1), got ", factor_min);
    MASSAGESIM_CHECK(factor_max > 1.0 && std::isfinite(factor_max), "factor_max: expected > 1, got ", factor_max);
  }
};

}  // namespace massagesim
