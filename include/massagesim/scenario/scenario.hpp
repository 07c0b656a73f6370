#pragma once
/// \file scenario.hpp
/// \brief A scenario as plain data: subject, limb, parameter overrides, protocol (phases), comparison
/// arms, outputs wanted and solver options; and the `Schedule` each arm builds from it.
///
/// Reading and writing scenario files is in `scenario_io.hpp` (compiled in `massagesim::runtime`);
/// this header parses nothing and does no I/O (style.md §3.2). The JSON format is described by
/// `schemas/scenario.schema.json`; member names here are the JSON field names.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/models/segment_tissue.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "massagesim/protocols/posture.hpp"
#include "massagesim/protocols/schedule.hpp"
#include "massagesim/protocols/technique.hpp"

namespace massagesim::scenario {

/// Who is simulated: a named parameter preset of the segment model and the posture at t = 0.
struct Subject {
  /// Preset name: "default_calf" or "default_forearm" (models/default_subject.hpp).
  std::string preset = "default_calf";
  protocols::Posture initial_posture = protocols::Posture::supine;
  /// Sides (`Limb::sides`) that start in a posture of their own, e.g. {"right", limb_raised}: one leg raised
  /// while the other lies; every other side starts in `initial_posture`.
  std::vector<std::pair<std::string, protocols::Posture>> initial_posture_by_side;
  /// Body mass [kg] and aerobic capacity [mL O2/min/kg], used only to convert a phase's `intensity_W`
  /// (the model itself works in fractions of VO2max); empty: the defaults below.
  std::optional<double> body_mass_kg;
  std::optional<double> VO2max_mL_per_min_per_kg;

  /// [GK] a young adult man; the lactate pool's 20 kg of working muscle (lactate_pool.hpp) is his legs'.
  static constexpr double default_body_mass_kg = 75.0;
  /// [GK] ACSM's normative VO2max of an untrained man of 20-39 years, ~40-48 mL/min/kg.
  static constexpr double default_VO2max_mL_per_min_per_kg = 45.0;
};

/// O2 cost of leg cycling (ACSM metabolic equation, ACSM's Guidelines for Exercise Testing and Prescription,
/// 10th ed. 2018, Table 6.3): VO2 [mL/min/kg] = 3.5 (rest) + 3.5 (unloaded pedalling) + 1.8 x work rate
/// [kg m/min] / body mass, with 1 W ~ 6 kg m/min, i.e. 10.8 mL O2/min per W; stated for 50-200 W.
inline constexpr double kCyclingO2_mL_per_min_per_W = 10.8;
inline constexpr double kCyclingO2Unloaded_mL_per_min_per_kg = 7.0;

/// Cycling power [W] as a fraction of the subject's VO2max (the ACSM leg-cycling equation above).
inline double cycling_fraction_VO2max(double power_W, const Subject& s) {
  const double m = s.body_mass_kg.value_or(Subject::default_body_mass_kg);
  const double vo2max = s.VO2max_mL_per_min_per_kg.value_or(Subject::default_VO2max_mL_per_min_per_kg);
  return (kCyclingO2_mL_per_min_per_W * power_W / m + kCyclingO2Unloaded_mL_per_min_per_kg) / vo2max;
}

/// The limb's segments, distal (index 0) to proximal.
struct Limb {
  std::vector<std::string> segment_names;  ///< one per segment, unique
  std::vector<double> segment_lengths_cm;  ///< one per segment, each > 0

  /// Optional, one per segment: a tissue preset (models/segment_tissue.hpp: foot, calf, thigh, forearm,
  /// upper_arm) giving the segment's mass as its mass per cm times the length. Empty: every segment has the
  /// subject preset's mass per cm (default_calf: 100 g/cm).
  std::vector<std::string> segment_tissue;
  /// Optional, one per segment, instead of segment_tissue: the segments' tissue masses [g].
  std::vector<double> segment_mass_g;
  /// Optional: names of the limbs that have these segments (two legs: {"left", "right"}), each a chain of
  /// its own draining centrally and sharing the systemic pool. Their segments are named
  /// "<side>_<segment>" (`model_segment_names`). Empty: one limb, segments named as given.
  std::vector<std::string> sides;

