/// \file scenario_io.cpp
/// \brief Scenario files in JSON (nlohmann-json): parsing with path-precise errors, writing, the
/// default scenario, subject presets and parameter overrides through the model's registry.

#include "massagesim/scenario/scenario_io.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/core/names.hpp"
#include "massagesim/models/default_subject.hpp"
#include "massagesim/models/limb.hpp"
#include "massagesim/models/output_catalogue.hpp"
#include "massagesim/models/parameter_registry.hpp"
#include "massagesim/models/parameter_space.hpp"
#include "massagesim/protocols/detail/checks.hpp"
#include "massagesim/scenario/limits.hpp"
#include "massagesim/simulation/stepper_table.hpp"

namespace massagesim::scenario {

namespace detail_default {
extern const char* const default_scenario_text;
}

namespace {

namespace mp = massagesim::protocols;
using Json = nlohmann::ordered_json;

// ---- input guards: what a scenario file may be before it is parsed --------------------------
// A parser given a device, a FIFO, a huge or deeply nested document can hang, exhaust memory or
// overflow the stack (nlohmann's dump() recurses): refuse those up front, naming what is allowed.

/// Largest scenario file/text accepted [bytes]: 10^5 phases take ~10 MB of JSON.
constexpr std::uintmax_t max_scenario_bytes = 16u << 20;
/// Deepest nesting of objects/arrays accepted; the schema's deepest field is 4 levels down.
constexpr std::size_t max_nesting_depth = 32;

/// A readable name for the kind of a non-regular file.
std::string file_kind(const std::filesystem::file_status& st) {
  namespace fs = std::filesystem;
  switch (st.type()) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::fifo:
      return "a FIFO (named pipe)";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

/// The bytes of a scenario file: regular files only, at most `max_scenario_bytes`.
std::string read_scenario_file(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  const std::string where = path.string() + ": ";
  std::error_code ec;
  const auto st = fs::status(path, ec);  // follows symlinks: a link to a regular file is fine
  if (ec || !fs::exists(st)) throw InvalidArgument(where + "cannot open the scenario file (missing or unreadable)");
  if (!fs::is_regular_file(st))
    throw InvalidArgument(where + "the scenario file is " + file_kind(st) + "; expected a regular .json file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw InvalidArgument(where + "cannot open the scenario file (missing or unreadable)");
  if (size > max_scenario_bytes)
    throw InvalidArgument(massagesim::detail::concat(where, "the scenario file is ", size, " bytes; expected at most ",
                                                     max_scenario_bytes, " bytes"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument(where + "cannot open the scenario file (missing or unreadable)");
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad()) throw InvalidArgument(where + "error while reading the scenario file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

/// Byte offset -> 1-based line and column.
std::pair<std::size_t, std::size_t> guard_line_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

/// Length of the UTF-8 sequence starting at `i` (0 when ill-formed: overlong, surrogate, > U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (n == 3 && ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) >= 0xA0))) return 0;
  if (n == 4 && ((c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) >= 0x90))) return 0;
  return n;
}

/// Checks the raw text (size, encoding, nesting depth) and returns it without a UTF-8 BOM.
std::string_view guard_text(const std::string& source, std::string_view text) {
  const std::string where = source + ": ";
  if (text.size() > max_scenario_bytes)
    throw InvalidArgument(massagesim::detail::concat(where, "the scenario text is ", text.size(),
                                                     " bytes; expected at most ", max_scenario_bytes, " bytes"));
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto bom = [&](std::string_view b) { return text.starts_with(b); };
  const char* other = bom(std::string_view("\xFF\xFE\0\0", 4)) || bom(std::string_view("\0\0\xFE\xFF", 4)) ? "UTF-32"
                      : bom("\xFF\xFE") || bom("\xFE\xFF")                                                 ? "UTF-16"
                                                                                                           : nullptr;
  if (!other && text.size() >= 2 && (text[0] == '\0' || text[1] == '\0'))
    other = "UTF-16 or UTF-32 (no byte-order mark)";
  if (other)
    throw InvalidArgument(where + "the scenario is encoded as " + other + "; expected UTF-8 (with or without a BOM)");
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      const auto [line, col] = guard_line_column(text, i);
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
      throw InvalidArgument(massagesim::detail::concat(
          where, "not UTF-8: byte ", hex, " at line ", line, ", column ", col,
          " (Latin-1 or Windows-1252?); expected UTF-8 (with or without a BOM): re-save the file as UTF-8"));
    }
    const char c = text[i];
    if (in_string && c == '\\') {  // skip the escaped character: an escaped quote does not end the string
      i += n;
      if (i < text.size()) i += std::max<std::size_t>(utf8_length(text, i), 1);
      continue;
    }
    if (in_string) {
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_nesting_depth) {
        const auto [line, col] = guard_line_column(text, i);
        throw InvalidArgument(massagesim::detail::concat(where, "objects/arrays nested more than ", max_nesting_depth,
                                                         " deep (at line ", line, ", column ", col,
                                                         "); a scenario nests at most 4 deep"));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
    i += n;
  }
  return text;
}

// ---- names ------------------------------------------------------------------------------------

constexpr std::array<std::pair<std::string_view, mp::PhaseKind>, 7> phase_kinds{{
    {"rest", mp::PhaseKind::rest},
    {"exercise", mp::PhaseKind::exercise},
    {"active_recovery", mp::PhaseKind::active_recovery},
    {"massage", mp::PhaseKind::massage},
    {"compression", mp::PhaseKind::compression},
    {"passive_recovery", mp::PhaseKind::passive_recovery},
    {"posture_change", mp::PhaseKind::posture_change},
}};
constexpr std::array<std::pair<std::string_view, bool>, 2> muscle_groups{{
    {"whole_body", true},
    {"limb", false},
}};
constexpr auto postures = [] {
  std::array<std::pair<std::string_view, mp::Posture>, mp::posture_catalogue.size()> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = {mp::posture_catalogue[i].name, mp::posture_catalogue[i].posture};
  return t;
}();
constexpr std::array<std::pair<std::string_view, mp::RampShape>, 3> ramp_shapes{{
    {"linear", mp::RampShape::linear},
    {"cosine", mp::RampShape::cosine},
    {"smoothstep", mp::RampShape::smoothstep},
}};
constexpr std::array<std::pair<std::string_view, mp::StrokeDirection>, 2> stroke_directions{{
    {"toward_heart", mp::StrokeDirection::toward_heart},
    {"away_from_heart", mp::StrokeDirection::away_from_heart},
}};
constexpr std::array<std::string_view, 2> presets{"default_calf", "default_forearm"};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& table, E v) {
  for (const auto& [n, e] : table)
    if (e == v) return n;
  return "unknown";
}

/// Up to `n` of `candidates` nearest to `name` by edit distance, as "'a', 'b'".
std::string nearest(std::string_view name, const std::vector<std::string>& candidates, std::size_t n = 3) {
  return nearest_names(name, candidates, n);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

template <class Range>
std::vector<std::string> to_strings(const Range& r) {
  std::vector<std::string> out;
  for (const auto& x : r) {
    if constexpr (requires { x.first; })
      out.emplace_back(x.first);
    else
      out.emplace_back(x);
  }
  return out;
}

// ---- units ------------------------------------------------------------------------------------

/// Unit suffixes recognised in field names, longest first so that "_cm_per_s" wins over "_s".
constexpr std::array<std::string_view, 30> unit_suffixes{"_cm_per_s",
                                                         "_mm_per_s",
                                                         "_m_per_s",
                                                         "_per_min",
                                                         "_per_s",
                                                         "_fraction_VO2max",
                                                         "_percent_VO2max",
                                                         "_VO2max",
                                                         "_mmHg",
                                                         "_cmH2O",
                                                         "_kPa",
                                                         "_Pa",
                                                         "_psi",
                                                         "_bar",
                                                         "_N",
                                                         "_kg",
                                                         "_Hz",
                                                         "_bpm",
                                                         "_rpm",
                                                         "_ms",
                                                         "_min",
                                                         "_h",
                                                         "_s",
                                                         "_cm",
                                                         "_mm",
                                                         "_m",
                                                         "_in",
                                                         "_deg",
                                                         "_rad",
                                                         "_percent"};

/// The field name without its unit suffix, and the unit ("" when none is recognised).
std::pair<std::string_view, std::string_view> split_unit(std::string_view key) {
  std::string_view best;
  for (auto u : unit_suffixes)
    if (key.size() > u.size() && key.ends_with(u) && u.size() > best.size()) best = u;
  if (best.empty()) return {key, {}};
  return {key.substr(0, key.size() - best.size()), best.substr(1)};
}

// ---- reading ----------------------------------------------------------------------------------

std::string type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

std::string show(const Json& j) {
  std::string s = j.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return type_name(j) + " " + s;
}

/// Where errors are reported: the source name.
struct Ctx {
  std::string source;

  [[noreturn]] void fail(std::string_view path, const std::string& msg) const {
    throw InvalidArgument(massagesim::detail::concat(source, ": ", path, path.empty() ? "" : ": ", msg));
  }
  [[noreturn]] void fail_name(std::string_view path, const std::string& msg) const {
    throw UnknownName(massagesim::detail::concat(source, ": ", path, path.empty() ? "" : ": ", msg));
  }
};

/// An array of unique non-empty names (segments, sides); `what` names one element in the messages.
std::vector<std::string> read_unique_names(const Ctx& ctx, const Json& a, const std::string& path,
                                           std::string_view what) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (!a[i].is_string() || a[i].get<std::string>().empty())
      ctx.fail(p, massagesim::detail::concat("expected a ", what, " name (non-empty string), got ", show(a[i])));
    auto s = a[i].get<std::string>();
    if (std::find(out.begin(), out.end(), s) != out.end())
      ctx.fail(p, massagesim::detail::concat("duplicate ", what, " '", s, "'; names must be unique"));
    out.push_back(std::move(s));
  }
  return out;
}

std::string join_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

/// Range rule for a numeric field, from its unit suffix (the technique constructors check the
/// cross-field rules; these give the field's path).
void check_by_unit(const Ctx& ctx, const std::string& path, std::string_view key, double v) {
  if (!std::isfinite(v)) ctx.fail(path, massagesim::detail::concat("expected a finite number, got ", v));
  const auto unit = split_unit(key).second;
  if (unit == "mmHg") {
    if (v < 0.0 || v > mp::max_pressure_mmHg)
      ctx.fail(path,
               massagesim::detail::concat("expected a pressure in [0, ", mp::max_pressure_mmHg, "] mmHg, got ", v));
  } else if (unit == "s" || unit == "cm") {
    if (v < 0.0) ctx.fail(path, massagesim::detail::concat("expected >= 0 ", unit, ", got ", v));
  } else if (unit == "Hz" || unit == "cm_per_s") {
    if (v <= 0.0)
      ctx.fail(path, massagesim::detail::concat("expected > 0 ", unit == "Hz" ? "Hz" : "cm/s", ", got ", v));
  }
}

/// One JSON object being read: remembers the keys asked for, so that `finish()` can reject the
/// others with the nearest valid names (and say which unit a field takes).
class Fields {
 public:
  Fields(const Ctx& ctx, const Json& j, std::string path) : ctx_(ctx), j_(j), path_(std::move(path)) {
    if (!j_.is_object()) ctx_.fail(path_.empty() ? "(top level)" : path_, "expected an object, got " + show(j_));
  }

