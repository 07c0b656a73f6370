#pragma once
/// \file targets.hpp
/// \brief The validation registry: every target of validation.md that the library can run, as a record
///        {id, citation, quantity, data, band and the rule that made it, expected-failure reason, model
///        value function}, and the report (`run_targets`, `format_report`) that `massagesim_validate`,
///        `massagesim._core.validation_rows()` and the tests share.
///
/// How a target passes (validation.md): the model value lies in [band_lo, band_hi], built from the
/// published mean ± SD (or SE / CI where that is what the study reports), from 10 % / 30 % of the mean
/// where only a mean is published, or around zero for a null target (the study's uncertainty). A target
/// the model cannot reach yet keeps its band and carries an `expected_failure_reason`: it is reported as
/// EXPECTED-FAIL, and as XPASS (an error, like FAIL) once it passes, so that the reason gets removed.
///
/// ### Adding targets (e.g. the limb-level P1/P2/P4)
/// 1. Put the computation (protocol, run, measured value) in a function of your area, declared in
///    `include/massagesim/validation/<area>.hpp` and compiled in `src/validation_<area>.cpp` (add the file
///    to `massagesim_runtime` in src/CMakeLists.txt); cache it with a function-local static if several
///    targets read the same run (see src/validation_fluid.cpp).
/// 2. Write `std::vector<Target> <area>_targets()` (declared below next to the others) returning one
///    `Target` per reported number, with `model = [] { return <area function>().<value>; }`.
/// 3. Append it in `all_targets()` (src/validation_targets.cpp) - one line.
/// 4. In the area's test, call the same function and assert the band, plus `expect_registered(...)` from
///    tests (see tests/cpp/models/test_fluid_validation.cpp) so tests and report cannot drift apart.

#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace massagesim::validation {

/// Which rule made a band.
enum class BandRule {
  mean_sd,      ///< published mean ± 1 SD
  mean_se,      ///< published mean ± 1 SE (the study reports SE)
  ci,           ///< published confidence interval
  pct10,        ///< within 10 % of a published mean (no SD)
  pct30,        ///< within 30 % of a published mean (no SD)
  null_band,    ///< null target: the study's uncertainty around zero effect
  range,        ///< published range (validation.md gives a range, e.g. Rest)
  qualitative,  ///< a direction / ordering / bound the study reports without a usable spread
};
std::string_view to_string(BandRule r);

inline constexpr double kNoBound = std::numeric_limits<double>::infinity();

/// One validation target: one reported number.
struct Target {
  std::string id;        ///< e.g. "L2.passive" (validation.md ID, dot, what)
  std::string area;      ///< rest, blood_flow, venous_pump, lymph, lactate, tone
  std::string citation;  ///< short, e.g. "Gupta 1996 Int J Sports Med 17:106"
  std::string quantity;  ///< what is compared, e.g. "blood-lactate half-life, passive recovery"
  std::string unit;      ///< unit of data, band and model value ("1" for ratios, "%" for changes)
  std::string data;      ///< as published, e.g. "21.5 ± 2.8"
  double data_mean = std::numeric_limits<double>::quiet_NaN();    ///< published mean (0 for a null)
  double data_spread = std::numeric_limits<double>::quiet_NaN();  ///< SD / SE / CI half-width, NaN if none
  double band_lo = -kNoBound, band_hi = kNoBound;                 ///< the pass band (closed)
  BandRule rule = BandRule::mean_sd;
  std::string expected_failure_reason;  ///< empty: the target must pass
  std::function<double()> model;        ///< computes (or reads the cached) model value
};

/// Outcome of a target.
enum class Status { pass, expected_fail, fail, unexpected_pass };
std::string_view to_string(Status s);  ///< PASS, EXPECTED-FAIL, FAIL, XPASS

struct TargetResult {
  Target target;
  double model = std::numeric_limits<double>::quiet_NaN();
  bool in_band = false;
  Status status = Status::fail;
  double error_pct =
      std::numeric_limits<double>::quiet_NaN();  ///< (model - mean)/|mean| x 100; NaN for nulls and qualitative bounds
  std::string error_message;                     ///< set when the computation threw (status FAIL)
  bool ok() const { return status == Status::pass || status == Status::expected_fail; }
};

// Registry, by area (each compiled in src/validation_targets.cpp).
std::vector<Target> rest_targets();
std::vector<Target> blood_flow_targets();  ///< B1, B4, R1/R2 and the calf emptying tau (P5)
std::vector<Target> lymph_targets();       ///< Y1, Y4
std::vector<Target> lactate_targets();     ///< L1, L2, L3/L5/L6/L7, L10
std::vector<Target> tone_targets();        ///< T1, T2/T3, T4
/// Every target, in report order.
std::vector<Target> all_targets();
/// The target with this id. \throws UnknownName (with the nearest ids) if there is none.
Target find_target(std::string_view id);

/// Whether `model` lies in the target's band.
bool in_band(const Target& t, double model);
/// Evaluates one target (computation errors become FAIL with the message).
TargetResult evaluate(const Target& t);
/// Evaluates the targets whose id starts with one of `prefixes` (all if empty).
std::vector<TargetResult> run_targets(const std::vector<std::string>& prefixes = {});

enum class ReportFormat { text, csv, markdown };
/// The table: target, citation, quantity, data, model, error %, band, band rule, status (reason).
std::string format_report(const std::vector<TargetResult>& rows, ReportFormat format);
/// Number of rows that are FAIL or XPASS.
int count_unexpected(const std::vector<TargetResult>& rows);

}  // namespace massagesim::validation
