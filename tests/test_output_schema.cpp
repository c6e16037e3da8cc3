// The output schema (output_schema.hpp): the columns the writers put in each file for a given
// scenario, where each value comes from, the generated JSON and Markdown, and that
// `regio compare` reads the CSV files OutputWriter writes. Column names are spelt out here on
// purpose: this is the independent statement of the file formats docs/outputs.md documents.
// Serial; each rank works in its own temporary folder.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "regio/compare.hpp"
#include "regio/counterfactual_output.hpp"
#include "regio/csv.hpp"
#include "regio/output.hpp"
#include "regio/output_schema.hpp"
#include "test_support.hpp"

using namespace regio;
namespace fs = std::filesystem;

namespace {

using regio::testing::world;

Scenario two_sector_scenario() {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.sectors.resize(2);
  sc.sectors[0].name = "farming";
  sc.sectors[1].name = "industry";
  return sc;
}

// An outcome whose every value tells which member it is.
RegionOutcome numbered_outcome() {
  RegionOutcome o;
  o.population = 1, o.registered = 2, o.migrants_in = 3, o.migrants_out = 4, o.employment = {5, 6};
  o.wage = 7, o.capital_rent = 8, o.land_rent = 9, o.price_index = 10, o.gdp = 11, o.gdp_pc = 12, o.income = 13;
  o.transfer = 14, o.exports = 15, o.imports = 16, o.real_income_pc = 17, o.own_trade_share = 18, o.capital = 19;
  o.utility = 20;
  return o;
}

std::string first_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST(OutputSchema, RegionColumnsOfATwoSectorScenario) {
  const std::vector<std::string> want = {"epoch",
                                         "year",
                                         "region",
                                         "province",
                                         "population",
                                         "registered",
                                         "migrants_in",
                                         "migrants_out",
                                         "employment_farming",
                                         "employment_industry",
                                         "wage",
                                         "capital_rent",
                                         "land_rent",
                                         "price_index",
                                         "gdp",
                                         "gdp_pc",
                                         "income",
                                         "transfer",
                                         "exports",
                                         "imports",
                                         "real_income_pc",
                                         "own_trade_share",
                                         "capital",
                                         "utility"};
  EXPECT_EQ(region_columns(two_sector_scenario()), want);
  // regions.h5: one dataset per column after the keys, named as the column.
  std::vector<std::string> names;
  for (const auto& f : region_fields(two_sector_scenario())) names.push_back(f.name);
  EXPECT_EQ(names, std::vector<std::string>(want.begin() + 4, want.end()));
}

TEST(OutputSchema, RegionFieldsTakeEachColumnFromItsOutcomeMember) {
  const auto fields = region_fields(two_sector_scenario());
  ASSERT_EQ(fields.size(), 20u);
  const RegionOutcome o = numbered_outcome();
  for (std::size_t k = 0; k < fields.size(); ++k)
    EXPECT_EQ(fields[k].of(o), static_cast<double>(k + 1)) << fields[k].name;
}

TEST(OutputSchema, AggregateFieldsFollowTheHeader) {
  const std::vector<std::string> want = {"epoch",
                                         "year",
                                         "gdp",
                                         "real_gdp",
                                         "population",
                                         "migrant_share",
                                         "interprovincial_migrant_share",
                                         "urbanization",
                                         "internal_trade_share",
                                         "interprovincial_trade_share",
                                         "welfare",
                                         "theil",
                                         "gini",
                                         "cv",
                                         "maxmin_ratio",
                                         "theil_income",
                                         "gini_income",
                                         "transfers",
                                         "import_share",
                                         "export_share"};
  EXPECT_EQ(schema::column_names(schema::aggregates_csv::file), want);
  Aggregates a;
  a.gdp = 1, a.real_gdp = 2, a.population = 3, a.migrant_share = 4, a.interprovincial_migrant_share = 5;
  a.urbanization = 6, a.internal_trade_share = 7, a.interprovincial_trade_share = 8, a.welfare = 9, a.theil = 10;
  a.gini = 11, a.cv = 12, a.maxmin_ratio = 13, a.theil_income = 14, a.gini_income = 15, a.transfers = 16;
  a.import_share = 17, a.export_share = 18, a.net_transfers = 99;  // net_transfers is checked, not written
  const auto fields = aggregate_fields();
  ASSERT_EQ(fields.size(), want.size() - 2);
  for (std::size_t k = 0; k < fields.size(); ++k) EXPECT_EQ(a.*fields[k], static_cast<double>(k + 1)) << want[k + 2];
  EXPECT_EQ(
      schema::column_names(schema::solver_csv::file),
      (std::vector<std::string>{"epoch", "year", "nonlinear_iterations", "linear_iterations", "residual_evaluations",
                                "residual_norm", "seconds", "reason", "initial_residual_norm"}));
  EXPECT_EQ(schema::column_names(schema::migration_csv::file),
            (std::vector<std::string>{"epoch", "year", "origin", "destination", "migrants"}));
}

TEST(OutputSchema, NamesAreUniqueAndDocumented) {
  for (const schema::File* f : schema::files()) {
    std::set<std::string> seen;
    for (const auto& n : schema::column_names(*f, {"a", "b"}))
      EXPECT_TRUE(seen.insert(n).second) << f->name << ": " << n;
    for (const schema::Dataset* d : f->datasets) EXPECT_TRUE(seen.insert(std::string(d->name)).second) << d->name;
    for (const schema::Column* c : f->columns) EXPECT_FALSE(c->meaning.empty()) << f->name << ": " << c->name;
    EXPECT_FALSE(f->rows.empty()) << f->name;
  }
  EXPECT_EQ(schema::column_names(schema::run_yaml::file).back(), "status");  // the verdict is the last line
}

TEST(OutputSchema, JsonListsEveryFileColumnAndDataset) {
  const YAML::Node root = YAML::Load(schema::json());  // JSON is YAML: yaml-cpp parses it
  const YAML::Node files = root["files"];
  ASSERT_TRUE(files.IsSequence());
  ASSERT_EQ(files.size(), schema::files().size());
  for (std::size_t k = 0; k < files.size(); ++k) {
    const schema::File& f = *schema::files()[k];
    EXPECT_EQ(files[k]["name"].as<std::string>(), f.name);
    const YAML::Node columns = files[k]["columns"];
    ASSERT_EQ(columns ? columns.size() : 0u, f.columns.size()) << f.name;
    for (std::size_t c = 0; c < f.columns.size(); ++c) {
      EXPECT_EQ(columns[c]["name"].as<std::string>(), schema::display_name(*f.columns[c]));
      EXPECT_EQ(columns[c]["meaning"].as<std::string>(), f.columns[c]->meaning);
    }
  }
  const YAML::Node h5 = files[1];
  EXPECT_EQ(h5["name"].as<std::string>(), "regions.h5");
  EXPECT_EQ(h5["group"].as<std::string>(), "regions");
  EXPECT_EQ(h5["datasets"][1]["name"].as<std::string>(), "id");
  EXPECT_EQ(h5["datasets"][1]["column"].as<std::string>(), "region");
  EXPECT_TRUE(h5["datasets"][0]["column"].IsNull());
}

TEST(OutputSchema, MarkdownHasOneTableRowPerColumn) {
  const std::string md = schema::markdown();
  for (const schema::File* f : schema::files()) {
    const auto begin = md.find(fmt::format("<!-- schema {}:", f->name));
    ASSERT_NE(begin, std::string::npos) << f->name;
    const std::string block = md.substr(begin, md.find("<!-- end schema -->", begin) - begin);
    std::size_t rows = 0;
    for (std::size_t at = block.find("\n| "); at != std::string::npos; at = block.find("\n| ", at + 1)) ++rows;
    EXPECT_EQ(rows, 1 + f->columns.size() + f->datasets.size() + f->attributes.size()) << f->name;  // with the header
  }
}

// regio compare on two folders written by OutputWriter: it finds every file and column it needs.
TEST(OutputSchema, CompareReadsWhatTheWriterWrites) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("regio-test-schema-{}-{}", ::getpid(), world().rank());
  fs::remove_all(dir);
  const Scenario sc = two_sector_scenario();
  const Decomposition d{"auto", 1, {{"Alpha", "Beta"}}, {}};
  for (const char* run : {"base", "scen"}) {
    const double f = run[0] == 'b' ? 1 : 2;  // the scenario doubles GDP and income
    RunInfo info;
    info.version = "test";
    info.epochs = 2;
    info.regions = 3;
    OutputWriter w((dir / run).string(), sc, d, info, {"Alpha", "Beta"});
    for (int e = 0; e < 2; ++e) {
      std::vector<RegionOutcome> all(3, numbered_outcome());
      for (std::size_t i = 0; i < all.size(); ++i) {
        all[i].id = fmt::format("r{}", i);
        all[i].province = i < 2 ? "Alpha" : "Beta";
        all[i].gdp *= f;
        all[i].income *= f;
      }
      Aggregates a;
      a.gdp = 100 * f, a.real_gdp = 90, a.population = 3, a.welfare = 0.5;
      w.stage_epoch(e, sc.start_year + e, all, a, SolveStats{1, 2, 3, 1e-12, 1e-3, 0.1, "CONVERGED_FNORM_RELATIVE"},
                    {0, 1, 2, 0});
      w.flush_epoch(e);
    }
    w.finish("complete");
    EXPECT_EQ(first_line(dir / run / "regions.csv"), fmt::format("{}", fmt::join(region_columns(sc), ",")));
  }
  CompareOptions opt;
  opt.baseline = (dir / "base").string();
  opt.scenario = (dir / "scen").string();
  opt.output = (dir / "cmp").string();
  CompareSummary s;
  ASSERT_NO_THROW(s = compare_runs(opt));
  EXPECT_EQ(s.epochs, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.provinces, 2u);
  const std::string national = first_line(dir / "cmp" / "national.csv");
  EXPECT_EQ(national.rfind("epoch,year,gdp_baseline,gdp_scenario,gdp_diff,gdp_pct,", 0), 0u) << national;
  EXPECT_NE(national.find(",export_share_baseline,export_share_scenario,export_share_diff"), std::string::npos);
  std::ifstream in(dir / "cmp" / "provinces.csv");
  std::stringstream text;
  text << in.rdbuf();
  const auto rows = csv::parse(text.str(), "provinces.csv");
  ASSERT_EQ(rows.size(), 5u);  // header, epochs 0 and 1 x 2 provinces
  EXPECT_EQ(rows[1].fields[2], "Alpha");
  EXPECT_EQ(rows[1].fields[3], "2");    // population_baseline: two regions of 1
  EXPECT_EQ(rows[1].fields[19], "22");  // gdp_baseline: 2 x 11
  EXPECT_EQ(rows[1].fields[20], "44");  // gdp_scenario
  fs::remove_all(dir);
}

