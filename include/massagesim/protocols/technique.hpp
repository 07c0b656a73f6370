#pragma once
/// \file technique.hpp
/// \brief Any technique, by type or by name: the `Waveform` concept, `TechniqueParams`, `Technique`.

#include <array>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/protocols/deep_friction.hpp"
#include "massagesim/protocols/effleurage.hpp"
#include "massagesim/protocols/limb_geometry.hpp"
#include "massagesim/protocols/occlusion_cuff.hpp"
#include "massagesim/protocols/petrissage.hpp"
#include "massagesim/protocols/sequential_compression.hpp"
#include "massagesim/protocols/static_compression.hpp"
#include "massagesim/protocols/tapotement.hpp"

namespace massagesim::protocols {

/// What every technique offers: pressure and massage drive per segment at a time (no
/// allocation), the breakpoints in a time window, and a name.
template <class W>
concept Waveform = requires(const W& w, double t, int segment, std::vector<double>& out) {
  { w.pressure_mmHg(t, segment) } -> std::convertible_to<double>;
  { w.massage_drive(t, segment) } -> std::convertible_to<double>;
  {w.breakpoints(t, t, out)};
  { w.n_segments() } -> std::convertible_to<int>;
  { W::name } -> std::convertible_to<std::string_view>;
  typename W::Params;
};

static_assert(Waveform<StaticCompression> && Waveform<Effleurage> && Waveform<Petrissage> && Waveform<Tapotement> &&
              Waveform<DeepFriction> && Waveform<SequentialCompression> && Waveform<OcclusionCuff>);

/// Parameters of any technique (the alternative chooses the technique).
using TechniqueParams = std::variant<StaticCompressionParams, EffleurageParams, PetrissageParams, TapotementParams,
                                     DeepFrictionParams, SequentialCompressionParams, OcclusionCuffParams>;

/// The names of the techniques, in the order of `TechniqueParams`' alternatives.
inline constexpr std::array<std::string_view, 7> technique_names{
    StaticCompression::name,     Effleurage::name,   Petrissage::name, Tapotement::name, DeepFriction::name,
    SequentialCompression::name, OcclusionCuff::name};

/// Techniques applied by a device (the others are applied by hand).
inline bool is_device_technique(std::string_view name) noexcept {
  return name == SequentialCompression::name || name == OcclusionCuff::name;
}

namespace detail {
inline std::string known_techniques() {
  std::string s;
  for (auto n : technique_names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s;
}
}  // namespace detail

/// Default parameters of the technique called `name`.
/// \throws UnknownName (an InvalidArgument) listing the known names
inline TechniqueParams default_technique_params(std::string_view name) {
  if (name == StaticCompression::name) return StaticCompressionParams{};
  if (name == Effleurage::name) return EffleurageParams{};
  if (name == Petrissage::name) return PetrissageParams{};
  if (name == Tapotement::name) return TapotementParams{};
  if (name == DeepFriction::name) return DeepFrictionParams{};
  if (name == SequentialCompression::name) return SequentialCompressionParams{};
  if (name == OcclusionCuff::name) return OcclusionCuffParams{};
  throw UnknownName(massagesim::detail::concat("technique: unknown technique '", name,
                                               "'; expected one of: ", detail::known_techniques()));
}

/// The name of the technique a parameter set belongs to.
inline std::string_view technique_name(const TechniqueParams& p) noexcept { return technique_names[p.index()]; }

/// A technique of any kind, built from its parameters on a limb and starting at `start_s`.
class Technique {
 public:
  using Variant = std::variant<StaticCompression, Effleurage, Petrissage, Tapotement, DeepFriction,
                               SequentialCompression, OcclusionCuff>;

  /// \throws InvalidArgument on bad parameters (the message names technique and field)
  Technique(const TechniqueParams& params, const LimbGeometry& limb, double start_s = 0.0)
      : w_(std::visit(
            [&](const auto& p) -> Variant {
              using P = std::decay_t<decltype(p)>;
              return make<P>(p, limb, start_s);
            },
            params)) {}

  /// Wraps an already built technique.
  template <Waveform W>
  requires std::is_constructible_v<Variant, W>
  explicit Technique(W w) : w_(std::move(w)) {}

  std::string_view name() const noexcept {
    return std::visit([](const auto& w) { return std::decay_t<decltype(w)>::name; }, w_);
  }
  bool is_device() const noexcept { return is_device_technique(name()); }
  int n_segments() const noexcept {
    return std::visit([](const auto& w) { return w.n_segments(); }, w_);
  }
  /// Applied pressure on `segment` at t_s [mmHg]. No allocation.
  double pressure_mmHg(double t_s, int segment) const noexcept {
    return std::visit([&](const auto& w) { return w.pressure_mmHg(t_s, segment); }, w_);
  }
  /// Mechanoreceptor stimulation 0..1 of `segment` at t_s. No allocation.
  double massage_drive(double t_s, int segment) const noexcept {
    return std::visit([&](const auto& w) { return w.massage_drive(t_s, segment); }, w_);
  }
  /// Appends the breakpoints in [t0_s, t1_s] (sorted within this call).
  void breakpoints(double t0_s, double t1_s, std::vector<double>& out) const {
    std::visit([&](const auto& w) { w.breakpoints(t0_s, t1_s, out); }, w_);
  }
  const Variant& variant() const noexcept { return w_; }

 private:
  template <class P>
  static Variant make(const P& p, const LimbGeometry& limb, double start_s) {
    if constexpr (std::is_same_v<P, StaticCompressionParams>)
      return StaticCompression(p, limb, start_s);
    else if constexpr (std::is_same_v<P, EffleurageParams>)
      return Effleurage(p, limb, start_s);
    else if constexpr (std::is_same_v<P, PetrissageParams>)
      return Petrissage(p, limb, start_s);
    else if constexpr (std::is_same_v<P, TapotementParams>)
      return Tapotement(p, limb, start_s);
    else if constexpr (std::is_same_v<P, DeepFrictionParams>)
      return DeepFriction(p, limb, start_s);
    else if constexpr (std::is_same_v<P, SequentialCompressionParams>)
      return SequentialCompression(p, limb, start_s);
    else
      return OcclusionCuff(p, limb, start_s);
  }
  Variant w_;
};

}  // namespace massagesim::protocols
