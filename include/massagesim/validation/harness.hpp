#pragma once
/// \file harness.hpp
/// \brief Standalone drivers for the metabolism/tone modules with prescribed (or toy) blood flow: the
///        protocols of the lactate and tone validation targets (validation/lactate.hpp, tone.hpp) and of
///        the metabolism tests. Moved here from tests/cpp/metabolism/harness.hpp.
///
/// 1. WholeBodySim: whole-body lactate model (pool + lumped working muscle, lactate_pool.hpp) driven by a
///    protocol function t -> inputs, with the cumulative lactate fluxes integrated alongside the state
///    (conservation check).
/// 2. SegmentSim: one explicit segment (metabolites + muscle tone) with a prescribed inflow curve or a toy
///    flow law Q = Q_rest (1 + x_vaso) g(P_t), P_t = P_t0 + kappa P_app + P_im, and a fixed or
///    prescribed arterial lactate. The toy flow law stands in for hemodynamics.hpp; it is not part of
///    the model library (it is a validation protocol, like a prescribed inflow curve).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/metabolites.hpp"
#include "massagesim/models/muscle_tone.hpp"
#include "massagesim/simulation/segment_problem.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/dopri5.hpp"

namespace massagesim::validation::harness {

namespace ms = massagesim;
namespace mm = massagesim::models;

// ------------------------------------------------------------------------------------------------
// Whole body
// ------------------------------------------------------------------------------------------------
using WbState = Eigen::Matrix<double, mm::kWholeBodyLactateSize + 3, 1>;
enum : int { kCumProd = mm::kWholeBodyLactateSize, kCumOx = kCumProd + 1, kCumClear = kCumProd + 2 };

using WbProtocol = std::function<mm::WholeBodyInputsTpl<double>(double t_s)>;

struct WholeBodySystem {
  mm::WholeBodyLactateParams p;
  WbProtocol protocol;
  void operator()(const WbState& x, WbState& dxdt, double t) const {
    mm::WholeBodyLactateFluxesTpl<double> fl;
    mm::whole_body_lactate_rhs(p, x.data(), protocol(t), dxdt.data(), &fl);
    dxdt[kCumProd] = fl.production_mmol_per_min / 60.0;
    dxdt[kCumOx] = fl.oxidation_mmol_per_min / 60.0;
    dxdt[kCumClear] = fl.clearance_mmol_per_min / 60.0;
  }
};

inline WbState wb_guess() {
  WbState x = WbState::Zero();
  x[mm::kWbBlood] = 1.0;
  x[int(mm::kWbMuscle) + mm::kLactateCell] = 1.5;
  x[int(mm::kWbMuscle) + mm::kLactateIsf] = 1.1;
  x[int(mm::kWbMuscle) + mm::kLactateCap] = 1.0;
  x[int(mm::kWbMuscle) + mm::kO2Debt] = 0.01;
  return x;
}

struct WbRun {
  std::vector<double> t_s;
  Eigen::MatrixXd x;
  WbState x_final;
};

inline WbRun run_wb(const mm::WholeBodyLactateParams& p, WbProtocol prot, const WbState& x0, double t0, double t1,
                    std::vector<double> breaks, double save_dt_s = 6.0, double rtol = 1e-8) {
  ms::OdeProblem<WholeBodySystem, WbState> prob{WholeBodySystem{p, std::move(prot)}, x0, t0, t1, std::move(breaks)};
  const int n = static_cast<int>(std::round((t1 - t0) / save_dt_s)) + 1;
  auto sol = ms::solve(prob, ms::Dopri5{}, ms::StepControl{.rtol = rtol, .atol = rtol * 1e-2, .dt_max_s = 30.0},
                       ms::SaveAt{.ts_s = ms::linspace(t0, t1, n)});
  return {sol.t_s, sol.x, sol.x_final};
}

/// Rest steady state of the whole-body model (long integration at rest; cumulative fluxes reset).
inline WbState wb_rest(const mm::WholeBodyLactateParams& p) {
  auto r = run_wb(
      p, [](double) { return mm::WholeBodyInputsTpl<double>{}; }, wb_guess(), 0.0, 6.0 * 3600.0, {}, 600.0);
  WbState x = r.x_final;
  x[kCumProd] = x[kCumOx] = x[kCumClear] = 0.0;
  return x;
}

/// Smooth massage stroke pressure: peak * sin^(2 sharpness)(pi f t), no discontinuities. sharpness 1: kneading-like
/// (pressure half of the time); sharpness 8 at 1/6 Hz: effleurage-like ~1-s pass over a spot every 6 s.
inline double stroke_pressure_mmHg(double t_s, double peak_mmHg = 60.0, double freq_Hz = 0.4, double sharpness = 1.0) {
  const double s = std::sin(std::numbers::pi * freq_Hz * t_s);
  return peak_mmHg * std::pow(s * s, sharpness);
}

/// Gupta 1996 (L2): 1-min bouts at 150 % VO2max with 15-s rests to exhaustion (n_bouts), then recovery.
enum class Recovery { passive, active30, massage };
struct GuptaProtocol {
  int n_bouts = 5;
  Recovery mode = Recovery::passive;
  double massage_duration_s = 600.0;  // "short-term massage"; exact duration not in the abstract (assumed)
  double massage_flow_multiplier = 1.0;
  double massage_lymph_mL_per_min = 0.5;
  double t_end_ex() const { return n_bouts * 75.0 - 15.0; }
  mm::WholeBodyInputsTpl<double> operator()(double t) const {
    mm::WholeBodyInputsTpl<double> in{};
    if (t < t_end_ex()) {
      const double ph = std::fmod(t, 75.0);
      if (ph < 60.0) in.whole_body_intensity = in.working_muscle_intensity = 1.5;
      return in;
    }
    const double tr = t - t_end_ex();
    if (mode == Recovery::active30) in.whole_body_intensity = in.working_muscle_intensity = 0.3;
    if (mode == Recovery::massage && tr < massage_duration_s) {
      in.applied_pressure_mmHg = stroke_pressure_mmHg(tr);
      in.pressure_coverage_fraction = 0.1;  // two hands on ~10 % of both legs' muscle surface [GK]
      in.flow_multiplier = massage_flow_multiplier;
      in.lymph_flow_mL_per_min = massage_lymph_mL_per_min;
    }
    return in;
  }
  std::vector<double> breaks() const {
    std::vector<double> b;
    for (int k = 0; k < n_bouts; ++k) {
      b.push_back(k * 75.0 + 60.0);
      if (k + 1 < n_bouts) b.push_back(k * 75.0 + 75.0);
    }
    b.push_back(t_end_ex() + massage_duration_s);
    return b;
  }
};

/// Sprint (L10, Beneke 2007): all-out for duration_s at intensity (fraction of VO2max power), then rest.
struct SprintProtocol {
  double duration_s = 10.0;
  double intensity = 3.0;
  mm::WholeBodyInputsTpl<double> operator()(double t) const {
    mm::WholeBodyInputsTpl<double> in{};
    if (t < duration_s) in.whole_body_intensity = in.working_muscle_intensity = intensity;
    return in;
  }
};

/// Piecewise protocol: phases with duration, whole-body and working-muscle intensity, massage on/off.
struct Phase {
  double duration_s = 60, whole_body_intensity = 0, working_muscle_intensity = 0;
  bool massage = false;
};
struct PhaseProtocol {
  std::vector<Phase> phases;
  double massage_peak_mmHg = 60.0, massage_coverage = 0.1, massage_lymph_mL_per_min = 0.5,
         massage_flow_multiplier = 1.0;
  mm::WholeBodyInputsTpl<double> operator()(double t) const {
    mm::WholeBodyInputsTpl<double> in{};
    double t0 = 0;
    for (const auto& ph : phases) {
      if (t < t0 + ph.duration_s || &ph == &phases.back()) {
        in.whole_body_intensity = ph.whole_body_intensity;
        in.working_muscle_intensity = ph.working_muscle_intensity;
        if (ph.massage) {
          in.applied_pressure_mmHg = stroke_pressure_mmHg(t - t0, massage_peak_mmHg);
          in.pressure_coverage_fraction = massage_coverage;
          in.lymph_flow_mL_per_min = massage_lymph_mL_per_min;
          in.flow_multiplier = massage_flow_multiplier;
        }
        return in;
      }
      t0 += ph.duration_s;
    }
    return in;
  }
  std::vector<double> breaks() const {
    std::vector<double> b;
    double t = 0;
    for (std::size_t i = 0; i + 1 < phases.size(); ++i) b.push_back(t += phases[i].duration_s);
    return b;
  }
  double start_of(std::size_t i) const {
    double t = 0;
    for (std::size_t k = 0; k < i; ++k) t += phases[k].duration_s;
    return t;
  }
  double total() const { return start_of(phases.size()); }
};

/// Blood-lactate recovery metrics from a run (times in min, relative to t_ref_s).
struct Recovery_metrics {
  double peak_mmol_per_L = 0, t_peak_min = 0, half_life_min = NAN;
};
inline Recovery_metrics recovery_metrics(const WbRun& r, double t_ref_s) {
  Recovery_metrics m;
  Eigen::Index kp = 0;
  for (Eigen::Index k = 0; k < r.x.cols(); ++k)
    if (r.t_s[k] >= t_ref_s && r.x(mm::kWbBlood, k) > m.peak_mmol_per_L) {
      m.peak_mmol_per_L = r.x(mm::kWbBlood, k);
      kp = k;
    }
  m.t_peak_min = (r.t_s[kp] - t_ref_s) / 60.0;
  const double half = 0.5 * m.peak_mmol_per_L;
  for (Eigen::Index k = kp + 1; k < r.x.cols(); ++k)
    if (r.x(mm::kWbBlood, k) <= half) {
      const double c0 = r.x(mm::kWbBlood, k - 1), c1 = r.x(mm::kWbBlood, k);
      const double t = r.t_s[k - 1] + (c0 - half) / (c0 - c1) * (r.t_s[k] - r.t_s[k - 1]);
      m.half_life_min = (t - r.t_s[kp]) / 60.0;
      break;
    }
  return m;
}

/// Beneke 2007 3-parameter model BLC(t) = BLC0 + A k1/(k2-k1) (e^{-k1 t} - e^{-k2 t}), t in min from the
/// start of exercise, BLC0 fixed to the pre-exercise value; k1, k2 by grid search + refinement, A by
/// linear least squares. Returns {A, k1, k2}.
struct BenekeFit {
  double A = 0, k1 = 0, k2 = 0, rms = 0;
};
inline BenekeFit fit_beneke(const std::vector<double>& t_min, const std::vector<double>& c, double c0) {
  auto eval = [&](double k1, double k2, double& A) {
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < t_min.size(); ++i) {
      const double b = k1 / (k2 - k1) * (std::exp(-k1 * t_min[i]) - std::exp(-k2 * t_min[i]));
      sxy += b * (c[i] - c0);
      sxx += b * b;
    }
    A = sxy / sxx;
    double ss = 0;
    for (std::size_t i = 0; i < t_min.size(); ++i) {
      const double b = k1 / (k2 - k1) * (std::exp(-k1 * t_min[i]) - std::exp(-k2 * t_min[i]));
      ss += (c[i] - c0 - A * b) * (c[i] - c0 - A * b);
    }
    return ss;
  };
  BenekeFit best{0, 0, 0, INFINITY};
  double lo1 = 0.05, hi1 = 3.0, lo2 = 0.002, hi2 = 0.2;
  for (int level = 0; level < 4; ++level) {
    const int n = 60;
    double b1 = best.k1, b2 = best.k2;
    for (int i = 0; i <= n; ++i)
      for (int j = 0; j <= n; ++j) {
        const double k1 = lo1 * std::pow(hi1 / lo1, double(i) / n), k2 = lo2 * std::pow(hi2 / lo2, double(j) / n);
        if (std::abs(k1 - k2) < 1e-6 || k2 >= k1) continue;
        double A;
        const double ss = eval(k1, k2, A);
        if (ss < best.rms) best = {A, k1, k2, ss}, b1 = k1, b2 = k2;
      }
    lo1 = b1 / 1.3, hi1 = b1 * 1.3, lo2 = b2 / 1.3, hi2 = b2 * 1.3;
  }
  best.rms = std::sqrt(best.rms / double(t_min.size()));
  return best;
}

