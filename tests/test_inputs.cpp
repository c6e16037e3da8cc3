// Input loading and validation: scenario YAML (parameter table, defaults, round trip, errors with
// file:line and suggestions), region CSV, the CSV reader, decompositions, and nearest().
// Serial (np 1): no MPI calls here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "regio/csv.hpp"
#include "regio/decomposition.hpp"
#include "regio/error.hpp"
#include "regio/friction_inversion.hpp"
#include "regio/kernels.hpp"
#include "regio/pair_frictions.hpp"
#include "regio/parameters.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"
#include "test_support.hpp"

using namespace regio;

namespace {

const std::string kSource = REGIO_SOURCE_DIR;
const std::vector<std::string> kThreeSectors = {"agriculture", "manufacturing", "services"};

#define EXPECT_CONTAINS(text, part)                          \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "  message: " << (text) << "\n  expected to contain: " << (part)
#define EXPECT_NOT_CONTAINS(text, part)                      \
  EXPECT_EQ(std::string(text).find(part), std::string::npos) \
      << "  message: " << (text) << "\n  expected not to contain: " << (part)

using regio::testing::input_error;

Scenario parse(const std::string& yaml, const std::string& base = "/base") {
  return parse_scenario(yaml, "s.yaml", base);
}
std::string scenario_error(const std::string& yaml) {
  return input_error([&] { parse(yaml); });
}

double default_number(const std::string& text) {
  if (text == "true") return 1;
  if (text == "false") return 0;
  return std::stod(text);
}

// A value different from `current` that the parameter accepts.
template <class T>
double other_value(const ParamSpec<T>& p, double current) {
  if (p.kind == ParamKind::Boolean) return current != 0 ? 0 : 1;
  if (p.kind == ParamKind::Integer) return p.range.contains(current + 1) ? current + 1 : current - 1;
  for (double v : {current * 1.25 + 0.0125, current * 0.5, current + 1, (p.range.lo + p.range.hi) / 2})
    if (std::isfinite(v) && v != current && p.range.contains(v)) return v;
  ADD_FAILURE() << "no other value found for " << p.key;
  return current;
}

template <class T>
void expect_same_parameters(const std::vector<ParamSpec<T>>& table, const T& a, const T& b, const std::string& what) {
  for (const auto& p : table) {
    if (p.kind == ParamKind::Text) {
      EXPECT_EQ(p.get_text(a), p.get_text(b)) << what << ": " << p.key;
    } else if (p.kind == ParamKind::Shares) {
      EXPECT_EQ(p.get_list(a), p.get_list(b)) << what << ": " << p.key;
    } else if (!p.given(a)) {  // optional and absent (NaN)
      EXPECT_FALSE(p.given(b)) << what << ": " << p.key;
    } else {
      EXPECT_EQ(p.get_number(a), p.get_number(b)) << what << ": " << p.key;
    }
  }
}

void expect_same_scenario(const Scenario& a, const Scenario& b, const std::string& what) {
  expect_same_parameters(scenario_parameters(), a, b, what);
  ASSERT_EQ(a.sectors.size(), b.sectors.size()) << what;
  for (std::size_t s = 0; s < a.sectors.size(); ++s)
    expect_same_parameters(sector_parameters(), a.sectors[s], b.sectors[s], what + " sector " + std::to_string(s));
}

const char* kOneSector =
    "sectors:\n"
    "  - name: goods\n"
    "    labor_share: 0.6\n"
    "    capital_share: 0.3\n"
    "    consumption_share: 1\n";

}  // namespace

// =============================================================================================
// Scenario YAML
// =============================================================================================

TEST(ScenarioYaml, DefaultsComeFromTheParameterTable) {
  const Scenario s = parse("regions: r.csv\n");
  EXPECT_EQ(s.trade.d0_km, 100);
  EXPECT_EQ(s.epochs, 10);
  EXPECT_EQ(s.households.housing_share, 0.15);
  EXPECT_EQ(s.households.saving_rate, 0.35);
  EXPECT_EQ(s.decomposition, "auto");
  EXPECT_EQ(s.source_file, "s.yaml");
  EXPECT_TRUE(s.migration.enabled);
  EXPECT_FALSE(s.scale_to_observed_gdp);
  for (const auto& p : scenario_parameters()) {
    if (p.key == "regions") continue;  // required, no default
    if (p.kind == ParamKind::Text) {
      EXPECT_EQ(p.get_text(s), p.default_text) << p.key;
    } else {
      ASSERT_FALSE(p.default_text.empty()) << p.key << " has no default";
      EXPECT_EQ(p.get_number(s), default_number(p.default_text)) << p.key;
    }
  }
  // No `sectors:` means the default three-sector economy.
  const auto def = default_sectors();
  ASSERT_EQ(s.sectors.size(), def.size());
  for (std::size_t k = 0; k < def.size(); ++k)
    expect_same_parameters(sector_parameters(), s.sectors[k], def[k], "default sector");
  EXPECT_EQ(s.sectors[0].name, "agriculture");
  EXPECT_TRUE(s.sectors[0].agricultural);
  // Sector defaults fill what a sector entry leaves out.
  const Scenario one = parse(std::string("regions: r.csv\n") + kOneSector);
  ASSERT_EQ(one.num_sectors(), 1u);
  EXPECT_EQ(one.sectors[0].theta, 4);
  EXPECT_EQ(one.sectors[0].agglomeration, 0);
  EXPECT_FALSE(one.sectors[0].agricultural);
}

TEST(ScenarioYaml, TableDefaultsLieInTheirRangesAndDefaultsValidate) {
  for (const auto& p : scenario_parameters()) {
    if (p.kind != ParamKind::Text && !p.default_text.empty()) {
      EXPECT_TRUE(p.range.contains(default_number(p.default_text)))
          << p.key << " default outside " << p.range.describe();
    }
  }
  for (const auto& p : sector_parameters()) {
    if (p.kind != ParamKind::Text && !p.default_text.empty()) {
      EXPECT_TRUE(p.range.contains(default_number(p.default_text)))
          << p.key << " default outside " << p.range.describe();
    }
  }
  Scenario s = Scenario::defaults();
  s.regions = "r.csv";
  EXPECT_NO_THROW(s.validate("defaults"));
  for (const auto& sec : s.sectors) {
    for (const auto& p : sector_parameters()) {
      if (p.kind != ParamKind::Text && p.given(sec) && p.kind != ParamKind::Shares) {
        EXPECT_TRUE(p.range.contains(p.get_number(sec))) << sec.name << "." << p.key;
      }
    }
  }
}

TEST(ScenarioYaml, EveryKeyRoundTripsThroughScenarioToYaml) {
  Scenario base = Scenario::defaults();
  base.regions = "/data/regions.csv";
  // Defaults alone.
  expect_same_scenario(parse(scenario_to_yaml(base), "/elsewhere"), base, "defaults");
  // One key at a time set to a non-default value.
  for (const auto& p : scenario_parameters()) {
    if (p.kind == ParamKind::Text) continue;
    Scenario s = base;
    const double v = other_value(p, p.get_number(s));
    p.set_number(s, v);
    ASSERT_EQ(p.get_number(s), v) << p.key;
    const std::string yaml = scenario_to_yaml(s);
    Scenario back;
    ASSERT_NO_THROW(back = parse(yaml, "/elsewhere")) << p.key << "\n" << yaml;
    EXPECT_EQ(p.get_number(back), v) << p.key;
    expect_same_scenario(back, s, p.key);
  }
  // Text keys, including values YAML would otherwise read as something else.
  const std::map<std::string, std::vector<std::string>> texts = {
      {"regions", {"/data/other regions.csv", "/data/123.csv"}},
      {"decomposition", {"auto", "/decomp/np4.yaml"}},
      {"output", {"out dir/run 1", "123", "yes", "null", "~", "#not-a-comment", "a: b", "-x", "[x]"}},
      {"solver.petsc_options", {"", "-national_snes_monitor -national_ksp_type gmres", "-a 'b' \"c\""}},
      {"solver.kernels", {"auto", "stored", "on_the_fly"}},
      {"solver.kernel_precision", {"double", "single"}},
      {"external.cold_start", {"auto", "gradual"}},
      {"network.file", {"", "/data/network.csv", "/data/my network.csv"}},
      {"trade.frictions", {"", "/data/frictions.csv", "/data/my frictions.csv"}},
      {"households.land_income", {"residents", "stayers"}},
      {"migration.frictions", {"", "/data/migration.csv", "/data/my migration frictions.csv"}},
      {"migration.province_costs", {"", "/data/province_costs.csv", "/data/my costs.csv"}},
      {"calibration.migrants", {"", "/data/census_migrants.csv", "/data/my census.csv"}},
      {"trade.province_scales", {"", "/data/province_scales.csv", "/data/my scales.csv"}},
      {"calibration.trade_shares", {"", "/data/trade_shares.csv", "/data/my shares.csv"}},
      {"output_format", {"auto", "csv", "hdf5", "both"}},
      {"labour.units", {"/data/units.csv", "/data/my units.csv"}},
      {"labour.land", {"region", "by_group"}},
      {"labour.group_costs", {"", "/data/group_costs.csv", "/data/my costs.csv"}},
  };
  for (const auto& p : scenario_parameters()) {
    if (p.kind != ParamKind::Text) continue;
    ASSERT_TRUE(texts.count(p.key)) << "add round-trip values for text key " << p.key;
    for (const auto& v : texts.at(p.key)) {
      Scenario s = base;
      if (p.key.rfind("labour.", 0) == 0) {  // the labour keys need the groups (labour.units, labour_group)
        s.labour.units = "/data/units.csv";
        for (auto& sec : s.sectors) sec.labour_group = "all";
      }
      p.set_text(s, v);
      const std::string yaml = scenario_to_yaml(s);
      Scenario back;
      try {
        back = parse(yaml, "/elsewhere");
      } catch (const std::exception& e) {
        ADD_FAILURE() << p.key << " = '" << v << "' does not round-trip: " << e.what() << "\n" << yaml;
        continue;
      }
      EXPECT_EQ(p.get_text(back), v) << p.key;
    }
  }
  // Sector keys: every field non-default.
  Scenario s = base;
  s.sectors = {SectorParams{"farm", 5.5, 0.6, 0.1, 0.25, 0.01, 0.03, true},
               SectorParams{"factory", 3, 0.5, 0.5, 0.75, 0.1, -0.01, false}};
  for (const auto& p : sector_parameters()) {
    if (p.kind != ParamKind::Text && !p.default_text.empty()) {
      EXPECT_NE(p.get_number(s.sectors[0]), default_number(p.default_text))
          << "test sector should not use default " << p.key;
    }
  }
  expect_same_scenario(parse(scenario_to_yaml(s)), s, "sectors");
  // The optional sector keys (MODEL.md §9): written only where given, and read back.
  s.sectors[0].labor_share = 0.3, s.sectors[0].capital_share = 0.1, s.sectors[0].given_land_share = 0.2;
  s.sectors[0].intermediate_shares = {0.25, 0.15};
  s.sectors[1].intermediate_shares = {0.0, 0.0};
  s.sectors[1].labor_share = 0.4, s.sectors[1].capital_share = 0.6;
  expect_same_scenario(parse(scenario_to_yaml(s)), s, "optional sector keys");
  EXPECT_EQ(scenario_to_yaml(base).find("intermediate_shares"), std::string::npos);
  EXPECT_EQ(scenario_to_yaml(base).find("land_share"), std::string::npos);
  // Labour groups (MODEL.md §10): the labour keys and each sector's labour_group, only with units.
  s.labour.units = "/data/units.csv", s.labour.land = "by_group", s.labour.group_costs = "/data/costs.csv";
  s.sectors[0].labour_group = "rural", s.sectors[1].labour_group = "urban";
  expect_same_scenario(parse(scenario_to_yaml(s)), s, "labour groups");
  EXPECT_EQ(scenario_to_yaml(base).find("labour"), std::string::npos);
  // Indented output (as embedded in run.yaml) is the same YAML one level down.
  const std::string nested = "scenario:\n" + scenario_to_yaml(s, 2);
  EXPECT_NE(nested.find("\n  trade:\n    d0_km: 100\n"), std::string::npos) << nested;
}

