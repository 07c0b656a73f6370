#pragma once
/// \file names.hpp
/// \brief Suggestions for unknown names: edit distance and the nearest known names, for error messages
///        ("unknown parameter 'x'; nearest: 'a', 'b', 'c'").

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace massagesim {

/// Levenshtein distance of two names.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// The `k` names of `known` nearest to `name`, each quoted, comma-separated ("'a', 'b'"); ties keep the
/// order of `known`.
template <class Names>
std::string nearest_names(std::string_view name, const Names& known, std::size_t k = 3) {
  std::vector<std::pair<std::size_t, std::string>> d;
  for (const auto& s : known) d.emplace_back(edit_distance(name, s), std::string(s));
  std::stable_sort(d.begin(), d.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (std::size_t i = 0; i < std::min(k, d.size()); ++i) out += (i ? ", '" : "'") + d[i].second + "'";
  return out;
}

}  // namespace massagesim
