#pragma once
/// \file lactate_pool.hpp
/// \brief Whole-body blood-lactate pool with saturable clearance, and the whole-body lactate model that
///        couples it to a lumped working-muscle compartment so the two-exponential recovery emerges.
///
/// Pool (space S of Zouloumian & Freund 1981: blood and the rapidly exchanging rest of the lactate space):
///   V_S dC_a/dt = P_S(I_wb) - J_clear + sum_segments (J_venous + J_lymph)                [mmol/min]
///   P_S     = p_basal + p_other_max Hill(I_wb; 2.5, 5)   (non-working tissue: red cells, skin, gut, other muscle)
///   J_clear = Vmax C_a/(Km + C_a) (1 + c_I I_wb)         (liver, heart, kidney, resting muscle; saturable, so
///             the disappearance constant falls with a larger load: L10, Beneke 2007)
/// The whole-body model adds the previously working muscle (space M) as one lumped instance of the segment
/// metabolite module (metabolites.hpp) with its own simple flow law
///   Q_M = m q_rest (1 + x_vaso) g(P_t),  g(P) = softplus((P_perf - P)/w) / softplus((P_perf - P_t0)/w),
///   P_t = P_t0 + kappa P_applied,  g_eff = 1 - f_cov (1 - g(P_t))   (f_cov: fraction of the muscle under the
///   hands at a time; a therapist's hands cover ~10 % of both legs' muscle surface),
/// so that exchange M <-> S (MCT, capillary, flow) and removal (oxidation in M, clearance from S) give the
/// arterial curve La(t) = La(0) + A1 (1 - e^{-g1 t}) + A2 (1 - e^{-g2 t}) of Freund et al. (1986) as an
/// emergent property, not a fitted formula. Explicit massaged segments add their efflux through
/// `extra_efflux_mmol_per_min`.
/// \see Zouloumian P, Freund H (1981) Eur J Appl Physiol 46:135; Freund H et al. (1986) Eur J Appl Physiol
///      55:(BF00421717); Beneke R et al. (2007) Dyn Med 6:10; Gupta S et al. (1996) Int J Sports Med 17:106.

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/metabolites.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

/// Parameters of the blood-lactate pool (space S).
template <class S>
struct LactatePoolParamsTpl {
  S pool_volume_L{12.0};
  S basal_production_mmol_per_min{1.89};
  S other_production_max_mmol_per_min{5.0};
  S clearance_vmax_mmol_per_min{32.7};
  S clearance_km_mmol_per_L{14.0};
  S clearance_intensity_gain{0.55};

  template <class T>
  LactatePoolParamsTpl<T> cast() const {
    LactatePoolParamsTpl<T> o;
    std::array<const S*, 6> src{};
    std::size_t i = 0;
    visit(*this, [&](const ParameterInfo&, const S& m) { src[i++] = &m; });
    i = 0;
    LactatePoolParamsTpl<T>::visit(o, [&](const ParameterInfo&, T& m) { m = smooth::scalar_cast<T>(*src[i++]); });
    return o;
  }

  template <class P, class F>
  static void visit(P& p, F&& f);
};

using LactatePoolParams = LactatePoolParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 6> lactate_pool_parameter_info{{
    {"pool_volume_L", "L", 12.0, 8.0, 25.0,
     "[D] lactate space 0.377 L/kg (Freund 1986) x 75 kg minus working-muscle water",
     "volume of the rapidly exchanging lactate space S"},
    {"basal_production_mmol_per_min", "mmol/min", 1.89, 0.1, 2.0,
     "calibrated to rest blood lactate 1.0 +/- 0.1 mmol/L (Menzies 2010)",
     "lactate production of non-working tissues at rest"},
    {"other_production_max_mmol_per_min", "mmol/min", 5.0, 0.0, 30.0, "[GK] non-modelled muscle in whole-body exercise",
     "maximal extra production of other tissues"},
    {"clearance_vmax_mmol_per_min", "mmol/min", 32.7, 10.0, 100.0,
     "calibrated to L2 (Gupta 1996) and L10 (Beneke 2007)",
     "maximal whole-body lactate clearance (liver, heart, other)"},
    {"clearance_km_mmol_per_L", "mmol/L", 14.0, 2.0, 40.0, "calibrated to L10 (Beneke 2007: k2 0.042 vs 0.0245 /min)",
     "arterial lactate at half-maximal clearance"},
    {"clearance_intensity_gain", "1", 0.55, 0.0, 3.0,
     "calibrated to L2 active recovery (Gupta 1996) [GK: heart/other muscle uptake rises with work]",
     "relative clearance rise per unit whole-body intensity"},
}};