/// Freund et al. (1986) recovery form La(t) = La0 + A1 (1 - e^{-g1 t}) + A2 (1 - e^{-g2 t}), t in min from the end
/// of exercise, La0 = first sample; g1 > g2 by grid search + refinement, A1 and A2 by linear least squares.
struct FreundFit {
  double A1 = 0, g1 = 0, A2 = 0, g2 = 0, rms = INFINITY;
};
inline FreundFit fit_freund(const std::vector<double>& t_min, const std::vector<double>& c) {
  const double c0 = c.front();
  FreundFit best;
  auto solve = [&](double g1, double g2, FreundFit& f) -> double {
    double s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0;
    for (std::size_t i = 0; i < t_min.size(); ++i) {
      const double u = 1 - std::exp(-g1 * t_min[i]), v = 1 - std::exp(-g2 * t_min[i]), y = c[i] - c0;
      s11 += u * u, s12 += u * v, s22 += v * v, b1 += u * y, b2 += v * y;
    }
    const double det = s11 * s22 - s12 * s12;
    if (std::abs(det) < 1e-300) return INFINITY;
    f.A1 = (b1 * s22 - b2 * s12) / det, f.A2 = (s11 * b2 - s12 * b1) / det, f.g1 = g1, f.g2 = g2;
    double ss = 0;
    for (std::size_t i = 0; i < t_min.size(); ++i) {
      const double r = c[i] - c0 - f.A1 * (1 - std::exp(-g1 * t_min[i])) - f.A2 * (1 - std::exp(-g2 * t_min[i]));
      ss += r * r;
    }
    return ss;
  };
  double lo1 = 0.05, hi1 = 3.0, lo2 = 0.002, hi2 = 0.3, bss = INFINITY;
  for (int level = 0; level < 4; ++level) {
    const int n = 60;
    double bg1 = best.g1, bg2 = best.g2;
    for (int i = 0; i <= n; ++i)
      for (int j = 0; j <= n; ++j) {
        const double g1 = lo1 * std::pow(hi1 / lo1, double(i) / n), g2 = lo2 * std::pow(hi2 / lo2, double(j) / n);
        if (g2 >= 0.9 * g1) continue;
        FreundFit f;
        const double ss = solve(g1, g2, f);
        if (ss < bss) bss = ss, best = f, bg1 = g1, bg2 = g2;
      }
    lo1 = bg1 / 1.3, hi1 = bg1 * 1.3, lo2 = bg2 / 1.3, hi2 = bg2 * 1.3;
  }
  best.rms = std::sqrt(bss / double(t_min.size()));
  return best;
}

