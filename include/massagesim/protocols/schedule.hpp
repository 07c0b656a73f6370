#pragma once
/// \file schedule.hpp
/// \brief A protocol as phases in sequence (rest, exercise, massage, compression, recovery,
/// posture changes) and the inputs it gives each segment at any time.
///
/// Phases follow one another, so they cannot overlap; `at(t_s)` starts the next phase at an
/// absolute time (a gap becomes rest; a time inside the schedule so far is an overlap and throws).
/// Inputs are right-continuous: at a phase boundary the new phase applies. `breakpoints()` lists
/// the phase boundaries and, inside each phase, its technique's breakpoints, so the solver lands
/// on every jump (style.md §3.6 item 9).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/protocols/envelope.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "massagesim/protocols/posture.hpp"
#include "massagesim/protocols/technique.hpp"

namespace massagesim::protocols {

enum class PhaseKind { rest, exercise, active_recovery, massage, compression, passive_recovery, posture_change };

inline std::string_view to_string(PhaseKind k) noexcept {
  switch (k) {
    case PhaseKind::rest:
      return "rest";
    case PhaseKind::exercise:
      return "exercise";
    case PhaseKind::active_recovery:
      return "active_recovery";
    case PhaseKind::massage:
      return "massage";
    case PhaseKind::compression:
      return "compression";
    case PhaseKind::passive_recovery:
      return "passive_recovery";
    case PhaseKind::posture_change:
      return "posture_change";
  }
  return "unknown";
}

/// What the protocol gives one segment at one time (names as in `models::SegmentSignals`).
struct SegmentInputs {
  double applied_pressure_mmHg = 0.0;  ///< external pressure on the skin
  double exercise_intensity = 0.0;     ///< fraction of VO2max
  double whole_body_exercise = 0.0;    ///< 1: the muscle works in whole-body exercise (MuscleGroup::whole_body)
  double height_above_heart_cm = 0.0;  ///< posture: + above the heart
  double massage_drive = 0.0;          ///< 0..1 mechanoreceptor stimulation
  /// The part of applied_pressure_mmHg from a circumferential device (compression phases: cuffs and
  /// sleeves), which also squeezes the conduit vessels crossing the segment (models/limb.hpp).
  double circumferential_pressure_mmHg = 0.0;
  /// Intramuscular pressure of rhythmic contractions (the muscle pump; `Contractions`): squeezes the
  /// muscle's veins and lymphatics from inside, not the skin (no pressure pain, no massage drive).
  double contraction_pressure_mmHg = 0.0;
  /// Prescribed factor on the blood-flow conductance of muscle (`Phase::muscle_flow_multiplier`); 1: none.
  double muscle_flow_multiplier = 1.0;

  /// Field by field (so a new field is compared without touching the callers).
  friend bool operator==(const SegmentInputs&, const SegmentInputs&) = default;
};

/// Rhythmic contractions of the working muscles: the muscle pump that empties veins and drives lymph.
/// Half-sine contraction pressure of Magosso & Ursino 2002 Eqs. 2-3 (physiology.md §2a, "Muscle pump forcing"):
///   P_c(t) = A sin(pi t_c / T_im) for t_c = (t - start) mod T_c < T_im, else 0,
///   T_c = 60 / cadence_per_min, T_im = duty_cycle T_c, A = pressure_mmHg.
/// The pulse-train machinery of envelope.hpp finds the cycle and lists its joints (contraction begin and
/// end, where the slope jumps) as breakpoints.
struct Contractions {
  /// Contractions per minute of each working muscle; default: slow walking, ~50 strides/min per leg [GK].
  double cadence_per_min = 50.0;
  /// Fraction of each cycle spent contracting; default 0.4 (Magosso & Ursino 2002: 0.4-0.6).
  double duty_cycle = 0.4;
  /// Peak intramuscular pressure of a contraction above rest [mmHg]; default: maximal calf contraction,
  /// up to 87 mmHg (118 cmH2O, physiology.md §1E and §3 "intramuscular pressure").
  double pressure_mmHg = 87.0;
  /// With several limbs (two legs), the fraction of a cycle by which each limb lags the one before it;
  /// default 0.5: the legs alternate, as in cycling and walking [GK]; 0: every limb contracts together.
  double limb_offset_cycles = 0.5;

