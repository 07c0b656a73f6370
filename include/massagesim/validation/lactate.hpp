#pragma once
/// \file lactate.hpp
/// \brief Validation area "Lactate" (validation.md L1, L2, L3/L5/L6/L7, L10). Whole-body targets run the
///        whole-body lactate model (lactate_pool.hpp) through validation/harness.hpp; L1 runs the
///        prescribed-flow segment harness (efflux) and the forearm Segment (inflow). Protocol
///        assumptions are documented at each function. Compiled in src/validation_metabolism.cpp;
///        results cached on first use.

#include <array>

namespace massagesim::validation {

/// Blood-lactate recovery metrics (times in min from the end of exercise; half-life from the peak).
struct LactateRecovery {
  double peak_mmol_per_L = 0.0, t_peak_min = 0.0, half_life_min = 0.0;
};

/// L2 Gupta S et al. (1996) Int J Sports Med 17:106: 1-min bouts at 150 % VO2max with 15-s rests to
/// exhaustion (5 bouts), then 45 min of passive / massage (10 min, 60 mmHg strokes on ~10 % of the leg
/// muscle) / active (30 % VO2max) recovery. Also the Freund-type two-exponential fit of the passive curve
/// (Freund et al. 1986: La(t) = La0 + A1 (1 - e^{-g1 t}) + A2 (1 - e^{-g2 t})).
struct L2Result {
  LactateRecovery passive, massage, active;
  double freund_A1 = 0, freund_g1 = 0, freund_A2 = 0, freund_g2 = 0, freund_rms = 0;
};
const L2Result& l2_gupta1996();

/// Sensitivity of the L2 massage null: massage lowering working-muscle inflow by 24 % (Wiltshire 2010
/// AUC ratio), or massage over the whole 45-min recovery.
struct L2SensitivityResult {
  LactateRecovery flow_x076, massage_45min;
};
const L2SensitivityResult& l2_massage_sensitivity();

/// L10 Beneke R, Jumah MD, Leithauser RM (2007) Dyn Med 6:10: 3-parameter fits (A, k1, k2) of blood lactate
/// 1-60 min after 10-s (2.8 x VO2max power) and 30-s (2.2 x) all-out sprints [GK].
struct L10Result {
  std::array<double, 2> A{}, k1{}, k2{}, rms{};  ///< [0]: 10-s sprint, [1]: 30-s sprint
};
const L10Result& l10_beneke2007();

/// Massage-vs-rest blood-lactate nulls: blood lactate after recovery with rest / massage / active recovery.
struct LactateNullArms {
  double rest = 0, massage = 0, active = 0;
  double massage_minus_rest() const { return massage - rest; }
};
/// Null band for L3, L5, L6, L7: SE of a paired difference with between-subject SD ~1.8 mmol/L and n ~ 9 [D].
inline constexpr double kLactateNullBand_mmol_per_L = 0.6;

/// L3 Martin NA et al. (1998) J Athl Train 33:30: 2 x 1 min at 150 % VO2max, 20-min recovery (active 30 %).
const LactateNullArms& l3_martin1998();
/// L5 Hemmings B et al. (2000) Br J Sports Med 34:109: two boxing bouts (3 x 3 min at 110 % VO2max [GK])
/// separated by 20 min of rest or massage; blood lactate after bout 2.
const LactateNullArms& l5_hemmings2000();
/// L6 Robertson A et al. (2004) Br J Sports Med 38:173: 6 x 30 s at 150 % with 30-s active recovery, 5 min
/// active recovery, then 20 min leg massage vs supine rest.
const LactateNullArms& l6_robertson2004();
/// L7 Dolgener 1993 J Strength Cond Res 7:159: 4 min at 120 % VO2max [GK], 20 min supine passive vs cycling
/// at 40 % vs leg massage; blood lactate at 3, 5, 15, 20 min.
struct L7Result {
  static constexpr std::array<double, 4> t_eval_s{180.0, 300.0, 900.0, 1200.0};
  std::array<LactateNullArms, 4> at{};
};
const L7Result& l7_dolgener1993();

/// L1 Wiltshire EV et al. (2010) MSSE 42:1062, efflux part (prescribed flows): forearm (1 kg muscle), 2 min
/// handgrip, then 10 min with the measured passive / massage inflow curves (766 / 540 mL/min at 30 s, 10-min
/// AUC 4203 / 3178 mL); handgrip intensity calibrated so that the passive efflux AUC is 20.5 mmol.
struct L1EffluxResult {
  double handgrip_intensity = 0.0;
  double passive_efflux_mmol = 0.0, passive_va_30s_mmol_per_L = 0.0;
  double massage_efflux_mmol = 0.0, massage_va_30s_mmol_per_L = 0.0;
};
const L1EffluxResult& l1_wiltshire2010_efflux();

/// L1 Wiltshire 2010, inflow part on the forearm Segment: 2 min handgrip (exercise intensity 1.0 [assumption]),
/// then 10 min passive vs massage (60 mmHg strokes at 0.4 Hz + massage drive); inflow and efflux AUCs.
struct L1InflowResult {
  double passive_inflow_auc_mL = 0.0, massage_inflow_auc_mL = 0.0;
  double passive_efflux_mmol = 0.0, massage_efflux_mmol = 0.0;
  double ratio() const { return massage_inflow_auc_mL / passive_inflow_auc_mL; }
};
const L1InflowResult& l1_wiltshire2010_inflow();

}  // namespace massagesim::validation