// docs/parameters.md is generated (`regio params --markdown`): every row of each of its tables
// has its header's number of cells, although descriptions write ||G|| and |λ_s| (escaped).
TEST(ScenarioYaml, GeneratedParameterTablesKeepTheirColumns) {
  std::istringstream md(parameters_markdown());
  auto cells = [](const std::string& line) {
    long n = 0;
    for (std::size_t k = 0; k < line.size(); ++k) n += line[k] == '|' && (k == 0 || line[k - 1] != '\\');
    return n;
  };
  std::string line, previous;
  long header = -1;
  int rows = 0;
  while (std::getline(md, line)) {
    if (line.rfind("|---", 0) == 0)
      header = cells(previous);
    else if (line.empty() || line[0] != '|')
      header = -1;
    else if (header >= 0) {
      EXPECT_EQ(cells(line), header) << line;
      ++rows;
    }
    previous = line;
  }
  EXPECT_GT(rows, 60);
  EXPECT_EQ(markdown_cell("SNES tolerance on ||G||"), "SNES tolerance on \\|\\|G\\|\\|");
}

TEST(ScenarioYaml, UnknownTopLevelKeyNamesLineAndSuggests) {
  const auto m = scenario_error("regions: r.csv\nepochs: 3\nepoch: 4\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "unknown key 'epoch'");
  EXPECT_CONTAINS(m, "did you mean 'epochs'?");
  const auto g = scenario_error("regions: r.csv\n\n# comment\ntrad:\n  d0_km: 50\n");
  EXPECT_CONTAINS(g, "s.yaml:4:");
  EXPECT_CONTAINS(g, "did you mean 'trade'?");
  const auto u = scenario_error("regions: r.csv\nwibblewobble: 1\n");
  EXPECT_CONTAINS(u, "s.yaml:2:");
  EXPECT_CONTAINS(u, "unknown key 'wibblewobble'");
  EXPECT_NOT_CONTAINS(u, "did you mean");
  EXPECT_CONTAINS(u, "docs/parameters.md");
}

TEST(ScenarioYaml, UnknownNestedKeyNamesLineAndSuggests) {
  const auto m = scenario_error("regions: r.csv\ntrade:\n  d0_km: 50\n  border_cots: 2\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "unknown key 'trade.border_cots'");
  EXPECT_CONTAINS(m, "did you mean 'trade.border_cost'?");
  // A key of another group is not accepted in this one.
  const auto x = scenario_error("regions: r.csv\nmigration:\n  enabled: true\n  d0_km: 50\n");
  EXPECT_CONTAINS(x, "s.yaml:4:");
  EXPECT_CONTAINS(x, "unknown key 'migration.d0_km'");
  // Unknown sector key.
  const auto s = scenario_error(
      "regions: r.csv\nsectors:\n  - name: goods\n    labour_share: 0.6\n    capital_share: 0.3\n"
      "    consumption_share: 1\n");
  EXPECT_CONTAINS(s, "s.yaml:4:");
  EXPECT_CONTAINS(s, "sectors[0].labour_share");
  EXPECT_CONTAINS(s, "did you mean 'labor_share'?");
}

TEST(ScenarioYaml, WrongTypesAreErrorsWithLine) {
  auto m = scenario_error("regions: r.csv\ntrade:\n  d0_km: far\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "'trade.d0_km' must be a number, got 'far'");
  m = scenario_error("regions: r.csv\nepochs: [1, 2]\n");
  EXPECT_CONTAINS(m, "s.yaml:2:");
  EXPECT_CONTAINS(m, "'epochs' must be a single value");
  m = scenario_error("regions: r.csv\ncapital:\n  home_bias:\n    a: 1\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "'capital.home_bias' must be a single value");
  m = scenario_error("regions: r.csv\nmigration:\n  enabled: maybe\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "'migration.enabled' must be true or false");
  m = scenario_error("regions: r.csv\ntrade: 5\n");
  EXPECT_CONTAINS(m, "s.yaml:2:");
  EXPECT_CONTAINS(m, "'trade' must be a mapping");
  m = scenario_error("regions: r.csv\nsectors:\n  name: goods\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "'sectors' must be a list");
  m = scenario_error("regions: r.csv\nsectors:\n  - goods\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "sectors[0] must be a mapping");
  m = scenario_error("regions: [a.csv, b.csv]\n");
  EXPECT_CONTAINS(m, "s.yaml:1:");
  EXPECT_CONTAINS(m, "'regions' must be a single value");
  m = scenario_error("- regions: r.csv\n");
  EXPECT_CONTAINS(m, "must be a YAML mapping");
  m = scenario_error("");
  EXPECT_CONTAINS(m, "s.yaml");
  EXPECT_CONTAINS(m, "must be a YAML mapping");
}

TEST(ScenarioYaml, OutOfRangeValuesAreErrorsWithLineAndRange) {
  struct Case {
    std::string yaml;
    int line;
    std::string key, range;
  };
  const std::vector<Case> cases = {
      {"migration:\n  elasticity: 0\n", 3, "'migration.elasticity' = 0", "(0, "},
      {"trade:\n  border_cost: 0.5\n", 3, "'trade.border_cost' = 0.5", "[1, "},
      {"capital:\n  home_bias: 1.5\n", 3, "'capital.home_bias' = 1.5", "[0, 1]"},
      {"capital:\n  home_bias: -0.1\n", 3, "'capital.home_bias' = -0.1", "[0, 1]"},
      {"households:\n  housing_share: 1\n", 3, "'households.housing_share' = 1", "[0, 1)"},
      {"epochs: 0\n", 2, "'epochs' = 0", "[1, "},
      {"epochs: 100001\n", 2, "'epochs' = 100001", "[1, "},
      {"productivity:\n  neighbours: 0\n", 3, "'productivity.neighbours' = 0", "[1, 1000]"},
      {"trade:\n  d0_km: -5\n", 3, "'trade.d0_km' = -5", "(0, "},
      {"population:\n  growth: 0.9\n", 3, "'population.growth' = 0.9", "[-0.5, 0.5]"},
      {"start_year: 1066\n", 2, "'start_year' = 1066", "[1900, 2200]"},
  };
  // `range` is the start of the interval as shown (the upper end's formatting is cosmetic).
  for (const auto& c : cases) {
    const auto m = scenario_error("regions: r.csv\n" + c.yaml);
    EXPECT_CONTAINS(m, "s.yaml:" + std::to_string(c.line) + ":");
    EXPECT_CONTAINS(m, c.key);
    EXPECT_CONTAINS(m, "out of range " + c.range);
  }
  // Sector ranges.
  const auto m = scenario_error(
      "regions: r.csv\nsectors:\n  - name: goods\n    theta: 0\n    labor_share: 0.6\n"
      "    capital_share: 0.3\n    consumption_share: 1\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "'sectors[0].theta' = 0 is out of range (0, ");
  // The closed ends are accepted.
  Scenario s;
  ASSERT_NO_THROW(s = parse("regions: r.csv\ncapital:\n  home_bias: 1\ntrade:\n  border_cost: 1\n"
                            "migration:\n  elasticity: 1e-9\n  enabled: false\nepochs: 100000\n"));
  EXPECT_EQ(s.capital.home_bias, 1);
  EXPECT_EQ(s.trade.border_cost, 1);
  EXPECT_EQ(s.migration.elasticity, 1e-9);
  EXPECT_FALSE(s.migration.enabled);
  EXPECT_EQ(s.epochs, 100000);
  ASSERT_NO_THROW(s = parse("regions: r.csv\ncapital:\n  home_bias: 0\n"));
  EXPECT_EQ(s.capital.home_bias, 0);
}

TEST(ScenarioYaml, NonFiniteValuesAreErrors) {
  for (const std::string v : {".nan", ".NaN", ".inf", "-.inf", ".Inf"}) {
    const auto m = scenario_error("regions: r.csv\ntrade:\n  d0_km: " + v + "\n");
    EXPECT_CONTAINS(m, "s.yaml:3:");
    EXPECT_CONTAINS(m, "'trade.d0_km' must be a finite number, got '" + v + "'");
  }
  const auto m = scenario_error("regions: r.csv\nmigration:\n  elasticity: .nan\n");
  EXPECT_CONTAINS(m, "'migration.elasticity' must be a finite number");
}

TEST(ScenarioYaml, IntegersMustBeIntegers) {
  auto m = scenario_error("regions: r.csv\nepochs: 2.5\n");
  EXPECT_CONTAINS(m, "s.yaml:2:");
  EXPECT_CONTAINS(m, "'epochs' must be an integer, got '2.5'");
  m = scenario_error("regions: r.csv\nsolver:\n  max_iterations: 10.01\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "'solver.max_iterations' must be an integer");
  m = scenario_error("regions: r.csv\nepochs: ten\n");
  EXPECT_CONTAINS(m, "'epochs' must be a number, got 'ten'");
  // An integral value written as a real is fine.
  EXPECT_EQ(parse("regions: r.csv\nepochs: 3.0\n").epochs, 3);
  EXPECT_EQ(parse("regions: r.csv\nepochs: 1e2\n").epochs, 100);
}

TEST(ScenarioYaml, MalformedYamlNamesTheLine) {
  auto m = scenario_error("regions: r.csv\ntrade:\n    d0_km: 100\n  border_cost: 1.5\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "malformed YAML");
  m = scenario_error("regions: r.csv\nepochs: 3\nsectors: [a, b\n");
  EXPECT_CONTAINS(m, "s.yaml:");
  EXPECT_CONTAINS(m, "malformed YAML");
  m = scenario_error("regions: r.csv\n  epochs: 3\n");
  EXPECT_CONTAINS(m, "s.yaml:2:");
  EXPECT_CONTAINS(m, "malformed YAML");
}

// A key that is not a plain string (a YAML complex key) is a user error like any other, not an
// internal error: yaml-cpp throws a conversion error from as<std::string>() that must become an
// InputError, or `regio run` aborts (exit 3, "internal error") instead of reporting it.
// DISABLED: fails until scenario_yaml.cpp checks key nodes are scalars (bug reported).
TEST(ScenarioYaml, NonScalarKeysAreInputErrors) {
  auto m = scenario_error("regions: r.csv\n[a, b]: 1\n");
  EXPECT_CONTAINS(m, "s.yaml:2:");
  m = scenario_error("regions: r.csv\ntrade:\n  {a: 1}: 2\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  m = scenario_error("regions: r.csv\nsectors:\n  - ? [x]\n    : 1\n");
  EXPECT_CONTAINS(m, "s.yaml:");
}

// A key given twice silently keeps the last value with yaml-cpp; a scenario must not.
TEST(ScenarioYaml, DuplicateKeysAreErrors) {
  auto m = scenario_error("regions: r.csv\nepochs: 3\nepochs: 4\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "key 'epochs' appears twice (first on line 2)");
  m = scenario_error("regions: r.csv\ntrade:\n  d0_km: 50\n  d0_km: 60\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "trade.d0_km");
  m = scenario_error("regions: r.csv\ntrade:\n  d0_km: 50\ntrade:\n  border_cost: 2\n");
  EXPECT_CONTAINS(m, "s.yaml:4:");
  EXPECT_CONTAINS(m, "key 'trade' appears twice");
}

// The same inside a sector entry. DISABLED: fails until parse_sector() rejects repeated keys
// (its `seen` set is filled but never checked; bug reported).
TEST(ScenarioYaml, DuplicateSectorKeysAreErrors) {
  const auto m = scenario_error(
      "regions: r.csv\nsectors:\n  - name: goods\n    labor_share: 0.6\n    capital_share: 0.3\n"
      "    consumption_share: 1\n    labor_share: 0.5\n");
  EXPECT_CONTAINS(m, "s.yaml:7:");
  EXPECT_CONTAINS(m, "labor_share");
  EXPECT_CONTAINS(m, "twice");
}

TEST(ScenarioYaml, MissingRegionsIsAnError) {
  auto m = scenario_error("epochs: 3\n");
  EXPECT_CONTAINS(m, "s.yaml");
  EXPECT_CONTAINS(m, "missing required key 'regions'");
  m = scenario_error("regions: ''\n");
  EXPECT_CONTAINS(m, "'regions'");
}

TEST(ScenarioYaml, SectorErrors) {
  const std::string head = "regions: r.csv\nsectors:\n";
  // Missing required keys, at the line of the sector entry.
  auto m = scenario_error(head + "  - name: goods\n    capital_share: 0.3\n    consumption_share: 1\n");
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "sectors[0] lacks required key 'labor_share'");
  m = scenario_error(head + "  - name: goods\n    labor_share: 0.6\n    consumption_share: 1\n");
  EXPECT_CONTAINS(m, "lacks required key 'capital_share'");
  m = scenario_error(head + "  - name: goods\n    labor_share: 0.6\n    capital_share: 0.3\n");
  EXPECT_CONTAINS(m, "lacks required key 'consumption_share'");
  m = scenario_error(head +
                     "  - name: a\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.5\n"
                     "  - labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.5\n");
  EXPECT_CONTAINS(m, "s.yaml:7:");
  EXPECT_CONTAINS(m, "sectors[1] lacks required key 'name'");
  // Shares.
  m = scenario_error(head +
                     "  - name: goods\n    labor_share: 0.7\n    capital_share: 0.4\n    consumption_share: 1\n");
  EXPECT_CONTAINS(m, "s.yaml");
  EXPECT_CONTAINS(m, "sector 'goods'");
  EXPECT_CONTAINS(m, "exceeds 1");
  m = scenario_error(head +
                     "  - name: a\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.5\n"
                     "  - name: b\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.4\n");
  EXPECT_CONTAINS(m, "consumption_share values sum to 0.9");
  m = scenario_error(head +
                     "  - name: a\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.5\n"
                     "  - name: a\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.5\n");
  EXPECT_CONTAINS(m, "sector name 'a' appears twice");
  m = scenario_error(head +
                     "  - name: a\n    labor_share: 0\n    capital_share: 0.3\n    consumption_share: 0.5\n"
                     "  - name: b\n    labor_share: 0\n    capital_share: 1\n    consumption_share: 0.5\n");
  EXPECT_CONTAINS(m, "at least one sector must use labor");
  m = scenario_error(head +
                     "  - name: two words\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 1\n");
  EXPECT_CONTAINS(m, "sector name 'two words' may not contain");
  m = scenario_error("regions: r.csv\nsectors: []\n");
  EXPECT_CONTAINS(m, "at least one sector");
  // Consumption shares summing to 1 up to rounding are fine.
  EXPECT_NO_THROW(parse(head +
                        "  - name: a\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.1\n"
                        "  - name: b\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.2\n"
                        "  - name: c\n    labor_share: 0.6\n    capital_share: 0.3\n    consumption_share: 0.7\n"));
}

// MODEL.md §9: intermediate_shares as a list or by sector name; land is the remainder unless
// given; errors at the line of the value or of the sector.
TEST(ScenarioYaml, IntermediateSharesAndTheirErrors) {
  const std::string head = "regions: r.csv\nsectors:\n";
  const std::string b = "  - name: b\n    labor_share: 0.5\n    capital_share: 0.5\n    consumption_share: 0.5\n";
  auto a = [](const std::string& extra) {
    return "  - name: a\n    labor_share: 0.3\n    capital_share: 0.2\n    consumption_share: 0.5\n" + extra;
  };
  Scenario s = parse(head + a("    intermediate_shares: [0.1, 0.25]\n") + b);
  EXPECT_EQ(s.sectors[0].intermediate_shares, (std::vector<double>{0.1, 0.25}));
  EXPECT_NEAR(s.sectors[0].land_share(), 0.15, 1e-15);
  EXPECT_TRUE(s.uses_intermediates());
  s = parse(head + a("    intermediate_shares: {b: 0.25}\n    land_share: 0.25\n") + b);
  EXPECT_EQ(s.sectors[0].intermediate_shares, (std::vector<double>{0.0, 0.25}));
  EXPECT_EQ(s.sectors[0].land_share(), 0.25);
  auto m = scenario_error(head + a("    intermediate_shares: [0.3, 0.3]\n") + b);
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "sectors[0] ('a'): labor_share + capital_share + the intermediate_shares = 1.1 exceeds 1");
  m = scenario_error(head + a("    intermediate_shares: [0.1, 0.1]\n    land_share: 0.1\n") + b);
  EXPECT_CONTAINS(m, "s.yaml:3:");
  EXPECT_CONTAINS(m, "= 0.8; they must sum to 1");
  m = scenario_error(head + a("    intermediate_shares: [0.1]\n") + b);
  EXPECT_CONTAINS(m, "s.yaml:7:");
  EXPECT_CONTAINS(m, "lists 1 shares; it needs one per sector (2: a, b)");
  m = scenario_error(head + a("    intermediate_shares: {c: 0.1}\n") + b);
  EXPECT_CONTAINS(m, "s.yaml:7:");
  EXPECT_CONTAINS(m, "names sector 'c', which is not in 'sectors'");
  m = scenario_error(head + a("    intermediate_shares: [0.1, -0.1]\n") + b);
  EXPECT_CONTAINS(m, "'sectors[0].intermediate_shares[1]' = -0.1 is out of range [0, 1]");
  m = scenario_error(head + a("    intermediate_shares: 0.1\n") + b);
  EXPECT_CONTAINS(m, "must be a list of shares in sector order or a mapping from sector names");
}

TEST(ScenarioYaml, HousingPlusSavingMustBeBelowOne) {
  auto m = scenario_error("regions: r.csv\nhouseholds:\n  housing_share: 0.6\n  saving_rate: 0.4\n");
  EXPECT_CONTAINS(m, "s.yaml");
  EXPECT_CONTAINS(m, "households.housing_share + households.saving_rate = 1 must be < 1");
  m = scenario_error("regions: r.csv\nhouseholds:\n  housing_share: 0.7\n  saving_rate: 0.5\n");
  EXPECT_CONTAINS(m, "must be < 1");
  EXPECT_NO_THROW(parse("regions: r.csv\nhouseholds:\n  housing_share: 0.5\n  saving_rate: 0.45\n"));
}

TEST(ScenarioYaml, PathsAreRelativeToTheScenarioFolder) {
  Scenario s = parse("regions: data/r.csv\ndecomposition: ../decomp/np2.yaml\noutput: results\n", "/base/dir");
  EXPECT_EQ(s.regions, "/base/dir/data/r.csv");
  EXPECT_EQ(s.decomposition, "/base/decomp/np2.yaml");
  EXPECT_EQ(s.output, "results");  // documented: relative to the working directory
  s = parse("regions: /abs/r.csv\ndecomposition: auto\n", "/base/dir");
  EXPECT_EQ(s.regions, "/abs/r.csv");
  EXPECT_EQ(s.decomposition, "auto");

  // load_scenario: relative to the file's folder, wherever the process runs.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("regio-test-inputs-" + std::to_string(::getpid()));
  fs::create_directories(dir / "scen");
  { std::ofstream(dir / "scen" / "s.yaml") << "regions: ../data/r.csv\ndecomposition: d.yaml\n"; }
  s = load_scenario((dir / "scen" / "s.yaml").string());
  EXPECT_EQ(s.regions, (dir / "data" / "r.csv").string());
  EXPECT_EQ(s.decomposition, (dir / "scen" / "d.yaml").string());
  EXPECT_EQ(s.source_file, (dir / "scen" / "s.yaml").string());
  const auto m = input_error([&] { load_scenario((dir / "missing.yaml").string()); });
  EXPECT_CONTAINS(m, "missing.yaml");
  EXPECT_CONTAINS(m, "cannot open the scenario file");
  fs::remove_all(dir);
}

TEST(ScenarioYaml, ShippedBaselineLoads) {
  const Scenario s = load_scenario(kSource + "/inputs/china31/baseline.yaml");
  EXPECT_EQ(s.regions, kSource + "/inputs/china31/regions_calibrated.csv");
  std::vector<std::string> names;
  for (const auto& sec : s.sectors) names.push_back(sec.name);
  EXPECT_EQ(load_regions(s.regions, names).size(), 31u);
}

TEST(ScenarioYaml, ZeroSharesAreLegalAndSwitchMarketsOff) {
  const Scenario s = parse(
      "regions: r.csv\nhouseholds:\n  housing_share: 0\n  saving_rate: 0\n"
      "sectors:\n  - name: labor_only\n    labor_share: 1\n    capital_share: 0\n    consumption_share: 1\n");
  EXPECT_NO_THROW(s.validate("again"));
  EXPECT_EQ(s.sectors[0].land_share(), 0);
  EXPECT_FALSE(s.uses_capital());
  EXPECT_FALSE(s.uses_land());
  const Technology t(s);
  EXPECT_TRUE(t.active[kLabor]);
  EXPECT_FALSE(t.active[kCapital]);
  EXPECT_FALSE(t.active[kLand]);
  EXPECT_EQ(t.num_active(), 1);
  EXPECT_EQ(t.lambda[0], 0);
  EXPECT_EQ(t.log_cost_const[0], 0);  // 1^-1 · 0^0 · 0^0 = 1

  // Capital unused but land used (by production and housing).
  const Technology t2(
      parse("regions: r.csv\nsectors:\n  - name: g\n    labor_share: 0.5\n    capital_share: 0\n"
            "    consumption_share: 1\n"));
  EXPECT_FALSE(t2.active[kCapital]);
  EXPECT_TRUE(t2.active[kLand]);
  // Land used only through housing.
  const Technology t3(
      parse("regions: r.csv\nhouseholds:\n  housing_share: 0.2\nsectors:\n  - name: g\n"
            "    labor_share: 0.5\n    capital_share: 0.5\n    consumption_share: 1\n"));
  EXPECT_TRUE(t3.active[kCapital]);
  EXPECT_TRUE(t3.active[kLand]);
  // The default economy uses all three markets.
  const Technology all(parse("regions: r.csv\n"));
  EXPECT_EQ(all.num_active(), 3);
}

// labor_share + capital_share = 1 written in decimals (0.7 + 0.3) leaves 1 - 0.7 - 0.3 = 5.6e-17
// in floating point: that must count as "no land share", like 1 + 0, and not open a land market
// whose demand is 1e-17 of the economy (its land_rent output is then ~1e-15 instead of the
// inactive-market value). DISABLED: fails until land_share()/uses_land() use a tolerance (bug reported).
TEST(ScenarioYaml, SharesSummingToOneInDecimalsLeaveNoLandMarket) {
  const Scenario s = parse(
      "regions: r.csv\nhouseholds:\n  housing_share: 0\n"
      "sectors:\n  - name: a\n    labor_share: 0.7\n    capital_share: 0.3\n    consumption_share: 0.5\n"
      "  - name: b\n    labor_share: 0.4\n    capital_share: 0.6\n    consumption_share: 0.5\n");
  EXPECT_FALSE(s.uses_land()) << "land shares: " << s.sectors[0].land_share() << ", " << s.sectors[1].land_share();
  const Technology t(s);
  EXPECT_FALSE(t.active[kLand]);
  EXPECT_EQ(t.lambda[0], 0);
  EXPECT_EQ(t.lambda[1], 0);
}

// =============================================================================================
// Region CSV
// =============================================================================================

namespace {
const std::string kHeader = "id,name,province,lat,lon,area_km2,land_km2,population,capital,productivity";
const std::vector<std::string> kOne = {"goods"};
// Three good rows (lines 2-4).
const std::vector<std::string> kRows = {
    "a,Alpha City,P1,30,114,1000,200,1000,50,1.5",
    "b,Beta Town,P1,31,115,2000,300,2000,60,1.0",
    "c,Gamma,P2,32,116,3000,400,3000,70,0.5",
};

std::string csv_text(const std::string& header, const std::vector<std::string>& rows, const std::string& eol = "\n") {
  std::string t = header + eol;
  for (const auto& r : rows) t += r + eol;
  return t;
}
// kRows with row k (0-based) replaced.
std::vector<std::string> with_row(std::size_t k, const std::string& row) {
  auto rows = kRows;
  rows[k] = row;
  return rows;
}
std::string regions_error(const std::string& text, const std::vector<std::string>& sectors = kOne) {
  return input_error([&] { parse_regions(text, "f.csv", sectors); });
}
}  // namespace

TEST(RegionCsv, China31Loads) {
  const auto regions = load_regions(kSource + "/inputs/china31/regions.csv", kThreeSectors);
  ASSERT_EQ(regions.size(), 31u);
  double population = 0;
  std::set<std::string> provinces, ids;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    EXPECT_EQ(r.index, static_cast<std::int64_t>(i));
    EXPECT_EQ(r.csv_line, static_cast<int>(i) + 2);
    population += r.population;
    provinces.insert(r.province);
    ids.insert(r.id);
    ASSERT_EQ(r.productivity.size(), 3u) << r.id;
    for (double a : r.productivity) EXPECT_GT(a, 0) << r.id;
    EXPECT_EQ(r.productivity[0], r.productivity[2]) << r.id;  // one shared `productivity` column
    EXPECT_GT(r.land_km2, 0);
    EXPECT_LE(r.land_km2, r.area_km2);
    EXPECT_GT(r.registered, 0);
    EXPECT_GT(r.gdp, 0);
    EXPECT_FALSE(r.name.empty());
  }
  EXPECT_EQ(population, 1409778724.0);
  EXPECT_EQ(provinces.size(), 31u);
  EXPECT_EQ(ids.size(), 31u);
  EXPECT_EQ(regions[0].id, "110000");
  EXPECT_EQ(regions[0].name, "Beijing");
  EXPECT_EQ(regions[0].province, "Beijing");
  EXPECT_TRUE(regions[0].has_tag("megacity"));
  EXPECT_TRUE(regions[0].has_tag("east"));
  EXPECT_FALSE(regions[0].has_tag("coastal"));
}

TEST(RegionCsv, OptionalColumnsDefault) {
  const auto r = parse_regions(csv_text(kHeader, kRows), "f.csv", kOne);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].registered, r[1].population);
  EXPECT_EQ(r[1].amenity, 1);
  EXPECT_EQ(r[1].gdp, 0);
  EXPECT_TRUE(r[1].tags.empty());
  EXPECT_EQ(r[1].name, "Beta Town");
  ASSERT_EQ(r[1].productivity.size(), 1u);
  EXPECT_EQ(r[1].productivity[0], 1.0);
  EXPECT_EQ(r[2].csv_line, 4);
  // No name column: name = id. Blank optional fields keep their defaults too.
  const auto n = parse_regions(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity,registered,amenity,gdp,name,tags\n"
      "a,P1,30,114,1000,200,1000,50,1.5,,,,,\n"
      "b,P1,30,114,1000,200,1000,50,1.5,800,2.5,77,Bee,coastal;port|megacity\n",
      "f.csv", kOne);
  EXPECT_EQ(n[0].name, "a");
  EXPECT_EQ(n[0].registered, 1000);
  EXPECT_EQ(n[0].amenity, 1);
  EXPECT_EQ(n[0].gdp, 0);
  EXPECT_EQ(n[1].name, "Bee");
  EXPECT_EQ(n[1].registered, 800);
  EXPECT_EQ(n[1].amenity, 2.5);
  EXPECT_EQ(n[1].gdp, 77);
  EXPECT_EQ(n[1].tags, (std::vector<std::string>{"coastal", "port", "megacity"}));
  const auto m = parse_regions(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity\n"
      "x,P,0,0,1,1,1,1,1\n",
      "f.csv", kOne);
  EXPECT_EQ(m[0].name, "x");
}

TEST(RegionCsv, PerSectorProductivityColumns) {
  const std::vector<std::string> two = {"agri", "manu"};
  auto r = parse_regions(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity_agri,productivity_manu\n"
      "a,P,30,114,1000,200,1000,50,1.1,2.2\n",
      "f.csv", two);
  EXPECT_EQ(r[0].productivity, (std::vector<double>{1.1, 2.2}));
  // A sector-specific column overrides the shared one.
  r = parse_regions(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity,productivity_manu\n"
      "a,P,30,114,1000,200,1000,50,1.5,3\n",
      "f.csv", two);
  EXPECT_EQ(r[0].productivity, (std::vector<double>{1.5, 3}));
  // A sector without a column.
  auto m = regions_error(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity_agri\n"
      "a,P,30,114,1000,200,1000,50,1.1\n",
      two);
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "productivity_manu");
  // A column for a sector the scenario does not have.
  m = regions_error(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity,productivity_mining\n"
      "a,P,30,114,1000,200,1000,50,1.1,2\n",
      two);
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "unknown column 'productivity_mining'");
  // Productivity must be positive, and the error names the column.
  m = regions_error(
      "id,province,lat,lon,area_km2,land_km2,population,capital,productivity_agri,productivity_manu\n"
      "a,P,30,114,1000,200,1000,50,1.1,0\n",
      two);
  EXPECT_CONTAINS(m, "f.csv:2:");
  EXPECT_CONTAINS(m, "region 'a'");
  EXPECT_CONTAINS(m, "productivity_manu");
}

TEST(RegionCsv, HeaderErrors) {
  // Missing required column.
  auto m = regions_error(csv_text("id,name,province,lat,lon,area_km2,land_km2,population,productivity",
                                  {"a,A,P1,30,114,1000,200,1000,1.5"}));
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "missing required column 'capital'");
  m = regions_error(csv_text("name,province,lat,lon,area_km2,land_km2,population,capital,productivity",
                             {"A,P1,30,114,1000,200,1000,50,1.5"}));
  EXPECT_CONTAINS(m, "missing required column 'id'");
  m = regions_error(
      csv_text("id,name,province,lat,lon,area_km2,land_km2,population,capital", {"a,A,P1,30,114,1000,200,1000,50"}));
  EXPECT_CONTAINS(m, "missing column 'productivity'");
  // Unknown / extra column, with and without a suggestion.
  m = regions_error(csv_text(kHeader + ",elevation", {kRows[0] + ",12"}));
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "unknown column 'elevation'");
  EXPECT_NOT_CONTAINS(m, "did you mean");
  m = regions_error(csv_text("id,name,province,lat,lon,area_km2,land_km2,populaton,capital,productivity", kRows));
  EXPECT_CONTAINS(m, "unknown column 'populaton'");
  EXPECT_CONTAINS(m, "did you mean 'population'?");
  // Duplicate column.
  m = regions_error(csv_text(kHeader + ",lat", {kRows[0] + ",30"}));
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "column 'lat' appears twice");
  // Empty file, header only.
  m = regions_error("");
  EXPECT_CONTAINS(m, "f.csv");
  EXPECT_CONTAINS(m, "empty");
  m = regions_error(kHeader + "\n");
  EXPECT_CONTAINS(m, "f.csv:1:");
  EXPECT_CONTAINS(m, "no regions");
  // Header names may be padded with spaces.
  EXPECT_EQ(
      parse_regions(csv_text(" id , name,province,lat,lon,area_km2,land_km2,population,capital,productivity ", kRows),
                    "f.csv", kOne)
          .size(),
      3u);
}

TEST(RegionCsv, RowErrorsNameLineAndRegion) {
  struct Case {
    std::string row;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"b,Beta Town,P1,31,115,2000,300,many,60,1.0", "column 'population' is not a number: 'many'"},
      {"b,Beta Town,P1,31,115,2000,300,,60,1.0", "column 'population' is not a number"},
      {"b,Beta Town,P1,31,115,2000,300,NaN,60,1.0", "column 'population' = 'NaN' must be a finite number > 0"},
      {"b,Beta Town,P1,31,115,2000,300,nan,60,1.0", "column 'population'"},
      {"b,Beta Town,P1,31,115,2000,300,inf,60,1.0", "column 'population' = 'inf' must be a finite number"},
      {"b,Beta Town,P1,31,115,2000,300,-2000,60,1.0", "column 'population' = '-2000' must be a finite number > 0"},
      {"b,Beta Town,P1,31,115,2000,300,0,60,1.0", "column 'population' = '0' must be a finite number > 0"},
      {"b,Beta Town,P1,31,115,2000,0,2000,60,1.0", "column 'land_km2' = '0' must be a finite number > 0"},
      {"b,Beta Town,P1,31,115,0,300,2000,60,1.0", "column 'area_km2' = '0'"},
      {"b,Beta Town,P1,31,115,2000,2500,2000,60,1.0", "land_km2 = 2500 exceeds area_km2 = 2000"},
      {"b,Beta Town,P1,91,115,2000,300,2000,60,1.0", "column 'lat' = '91' must be a latitude in [-90, 90]"},
      {"b,Beta Town,P1,-90.5,115,2000,300,2000,60,1.0", "column 'lat'"},
      {"b,Beta Town,P1,31,-181,2000,300,2000,60,1.0", "column 'lon' = '-181' must be a longitude in [-180, 180]"},
      {"b,Beta Town,P1,31,115,2000,300,2000,0,1.0", "column 'capital' = '0'"},
      {"b,Beta Town,P1,31,115,2000,300,2000,60,-1", "column 'productivity' = '-1'"},
      {"b,Beta Town,P1,31,115,2000,300,2000,60,1.0x", "column 'productivity' is not a number: '1.0x'"},
      {"b,Beta Town,P1,31,115,2000,300,2000,60,1e999", "column 'productivity' is not a number"},
      {"b,Beta Town,,31,115,2000,300,2000,60,1.0", "empty province"},
      {"a,Beta Town,P1,31,115,2000,300,2000,60,1.0", "duplicate id (first on line 2)"},
  };
  for (const auto& c : cases) {
    const auto m = regions_error(csv_text(kHeader, with_row(1, c.row)));
    EXPECT_CONTAINS(m, "f.csv:3:");
    EXPECT_CONTAINS(m, c.row[0] == 'a' ? "region 'a'" : "region 'b'");
    EXPECT_CONTAINS(m, c.want);
  }
  // Optional columns are checked too when given.
  auto m = regions_error(kHeader + ",registered,amenity,gdp\n" + kRows[0] + ",-1,1,1\n");
  EXPECT_CONTAINS(m, "f.csv:2:");
  EXPECT_CONTAINS(m, "region 'a'");
  EXPECT_CONTAINS(m, "column 'registered'");
  m = regions_error(kHeader + ",registered,amenity,gdp\n" + kRows[0] + ",1,0,1\n");
  EXPECT_CONTAINS(m, "column 'amenity'");
  m = regions_error(kHeader + ",registered,amenity,gdp\n" + kRows[0] + ",1,1,-5\n");
  EXPECT_CONTAINS(m, "column 'gdp' = '-5' must be a finite number >= 0");
  // Wrong field count.
  m = regions_error(csv_text(kHeader, with_row(2, "c,Gamma,P2,32,116,3000,400,3000,70")));
  EXPECT_CONTAINS(m, "f.csv:4:");
  EXPECT_CONTAINS(m, "has 9 fields but the header has 10");
  m = regions_error(csv_text(kHeader, with_row(0, "a,Alpha, City,P1,30,114,1000,200,1000,50,1.5")));
  EXPECT_CONTAINS(m, "f.csv:2:");
  EXPECT_CONTAINS(m, "has 11 fields");
  // Empty id.
  m = regions_error(csv_text(kHeader, with_row(1, ",Beta Town,P1,31,115,2000,300,2000,60,1.0")));
  EXPECT_CONTAINS(m, "f.csv:3:");
  EXPECT_CONTAINS(m, "empty region id");
  // Line numbers count blank lines and line breaks inside quoted fields.
  m = regions_error(kHeader + "\n\n" + kRows[0] + "\n\n" + "b,\"Beta\nTown\",P1,31,115,2000,300,2000,60,1.0\n" +
                    "c,Gamma,P2,32,116,3000,400,-3,70,0.5\n");
  EXPECT_CONTAINS(m, "f.csv:7:");
  EXPECT_CONTAINS(m, "region 'c'");
}

TEST(RegionCsv, QuotingLineEndingsAndBom) {
  // Quoted fields with commas and doubled quotes.
  auto r = parse_regions(csv_text(kHeader, {"a,\"Alpha, City\",\"P 1\",30,114,1000,200,1000,50,1.5",
                                            "\"b\",\"The \"\"Beta\"\" Town\",P2,31,115,2000,300,2000,60,\"1.0\""}),
                         "f.csv", kOne);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].name, "Alpha, City");
  EXPECT_EQ(r[0].province, "P 1");
  EXPECT_EQ(r[1].id, "b");
  EXPECT_EQ(r[1].name, "The \"Beta\" Town");
  EXPECT_EQ(r[1].productivity[0], 1.0);
  // CRLF line endings: same records, no stray '\r' in the last column, same line numbers.
  const auto lf = parse_regions(csv_text(kHeader + ",tags", {kRows[0] + ",x;y", kRows[1] + ",z"}), "f.csv", kOne);
  const auto crlf =
      parse_regions(csv_text(kHeader + ",tags", {kRows[0] + ",x;y", kRows[1] + ",z"}, "\r\n"), "f.csv", kOne);
  ASSERT_EQ(crlf.size(), lf.size());
  for (std::size_t i = 0; i < lf.size(); ++i) {
    EXPECT_EQ(crlf[i].id, lf[i].id);
    EXPECT_EQ(crlf[i].tags, lf[i].tags);
    EXPECT_EQ(crlf[i].productivity, lf[i].productivity);
    EXPECT_EQ(crlf[i].csv_line, lf[i].csv_line);
  }
  EXPECT_EQ(crlf[1].tags, std::vector<std::string>{"z"});
  const auto m = regions_error(csv_text(kHeader, with_row(2, "c,Gamma,P2,32,116,3000,400,abc,70,0.5"), "\r\n"));
  EXPECT_CONTAINS(m, "f.csv:4:");
  EXPECT_CONTAINS(m, "'abc'");
  EXPECT_NOT_CONTAINS(m, "\r");
  // UTF-8 byte-order mark before the header (Excel "CSV UTF-8").
  r = parse_regions("\xEF\xBB\xBF" + csv_text(kHeader, kRows), "f.csv", kOne);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].id, "a");
  r = parse_regions("\xEF\xBB\xBF" + csv_text(kHeader, kRows, "\r\n"), "f.csv", kOne);
  EXPECT_EQ(r.size(), 3u);
  // Spaces around numbers are fine.
  r = parse_regions(csv_text(kHeader, {"a,A,P1, 30 ,114,1000,200,1000 ,50,\t1.5"}), "f.csv", kOne);
  EXPECT_EQ(r[0].lat, 30);
  EXPECT_EQ(r[0].population, 1000);
  EXPECT_EQ(r[0].productivity[0], 1.5);
  // An unterminated quote is an error with its line.
  const auto q = regions_error(csv_text(kHeader, with_row(1, "b,\"Beta Town,P1,31,115,2000,300,2000,60,1.0")));
  EXPECT_CONTAINS(q, "f.csv:3:");
  EXPECT_CONTAINS(q, "unterminated");
}

