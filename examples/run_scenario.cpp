/// \file run_scenario.cpp
/// \brief Loads a scenario file (or the embedded default), prints what it would run and writes each
/// arm's schedule inputs as CSV.
///
///   run_scenario [scenario.json] [--out DIR]
///
/// For each arm it writes `DIR/<scenario>_<arm>_inputs.csv` with columns t_s, phase,
/// exercise_intensity and, per segment, applied_pressure_mmHg__<segment> and massage_drive__<segment>,
/// sampled every outputs.save_every_s and at every breakpoint (so no pressure peak falls between
/// samples). Then it runs the limb model (simulation.hpp) for every arm, writes
/// `DIR/<scenario>_<arm>.csv` (t_s and the scenario's outputs, "<segment>.<quantity>" columns) and
/// prints the summary metrics of the arms side by side.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/scenario/scenario_io.hpp"
#include "massagesim/simulation/simulation.hpp"

namespace ms = massagesim::scenario;
namespace mp = massagesim::protocols;

namespace {

void print_schedule(const mp::Schedule& s) {
  for (int i = 0; i < s.n_phases(); ++i) {
    const auto& ph = s.phase(i);
    // One posture, or each limb's (left/right) when a posture change chose limbs.
    const auto& lp = ph.limb_postures;
    std::string posture(mp::to_string(lp.front()));
    if (!std::all_of(lp.begin(), lp.end(), [&](mp::Posture p) { return p == lp.front(); })) {
      posture.clear();
      for (const auto p : lp) posture += (posture.empty() ? "" : "/") + std::string(mp::to_string(p));
    }
    std::printf("    [%2d] %-17s %8.1f - %8.1f s  %-9s", i, std::string(mp::to_string(ph.kind)).c_str(), ph.start_s,
                ph.end_s(), posture.c_str());
    if (ph.exercise_intensity > 0.0) std::printf("  %.0f %% VO2max", 100.0 * ph.exercise_intensity);
    if (ph.technique) std::printf("  %s", std::string(ph.technique->name()).c_str());
    std::printf("\n");
  }
}

std::string sanitize(std::string s) {
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) c = '_';
  return s;
}