  const Ctx& ctx() const { return ctx_; }
  std::string path(std::string_view key) const { return join_path(path_, key); }
  const std::string& path() const { return path_; }

  /// The value of `key`, or nullptr; `key` becomes an allowed field.
  const Json* get(std::string_view key) {
    allowed_.emplace_back(key);
    const auto it = j_.find(std::string(key));
    return it == j_.end() ? nullptr : &*it;
  }
  const Json& required(std::string_view key) {
    const Json* v = get(key);
    if (v) return *v;
    const std::string where = path_.empty() ? "(top level)" : path_;
    const auto [stem, unit] = split_unit(key);
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      const auto [kstem, kunit] = split_unit(it.key());
      if (!unit.empty() && kstem == stem && !kunit.empty())
        ctx_.fail(path(it.key()), "wrong unit '" + std::string(kunit) + "': this field takes " + std::string(unit) +
                                      "; write it as '" + std::string(key) + "' (in " + std::string(unit) + ")");
    }
    std::string hint;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (edit_distance(it.key(), key) <= 2)
        hint = " (found '" + it.key() + "': did you mean '" + std::string(key) + "'?)";
    ctx_.fail(where, "missing required field '" + std::string(key) + "'" + hint);
  }

  double number_of(std::string_view key, const Json& v, bool check_unit_range = true) const {
    if (!v.is_number()) {
      const auto unit = split_unit(key).second;
      ctx_.fail(path(key), "expected a number" + (unit.empty() ? std::string() : " (" + std::string(unit) + ")") +
                               ", got " + show(v));
    }
    const double x = v.get<double>();
    if (check_unit_range)
      check_by_unit(ctx_, path(key), key, x);
    else if (!std::isfinite(x))
      ctx_.fail(path(key), massagesim::detail::concat("expected a finite number, got ", x));
    return x;
  }
  /// Sets `out` when `key` is present.
  bool number(std::string_view key, double& out) {
    const Json* v = get(key);
    if (!v) return false;
    out = number_of(key, *v);
    return true;
  }
  bool number(std::string_view key, std::optional<double>& out) {
    double x = 0.0;
    if (!number(key, x)) return false;
    out = x;
    return true;
  }
  double required_number(std::string_view key) { return number_of(key, required(key)); }

