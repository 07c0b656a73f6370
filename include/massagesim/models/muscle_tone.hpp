#pragma once
/// \file muscle_tone.hpp
/// \brief Muscle tone of one segment: involuntary activation with the pain-spasm loop, reflex-gain
///        inhibition by massage/pressure, passive-stiffness state, intramuscular pressure.
///
/// Equations (t in s):
///   drive   = 1 - (1 - m_in)(1 - P^2/(P^2 + P50^2)),  m_in = bus.massage_drive, P = applied pressure (>= 0)
///   tau_m dm/dt = drive - m,     reflex_gain g_H = 1 - depth_H m          (T2 Morelli 1990, T3 Sullivan 1991)
///   tau_s ds/dt = drive - s,     passive_stiffness_rel = 1 - depth_s s    (T1 Eriksson Crommert 2015)
///   tau_a da/dt = tanh(g_H (a_basal + G_ps Hill(pain; p50, n))) - a       (involuntary tone incl. spasm)
///   a_vol = k_vol I (1 - lambda pain)     (voluntary activation from exercise intensity; pain adaptation,
///                                           Lund et al. 1991: pain reduces agonist activation)
///   muscle_activation = tanh(a + a_vol),  P_im = k_imp (muscle_activation - tanh(a_basal)) + P_c
///   (P_c: rhythmic contractions from the protocol, bus.contraction_pressure_mmHg; the muscle pump)
/// Fast activation dynamics (twitch 5-50 ms, tau_act 10-15 ms / tau_deact 40-60 ms; physiology.md §2e) are
/// reduced to the quasi-steady form: a_vol is algebraic, and the involuntary tone state a represents the
/// slower (seconds) build-up of tonic motoneuron-pool activity, not twitch activation.
/// Pain-spasm-pain loop: pain (from metabolites_outputs) -> a -> P_im -> tissue pressure -> flow (fluid side)
/// -> O2 debt and lactate -> pain. Hill(pain) has zero slope at pain = 0, so the rest state is always
/// stable; a second (spasm) state appears only when G_ps is large. The default G_ps = 0.1 sits below that
/// threshold (monostable), because pain adaptation (Lund 1991) is better supported than the vicious
/// circle (physiology.md §2e). Nothing here makes massage "break" a spasm: massage only lowers g_H.
/// P_im is the tone-dependent intramuscular pressure ABOVE resting tone (0 at rest, slightly negative while
/// massage inhibits the basal reflex tone); the resting IMP (4-7 mmHg) is in the Segment's P_rest.
/// \see Lund JP et al. (1991) Can J Physiol Pharmacol 69:683; Morelli M et al. (1990) JOSPT 12:55;
///      Sullivan SJ et al. (1991) Arch Phys Med Rehabil 72:915; Eriksson Crommert M et al. (2015) SJMSS 25:e490.

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "massagesim/core/parameter.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/module.hpp"
#include "massagesim/models/segment_signals.hpp"

namespace massagesim::models {

/// Parameters of the muscle-tone module.
template <class S>
struct MuscleToneParamsTpl {
  S tone_time_constant_s{2.0};
  S basal_tone_activation{0.02};
  S voluntary_activation_per_intensity{0.3};
  S pain_adaptation{0.3};
  S reflex_inhibition_depth{0.70};
  S reflex_inhibition_time_constant_s{3.0};
  S pressure_inhibition_half_mmHg{30.0};
  S stiffness_reduction_depth{0.052};
  S stiffness_time_constant_s{50.0};
  S pain_spasm_gain{0.1};
  S pain_spasm_half{0.3};
  S pain_spasm_hill{2.0};
  S intramuscular_pressure_per_activation_mmHg{82.0};

  template <class T>
  MuscleToneParamsTpl<T> cast() const {
    MuscleToneParamsTpl<T> o;
    std::array<const S*, 13> src{};
    std::size_t i = 0;
    visit(*this, [&](const ParameterInfo&, const S& m) { src[i++] = &m; });
    i = 0;
    MuscleToneParamsTpl<T>::visit(o, [&](const ParameterInfo&, T& m) { m = smooth::scalar_cast<T>(*src[i++]); });
    return o;
  }

