// Evaluating a protocol sits inside a right-hand side: it must not touch the heap.
// This file replaces the global operator new of the protocols test executable with a counting one.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "massagesim/protocols/schedule.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

// GCC cannot tell that these replace the global pair, and warns that free() meets operator new.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mp = massagesim::protocols;

TEST(NoAllocation, EvaluatingEveryTechniqueInASchedule) {
  mp::Schedule s(mp::LimbGeometry({8.0, 12.0, 10.0, 10.0}));
  s.rest(5.0).exercise(10.0, 0.9).posture_change(0.0, mp::Posture::seated);
  for (auto name : mp::technique_names) {
    if (mp::is_device_technique(name))
      s.compression(30.0, name);
    else
      s.massage(30.0, name);
  }
  s.posture_change(5.0, mp::Posture::limb_raised);
  std::vector<mp::SegmentInputs> all(4);
  std::vector<double> bps;
  bps.reserve(100000);
  const long before = g_allocations.load();
  double sum = 0.0;
  for (double t = -1.0; t < s.duration_s() + 1.0; t += 0.0137) {
    s.inputs(t, all);
    for (int i = 0; i < 4; ++i) {
      const auto in = s.inputs(t, i);
      sum += in.applied_pressure_mmHg + in.massage_drive + in.height_above_heart_cm + in.exercise_intensity;
    }
  }
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0) << "heap allocations while evaluating inputs";
  EXPECT_GT(sum, 0.0);
  // Listing breakpoints may allocate (and does, here, for the effleurage crossings); it is done once per solve.
  s.breakpoints(0.0, s.duration_s(), bps);
  EXPECT_GT(bps.size(), 100u);
}
