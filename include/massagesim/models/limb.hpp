#pragma once
/// \file limb.hpp
/// \brief N tissue segments in series, distal (index 0) to proximal, whose veins and lymphatics pass
///        flow proximally through valves, plus the whole-body blood-lactate pool (lactate_pool.hpp)
///        coupled to every segment, so that arterial lactate is a state.
///
/// Coupling (model.md "Limb", physiology.md §2a):
///  - the venous outflow of segment i (valve + waterfall outlet of hemodynamics.hpp) enters the veins of
///    segment i+1; its downstream pressure is segment i+1's venous pressure carried down the hydrostatic
///    column, P_down,i = P_v,i+1 + rho g (h_i+1 - h_i). The most proximal segment drains to the central
///    veins (CVP + proximal drop - rho g h), exactly as a lone Segment does;
///  - the lymphangion outflow of segment i enters the collector of segment i+1 (downstream pressure = its
///    collector pressure, no hydrostatic term: Olszewski 1980); the most proximal drains at the segment's
///    `lymph_downstream_pressure_mmHg` (central return);
///  - arterial lactate of every segment is the pool state; the pool receives every segment's venous and
///    lymph lactate efflux. The lymph a segment passes on carries its own interstitial lactate (the
///    metabolites module counts lymph outflow x C_isf; a tiny flux, and lactate stays conserved).
///  - the pool is `whole_body_lactate_rhs`: pool S + one lumped instance of the other working muscle
///    (both legs' muscle minus the explicit limb), so the two-exponential recovery keeps its calibration.
///  - several limbs (two legs: `LimbParams::chain_sizes`) are chains of this kind one after the other in
///    the segment order, each draining centrally; they share the systemic pressures and the pool only.
///
/// State vector: segment blocks of `Segment::n_states` (19) in order distal -> proximal, then the pool
/// block (5 states: blood lactate, lumped muscle lactate x3 and O2 debt). Neighbours couple only to
/// neighbours, so the segment part of the Jacobian is block-tridiagonal: bandwidths kl = ku = 2*19-1.
/// The pool couples to all segments (an arrow/bordered structure). We keep the band by treating the pool
/// as a slow block in the Jacobian only: the right-hand side is exact, but for an AD scalar (the
/// Jacobian) the segment <-> pool cross terms are evaluated with the other side's value frozen
/// (`exact_pool_jacobian = false`). Rodas4 then integrates with W = I/(gamma h) - J_band, a Jacobian
/// that misses the border entries d(efflux)/dx_i / V_pool and dJ_seg/dC_a, both small (the pool has a
/// 12-L volume and minutes-long time constants); step-size control sees any resulting error. The
/// dense alternative with the exact border is available for checks (tests, benchmarks compare the work).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/detail/smooth.hpp"
#include "massagesim/models/lactate_pool.hpp"
#include "massagesim/models/segment.hpp"
#include "massagesim/models/systemic.hpp"
#include "massagesim/protocols/limb_geometry.hpp"

namespace massagesim::models {

/// Limb-level outputs of the composition itself (output_catalogue.hpp); the limb modules' states follow
/// (`limb_output_info`). Blood lactate is the pool's blood state, or the fixed value without a pool.
inline constexpr std::array<OutputInfo, 5> limb_composition_outputs{{
    {"blood_lactate_mmol_per_L", "mmol/L", "arterial (whole-body pool) blood lactate"},
    {"central_venous_return_mL_per_min", "mL/min", "venous outflow of the most proximal segment"},
    {"central_lymph_return_mL_per_min", "mL/min", "lymph outflow of the most proximal segment"},
    {"limb_lactate_efflux_mmol_per_min", "mmol/min", "lactate the limb's segments pass to the blood (venous + lymph)"},
    {"limb_fluid_balance_residual_mL", "mL",
     "(V - V0) - (inflow - central outflows) of the whole limb since the start: 0 when fluid is conserved"},
}};
/// The lactate pool's states (the limb's states after its segments'), with units and bounds.
inline constexpr std::array<StateInfo, kWholeBodyLactateSize> pool_state_info{{
    {whole_body_lactate_state_names[0], "mmol/L", 0.0, 30.0, "arterial (whole-body pool) blood lactate"},
    {whole_body_lactate_state_names[1], MetabolitesModule::states[0].unit, MetabolitesModule::states[0].min,
     MetabolitesModule::states[0].max, MetabolitesModule::states[0].description},
    {whole_body_lactate_state_names[2], MetabolitesModule::states[1].unit, MetabolitesModule::states[1].min,
     MetabolitesModule::states[1].max, MetabolitesModule::states[1].description},
    {whole_body_lactate_state_names[3], MetabolitesModule::states[2].unit, MetabolitesModule::states[2].min,
     MetabolitesModule::states[2].max, MetabolitesModule::states[2].description},
    {whole_body_lactate_state_names[4], MetabolitesModule::states[3].unit, -50.0, 20000.0,
     "O2 debt of the lumped working muscle (~20 kg)"},
}};

/// Limb outputs that exist whatever the limb's modules.
inline constexpr int n_limb_composition_outputs = static_cast<int>(limb_composition_outputs.size());

/// Largest number of segments of a limb (stack buffers in the right-hand side).
inline constexpr int kMaxLimbSegments = 256;
/// Longest segment accepted [cm]: a whole adult leg, hip to sole, is ~90-100 cm [GK]; one segment of it
/// cannot be longer (the mass scales with the length, so a longer one is not a limb).
inline constexpr double kMaxSegmentLength_cm = 120.0;

/// The whole-body blood-lactate pool (lactate_pool.hpp) as a limb module: it publishes arterial lactate
/// (its blood state) to every segment and integrates the limb's lactate efflux with its lumped working
/// muscle. With the border frozen (`LimbBusTpl::exact_border = false`, the banded Jacobian) the efflux
/// keeps its value for AD scalars but its direct dependence on the pool's own lactate stays (washout
/// Q (C_c - C_a): d/dC_a = -sum Q), so the pool's diagonal entry of J is exact.
struct LactatePoolModule {
  static constexpr std::string_view name = "lactate_pool";
  template <class S>
  using Params = WholeBodyLactateParamsTpl<S>;
  template <class S>
  using Work = NoWork<S>;
  static constexpr std::array<ParameterInfo, 0> parameter_info{};  // listed by visit_parameters
  static constexpr const auto& states = pool_state_info;
  static constexpr std::array<OutputInfo, 0> outputs{};
  /// Its states from the second on are limb outputs; the first is `blood_lactate_mmol_per_L`.
  static constexpr int first_state_output = 1;