  /// Calls f(info, member) for every parameter, in the order of `muscle_tone_parameter_info`.
  template <class P, class F>
  static void visit(P& p, F&& f);
};

using MuscleToneParams = MuscleToneParamsTpl<double>;

inline constexpr std::array<ParameterInfo, 13> muscle_tone_parameter_info{{
    {"tone_time_constant_s", "s", 2.0, 0.5, 20.0,
     "[GK] tonic activity builds over seconds (twitch dynamics reduced to quasi-steady)",
     "time constant of involuntary tone"},
    {"basal_tone_activation", "1", 0.02, 0.0, 0.1, "[GK] resting EMG ~1-2 % MVC",
     "resting involuntary activation (reflex-mediated)"},
    {"voluntary_activation_per_intensity", "1", 0.3, 0.1, 1.0,
     "[GK] mean activation in dynamic exercise per unit VO2max fraction",
     "voluntary activation per exercise intensity"},
    {"pain_adaptation", "1", 0.3, 0.0, 0.6,
     "Lund JP et al. 1991 Can J Physiol Pharmacol 69:683 (pain-adaptation model) [GK size]",
     "fractional reduction of voluntary activation at full pain"},
    {"reflex_inhibition_depth", "1", 0.70, 0.5, 0.85,
     "T2 Morelli 1990 (-71 %), T3 Sullivan 1991 (2.58 -> 0.76 mV, -70 %)",
     "reflex-gain reduction while massage is applied"},
    {"reflex_inhibition_time_constant_s", "s", 3.0, 0.5, 10.0,
     "T2/T3: back to baseline at the first 10-s sample after massage", "on/off time constant of reflex inhibition"},
    {"pressure_inhibition_half_mmHg", "mmHg", 30.0, 5.0, 100.0, "[GK] sustained pressure also inhibits the H-reflex",
     "applied pressure giving half of full inhibition drive"},
    {"stiffness_reduction_depth", "1", 0.052, 0.0, 0.15, "T1 Eriksson Crommert 2015 (-5.2 +/- 8.8 % after 7 min)",
     "relative passive-stiffness drop at full massage drive"},
    {"stiffness_time_constant_s", "s", 50.0, 10.0, 120.0, "[D] T1: effect gone within 3 min (tau < 1-2 min)",
     "time constant of the passive-stiffness state"},
    {"pain_spasm_gain", "1", 0.1, 0.0, 2.0,
     "[GK] below the bistability threshold (pain adaptation better supported, Lund 1991)",
     "gain of the pain -> involuntary tone pathway"},
    {"pain_spasm_half", "1", 0.3, 0.1, 0.8, "[GK]", "pain drive at half-maximal spasm drive"},
    {"pain_spasm_hill", "1", 2.0, 1.0, 4.0, "[GK] sigmoid recruitment", "Hill exponent of pain -> spasm drive"},
    {"intramuscular_pressure_per_activation_mmHg", "mmHg", 82.0, 40.0, 120.0,
     "[D] 87 mmHg (118 cmH2O) at maximal contraction minus rest 4-7 mmHg (physiology.md §3)",
     "intramuscular pressure per unit activation"},
}};

template <class S>
template <class P, class F>
void MuscleToneParamsTpl<S>::visit(P& p, F&& f) {
  const auto& I = muscle_tone_parameter_info;
  f(I[0], p.tone_time_constant_s);
  f(I[1], p.basal_tone_activation);
  f(I[2], p.voluntary_activation_per_intensity);
  f(I[3], p.pain_adaptation);
  f(I[4], p.reflex_inhibition_depth);
  f(I[5], p.reflex_inhibition_time_constant_s);
  f(I[6], p.pressure_inhibition_half_mmHg);
  f(I[7], p.stiffness_reduction_depth);
  f(I[8], p.stiffness_time_constant_s);
  f(I[9], p.pain_spasm_gain);
  f(I[10], p.pain_spasm_half);
  f(I[11], p.pain_spasm_hill);
  f(I[12], p.intramuscular_pressure_per_activation_mmHg);
}

/// State block of the muscle-tone module.
enum MuscleToneState : int {
  kToneActivation = 0,      ///< involuntary (basal + reflex + spasm) activation, 0..1
  kReflexInhibition = 1,    ///< reflex inhibition state m, 0..1
  kStiffnessReduction = 2,  ///< passive-stiffness reduction state s, 0..1
  kMuscleToneSize = 3
};

inline constexpr std::array<std::string_view, kMuscleToneSize> muscle_tone_state_names{
    "tone_activation", "reflex_inhibition", "stiffness_reduction"};

/// Inhibition drive (0..1) from massage stroking and applied pressure.
template <class S>
S muscle_tone_inhibition_drive(const MuscleToneParamsTpl<S>& p, const SegmentSignalsTpl<S>& bus) {
  using smooth::smooth_pos;
  const S P = smooth_pos(S(bus.applied_pressure_mmHg), 1e-3);
  const S fp = P * P / (P * P + p.pressure_inhibition_half_mmHg * p.pressure_inhibition_half_mmHg);
  return S(1.0) - (S(1.0) - bus.massage_drive) * (S(1.0) - fp);
}

/// Algebraic outputs: activation, reflex gain, passive stiffness, intramuscular pressure.
/// Call after metabolites_outputs (reads bus.pain_drive, bus.exercise_intensity).
template <class S>
void muscle_tone_outputs(const MuscleToneParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus) {
  using std::tanh;
  const S a_vol =
      p.voluntary_activation_per_intensity * bus.exercise_intensity * (S(1.0) - p.pain_adaptation * bus.pain_drive);
  bus.involuntary_activation = x[kToneActivation] - p.basal_tone_activation;  // above resting tone (costs O2)
  bus.muscle_activation = tanh(S(x[kToneActivation] + a_vol));
  bus.reflex_gain = S(1.0) - p.reflex_inhibition_depth * x[kReflexInhibition];
  bus.passive_stiffness_rel = S(1.0) - p.stiffness_reduction_depth * x[kStiffnessReduction];
  // Rhythmic contractions (the muscle pump) add their own phasic pressure to the tonic one.
  bus.intramuscular_pressure_mmHg =
      p.intramuscular_pressure_per_activation_mmHg * (bus.muscle_activation - tanh(S(p.basal_tone_activation))) +
      bus.contraction_pressure_mmHg;
}

/// Right-hand side of the tone block (d/dt per second). Reads massage_drive, applied_pressure_mmHg, pain_drive.
template <class S>
void muscle_tone_rhs(const MuscleToneParamsTpl<S>& p, const S* x, SegmentSignalsTpl<S>& bus, S* dxdt) {
  using std::tanh;
  const S drive = muscle_tone_inhibition_drive(p, bus);
  const S gH = S(1.0) - p.reflex_inhibition_depth * x[kReflexInhibition];
  const S spasm =
      p.pain_spasm_gain * smooth::hill(S(bus.pain_drive), p.pain_spasm_half, smooth::value_of(p.pain_spasm_hill));
  const S target = tanh(S(gH * (p.basal_tone_activation + spasm)));
  dxdt[kToneActivation] = (target - x[kToneActivation]) / p.tone_time_constant_s;
  dxdt[kReflexInhibition] = (drive - x[kReflexInhibition]) / p.reflex_inhibition_time_constant_s;
  dxdt[kStiffnessReduction] = (drive - x[kStiffnessReduction]) / p.stiffness_time_constant_s;
}

}  // namespace massagesim::models

