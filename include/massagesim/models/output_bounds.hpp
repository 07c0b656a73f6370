#pragma once
/// \file output_bounds.hpp
/// \brief The physiological envelope of every output (issue 12, item 7): for each entry of the output
///        catalogue (output_catalogue.hpp) a [min, max] with its source, plus bounds per kg of segment
///        tissue for extensive quantities. States take the bounds of their module's state table; derived
///        outputs, inputs and limb-level quantities take the table below. An infinite bound means no
///        published bound was found: only finiteness is checked there, and the source says so.
///
/// docs/models.md "Physiological envelope" prints this table; tests/python/test_envelope.py and
/// test_envelope_random.py check every run against it (the bindings expose it as `_core.output_bounds()`).

#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/models/segment.hpp"

namespace massagesim::models {

/// One bound of one output. `basis` "" bounds the value in the output's unit; "per_kg" bounds the value
/// divided by the segment's tissue mass [kg] (segment outputs only).
struct OutputBound {
  std::string_view name;
  std::string_view basis;
  double min;
  double max;
  std::string_view source;
};

namespace detail {
inline constexpr double kInf = std::numeric_limits<double>::infinity();
// Pressures inside a loaded limb follow the tissue pressure, so their ceiling is the load, not a resting
// value: the largest legal applied or contraction pressure (400 mmHg, scenario schema; physiotherapists'
// deep friction reaches 2.3 kg/cm2 ~ 1700 mmHg, Chaves 2020, physiology.md 1H N5) plus the standing column
// (foot ~115 cm below the heart, 89 mmHg, Perry 1986, physiology.md 3) [D]. Floor: collapsible vessels
// collapse rather than hold a pressure below about -10 mmHg (dural sinuses, [GK]).
inline constexpr double kLoadedPressureMin_mmHg = -10.0;
inline constexpr double kLoadedPressureMax_mmHg = 500.0;
inline constexpr std::string_view kLoadedPressureSource =
    "[D] max: largest legal load 400 mmHg (schema; deep friction ~1700 mmHg, Chaves 2020) + standing column 89 "
    "mmHg (Perry 1986); min: collapsible vessels collapse below ~-10 mmHg [GK]";
}  // namespace detail

/// An output judged on its mean over one heartbeat, the rise of its cumulative counterpart over the
/// `beat_mean_window_s` before each saved time divided by it: the conduit inflow law is a cardiac-cycle mean
/// (models/detail/conduit.hpp), so a refill shorter than a beat, the instant a load comes off, is not a
/// prediction of the model, and measured perfusion is beat- or cycle-averaged (Doppler, thermodilution;
/// Radegran 1999). Where no saved sample lies one window earlier the value itself is judged.
struct BeatMeanRule {
  std::string_view output;      ///< the flow (per 100 g: divided by the segment's mass in hundreds of g)
  std::string_view cumulative;  ///< its cumulative counterpart [mL] (a segment output)
};
/// One heartbeat [s] (~60 beats/min at rest [GK]).
inline constexpr double beat_mean_window_s = 1.0;
inline constexpr auto beat_mean_outputs = std::to_array<BeatMeanRule>({
    {"arterial_inflow_mL_per_min", "cumulative_arterial_inflow_mL"},
    {"arterial_inflow_mL_per_min_per_100g", "cumulative_arterial_inflow_mL"},
});

/// Bounds of the derived outputs, inputs and limb-level quantities that are not module states, with
/// sources (physiology.md sections; [V] published, [D] derived, [GK] textbook).
inline constexpr auto derived_output_bounds = std::to_array<OutputBound>({
    // Flows. Per 100 g: knee-extensor peak 246 +/- 24, highest subject 373 mL/min/100 g (Radegran 1999);
    // small muscle masses > 300 (Rowell review, physiology.md 3).
    {"arterial_inflow_mL_per_min", "", -detail::kInf, 22000.0,
     "max: whole-body exercise muscle flow ~22 L/min (Rowell review, physiology.md 3); min: none published "
     "(backflow while a load empties the arteries)"},
    {"arterial_inflow_mL_per_min_per_100g", "", -detail::kInf, 400.0,
     "max: peak knee-extensor perfusion 246 +/- 24, highest subject 373 (Radegran 1999; Rowell: small masses > "
     "300); min: none published"},
    {"arteriolar_flow_mL_per_min", "", -detail::kInf, 22000.0,
     "max: as arterial inflow (Rowell); min: none published (contractions and loads squeeze blood back)"},
    {"arteriolar_flow_mL_per_min", "per_kg", -detail::kInf, 4000.0,
     "max: 400 mL/min/100 g (Radegran 1999, highest subject 373); min: none published"},
    {"venous_outflow_mL_per_min", "", -detail::kInf, detail::kInf,
     "none published: transient emptying under a load (IPC femoral velocity 40.6 cm/s, Ilgenfritz 1994) and the "
     "closing reflux of a competent valve (< 0.5 s, [GK]) have no flow bound"},
    {"venous_outflow_mL_per_min_per_100g", "", -detail::kInf, detail::kInf,
     "none published (as venous_outflow_mL_per_min)"},
    {"local_arterial_pressure_mmHg", "", 40.0, 220.0,
     "[D] MAP 90-95 mmHg (physiology.md 3) +/- hydrostatic column: standing foot +89 mmHg (Perry 1986), raised "
     "limb tip <= 50 cm above the heart (-37 mmHg)"},
    {"arterial_compartment_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     detail::kLoadedPressureSource},
    {"capillary_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     "unloaded: forearm 17.0, foot 23.4 supine, 112.8 standing (Perry 1986); loaded: [D] max: largest legal load "
     "400 mmHg + standing column 89 mmHg; min: -10 mmHg [GK]"},
    {"venous_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     detail::kLoadedPressureSource},
    {"downstream_venous_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     detail::kLoadedPressureSource},
    {"venous_valve_pressure_difference_mmHg", "", -510.0, 510.0,
     "[D] difference of two venous pressures, each in [-10, 500] mmHg"},
    {"myogenic_factor", "", 0.0, detail::kInf, "min: a conductance multiplier is >= 0; max: none published"},
    {"blood_volume_mL", "", 0.0, 2200.0, "[D] sum of the arterial (<= 200 mL) and venous (<= 2000 mL) state bounds"},
    {"vasodilator_signal", "", 0.0, detail::kInf,
     "min: a dilation is >= 0; max: none published for the signal (its effect is bounded by the flow per 100 g)"},
    {"o2_uptake_mL_per_min", "", 0.0, detail::kInf, "min: uptake is >= 0; max: per kg below"},
    {"o2_uptake_mL_per_min", "per_kg", 0.0, 500.0,
     "peak knee-extensor VO2 35.2 +/- 3.7 mL/min/100 g (Radegran 1999): mean + 4 SD ~ 50 mL/min/100 g"},
    {"o2_demand_mL_per_min", "", 0.0, detail::kInf, "min: demand is >= 0; max: per kg below"},
    {"o2_demand_mL_per_min", "per_kg", 0.0, 1100.0,
     "[D] largest legal intensity 3 x VO2max (schema) x peak VO2 35.2 mL/min/100 g (Radegran 1999)"},
    {"pain_drive", "", 0.0, 1.0, "defined on 0..1"},
    {"lactate_production_mmol_per_min", "", 0.0, detail::kInf, "min: production is >= 0; max: none published"},
    {"lactate_oxidation_mmol_per_min", "", 0.0, detail::kInf, "min: oxidation is >= 0; max: none published"},
    {"lactate_venous_efflux_mmol_per_min", "", -detail::kInf, detail::kInf,
     "none published (resting muscle takes lactate up: the net efflux may be negative)"},
    {"filtration_mL_per_min", "", -detail::kInf, detail::kInf, "per kg below"},
    {"filtration_mL_per_min", "per_kg", -20.0, 20.0,
     "[D] CFC <= 4.0e-3 mL/min/100 mL/mmHg (PMC2290538, physiology.md 2c) x <= 500 mmHg net pressure"},
    {"lymph_flow_mL_per_min", "", -detail::kInf, detail::kInf,
     "none published: instantaneous flow (lymph moves in pulses, Olszewski 1980) and the backflow of a closing "
     "valve (finite back resistance, Bertram 2011) have no bound"},
    {"lymph_flow_mL_per_h_per_100g", "", -detail::kInf, detail::kInf,
     "none published for instantaneous flow (mean 0.05-0.1 at rest [D, low confidence], ~5x with exercise, Y4)"},
    {"interstitial_compliance_pressure_mmHg", "", -10.0, 15.0,
     "P_i muscle -1.2 +/- 3.4, DVT limb 6.3 +/- 3.5 (informahealthcare 1990), subcutaneous -1 to +10 "
     "(Olszewski): [mean - 2.5 SD, DVT mean + 2.5 SD]"},
    {"initial_lymph_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     "unloaded: lymph lateral 5-30, systolic end 12-70 (> 100) mmHg (Olszewski 1980); loaded: [D] max: largest "
     "legal load 400 mmHg + standing column 89 mmHg; min: -10 mmHg [GK]"},
    {"collector_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     "unloaded: lymph lateral 5-30, systolic end 12-70 (> 100) mmHg (Olszewski 1980); loaded: [D] max: largest "
     "legal load 400 mmHg + standing column 89 mmHg; min: -10 mmHg [GK]"},
    {"collector_filling_pressure_mmHg", "", -510.0, 510.0,
     "[D] difference of lymph and tissue pressures, each in [-10, 500] mmHg (contraction threshold 5-25 mmHg, "
     "Olszewski 1980)"},
    {"reflex_gain", "", 0.2, detail::kInf,
     "min: H-reflex 0.76 / 2.58 = 0.29 during massage (Sullivan 1991; -71 %, Morelli 1990); max: none published"},
    {"passive_stiffness_rel", "", 0.75, detail::kInf,
     "min: shear modulus -5.2 +/- 8.8 % after massage (Eriksson Crommert 2015): mean - 2 SD; max: none "
     "published"},
    {"muscle_activation", "", 0.0, 1.0, "defined on 0..1"},
    {"intramuscular_pressure_mmHg", "", 0.0, detail::kLoadedPressureMax_mmHg,
     "unloaded: 3.7-7.4 mmHg recumbent, 87 in maximal contraction (physiology.md 3); loaded: [D] largest legal "
     "load 400 mmHg + standing column 89 mmHg; min: >= 0 [GK]"},
    {"interstitial_fluid_pressure_mmHg", "", detail::kLoadedPressureMin_mmHg, detail::kLoadedPressureMax_mmHg,
     "unloaded: -1.2 +/- 3.4 muscle, 2.5 +/- 3.0 subcutaneous (physiology.md 3); loaded: tissue pressure ~20 % "
     "below a chamber's (Y6): [D] max 400 + 89 mmHg; min -10 mmHg [GK]"},
    {"segment_fluid_volume_mL", "", 0.0, detail::kInf, "per kg: its parts (blood, interstitial volume)"},
    {"fluid_balance_residual_mL", "", -0.01, 0.01,
     "conservation: 0 up to the solver's tolerance (rtol 1e-6 x <= 10 L of limb fluid)"},
    // Inputs.
    {"applied_pressure_mmHg", "", 0.0, 400.0,
     "[scope] schema 0-400 mmHg (manual massage 60-120, Olszewski; deep friction ~1700, Chaves 2020)"},
    {"massage_drive", "", 0.0, 1.0, "defined on 0..1"},
    {"exercise_intensity", "", 0.0, 3.0, "[scope] schema: up to 3 x VO2max (Wingate ~2.2 x)"},
    {"height_above_heart_cm", "", -130.0, 60.0,
     "[D] posture table (protocols/posture.hpp): standing foot ~115 cm below the heart (Perry 1986), limb raised "
     "30 deg; limb <= 100 cm (hip to sole, limb.hpp [GK])"},
    {"contraction_pressure_mmHg", "", 0.0, 400.0,
     "[scope] schema 0-400 mmHg (maximal calf contraction ~87 mmHg, physiology.md 3)"},
    {"muscle_flow_multiplier", "", 0.25, 4.0, "[scope] schema 0.25-4 (protocols::Schedule)"},
    // Limb-level quantities.
    {"blood_lactate_mmol_per_L", "", 0.0, 30.0,
     "rest 1.0 +/- 0.1 (Menzies 2010), 15.9 +/- 1.5 after a Wingate (Cotterrell 2005); the pool state's bound"},
    {"central_venous_return_mL_per_min", "", -detail::kInf, detail::kInf,
     "none published (as venous_outflow_mL_per_min)"},
    {"central_lymph_return_mL_per_min", "", -detail::kInf, detail::kInf, "none published (as lymph_flow_mL_per_min)"},
    {"limb_lactate_efflux_mmol_per_min", "", -detail::kInf, detail::kInf,
     "none published (the net efflux may be negative)"},
    {"limb_fluid_balance_residual_mL", "", -0.01, 0.01,
     "conservation: 0 up to the solver's tolerance (rtol 1e-6 x <= 10 L of limb fluid)"},
    {"mean_arterial_pressure_mmHg", "", 60.0, 150.0,
     "rest 90-95 (physiology.md 3); massage -10 to +few (H1-H5); exercise <= ~140 [GK]; < 60 is shock [GK]"},
    {"central_venous_pressure_mmHg", "", -5.0, 20.0, "[GK] 2-8 mmHg supine, ~0 standing, <= ~15-20 loaded"},
});

/// Bounds per kg of segment tissue of extensive segment states (added to their module bounds).
inline constexpr auto state_per_kg_bounds = std::to_array<OutputBound>({
    {"o2_debt_mL", "per_kg", -detail::kInf, 300.0,
     "[D] anaerobic capacity: lactate 25-30 mmol/kg wet weight after exhaustive exercise (physiology.md 3) x 1.5 "
     "ATP + PCr ~20 mmol/kg [GK] = ~65 mmol ATP / 6 ATP per O2 [GK] = ~240 mL O2/kg, + myoglobin O2 ~10 mL/kg "
     "[GK]; min: none published (the module's -50 mL)"},
    {"interstitial_volume_mL", "per_kg", 0.0, 250.0,
     "[GK] interstitial fluid ~11 L of a 70-kg adult (~160 mL/kg) + a visible oedema's <= ~50 % rise"},
});

/// One row of the envelope as the bindings list it.
struct OutputBoundRecord {
  std::string name;
  std::string unit;   ///< the output's unit, "/kg" appended for a per-kg bound
  std::string level;  ///< "segment" or "limb"; "" when the name is not in the output catalogue
  std::string basis;  ///< "" or "per_kg"
  double min;
  double max;
  std::string source;
};

/// Every bound, in catalogue order: each output's own bound (states from their module's state table), then
/// its per-kg bound when it has one. A table row whose name is not in the catalogue is listed last with an
/// empty level (the tests report it as stale).
inline std::vector<OutputBoundRecord> output_bounds() {
  std::vector<OutputBoundRecord> out;
  auto add = [&](const OutputRecord& r, const OutputBound& b) {
    const std::string unit = b.basis == "per_kg" ? std::string(r.unit) + "/kg" : std::string(r.unit);
    out.push_back(
        {std::string(r.name), unit, std::string(r.level), std::string(b.basis), b.min, b.max, std::string(b.source)});
  };
  auto state_of = [](std::string_view name, const StateInfo*& found) {
    for (const auto& s : Segment::state_info)
      if (s.name == name) found = &s;
    for_each_module(LimbModules{}, [&]<class M>() {
      for (const auto& s : M::states)
        if (s.name == name) found = &s;
    });
  };
  for (const auto& r : output_catalogue()) {
    const StateInfo* s = nullptr;
    if (r.kind == OutputKind::state || r.kind == OutputKind::limb) state_of(r.name, s);
    if (s) {
      add(r, {r.name, "", s->min, s->max, "the module's state table (state_catalogue)"});
    }
    for (const auto& b : derived_output_bounds)
      if (b.name == r.name && (b.basis == "per_kg" || !s)) add(r, b);
    for (const auto& b : state_per_kg_bounds)
      if (b.name == r.name) add(r, b);
  }
  auto known = [](std::string_view name) { return find_output(name) != nullptr; };
  for (const auto& b : derived_output_bounds)
    if (!known(b.name))
      out.push_back({std::string(b.name), "", "", std::string(b.basis), b.min, b.max, std::string(b.source)});
  for (const auto& b : state_per_kg_bounds)
    if (!known(b.name))
      out.push_back({std::string(b.name), "", "", std::string(b.basis), b.min, b.max, std::string(b.source)});
  return out;
}

}  // namespace massagesim::models