  bool integer(std::string_view key, int& out) {
    const Json* v = get(key);
    if (!v) return false;
    if (!v->is_number_integer()) ctx_.fail(path(key), "expected an integer, got " + show(*v));
    const auto x = v->get<long long>();
    if (x < -1000000 || x > 1000000)
      ctx_.fail(path(key), "expected an integer in [-1000000, 1000000], got " + v->dump());
    out = static_cast<int>(x);
    return true;
  }
  bool boolean(std::string_view key, bool& out) {
    const Json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) ctx_.fail(path(key), "expected true or false, got " + show(*v));
    out = v->get<bool>();
    return true;
  }
  std::string string_of(std::string_view key, const Json& v) const {
    if (!v.is_string()) ctx_.fail(path(key), "expected a string, got " + show(v));
    return v.get<std::string>();
  }
  bool string(std::string_view key, std::string& out) {
    const Json* v = get(key);
    if (!v) return false;
    out = string_of(key, *v);
    return true;
  }
  template <class E, std::size_t N>
  E choice_of(std::string_view key, const Json& v, const std::array<std::pair<std::string_view, E>, N>& table,
              std::string_view what) const {
    return choice_at(path(key), v, table, what);
  }
  template <class E, std::size_t N>
  E choice_at(const std::string& where, const Json& v, const std::array<std::pair<std::string_view, E>, N>& table,
              std::string_view what) const {
    if (!v.is_string()) ctx_.fail(where, "expected a string naming a " + std::string(what) + ", got " + show(v));
    const auto s = v.get<std::string>();
    for (const auto& [n, e] : table)
      if (n == s) return e;
    const auto names = to_strings(table);
    ctx_.fail_name(where, "unknown " + std::string(what) + " '" + s + "'; did you mean " + nearest(s, names, 1) +
                              "? expected one of: " + joined(names));
  }
  template <class E, std::size_t N>
  bool choice(std::string_view key, E& out, const std::array<std::pair<std::string_view, E>, N>& table,
              std::string_view what) {
    const Json* v = get(key);
    if (!v) return false;
    out = choice_of(key, *v, table, what);
    return true;
  }
  const Json* array(std::string_view key) {
    const Json* v = get(key);
    if (v && !v->is_array()) ctx_.fail(path(key), "expected an array, got " + show(*v));
    return v;
  }

  /// Rejects every key not asked for, naming the nearest allowed ones (or the expected unit).
  void finish() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
      const auto [stem, unit] = split_unit(key);
      if (!unit.empty()) {
        for (const auto& a : allowed_) {
          const auto [astem, aunit] = split_unit(a);
          if (astem == stem && !aunit.empty())
            ctx_.fail(path(key), "wrong unit '" + std::string(unit) + "': this field takes " + std::string(aunit) +
                                     "; write it as '" + a + "' (in " + std::string(aunit) + ")");
        }
      }
      ctx_.fail(path(key), "unknown field '" + key + "'; did you mean " + nearest(key, allowed_, 1) +
                               "? allowed here: " + joined(allowed_));
    }
  }

 private:
  const Ctx& ctx_;
  const Json& j_;
  std::string path_;
  std::vector<std::string> allowed_;
};

// ---- technique parameters: one field list per technique, used both to read and to write ----

/// Reads fields into a parameter struct.
struct Reader {
  Fields& f;
  void num(std::string_view key, double& v) { f.number(key, v); }
  void integer(std::string_view key, int& v) { f.integer(key, v); }
  void boolean(std::string_view key, bool& v) { f.boolean(key, v); }
  void shape(std::string_view key, mp::RampShape& v) { f.choice(key, v, ramp_shapes, "ramp shape"); }
  void direction(std::string_view key, mp::StrokeDirection& v) { f.choice(key, v, stroke_directions, "direction"); }
  void pressures(std::string_view key, std::vector<double>& v) {
    const Json* a = f.array(key);
    if (!a) return;
    v.clear();
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string p = f.path(key) + "[" + std::to_string(i) + "]";
      const Json& x = (*a)[i];
      if (!x.is_number()) f.ctx().fail(p, "expected a number (mmHg), got " + show(x));
      check_by_unit(f.ctx(), p, key, x.get<double>());
      v.push_back(x.get<double>());
    }
  }
};

/// Writes a parameter struct's fields (non-finite values, which mean "default", are left out).
struct Writer {
  Json& j;
  void num(std::string_view key, double& v) {
    if (std::isfinite(v)) j[std::string(key)] = v;
  }
  void integer(std::string_view key, int& v) { j[std::string(key)] = v; }
  void boolean(std::string_view key, bool& v) { j[std::string(key)] = v; }
  void shape(std::string_view key, mp::RampShape& v) { j[std::string(key)] = name_of(ramp_shapes, v); }
  void direction(std::string_view key, mp::StrokeDirection& v) { j[std::string(key)] = name_of(stroke_directions, v); }
  void pressures(std::string_view key, std::vector<double>& v) { j[std::string(key)] = v; }
};