  /// Lightest and heaviest segment tissue [g] (the range of the tissue parameter tissue_mass_g).
  static constexpr double min_segment_mass_g = 200.0, max_segment_mass_g = 10000.0;

  /// Segments of one limb (the geometry).
  int n_segments() const noexcept { return static_cast<int>(segment_lengths_cm.size()); }
  /// Number of limbs of this geometry (1 without sides).
  int n_sides() const noexcept { return sides.empty() ? 1 : static_cast<int>(sides.size()); }
  /// Segments of the model: every limb's.
  int n_model_segments() const noexcept { return n_sides() * n_segments(); }
  /// The model's segment names (what outputs, overrides and working_segments name): `segment_names`
  /// without sides, else "<side>_<segment>" limb after limb.
  std::vector<std::string> model_segment_names() const { return protocols::limb_segment_names(segment_names, sides); }
  protocols::LimbGeometry geometry() const { return protocols::LimbGeometry(segment_lengths_cm); }

  /// The segments' tissue masses [g] from segment_mass_g or segment_tissue; empty when neither is given
  /// (the subject preset's mass per cm applies). \throws InvalidArgument on a wrong count or a mass outside
  /// [min_segment_mass_g, max_segment_mass_g]; UnknownName on an unknown preset.
  std::vector<double> segment_masses_g() const {
    MASSAGESIM_CHECK(segment_tissue.empty() || segment_mass_g.empty(),
                     "limb.segment_mass_g: give either segment_tissue (presets) or segment_mass_g (masses), not both");
    std::vector<double> m = segment_mass_g;
    const char* field = "segment_mass_g";
    if (!segment_tissue.empty()) {
      field = "segment_tissue";
      MASSAGESIM_CHECK(segment_tissue.size() == segment_lengths_cm.size(), "limb.segment_tissue: expected ",
                       segment_lengths_cm.size(), " presets (one per segment), got ", segment_tissue.size());
      for (std::size_t i = 0; i < segment_tissue.size(); ++i)
        m.push_back(models::segment_tissue_preset(segment_tissue[i]).mass_per_cm_g() * segment_lengths_cm[i]);
    }
    MASSAGESIM_CHECK(m.empty() || m.size() == segment_lengths_cm.size(), "limb.segment_mass_g: expected ",
                     segment_lengths_cm.size(), " masses (one per segment), got ", m.size());
    for (std::size_t i = 0; i < m.size(); ++i)
      MASSAGESIM_CHECK(std::isfinite(m[i]) && m[i] >= min_segment_mass_g && m[i] <= max_segment_mass_g, "limb.", field,
                       "[", i, "]: expected a segment tissue mass in [", min_segment_mass_g, ", ", max_segment_mass_g,
                       "] g, got ", m[i],
                       segment_tissue.empty()
                           ? std::string()
                           : massagesim::detail::concat(" g ('", segment_tissue[i], "' over ", segment_lengths_cm[i],
                                                        " cm); give a longer segment or its mass in segment_mass_g"));
    return m;
  }
};

/// One parameter override, applied in order to the model's parameter registry
/// (`models::ParameterRegistry::set`).
struct ParameterOverride {
  std::string name;
  double value = 0.0;
  bool allow_out_of_range = false;  ///< passed on to the registry
};

/// One phase of the protocol as written in the file (before it becomes a `protocols::Phase`).
struct PhaseSpec {
  protocols::PhaseKind kind = protocols::PhaseKind::rest;
  double duration_s = 0.0;
  /// Absolute start [s]; empty = right after the previous phase. A gap is filled with rest.
  std::optional<double> start_s;
  /// Fraction of VO2max (exercise: this or `intensity_fraction_lactate_threshold` required; active_recovery:
  /// default 0.3; others: unused).
  std::optional<double> intensity_fraction_VO2max;
  /// Exercise, active recovery: intensity as a multiple of the subject's lactate threshold (the parameter
  /// `production_threshold_intensity`, a fraction of VO2max: the lactate pool's for a whole-body effort, the
  /// working segments' for the limb's muscles alone); converted when the schedule is built on the limb's
  /// parameters (`LactateThresholds`), so an override of the threshold moves the intensity with it.
  std::optional<double> intensity_fraction_lactate_threshold;
  /// Exercise, active recovery of the whole body: cycling power [W], converted with the subject's body mass
  /// and VO2max (`cycling_fraction_VO2max`) when the scenario's schedule is built.
  std::optional<double> intensity_W;
  /// Exercise, active recovery: a whole-body effort (default) or this limb's muscles alone
  /// (`protocols::MuscleGroup::whole_body`).
  bool whole_body = true;
  /// Exercise, active recovery: names of the segments that work (`Limb::model_segment_names`); empty = every
  /// segment.
  std::vector<std::string> working_segments;
  /// Exercise, active recovery, massage, compression: the limbs (`Limb::sides`) the phase acts on; posture
  /// change: the limbs that change posture (the others keep theirs); empty = every limb.
  std::vector<std::string> sides;
  /// Exercise, active recovery: rhythmic contractions of the working segments (the muscle pump); none: a
  /// steady effort.
  std::optional<protocols::Contractions> contractions;
  /// Any phase: a prescribed factor on the blood-flow conductance of all the model's muscle while it lasts
  /// (`protocols::Phase::muscle_flow_multiplier`, a sensitivity input); empty = 1, none.
  std::optional<double> muscle_flow_multiplier;
  /// New posture (posture_change only).
  protocols::Posture posture = protocols::Posture::supine;
  /// Technique and its parameters (massage: a manual technique; compression: a device).
  std::optional<protocols::TechniqueParams> technique;
};

/// A comparison arm: the scenario's protocol with every phase of a kind in `replace_kinds`
/// replaced by a phase of kind `replace_with` of equal duration (and start). No replacement =
/// the protocol as written.
struct Arm {
  std::string name;
  std::string description;
  std::vector<protocols::PhaseKind> replace_kinds;  ///< empty: the protocol unchanged
  protocols::PhaseKind replace_with = protocols::PhaseKind::passive_recovery;
  /// Intensity when replacing with active recovery (fraction of VO2max); empty = the default 0.3.
  std::optional<double> intensity_fraction_VO2max;
};

/// What to save.
struct Outputs {
  /// State, observable or input names (e.g. "venous_outflow_mL_per_min", "applied_pressure_mmHg").
  std::vector<std::string> names;
  /// Sampling interval of the saved series [s].
  double save_every_s = 1.0;
};

/// Solver settings (see solver/step_control.hpp).
struct SolverOptions {
  std::string stepper =
      "bdf";  ///< a name of `stepper_names` (simulation/stepper_table.hpp); bdf by measurement (issue 15)
  double rtol = 1e-6;
  double atol = 1e-9;
  double dt_max_s = std::numeric_limits<double>::infinity();  ///< infinite = no limit
};

/// A complete scenario. The loader fills `schedule` with the protocol of the first arm (or the
/// protocol as written when there are no arms); `build_schedule` gives any arm's.
struct Scenario {
  std::string name;
  std::string description;
  Subject subject;
  Limb limb;
  std::vector<ParameterOverride> parameters;
  std::vector<PhaseSpec> protocol;
  std::vector<Arm> arms;
  Outputs outputs;
  SolverOptions solver;
  /// Built from `limb`, `subject.initial_posture` and `protocol` (derived data, not written out).
  std::optional<protocols::Schedule> schedule;
};

/// The phases of `protocol` as arm `arm` sees them (replacements applied).
inline std::vector<PhaseSpec> arm_phases(const std::vector<PhaseSpec>& protocol, const Arm& arm) {
  std::vector<PhaseSpec> out;
  out.reserve(protocol.size());
  for (const PhaseSpec& ph : protocol) {
    bool replace = false;
    for (auto k : arm.replace_kinds) replace = replace || (k == ph.kind);
    if (!replace) {
      out.push_back(ph);
      continue;
    }
    PhaseSpec r;
    r.kind = arm.replace_with;
    r.duration_s = ph.duration_s;
    r.start_s = ph.start_s;
    if (r.kind == protocols::PhaseKind::active_recovery) r.intensity_fraction_VO2max = arm.intensity_fraction_VO2max;
    out.push_back(std::move(r));
  }
  return out;
}

/// The subject's lactate thresholds [fraction of VO2max] that `intensity_fraction_lactate_threshold` refers
/// to: the lactate pool's lumped working muscle (a whole-body effort) and each segment's (the limb's muscles
/// alone). `scenario_lactate_thresholds` (scenario_io.hpp) reads them from a limb's parameters.
struct LactateThresholds {
  double whole_body_fraction_VO2max = 0.0;
  std::vector<double> segment_fraction_VO2max;  ///< one per segment, distal first
};

/// A phase's intensity as a fraction of VO2max: `intensity_fraction_VO2max`, or the lactate-threshold
/// multiple times the threshold of the muscles that work (`fallback` when neither is given).
/// \throws InvalidArgument when the threshold is needed but `lt` is null, or when the working segments'
///         thresholds differ (no single threshold to refer to)
inline double phase_intensity_fraction_VO2max(const PhaseSpec& ph, const LactateThresholds* lt, double fallback,
                                              const std::vector<int>& working, double max_fraction_VO2max) {
  if (ph.intensity_fraction_VO2max) return *ph.intensity_fraction_VO2max;
  MASSAGESIM_CHECK(!ph.intensity_W, "intensity_W = ", ph.intensity_W.value_or(0.0),
                   ": watts are converted with the subject's body mass and VO2max; build the schedule from the "
                   "scenario (build_schedule(scenario, ...)), or give intensity_fraction_VO2max");
  if (!ph.intensity_fraction_lactate_threshold) return fallback;
  const double f = *ph.intensity_fraction_lactate_threshold;
  MASSAGESIM_CHECK(lt != nullptr, "intensity_fraction_lactate_threshold = ", f,
                   ": the schedule was built without the subject's lactate thresholds; build it on the limb's "
                   "parameters (scenario_lactate_thresholds), or give intensity_fraction_VO2max");
  auto checked = [&](double thr, const char* whose) {
    const double v = f * thr;
    MASSAGESIM_CHECK(v <= max_fraction_VO2max, "intensity_fraction_lactate_threshold = ", f,
                     " x the lactate threshold (", whose, " production_threshold_intensity ", thr, " x VO2max) = ", v,
                     " x VO2max: expected at most ", max_fraction_VO2max,
                     " x VO2max for this phase, i.e. a multiple <= ", max_fraction_VO2max / thr);
    return v;
  };
  if (ph.whole_body) return checked(lt->whole_body_fraction_VO2max, "the lactate pool's");
  const std::size_t n = lt->segment_fraction_VO2max.size();
  std::vector<int> segs = working;
  if (segs.empty())
    for (std::size_t i = 0; i < n; ++i) segs.push_back(static_cast<int>(i));
  MASSAGESIM_CHECK(!segs.empty() && static_cast<std::size_t>(segs.front()) < n,
                   "intensity_fraction_lactate_threshold: no lactate threshold for the working segments (", n,
                   " given)");
  const double thr = lt->segment_fraction_VO2max[static_cast<std::size_t>(segs.front())];
  for (int i : segs) {
    MASSAGESIM_CHECK(static_cast<std::size_t>(i) < n,
                     "intensity_fraction_lactate_threshold: no lactate threshold "
                     "for segment ",
                     i, " (", n, " given)");
    const double ti = lt->segment_fraction_VO2max[static_cast<std::size_t>(i)];
    MASSAGESIM_CHECK(ti == thr, "intensity_fraction_lactate_threshold = ", f,
                     ": the working segments' lactate thresholds differ (production_threshold_intensity ", thr, " and ",
                     ti,
                     " x VO2max), so there is no single threshold to refer to; give intensity_fraction_VO2max, or "
                     "the same threshold to every working segment");
  }
  return checked(thr, "the working segments'");
}

namespace limb_detail {
/// The index of each of `names` in `known` (the limb's segments or sides).
/// \throws InvalidArgument "<field>: '<name>' is not a <what> of the limb; expected one of: ..." (or
///         `if_none` when the limb has none)
inline std::vector<int> indices_on_limb(const std::vector<std::string>& names, const std::vector<std::string>& known,
                                        std::string_view field, std::string_view what, std::string_view if_none) {
  std::vector<int> out;
  for (const auto& name : names) {
    const auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end()) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      MASSAGESIM_CHECK(false, field, ": '", name, "' is not a ", what, " of the limb; ",
                       known.empty() ? std::string(if_none) : "expected one of: " + list);
    }
    out.push_back(static_cast<int>(it - known.begin()));
  }
  return out;
}
}  // namespace limb_detail