  /// The pool, its flow law and its lumped working muscle (one id space: their names are distinct).
  template <class P, class F>
  static void visit_parameters(P& p, F&& f) {
    auto& m = const_cast<std::remove_const_t<P>&>(p);
    using Pool = std::remove_cvref_t<decltype(m.pool)>;
    using Flow = std::remove_cvref_t<decltype(m.flow)>;
    using Muscle = std::remove_cvref_t<decltype(m.muscle)>;
    Pool::visit(m.pool, f);
    Flow::visit(m.flow, f);
    Muscle::visit(m.muscle, f);
  }
  template <class LP>
  static bool enabled(const LP& lp) {
    return lp.lactate_pool;
  }
  template <class S, class Bus>
  static void signals(const Params<S>&, const S* x, Bus& bus, Work<S>&) {
    bus.arterial_lactate_mmol_per_L = x[kWbBlood];
  }
  template <class S, class Bus>
  static void rhs(const Params<S>& p, const S* x, Bus& bus, const Work<S>&, S* dxdt) {
    using smooth::value_of;
    WholeBodyInputsTpl<S> wb;
    wb.whole_body_intensity = bus.whole_body_intensity;
    wb.working_muscle_intensity = bus.whole_body_intensity;
    wb.flow_multiplier = bus.muscle_flow_multiplier;
    if (bus.exact_border)
      wb.extra_efflux_mmol_per_min = bus.lactate_efflux_mmol_per_min;
    else
      wb.extra_efflux_mmol_per_min = S(value_of(bus.lactate_efflux_mmol_per_min)) -
                                     (S(x[kWbBlood]) - S(value_of(x[kWbBlood]))) * S(bus.capillary_flow_L_per_min);
    whole_body_lactate_rhs(p, x, wb, dxdt);
  }
};

/// The default limb's limb-level modules, in state-layout order (after the segments' states).
/// (then any built in by extra_modules.hpp).
using LimbModules = concat_t<ModuleList<SystemicModule, LactatePoolModule>, extra_modules::limb>;

/// The bus of a limb: what limb modules publish for every segment, and what they read of the segments.
template <class S>
struct LimbBusTpl {
  S arterial_pressure_mmHg{0};  ///< systemic, at heart level
  S central_venous_pressure_mmHg{0};
  S arterial_pulse_pressure_mmHg{40};     ///< systolic - diastolic (conduit arteries under a cuff)
  S arterial_lactate_mmol_per_L{1};       ///< what segments' capillaries receive
  S whole_body_intensity{0};              ///< the protocol's whole-body exercise intensity
  S muscle_flow_multiplier{1};            ///< the protocol's prescribed factor on muscle flow conductance
  S lactate_efflux_mmol_per_min{0};       ///< sum over segments (venous + lymph)
  double capillary_flow_L_per_min = 0.0;  ///< sum over segments (values only: the frozen border)
  bool exact_border = false;              ///< false: limb-level couplings frozen for AD scalars
};

/// Parameters of a limb: one SegmentParams per segment (distal first), and every limb-level module's
/// block (a base each: `block<SystemicModule>(lp)`, or a member by name, `lp.mean_arterial_pressure_mmHg`).
template <class List = LimbModules>
struct LimbParamsTpl : ComposedParamsTpl<double, List> {
  std::vector<std::string> segment_names;  ///< unique, distal first
  std::vector<SegmentParams> segments;     ///< same length as segment_names
  /// Segments per limb when the segments form several limbs (two legs), limb after limb, each distal
  /// first and draining centrally; empty = one limb of every segment.
  std::vector<int> chain_sizes;
  /// false: no pool states; arterial lactate is the constant below (a limb of N = 1 is then a Segment).
  bool lactate_pool = true;
  double fixed_arterial_lactate_mmol_per_L = 1.0;
};
using LimbParams = LimbParamsTpl<>;

/// Names of the default limb's limb-level modules: a parameter "<module>.<name>" belongs to one of them.
inline constexpr auto limb_module_names = []<class... Ms>(ModuleList<Ms...>) {
  return std::array<std::string_view, sizeof...(Ms)>{Ms::name...};
}(LimbModules{});

/// The first state of limb module M offered as a limb output (a module may publish its first states
/// under a composition output's name, as the pool does blood lactate).
template <class M>
inline constexpr int first_state_output_of = [] {
  if constexpr (requires { M::first_state_output; })
    return M::first_state_output;
  else
    return 0;
}();

/// Every limb-level output of a limb with modules `List`: the composition's, then for each module its
/// states (from `first_state_output_of`) and its outputs, with the units and descriptions of its tables.
template <class List>
inline constexpr auto limb_output_info_of = [] {
  constexpr std::size_t n = [] {
    std::size_t k = limb_composition_outputs.size();
    for_each_module(List{}, [&]<class M>() {
      k += M::states.size() - static_cast<std::size_t>(first_state_output_of<M>) + M::outputs.size();
    });
    return k;
  }();
  std::array<OutputInfo, n> out{};
  std::size_t k = 0;
  for (const auto& o : limb_composition_outputs) out[k++] = o;
  for_each_module(List{}, [&]<class M>() {
    for (std::size_t j = static_cast<std::size_t>(first_state_output_of<M>); j < M::states.size(); ++j)
      out[k++] = {M::states[j].name, M::states[j].unit, M::states[j].description};
    for (const auto& o : M::outputs) out[k++] = o;
  });
  return out;
}();
/// The default limb's limb-level outputs.
inline constexpr const auto& limb_output_info = limb_output_info_of<LimbModules>;

/// Calls f(module, info, value&) for every limb-level parameter of limb parameters `lp`, module by module.
template <class LP, class F>
void for_each_limb_parameter(LP& lp, F&& f) {
  using T = std::conditional_t<std::is_const_v<LP>, const double, double>;
  for_each_module(typename std::remove_const_t<LP>::modules{}, [&]<class M>() {
    for_each_parameter_of<M, T>(block<M>(lp),
                                [&](const ParameterInfo& i, auto& v) { f(M::name, i, static_cast<T&>(v)); });
  });
}

/// Working muscle of the whole-body lactate calibration (both legs, cycling), kg
/// (lactate_pool.hpp `default_working_muscle`); the explicit limb's muscle is taken out of it.
inline constexpr double kWholeBodyWorkingMuscleKg = 20.0;
/// Smallest lumped "other working muscle" kept when the explicit limb is heavy [kg].
inline constexpr double kMinOtherWorkingMuscleKg = 1.0;

/// The pool's lumped "other working muscle" [kg]: the whole-body working muscle minus the muscle of the
/// limb's segments (tissue mass x muscle_fraction), at least kMinOtherWorkingMuscleKg.
inline double other_working_muscle_kg(const std::vector<SegmentParams>& segments) {
  double limb_kg = 0.0;
  for (const auto& p : segments) limb_kg += p.tissue_mass_g * p.muscle_fraction / 1000.0;
  return std::max(kMinOtherWorkingMuscleKg, kWholeBodyWorkingMuscleKg - limb_kg);
}

/// Builds limb parameters from one segment preset: every segment gets the preset, with a mass
/// proportional to its length (`mass_per_cm_g`, default: the preset's mass per 20 cm, [GK] ~100 g/cm of
/// leg muscle: a 2-kg calf over 20 cm; thigh segments of 25 cm get 2.5 kg). The lumped other working
/// muscle of the pool is 20 kg minus the limb's mass (at least 1 kg). `masses_g` (optional, one per
/// segment) gives the masses directly (e.g. a foot lighter per cm than a calf). `limb_names` (optional):
/// that many limbs of this geometry (two legs), each a chain of its own draining centrally, with the
/// segment names of `protocols::limb_segment_names`; the lumped other working muscle is then 20 kg minus all of them.
inline LimbParams make_limb_params(const SegmentParams& preset, const std::vector<std::string>& names,
                                   const std::vector<double>& lengths_cm, double mass_per_cm_g = -1.0,
                                   const std::vector<double>& masses_g = {},
                                   const std::vector<std::string>& limb_names = {}) {
  MASSAGESIM_CHECK(!lengths_cm.empty(), "limb: expected at least one segment, got 0");
  MASSAGESIM_CHECK(names.size() == lengths_cm.size(), "limb segment_names: expected ", lengths_cm.size(),
                   " names (one per segment), got ", names.size());
  MASSAGESIM_CHECK(static_cast<int>(lengths_cm.size()) <= kMaxLimbSegments, "limb: expected at most ", kMaxLimbSegments,
                   " segments, got ", lengths_cm.size());
  for (std::size_t i = 0; i < lengths_cm.size(); ++i)
    MASSAGESIM_CHECK(std::isfinite(lengths_cm[i]) && lengths_cm[i] > 0.0 && lengths_cm[i] <= kMaxSegmentLength_cm,
                     "limb.segment_lengths_cm[", i, "]: expected a length in (0, ", kMaxSegmentLength_cm,
                     "] cm (a whole leg is ~100 cm), got ", lengths_cm[i]);
  if (mass_per_cm_g <= 0.0) mass_per_cm_g = preset.tissue_mass_g / 20.0;
  MASSAGESIM_CHECK(masses_g.empty() || masses_g.size() == lengths_cm.size(), "limb segment masses: expected ",
                   lengths_cm.size(), " (one per segment), got ", masses_g.size());
  LimbParams lp;
  lp.segment_names = names;
  for (std::size_t i = 0; i < lengths_cm.size(); ++i) {
    SegmentParams p = preset;
    p.tissue_mass_g = masses_g.empty() ? mass_per_cm_g * lengths_cm[i] : masses_g[i];
    lp.segments.push_back(p);
  }
  lp.muscle.muscle_mass_kg = other_working_muscle_kg(lp.segments);
  // Outlets carry everything from distal: size segment i's venous and lymphatic outlets for the
  // cumulative tissue mass it drains and for its share of the limb's length, so the whole chain has the
  // resting outflow resistance of one lone segment of the limb's mass (rest pressure drop from the
  // distal end to the central veins ~3 mmHg whatever N), instead of N lone outlets in series.
  double total_len = 0.0, cum_g = 0.0;
  for (double l : lengths_cm) total_len += l;
  for (std::size_t i = 0; i < lengths_cm.size(); ++i) {
    auto& p = lp.segments[i];
    cum_g += p.tissue_mass_g;
    const double f = (cum_g / p.tissue_mass_g) * (total_len / lengths_cm[i]);
    p.venous_outflow_conductance_mL_per_min_per_mmHg_per_100g *= f;
    p.collector_outlet_conductance_mL_per_min_per_mmHg_per_100g *= f;
  }
  if (!limb_names.empty()) {
    MASSAGESIM_CHECK(static_cast<int>(limb_names.size() * lengths_cm.size()) <= kMaxLimbSegments,
                     "limb: expected at most ", kMaxLimbSegments, " segments in all, got ", limb_names.size(),
                     " limbs x ", lengths_cm.size(), " segments");
    const std::vector<SegmentParams> one = lp.segments;
    lp.segments.clear();
    for (std::size_t l = 0; l < limb_names.size(); ++l) {
      lp.segments.insert(lp.segments.end(), one.begin(), one.end());
      lp.chain_sizes.push_back(static_cast<int>(one.size()));
    }
    lp.segment_names = protocols::limb_segment_names(names, limb_names);
    lp.muscle.muscle_mass_kg = other_working_muscle_kg(lp.segments);
  }
  return lp;
}

/// Per-segment inputs and whole-body intensity at one time, as a Limb reads them.
/// Templated on the scalar so that a recorded (symbolic) protocol can drive the same right-hand side.
template <class T>
struct LimbInputsTpl {
  std::array<SegmentInputsTpl<T>, kMaxLimbSegments> segment{};
  T whole_body_intensity = 0.0;
  /// Prescribed factor on the lumped working muscle's flow (protocols::Phase::muscle_flow_multiplier).
  T muscle_flow_multiplier = 1.0;
};
using LimbInputs = LimbInputsTpl<double>;

/// N segments in series (or several limbs of segments in series, `LimbParams::chain_sizes`) plus the limb-level modules
/// of `List` (default: systemic pressures and the lactate pool). Immutable; `rhs` is const and thread-safe.
template <class List = LimbModules>
class LimbTpl {
 public:
  using Modules = List;
  using Params = LimbParamsTpl<List>;
  static constexpr int seg_n = Segment::n_states;
  using State = Eigen::VectorXd;
  /// Number of derived outputs of the limb modules.
  static constexpr std::size_t n_module_outputs = [] {
    std::size_t n = 0;
    for_each_module(List{}, [&]<class M>() { n += M::outputs.size(); });
    return n;
  }();