template <class S>
template <class P, class F>
void LactatePoolParamsTpl<S>::visit(P& p, F&& f) {
  const auto& I = lactate_pool_parameter_info;
  f(I[0], p.pool_volume_L);
  f(I[1], p.basal_production_mmol_per_min);
  f(I[2], p.other_production_max_mmol_per_min);
  f(I[3], p.clearance_vmax_mmol_per_min);
  f(I[4], p.clearance_km_mmol_per_L);
  f(I[5], p.clearance_intensity_gain);
}

enum LactatePoolState : int { kLactateBlood = 0, kLactatePoolSize = 1 };
inline constexpr std::array<std::string_view, kLactatePoolSize> lactate_pool_state_names{"lactate_blood_mmol_per_L"};

/// Fluxes of the pool [mmol/min] (for conservation checks and outputs).
template <class S>
struct LactatePoolFluxesTpl {
  S production_mmol_per_min{0};
  S clearance_mmol_per_min{0};
  S inflow_from_segments_mmol_per_min{0};
};

/// Writes the arterial lactate (pool concentration) onto a segment bus.
template <class S>
void lactate_pool_outputs(const S* x, SegmentSignalsTpl<S>& bus) {
  bus.arterial_lactate_mmol_per_L = x[kLactateBlood];
}

/// Pool right-hand side (d/dt per second). `efflux_from_segments_mmol_per_min` = sum over segments of
/// lactate_venous_efflux + lactate_lymph_efflux; `whole_body_intensity` = fraction of VO2max.
template <class S>
void lactate_pool_rhs(const LactatePoolParamsTpl<S>& p, const S* x, const S& whole_body_intensity,
                      const S& efflux_from_segments_mmol_per_min, S* dxdt, LactatePoolFluxesTpl<S>* fl = nullptr) {
  using smooth::hill;
  using smooth::smooth_pos;
  const S Ca = x[kLactateBlood];
  const S I = smooth_pos(whole_body_intensity, 1e-4);
  const S prod = p.basal_production_mmol_per_min + p.other_production_max_mmol_per_min * hill(I, S(2.5), 5.0);
  const S clear = p.clearance_vmax_mmol_per_min * Ca / (p.clearance_km_mmol_per_L + smooth_pos(Ca, 1e-9)) *
                  (S(1.0) + p.clearance_intensity_gain * I);
  dxdt[kLactateBlood] = (prod - clear + efflux_from_segments_mmol_per_min) / (p.pool_volume_L * 60.0);
  if (fl) {
    fl->production_mmol_per_min = prod;
    fl->clearance_mmol_per_min = clear;
    fl->inflow_from_segments_mmol_per_min = efflux_from_segments_mmol_per_min;
  }
}

// ------------------------------------------------------------------------------------------------
// Whole-body lactate: pool S + lumped previously-working muscle M (a metabolites block with a flow law).
// ------------------------------------------------------------------------------------------------

/// Flow law and mass of the lumped working muscle.
template <class S>
struct WorkingMuscleFlowParamsTpl {
  S rest_flow_L_per_min_per_kg{0.03};
  S perfusion_pressure_mmHg{35.0};
  S rest_tissue_pressure_mmHg{5.0};
  S collapse_width_mmHg{5.0};
  S pressure_transmission{0.8};

  template <class T>
  WorkingMuscleFlowParamsTpl<T> cast() const {
    using smooth::scalar_cast;
    return {scalar_cast<T>(rest_flow_L_per_min_per_kg), scalar_cast<T>(perfusion_pressure_mmHg),
            scalar_cast<T>(rest_tissue_pressure_mmHg), scalar_cast<T>(collapse_width_mmHg),
            scalar_cast<T>(pressure_transmission)};
  }
  template <class P, class F>
  static void visit(P& p, F&& f);
};