TEST(RegionCsv, LoadRegionsMissingFile) {
  const auto m = input_error([&] { load_regions("/nonexistent/regions.csv", kOne); });
  EXPECT_CONTAINS(m, "/nonexistent/regions.csv");
  EXPECT_CONTAINS(m, "cannot open the region CSV");
}

// =============================================================================================
// Province-pair frictions (trade.frictions, migration.frictions) and their inversion
// =============================================================================================

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
  std::ofstream(path) << text;
  return path;
}
const std::map<std::string, int> kProvinces = {{"A", 0}, {"B", 1}, {"C", 2}};
const std::vector<std::string> kProvinceList = {"A", "B", "C"};
}  // namespace

TEST(PairFrictions, OneDirectionIsSymmetricBothDirectionsAsymmetricInfAllowed) {
  const auto path = write_temp("trade.csv",
                               "from_province,to_province,sector,tau,inversion\n"
                               "A,B,services,1.5,exact\nB,A,services,1.7,exact\nC,A,agriculture,inf,exact\n");
  const auto f = read_trade_frictions(path, kProvinces, kProvinceList, kThreeSectors);
  std::map<std::tuple<int, int, int>, double> got;
  for (const auto& x : f) got[{x.p, x.q, x.sector}] = x.tau;
  EXPECT_EQ(got.size(), 4u);  // A→B, B→A as given; C→A and (implied) A→C
  EXPECT_EQ(got.at({0, 1, 2}), 1.5);
  EXPECT_EQ(got.at({1, 0, 2}), 1.7);
  EXPECT_TRUE(std::isinf(got.at({2, 0, 0})));
  EXPECT_TRUE(std::isinf(got.at({0, 2, 0})));
  const auto m = read_migration_frictions(
      write_temp("migration.csv", "from_province,to_province,mu\nA,B,2\nB,C,0.5\nC,B,3\n"), kProvinces, kProvinceList);
  std::map<std::pair<int, int>, double> mu;
  for (const auto& x : m) mu[{x.p, x.q}] = x.mu;
  EXPECT_EQ(mu.size(), 4u);
  EXPECT_EQ(mu.at({0, 1}), 2);
  EXPECT_EQ(mu.at({1, 0}), 2);
  EXPECT_EQ(mu.at({1, 2}), 0.5);
  EXPECT_EQ(mu.at({2, 1}), 3);
}