// ---- the files of `regio counterfactual` (schema::counterfactual) --------------------------------

namespace cfs = regio::schema::counterfactual;

TEST(OutputSchema, CounterfactualColumnsAsWritten) {
  // The formats tools/replicate_tombe_zhu.sh and tools/check_hat.py read.
  EXPECT_EQ(schema::column_names(cfs::units_csv::file),
            (std::vector<std::string>{"region", "province", "group", "outside", "employment_base", "registered_base",
                                      "wage_change", "land_rent_change", "goods_price_change", "employment_change",
                                      "real_income_change", "rebate_base", "rebate_new", "own_share_base",
                                      "own_share_new", "expected_utility_change"}));
  EXPECT_EQ(schema::column_names(cfs::sectors_csv::file),
            (std::vector<std::string>{"region", "sector", "revenue_base", "revenue_change", "spending_base",
                                      "spending_change", "price_change", "unit_cost_change", "own_trade_share_base",
                                      "own_trade_share_new"}));
  EXPECT_EQ(schema::column_names(cfs::national_csv::file),
            (std::vector<std::string>{"statistic", "value", "unit", "meaning"}));
  EXPECT_EQ(schema::column_names(cfs::migration_costs_csv::file),
            (std::vector<std::string>{"statistic", "cost", "share"}));
  const auto keys = schema::column_names(cfs::run_yaml::file);
  EXPECT_EQ(keys[1], "mode");        // what `regio compare` tells a counterfactual folder by
  EXPECT_EQ(keys.back(), "status");  // the verdict is the last line
  // national.csv's rows: the changes, then the solve's diagnostics, nothing else.
  const auto& rows = cfs::national_csv::file.keyed_rows;
  ASSERT_EQ(rows.size(), cfs::national_csv::changes.size() + cfs::national_csv::diagnostics.size());
  EXPECT_EQ(rows.front()->name, "real_gdp_pct");
  EXPECT_EQ(cfs::national_csv::changes.back()->name, "between_province_migrant_share_new");
  EXPECT_EQ(rows.back()->name, "residual_norm");
}