template <class IO>
void technique_fields(IO& io, mp::StaticCompressionParams& p) {
  io.num("pressure_mmHg", p.pressure_mmHg);
  io.num("rise_s", p.rise_s);
  io.num("hold_s", p.hold_s);
  io.num("release_s", p.release_s);
  io.shape("shape", p.shape);
  io.num("from_cm", p.from_cm);
  io.num("to_cm", p.to_cm);
}
template <class IO>
void technique_fields(IO& io, mp::EffleurageParams& p) {
  io.num("pressure_mmHg", p.pressure_mmHg);
  io.num("speed_cm_per_s", p.speed_cm_per_s);
  io.direction("direction", p.direction);
  io.num("contact_length_cm", p.contact_length_cm);
  io.num("ramp_s", p.ramp_s);
  io.num("pause_s", p.pause_s);
  io.shape("shape", p.shape);
  io.num("from_cm", p.from_cm);
  io.num("to_cm", p.to_cm);
}
template <class IO>
void technique_fields(IO& io, mp::PetrissageParams& p) {
  io.num("depth_mmHg", p.depth_mmHg);
  io.num("baseline_mmHg", p.baseline_mmHg);
  io.num("rate_Hz", p.rate_Hz);
  io.num("from_cm", p.from_cm);
  io.num("to_cm", p.to_cm);
}
template <class IO>
void technique_fields(IO& io, mp::TapotementParams& p) {
  io.num("pressure_mmHg", p.pressure_mmHg);
  io.num("rate_Hz", p.rate_Hz);
  io.num("pulse_width_s", p.pulse_width_s);
  io.num("edge_s", p.edge_s);
  io.shape("shape", p.shape);
  io.num("from_cm", p.from_cm);
  io.num("to_cm", p.to_cm);
}
template <class IO>
void technique_fields(IO& io, mp::DeepFrictionParams& p) {
  io.num("pressure_mmHg", p.pressure_mmHg);
  io.num("rate_Hz", p.rate_Hz);
  io.num("modulation", p.modulation);
  io.num("rise_s", p.rise_s);
  io.num("site_centre_cm", p.site_centre_cm);
  io.num("site_length_cm", p.site_length_cm);
}
template <class IO>
void technique_fields(IO& io, mp::SequentialCompressionParams& p) {
  io.pressures("chamber_pressures_mmHg", p.chamber_pressures_mmHg);
  io.integer("first_segment", p.first_segment);
  io.num("inflation_s", p.inflation_s);
  io.num("delay_s", p.delay_s);
  io.num("hold_s", p.hold_s);
  io.num("deflation_s", p.deflation_s);
  io.num("cycle_period_s", p.cycle_period_s);
  io.boolean("deflate_together", p.deflate_together);
  io.shape("inflation_shape", p.inflation_shape);
}
template <class IO>
void technique_fields(IO& io, mp::OcclusionCuffParams& p) {
  io.num("pressure_mmHg", p.pressure_mmHg);
  io.integer("segment", p.segment);
  io.num("inflation_s", p.inflation_s);
  io.num("hold_s", p.hold_s);
  io.num("deflation_s", p.deflation_s);
}

// ---- sections ---------------------------------------------------------------------------------

mp::TechniqueParams read_technique(Fields& f, mp::PhaseKind kind) {
  const Json& t = f.required("technique");
  const std::string name = f.string_of("technique", t);
  const auto known = to_strings(mp::technique_names);
  if (std::find(known.begin(), known.end(), name) == known.end())
    f.ctx().fail_name(f.path("technique"), "unknown technique '" + name + "'; did you mean " + nearest(name, known, 1) +
                                               "? expected one of: " + joined(known));
  const bool device = mp::is_device_technique(name);
  if (kind == mp::PhaseKind::massage && device)
    f.ctx().fail(f.path("technique"),
                 "'" + name +
                     "' is a device; a massage phase takes a manual technique (static_compression, "
                     "effleurage, petrissage, tapotement, deep_friction); use kind \"compression\"");
  if (kind == mp::PhaseKind::compression && !device)
    f.ctx().fail(f.path("technique"), "'" + name +
                                          "' is applied by hand; a compression phase takes a device "
                                          "(sequential_compression, occlusion_cuff); use kind \"massage\"");
  mp::TechniqueParams params = mp::default_technique_params(name);
  Reader r{f};
  std::visit([&](auto& p) { technique_fields(r, p); }, params);
  return params;
}

/// `contractions` of an exercise or active-recovery phase: every field optional (protocols::Contractions
/// defaults), each checked against its range.
mp::Contractions read_contractions(Fields f) {
  using C = mp::Contractions;
  C c;
  if (f.number("cadence_per_min", c.cadence_per_min) &&
      !(c.cadence_per_min >= C::min_cadence_per_min && c.cadence_per_min <= C::max_cadence_per_min))
    f.ctx().fail(f.path("cadence_per_min"),
                 massagesim::detail::concat("expected contractions per minute in [", C::min_cadence_per_min, ", ",
                                            C::max_cadence_per_min, "], got ", c.cadence_per_min));
  if (f.number("duty_cycle", c.duty_cycle) && !(c.duty_cycle >= C::min_duty_cycle && c.duty_cycle <= C::max_duty_cycle))
    f.ctx().fail(f.path("duty_cycle"),
                 massagesim::detail::concat("expected the contracting fraction of a cycle in [", C::min_duty_cycle,
                                            ", ", C::max_duty_cycle, "], got ", c.duty_cycle));
  f.number("pressure_mmHg", c.pressure_mmHg);  // [0, max_pressure_mmHg] by its unit
  if (f.number("limb_offset_cycles", c.limb_offset_cycles) &&
      !(c.limb_offset_cycles >= 0.0 && c.limb_offset_cycles < 1.0))
    f.ctx().fail(f.path("limb_offset_cycles"),
                 massagesim::detail::concat("expected the lag of each limb behind the one before, a fraction of a "
                                            "cycle in [0, 1), got ",
                                            c.limb_offset_cycles));
  f.finish();
  return c;
}