  /// Fastest cadence accepted [1/min]: 240/min (4 Hz) is above maximal pedalling (~200 rpm [GK]); each
  /// cycle adds two breakpoints, so the solver resolves every contraction (cf. the 50-Hz technique limit,
  /// scenario/limits.hpp).
  static constexpr double max_cadence_per_min = 240.0;
  static constexpr double min_cadence_per_min = 1.0;
  /// Duty cycles accepted: below 0.1 or above 0.9 the contraction or the refill between contractions is
  /// too short to pump.
  static constexpr double min_duty_cycle = 0.1, max_duty_cycle = 0.9;

  /// The cycle as a pulse train starting at `start_s`: each pulse "rises" over the contraction T_im.
  PulseTrain train(double start_s) const noexcept {
    PulseTrain tr;
    tr.start_s = start_s;
    tr.period_s = 60.0 / cadence_per_min;
    tr.rise_s = duty_cycle * tr.period_s;
    tr.rise_shape = RampShape::linear;
    return tr;
  }
  /// When limb `limb`'s contractions begin, for a phase that starts at `start_s` (limb 0 at once).
  double limb_start_s(double start_s, int limb) const noexcept {
    return start_s + limb * limb_offset_cycles * (60.0 / cadence_per_min);
  }
  /// P_c at t_s of contractions that began at `start_s` [mmHg]; 0 before it.
  double pressure_at_mmHg(double t_s, double start_s) const noexcept {
    const PulseTrain tr = train(start_s);
    const long k = tr.pulse_index(t_s);
    if (k < 0) return 0.0;
    const double b = tr.pulse_begin_s(k);
    if (!(t_s < b + tr.rise_s)) return 0.0;
    return pressure_mmHg * std::sin(std::numbers::pi * ((t_s - b) / tr.rise_s));
  }
  /// \throws InvalidArgument naming the field and its allowed range (`what`: the phase kind)
  void validate(std::string_view what) const {
    MASSAGESIM_CHECK(std::isfinite(cadence_per_min) && cadence_per_min >= min_cadence_per_min &&
                         cadence_per_min <= max_cadence_per_min,
                     what, ".contractions.cadence_per_min: expected contractions per minute in [", min_cadence_per_min,
                     ", ", max_cadence_per_min, "], got ", cadence_per_min);
    MASSAGESIM_CHECK(std::isfinite(duty_cycle) && duty_cycle >= min_duty_cycle && duty_cycle <= max_duty_cycle, what,
                     ".contractions.duty_cycle: expected the contracting fraction of a cycle in [", min_duty_cycle,
                     ", ", max_duty_cycle, "], got ", duty_cycle);
    // The pressure limit of every protocol input (detail/checks.hpp) is above the highest measured
    // intramuscular pressures (soleus 269 +/- 95 mmHg running, Ballard 1998 J Appl Physiol 84:1976).
    MASSAGESIM_CHECK(std::isfinite(pressure_mmHg) && pressure_mmHg >= 0.0 && pressure_mmHg <= max_pressure_mmHg, what,
                     ".contractions.pressure_mmHg: expected a peak intramuscular pressure in [0, ", max_pressure_mmHg,
                     "] mmHg, got ", pressure_mmHg);
    MASSAGESIM_CHECK(std::isfinite(limb_offset_cycles) && limb_offset_cycles >= 0.0 && limb_offset_cycles < 1.0, what,
                     ".contractions.limb_offset_cycles: expected a fraction of a cycle in [0, 1), got ",
                     limb_offset_cycles);
  }
};

/// Which muscles an exercise or active-recovery phase works.
struct MuscleGroup {
  /// true: a whole-body effort (cycling): the intensity is a fraction of whole-body VO2max, the rest of the body's
  /// working muscle (the lactate pool's lumped muscle) works too and the cardiac output caps muscle flow; false:
  /// this limb's muscles alone (one-leg knee extension): the intensity is a fraction of their own peak and the
  /// rest of the body rests.
  bool whole_body = true;
  /// Indices of the segments that work; empty = every segment of the limb.
  std::vector<int> segments;
  /// Rhythmic contractions of the working segments (the muscle pump); none: a steady effort.
  std::optional<Contractions> contractions;

