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

namespace massagesim {

/// The coefficients of a 6-stage Rodas-type method in the form of rodas4_tableau.hpp (c5 = c6 = 1,
/// d5 = d6 = 0, x_new = x + Σ a_5j k_j + k_5 + k_6, error = k_6): one driver runs any of them.
struct RodasTableau {
  const char* name;
  double gamma, c2, c3, c4, d1, d2, d3, d4;
  double a21, a31, a32, a41, a42, a43, a51, a52, a53, a54;
  double C21, C31, C32, C41, C42, C43, C51, C52, C53, C54, C61, C62, C63, C64, C65;
  double h21, h22, h23, h24, h25, h31, h32, h33, h34, h35;
};

/// RODAS (Hairer & Wanner): the coefficients above.
inline constexpr RodasTableau rodas4_tableau{
    "Rodas4",    rodas4::gamma, rodas4::c2,  rodas4::c3,  rodas4::c4,  rodas4::d1,  rodas4::d2,  rodas4::d3,
    rodas4::d4,  rodas4::a21,   rodas4::a31, rodas4::a32, rodas4::a41, rodas4::a42, rodas4::a43, rodas4::a51,
    rodas4::a52, rodas4::a53,   rodas4::a54, rodas4::C21, rodas4::C31, rodas4::C32, rodas4::C41, rodas4::C42,
    rodas4::C43, rodas4::C51,   rodas4::C52, rodas4::C53, rodas4::C54, rodas4::C61, rodas4::C62, rodas4::C63,
    rodas4::C64, rodas4::C65,   rodas4::h21, rodas4::h22, rodas4::h23, rodas4::h24, rodas4::h25, rodas4::h31,
    rodas4::h32, rodas4::h33,   rodas4::h34, rodas4::h35};

/// Rodas4P2 (Steinebach 2020): same stages and error estimate, coefficients chosen so that the
/// Prothero-Robinson model keeps order 4 at |λh| >> 1 and the dense output is more accurate: what
/// tight tolerances on stiff problems need (Rodas4 drops to order ~1 there).
/// \see G. Steinebach, Improvement of Rosenbrock-Wanner method RODASP, in: Progress in
///      Differential-Algebraic Equations II, Springer (2020) 165-184, doi:10.1007/978-3-030-53905-4_6.
/// \note Transcribed from the paper's method in the form above; checked against OrdinaryDiffEq.jl's
///       `Rodas4P2Tableau` listing.
inline constexpr RodasTableau rodas4p2_tableau{"Rodas4P2",
                                               /*gamma*/ 0.25,
                                               /*c2..c4*/ 0.75,
                                               0.321448134013046,
                                               0.519745732277726,
                                               /*d1..d4*/ 0.25,
                                               -0.5,
                                               -0.189532918363016,
                                               0.085612108792769,
                                               /*a21*/ 3.0,
                                               /*a31, a32*/ 0.906377755268814,
                                               -0.189707390391685,
                                               /*a41..a43*/ 3.758617027739064,
                                               1.161741776019525,
                                               -0.849258085312803,
                                               /*a51..a54*/ 7.089566927282776,
                                               4.573591406461604,
                                               -8.423496976860259,
                                               -0.959280113459775,
                                               /*C21*/ -12.0,
                                               /*C31, C32*/ -6.354581592719008,
                                               0.338972550544623,
                                               /*C41..C43*/ -8.575016317114033,
                                               -7.606483992117508,
                                               12.224997650124820,
                                               /*C51..C54*/ -5.888975457523102,
                                               -8.157396617841821,
                                               24.805546872612922,
                                               12.790401512796979,
                                               /*C61..C65*/ -4.408651676063871,
                                               -6.692003137674639,
                                               24.625568527593117,
                                               16.627521966636085,
                                               -5.714285714285718,
                                               /*h21..h25*/ -5.323528268423303,
                                               -10.042123754867493,
                                               17.175254928256965,
                                               -5.079931171878093,
                                               -0.016185991706112,
                                               /*h31..h35*/ 6.984505741529879,
                                               6.914061169603662,
                                               -0.849178943070653,
                                               18.104410789349338,
                                               -3.516963011559032};

}  // namespace massagesim