  explicit LimbTpl(Params p) : p_(std::move(p)) {
    for (const auto& n : p_.segment_names)
      for_each_module(List{}, [&]<class M>() {
        MASSAGESIM_CHECK(n != M::name, "limb segment_names: '", n,
                         "' is the name of a limb-level module; choose another");
      });
    const int n = static_cast<int>(p_.segments.size());
    MASSAGESIM_CHECK(n >= 1 && n <= kMaxLimbSegments, "limb: expected 1 ... ", kMaxLimbSegments, " segments, got ", n);
    if (p_.segment_names.empty())
      for (int i = 0; i < n; ++i) p_.segment_names.push_back("segment" + std::to_string(i));
    MASSAGESIM_CHECK(static_cast<int>(p_.segment_names.size()) == n, "limb segment_names: expected ", n, " names, got ",
                     p_.segment_names.size());
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < i; ++j)
        MASSAGESIM_CHECK(p_.segment_names[static_cast<std::size_t>(i)] != p_.segment_names[static_cast<std::size_t>(j)],
                         "limb segment_names: expected unique names, got '",
                         p_.segment_names[static_cast<std::size_t>(i)], "' twice");
    for (std::size_t i = 0; i < p_.segments.size(); ++i) seg_.emplace_back(p_.segments[i], p_.segment_names[i]);
    if (p_.chain_sizes.empty()) p_.chain_sizes = {n};
    int sum = 0;
    proximal_end_.assign(static_cast<std::size_t>(n), 0);
    for (int c : p_.chain_sizes) {
      MASSAGESIM_CHECK(c >= 1, "limb chain_sizes: expected at least one segment per limb, got ", c);
      sum += c;
      if (sum <= n) proximal_end_[static_cast<std::size_t>(sum - 1)] = 1;
    }
    MASSAGESIM_CHECK(sum == n, "limb chain_sizes: expected segments per limb adding up to ", n, ", got ", sum);
  }