  bool works(int segment) const noexcept {
    return segments.empty() || std::find(segments.begin(), segments.end(), segment) != segments.end();
  }
};

/// One phase of a schedule.
struct Phase {
  PhaseKind kind = PhaseKind::rest;
  double start_s = 0.0;
  double duration_s = 0.0;
  double exercise_intensity = 0.0;  ///< fraction of VO2max (exercise, active recovery)
  MuscleGroup muscles;              ///< exercise, active recovery: which muscles work
  /// Each limb's posture during the phase (a posture change: the one it sets on its `limbs`, the others kept).
  std::vector<Posture> limb_postures;
  std::optional<Technique> technique;  ///< massage or compression phases
  std::vector<double> heights_cm;      ///< height of each segment above the heart in this posture
  /// Exercise, active recovery, massage, compression: the limbs (indices) its technique and its working
  /// muscles act on; posture change: the limbs that change posture (the others keep theirs); empty = every limb.
  std::vector<int> limbs;
  /// Prescribed factor on the blood-flow conductance of all the model's muscle (every segment's muscle part and
  /// the lactate pool's lumped working muscle) for the phase: a sensitivity input for a mechanism the model
  /// lacks or a hypothesis to test (e.g. massage lowering muscle inflow to 0.76, Wiltshire 2010), not a
  /// mechanism; 1 = none (`Schedule::with_muscle_flow_multiplier`).
  double muscle_flow_multiplier = 1.0;

  double end_s() const noexcept { return start_s + duration_s; }
  /// Whether the phase acts on limb `l`.
  bool on_limb(int l) const noexcept {
    return limbs.empty() || std::find(limbs.begin(), limbs.end(), l) != limbs.end();
  }
};

/// Phases in sequence on one limb, or on `n_limbs` limbs of the same geometry (two legs): their segments
/// are numbered limb after limb (limb l's segment i is l * segments_per_limb() + i), each limb has its own
/// posture (one leg raised, the other lying), and a phase acts on the limbs `on_limbs` gives it (default: all).
class Schedule {
 public:
  /// Largest exercise intensity accepted: all-out sprints, ~2.8 x the VO2max power over 10 s and ~2.2 x over a
  /// 30-s Wingate [GK] (Beneke 2007's sprints, physiology.md §1A; Gupta 1996's bouts are at 1.5 x). Nothing yet
  /// limits how long a supramaximal intensity is held (no fatigue model, issue 12).
  static constexpr double max_exercise_intensity = 3.0;
  /// Active-recovery default intensity: 30 % VO2max (Gupta 1996, physiology.md §1A).
  static constexpr double default_active_recovery_intensity = 0.3;

  /// Muscle flow multipliers accepted (`with_muscle_flow_multiplier`): a quarter to four times the model's own
  /// conductance, around the 0.76 of Wiltshire 2010 and the ~2x spread of measured exercise perfusion; past
  /// them the question is an occlusion (a cuff) or a different subject, not a sensitivity.
  static constexpr double min_muscle_flow_multiplier = 0.25, max_muscle_flow_multiplier = 4.0;

  /// Largest number of limbs (the two legs and the two arms).
  static constexpr int max_limbs = 4;

  /// Every limb starts in posture `initial`.
  explicit Schedule(LimbGeometry limb, Posture initial = Posture::supine, PostureTable postures = {}, int n_limbs = 1)
      : Schedule(std::move(limb), std::vector<Posture>(checked_n_limbs(n_limbs), initial), std::move(postures)) {}
  /// Limb l starts in posture `initial[l]`; one limb per entry (1 ... max_limbs).
  Schedule(LimbGeometry limb, std::vector<Posture> initial, PostureTable postures = {})
      : limb_(std::move(limb)),
        postures_(std::move(postures)),
        initial_postures_(std::move(initial)),
        n_limbs_(static_cast<int>(initial_postures_.size())) {
    checked_n_limbs(n_limbs_);
    postures_.validate();
    initial_heights_ = heights_cm(initial_postures_);
  }