TEST(OutputSchema, CounterfactualFilesInJsonAndMarkdown) {
  const YAML::Node files = YAML::Load(schema::json())["counterfactual_files"];
  ASSERT_TRUE(files.IsSequence());
  ASSERT_EQ(files.size(), cfs::files().size());
  const std::string md = schema::markdown();
  for (std::size_t k = 0; k < files.size(); ++k) {
    const schema::File& f = *cfs::files()[k];
    EXPECT_EQ(files[k]["name"].as<std::string>(), f.name);
    ASSERT_EQ(files[k]["columns"].size(), f.columns.size()) << f.name;
    ASSERT_EQ(files[k]["keyed_rows"] ? files[k]["keyed_rows"].size() : 0u, f.keyed_rows.size()) << f.name;
    const auto begin = md.find(fmt::format("<!-- schema counterfactual/{}:", f.name));
    ASSERT_NE(begin, std::string::npos) << f.name;
    const std::string block = md.substr(begin, md.find("<!-- end schema -->", begin) - begin);
    for (const schema::Column* c : f.columns)
      EXPECT_NE(block.find(fmt::format("| `{}` |", c->name)), std::string::npos);
    for (const schema::Column* c : f.keyed_rows)
      EXPECT_NE(block.find(fmt::format("| `{}` |", c->name)), std::string::npos) << c->name;
  }
}

