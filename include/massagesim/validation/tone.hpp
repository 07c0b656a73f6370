#pragma once
/// \file tone.hpp
/// \brief Validation area "Tone" (validation.md T1, T2/T3, T4): the muscle-tone block on the prescribed-flow
///        segment harness (validation/harness.hpp, toy flow law) and, for T2/T3, inside the calf Segment.
///        Compiled in src/validation_metabolism.cpp; results cached on first use.

#include <array>

namespace massagesim::validation {

/// T2 Morelli 1990 (JOSPT 12:55), T3 Sullivan 1991 (Arch Phys Med Rehabil 72:915): 6 min of massage (60 mmHg
/// strokes at 0.4 Hz, massage drive 1) from t = 60 s on the harness, sampled every 10 s. Reflex gain relative
/// to rest: before, mean during (t = 70-420 s), first sample 10 s after the massage.
struct ReflexResult {
  double before = 0.0, during = 0.0, after_10s = 0.0;
};
const ReflexResult& t2t3_reflex();

/// T2/T3 inside the calf Segment: 3 min of massage from t = 60 s; reflex gain at t = 200 s and 250 s.
struct ReflexSegmentResult {
  double during = 0.0, after_10s = 0.0;
};
const ReflexSegmentResult& t2t3_reflex_segment();

/// T1 Eriksson Crommert 2015 (SJMSS 25:e490): 7 min of massage; passive stiffness change [%] right after and
/// 3 min later.
struct T1Result {
  double right_after_pct = 0.0, after_3min_pct = 0.0;
  static constexpr int n_subjects = 18;
};
const T1Result& t1_eriksson_crommert2015();

/// T4 Kong 2018 (J Sports Sci Med 17:599): 16 min of massage; stiffness difference massage - control [%]
/// at 24, 48, 72, 96 h; and the stiffness at the end of the massage (the acute effect).
struct T4Result {
  static constexpr std::array<int, 4> hours{24, 48, 72, 96};
  std::array<double, 4> difference_pct{};
  double stiffness_rel_end_of_massage = 0.0;
};
const T4Result& t4_kong2018();

}  // namespace massagesim::validation