  // --- building -------------------------------------------------------------------------------
  /// Rest in the current posture.
  Schedule& rest(double duration_s) { return add(PhaseKind::rest, duration_s, 0.0, std::nullopt); }
  /// Passive recovery (rest after exercise) in the current posture.
  Schedule& passive_recovery(double duration_s) {
    return add(PhaseKind::passive_recovery, duration_s, 0.0, std::nullopt);
  }
  /// Exercise at `intensity` (fraction of VO2max, in (0, 3]) of the muscles `group` (default: whole body),
  /// with the group's rhythmic contractions if it has them.
  Schedule& exercise(double duration_s, double intensity, MuscleGroup group = {}) {
    check_intensity("exercise", intensity, max_exercise_intensity);
    check_group("exercise", group);
    add(PhaseKind::exercise, duration_s, intensity, std::nullopt);
    phases_.back().muscles = std::move(group);
    return *this;
  }
  /// Low-intensity exercise after exercise (fraction of VO2max in (0, 1]).
  Schedule& active_recovery(double duration_s, double intensity = default_active_recovery_intensity,
                            MuscleGroup group = {}) {
    check_intensity("active_recovery", intensity, 1.0);
    check_group("active_recovery", group);
    add(PhaseKind::active_recovery, duration_s, intensity, std::nullopt);
    phases_.back().muscles = std::move(group);
    return *this;
  }
  /// Manual massage with a hand technique (not a device).
  Schedule& massage(double duration_s, const TechniqueParams& technique) {
    MASSAGESIM_CHECK(!is_device_technique(technique_name(technique)), "massage: technique '", technique_name(technique),
                     "' is a device; expected a manual technique (static_compression, effleurage, petrissage, "
                     "tapotement, deep_friction) or use compression()");
    return add(PhaseKind::massage, duration_s, 0.0, technique);
  }
  /// Manual massage with a technique by name and its default parameters.
  Schedule& massage(double duration_s, std::string_view technique_name) {
    return massage(duration_s, default_technique_params(technique_name));
  }
  /// Device compression (sequential_compression, occlusion_cuff).
  Schedule& compression(double duration_s, const TechniqueParams& technique) {
    MASSAGESIM_CHECK(is_device_technique(technique_name(technique)), "compression: technique '",
                     technique_name(technique),
                     "' is applied by hand; expected a device (sequential_compression, occlusion_cuff) or use "
                     "massage()");
    return add(PhaseKind::compression, duration_s, 0.0, technique);
  }
  Schedule& compression(double duration_s, std::string_view technique_name) {
    return compression(duration_s, default_technique_params(technique_name));
  }
  /// The last phase added acts on limbs `limbs` only (indices in [0, n_limbs()), each once; not empty). A posture
  /// change then moves those limbs only; the others keep the posture they had before it.
  /// \throws InvalidArgument for a rest or passive recovery, or a wrong index
  /// Sets the last phase's prescribed factor on the blood-flow conductance of all the model's muscle
  /// (`Phase::muscle_flow_multiplier`), in [min_muscle_flow_multiplier, max_muscle_flow_multiplier].
  Schedule& with_muscle_flow_multiplier(double k) {
    MASSAGESIM_CHECK(!phases_.empty(), "with_muscle_flow_multiplier: no phase yet; add the phase first");
    Phase& ph = phases_.back();
    MASSAGESIM_CHECK(std::isfinite(k) && k >= min_muscle_flow_multiplier && k <= max_muscle_flow_multiplier,
                     to_string(ph.kind),
                     ".muscle_flow_multiplier: expected a factor on muscle blood-flow conductance in [",
                     min_muscle_flow_multiplier, ", ", max_muscle_flow_multiplier, "] (1: none), got ", k);
    ph.muscle_flow_multiplier = k;
    return *this;
  }