PhaseSpec read_phase(const Ctx& ctx, const Json& j, const std::string& path) {
  Fields f(ctx, j, path);
  PhaseSpec ph;
  ph.kind = f.choice_of("kind", f.required("kind"), phase_kinds, "phase kind");
  f.number("start_s", ph.start_s);
  ph.duration_s = f.number_of("duration_s", f.required("duration_s"), /*check_unit_range=*/false);
  if (ph.kind == mp::PhaseKind::posture_change ? !(ph.duration_s >= 0.0) : !(ph.duration_s > 0.0))
    ctx.fail(
        f.path("duration_s"),
        massagesim::detail::concat("expected ", ph.kind == mp::PhaseKind::posture_change ? ">= 0" : "> 0",
                                   " s for a phase of kind ", name_of(phase_kinds, ph.kind), ", got ", ph.duration_s));
  using K = mp::PhaseKind;
  if (ph.kind == K::exercise || ph.kind == K::active_recovery) {
    const bool by_threshold = f.get("intensity_fraction_lactate_threshold") != nullptr;
    const bool by_watts = f.get("intensity_W") != nullptr;
    if (ph.kind == K::exercise && !by_threshold && !by_watts) f.required("intensity_fraction_VO2max");
    if (by_watts && (by_threshold || f.get("intensity_fraction_VO2max")))
      ctx.fail(f.path("intensity_W"),
               "give the intensity once: intensity_fraction_VO2max, intensity_fraction_lactate_threshold or "
               "intensity_W, not both");
    if (f.number("intensity_W", ph.intensity_W) && !(*ph.intensity_W > 0.0 && *ph.intensity_W <= 2500.0))
      ctx.fail(f.path("intensity_W"),
               massagesim::detail::concat("expected a cycling power in (0, 2500] W (all-out sprints), got ",
                                          *ph.intensity_W));
    if (f.number("intensity_fraction_VO2max", ph.intensity_fraction_VO2max)) {
      const double v = *ph.intensity_fraction_VO2max;
      const double max = ph.kind == K::exercise ? mp::Schedule::max_exercise_intensity : 1.0;
      if (!(v > 0.0 && v <= max))
        ctx.fail(f.path("intensity_fraction_VO2max"),
                 massagesim::detail::concat("expected a fraction of VO2max in (0, ", max, "], got ", v));
      if (by_threshold)
        ctx.fail(f.path("intensity_fraction_lactate_threshold"),
                 "give the intensity once: intensity_fraction_VO2max or intensity_fraction_lactate_threshold, "
                 "not both");
    }
    if (f.number("intensity_fraction_lactate_threshold", ph.intensity_fraction_lactate_threshold)) {
      // The product with the threshold is checked against the VO2max bound when the schedule is built.
      const double v = *ph.intensity_fraction_lactate_threshold;
      if (!(v > 0.0 && std::isfinite(v)))
        ctx.fail(f.path("intensity_fraction_lactate_threshold"),
                 massagesim::detail::concat("expected a multiple of the lactate threshold > 0, got ", v));
    }
    if (const Json* g = f.get("muscle_group"))
      ph.whole_body = f.choice_of("muscle_group", *g, muscle_groups, "muscle group");
    if (const Json* a = f.array("working_segments")) {
      if (a->empty())
        ctx.fail(f.path("working_segments"), "expected at least one segment name (omit it for all), got []");
      ph.working_segments = read_unique_names(ctx, *a, f.path("working_segments"), "segment");
    }
    if (const Json* c = f.get("contractions"))
      ph.contractions = read_contractions(Fields(ctx, *c, f.path("contractions")));
  }
  if (const Json* a = f.array("sides")) {
    if (!(ph.kind == K::exercise || ph.kind == K::active_recovery || ph.kind == K::massage ||
          ph.kind == K::compression || ph.kind == K::posture_change))
      ctx.fail(f.path("sides"), "a phase of kind " + std::string(name_of(phase_kinds, ph.kind)) +
                                    " acts on every limb; sides is for exercise, active_recovery, massage, "
                                    "compression and posture_change");
    if (a->empty()) ctx.fail(f.path("sides"), "expected at least one side (omit it for every limb), got []");
    ph.sides = read_unique_names(ctx, *a, f.path("sides"), "side");
  }
  if (f.number("muscle_flow_multiplier", ph.muscle_flow_multiplier)) {
    const double k = *ph.muscle_flow_multiplier;
    if (!(k >= mp::Schedule::min_muscle_flow_multiplier && k <= mp::Schedule::max_muscle_flow_multiplier))
      ctx.fail(f.path("muscle_flow_multiplier"),
               massagesim::detail::concat("expected a factor on muscle blood-flow conductance in [",
                                          mp::Schedule::min_muscle_flow_multiplier, ", ",
                                          mp::Schedule::max_muscle_flow_multiplier, "] (1: none), got ", k));
  }
  if (ph.kind == K::posture_change) ph.posture = f.choice_of("posture", f.required("posture"), postures, "posture");
  if (ph.kind == K::massage || ph.kind == K::compression) ph.technique = read_technique(f, ph.kind);
  f.finish();
  return ph;
}

std::vector<PhaseSpec> read_protocol(const Ctx& ctx, const Json& a) {
  if (!a.is_array()) ctx.fail("protocol", "expected an array of phases, got " + show(a));
  if (a.empty()) ctx.fail("protocol", "expected at least one phase, got none");
  std::vector<PhaseSpec> out;
  double end_s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string path = "protocol[" + std::to_string(i) + "]";
    PhaseSpec ph = read_phase(ctx, a[i], path);
    if (ph.start_s && *ph.start_s < end_s) {
      const PhaseSpec& prev = out.back();
      const double prev_start = end_s - prev.duration_s;
      ctx.fail(path + ".start_s", massagesim::detail::concat(*ph.start_s, " s overlaps protocol[", i - 1, "] (",
                                                             name_of(phase_kinds, prev.kind), ", ", prev_start, " to ",
                                                             end_s, " s); expected start_s >= ", end_s, " s"));
    }
    end_s = (ph.start_s ? *ph.start_s : end_s) + ph.duration_s;
    out.push_back(std::move(ph));
  }
  return out;
}

/// (name, index) of the segment tissue presets, for Fields::choice_at.
constexpr auto segment_tissue_choices = [] {
  std::array<std::pair<std::string_view, std::size_t>, models::segment_tissue_presets.size()> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = {models::segment_tissue_presets[i].name, i};
  return t;
}();

Limb read_limb(const Ctx& ctx, const Json& j) {
  Fields f(ctx, j, "limb");
  Limb limb;
  int n = -1;
  double length_cm = 0.0;
  const bool has_n = f.integer("n_segments", n);
  const bool has_len = f.number("length_cm", length_cm);
  if (const Json* a = f.array("segment_lengths_cm")) {
    if (has_len) ctx.fail("limb.length_cm", "give either segment_lengths_cm or n_segments with length_cm, not both");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string p = "limb.segment_lengths_cm[" + std::to_string(i) + "]";
      const Json& x = (*a)[i];
      if (!x.is_number()) ctx.fail(p, "expected a number (cm), got " + show(x));
      const double v = x.get<double>();
      if (!(std::isfinite(v) && v > 0.0 && v <= models::kMaxSegmentLength_cm))
        ctx.fail(p, massagesim::detail::concat("expected a length in (0, ", models::kMaxSegmentLength_cm,
                                               "] cm (a whole leg is ~100 cm), got ", v));
      limb.segment_lengths_cm.push_back(v);
    }
    if (limb.segment_lengths_cm.empty()) ctx.fail("limb.segment_lengths_cm", "expected at least one segment, got none");
    if (has_n && n != limb.n_segments())
      ctx.fail("limb.n_segments", massagesim::detail::concat("expected ", limb.n_segments(),
                                                             " (the length of segment_lengths_cm), got ", n));
  } else {
    if (!has_n || !has_len)
      ctx.fail("limb", "missing the segments: give segment_lengths_cm, or n_segments with length_cm");
    if (n < 1 || n > 1000) ctx.fail("limb.n_segments", massagesim::detail::concat("expected in [1, 1000], got ", n));
    if (!(std::isfinite(length_cm) && length_cm > 0.0 && length_cm / n <= models::kMaxSegmentLength_cm))
      ctx.fail("limb.length_cm",
               massagesim::detail::concat("expected > 0 cm and at most ", models::kMaxSegmentLength_cm,
                                          " cm per segment, got ", length_cm, " for ", n, " segments"));
    limb.segment_lengths_cm.assign(static_cast<std::size_t>(n), length_cm / n);
  }
  if (const Json* a = f.array("segment_names")) {
    if (static_cast<int>(a->size()) != limb.n_segments())
      ctx.fail("limb.segment_names",
               massagesim::detail::concat("expected ", limb.n_segments(), " names (one per segment), got ", a->size()));
    limb.segment_names = read_unique_names(ctx, *a, "limb.segment_names", "segment");
  } else {
    for (int i = 0; i < limb.n_segments(); ++i) limb.segment_names.push_back("segment_" + std::to_string(i));
  }
  if (const Json* a = f.array("segment_tissue"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::size_t k = f.choice_at("limb.segment_tissue[" + std::to_string(i) + "]", (*a)[i],
                                        segment_tissue_choices, "segment tissue");
      limb.segment_tissue.emplace_back(models::segment_tissue_presets[k].name);
    }
  if (const Json* a = f.array("segment_mass_g"))
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (!(*a)[i].is_number())
        ctx.fail("limb.segment_mass_g[" + std::to_string(i) + "]", "expected a number (g), got " + show((*a)[i]));
      limb.segment_mass_g.push_back((*a)[i].get<double>());
    }
  if (const Json* a = f.array("sides")) {
    if (a->empty() || a->size() > static_cast<std::size_t>(mp::Schedule::max_limbs))
      ctx.fail("limb.sides", massagesim::detail::concat("expected 1 ... ", mp::Schedule::max_limbs,
                                                        " limb names (e.g. [\"left\", \"right\"]), got ", a->size()));
    limb.sides = read_unique_names(ctx, *a, "limb.sides", "side");
    if (limb.n_model_segments() > models::kMaxLimbSegments)
      ctx.fail("limb.sides",
               massagesim::detail::concat("expected at most ", models::kMaxLimbSegments, " segments in all, got ",
                                          limb.sides.size(), " sides x ", limb.n_segments(), " segments"));
  }
  try {
    limb.segment_masses_g();  // both given, counts and ranges; its messages start with the field's path
  } catch (const InvalidArgument& e) {
    ctx.fail("", e.what());
  }
  f.finish();
  return limb;
}

