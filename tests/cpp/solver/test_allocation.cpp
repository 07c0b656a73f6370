/// Heap allocations of a solve do not grow with the number of steps: after setup the driver and
/// the explicit steppers allocate nothing per step. Compares a solve over [0, T] with one over
/// [0, 4T] (same number of saved points), with fixed-size and dynamic states, a stateless system
/// and one holding heap data (as models with parameter vectors do), and a forcing with breakpoints.
/// Built as its own executable (massagesim_test_solver_alloc): it replaces the global allocation
/// functions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"
#include "massagesim/solver/steppers/fehlberg78.hpp"
#include "support/alloc_counter.hpp"

namespace ms = massagesim;

namespace {

/// A chain of N compartments driven by 50 ms pulses once a second (like a lumped tissue model).
/// `rates` lives on the heap, as the parameters of a real model do: a copy of the system allocates.
struct PulsedChain {
  std::vector<double> rates;
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    const double phase = t - std::floor(t);
    const double u = phase < 0.05 ? 1.0 : 0.0;
    const Eigen::Index n = x.size();
    dxdt[0] = u - rates[0] * x[0];
    for (Eigen::Index i = 1; i < n; ++i)
      dxdt[i] = rates[static_cast<std::size_t>(i - 1)] * x[i - 1] - rates[static_cast<std::size_t>(i)] * x[i];
  }
};

/// The same chain without heap data.
struct PlainChain {
  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    const double u = 1.0 + std::sin(t);
    dxdt[0] = u - 0.5 * x[0];
    for (Eigen::Index i = 1; i < x.size(); ++i) dxdt[i] = 0.5 * x[i - 1] - (0.3 + 0.05 * i) * x[i];
  }
};

std::vector<double> jumps_until(double t1) {
  std::vector<double> j;
  for (int k = 0; k < t1; ++k) {
    j.push_back(k + 0.05);
    if (k > 0) j.push_back(k);
  }
  return j;
}

template <class System, class State, class Stepper>
void check_no_growth(const char* what, const System& sys, const State& x0, const Stepper& stepper, bool breaks) {
  const double T = 5.0;
  auto p1 = ms::make_problem(sys, x0, 0.0, T, breaks ? jumps_until(T) : std::vector<double>{});
  auto p4 = ms::make_problem(sys, x0, 0.0, 4 * T, breaks ? jumps_until(4 * T) : std::vector<double>{});
  const ms::StepControl ctl{.rtol = 1e-8, .atol = 1e-10};
  const ms::SaveAt s1{.ts_s = ms::linspace(0.0, T, 11), .t1 = true};
  const ms::SaveAt s4{.ts_s = ms::linspace(0.0, 4 * T, 11), .t1 = true};
  ms::Solution<State> r1, r4;
  (void)ms::solve(p1, stepper, ctl, s1);  // warm-up (lazy one-time allocations of the runtime)
  const auto a1 = ms::test::count_allocations([&] { r1 = ms::solve(p1, stepper, ctl, s1); });
  const auto a4 = ms::test::count_allocations([&] { r4 = ms::solve(p4, stepper, ctl, s4); });
  std::cout << "[alloc] " << Stepper::name << " " << what << ": " << a1 << " allocations for " << r1.stats.n_steps
            << " steps, " << a4 << " for " << r4.stats.n_steps << " steps\n";
  ASSERT_GT(r4.stats.n_steps, 2 * r1.stats.n_steps) << "the longer solve must take more steps";
  EXPECT_EQ(a4, a1) << what << ": allocations grow with the number of steps";
}

template <class Stepper>
void check_all(const Stepper& stepper) {
  using V8 = Eigen::Matrix<double, 8, 1>;
  const PulsedChain pulsed{{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2}};
  check_no_growth("fixed-size state, plain system", PlainChain{}, V8::Zero().eval(), stepper, false);
  check_no_growth("VectorXd state, plain system", PlainChain{}, Eigen::VectorXd::Zero(8).eval(), stepper, false);
  check_no_growth("fixed-size state, system with heap data, breakpoints", pulsed, V8::Zero().eval(), stepper, true);
  check_no_growth("VectorXd state, system with heap data, breakpoints", pulsed, Eigen::VectorXd::Zero(8).eval(),
                  stepper, true);
}

}  // namespace

TEST(Allocation, CounterSeesOperatorNewAndEigenMalloc) {
  // The counter must be able to fail: it has to see both kinds of allocation. (Volatile sinks
  // keep the compiler from eliding the allocations.)
  static void* volatile sink = nullptr;
  EXPECT_EQ(ms::test::count_allocations([] {
              sink = ::operator new(64);
              ::operator delete(sink);
            }),
            1);
  EXPECT_EQ(ms::test::count_allocations([] {
              sink = std::malloc(64);
              std::free(sink);
            }),
            1);
  EXPECT_GE(ms::test::count_allocations([] {
              Eigen::VectorXd v = Eigen::VectorXd::Zero(100);
              sink = v.data();
            }),
            1);
}

TEST(Allocation, Dopri5DoesNotAllocatePerStep) { check_all(ms::Dopri5{}); }
TEST(Allocation, Fehlberg78DoesNotAllocatePerStep) { check_all(ms::Fehlberg78{}); }