  const Params& params() const { return p_; }
  int n_segments() const { return static_cast<int>(seg_.size()); }
  const Segment& segment(int i) const { return seg_[static_cast<std::size_t>(i)]; }
  const std::string& segment_name(int i) const { return p_.segment_names[static_cast<std::size_t>(i)]; }
  /// First state of segment i.
  static int offset(int i) { return i * seg_n; }
  /// Number of limbs (chains of segments draining centrally).
  int n_chains() const { return static_cast<int>(p_.chain_sizes.size()); }
  /// Whether segment i is the most proximal of its limb (it drains to the central veins and lymph).
  bool is_proximal_end(int i) const { return proximal_end_[static_cast<std::size_t>(i)] != 0; }
  /// Whether segment i is the most distal of its limb (nothing drains into it).
  bool is_distal_end(int i) const { return i == 0 || is_proximal_end(i - 1); }
  /// First limb-level state (== number of segment states); the lactate pool's block when it is first.
  int pool_offset() const { return n_segments() * seg_n; }
  /// Whether limb module M takes part (the lactate pool can be switched off).
  template <class M>
  bool enabled() const {
    if constexpr (requires { M::enabled(p_); })
      return M::enabled(p_);
    else
      return true;
  }
  /// First state of limb module M.
  template <class M>
  int module_offset() const {
    int off = pool_offset();
    bool found = false;
    for_each_module(List{}, [&]<class O>() {
      found = found || std::is_same_v<O, M>;
      if (!found && enabled<O>()) off += n_states_of<O>;
    });
    return off;
  }
  /// Number of limb-level states (all enabled limb modules).
  int n_pool_states() const {
    int n = 0;
    for_each_module(List{}, [&]<class M>() {
      if (enabled<M>()) n += n_states_of<M>;
    });
    return n;
  }
  int n_states() const { return pool_offset() + n_pool_states(); }
  /// Bandwidths of the Jacobian used by the banded solver (segment blocks are tridiagonal; the pool's
  /// own block sits inside the band; its border entries are frozen, see the file comment).
  int lower_bandwidth() const { return std::min(n_states() - 1, 2 * seg_n - 1); }
  int upper_bandwidth() const { return std::min(n_states() - 1, 2 * seg_n - 1); }

