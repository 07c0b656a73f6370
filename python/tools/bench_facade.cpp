// Times simulation::simulate from C++ on a scenario file (the reference for the Python overhead
// measured by bench_python.py). Build against the runtime library of a Python build tree, e.g.
//   g++ -O2 -std=c++20 -I include python/tools/bench_facade.cpp \
//       build/<wheel tag>/src/libmassagesim_runtime.a -I/usr/include/eigen3 -pthread -o /tmp/bench_facade
//   /tmp/bench_facade scenario.json 20
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"

int main(int argc, char** argv) {
  namespace ms = massagesim;
  const auto sc = argc > 1 ? ms::scenario::load_scenario(argv[1]) : ms::scenario::default_scenario();
  const int n = argc > 2 ? std::atoi(argv[2]) : 10;
  std::vector<double> ms_per_run;
  double arm_wall = 0.0;
  for (int i = 0; i < n + 1; ++i) {  // first run is a warm-up
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = ms::simulation::simulate(sc);
    const double dt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (i == 0) continue;
    ms_per_run.push_back(dt);
    for (const auto& a : r.arms) arm_wall += a.wall_time_s * 1e3 / n;
  }
  std::sort(ms_per_run.begin(), ms_per_run.end());
  std::printf("C++ simulate: median %.3f ms, min %.3f ms over %d runs (integration inside: %.3f ms/run)\n",
              ms_per_run[ms_per_run.size() / 2], ms_per_run.front(), n, arm_wall);
}
