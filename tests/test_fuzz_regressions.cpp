// Regression tests for what fuzzing the input parsers found (fuzz/README.md, "Findings").
// Serial (np 1): no MPI calls here. Also replays every input in fuzz/regressions/ through its
// parser, so the fixes stay covered without clang/libFuzzer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "regio/csv.hpp"
#include "regio/decomposition.hpp"
#include "regio/error.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"
#include "test_support.hpp"

using namespace regio;
namespace fs = std::filesystem;

namespace {

const std::string kSource = REGIO_SOURCE_DIR;
const std::vector<std::string> kThreeSectors = {"agriculture", "manufacturing", "services"};
const std::string kHeader =
    "id,name,province,lat,lon,area_km2,land_km2,population,registered,capital,gdp,productivity,amenity,tags\n";

using regio::testing::input_error;

// What main() prints after "regio: error: " must be one line starting with the file.
void expect_one_line(const std::string& m, const std::string& file) {
  EXPECT_EQ(m.find_first_of("\n\r"), std::string::npos) << "message spans lines: " << m;
  EXPECT_EQ(m.rfind(file + ":", 0), 0u) << "message does not start with '" << file << ":': " << m;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

// Fuzz finding (fuzz_csv): csv::quote left a field with a CR unquoted; parse() drops a CR outside
// quotes, so write_regions -> load_regions lost it (and a field of only CRs became a blank line).
TEST(FuzzRegressions, CsvQuoteProtectsCarriageReturns) {
  for (const std::string f : {"\r", "a\rb", "\r\r\r", "x\r\ny"}) {
    const std::string q = csv::quote(f);
    EXPECT_EQ(q.front(), '"') << "not quoted";
    const auto rows = csv::parse(q + "," + q + "\n", "t.csv");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{f, f}));
  }
  EXPECT_EQ(csv::quote("plain"), "plain");
}

TEST(FuzzRegressions, WriteRegionsKeepsCarriageReturnsInNames) {
  const auto regions =
      parse_regions(kHeader + "r1,\"Name\rwith CR\",P,10,20,100,50,1000,,5,,1,,\n", "r.csv", kThreeSectors);
  ASSERT_EQ(regions.size(), 1u);
  ASSERT_EQ(regions[0].name, "Name\rwith CR");
  const fs::path path = fs::temp_directory_path() / ("regio-fuzz-regressions-" + std::to_string(::getpid()) + ".csv");
  write_regions(path.string(), regions, kThreeSectors);
  const auto again = load_regions(path.string(), kThreeSectors);
  fs::remove(path);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].name, regions[0].name);
}

// Fuzz finding (fuzz_regions, write_regions round trip): to_double refused every number strtod
// flags with ERANGE, including underflow, so a subnormal was accepted as 0x1p-1074 but refused as
// the 5e-324 write_regions writes for it ("column 'lat' is not a number"). Underflow is accepted
// now (the value is the correctly rounded one); overflow is still refused.
TEST(FuzzRegressions, ToDoubleAcceptsUnderflow) {
  double v = 1;
  EXPECT_TRUE(csv::to_double("0x1p-1074", v));
  EXPECT_EQ(v, 0x1p-1074);
  EXPECT_TRUE(csv::to_double("5e-324", v));
  EXPECT_EQ(v, 0x1p-1074);
  EXPECT_TRUE(csv::to_double("2.2250738585072e-308", v));
  EXPECT_GT(v, 0);
  EXPECT_TRUE(csv::to_double("-1e-400", v));
  EXPECT_EQ(v, 0);
  for (const std::string over : {"1e999", "-1e999", "0x1p1024"}) EXPECT_FALSE(csv::to_double(over, v)) << over;

  const auto regions =
      parse_regions(kHeader + "r1,R,P,0x1p-1074,-5e-324,100,50,1000,,5,,1,,\n", "r.csv", kThreeSectors);
  const fs::path path = fs::temp_directory_path() / ("regio-fuzz-underflow-" + std::to_string(::getpid()) + ".csv");
  write_regions(path.string(), regions, kThreeSectors);
  std::vector<Region> again;
  EXPECT_NO_THROW(again = load_regions(path.string(), kThreeSectors));
  fs::remove(path);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].lat, 0x1p-1074);
  EXPECT_EQ(again[0].lon, -0x1p-1074);
  // Underflow to 0 in a column that must be positive: the error says so instead of "not a number".
  const std::string m =
      input_error([&] { parse_regions(kHeader + "r1,R,P,1,2,1e-400,50,1000,,5,,1,,\n", "r.csv", kThreeSectors); });
  EXPECT_NE(m.find("must be a finite number > 0"), std::string::npos) << m;
}