  /// "segment.state" for every segment state, then the pool's states.
  std::vector<std::string> state_names() const {
    std::vector<std::string> out;
    const auto sn = SegmentLayout::state_names();
    for (int i = 0; i < n_segments(); ++i)
      for (const auto& s : sn) out.push_back(segment_name(i) + "." + s);
    for_each_module(List{}, [&]<class M>() {
      if (enabled<M>())
        for (const auto& st : M::states) out.emplace_back(st.name);
    });
    return out;
  }

  /// Resting inputs: no pressure, no exercise, each segment at its resting height.
  LimbInputs rest_inputs() const {
    LimbInputs in;
    for (int i = 0; i < n_segments(); ++i)
      in.segment[static_cast<std::size_t>(i)] = seg_[static_cast<std::size_t>(i)].rest_inputs();
    return in;
  }

  /// Everything the right-hand side computes that outputs need, per segment.
  struct Flows {
    double venous_outflow_mL_per_min = 0.0;  ///< of the most proximal segments (central venous return)
    double lymph_outflow_mL_per_min = 0.0;   ///< of the most proximal segments (central lymph return)
    double lactate_efflux_mmol_per_min = 0.0;
    /// The limb modules' own outputs (`write_outputs`), module by module.
    std::array<double, n_module_outputs> module_outputs{};
  };

  /// What the limb-level rows read of the segments, for an exact border Jacobian by parts: the limb
  /// modules see the segments only through the sum of their lactate effluxes (the bus), so
  /// d f_border / d x_segment = (d f_border / d efflux) (d efflux / d x_segment), and each segment's
  /// efflux reads only its own block and its neighbours' (`LimbCoreSystem::border_rows_jacobian`).
  template <class S>
  struct BorderProbe {
    S* segment_efflux_mmol_per_min = nullptr;  ///< out (optional): venous + lymph efflux, one per segment
    S efflux_shift_mmol_per_min{0};            ///< added to the sum the limb modules read (an AD seed)
  };