inline constexpr std::array<ParameterInfo, 5> working_muscle_flow_parameter_info{{
    {"rest_flow_L_per_min_per_kg", "L/min/kg", 0.03, 0.02, 0.04,
     "rest muscle flow 2-4 mL/min/100 g (validation.md Rest; Bochmann 2005)",
     "resting blood flow of the lumped working muscle"},
    {"perfusion_pressure_mmHg", "mmHg", 35.0, 20.0, 60.0,
     "[GK] tissue pressure that stops muscle microvascular flow (~30-50 % MVC contraction)",
     "tissue pressure around which flow collapses"},
    {"rest_tissue_pressure_mmHg", "mmHg", 5.0, 0.0, 10.0, "intramuscular pressure 4-7 mmHg at rest (physiology.md §3)",
     "resting tissue pressure"},
    {"collapse_width_mmHg", "mmHg", 5.0, 1.0, 20.0, "[GK]", "width of the smooth flow collapse"},
    {"pressure_transmission", "1", 0.8, 0.3, 1.0, "[GK] depth-dependent kappa (physiology.md §2a)",
     "fraction of applied pressure reaching the muscle"},
}};

template <class S>
template <class P, class F>
void WorkingMuscleFlowParamsTpl<S>::visit(P& p, F&& f) {
  const auto& I = working_muscle_flow_parameter_info;
  f(I[0], p.rest_flow_L_per_min_per_kg);
  f(I[1], p.perfusion_pressure_mmHg);
  f(I[2], p.rest_tissue_pressure_mmHg);
  f(I[3], p.collapse_width_mmHg);
  f(I[4], p.pressure_transmission);
}

template <class S>
struct WholeBodyLactateParamsTpl {
  LactatePoolParamsTpl<S> pool{};
  MetabolitesParamsTpl<S> muscle = default_working_muscle();
  WorkingMuscleFlowParamsTpl<S> flow{};

  /// Working muscle of whole-body (cycling) exercise: both legs, ~20 kg [GK]. Its flow law stands in for all
  /// exercise-hyperaemia mechanisms beyond the functional dilation, so its vasodilator curve differs from a
  /// segment's R1-calibrated one:
  /// hyperbolic (n = 1), x_max 40, d50 2 mL/kg, repayment 60 s, O2 demand 150 mL/min/kg per unit intensity,
  /// extraction 0.85 (calibrated together with the lactate parameters to L2 and L10).
  static MetabolitesParamsTpl<S> default_working_muscle() {
    MetabolitesParamsTpl<S> m;
    m.muscle_mass_kg = S(20.0);
    m.vo2_per_intensity_mL_per_min_per_kg = S(150.0);
    m.o2_extraction_max = S(0.85);
    m.debt_repayment_time_s = S(60.0);
    m.vasodilator_max = S(40.0);
    m.vasodilator_half_debt_mL_per_kg = S(2.0);
    m.vasodilator_hill = S(1.0);
    // No acidosis brake on its glycolysis: Beneke's 30-s sprint amplitude (L10.A_30s, 15.3 mmol/L) needs its
    // production uninhibited up to ~60 mmol/L; with a segment's brake it falls to ~11.8 (issue 12).
    m.production_inhibition_lactate_mmol_per_L = S(200.0);
    // Its flow law and debt dilation, calibrated with uptake following demand at once, stand in for the
    // kinetic lag and the functional dilation (L2/L10).
    m.kinetic_deficit_fraction = S(0.0);
    m.exercise_dilation_per_vo2_kg_min_per_mL = S(0.0);
    return m;
  }
  template <class T>
  WholeBodyLactateParamsTpl<T> cast() const {
    return {pool.template cast<T>(), muscle.template cast<T>(), flow.template cast<T>()};
  }
};
using WholeBodyLactateParams = WholeBodyLactateParamsTpl<double>;

/// Inputs of the whole-body lactate model (protocol).
template <class S>
struct WholeBodyInputsTpl {
  S whole_body_intensity{0};        ///< fraction of VO2max of the whole body
  S working_muscle_intensity{0};    ///< fraction of VO2max of the lumped working muscle
  S applied_pressure_mmHg{0};       ///< external pressure under the hands/device (massage)
  S pressure_coverage_fraction{1};  ///< fraction of the lumped muscle under that pressure at a time (hands ~0.1)
  S lymph_flow_mL_per_min{0};       ///< lymph from the lumped working muscle
  S extra_efflux_mmol_per_min{0};   ///< lactate efflux (venous + lymph) from explicit segments
  S flow_multiplier{1};             ///< optional prescribed factor on the working-muscle flow law
};