// Fuzz finding (fuzz_scenario): errors echo the user's text (keys, CSV fields, yaml-cpp's own
// messages quoting a raw control character), so a newline there split the one-line
// "FILE:LINE: ..." error. located() now shows control characters escaped.
TEST(FuzzRegressions, InputErrorsAreOneLine) {
  EXPECT_EQ(located("f.yaml", 3, "a\nb\r\x01\x7f\tc"), "f.yaml:3: a\\nb\\r\\x01\\x7f\tc");
  EXPECT_EQ(located("", 0, "x\ny"), "x\\ny");

  // The input fuzz_scenario found: yaml-cpp's message contains a raw newline.
  const std::string nul_input("regions: regions.csv\nepoch: 4b\0\n", 32);
  std::string m = input_error([&] { parse_scenario(nul_input, "s.yaml", "/base"); });
  expect_one_line(m, "s.yaml");
  EXPECT_NE(m.find("malformed YAML"), std::string::npos) << m;

  m = input_error([&] { parse_scenario("regions: r.csv\n\"ep\\noch\": 3\n", "s.yaml", "/base"); });
  expect_one_line(m, "s.yaml");
  EXPECT_NE(m.find("unknown key 'ep\\noch'"), std::string::npos) << m;

  m = input_error([&] { parse_decomposition("ranks: 1\n\"assign\\nment\": []\n", "d.yaml"); });
  expect_one_line(m, "d.yaml");

  m = input_error([&] { parse_regions(kHeader + "r1,R,P,\"1\n2\",20,100,50,1000,,5,,1,,\n", "r.csv", kThreeSectors); });
  expect_one_line(m, "r.csv");
  EXPECT_NE(m.find("'1\\n2'"), std::string::npos) << m;

  m = input_error([&] { parse_regions("id,\"na\nme\"\n", "r.csv", kThreeSectors); });
  expect_one_line(m, "r.csv");
}

// Fuzz finding (fuzz_scenario, run.yaml round trip): yaml-cpp's emitter wrote a text value that
// ends in a CR unquoted, so scenario_to_yaml -> parse_scenario lost the CR; such values are now
// double-quoted by regio (keeping bytes that are not UTF-8, which yaml-cpp's quoting replaces).
TEST(FuzzRegressions, ScenarioToYamlRoundTripsControlCharacters) {
  const std::string yaml =
      "regions: \"r\\r.csv\"\noutput: \"out\\r\\x01\\\\\\\"\xFD\x9B\"\nsolver:\n  petsc_options: \"a\\rb\"\n";
  const Scenario s = parse_scenario(yaml, "s.yaml", "/base");
  ASSERT_EQ(s.regions, "/base/r\r.csv");
  ASSERT_EQ(s.output, "out\r\x01\\\"\xFD\x9B");
  ASSERT_EQ(s.solver.petsc_options, "a\rb");
  const std::string written = scenario_to_yaml(s);
  const Scenario again = parse_scenario(written, "run.yaml", "/elsewhere");
  EXPECT_EQ(again.regions, s.regions);
  EXPECT_EQ(again.output, s.output);
  EXPECT_EQ(again.solver.petsc_options, s.solver.petsc_options);
  EXPECT_EQ(scenario_to_yaml(again), written);

  // Without a CR: yaml-cpp double-quotes the \x01 itself and replaced the \xFD by U+FFFD.
  const Scenario t = parse_scenario("regions: \"r\\x01\xFD.csv\"\n", "s.yaml", "/base");
  EXPECT_EQ(parse_scenario(scenario_to_yaml(t), "run.yaml", "/elsewhere").regions, "/base/r\x01\xFD.csv");
  // Ordinary values keep their plain form.
  EXPECT_NE(scenario_to_yaml(s).find("\ndecomposition: auto\n"), std::string::npos);
}