  /// Right-hand side [per second] for any scalar. `exact_pool_jacobian = false` freezes the
  /// segment <-> pool cross terms for AD scalars (no effect on double evaluations).
  template <class S, class I = double>
  void rhs(const S* x, const LimbInputsTpl<I>& in, S* dxdt, bool accumulate = true, bool exact_pool_jacobian = false,
           Flows* flows = nullptr, const BorderProbe<S>* probe = nullptr) const {
    using smooth::value_of;
    const int N = n_segments();
    ComposedParamsTpl<S, List> mp = static_cast<const ComposedParamsTpl<double, List>&>(p_).template cast<S>();
    if constexpr (symbolic::SymbolicScalar<S>)
      for_each_module(List{}, [&]<class M>() {
        for_each_parameter_of<M, S>(block<M>(mp),
                                    [](const ParameterInfo& i, S& v) { bind_parameter_symbol(v, M::name, i.name); });
      });
    typename detail::WorkTuple<S, List>::type work;
    LimbBusTpl<S> bus;
    bus.exact_border = exact_pool_jacobian;
    fill_bus(mp, x, in, bus, work);
    S Ca = bus.arterial_lactate_mmol_per_L;
    if (!exact_pool_jacobian) Ca = S(value_of(Ca));
    S efflux(0.0);
    double flow_L_per_min = 0.0;  // sum of capillary blood flows (the pool's washout derivative)
    SegmentCouplingTpl<S> c;
    c.has_arterial_lactate = true;
    c.arterial_lactate_mmol_per_L = Ca;
    c.has_systemic = true;
    c.arterial_pressure_mmHg = bus.arterial_pressure_mmHg;
    c.central_venous_pressure_mmHg = bus.central_venous_pressure_mmHg;
    S pv_next(0.0), plc_next(0.0);
    I conduit_level(0.0);
    if (flows) flows->venous_outflow_mL_per_min = flows->lymph_outflow_mL_per_min = 0.0;
    // Proximal -> distal: segment i needs segment i+1's venous and collector pressures, which do not
    // depend on what flows in; the inflow of i into i+1 is then added to i+1's derivatives.
    for (int i = N - 1; i >= 0; --i) {
      const auto& si = in.segment[static_cast<std::size_t>(i)];
      conduit_coupling(in, i, conduit_level, bus.arterial_pulse_pressure_mmHg, c);
      c.has_proximal = !is_proximal_end(i);
      if (c.has_proximal) {
        const auto& sn = in.segment[static_cast<std::size_t>(i + 1)];
        c.proximal_venous_pressure_mmHg =
            pv_next + S(p_.segments[static_cast<std::size_t>(i)].hydrostatic_gradient_mmHg_per_cm *
                        (sn.height_above_heart_cm - si.height_above_heart_cm));
        c.proximal_lymph_pressure_mmHg = plc_next;
      }
      const auto e = seg_[static_cast<std::size_t>(i)].evaluate(x + offset(i), si, dxdt + offset(i), accumulate, &c);
      pv_next = e.template of<HemodynamicsModule>().venous_pressure_mmHg;
      plc_next = e.template of<InterstitiumLymphModule>().collector_pressure_mmHg;
      if (!is_proximal_end(i)) {
        dxdt[offset(i + 1) + SegmentLayout::hemodynamics + HemodynamicsLayout::venous_volume] +=
            e.template of<HemodynamicsModule>().venous_outflow_mL_per_min / S(60.0);
        dxdt[offset(i + 1) + SegmentLayout::lymph + InterstitiumLymphLayout::collector_volume] +=
            e.template of<InterstitiumLymphModule>().lymph_outflow_mL_per_min / S(60.0);
      } else if (flows) {
        flows->venous_outflow_mL_per_min += value_of(e.template of<HemodynamicsModule>().venous_outflow_mL_per_min);
        flows->lymph_outflow_mL_per_min += value_of(e.template of<InterstitiumLymphModule>().lymph_outflow_mL_per_min);
      }
      const S efflux_i = e.bus.lactate_venous_efflux_mmol_per_min + e.bus.lactate_lymph_efflux_mmol_per_min;
      if (probe && probe->segment_efflux_mmol_per_min) probe->segment_efflux_mmol_per_min[i] = efflux_i;
      efflux += efflux_i;
      if (!exact_pool_jacobian)
        flow_L_per_min += value_of(e.template of<HemodynamicsModule>().arteriolar_flow_mL_per_min) * 1e-3;
    }
    if (probe) efflux += probe->efflux_shift_mmol_per_min;
    if (flows) flows->lactate_efflux_mmol_per_min = value_of(efflux);
    bus.lactate_efflux_mmol_per_min = efflux;
    bus.capillary_flow_L_per_min = flow_L_per_min;
    for_each_module(List{}, [&]<class M>() {
      if (!enabled<M>()) return;
      if constexpr (requires { M::rhs(block<M>(mp), x, bus, std::get<module_index<M>(List{})>(work), dxdt); })
        M::rhs(block<M>(mp), x + module_offset<M>(), bus, std::get<module_index<M>(List{})>(work),
               dxdt + module_offset<M>());
    });
  }