// ------------------------------------------------------------------------------------------------
// One explicit segment (metabolites + tone) with prescribed or toy flow
// ------------------------------------------------------------------------------------------------
constexpr int kSegTone = mm::kMetabolitesSize;
constexpr int kSegSize = int(mm::kMetabolitesSize) + int(mm::kMuscleToneSize);
constexpr int kSegCumProd = kSegSize, kSegCumOx = kSegSize + 1, kSegCumEfflux = kSegSize + 2;
using SegState = Eigen::Matrix<double, kSegSize + 3, 1>;

struct SegInputs {
  double applied_pressure_mmHg = 0, exercise_intensity = 0, massage_drive = 0;
  double prescribed_inflow_mL_per_min = -1;  ///< >= 0: use this inflow; < 0: toy flow law
  double arterial_lactate_mmol_per_L = 1.0;
  double lymph_flow_mL_per_min = 0.002;
  double flow_multiplier = 1.0;
};
using SegProtocol = std::function<SegInputs(double t_s)>;

struct ToyFlowParams {
  double rest_flow_mL_per_min_per_kg = 30.0;  ///< 3 mL/min/100 g (validation.md Rest)
  double perfusion_pressure_mmHg = 35.0, rest_tissue_pressure_mmHg = 5.0, collapse_width_mmHg = 5.0, kappa = 0.8;
};