TEST(PairFrictions, ErrorsNameFileLineAndFix) {
  auto trade = [&](const std::string& text) {
    return input_error(
        [&] { read_trade_frictions(write_temp("bad-trade.csv", text), kProvinces, kProvinceList, kThreeSectors); });
  };
  auto migration = [&](const std::string& text) {
    return input_error(
        [&] { read_migration_frictions(write_temp("bad-migration.csv", text), kProvinces, kProvinceList); });
  };
  EXPECT_CONTAINS(trade("from_province,to_province,sector,tau\nA,B,services,nan\n"),
                  ":2: tau = 'nan' must be a positive number (or inf: no trade between the two)");
  EXPECT_CONTAINS(trade("from_province,to_province,sector,tau\nA,B,services,-inf\n"), ":2: tau = '-inf'");
  EXPECT_CONTAINS(trade("from_province,to_province,tau\nA,B,1\n"),
                  ":1: the trade frictions file lacks the column 'sector'");
  EXPECT_CONTAINS(migration("from_province,to_province,mu\nA,D,2\n"), ":2: unknown province 'D'");
  EXPECT_CONTAINS(migration("from_province,to_province,mu\nA,B,2\nA,B,3\n"), ":3: A → B is given twice (also line 2)");
  EXPECT_CONTAINS(migration("from_province,to_province,mu\nB,B,2\n"), ":2: a pair of province 'B' with itself");
  EXPECT_CONTAINS(migration("from_province,to_province,mu\nA,B,0\n"), ":2: mu = '0' must be a positive number");
  EXPECT_CONTAINS(migration("from_province,from_group,to_province,to_group,mu\nA,g,B,g,2\n"),
                  ":1: migration.frictions has no labour groups");
  EXPECT_CONTAINS(migration("from_province,to_province\nA,B\n"),
                  ":1: the migration frictions file lacks the column 'mu'");
}