enum WholeBodyLactateState : int {
  kWbBlood = 0,   ///< pool (arterial) lactate
  kWbMuscle = 1,  ///< start of the working-muscle metabolites block (4 states)
  kWholeBodyLactateSize = 1 + kMetabolitesSize
};

inline constexpr std::array<std::string_view, kWholeBodyLactateSize> whole_body_lactate_state_names{
    "lactate_blood_mmol_per_L", "working_muscle.lactate_cell_mmol_per_L", "working_muscle.lactate_isf_mmol_per_L",
    "working_muscle.lactate_capillary_mmol_per_L", "working_muscle.o2_debt_mL"};

/// Fluxes of the whole-body model [mmol/min, mL/min].
template <class S>
struct WholeBodyLactateFluxesTpl {
  S production_mmol_per_min{0};  ///< muscle + pool production
  S oxidation_mmol_per_min{0};   ///< working-muscle oxidation
  S clearance_mmol_per_min{0};   ///< pool clearance
  S muscle_flow_mL_per_min{0};
  SegmentSignalsTpl<S> muscle_bus{};
};

/// Total lactate in the whole-body model [mmol] (explicit segments excluded).
template <class S>
S whole_body_lactate_content_mmol(const WholeBodyLactateParamsTpl<S>& p, const S* x) {
  return p.pool.pool_volume_L * x[kWbBlood] + metabolites_lactate_content_mmol(p.muscle, x + kWbMuscle);
}

/// Right-hand side (d/dt per second) of pool + lumped working muscle.
template <class S>
void whole_body_lactate_rhs(const WholeBodyLactateParamsTpl<S>& p, const S* x, const WholeBodyInputsTpl<S>& in, S* dxdt,
                            WholeBodyLactateFluxesTpl<S>* fl = nullptr) {
  using smooth::softplus;
  SegmentSignalsTpl<S> bus{};
  bus.exercise_intensity = in.working_muscle_intensity;
  bus.applied_pressure_mmHg = in.applied_pressure_mmHg * in.pressure_coverage_fraction;  // mean over the muscle
  bus.lymph_flow_mL_per_min = in.lymph_flow_mL_per_min;
  lactate_pool_outputs(x, bus);
  metabolites_outputs(p.muscle, x + kWbMuscle, bus);
  const auto& f = p.flow;
  const S Pt = f.rest_tissue_pressure_mmHg + f.pressure_transmission * in.applied_pressure_mmHg;
  const S g_pressed = softplus(S((f.perfusion_pressure_mmHg - Pt) / f.collapse_width_mmHg)) /
                      softplus(S((f.perfusion_pressure_mmHg - f.rest_tissue_pressure_mmHg) / f.collapse_width_mmHg));
  const S g = S(1.0) - in.pressure_coverage_fraction * (S(1.0) - g_pressed);
  const S Q_L = p.muscle.muscle_mass_kg * f.rest_flow_L_per_min_per_kg * (S(1.0) + bus.vasodilator_signal) * g *
                in.flow_multiplier;
  bus.arterial_inflow_mL_per_min = Q_L * 1e3;
  bus.venous_outflow_mL_per_min = Q_L * 1e3;
  bus.arteriolar_flow_mL_per_min = Q_L * 1e3;
  metabolites_rhs(p.muscle, x + kWbMuscle, bus, dxdt + kWbMuscle);
  const S efflux =
      bus.lactate_venous_efflux_mmol_per_min + bus.lactate_lymph_efflux_mmol_per_min + in.extra_efflux_mmol_per_min;
  LactatePoolFluxesTpl<S> pf;
  lactate_pool_rhs(p.pool, x, in.whole_body_intensity, efflux, dxdt, &pf);
  if (fl) {
    fl->production_mmol_per_min = bus.lactate_production_mmol_per_min + pf.production_mmol_per_min;
    fl->oxidation_mmol_per_min = bus.lactate_oxidation_mmol_per_min;
    fl->clearance_mmol_per_min = pf.clearance_mmol_per_min;
    fl->muscle_flow_mL_per_min = bus.arterial_inflow_mL_per_min;
    fl->muscle_bus = bus;
  }
}

}  // namespace massagesim::models
