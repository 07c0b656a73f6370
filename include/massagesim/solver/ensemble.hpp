#pragma once
/// \file ensemble.hpp
/// \brief Many independent solves (parameter sweeps, virtual populations) on a `std::thread` pool.
///
/// Runs are handed out through an atomic work index, so the order in which threads pick them up
/// varies, but each run only depends on its index: results, kept in index order, are bitwise
/// identical whatever the number of threads. A run that throws does not stop the others: its
/// exception is caught and its message recorded.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"

namespace massagesim {

/// The outcome of one ensemble member: an output, or the error that ended it.
template <class Output>
struct EnsembleRun {
  std::optional<Output> output;  ///< set when the run succeeded
  std::string error;             ///< the exception's message when it failed
  std::exception_ptr exception;  ///< the exception itself (rethrow it to inspect its type)

  bool ok() const { return output.has_value(); }
};

/// All runs of an ensemble, in index order.
template <class Output>
struct EnsembleResult {
  std::vector<EnsembleRun<Output>> runs;

  std::size_t size() const { return runs.size(); }
  std::size_t n_failed() const {
    return static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), [](const auto& r) { return !r.ok(); }));
  }
  bool all_ok() const { return n_failed() == 0; }
  /// Output of run i; throws the run's own exception if it failed.
  const Output& output(std::size_t i) const {
    const auto& r = runs.at(i);
    if (!r.ok()) std::rethrow_exception(r.exception);
    return *r.output;
  }
};

/// Threads to use for `n_threads` (0 = hardware concurrency) and `n` runs; throws on negative.
inline std::size_t ensemble_thread_count(int n_threads, std::size_t n) {
  MASSAGESIM_CHECK(n_threads >= 0, "n_threads: expected >= 1 (or 0 = hardware concurrency), got ", n_threads);
  std::size_t k =
      n_threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : static_cast<std::size_t>(n_threads);
  return std::max<std::size_t>(1, std::min(k, n));
}

/// Runs `run_one(i)` for i = 0 .. n-1 on `n_threads` threads (0 = hardware concurrency; 1 runs
/// in the calling thread) and returns the outputs in index order.
///
/// `run_one` is called concurrently from several threads: it must not modify shared state, and
/// its result must depend on i only (then results do not depend on the thread count).
/// \throws InvalidArgument when n_threads < 0. Exceptions of runs are recorded, not thrown.
template <class RunOne>
requires std::is_invocable_v<RunOne&, std::size_t>
auto run_ensemble(std::size_t n, RunOne&& run_one, int n_threads = 0)
    -> EnsembleResult<std::decay_t<std::invoke_result_t<RunOne&, std::size_t>>> {
  using Output = std::decay_t<std::invoke_result_t<RunOne&, std::size_t>>;
  const std::size_t n_workers = ensemble_thread_count(n_threads, n);
  EnsembleResult<Output> result;
  result.runs.resize(n);

  std::atomic<std::size_t> next{0};
  auto worker = [&]() noexcept {
    for (std::size_t i = next.fetch_add(1, std::memory_order_relaxed); i < n;
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      auto& slot = result.runs[i];  // each index is written by exactly one thread
      try {
        slot.output.emplace(std::invoke(run_one, i));
      } catch (const std::exception& e) {
        slot.error = e.what();
        slot.exception = std::current_exception();
      } catch (...) {
        slot.error = "unknown exception (not derived from std::exception)";
        slot.exception = std::current_exception();
      }
    }
  };

  if (n_workers <= 1) {
    worker();
    return result;
  }
  std::vector<std::thread> pool;
  pool.reserve(n_workers - 1);
  try {
    for (std::size_t k = 0; k + 1 < n_workers; ++k) pool.emplace_back(worker);
  } catch (...) {
    // Could not start a thread: the ones started (and this thread, below) still finish the work.
  }
  worker();  // the calling thread works too
  for (auto& th : pool) th.join();
  return result;
}

/// Builds problem i with `make_problem(i)` and solves it with `solve_one(problem)` (or
/// `solve_one(problem, i)`), on `n_threads` threads; see `run_ensemble`.
///
/// Example: `solve_ensemble(200, [&](std::size_t i) { return make_problem(Sys{k[i]}, x0, 0.0, 60.0); },
///                          [](const auto& p) { return solve(p, Dopri5{}).x_final; }, 2)`.
template <class MakeProblem, class SolveOne>
requires std::is_invocable_v<MakeProblem&, std::size_t>
auto solve_ensemble(std::size_t n, MakeProblem&& make_problem, SolveOne&& solve_one, int n_threads = 0) {
  return run_ensemble(
      n,
      [&](std::size_t i) {
        auto problem = std::invoke(make_problem, i);
        if constexpr (std::is_invocable_v<SolveOne&, decltype(problem)&, std::size_t>)
          return std::invoke(solve_one, problem, i);
        else
          return std::invoke(solve_one, problem);
      },
      n_threads);
}

}  // namespace massagesim
