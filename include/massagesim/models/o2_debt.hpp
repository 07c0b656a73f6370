#pragma once
/// \file o2_debt.hpp
/// \brief A minimal local O2-debt state and the metabolic vasodilator signal it drives: the
///        fluid side's stand-in until `metabolites.hpp` provides `vasodilator_signal`.
///
/// physiology.md §2b: `dD/dt = VO2_demand - VO2_uptake`, uptake limited by O2 delivery
/// (max extraction x arterial O2 content x arteriolar flow) and raised by repayment D / tau;
/// vasodilator `x_met = vd_max * D^n / (D^n + D50^n)` (a Hill curve fitted to the shape of the
/// reactive-hyperaemia dose-response R1: peak flow rises with occlusion 0.5-5 min and saturates).
/// Occlusion or compression accumulates debt; seconds-long massage strokes accumulate almost none.
/// When metabolites.hpp exists, the Segment uses its vasodilator signal and drops this block.
/// \see Ursino/Albanese local O2 autoregulation (CP-Model autoregulation.py, physiology.md §2b)

#include <array>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/fluid_smooth.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

template <class S>
struct O2DebtParamsTpl {
  S resting_vo2_mL_per_min_per_100g{0.25};
  S peak_vo2_mL_per_min_per_100g{35.0};
  S arterial_o2_content_mL_per_mL{0.20};
  S max_o2_extraction{0.9};
  S repayment_time_constant_s{30.0};
  S vasodilator_max{12.0};
  S debt_half_mL_per_100g{0.375};
  S debt_hill_exponent{2.0};

  template <class T>
  O2DebtParamsTpl<T> cast() const {
    return {T(resting_vo2_mL_per_min_per_100g), T(peak_vo2_mL_per_min_per_100g), T(arterial_o2_content_mL_per_mL),
            T(max_o2_extraction), T(repayment_time_constant_s), T(vasodilator_max), T(debt_half_mL_per_100g),
            T(debt_hill_exponent)};
  }
};
using O2DebtParams = O2DebtParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 8> o2_debt_parameter_info{{
    {"resting_vo2_mL_per_min_per_100g", "mL O2/min/100g", 0.25, 0.15, 0.4, "[GK] resting skeletal muscle VO2",
     "O2 demand at rest"},
    {"peak_vo2_mL_per_min_per_100g", "mL O2/min/100g", 35.0, 15.0, 45.0,
     "Radegran 1999 J Appl Physiol 87:2375: knee-extensor peak VO2 35.2 +/- 3.7 mL/min/100g",
     "O2 demand at exercise intensity 1"},
    {"arterial_o2_content_mL_per_mL", "mL O2/mL blood", 0.20, 0.16, 0.22, "[GK] Hb 15 g/dL, SaO2 0.97",
     "arterial O2 content"},
    {"max_o2_extraction", "1", 0.9, 0.7, 0.95, "[GK] maximal muscle O2 extraction", "largest fraction of delivered O2 taken up"},
    {"repayment_time_constant_s", "s", 30.0, 10.0, 120.0, "calibrated to the decay of reactive hyperaemia (R1, [GK] ~1 min)",
     "time constant of debt repayment when O2 supply allows"},
    {"vasodilator_max", "1", 12.0, 3.0, 25.0,
     "calibrated to R1 (PMC4556838): peak reactive hyperaemia ~10-20 x resting forearm flow after 5 min occlusion",
     "largest metabolic conductance increase (G = G0 (1 + vd))"},
    {"debt_half_mL_per_100g", "mL O2/100g", 0.375, 0.1, 1.5,
     "calibrated to the shape of R1 (PMC4556838): half-maximal peak at ~1.5 min occlusion x resting VO2",
     "debt at half-maximal vasodilation"},
    {"debt_hill_exponent", "1", 2.0, 1.0, 4.0, "calibrated to the sigmoid shape of R1 (0.5, 1, 2, 5 min)",
     "Hill exponent of the vasodilator curve"},
}};

struct O2DebtLayout {
  enum Index : int { o2_debt = 0, n = 1 };
  static constexpr std::array<const char*, n> state_names{"o2_debt_mL"};
};

template <class S>
struct O2DebtOutputsTpl {
  S demand_mL_per_min{0};
  S uptake_mL_per_min{0};
  S vasodilator_signal{0};
};

/// Vasodilator signal from the debt state; writes `bus.vasodilator_signal`. Call before hemodynamics.
template <class S>
S o2_debt_vasodilator(const O2DebtParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus) {
  using namespace fluid_detail;
  using std::exp;
  using std::log;
  const S scale = bus.tissue_mass_g / S(100.0);
  const S d = smooth_pos(S(x[O2DebtLayout::o2_debt] / scale), 1e-6);
  const S ratio = S(d / p.debt_half_mL_per_100g);
  const S rn = exp(S(p.debt_hill_exponent * S(log(ratio))));
  bus.vasodilator_signal = p.vasodilator_max * rn / (rn + S(1.0));
  return bus.vasodilator_signal;
}

/// Right-hand side [per second]; needs `bus.arteriolar_flow_mL_per_min` and `bus.exercise_intensity`.
template <class S>
O2DebtOutputsTpl<S> o2_debt_rhs(const O2DebtParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus, S* dxdt) {
  using namespace fluid_detail;
  const S scale = bus.tissue_mass_g / S(100.0);
  O2DebtOutputsTpl<S> o;
  o.vasodilator_signal = bus.vasodilator_signal;
  o.demand_mL_per_min = scale * (p.resting_vo2_mL_per_min_per_100g +
                                 bus.exercise_intensity * (p.peak_vo2_mL_per_min_per_100g - p.resting_vo2_mL_per_min_per_100g));
  const S wanted = o.demand_mL_per_min + x[O2DebtLayout::o2_debt] * S(60.0) / p.repayment_time_constant_s;
  const S supply = p.max_o2_extraction * p.arterial_o2_content_mL_per_mL * smooth_pos(S(bus.arteriolar_flow_mL_per_min), 1e-3);
  o.uptake_mL_per_min = smooth_min(S(wanted), S(supply), 0.01 * value_of(scale));
  bus.o2_delivery_mL_per_min = p.arterial_o2_content_mL_per_mL * bus.arteriolar_flow_mL_per_min;
  dxdt[O2DebtLayout::o2_debt] = (o.demand_mL_per_min - o.uptake_mL_per_min) / S(60.0);
  return o;
}

}  // namespace massagesim::models