Subject read_subject(const Ctx& ctx, const Json& j) {
  Fields f(ctx, j, "subject");
  Subject s;
  if (f.string("preset", s.preset)) {
    const auto known = to_strings(presets);
    if (std::find(known.begin(), known.end(), s.preset) == known.end())
      ctx.fail_name("subject.preset", "unknown subject preset '" + s.preset + "'; did you mean " +
                                          nearest(s.preset, known, 1) + "? expected one of: " + joined(known));
  }
  f.choice("initial_posture", s.initial_posture, postures, "posture");
  if (const Json* by = f.get("initial_posture_by_side")) {
    // Side names are checked against limb.sides when the schedule is built.
    if (!by->is_object() || by->empty())
      ctx.fail(f.path("initial_posture_by_side"),
               "expected an object of side name -> posture with at least one side (e.g. {\"right\": "
               "\"limb_raised\"}; omit the field when every side starts in initial_posture), got " +
                   show(*by));
    for (auto it = by->begin(); it != by->end(); ++it)
      s.initial_posture_by_side.emplace_back(
          it.key(),
          f.choice_at(join_path(f.path("initial_posture_by_side"), it.key()), it.value(), postures, "posture"));
  }
  // Only for converting intensity_W; ranges: adults ([GK]), and VO2max from deconditioned to elite endurance.
  if (f.number("body_mass_kg", s.body_mass_kg) && !(*s.body_mass_kg >= 30.0 && *s.body_mass_kg <= 200.0))
    ctx.fail(f.path("body_mass_kg"), massagesim::detail::concat("expected 30 ... 200 kg, got ", *s.body_mass_kg));
  if (f.number("VO2max_mL_per_min_per_kg", s.VO2max_mL_per_min_per_kg) &&
      !(*s.VO2max_mL_per_min_per_kg >= 15.0 && *s.VO2max_mL_per_min_per_kg <= 90.0))
    ctx.fail(f.path("VO2max_mL_per_min_per_kg"),
             massagesim::detail::concat("expected 15 ... 90 mL/min/kg, got ", *s.VO2max_mL_per_min_per_kg));
  f.finish();
  return s;
}

std::vector<ParameterOverride> read_parameters(const Ctx& ctx, const Json& a) {
  if (!a.is_array()) ctx.fail("parameters", "expected an array of {\"name\": ..., \"value\": ...}, got " + show(a));
  std::vector<ParameterOverride> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Fields f(ctx, a[i], "parameters[" + std::to_string(i) + "]");
    ParameterOverride o;
    o.name = f.string_of("name", f.required("name"));
    const Json& v = f.required("value");
    if (!v.is_number()) ctx.fail(f.path("value"), "expected a number, got " + show(v));
    o.value = v.get<double>();
    if (!std::isfinite(o.value))
      ctx.fail(f.path("value"), massagesim::detail::concat("expected finite, got ", o.value));
    f.boolean("allow_out_of_range", o.allow_out_of_range);
    f.finish();
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<Arm> read_arms(const Ctx& ctx, const Json& a) {
  if (!a.is_array()) ctx.fail("arms", "expected an array of arms, got " + show(a));
  std::vector<Arm> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Fields f(ctx, a[i], "arms[" + std::to_string(i) + "]");
    Arm arm;
    arm.name = f.string_of("name", f.required("name"));
    if (arm.name.empty()) ctx.fail(f.path("name"), "expected a non-empty name");
    for (const auto& o : out)
      if (o.name == arm.name) ctx.fail(f.path("name"), "duplicate arm name '" + arm.name + "'; names must be unique");
    f.string("description", arm.description);
    if (const Json* k = f.array("replace_kinds")) {
      for (std::size_t m = 0; m < k->size(); ++m)
        arm.replace_kinds.push_back(
            f.choice_at(f.path("replace_kinds") + "[" + std::to_string(m) + "]", (*k)[m], phase_kinds, "phase kind"));
    }
    if (f.choice("replace_with", arm.replace_with, phase_kinds, "phase kind")) {
      using K = mp::PhaseKind;
      if (arm.replace_with != K::rest && arm.replace_with != K::passive_recovery &&
          arm.replace_with != K::active_recovery)
        ctx.fail(f.path("replace_with"), "expected rest, passive_recovery or active_recovery, got " +
                                             std::string(name_of(phase_kinds, arm.replace_with)));
    }
    if (f.number("intensity_fraction_VO2max", arm.intensity_fraction_VO2max)) {
      const double v = *arm.intensity_fraction_VO2max;
      if (!(v > 0.0 && v <= 1.0))
        ctx.fail(f.path("intensity_fraction_VO2max"),
                 massagesim::detail::concat("expected a fraction of VO2max in (0, 1], got ", v));
    }
    f.finish();
    out.push_back(std::move(arm));
  }
  return out;
}

