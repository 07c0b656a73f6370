// Every file in tests/data/scenarios/bad/ must be rejected with the exception type and the message
// parts listed in its sidecar .expect file ("type: ...", "contains: ..."), and the message must
// start with the file's path. Nothing may crash or throw anything else.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/scenario/scenario_io.hpp"

namespace fs = std::filesystem;
namespace ms = massagesim::scenario;

namespace {

const fs::path bad_dir = fs::path(MASSAGESIM_SOURCE_DIR) / "tests" / "data" / "scenarios" / "bad";

struct Expectation {
  std::string type;
  std::vector<std::string> contains;
};

Expectation read_expect(const fs::path& p) {
  Expectation e;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("type: ", 0) == 0) e.type = line.substr(6);
    if (line.rfind("contains: ", 0) == 0) e.contains.push_back(line.substr(10));
  }
  return e;
}

std::vector<fs::path> bad_files() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(bad_dir))
    if (entry.path().extension() == ".json") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(BadScenarios, CorpusIsThereAndEveryFileHasAnExpectation) {
  const auto files = bad_files();
  EXPECT_GE(files.size(), 30u);
  for (const auto& f : files) {
    auto expect = f;
    expect.replace_extension(".expect");
    ASSERT_TRUE(fs::exists(expect)) << expect;
    const auto e = read_expect(expect);
    EXPECT_TRUE(e.type == "InvalidArgument" || e.type == "UnknownName") << expect << ": type '" << e.type << "'";
    EXPECT_FALSE(e.contains.empty()) << expect;
  }
}

TEST(BadScenarios, EachIsRejectedWithFilePathAndFieldAndWhatIsAllowed) {
  for (const auto& f : bad_files()) {
    SCOPED_TRACE(f.filename().string());
    auto expect_path = f;
    expect_path.replace_extension(".expect");
    const auto e = read_expect(expect_path);
    std::string message, type = "none";
    try {
      (void)ms::load_scenario(f);
    } catch (const massagesim::UnknownName& ex) {
      type = "UnknownName";
      message = ex.what();
    } catch (const massagesim::InvalidArgument& ex) {
      type = "InvalidArgument";
      message = ex.what();
    } catch (const std::exception& ex) {
      type = std::string("other: ") + ex.what();
    }
    EXPECT_EQ(type, e.type) << "message: " << message;
    EXPECT_EQ(message.rfind(f.string() + ": ", 0), 0u) << "message does not start with the file path: " << message;
    for (const auto& part : e.contains)
      EXPECT_NE(message.find(part), std::string::npos) << "expected '" << part << "' in: " << message;
  }
}

TEST(BadScenarios, StringSourceNamePrefixesMessages) {
  try {
    (void)ms::parse_scenario("{\"name\": 3}", "inline.json");
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_EQ(std::string(e.what()), "inline.json: name: expected a string, got a number 3");
  }
  try {
    (void)ms::parse_scenario("[1, 2", "x");
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("x: malformed JSON at line 1, column"), std::string::npos) << e.what();
  }
}

TEST(BadScenarios, MissingFileNamesThePath) {
  const fs::path p = bad_dir / "does_not_exist.json";
  try {
    (void)ms::load_scenario(p);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const massagesim::InvalidArgument& e) {
    EXPECT_EQ(std::string(e.what()).rfind(p.string() + ": cannot open", 0), 0u) << e.what();
  }
}

TEST(BadScenarios, HugeAndOddNumbersDoNotCrash) {
  // 1e999 overflows a double; nlohmann reports it as a parse error, never an inf duration.
  for (
      const char* text :
      {R"({"name":"a","limb":{"segment_lengths_cm":[10]},"protocol":[{"kind":"rest","duration_s":1e999}]})",
       R"({"name":"a","limb":{"segment_lengths_cm":[10]},"protocol":[{"kind":"rest","duration_s":null}]})",
       R"({"name":"a","limb":{"n_segments":-3,"length_cm":10},"protocol":[{"kind":"rest","duration_s":1}]})",
       R"({"name":"a","limb":{"segment_lengths_cm":[10]},"protocol":[{"kind":"massage","duration_s":10,"technique":"occlusion_cuff"}]})",
       "\xff\xfe"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW((void)ms::parse_scenario(text, "odd"), massagesim::InvalidArgument);
  }
}