TEST(OutputSchema, CounterfactualWritersFollowTheSchema) {
  namespace sc = cfs::sectors_csv;
  SchemaTable t(sc::file);
  for (const schema::Column* c : sc::file.columns)
    if (c != &sc::region && c != &sc::sector) t.numbers(*c, {1.5, std::nan("")});
  t.text(sc::sector, {"goods", "services"});
  EXPECT_THROW(t.csv(), std::logic_error);  // `region` not written
  t.text(sc::region, {"A", "B, east"});
  const auto rows = csv::parse(t.csv(), "sectors.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, schema::column_names(sc::file));  // header in the schema's order
  EXPECT_EQ(rows[2].fields[0], "B, east");
  EXPECT_EQ(rows[1].fields[2], "1.5");
  EXPECT_EQ(rows[2].fields[2], "NA");
  namespace nc = cfs::national_csv;
  std::vector<std::pair<const schema::Column*, double>> values;
  for (const schema::Column* c : nc::file.keyed_rows) values.emplace_back(c, 1.0);
  EXPECT_EQ(csv::parse(keyed_rows_csv(nc::file, values), "national.csv").size(), values.size() + 1);
  std::swap(values[0], values[1]);
  EXPECT_THROW(keyed_rows_csv(nc::file, values), std::logic_error);  // rows out of the schema's order
  values.pop_back();
  EXPECT_THROW(keyed_rows_csv(nc::file, values), std::logic_error);  // a row missing
  // run.yaml: keys in the schema's order only, `status` last.
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("regio-test-cf-record-{}-{}", ::getpid(), world().rank());
  CounterfactualRecord r(dir.string());
  r.add(cfs::run_yaml::regio_version, "\"test\"");
  r.add(cfs::run_yaml::mode, "counterfactual");
  EXPECT_THROW(r.add(cfs::run_yaml::regio_version, "\"again\""), std::logic_error);
  EXPECT_THROW(r.add(cfs::run_yaml::status, "complete"), std::logic_error);
  r.add(cfs::run_yaml::decomposition, "\n  source: auto\n  ranks: 1");
  r.write("complete");
  const YAML::Node y = YAML::LoadFile((dir / "run.yaml").string());
  EXPECT_EQ(y["mode"].as<std::string>(), "counterfactual");
  EXPECT_EQ(y["decomposition"]["ranks"].as<int>(), 1);
  EXPECT_EQ(y["status"].as<std::string>(), "complete");
  fs::remove_all(dir);
}