struct SegmentSystem {
  mm::MetabolitesParams pm;
  mm::MuscleToneParams pt;
  ToyFlowParams pf;
  SegProtocol protocol;

  mm::SegmentSignals signals(const SegState& x, double t) const {
    const SegInputs in = protocol(t);
    mm::SegmentSignals bus{};
    bus.applied_pressure_mmHg = in.applied_pressure_mmHg;
    bus.exercise_intensity = in.exercise_intensity;
    bus.massage_drive = in.massage_drive;
    bus.arterial_lactate_mmol_per_L = in.arterial_lactate_mmol_per_L;
    bus.lymph_flow_mL_per_min = in.lymph_flow_mL_per_min;
    mm::metabolites_outputs(pm, x.data(), bus);
    mm::muscle_tone_outputs(pt, x.data() + kSegTone, bus);
    bus.tissue_pressure_mmHg =
        pf.rest_tissue_pressure_mmHg + pf.kappa * in.applied_pressure_mmHg + bus.intramuscular_pressure_mmHg;
    if (in.prescribed_inflow_mL_per_min >= 0.0) {
      bus.arterial_inflow_mL_per_min = in.prescribed_inflow_mL_per_min;
    } else {
      using mm::smooth::softplus;
      const double g = softplus((pf.perfusion_pressure_mmHg - bus.tissue_pressure_mmHg) / pf.collapse_width_mmHg) /
                       softplus((pf.perfusion_pressure_mmHg - pf.rest_tissue_pressure_mmHg) / pf.collapse_width_mmHg);
      bus.arterial_inflow_mL_per_min =
          pm.muscle_mass_kg * pf.rest_flow_mL_per_min_per_kg * (1.0 + bus.vasodilator_signal) * g * in.flow_multiplier;
    }
    bus.venous_outflow_mL_per_min = bus.arterial_inflow_mL_per_min;
    bus.arteriolar_flow_mL_per_min = bus.arterial_inflow_mL_per_min;
    return bus;
  }