Outputs read_outputs(const Ctx& ctx, const Json& j, const std::vector<std::string>& segment_names) {
  Fields f(ctx, j, "outputs");
  Outputs o;
  const auto known = models::output_names(segment_names);
  if (const Json* a = f.array("names")) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string p = "outputs.names[" + std::to_string(i) + "]";
      if (!(*a)[i].is_string()) ctx.fail(p, "expected a string, got " + show((*a)[i]));
      const auto s = (*a)[i].get<std::string>();
      if (!models::is_output_name(s, segment_names))
        ctx.fail_name(p, "unknown output '" + s + "'; did you mean " + nearest(s, known) +
                             "? (the output catalogue: available_outputs())");
      if (std::find(o.names.begin(), o.names.end(), s) != o.names.end()) ctx.fail(p, "duplicate output '" + s + "'");
      o.names.push_back(s);
    }
  }
  if (f.number("save_every_s", o.save_every_s) && !(o.save_every_s > 0.0))
    ctx.fail("outputs.save_every_s", massagesim::detail::concat("expected > 0 s, got ", o.save_every_s));
  f.finish();
  return o;
}

SolverOptions read_solver(const Ctx& ctx, const Json& j) {
  Fields f(ctx, j, "solver");
  SolverOptions s;
  if (f.string("stepper", s.stepper)) {
    const auto known = to_strings(simulation::stepper_names);
    if (std::find(known.begin(), known.end(), s.stepper) == known.end())
      ctx.fail_name("solver.stepper", "unknown stepper '" + s.stepper + "'; did you mean " +
                                          nearest(s.stepper, known, 1) + "? expected one of: " + joined(known));
  }
  if (f.number("rtol", s.rtol) && !(s.rtol > 0.0 && s.rtol < 1.0))
    ctx.fail("solver.rtol", massagesim::detail::concat("expected > 0 and < 1, got ", s.rtol));
  if (f.number("atol", s.atol) && !(s.atol > 0.0))
    ctx.fail("solver.atol", massagesim::detail::concat("expected > 0, got ", s.atol));
  if (f.number("dt_max_s", s.dt_max_s) && !(s.dt_max_s > 0.0))
    ctx.fail("solver.dt_max_s", massagesim::detail::concat("expected > 0 s, got ", s.dt_max_s));
  f.finish();
  return s;
}

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

Scenario parse(const Ctx& ctx, std::string_view text) {
  text = guard_text(ctx.source, text);
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, col] = line_column(text, e.byte);
    std::string what = e.what();
    // nlohmann: "[json.exception.parse_error.101] parse error at line L, column C: <detail>"
    const auto at = what.find(": ", what.find("column"));
    const std::string detail = at == std::string::npos ? what : what.substr(at + 2);
    ctx.fail("", massagesim::detail::concat("malformed JSON at line ", line, ", column ", col, ": ", detail));
  } catch (const nlohmann::json::exception& e) {
    ctx.fail("", std::string("malformed JSON: ") + e.what());
  }

  Fields top(ctx, j, "");
  Scenario sc;
  if (const Json* v = top.get("$schema")) top.string_of("$schema", *v);
  if (const Json* v = top.get("format_version")) {
    if (!v->is_number_integer() || v->get<long long>() != scenario_format_version)
      ctx.fail("format_version", massagesim::detail::concat("expected ", scenario_format_version, ", got ", v->dump()));
  }
  sc.name = top.string_of("name", top.required("name"));
  if (sc.name.empty()) ctx.fail("name", "expected a non-empty name");
  top.string("description", sc.description);
  if (const Json* v = top.get("subject")) sc.subject = read_subject(ctx, *v);
  sc.limb = read_limb(ctx, top.required("limb"));
  if (const Json* v = top.get("parameters")) sc.parameters = read_parameters(ctx, *v);
  sc.protocol = read_protocol(ctx, top.required("protocol"));
  if (const Json* v = top.get("arms")) sc.arms = read_arms(ctx, *v);
  if (const Json* v = top.get("outputs")) sc.outputs = read_outputs(ctx, *v, sc.limb.model_segment_names());
  if (const Json* v = top.get("solver")) sc.solver = read_solver(ctx, *v);
  top.finish();
  if (const auto p = find_limit_problem(sc)) ctx.fail(p->path, p->message);  // sane values (scenario/limits.hpp)

  // Semantic checks the model and the protocol own: overrides through the registry, and every
  // arm's schedule built (techniques check their cross-field rules on the limb).
  LactateThresholds lt;  // the scenario's own (its overrides applied), for phases given relative to them
  try {
    (void)subject_params(sc);
    lt = scenario_lactate_thresholds(scenario_limb_params(sc));
  } catch (const UnknownName& e) {
    throw UnknownName(ctx.source + ": " + e.what());
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(ctx.source + ": " + e.what());
  }
  try {
    sc.schedule = build_schedule(sc, &lt);
  } catch (const UnknownName& e) {
    throw UnknownName(ctx.source + ": " + e.what());
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(ctx.source + ": " + e.what());
  }
  for (std::size_t k = 0; k < sc.arms.size(); ++k) {
    try {
      const auto s = build_schedule(sc, sc.arms[k], &lt);
      if (k == 0) sc.schedule = s;
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(
          massagesim::detail::concat(ctx.source, ": arms[", k, "] '", sc.arms[k].name, "': ", e.what()));
    }
  }
  return sc;
}

}  // namespace

// ---- public API -------------------------------------------------------------------------------

std::vector<std::string> known_output_names() {
  std::vector<std::string> out;
  for (const auto& r : models::output_catalogue()) out.emplace_back(r.name);
  return out;
}

models::SegmentParams preset_params(const std::string& preset) {
  if (preset == "default_calf") return models::default_calf_params();
  if (preset == "default_forearm") return models::default_forearm_params();
  throw UnknownName("subject.preset: unknown subject preset '" + preset +
                    "'; expected one of: " + joined(to_strings(presets)));
}

models::SegmentParams subject_params(const Scenario& sc) {
  models::SegmentParams p = preset_params(sc.subject.preset);
  models::ParameterRegistry reg(p);
  const std::vector<std::string> names = sc.limb.model_segment_names();
  for (std::size_t i = 0; i < sc.parameters.size(); ++i) {
    const auto& o = sc.parameters[i];
    try {
      const auto r = models::resolve_parameter(o.name, names);
      models::check_parameter(o.name, o.value, o.allow_out_of_range, names);
      if (r.target == models::ResolvedParameter::Target::all_segments) reg.set(r.name, o.value, true);
    } catch (const UnknownName& e) {
      throw UnknownName(massagesim::detail::concat("parameters[", i, "].name: ", e.what()));
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(massagesim::detail::concat("parameters[", i, "].value: ", e.what()));
    }
  }
  return p;
}

