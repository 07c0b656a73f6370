#pragma once
/// \file tissue_chain.hpp
/// \brief A synthetic lumped tissue model for benchmarks: a chain of segments, each with an
///        interstitial volume and a solute amount, drained by one-way lymph flow and driven by
///        1 Hz square pressure pulses (one stroke per second sweeping along the chain).
///
/// The parameter values are illustrative magnitudes chosen to give a non-stiff, nonlinear
/// forced system of 2 N states; they are NOT physiological claims and are used for timing only.

#include <cmath>
#include <vector>

#include <Eigen/Core>

namespace massagesim::bench {

/// Chain of `N` segments, states (V_0, m_0, V_1, m_1, ...) [mL, umol]. Templated on the state so
/// that forward-mode AD (Rodas4's automatic Jacobian) can evaluate it.
template <int N>
struct TissueChain {
  static constexpr int n_states = 2 * N;
  double V0_mL = 10.0;             ///< unstressed volume
  double Vs_mL = 2.0;              ///< volume scale of the exponential compliance
  double Pref_mmHg = 1.0;          ///< pressure scale
  double Kf_mL_per_s_mmHg = 0.01;  ///< capillary filtration coefficient
  double Pc_mmHg = 15.0;           ///< capillary pressure
  double G_mL_per_s_mmHg = 0.02;   ///< lymph conductance
  double dP_mmHg = 0.5;            ///< smoothing width of the lymph valve
  double A_mmHg = 40.0;            ///< applied pulse pressure
  double on_s = 0.4;               ///< pulse duration in each 1 s cycle
  double r_umol_per_s = 0.05;      ///< solute production
  double k_mL_per_s = 0.002;       ///< capillary solute exchange
  double c_blood_umol_per_mL = 1.0;

  /// Applied pressure on segment i at time t: one segment per cycle, cycling along the chain.
  /// Right-continuous, and the off edge is computed with the same arithmetic as `jumps()`
  /// (`cycle + on_s`): with `t - cycle < on_s` the pulse was still on at the listed jump
  /// 1.3999999999999999 (= 1 + 0.4 rounded), so every restart there saw the old forcing.
  double applied_mmHg(int i, double t) const {
    const double cycle = std::floor(t);
    const int seg = static_cast<int>(static_cast<long long>(cycle) % N);
    return (seg == i && t < cycle + on_s) ? A_mmHg : 0.0;
  }

  template <class V>
  void operator()(const V& x, V& dxdt, double t) const {
    using S = typename V::Scalar;
    using std::exp;
    using std::log;
    // Explicit `-> S`: with AD scalars an `auto` return would be an expression template that
    // refers to temporaries destroyed when the lambda returns.
    auto pressure = [&](int i) -> S {
      return S(Pref_mmHg) * (exp((x[2 * i] - V0_mL) / Vs_mL) - 1.0) + applied_mmHg(i, t);
    };
    auto softplus = [&](const S& z) -> S { return z > 0.0 ? S(z + log(1.0 + exp(-z))) : S(log(1.0 + exp(z))); };
    S q_in = S(0.0), c_in = S(0.0);
    S p_i = pressure(0);
    for (int i = 0; i < N; ++i) {
      const S p_next = i + 1 < N ? pressure(i + 1) : S(0.0);
      const S q_out = G_mL_per_s_mmHg * dP_mmHg * softplus((p_i - p_next) / dP_mmHg);
      const S c = x[2 * i + 1] / x[2 * i];
      dxdt[2 * i] = Kf_mL_per_s_mmHg * (Pc_mmHg - p_i) + q_in - q_out;
      dxdt[2 * i + 1] = r_umol_per_s - k_mL_per_s * (c - c_blood_umol_per_mL) + q_in * c_in - q_out * c;
      q_in = q_out;
      c_in = c;
      p_i = p_next;
    }
  }

  /// Initial state: every segment at its unstressed volume, solute at blood concentration.
  template <class State>
  State x0() const {
    State x(n_states);
    for (int i = 0; i < N; ++i) {
      x[2 * i] = V0_mL;
      x[2 * i + 1] = V0_mL * c_blood_umol_per_mL;
    }
    return x;
  }

  /// The forcing's jump times in (0, t1]: on at each whole second, off `on_s` later. A jump at t1
  /// itself is listed too (the driver then keeps the last step's stages before it; without it a
  /// stage at t1 of a solve ending on a whole second saw the next pulse already on).
  std::vector<double> jumps(double t1_s) const {
    std::vector<double> j;
    for (int k = 0; k <= t1_s; ++k) {
      if (k > 0) j.push_back(k);
      if (k + on_s <= t1_s) j.push_back(k + on_s);
    }
    return j;
  }
};

}  // namespace massagesim::bench