  /// Derived outputs of every segment at (x, in): row i = segment i, columns = `Segment::output_info`,
  /// with the limb's coupling. The fluid-balance residual counts the inflow from the distal neighbour.
  /// Returns the central returns and lactate efflux in `flows` (optional).
  Eigen::MatrixXd outputs(const State& x, const LimbInputs& in, const State* x_start = nullptr,
                          Flows* flows = nullptr) const {
    const int N = n_segments();
    Eigen::MatrixXd out(N, Segment::n_outputs);
    // The limb bus as the right-hand side sees it (publish, then signals), and the modules' outputs.
    const auto& mp = static_cast<const ComposedParamsTpl<double, List>&>(p_);
    typename detail::WorkTuple<double, List>::type work;
    LimbBusTpl<double> bus;
    bus.exact_border = true;
    fill_bus(mp, x.data(), in, bus, work);
    if (flows) {
      std::size_t k = 0;
      for_each_module(List{}, [&]<class M>() {
        if constexpr (M::outputs.size() > 0) {
          if (enabled<M>())
            M::write_outputs(block<M>(mp), x.data() + module_offset<M>(), bus, std::get<module_index<M>(List{})>(work),
                             flows->module_outputs.data() + k);
          else
            std::fill_n(flows->module_outputs.data() + k, M::outputs.size(), std::numeric_limits<double>::quiet_NaN());
        }
        k += M::outputs.size();
      });
    }
    SegmentCouplingTpl<double> c;
    c.has_arterial_lactate = true;
    c.arterial_lactate_mmol_per_L = bus.arterial_lactate_mmol_per_L;
    c.has_systemic = true;
    c.arterial_pressure_mmHg = bus.arterial_pressure_mmHg;
    c.central_venous_pressure_mmHg = bus.central_venous_pressure_mmHg;
    static const int i_pv = Segment::output_index("venous_pressure_mmHg");
    static const int i_plc = Segment::output_index("collector_pressure_mmHg");
    static const int i_res = Segment::output_index("fluid_balance_residual_mL");
    double conduit_level = 0.0;
    for (int i = N - 1; i >= 0; --i) {
      const auto& si = in.segment[static_cast<std::size_t>(i)];
      conduit_coupling(in, i, conduit_level, bus.arterial_pulse_pressure_mmHg, c);
      c.has_proximal = !is_proximal_end(i);
      if (c.has_proximal) {
        c.proximal_venous_pressure_mmHg =
            out(i + 1, i_pv) +
            p_.segments[static_cast<std::size_t>(i)].hydrostatic_gradient_mmHg_per_cm *
                (in.segment[static_cast<std::size_t>(i + 1)].height_above_heart_cm - si.height_above_heart_cm);
        c.proximal_lymph_pressure_mmHg = out(i + 1, i_plc);
      }
      Segment::State xs = x.segment<seg_n>(offset(i));
      Segment::State x0s;
      if (x_start) x0s = x_start->segment<seg_n>(offset(i));
      const auto o = seg_[static_cast<std::size_t>(i)].outputs(xs, si, x_start ? &x0s : nullptr, &c);
      for (int k = 0; k < Segment::n_outputs; ++k) out(i, k) = o[static_cast<std::size_t>(k)];
      if (x_start && !is_distal_end(i)) {
        const int a = offset(i - 1) + SegmentLayout::audit;
        const double up = (x[a + FluidAuditLayout::venous_outflow] - (*x_start)[a + FluidAuditLayout::venous_outflow]) +
                          (x[a + FluidAuditLayout::lymph_outflow] - (*x_start)[a + FluidAuditLayout::lymph_outflow]);
        out(i, i_res) -= up;
      }
    }
    if (flows) {
      State dx(n_states());
      rhs(x.data(), in, dx.data(), true, false, flows);
    }
    return out;
  }

  /// Limb-level outputs at x (order of `limb_output_info_of<List>`; a disabled module's are NaN), from
  /// the flows of the same evaluation; the fluid-balance residual needs the start state `x_start`.
  std::array<double, limb_output_info_of<List>.size()> limb_outputs(const State& x, const Flows& fl,
                                                                    const State* x_start = nullptr) const {
    std::array<double, limb_output_info_of<List>.size()> o;
    o.fill(std::numeric_limits<double>::quiet_NaN());
    o[0] = p_.lactate_pool ? x[pool_offset() + kWbBlood] : p_.fixed_arterial_lactate_mmol_per_L;
    o[1] = fl.venous_outflow_mL_per_min;
    o[2] = fl.lymph_outflow_mL_per_min;
    o[3] = fl.lactate_efflux_mmol_per_min;
    o[4] = 0.0;
    if (x_start) {
      const int N = n_segments();
      double up = 0.0, out = 0.0;
      for (int s = 0; s < N; ++s) {
        const int a = offset(s) + SegmentLayout::audit;
        up += x[a + FluidAuditLayout::arterial_inflow] - (*x_start)[a + FluidAuditLayout::arterial_inflow];
        if (is_proximal_end(s))
          out += (x[a + FluidAuditLayout::venous_outflow] - (*x_start)[a + FluidAuditLayout::venous_outflow]) +
                 (x[a + FluidAuditLayout::lymph_outflow] - (*x_start)[a + FluidAuditLayout::lymph_outflow]);
      }
      o[4] = (fluid_volume_mL(x) - fluid_volume_mL(*x_start)) - (up - out);
    }
    std::size_t k = static_cast<std::size_t>(n_limb_composition_outputs), m_out = 0;
    for_each_module(List{}, [&]<class M>() {
      const bool on = enabled<M>();
      const int off = on ? module_offset<M>() : 0;
      for (int j = first_state_output_of<M>; j < static_cast<int>(M::states.size()); ++j, ++k)
        if (on) o[k] = x[off + j];
      for (std::size_t j = 0; j < M::outputs.size(); ++j, ++k) o[k] = fl.module_outputs[m_out + j];
      m_out += M::outputs.size();
    });
    return o;
  }

