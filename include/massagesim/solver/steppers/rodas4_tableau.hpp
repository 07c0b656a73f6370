#pragma once
/// \file rodas4_tableau.hpp
/// \brief Coefficients of RODAS (Rodas4), the 6-stage, order 4(3), L-stable, stiffly accurate
///        Rosenbrock method of Hairer & Wanner, with its order-3 continuous extension.
///
/// The coefficients are those of Hairer's code `rodas.f` (subroutine ROCOE, METH = 1), in the
/// transformed form of Solving ODEs II, IV.7 (stage increments k_i = γ_ii-scaled, formulas (7.4')):
///
///   (I/(γh) − J) k_i = f(t + c_i h, x + Σ_j a_ij k_j) + Σ_j (C_ij / h) k_j + h d_i ∂f/∂t,
///   x_new = x + Σ_{j<5} a_5j k_j + k_5 + k_6,   error estimate = k_6,
///   x(t + θh) ≈ (1−θ) x + θ (x_new + (1−θ)(Σ h2_j k_j + θ Σ h3_j k_j)).
///
/// \see E. Hairer, G. Wanner, Solving Ordinary Differential Equations II: Stiff and
///      Differential-Algebraic Problems, 2nd ed., Springer (1996), Section IV.7,
///      doi:10.1007/978-3-642-05221-7
/// \note The same numbers appear in OrdinaryDiffEq.jl's `Rodas4Tableau`; they were checked against
///       that listing when transcribed.

namespace massagesim::rodas4 {

inline constexpr double gamma = 0.25;

inline constexpr double c2 = 0.386, c3 = 0.21, c4 = 0.63;  // c5 = c6 = 1

inline constexpr double d1 = 0.25, d2 = -0.1043, d3 = 0.1035, d4 = -0.03620000000000023;  // d5 = d6 = 0

inline constexpr double a21 = 1.544;
inline constexpr double a31 = 0.9466785280815826, a32 = 0.2557011698983284;
inline constexpr double a41 = 3.314825187068521, a42 = 2.896124015972201, a43 = 0.9986419139977817;
inline constexpr double a51 = 1.221224509226641, a52 = 6.019134481288629, a53 = 12.53708332932087,
                        a54 = -0.6878860361058950;

inline constexpr double C21 = -5.6688;
inline constexpr double C31 = -2.430093356833875, C32 = -0.2063599157091915;
inline constexpr double C41 = -0.1073529058151375, C42 = -9.594562251023355, C43 = -20.47028614809616;
inline constexpr double C51 = 7.496443313967647, C52 = -10.24680431464352, C53 = -33.99990352819905,
                        C54 = 11.70890893206160;
inline constexpr double C61 = 8.083246795921522, C62 = -7.981132988064893, C63 = -31.52159432874371,
                        C64 = 16.31930543123136, C65 = -6.058818238834054;

// Continuous extension (dense output).
inline constexpr double h21 = 10.12623508344586, h22 = -7.487995877610167, h23 = -34.80091861555747,
                        h24 = -7.992771707568823, h25 = 1.025137723295662;
inline constexpr double h31 = -0.6762803392801253, h32 = 6.087714651680015, h33 = 16.43084320892478,
                        h34 = 24.76722511418386, h35 = -6.594389125716872;

}  // namespace massagesim::rodas4