/// The muscles a phase works, with its segment names resolved on `limb`.
/// \throws InvalidArgument naming an unknown segment and the limb's segments
inline protocols::MuscleGroup muscle_group(const Limb& limb, const PhaseSpec& ph) {
  protocols::MuscleGroup g;
  g.whole_body = ph.whole_body;
  g.contractions = ph.contractions;
  g.segments = limb_detail::indices_on_limb(ph.working_segments, limb.model_segment_names(), "working_segments",
                                            "segment", "the limb has no segments");
  return g;
}

/// The indices of the limbs a phase names in `sides` (empty: every limb).
/// \throws InvalidArgument naming an unknown side and the limb's sides
inline std::vector<int> phase_sides(const Limb& limb, const PhaseSpec& ph) {
  return limb_detail::indices_on_limb(ph.sides, limb.sides, "sides", "side",
                                      "the limb has no sides (give limb.sides, e.g. [\"left\", \"right\"])");
}

/// Each limb's posture at t = 0: `subject.initial_posture`, or its side's entry of `initial_posture_by_side`.
/// \throws InvalidArgument naming an unknown or repeated side and the limb's sides
inline std::vector<protocols::Posture> initial_limb_postures(const Limb& limb, const Subject& subject) {
  std::vector<protocols::Posture> out(static_cast<std::size_t>(limb.n_sides()), subject.initial_posture);
  std::vector<bool> given(out.size(), false);
  for (const auto& [side, posture] : subject.initial_posture_by_side) {
    const int l = limb_detail::indices_on_limb({side}, limb.sides, "subject.initial_posture_by_side", "side",
                                               "the limb has no sides (give limb.sides, e.g. [\"left\", \"right\"])")
                      .front();
    MASSAGESIM_CHECK(!given[static_cast<std::size_t>(l)], "subject.initial_posture_by_side: side '", side,
                     "' given twice; expected each side once");
    given[static_cast<std::size_t>(l)] = true;
    out[static_cast<std::size_t>(l)] = posture;
  }
  return out;
}