  /// Whether limb output k exists in this limb (the composition's always; a module's when it is enabled).
  bool has_limb_output(int k) const {
    if (k < n_limb_composition_outputs) return true;
    int first = n_limb_composition_outputs;
    bool has = false;
    for_each_module(List{}, [&]<class M>() {
      const int n = static_cast<int>(M::states.size()) - first_state_output_of<M> + static_cast<int>(M::outputs.size());
      if (k >= first && k < first + n) has = enabled<M>();
      first += n;
    });
    return has;
  }

  /// Fluid held in the whole limb [mL].
  double fluid_volume_mL(const State& x) const {
    double v = 0.0;
    for (int i = 0; i < n_segments(); ++i) v += Segment::fluid_volume_mL(x.segment<seg_n>(offset(i)));
    return v;
  }

 private:
  /// Conduit vessels (detail/conduit.hpp). The feed of segment i crosses every proximal segment j > i,
  /// where a circumferential device squeezes it with kappa_j P_circ,j (kappa = tissue_pressure_transmission).
  /// The artery collapses at the level of j when its pressure falls below that, i.e. when the pressure
  /// at the level of i falls below kappa_j P_circ,j + rho g (h_j - h_i); the largest of these over the
  /// cuffed j > i is the collapse pressure segment i's feed sees. Veins drain in series, so segment i's
  /// outlet crosses only the conduit veins of i+1: its outflow stops while P_v,i is below
  /// kappa_{i+1} P_circ,i+1 + rho g (h_i+1 - h_i) (venous occlusion; the segments further distal back up
  /// through the chain). Segments without a device count for nothing (-1e6 mmHg: both terms exactly 0).
  /// `level` carries max_j (kappa_j P_circ,j + rho g h_j) over the cuffed j from the proximal end (call
  /// for i = N-1 down to 0; it starts again at each limb's proximal end). Inputs only: the band of the
  /// Jacobian is unchanged.
  template <class S, class I>
  void conduit_coupling(const LimbInputsTpl<I>& in, int i, I& level, const S& pulse_pressure_mmHg,
                        SegmentCouplingTpl<S>& c) const {
    c.has_conduit = !is_proximal_end(i);
    if (!c.has_conduit) return;
    constexpr double none_mmHg = -1e6;
    const auto& pn = p_.segments[static_cast<std::size_t>(i + 1)];
    const auto& sn = in.segment[static_cast<std::size_t>(i + 1)];
    const I cuff = I(pn.tissue_pressure_transmission * sn.circumferential_pressure_mmHg +
                     pn.hydrostatic_gradient_mmHg_per_cm * sn.height_above_heart_cm);
    I lvl;
    if constexpr (symbolic::SymbolicScalar<I>) {
      lvl = select(sn.circumferential_pressure_mmHg > I(0.0), cuff, I(none_mmHg));
      level = is_proximal_end(i + 1) ? lvl : select(lvl >= level, lvl, level);
    } else {
      lvl = sn.circumferential_pressure_mmHg > 0.0 ? cuff : none_mmHg;
      level = is_proximal_end(i + 1) ? lvl : std::max(level, lvl);
    }
    const I own = I(p_.segments[static_cast<std::size_t>(i)].hydrostatic_gradient_mmHg_per_cm *
                    in.segment[static_cast<std::size_t>(i)].height_above_heart_cm);
    c.conduit_collapse_pressure_mmHg = S(level - own);
    c.venous_conduit_collapse_pressure_mmHg = S(lvl - own);
    c.arterial_pulse_pressure_mmHg = pulse_pressure_mmHg;
  }

  /// The limb bus at x: every enabled module's `publish`, then its `signals` (what segments read).
  template <class S, class I, class Work>
  void fill_bus(const ComposedParamsTpl<S, List>& mp, const S* x, const LimbInputsTpl<I>& in, LimbBusTpl<S>& bus,
                Work& work) const {
    bus.arterial_lactate_mmol_per_L = S(p_.fixed_arterial_lactate_mmol_per_L);
    bus.whole_body_intensity = S(in.whole_body_intensity);
    bus.muscle_flow_multiplier = S(in.muscle_flow_multiplier);
    for_each_module(List{}, [&]<class M>() {
      if (!enabled<M>()) return;
      auto& w = std::get<module_index<M>(List{})>(work);
      if constexpr (requires { M::publish(block<M>(mp), bus); }) M::publish(block<M>(mp), bus);
      if constexpr (requires { M::signals(block<M>(mp), x, bus, w); })
        M::signals(block<M>(mp), x + module_offset<M>(), bus, w);
    });
  }

  Params p_;
  std::vector<Segment> seg_;
  std::vector<char> proximal_end_;  ///< 1 for the most proximal segment of each limb
};

/// The default limb.
using Limb = LimbTpl<LimbModules>;

}  // namespace massagesim::models