void write_inputs_csv(const std::filesystem::path& path, const ms::Scenario& sc, const mp::Schedule& s) {
  std::ofstream out(path);
  if (!out) throw massagesim::InvalidArgument(path.string() + ": cannot write");
  out << "t_s,phase,exercise_intensity";
  for (const auto& name : sc.limb.segment_names) out << ",applied_pressure_mmHg__" << name;
  for (const auto& name : sc.limb.segment_names) out << ",massage_drive__" << name;
  out << '\n';
  std::vector<double> ts = s.breakpoints();
  const double dt = sc.outputs.save_every_s;
  for (long k = 0; k * dt <= s.duration_s(); ++k) ts.push_back(static_cast<double>(k) * dt);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  out.precision(10);
  for (double t : ts) {
    const int i = s.phase_index_at(t);
    out << t << ',' << (i < 0 ? "end" : mp::to_string(s.phase(i).kind)) << ',' << s.exercise_intensity(t);
    for (int seg = 0; seg < s.n_segments(); ++seg) out << ',' << s.applied_pressure_mmHg(t, seg);
    for (int seg = 0; seg < s.n_segments(); ++seg) out << ',' << s.massage_drive(t, seg);
    out << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string file;
  std::filesystem::path out_dir = ".";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: %s [scenario.json] [--out DIR]\n", argv[0]);
      return 0;
    } else {
      file = a;
    }
  }
  try {
    const ms::Scenario sc = file.empty() ? ms::default_scenario() : ms::load_scenario(file);
    std::printf("scenario %s (%s)\n", sc.name.c_str(), file.empty() ? "embedded default" : file.c_str());
    if (!sc.description.empty()) std::printf("  %s\n", sc.description.c_str());
    std::printf("subject: %s, starting %s", sc.subject.preset.c_str(),
                std::string(mp::to_string(sc.subject.initial_posture)).c_str());
    for (const auto& [side, p] : sc.subject.initial_posture_by_side)
      std::printf(" (%s: %s)", side.c_str(), std::string(mp::to_string(p)).c_str());
    std::printf("\n");
    std::printf("limb: %d segments, distal to proximal:", sc.limb.n_segments());
    for (int i = 0; i < sc.limb.n_segments(); ++i)
      std::printf(" %s (%.1f cm)", sc.limb.segment_names[static_cast<std::size_t>(i)].c_str(),
                  sc.limb.segment_lengths_cm[static_cast<std::size_t>(i)]);
    std::printf("\nparameter overrides: %zu\n", sc.parameters.size());
    for (const auto& o : sc.parameters)
      std::printf("  %s = %g%s\n", o.name.c_str(), o.value, o.allow_out_of_range ? " (out of range allowed)" : "");
    std::printf("outputs every %g s:", sc.outputs.save_every_s);
    for (const auto& n : sc.outputs.names) std::printf(" %s", n.c_str());
    std::printf("\nsolver: %s, rtol %g, atol %g, dt_max %g s\n", sc.solver.stepper.c_str(), sc.solver.rtol,
                sc.solver.atol, sc.solver.dt_max_s);

    std::vector<ms::Arm> arms = sc.arms;
    if (arms.empty()) arms.push_back(ms::Arm{.name = "as_written"});
    std::filesystem::create_directories(out_dir);
    for (const auto& arm : arms) {
      const mp::Schedule s = ms::build_schedule(sc, arm);
      std::printf("arm '%s'%s%s: %d phases, %.1f s, %zu breakpoints\n", arm.name.c_str(),
                  arm.description.empty() ? "" : " - ", arm.description.c_str(), s.n_phases(), s.duration_s(),
                  s.breakpoints().size());
      print_schedule(s);
      const auto csv = out_dir / (sanitize(sc.name) + "_" + sanitize(arm.name) + "_inputs.csv");
      write_inputs_csv(csv, sc, s);
      std::printf("    inputs -> %s\n", csv.string().c_str());
    }
    // Run the limb model: every arm from the computed rest state; one CSV of outputs per arm.
    const auto result = massagesim::simulation::simulate(sc);
    for (const auto& a : result.arms) {
      const auto csv = out_dir / (sanitize(sc.name) + "_" + sanitize(a.arm) + ".csv");
      std::ofstream out(csv);
      if (!out) throw massagesim::InvalidArgument(csv.string() + ": cannot write");
      out.precision(10);
      out << "t_s";
      for (const auto& n : a.output_names) out << ',' << n;
      out << '\n';
      for (Eigen::Index r = 0; r < a.values.rows(); ++r) {
        out << a.t_s[static_cast<std::size_t>(r)];
        for (Eigen::Index c = 0; c < a.values.cols(); ++c) out << ',' << a.values(r, c);
        out << '\n';
      }
      std::printf("arm '%s': %s, %.2f s wall, %lld steps (%lld rejected), %lld RHS, %lld Jacobians -> %s\n",
                  a.arm.c_str(), massagesim::to_string(a.status), a.wall_time_s,
                  static_cast<long long>(a.stats.n_steps), static_cast<long long>(a.stats.n_rejected),
                  static_cast<long long>(a.stats.n_rhs), static_cast<long long>(a.stats.n_jac), csv.string().c_str());
    }
    std::printf("\n%-46s", "metric");
    for (const auto& a : result.arms) std::printf(" %14s", a.arm.c_str());
    std::printf("\n");
    const auto names = massagesim::simulation::metric_names();
    for (std::size_t m = 0; m < names.size(); ++m) {
      std::printf("%-46s", names[m].c_str());
      for (const auto& a : result.arms) std::printf(" %14.4g", a.metrics[m].second);
      std::printf("\n");
    }
    return 0;
  } catch (const massagesim::InvalidArgument& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