TEST(FrictionInversion, ExactHeadRiesAndMigrationInvertTheirForwardModels) {
  // Forward: π_ni = (τ_ni p_i)^−θ / Σ_k (τ_nk p_k)^−θ with an asymmetric τ and one zero flow.
  const std::size_t N = 3;
  const double theta = 5, inf = std::numeric_limits<double>::infinity();
  const std::vector<double> tau = {1.2, 2.0, 3.0, 1.5, 1.0, inf, 2.5, 1.7, 1.1}, p = {1.0, 0.8, 1.3};
  std::vector<double> pi(N * N);
  for (std::size_t n = 0; n < N; ++n) {
    double phi = 0;
    for (std::size_t i = 0; i < N; ++i) phi += std::pow(tau[n * N + i] * p[i], -theta);
    for (std::size_t i = 0; i < N; ++i) pi[n * N + i] = std::pow(tau[n * N + i] * p[i], -theta) / phi;
  }
  const auto exact = frictions::exact_trade(pi, p, N, theta);
  const auto hr = frictions::head_ries(pi, N, theta);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t i = 0; i < N; ++i) {
      const double want = tau[n * N + i] / tau[n * N + n];
      if (std::isinf(want)) {
        EXPECT_TRUE(std::isinf(exact[n * N + i]));
        EXPECT_TRUE(std::isinf(hr[n * N + i]) && std::isinf(hr[i * N + n]));
        continue;
      }
      EXPECT_NEAR(exact[n * N + i] / want, 1, 1e-14) << n << " " << i;
      if (std::isfinite(tau[i * N + n]))
        EXPECT_NEAR(hr[n * N + i] / std::sqrt(want * tau[i * N + n] / tau[i * N + i]), 1, 1e-14);
    }
  // Migration: m_uv ∝ (U_v/μ_uv)^ε, μ_uu = 1, with a rebate C_u on the own unit.
  const double eps = 1.5;
  const std::vector<double> mu = {1, 4.0, 9.0, 3.0, 1, inf, 6.0, 2.0, 1}, U = {1.0, 1.4, 0.7}, C = {1.2, 1.0, 1.1};
  std::vector<double> m(N * N), own(N);
  for (std::size_t u = 0; u < N; ++u) {
    own[u] = C[u] * U[u];
    double D = 0;
    for (std::size_t v = 0; v < N; ++v) D += std::pow((v == u ? own[u] : U[v]) / mu[u * N + v], eps);
    for (std::size_t v = 0; v < N; ++v) m[u * N + v] = std::pow((v == u ? own[u] : U[v]) / mu[u * N + v], eps) / D;
  }
  const auto got = frictions::migration_costs(m, own, U, N, eps);
  for (std::size_t k = 0; k < N * N; ++k) {
    if (std::isinf(mu[k]))
      EXPECT_TRUE(std::isinf(got[k]));
    else
      EXPECT_NEAR(got[k] / mu[k], 1, 1e-14) << k;
  }
}

