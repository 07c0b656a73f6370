// massagesim_validate: runs every validation target (include/massagesim/validation/targets.hpp) and prints
// the table (target, citation, data, model, error %, band, band rule, PASS / EXPECTED-FAIL (reason) / FAIL).
//
//   massagesim_validate [--csv FILE] [--markdown FILE] [--quiet] [ID_PREFIX...]
//
// Exit status: 0 when every target passes or fails as expected; 1 when a target fails unexpectedly or
// passes although it is registered as an expected failure (XPASS: the registry needs updating); 2 on
// bad usage.
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "massagesim/validation/targets.hpp"

namespace {
int usage(const char* argv0, int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: %s [--csv FILE] [--markdown FILE] [--quiet] [ID_PREFIX...]\n"
               "Runs the validation targets (all, or those whose id starts with a prefix, e.g. L2 or Rest.) and\n"
               "prints the table. Exit 0: no unexpected result; 1: FAIL or XPASS; 2: bad usage.\n",
               argv0);
  return code;
}
bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  return static_cast<bool>(f);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace massagesim::validation;
  std::string csv, markdown;
  bool quiet = false;
  std::vector<std::string> prefixes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(argv[0], 0);
    if ((a == "--csv" || a == "--markdown") && i + 1 < argc) {
      (a == "--csv" ? csv : markdown) = argv[++i];
    } else if (a == "--quiet") {
      quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "massagesim_validate: unknown or incomplete option '%s'\n", a.c_str());
      return usage(argv[0], 2);
    } else {
      prefixes.push_back(a);
    }
  }
  std::vector<TargetResult> rows;
  try {
    rows = run_targets(prefixes);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "massagesim_validate: %s\n", e.what());
    return 1;
  }
  if (rows.empty()) {
    std::fprintf(stderr, "massagesim_validate: no target matches the given prefixes\n");
    return 2;
  }
  if (!quiet) std::cout << format_report(rows, ReportFormat::text) << std::flush;
  if (!csv.empty() && !write_file(csv, format_report(rows, ReportFormat::csv))) {
    std::fprintf(stderr, "massagesim_validate: cannot write %s\n", csv.c_str());
    return 2;
  }
  if (!markdown.empty() && !write_file(markdown, format_report(rows, ReportFormat::markdown))) {
    std::fprintf(stderr, "massagesim_validate: cannot write %s\n", markdown.c_str());
    return 2;
  }
  const int bad = count_unexpected(rows);
  if (bad > 0) std::fprintf(stderr, "massagesim_validate: %d unexpected result(s) (FAIL or XPASS)\n", bad);
  return bad > 0 ? 1 : 0;
}