  /// Bus after the full evaluation (outputs, flows and the lactate fluxes of the RHS).
  mm::SegmentSignals signals_full(const SegState& x, double t) const {
    SegState d;
    return eval(x, d, t);
  }
  void operator()(const SegState& x, SegState& dxdt, double t) const { eval(x, dxdt, t); }

  mm::SegmentSignals eval(const SegState& x, SegState& dxdt, double t) const {
    mm::SegmentSignals bus = signals(x, t);
    mm::metabolites_rhs(pm, x.data(), bus, dxdt.data());
    mm::muscle_tone_rhs(pt, x.data() + kSegTone, bus, dxdt.data() + kSegTone);
    dxdt[kSegCumProd] = bus.lactate_production_mmol_per_min / 60.0;
    dxdt[kSegCumOx] = bus.lactate_oxidation_mmol_per_min / 60.0;
    dxdt[kSegCumEfflux] = (bus.lactate_venous_efflux_mmol_per_min + bus.lactate_lymph_efflux_mmol_per_min) / 60.0;
    return bus;
  }
};

inline SegState seg_guess() {
  SegState x = SegState::Zero();
  x[mm::kLactateCell] = 1.5;
  x[mm::kLactateIsf] = 1.1;
  x[mm::kLactateCap] = 1.0;
  x[mm::kO2Debt] = 0.01;
  x[kSegTone + mm::kToneActivation] = 0.02;
  return x;
}

struct SegRun {
  std::vector<double> t_s;
  Eigen::MatrixXd x;
  SegState x_final;
  std::vector<mm::SegmentSignals> bus;
};

inline SegRun run_seg(const SegmentSystem& sys, const SegState& x0, double t0, double t1, std::vector<double> breaks,
                      double save_dt_s = 1.0, double rtol = 1e-8, double dt_max_s = 1.0) {
  ms::OdeProblem<SegmentSystem, SegState> prob{sys, x0, t0, t1, std::move(breaks)};
  const int n = static_cast<int>(std::round((t1 - t0) / save_dt_s)) + 1;
  auto sol = ms::solve(prob, ms::Dopri5{}, ms::StepControl{.rtol = rtol, .atol = rtol * 1e-2, .dt_max_s = dt_max_s},
                       ms::SaveAt{.ts_s = ms::linspace(t0, t1, n)});
  SegRun r{sol.t_s, sol.x, sol.x_final, {}};
  for (Eigen::Index k = 0; k < sol.x.cols(); ++k) r.bus.push_back(sys.signals_full(SegState(sol.x.col(k)), sol.t_s[k]));
  return r;
}

/// Rest state of a segment system: the protocol's input at t = -1 s (protocols start at t >= 0) held for 4 h.
inline SegState seg_rest(SegmentSystem sys) {
  const SegProtocol prot = sys.protocol;
  sys.protocol = [prot](double) { return prot(-1.0); };
  auto r = run_seg(sys, seg_guess(), 0.0, 4.0 * 3600.0, {}, 600.0, 1e-8, 60.0);
  SegState x = r.x_final;
  x[kSegCumProd] = x[kSegCumOx] = x[kSegCumEfflux] = 0.0;
  return x;
}

}  // namespace massagesim::validation::harness