TEST(FrictionInversion, MappingProxiesAndCaps) {
  const double inf = std::numeric_limits<double>::infinity();
  // Three source provinces; target (X, S1, S0, T) with T a proxy of S1 and source S2 dropped.
  std::vector<double> f = {1, 2, 3, 4, 1, 5, 6, 7, 1};  // importer row, exporter column
  frictions::PairMapping map{{1, 0, 1}, {0, 0, 1}, {0}};
  const auto out = frictions::map_pairs({f}, 3, map);
  ASSERT_EQ(out.size(), 1u);
  const auto& t = out[0];                              // targets: 0 = S1, 1 = S0, 2 = T (proxy of S1)
  EXPECT_EQ(t[0 * 3 + 1], f[1 * 3 + 0]);               // S1 imports from S0
  EXPECT_EQ(t[2 * 3 + 1], f[1 * 3 + 0]);               // T imports from S0 as S1 does
  EXPECT_EQ(t[1 * 3 + 2], f[0 * 3 + 1]);               // S0 imports from T as from S1
  EXPECT_EQ(t[2 * 3 + 0], frictions::median({4, 5}));  // T (proxy) imports from S1: S1's row
  EXPECT_EQ(t[0 * 3 + 2], frictions::median({2, 7}));  // S1 imports from T: S1's column
  std::vector<double> g = {1, inf, 3, 2, 1, inf, 1.5, 4, 1};
  EXPECT_EQ(frictions::cap_infinite(g, 3), 2u);
  EXPECT_EQ(g[1], 4);
  EXPECT_EQ(g[5], 4);
  EXPECT_EQ(frictions::median({3, 1, 2, 10}), 2.5);
}