  Schedule& on_limbs(std::vector<int> limbs) {
    MASSAGESIM_CHECK(!phases_.empty(), "on_limbs: no phase yet; add the phase first");
    Phase& ph = phases_.back();
    MASSAGESIM_CHECK(ph.kind == PhaseKind::exercise || ph.kind == PhaseKind::active_recovery ||
                         ph.kind == PhaseKind::massage || ph.kind == PhaseKind::compression ||
                         ph.kind == PhaseKind::posture_change,
                     to_string(ph.kind),
                     ".limbs: only exercise, active_recovery, massage, compression and posture_change act on chosen "
                     "limbs");
    MASSAGESIM_CHECK(!limbs.empty(), to_string(ph.kind),
                     ".limbs: expected at least one limb (omit it for all), got none");
    for (std::size_t i = 0; i < limbs.size(); ++i) {
      MASSAGESIM_CHECK(limbs[i] >= 0 && limbs[i] < n_limbs_, to_string(ph.kind),
                       ".limbs: expected limb indices in [0, ", n_limbs_ - 1, "], got ", limbs[i]);
      for (std::size_t j = 0; j < i; ++j)
        MASSAGESIM_CHECK(limbs[j] != limbs[i], to_string(ph.kind), ".limbs: expected each limb once, got ", limbs[i],
                         " twice");
    }
    ph.limbs = std::move(limbs);
    if (ph.kind == PhaseKind::posture_change) {
      // Limbs the change leaves out go back to the posture they held before it.
      const std::size_t k = phases_.size() - 1;
      const std::vector<Posture>& before = k == 0 ? initial_postures_ : phases_[k - 1].limb_postures;
      for (int l = 0; l < n_limbs_; ++l)
        if (!ph.on_limb(l)) ph.limb_postures[static_cast<std::size_t>(l)] = before[static_cast<std::size_t>(l)];
      ph.heights_cm = heights_cm(ph.limb_postures);
    }
    return *this;
  }
  /// Changes posture (of every limb; `on_limbs` chooses some), then rests for `duration_s` (>= 0) in it; later
  /// phases keep the posture.
  Schedule& posture_change(double duration_s, Posture p) {
    return add(PhaseKind::posture_change, duration_s, 0.0, std::nullopt, /*allow_zero=*/true,
               std::vector<Posture>(static_cast<std::size_t>(n_limbs_), p));
  }
  /// The next phase starts at the absolute time `start_s`; the gap since the end so far is rest.
  /// \throws InvalidArgument when `start_s` lies before the end so far (the phases would overlap)
  Schedule& at(double start_s) {
    MASSAGESIM_CHECK(std::isfinite(start_s), "at.start_s: expected a finite time, got ", start_s);
    MASSAGESIM_CHECK(start_s >= duration_s(), "at.start_s: ", start_s, " s overlaps the previous phase, which ends at ",
                     duration_s(), " s; expected start_s >= ", duration_s(), " s");
    if (start_s > duration_s()) add(PhaseKind::rest, start_s - duration_s(), 0.0, std::nullopt);
    return *this;
  }

  // --- queries --------------------------------------------------------------------------------
  /// The geometry of one limb (every limb has it).
  const LimbGeometry& limb() const noexcept { return limb_; }
  int n_limbs() const noexcept { return n_limbs_; }
  int segments_per_limb() const noexcept { return limb_.n_segments(); }
  /// Segments of every limb.
  int n_segments() const noexcept { return n_limbs_ * limb_.n_segments(); }
  /// The limb of segment `segment`, and its index in that limb's geometry.
  int limb_of(int segment) const noexcept { return segment / limb_.n_segments(); }
  int local_segment(int segment) const noexcept { return segment % limb_.n_segments(); }
  /// Whether phase `ph` works the muscle of `segment` (its muscle group and its limbs).
  bool works(const Phase& ph, int segment) const noexcept {
    return ph.muscles.works(segment) && ph.on_limb(limb_of(segment));
  }
  /// Whether phase `ph`'s technique reaches `segment` (its limbs; the technique places it along the limb).
  bool touches(const Phase& ph, int segment) const noexcept { return ph.technique && ph.on_limb(limb_of(segment)); }
  int n_phases() const noexcept { return static_cast<int>(phases_.size()); }
  const Phase& phase(int i) const { return phases_.at(static_cast<std::size_t>(i)); }
  /// End of the last phase [s]; the schedule starts at 0.
  double duration_s() const noexcept { return phases_.empty() ? 0.0 : phases_.back().end_s(); }
  /// Height of each segment above the heart in the initial posture [cm] (the inputs before t = 0).
  const std::vector<double>& initial_heights_cm() const noexcept { return initial_heights_; }
  /// Each limb's posture at t = 0 (before the first phase).
  const std::vector<Posture>& initial_postures() const noexcept { return initial_postures_; }
  /// Each limb's posture at the end so far (the last phase's; the initial ones before any phase).
  const std::vector<Posture>& current_postures() const noexcept {
    return phases_.empty() ? initial_postures_ : phases_.back().limb_postures;
  }