namespace massagesim::models {

/// Muscle tone as a segment module (module.hpp).
struct MuscleToneModule {
  static constexpr std::string_view name = "muscle_tone";
  template <class S>
  using Params = MuscleToneParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr const auto& parameter_info = muscle_tone_parameter_info;
  static constexpr std::array<StateInfo, kMuscleToneSize> states{{
      {"tone_activation", "1", 0.0, 1.0, "involuntary (basal + reflex + spasm) activation"},
      {"reflex_inhibition", "1", 0.0, 1.0, "reflex inhibition by massage and pressure"},
      {"stiffness_reduction", "1", 0.0, 1.0, "passive-stiffness reduction by massage"},
  }};
  static constexpr std::array<OutputInfo, 3> outputs{{
      {"reflex_gain", "1", "stretch-reflex gain relative to baseline"},
      {"passive_stiffness_rel", "1", "passive stiffness relative to baseline"},
      {"muscle_activation", "1", "total (voluntary + involuntary) activation 0..1"},
  }};

  template <class S, class Bus>
  static void signals(const Params<S>& p, const S* x, Bus& bus, Work<S>&) {
    muscle_tone_outputs(p, x, bus);
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>&, S* dxdt) {
    muscle_tone_rhs(p, x, bus, dxdt);
  }
  template <class Bus>
  static void write_outputs(const Params<double>&, const double*, const Bus& bus, const Work<double>&, double* out) {
    out[0] = bus.reflex_gain;
    out[1] = bus.passive_stiffness_rel;
    out[2] = bus.muscle_activation;
  }
};

}  // namespace massagesim::models