// yaml-cpp stops at ~500 nested lists/mappings (its guard against stack overflow) with the
// message "bad file"; regio says what is wrong instead.
TEST(FuzzRegressions, DeepNestingIsAClearInputError) {
  const std::string deep(600, '[');
  std::string m = input_error([&] { parse_scenario("regions: r.csv\nsectors: " + deep + "\n", "s.yaml", "/base"); });
  expect_one_line(m, "s.yaml");
  EXPECT_NE(m.find("nested too deeply"), std::string::npos) << m;

  m = input_error(
      [&] { parse_decomposition("ranks: 1\nassignment: " + deep + "x" + std::string(600, ']') + "\n", "d.yaml"); });
  expect_one_line(m, "d.yaml");
  EXPECT_NE(m.find("nested too deeply"), std::string::npos) << m;

  // Moderate nesting is parsed and judged by regio's own rules.
  m = input_error([&] { parse_decomposition("ranks: 1\nassignment: [[[[x]]]]\n", "d.yaml"); });
  EXPECT_NE(m.find("a province name must be a plain string"), std::string::npos) << m;
}

// Fuzz finding (fuzz_scenario ran at ~300 exec/s): nearest() computed the full edit distance of
// an unknown key against every candidate, O(|key| x |candidates|): a 1 MB garbage key took
// seconds (a minute under ASan). Candidates whose length alone rules them out are skipped now;
// results are unchanged. Also: std::tolower on a negative char (UTF-8 byte) was undefined.
TEST(FuzzRegressions, NearestSkipsHopelessCandidates) {
  const std::vector<std::string> keys = {"epochs", "regions", "start_year", "decomposition"};
  // Before: ~10 s for this call (10 MB x 32 characters of candidates); now a few length checks.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(nearest(std::string(10'000'000, 'k'), keys), "");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
  EXPECT_EQ(nearest("epoch", keys), "epochs");
  EXPECT_EQ(nearest("EPOCHS", keys), "epochs");
  EXPECT_EQ(nearest("decompositoin", keys), "decomposition");
  EXPECT_EQ(nearest("\xC3\xA9pochs", keys), "epochs");  // "épochs"
  EXPECT_EQ(nearest("xyz", keys), "");
  EXPECT_EQ(nearest("e", {"e", "ee"}), "e");

  const std::string m = input_error(
      [&] { parse_scenario("? " + std::string(200'000, 'k') + "\n: 1\nregions: r.csv\n", "s.yaml", "/base"); });
  expect_one_line(m, "s.yaml");
  EXPECT_NE(m.find("unknown key"), std::string::npos);
  EXPECT_EQ(m.find("did you mean"), std::string::npos);
}

// Every input in fuzz/regressions/<target>/ (crashes and findings of the fuzz targets) gives a
// result or a one-line InputError, never anything else.
TEST(FuzzRegressions, ReplayFuzzRegressionInputs) {
  const fs::path root = fs::path(kSource) / "fuzz" / "regressions";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  int replayed = 0;
  for (const std::string target : {"scenario", "decomposition", "regions", "csv"}) {
    if (!fs::is_directory(root / target)) continue;
    for (const auto& entry : fs::directory_iterator(root / target)) {
      if (!entry.is_regular_file()) continue;
      SCOPED_TRACE(entry.path().string());
      const std::string text = slurp(entry.path());
      const std::string label = target == "regions" || target == "csv" ? "fuzz.csv" : "fuzz.yaml";
      try {
        if (target == "scenario")
          (void)parse_scenario(text, label, "/tmp");
        else if (target == "decomposition")
          (void)parse_decomposition(text, label);
        else if (target == "regions")
          (void)parse_regions(text, label, kThreeSectors);
        else
          (void)csv::parse(text, label);
      } catch (const InputError& e) {
        expect_one_line(e.what(), label);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "unexpected exception: " << e.what();
      }
      ++replayed;
    }
  }
  EXPECT_GT(replayed, 0);
}