  /// Index of the phase in force at t_s (right-continuous), or -1 outside [0, duration_s()).
  int phase_index_at(double t_s) const noexcept {
    if (phases_.empty() || !(t_s >= 0.0) || t_s >= duration_s()) return -1;
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), t_s);
    int i = static_cast<int>(it - starts_.begin()) - 1;
    // Zero-length phases (an instant posture change) share their start with the next phase.
    while (i + 1 < n_phases() && starts_[static_cast<std::size_t>(i + 1)] <= t_s) ++i;
    return i;
  }

  /// The inputs of `segment` at t_s. Before 0 and after the end: rest in the first/last posture.
  /// No allocation.
  SegmentInputs inputs(double t_s, int segment) const noexcept {
    SegmentInputs in;
    if (segment < 0 || segment >= n_segments()) return in;
    const auto s = static_cast<std::size_t>(segment);
    const int i = phase_index_at(t_s);
    if (i < 0) {
      if (phases_.empty())
        in.height_above_heart_cm = initial_heights_[s];
      else
        in.height_above_heart_cm = (t_s < 0.0 ? initial_heights_ : phases_.back().heights_cm)[s];
      return in;
    }
    const Phase& ph = phases_[static_cast<std::size_t>(i)];
    const bool works_here = works(ph, segment);
    in.exercise_intensity = works_here ? ph.exercise_intensity : 0.0;
    in.whole_body_exercise = ph.muscles.whole_body ? 1.0 : 0.0;
    in.height_above_heart_cm = ph.heights_cm[s];
    in.muscle_flow_multiplier = ph.muscle_flow_multiplier;
    if (ph.muscles.contractions && works_here)
      in.contraction_pressure_mmHg = ph.muscles.contractions->pressure_at_mmHg(
          t_s, ph.muscles.contractions->limb_start_s(ph.start_s, limb_of(segment)));
    if (touches(ph, segment)) {
      const int local = local_segment(segment);
      in.applied_pressure_mmHg = ph.technique->pressure_mmHg(t_s, local);
      in.massage_drive = ph.technique->massage_drive(t_s, local);
      if (ph.kind == PhaseKind::compression) in.circumferential_pressure_mmHg = in.applied_pressure_mmHg;
    }
    return in;
  }
  /// The inputs of every segment at t_s into `out` (size n_segments()). No allocation.
  void inputs(double t_s, std::span<SegmentInputs> out) const noexcept {
    const int n = std::min(n_segments(), static_cast<int>(out.size()));
    for (int i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = inputs(t_s, i);
  }
  double applied_pressure_mmHg(double t_s, int segment) const noexcept {
    return inputs(t_s, segment).applied_pressure_mmHg;
  }
  double massage_drive(double t_s, int segment) const noexcept { return inputs(t_s, segment).massage_drive; }
  double exercise_intensity(double t_s) const noexcept { return inputs(t_s, 0).exercise_intensity; }
  /// Intensity of the whole body (the lactate pool's lumped muscle and clearance): the phase's intensity in a
  /// whole-body effort, 0 when one limb works alone or at rest.
  double whole_body_intensity(double t_s) const noexcept {
    const int i = phase_index_at(t_s);
    if (i < 0) return 0.0;
    const Phase& ph = phases_[static_cast<std::size_t>(i)];
    return ph.muscles.whole_body ? ph.exercise_intensity : 0.0;
  }
  /// The prescribed muscle flow multiplier of the whole body (the lactate pool's lumped muscle) at t_s: the
  /// phase's, 1 outside the protocol.
  double muscle_flow_multiplier(double t_s) const noexcept {
    const int i = phase_index_at(t_s);
    return i < 0 ? 1.0 : phases_[static_cast<std::size_t>(i)].muscle_flow_multiplier;
  }
  double height_above_heart_cm(double t_s, int segment) const noexcept {
    return inputs(t_s, segment).height_above_heart_cm;
  }

  /// Appends, sorted and unique, every time in [t0_s, t1_s] where an input jumps or kinks:
  /// phase boundaries (including 0 and the end) and each phase's technique and contraction
  /// breakpoints strictly inside it.
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const {
    const std::size_t first = out.size();
    for (const Phase& ph : phases_) {
      if (ph.start_s >= t0_s && ph.start_s <= t1_s) out.push_back(ph.start_s);
      if (ph.end_s() < t0_s || ph.start_s > t1_s) continue;
      if (!ph.technique && !ph.muscles.contractions) continue;
      const std::size_t before = out.size();
      const double a = std::max(t0_s, ph.start_s), b = std::min(t1_s, ph.end_s());
      if (ph.technique) ph.technique->breakpoints(a, b, out);
      if (ph.muscles.contractions) {
        const Contractions& c = *ph.muscles.contractions;
        for (int l = 0; l < (c.limb_offset_cycles > 0.0 ? n_limbs_ : 1); ++l)
          c.train(c.limb_start_s(ph.start_s, l)).breakpoints(a, b, out);
      }
      // Keep only those strictly inside the phase and clear of its ends by more than rounding.
      const double tol = 1e-12 * std::max(1.0, std::abs(ph.end_s()));
      out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                               [&](double tb) { return tb <= ph.start_s + tol || tb >= ph.end_s() - tol; }),
                out.end());
    }
    if (!phases_.empty() && duration_s() >= t0_s && duration_s() <= t1_s) out.push_back(duration_s());
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()), out.end());
  }
  /// All breakpoints over [0, duration_s()].
  std::vector<double> breakpoints() const {
    std::vector<double> out;
    breakpoints(0.0, duration_s(), out);
    return out;
  }

 private:
  static std::size_t checked_n_limbs(int n) {
    MASSAGESIM_CHECK(n >= 1 && n <= max_limbs, "schedule n_limbs: expected 1 ... ", max_limbs, " limbs, got ", n);
    return static_cast<std::size_t>(n);
  }

  static void check_intensity(std::string_view what, double v, double max) {
    MASSAGESIM_CHECK(std::isfinite(v) && v > 0.0 && v <= max, what, ".intensity: expected a fraction of VO2max in (0, ",
                     max, "], got ", v);
  }

  void check_group(std::string_view what, const MuscleGroup& g) const {
    if (g.contractions) g.contractions->validate(what);
    for (std::size_t i = 0; i < g.segments.size(); ++i) {
      const int s = g.segments[i];
      MASSAGESIM_CHECK(s >= 0 && s < n_segments(), what, ".working_segments: expected segment indices in [0, ",
                       n_segments() - 1, "], got ", s);
      for (std::size_t j = 0; j < i; ++j)
        MASSAGESIM_CHECK(g.segments[j] != s, what, ".working_segments: expected each segment once, got ", s, " twice");
    }
  }

  Schedule& add(PhaseKind kind, double duration_s, double intensity, const std::optional<TechniqueParams>& tech,
                bool allow_zero = false, std::optional<std::vector<Posture>> postures = std::nullopt) {
    MASSAGESIM_CHECK(std::isfinite(duration_s) && (allow_zero ? duration_s >= 0.0 : duration_s > 0.0), to_string(kind),
                     ".duration_s: expected ", allow_zero ? ">= 0" : "> 0", " s and finite, got ", duration_s);
    Phase ph;
    ph.kind = kind;
    ph.start_s = this->duration_s();
    ph.duration_s = duration_s;
    ph.exercise_intensity = intensity;
    // A posture change sets its postures; any other phase keeps the ones the schedule has reached.
    ph.limb_postures = postures ? std::move(*postures) : current_postures();
    ph.heights_cm = heights_cm(ph.limb_postures);
    if (tech) ph.technique.emplace(*tech, limb_, ph.start_s);
    phases_.push_back(std::move(ph));
    starts_.push_back(phases_.back().start_s);
    return *this;
  }

  /// Every segment's height, limb l placed as posture p[l] places one limb.
  std::vector<double> heights_cm(const std::vector<Posture>& p) const {
    std::vector<double> all;
    all.reserve(static_cast<std::size_t>(n_limbs_ * limb_.n_segments()));
    for (int l = 0; l < n_limbs_; ++l) {
      const std::vector<double> one = postures_.segment_heights_cm(p[static_cast<std::size_t>(l)], limb_);
      all.insert(all.end(), one.begin(), one.end());
    }
    return all;
  }

  LimbGeometry limb_;
  PostureTable postures_;
  std::vector<Posture> initial_postures_;
  int n_limbs_ = 1;
  std::vector<Phase> phases_;
  std::vector<double> starts_;
  std::vector<double> initial_heights_;
};

}  // namespace massagesim::protocols