/// \throws InvalidArgument with "protocol[i] (kind): ..." prefixed to the schedule's message
/// `lt`: the subject's lactate thresholds, needed only by phases that give
/// `intensity_fraction_lactate_threshold` (null: such a phase is refused with a message that says so).
inline protocols::Schedule build_schedule(const Limb& limb, const Subject& subject,
                                          const std::vector<PhaseSpec>& phases, const LactateThresholds* lt = nullptr) {
  using protocols::PhaseKind;
  protocols::Schedule s(limb.geometry(), initial_limb_postures(limb, subject));
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const PhaseSpec& ph = phases[i];
    try {
      if (ph.start_s) s.at(*ph.start_s);
      switch (ph.kind) {
        case PhaseKind::rest:
          s.rest(ph.duration_s);
          break;
        case PhaseKind::passive_recovery:
          s.passive_recovery(ph.duration_s);
          break;
        case PhaseKind::exercise: {
          MASSAGESIM_CHECK(ph.intensity_fraction_VO2max || ph.intensity_fraction_lactate_threshold || ph.intensity_W,
                           "intensity_fraction_VO2max, intensity_fraction_lactate_threshold or intensity_W: one is "
                           "required for exercise, got none");
          const auto g = muscle_group(limb, ph);
          s.exercise(
              ph.duration_s,
              phase_intensity_fraction_VO2max(ph, lt, 0.0, g.segments, protocols::Schedule::max_exercise_intensity), g);
          break;
        }
        case PhaseKind::active_recovery: {
          const auto g = muscle_group(limb, ph);
          s.active_recovery(ph.duration_s,
                            phase_intensity_fraction_VO2max(
                                ph, lt, protocols::Schedule::default_active_recovery_intensity, g.segments, 1.0),
                            g);
          break;
        }
        case PhaseKind::massage:
          MASSAGESIM_CHECK(ph.technique.has_value(), "technique: required for massage, got none");
          s.massage(ph.duration_s, *ph.technique);
          break;
        case PhaseKind::compression:
          MASSAGESIM_CHECK(ph.technique.has_value(), "technique: required for compression, got none");
          s.compression(ph.duration_s, *ph.technique);
          break;
        case PhaseKind::posture_change:
          s.posture_change(ph.duration_s, ph.posture);
          break;
      }
      if (!ph.sides.empty()) s.on_limbs(phase_sides(limb, ph));
      if (ph.muscle_flow_multiplier) s.with_muscle_flow_multiplier(*ph.muscle_flow_multiplier);
    } catch (const UnknownName& e) {
      throw UnknownName(detail::concat("protocol[", i, "] (", protocols::to_string(ph.kind), "): ", e.what()));
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(detail::concat("protocol[", i, "] (", protocols::to_string(ph.kind), "): ", e.what()));
    }
  }
  return s;
}