models::LimbParams scenario_limb_params(const Scenario& sc, const std::vector<models::ParameterValue>& extra) {
  std::vector<models::ParameterValue> all;
  for (const auto& o : sc.parameters) all.push_back({o.name, o.value, o.allow_out_of_range});
  all.insert(all.end(), extra.begin(), extra.end());
  return models::build_limb_params(preset_params(sc.subject.preset), sc.limb.segment_names, sc.limb.segment_lengths_cm,
                                   all, sc.limb.segment_masses_g(), sc.limb.sides);
}

LactateThresholds scenario_lactate_thresholds(const models::LimbParams& lp) {
  LactateThresholds lt;
  for (const auto& sp : lp.segments) {
    models::SegmentParams copy = sp;  // the registry takes a mutable block
    lt.segment_fraction_VO2max.push_back(models::ParameterRegistry(copy).get("production_threshold_intensity"));
  }
  double pool = std::numeric_limits<double>::quiet_NaN();
  models::for_each_limb_parameter(lp, [&](std::string_view module, const ParameterInfo& info, const double& v) {
    if (module == "lactate_pool" && info.name == "production_threshold_intensity") pool = v;
  });
  // Without the pool (lactate_pool = false) a whole-body effort refers to the limb's own (first segment's).
  lt.whole_body_fraction_VO2max = lp.lactate_pool && std::isfinite(pool)
                                      ? pool
                                      : (lt.segment_fraction_VO2max.empty() ? 0.0 : lt.segment_fraction_VO2max[0]);
  return lt;
}

Scenario parse_scenario(std::string_view json_text, std::string_view source_name) {
  return parse(Ctx{std::string(source_name)}, json_text);
}

Scenario load_scenario(const std::filesystem::path& path) {
  return parse_scenario(read_scenario_file(path), path.string());
}

std::string_view default_scenario_json() noexcept { return detail_default::default_scenario_text; }

Scenario default_scenario() { return parse_scenario(default_scenario_json(), "<default scenario>"); }

std::string to_json(const Scenario& sc) {
  Json j;
  j["format_version"] = scenario_format_version;
  j["name"] = sc.name;
  if (!sc.description.empty()) j["description"] = sc.description;
  j["subject"] =
      Json{{"preset", sc.subject.preset}, {"initial_posture", name_of(postures, sc.subject.initial_posture)}};
  if (!sc.subject.initial_posture_by_side.empty()) {
    Json by = Json::object();
    for (const auto& [side, p] : sc.subject.initial_posture_by_side) by[side] = name_of(postures, p);
    j["subject"]["initial_posture_by_side"] = std::move(by);
  }
  if (sc.subject.body_mass_kg) j["subject"]["body_mass_kg"] = *sc.subject.body_mass_kg;
  if (sc.subject.VO2max_mL_per_min_per_kg)
    j["subject"]["VO2max_mL_per_min_per_kg"] = *sc.subject.VO2max_mL_per_min_per_kg;
  j["limb"] = Json{{"segment_names", sc.limb.segment_names}, {"segment_lengths_cm", sc.limb.segment_lengths_cm}};
  if (!sc.limb.segment_tissue.empty()) j["limb"]["segment_tissue"] = sc.limb.segment_tissue;
  if (!sc.limb.segment_mass_g.empty()) j["limb"]["segment_mass_g"] = sc.limb.segment_mass_g;
  if (!sc.limb.sides.empty()) j["limb"]["sides"] = sc.limb.sides;
  Json params = Json::array();
  for (const auto& o : sc.parameters) {
    Json p{{"name", o.name}, {"value", o.value}};
    if (o.allow_out_of_range) p["allow_out_of_range"] = true;
    params.push_back(std::move(p));
  }
  j["parameters"] = std::move(params);
  Json protocol = Json::array();
  for (const auto& ph : sc.protocol) {
    Json p;
    p["kind"] = name_of(phase_kinds, ph.kind);
    if (ph.start_s) p["start_s"] = *ph.start_s;
    p["duration_s"] = ph.duration_s;
    if (ph.intensity_fraction_VO2max) p["intensity_fraction_VO2max"] = *ph.intensity_fraction_VO2max;
    if (ph.intensity_fraction_lactate_threshold)
      p["intensity_fraction_lactate_threshold"] = *ph.intensity_fraction_lactate_threshold;
    if (ph.intensity_W) p["intensity_W"] = *ph.intensity_W;
    if (!ph.whole_body) p["muscle_group"] = "limb";
    if (!ph.working_segments.empty()) p["working_segments"] = ph.working_segments;
    if (!ph.sides.empty()) p["sides"] = ph.sides;
    if (ph.contractions)
      p["contractions"] = {{"cadence_per_min", ph.contractions->cadence_per_min},
                           {"duty_cycle", ph.contractions->duty_cycle},
                           {"pressure_mmHg", ph.contractions->pressure_mmHg},
                           {"limb_offset_cycles", ph.contractions->limb_offset_cycles}};
    if (ph.muscle_flow_multiplier) p["muscle_flow_multiplier"] = *ph.muscle_flow_multiplier;
    if (ph.kind == mp::PhaseKind::posture_change) p["posture"] = name_of(postures, ph.posture);
    if (ph.technique) {
      p["technique"] = mp::technique_name(*ph.technique);
      Writer w{p};
      auto copy = *ph.technique;
      std::visit([&](auto& t) { technique_fields(w, t); }, copy);
    }
    protocol.push_back(std::move(p));
  }
  j["protocol"] = std::move(protocol);
  Json arms = Json::array();
  for (const auto& a : sc.arms) {
    Json x{{"name", a.name}};
    if (!a.description.empty()) x["description"] = a.description;
    if (!a.replace_kinds.empty()) {
      Json k = Json::array();
      for (auto kind : a.replace_kinds) k.push_back(name_of(phase_kinds, kind));
      x["replace_kinds"] = std::move(k);
    }
    if (!a.replace_kinds.empty() || a.replace_with != mp::PhaseKind::passive_recovery)
      x["replace_with"] = name_of(phase_kinds, a.replace_with);
    if (a.intensity_fraction_VO2max) x["intensity_fraction_VO2max"] = *a.intensity_fraction_VO2max;
    arms.push_back(std::move(x));
  }
  j["arms"] = std::move(arms);
  j["outputs"] = Json{{"names", sc.outputs.names}, {"save_every_s", sc.outputs.save_every_s}};
  Json solver{{"stepper", sc.solver.stepper}, {"rtol", sc.solver.rtol}, {"atol", sc.solver.atol}};
  if (std::isfinite(sc.solver.dt_max_s)) solver["dt_max_s"] = sc.solver.dt_max_s;
  j["solver"] = std::move(solver);
  return j.dump(2) + "\n";
}

}  // namespace massagesim::scenario