// =============================================================================================
// CSV reader
// =============================================================================================

TEST(Csv, ParseBasics) {
  auto rows = csv::parse("a,b,c\n1,2,3\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "2", "3"}));
  // No final newline.
  rows = csv::parse("a,b\n1,2", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "2"}));
  // Empty fields, leading and trailing.
  rows = csv::parse(",x,,\n", "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"", "x", "", ""}));
  // Empty text, blank and whitespace-only lines.
  EXPECT_TRUE(csv::parse("", "t.csv").empty());
  EXPECT_TRUE(csv::parse("\n\n  \n", "t.csv").empty());
  rows = csv::parse("a\n\n   \nb\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 4);
  EXPECT_EQ(rows[1].fields, std::vector<std::string>{"b"});
  // A line of only commas is a row (of empty fields), not a blank line.
  rows = csv::parse("a,b\n,\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"", ""}));
  // Spaces inside unquoted fields are kept.
  rows = csv::parse(" a , b\n", "t.csv");
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{" a ", " b"}));
}

TEST(Csv, ParseQuotes) {
  auto rows = csv::parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a,b", "say \"hi\"", ""}));
  // A quoted line break stays in the field; the next row's line number counts it.
  rows = csv::parse("\"two\nlines\",x\nnext,y\n", "t.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[0].fields[0], "two\nlines");
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_EQ(rows[1].fields[0], "next");
  // A row that is just "" is a row with one empty field.
  rows = csv::parse("\"\"\n", "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, std::vector<std::string>{""});
  // Unterminated quote: error at the line where the row starts.
  const auto m = input_error([] { csv::parse("a,b\nc,\"d\ne\n", "t.csv"); });
  EXPECT_CONTAINS(m, "t.csv:2:");
  EXPECT_CONTAINS(m, "unterminated quoted field");
}

TEST(Csv, ParseCrlf) {
  auto rows = csv::parse("a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n", "t.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_EQ(rows[2].fields[0], "3");
  EXPECT_EQ(rows[2].fields[1], "x\r\ny");  // inside quotes the bytes are kept
}

TEST(Csv, ToDouble) {
  double v = -1;
  EXPECT_TRUE(csv::to_double("1.5", v));
  EXPECT_EQ(v, 1.5);
  EXPECT_TRUE(csv::to_double("  -2e3\t", v));
  EXPECT_EQ(v, -2000);
  EXPECT_TRUE(csv::to_double("+7", v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(csv::to_double(".5", v));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(csv::to_double("1409778724", v));
  EXPECT_EQ(v, 1409778724.0);
  EXPECT_TRUE(csv::to_double("0", v));
  EXPECT_EQ(v, 0);
  for (const std::string bad : {"", "   ", "abc", "1.5x", "1,5", "1 2", "--1", "1e", "e5", "1e999", "-1e999"}) {
    double w = 0;
    EXPECT_FALSE(csv::to_double(bad, w)) << "'" << bad << "' parsed as " << w;
  }
  // strtod accepts nan and inf: to_double reports them as numbers, the callers reject non-finite.
  EXPECT_TRUE(csv::to_double("nan", v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(csv::to_double("inf", v));
  EXPECT_TRUE(std::isinf(v));
}

TEST(Csv, QuoteRoundTrips) {
  EXPECT_EQ(csv::quote("plain"), "plain");
  EXPECT_EQ(csv::quote(""), "");
  EXPECT_EQ(csv::quote("a,b"), "\"a,b\"");
  EXPECT_EQ(csv::quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv::quote("two\nlines"), "\"two\nlines\"");
  const std::vector<std::string> fields = {"plain", "a,b", "say \"hi\"", "two\nlines", "", "x"};
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + csv::quote(fields[i]);
  const auto rows = csv::parse(line + "\n", "t.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, fields);
}

// =============================================================================================
// Decompositions
// =============================================================================================

namespace {
const std::vector<Region>& china31() {
  static const std::vector<Region> regions = load_regions(kSource + "/inputs/china31/regions.csv", kThreeSectors);
  return regions;
}
std::string decomp_error(const std::string& yaml) {
  return input_error([&] { parse_decomposition(yaml, "d.yaml"); });
}
std::string owners_error(const std::string& yaml, int world) {
  return input_error([&] { region_owners(parse_decomposition(yaml, "d.yaml"), china31(), world); });
}
// Tiny regions: provinces in CSV order A A B C C C D, or any given list.
std::vector<Region> regions_in(const std::vector<std::string>& provinces) {
  std::vector<Region> r(provinces.size());
  for (std::size_t i = 0; i < provinces.size(); ++i) {
    r[i].index = static_cast<std::int64_t>(i);
    r[i].id = "r" + std::to_string(i);
    r[i].province = provinces[i];
  }
  return r;
}
// Checks that `d` gives every province of `regions` to exactly one of `ranks` ranks, in
// contiguous blocks in order of first appearance in the CSV.
void expect_valid_contiguous(const Decomposition& d, const std::vector<Region>& regions, int ranks) {
  ASSERT_EQ(d.ranks, ranks);
  ASSERT_EQ(static_cast<int>(d.assignment.size()), ranks);
  std::vector<std::string> order;
  for (const auto& r : regions)
    if (std::find(order.begin(), order.end(), r.province) == order.end()) order.push_back(r.province);
  std::map<std::string, int> owner;
  for (int k = 0; k < ranks; ++k)
    for (const auto& p : d.assignment[k]) EXPECT_TRUE(owner.emplace(p, k).second) << p << " twice, ranks=" << ranks;
  EXPECT_EQ(owner.size(), order.size()) << "ranks=" << ranks;
  int prev = 0;
  for (const auto& p : order) {
    ASSERT_TRUE(owner.count(p)) << p << " unassigned, ranks=" << ranks;
    EXPECT_GE(owner[p], prev) << "not contiguous at " << p << ", ranks=" << ranks;
    prev = owner[p];
  }
  // Within each rank, provinces in CSV order.
  for (int k = 0; k < ranks; ++k) {
    std::vector<std::string> want;
    for (const auto& p : order)
      if (owner[p] == k) want.push_back(p);
    EXPECT_EQ(d.assignment[k], want) << "rank " << k << ", ranks=" << ranks;
  }
  std::vector<int> owners;
  ASSERT_NO_THROW(owners = region_owners(d, regions, ranks));
  ASSERT_EQ(owners.size(), regions.size());
  for (std::size_t i = 0; i < regions.size(); ++i) EXPECT_EQ(owners[i], owner[regions[i].province]);
}
}  // namespace

TEST(Decomposition, ShippedFilesAreValidForChina31) {
  const auto& regions = china31();
  for (int np : {1, 2, 3, 4, 8}) {
    SCOPED_TRACE("np " + std::to_string(np));
    const std::string path = kSource + "/decomp/china31-np" + std::to_string(np) + ".yaml";
    Decomposition d;
    ASSERT_NO_THROW(d = load_decomposition(path));
    EXPECT_EQ(d.source, path);
    EXPECT_EQ(d.ranks, np);
    ASSERT_EQ(d.lines.size(), static_cast<std::size_t>(np));
    for (int k = 0; k < np; ++k) EXPECT_EQ(d.lines[k], 4 + k);  // comment, ranks:, assignment:, entries
    std::vector<int> owners;
    ASSERT_NO_THROW(owners = region_owners(d, regions, np));
    ASSERT_EQ(owners.size(), regions.size());
    std::vector<int> per_rank(np, 0);
    for (int o : owners) {
      ASSERT_GE(o, 0);
      ASSERT_LT(o, np);
      per_rank[o]++;
    }
    for (int k = 0; k < np; ++k) EXPECT_GT(per_rank[k], 0) << "rank " << k << " is empty";
    EXPECT_TRUE(std::is_sorted(owners.begin(), owners.end())) << "blocks not contiguous in CSV order";
    // The decomposition is for np ranks only.
    const auto m = input_error([&] { region_owners(d, regions, np + 1); });
    EXPECT_CONTAINS(m, path);
  }
}

TEST(Decomposition, RankCountMismatchSaysBothNumbersAndTheFix) {
  const Decomposition d = load_decomposition(kSource + "/decomp/china31-np2.yaml");
  const auto m = input_error([&] { region_owners(d, china31(), 3); });
  EXPECT_CONTAINS(m, "china31-np2.yaml");
  EXPECT_CONTAINS(m, "for 2 ranks");
  EXPECT_CONTAINS(m, "mpirun started 3");
  EXPECT_CONTAINS(m, "mpirun -np 2");
  EXPECT_CONTAINS(m, "--decomp auto");
}

TEST(Decomposition, ProvinceErrors) {
  // Missing.
  auto m = owners_error("ranks: 1\nassignment:\n  - [Beijing, Tianjin]\n", 1);
  EXPECT_CONTAINS(m, "d.yaml");
  EXPECT_CONTAINS(m, "29 province(s) of the region CSV are assigned to no rank");
  EXPECT_CONTAINS(m, "(29 in all)");
  {
    std::string all;
    for (const auto& r : china31())
      if (r.province != "Tibet") all += (all.empty() ? "\"" : ", \"") + r.province + "\"";
    m = owners_error("ranks: 2\nassignment:\n  - [" + all + "]\n  - []\n", 2);
    EXPECT_CONTAINS(m, "1 province(s) of the region CSV are assigned to no rank: Tibet");
    // Duplicated, on the line of the second rank.
    m = owners_error("ranks: 2\nassignment:\n  - [" + all + ", Tibet]\n  - [Hebei]\n", 2);
    EXPECT_CONTAINS(m, "d.yaml:4:");
    EXPECT_CONTAINS(m, "province 'Hebei' is assigned twice (ranks 0 and 1)");
    // Duplicated within one rank.
    m = owners_error("ranks: 1\nassignment:\n  - [" + all + ", Tibet, Tibet]\n", 1);
    EXPECT_CONTAINS(m, "d.yaml:3:");
    EXPECT_CONTAINS(m, "province 'Tibet' is assigned twice");
    // Unknown, with a suggestion, on its rank's line.
    m = owners_error("ranks: 2\nassignment:\n  - [" + all + "]\n  - [Tibett]\n", 2);
    EXPECT_CONTAINS(m, "d.yaml:4:");
    EXPECT_CONTAINS(m, "rank 1 lists province 'Tibett'");
    EXPECT_CONTAINS(m, "did you mean 'Tibet'?");
    m = owners_error("ranks: 2\nassignment:\n  - [" + all + "]\n  - [Atlantis, Tibet]\n", 2);
    EXPECT_CONTAINS(m, "province 'Atlantis'");
    EXPECT_NOT_CONTAINS(m, "did you mean");
  }
}

TEST(Decomposition, FormatErrors) {
  auto m = decomp_error("ranks: 3\nassignment:\n  - [Beijing]\n  - [Tianjin]\n");
  EXPECT_CONTAINS(m, "d.yaml:3:");
  EXPECT_CONTAINS(m, "'ranks: 3' but 'assignment' has 2 entries");
  m = decomp_error("rank: 1\nassignment:\n  - [Beijing]\n");
  EXPECT_CONTAINS(m, "d.yaml:1:");
  EXPECT_CONTAINS(m, "unknown key 'rank'");
  EXPECT_CONTAINS(m, "did you mean 'ranks'?");
  m = decomp_error("ranks: 1\nassignment:\n  - [Beijing]\nsource: me\n");
  EXPECT_CONTAINS(m, "d.yaml:4:");
  EXPECT_CONTAINS(m, "unknown key 'source'");
  m = decomp_error("ranks: 2\nassignment:\n  - [Beijing, Tianjin\n  - [Hebei]\n");
  EXPECT_CONTAINS(m, "d.yaml:");
  EXPECT_CONTAINS(m, "malformed YAML");
  m = decomp_error("ranks: 1\nassignment:\n    - [Beijing]\n  - [Hebei]\n");
  EXPECT_CONTAINS(m, "d.yaml:4:");
  EXPECT_CONTAINS(m, "malformed YAML");
  for (const std::string r : {"0", "-1", "two", "[1]"}) {
    m = decomp_error("ranks: " + r + "\nassignment:\n  - [Beijing]\n");
    EXPECT_CONTAINS(m, "d.yaml:1:");
    EXPECT_CONTAINS(m, "'ranks' must be a positive integer");
  }
  m = decomp_error("ranks: 1\n");
  EXPECT_CONTAINS(m, "d.yaml");
  EXPECT_CONTAINS(m, "'assignment:'");
  m = decomp_error("assignment:\n  - [Beijing]\n");
  EXPECT_CONTAINS(m, "'ranks: P'");
  m = decomp_error("ranks: 1\nassignment: Beijing\n");
  EXPECT_CONTAINS(m, "d.yaml:2:");
  m = decomp_error("ranks: 1\nassignment:\n  - Beijing\n");
  EXPECT_CONTAINS(m, "d.yaml:3:");
  EXPECT_CONTAINS(m, "must be a list of province names");
  m = decomp_error("ranks: 1\nassignment:\n  - [Beijing, [Tianjin]]\n");
  EXPECT_CONTAINS(m, "d.yaml:3:");
  EXPECT_CONTAINS(m, "a province name must be a plain string");
  m = decomp_error("- [Beijing]\n");
  EXPECT_CONTAINS(m, "a decomposition is a mapping");
  m = input_error([] { load_decomposition("/nonexistent/d.yaml"); });
  EXPECT_CONTAINS(m, "/nonexistent/d.yaml: cannot open the decomposition file");
}

// yaml-cpp keeps duplicate keys and operator[] returns the first: a repeated key must be an error.
// DISABLED: fails until parse_decomposition() rejects repeated keys (bug reported).
TEST(Decomposition, DuplicateKeysAreErrors) {
  auto m = decomp_error("ranks: 1\nassignment:\n  - [Beijing]\nranks: 2\n");
  EXPECT_CONTAINS(m, "d.yaml:4:");
  EXPECT_CONTAINS(m, "ranks");
  m = decomp_error("ranks: 1\nassignment:\n  - [Beijing]\nassignment:\n  - [Tianjin]\n");
  EXPECT_CONTAINS(m, "d.yaml:4:");
  EXPECT_CONTAINS(m, "assignment");
}

// As for scenarios: a complex key must be an InputError, not a yaml-cpp exception (which makes
// `regio run` abort with "internal error"). DISABLED until fixed (bug reported).
TEST(Decomposition, NonScalarKeysAreInputErrors) {
  const auto m = decomp_error("ranks: 1\nassignment:\n  - [Beijing]\n[x]: 1\n");
  EXPECT_CONTAINS(m, "d.yaml:4:");
}

TEST(Decomposition, RanksMustBeAnInteger) {
  const auto m = decomp_error("ranks: 1.5\nassignment:\n  - [Beijing]\n");
  EXPECT_CONTAINS(m, "d.yaml:1:");
  EXPECT_CONTAINS(m, "'ranks' must be a positive integer");
}

TEST(Decomposition, ParseKeepsNamesAndLines) {
  const auto d = parse_decomposition(
      "# comment\nranks: 2\nassignment:\n  - [\"Inner Mongolia\", Beijing]  # rank 0\n\n  - [\"Tibet\"]\n", "d.yaml");
  EXPECT_EQ(d.ranks, 2);
  EXPECT_EQ(d.source, "d.yaml");
  EXPECT_EQ(d.assignment[0], (std::vector<std::string>{"Inner Mongolia", "Beijing"}));
  EXPECT_EQ(d.assignment[1], std::vector<std::string>{"Tibet"});
  EXPECT_EQ(d.lines, (std::vector<int>{4, 6}));
  // decomposition_to_yaml (run.yaml) reads back as the same assignment.
  const auto again = parse_decomposition(
      [&] {
        std::string y = decomposition_to_yaml(d);
        return y.substr(y.find("ranks:"));
      }(),
      "again.yaml");
  EXPECT_EQ(again.ranks, d.ranks);
  EXPECT_EQ(again.assignment, d.assignment);
}

TEST(Decomposition, AutoCoversEveryProvinceOnceInContiguousBlocks) {
  const auto& regions = china31();
  for (int ranks = 1; ranks <= 8; ++ranks) {
    const Decomposition d = auto_decomposition(regions, ranks);
    EXPECT_EQ(d.source, "auto");
    expect_valid_contiguous(d, regions, ranks);
    // One region per province: every rank's count within one of the mean, none empty.
    for (int k = 0; k < ranks; ++k) {
      EXPECT_FALSE(d.assignment[k].empty()) << "rank " << k << " of " << ranks;
      EXPECT_LE(std::abs(static_cast<double>(d.assignment[k].size()) - 31.0 / ranks), 1.0)
          << "rank " << k << " of " << ranks;
    }
  }
  // More ranks than provinces: each province still exactly once (some ranks idle).
  for (int ranks : {31, 32, 40, 100}) expect_valid_contiguous(auto_decomposition(regions, ranks), regions, ranks);
  // Provinces with several regions, not all adjacent in the CSV.
  const auto tiny = regions_in({"A", "A", "B", "C", "C", "C", "D", "A"});
  for (int ranks = 1; ranks <= 10; ++ranks) expect_valid_contiguous(auto_decomposition(tiny, ranks), tiny, ranks);
  const Decomposition two = auto_decomposition(tiny, 2);
  EXPECT_EQ(two.assignment[0], (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(two.assignment[1], (std::vector<std::string>{"C", "D"}));
  // The work is the number of regions: rank loads within one province of the mean.
  const auto lopsided = regions_in({"A", "A", "A", "A", "B", "C", "D", "E"});
  const Decomposition d = auto_decomposition(lopsided, 2);
  expect_valid_contiguous(d, lopsided, 2);
  EXPECT_EQ(d.assignment[0], std::vector<std::string>{"A"});
}

// =============================================================================================
// error helpers
// =============================================================================================

TEST(Errors, Located) {
  EXPECT_EQ(located("f.yaml", 3, "bad"), "f.yaml:3: bad");
  EXPECT_EQ(located("f.yaml", 0, "bad"), "f.yaml: bad");
  EXPECT_EQ(located("", 3, "bad"), "bad");
}

TEST(Errors, Nearest) {
  const std::vector<std::string> keys = {"epochs", "regions", "start_year", "trade.d0_km", "trade.border_cost"};
  EXPECT_EQ(nearest("epoch", keys), "epochs");
  EXPECT_EQ(nearest("EPOCHS", keys), "epochs");  // case-insensitive
  EXPECT_EQ(nearest("region", keys), "regions");
  EXPECT_EQ(nearest("startyear", keys), "start_year");
  EXPECT_EQ(nearest("trade.d0_kn", keys), "trade.d0_km");
  EXPECT_EQ(nearest("trade.border_cots", keys), "trade.border_cost");
  EXPECT_EQ(nearest("trade.bordercost", keys), "trade.border_cost");
  // Unrelated words: no suggestion.
  EXPECT_EQ(nearest("wibblewobble", keys), "");
  EXPECT_EQ(nearest("population", keys), "");
  EXPECT_EQ(nearest("elevation", keys), "");
  EXPECT_EQ(nearest("anything", {}), "");
  EXPECT_EQ(nearest("Gama", {"Alpha", "Beta", "Gamma"}), "Gamma");
  EXPECT_EQ(nearest("Beijng", {"Beijing", "Tianjin", "Hebei"}), "Beijing");
  EXPECT_EQ(nearest("Atlantis", {"Beijing", "Tianjin", "Hebei"}), "");
}