/// `phases` with every `intensity_W` converted to a fraction of the subject's VO2max (cycling, whole body).
/// \throws InvalidArgument for watts on the limb's muscles alone, or a power past the phase's bound
inline std::vector<PhaseSpec> with_watts_converted(std::vector<PhaseSpec> phases, const Subject& subject) {
  for (std::size_t i = 0; i < phases.size(); ++i) {
    PhaseSpec& ph = phases[i];
    if (!ph.intensity_W) continue;
    const double w = *ph.intensity_W;
    MASSAGESIM_CHECK(ph.whole_body, "protocol[", i, "] (", protocols::to_string(ph.kind), "): intensity_W = ", w,
                     ": watts are converted with the leg-cycling O2 cost of a whole-body effort; for the limb's "
                     "muscles alone give intensity_fraction_VO2max (a fraction of their own peak)");
    const double f = cycling_fraction_VO2max(w, subject);
    const double max = ph.kind == protocols::PhaseKind::exercise ? protocols::Schedule::max_exercise_intensity : 1.0;
    MASSAGESIM_CHECK(f > 0.0 && f <= max, "protocol[", i, "] (", protocols::to_string(ph.kind), "): intensity_W = ", w,
                     " W is ", f, " x VO2max for this subject (body mass ",
                     subject.body_mass_kg.value_or(Subject::default_body_mass_kg), " kg, VO2max ",
                     subject.VO2max_mL_per_min_per_kg.value_or(Subject::default_VO2max_mL_per_min_per_kg),
                     " mL/min/kg; ACSM leg-cycling O2 cost): expected at most ", max, " x VO2max");
    ph.intensity_fraction_VO2max = f;
    ph.intensity_W.reset();
  }
  return phases;
}

/// The schedule of arm `arm` of `sc`.
inline protocols::Schedule build_schedule(const Scenario& sc, const Arm& arm, const LactateThresholds* lt = nullptr) {
  return build_schedule(sc.limb, sc.subject, with_watts_converted(arm_phases(sc.protocol, arm), sc.subject), lt);
}
/// The schedule of the protocol as written.
inline protocols::Schedule build_schedule(const Scenario& sc, const LactateThresholds* lt = nullptr) {
  return build_schedule(sc.limb, sc.subject, with_watts_converted(sc.protocol, sc.subject), lt);
}

}  // namespace massagesim::scenario
