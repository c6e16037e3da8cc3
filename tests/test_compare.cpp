// regio compare on two small fake output folders written here with known numbers: national
// differences and percents, province sums and population-weighted means against hand values,
// the Markdown ranking, regions.h5 read like regions.csv, and the refusals (partial run, other
// regions, other start year, missing file or column, unknown epoch). Serial but MPI-safe: each
// rank works in its own temporary folder; the collective error path is checked once.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "regio/commands.hpp"
#include "regio/compare.hpp"
#include "regio/csv.hpp"
#include "test_support.hpp"

using namespace regio;
namespace fs = std::filesystem;

namespace {

using regio::testing::input_error;
using regio::testing::world;

#define EXPECT_CONTAINS(text, part)                          \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "  text: " << (text) << "\n  expected to contain: " << (part)

// One region of a fake regions.csv at epoch 0 (epoch e multiplies gdp and income by 1 + e).
struct FakeRegion {
  std::string id, province;
  double population, registered, migrants_in, migrants_out, wage, gdp, income, real_income_pc, capital;
};

// Baseline: Alpha = r1 + r2, Beta = r3, Gamma = r4 + r5 (numbers exact in binary).
const std::vector<FakeRegion> kBaseRegions = {
    {"r1", "Alpha", 100, 120, 10, 30, 2, 50, 40, 3, 500}, {"r2", "Alpha", 300, 280, 40, 20, 4, 150, 120, 1, 700},
    {"r3", "Beta", 200, 200, 0, 0, 1, 80, 60, 2, 300},    {"r4", "Gamma", 50, 60, 5, 15, 1, 20, 16, 1, 100},
    {"r5", "Gamma", 150, 140, 15, 5, 3, 40, 32, 2, 200},
};
// Scenario: GDP per capita Alpha 0.5 -> 0.55 (+10 %), Beta 0.4 -> 0.3 (-25 %), Gamma 0.3 -> 0.4
// (+33.3 %); population Alpha 400 -> 400, Beta 200 -> 150 (-25 %), Gamma 200 -> 250 (+25 %).
const std::vector<FakeRegion> kScenRegions = {
    {"r1", "Alpha", 80, 120, 12, 30, 2.5, 60, 48, 3.5, 500}, {"r2", "Alpha", 320, 280, 44, 22, 5, 160, 128, 1.625, 700},
    {"r3", "Beta", 150, 200, 0, 50, 0.5, 45, 30, 1, 300},    {"r4", "Gamma", 70, 60, 12, 2, 1.5, 30, 24, 2, 100},
    {"r5", "Gamma", 180, 140, 40, 0, 3.5, 70, 56, 3, 200},
};

const std::vector<std::string> kMetrics = {"gdp",
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
                                           "maxmin_ratio"};
// National values at epoch 0; gdp and real_gdp scale with 1 + epoch. urbanization is nan (no
// agricultural sector), as regio writes it.
const std::vector<double> kBaseNational = {1000, 800, 400, 0.25, 0.125, NAN, 0.5, 0.25, -2, 0.5, 0.375, 1.5, 4};
const std::vector<double> kScenNational = {1100, 760, 500, 0.375, 0.25, NAN, 0.75, 0.5, -1.5, 0.25, 0.25, 1.25, 3};

struct FakeRun {
  int start_year = 2020;
  std::vector<int> epochs = {0, 1, 2};
  std::vector<FakeRegion> regions = kBaseRegions;
  std::vector<double> national = kBaseNational;
  std::string status = "complete";
  double border_cost = 3.34;
  std::vector<std::string> drop_aggregate_columns, drop_region_columns;
  bool hdf5 = false;  // regions.h5 instead of regions.csv
};

std::string g(double v) { return fmt::format("{:.17g}", v); }

void write(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::trunc);
  f << text;
  ASSERT_TRUE(f.good()) << p;
}

bool dropped(const std::vector<std::string>& v, const std::string& c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

double region_value(const FakeRegion& r, const std::string& c, int epoch) {
  const double f = 1 + epoch;
  if (c == "population") return r.population;
  if (c == "registered") return r.registered;
  if (c == "migrants_in") return r.migrants_in;
  if (c == "migrants_out") return r.migrants_out;
  if (c == "wage") return r.wage;
  if (c == "gdp") return r.gdp * f;
  if (c == "gdp_pc") return r.gdp * f / r.population;
  if (c == "income") return r.income * f;
  if (c == "real_income_pc") return r.real_income_pc;
  if (c == "capital") return r.capital;
  ADD_FAILURE() << "no column " << c;
  return 0;
}

const std::vector<std::string> kRegionNumeric = {"population",     "registered", "migrants_in", "migrants_out",
                                                 "wage",           "gdp",        "gdp_pc",      "income",
                                                 "real_income_pc", "capital"};

void write_regions_h5(const fs::path& path, const FakeRun& run) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  hid_t grp = H5Gcreate2(f, "regions", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t n = run.regions.size(), rows = run.epochs.size();
  for (const auto& c : kRegionNumeric) {
    std::vector<double> v;
    for (int e : run.epochs)
      for (const auto& r : run.regions) v.push_back(region_value(r, c, e));
    const hsize_t dims[2] = {rows, n};
    hid_t s = H5Screate_simple(2, dims, nullptr);
    hid_t d = H5Dcreate2(grp, c.c_str(), H5T_NATIVE_DOUBLE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d), H5Sclose(s);
  }
  for (const char* what : {"id", "province"}) {
    const std::size_t width = 8;
    std::string buf(width * n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
      const auto& v = what[0] == 'i' ? run.regions[i].id : run.regions[i].province;
      buf.replace(i * width, v.size(), v);
    }
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    const hsize_t dims[1] = {n};
    hid_t s = H5Screate_simple(1, dims, nullptr);
    hid_t d = H5Dcreate2(grp, what, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    H5Dclose(d), H5Sclose(s), H5Tclose(t);
  }
  H5Gclose(grp);
  H5Fclose(f);
}

// A folder shaped like `regio run`'s output (docs/outputs.md), with the numbers above.
void write_fake_run(const fs::path& dir, const FakeRun& run) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  write(
      dir / "run.yaml",
      fmt::format(
          "# regio run record. Trust the outputs only if status is complete.\n"
          "regio_version: \"0.1.0-test\"\ncommand: \"regio run {0}.yaml\"\nscenario_file: \"{0}.yaml\"\nranks: 1\n"
          "regions: {1}\nepochs: {2}\nepochs_done: {2}\nscenario:\n  regions: regions.csv\n  epochs: {2}\n"
          "  start_year: {3}\n  output: {0}\n  trade:\n    border_cost: {4}\n  sectors:\n    - name: services\n"
          "status: {5}\n",
          dir.filename().string(), run.regions.size(), run.epochs.size(), run.start_year, run.border_cost, run.status));

  std::string agg = "epoch,year";
  for (const auto& m : kMetrics)
    if (!dropped(run.drop_aggregate_columns, m)) agg += fmt::format(",{}", m);
  agg += ",transfers\n";  // a column of a newer regio: carried through when both runs have it
  for (int e : run.epochs) {
    agg += fmt::format("{},{}", e, run.start_year + e);
    for (std::size_t k = 0; k < kMetrics.size(); ++k)
      if (!dropped(run.drop_aggregate_columns, kMetrics[k]))
        agg += fmt::format(",{}", k < 2                         ? g(run.national[k] * (1 + e))
                                  : std::isnan(run.national[k]) ? "nan"
                                                                : g(run.national[k]));
    agg += fmt::format(",{}\n", g(7 * (e + 1)));
  }
  write(dir / "aggregates.csv", agg);
  if (run.hdf5) {
    write_regions_h5(dir / "regions.h5", run);
    return;
  }
  std::string reg = "epoch,year,region,province";
  for (const auto& c : kRegionNumeric)
    if (!dropped(run.drop_region_columns, c)) reg += fmt::format(",{}", c);
  reg += "\n";
  for (int e : run.epochs)
    for (const auto& r : run.regions) {
      reg += fmt::format("{},{},{},{}", e, run.start_year + e, r.id, csv::quote(r.province));
      for (const auto& c : kRegionNumeric)
        if (!dropped(run.drop_region_columns, c)) reg += fmt::format(",{}", g(region_value(r, c, e)));
      reg += "\n";
    }
  write(dir / "regions.csv", reg);
}

// A CSV file as rows of name -> field.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  const auto rows = csv::parse(buf.str(), p.string());
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> m;
    for (std::size_t c = 0; c < rows[0].fields.size(); ++c) m[rows[0].fields[c]] = rows[r].fields.at(c);
    out.push_back(m);
  }
  return out;
}

double number(const std::map<std::string, std::string>& row, const std::string& col) {
  const auto it = row.find(col);
  if (it == row.end()) {
    ADD_FAILURE() << "no column " << col;
    return NAN;
  }
  double v = 0;
  EXPECT_TRUE(csv::to_double(it->second, v)) << col << " = " << it->second;
  return v;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class Compare : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("regio-test-compare-{}-{}", ::getpid(), world().rank());
    fs::remove_all(dir_);
    base_ = dir_ / "base";
    scen_ = dir_ / "scen";
    out_ = dir_ / "cmp";
    write_fake_run(base_, FakeRun{});
    scenario_.regions = kScenRegions;
    scenario_.national = kScenNational;
    scenario_.border_cost = 2;
    scenario_.epochs = {0, 1, 2, 3};  // one epoch more than the baseline: common epochs 0..2
  }
  void TearDown() override { fs::remove_all(dir_); }

  CompareOptions options(const std::string& epochs = "") const {
    CompareOptions o;
    o.baseline = base_.string();
    o.scenario = scen_.string();
    o.output = out_.string();
    o.epochs = epochs;
    return o;
  }
  // The error of comparing the baseline with `run` as the scenario.
  std::string error_with(const FakeRun& run, const std::string& epochs = "") {
    write_fake_run(scen_, run);
    return input_error([&] { compare_runs(options(epochs)); });
  }

  fs::path dir_, base_, scen_, out_;
  FakeRun scenario_;
};

}  // namespace

TEST_F(Compare, NationalDifferencesAndPercentsAreExact) {
  write_fake_run(scen_, scenario_);
  const CompareSummary s = compare_runs(options());
  EXPECT_EQ(s.epochs, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(s.province_epochs, (std::vector<int>{0, 2}));
  EXPECT_EQ(s.provinces, 3u);
  const auto rows = read_csv(out_ / "national.csv");
  ASSERT_EQ(rows.size(), 3u);
  for (int e = 0; e < 3; ++e) {
    const auto& r = rows[e];
    EXPECT_EQ(r.at("epoch"), std::to_string(e));
    EXPECT_EQ(r.at("year"), std::to_string(2020 + e));
    const double f = 1 + e;
    EXPECT_EQ(number(r, "gdp_baseline"), 1000 * f);
    EXPECT_EQ(number(r, "gdp_scenario"), 1100 * f);
    EXPECT_EQ(number(r, "gdp_diff"), 100 * f);
    EXPECT_EQ(number(r, "gdp_pct"), 10);
    EXPECT_EQ(number(r, "real_gdp_diff"), -40 * f);
    EXPECT_EQ(number(r, "real_gdp_pct"), -5);
    EXPECT_EQ(number(r, "population_diff"), 100);
    EXPECT_EQ(number(r, "population_pct"), 25);
    EXPECT_EQ(number(r, "migrant_share_diff"), 0.125);
    EXPECT_EQ(number(r, "interprovincial_migrant_share_diff"), 0.125);
    EXPECT_TRUE(std::isnan(number(r, "urbanization_diff")));
    EXPECT_EQ(number(r, "internal_trade_share_diff"), 0.25);
    EXPECT_EQ(number(r, "interprovincial_trade_share_diff"), 0.25);
    EXPECT_EQ(number(r, "welfare_diff"), 0.5);
    EXPECT_NEAR(number(r, "welfare_equivalent_pct"), 100 * (std::exp(0.5) - 1), 1e-12);
    EXPECT_EQ(number(r, "theil_diff"), -0.25);
    EXPECT_EQ(number(r, "gini_diff"), -0.125);
    EXPECT_EQ(number(r, "cv_diff"), -0.25);
    EXPECT_EQ(number(r, "maxmin_ratio_baseline"), 4);
    EXPECT_EQ(number(r, "maxmin_ratio_scenario"), 3);
    EXPECT_EQ(number(r, "maxmin_ratio_diff"), -1);
    EXPECT_EQ(number(r, "transfers_diff"), 0);  // a further column both runs have
    // Percents only for levels.
    EXPECT_EQ(r.count("theil_pct"), 0u);
    EXPECT_EQ(r.count("welfare_pct"), 0u);
  }
  // Column order: epoch, year, then _baseline, _scenario, _diff (, _pct) per metric.
  std::ifstream in(out_ / "national.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("epoch,year,gdp_baseline,gdp_scenario,gdp_diff,gdp_pct,real_gdp_baseline,", 0), 0u) << header;
  EXPECT_CONTAINS(header, ",welfare_baseline,welfare_scenario,welfare_diff,welfare_equivalent_pct,theil_baseline,");
}

TEST_F(Compare, ProvincesAreSumsAndPopulationWeightedMeans) {
  write_fake_run(scen_, scenario_);
  compare_runs(options());
  const auto rows = read_csv(out_ / "provinces.csv");
  ASSERT_EQ(rows.size(), 6u);  // epochs 0 and 2, three provinces each, in order of appearance
  const std::vector<std::string> order = {"Alpha", "Beta", "Gamma", "Alpha", "Beta", "Gamma"};
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_EQ(rows[k].at("province"), order[k]);
    EXPECT_EQ(rows[k].at("epoch"), k < 3 ? "0" : "2");
    EXPECT_EQ(rows[k].at("year"), k < 3 ? "2020" : "2022");
  }
  // By hand, Alpha at epoch 0: r1 (L 100, w 2, v 3, GDP 50) and r2 (L 300, w 4, v 1, GDP 150).
  const auto& a = rows[0];
  EXPECT_EQ(number(a, "population_baseline"), 400);
  EXPECT_EQ(number(a, "registered_baseline"), 400);
  EXPECT_EQ(number(a, "migrants_in_baseline"), 50);
  EXPECT_EQ(number(a, "migrants_out_baseline"), 50);
  EXPECT_EQ(number(a, "gdp_baseline"), 200);
  EXPECT_EQ(number(a, "income_baseline"), 160);
  EXPECT_EQ(number(a, "capital_baseline"), 1200);
  EXPECT_EQ(number(a, "gdp_pc_baseline"), 0.5);          // 200 / 400
  EXPECT_EQ(number(a, "wage_baseline"), 3.5);            // (100·2 + 300·4) / 400
  EXPECT_EQ(number(a, "real_income_pc_baseline"), 1.5);  // (100·3 + 300·1) / 400
  EXPECT_EQ(number(a, "wage_scenario"), 4.5);            // (80·2.5 + 320·5) / 400
  EXPECT_EQ(number(a, "real_income_pc_scenario"), 2);    // (80·3.5 + 320·1.625) / 400
  EXPECT_EQ(number(a, "wage_diff"), 1);
  EXPECT_NEAR(number(a, "wage_pct"), 100 / 3.5, 1e-12);
  EXPECT_EQ(number(a, "gdp_diff"), 20);
  EXPECT_EQ(number(a, "gdp_pct"), 10);
  EXPECT_EQ(number(a, "population_pct"), 0);
  EXPECT_NEAR(number(a, "gdp_pc_pct"), 10, 1e-12);
  // Gamma at epoch 2 (GDP and income times 3): population 200 -> 250, GDP 180 -> 300.
  const auto& c = rows[5];
  EXPECT_EQ(number(c, "population_baseline"), 200);
  EXPECT_EQ(number(c, "population_scenario"), 250);
  EXPECT_EQ(number(c, "population_pct"), 25);
  EXPECT_EQ(number(c, "gdp_baseline"), 180);
  EXPECT_EQ(number(c, "gdp_scenario"), 300);
  EXPECT_EQ(number(c, "gdp_pc_baseline"), 0.9);
  EXPECT_EQ(number(c, "gdp_pc_scenario"), 1.2);
  EXPECT_NEAR(number(c, "gdp_pc_pct"), 100.0 / 3, 1e-12);
  EXPECT_EQ(number(c, "wage_baseline"), (50 * 1 + 150 * 3) / 200.0);
  EXPECT_EQ(number(c, "real_income_pc_scenario"), (70 * 2 + 180 * 3) / 250.0);
  // Beta: a single region, unchanged by aggregation; migrants_out 0 -> 50 has no percent.
  const auto& b = rows[4];
  EXPECT_EQ(number(b, "wage_baseline"), 1);
  EXPECT_EQ(number(b, "migrants_out_diff"), 50);
  EXPECT_TRUE(std::isnan(number(b, "migrants_out_pct")));
  EXPECT_EQ(number(b, "population_pct"), -25);

  // Every cell against an independent aggregation.
  for (const auto& row : rows) {
    const int e = std::stoi(row.at("epoch"));
    for (const auto* regions : {&kBaseRegions, &kScenRegions}) {
      const std::string suffix = regions == &kBaseRegions ? "_baseline" : "_scenario";
      double L = 0, sum_gdp = 0, wL = 0, vL = 0;
      for (const auto& r : *regions)
        if (r.province == row.at("province")) {
          L += r.population, sum_gdp += region_value(r, "gdp", e);
          wL += r.population * r.wage, vL += r.population * r.real_income_pc;
        }
      EXPECT_DOUBLE_EQ(number(row, "population" + suffix), L);
      EXPECT_DOUBLE_EQ(number(row, "gdp_pc" + suffix), sum_gdp / L);
      EXPECT_DOUBLE_EQ(number(row, "wage" + suffix), wL / L);
      EXPECT_DOUBLE_EQ(number(row, "real_income_pc" + suffix), vL / L);
    }
  }
}

TEST_F(Compare, AggregateProvincesDirectly) {
  // Columns in province_source_columns() order.
  std::vector<std::vector<double>> cols;
  for (const auto& c : province_source_columns()) {
    std::vector<double> v;
    for (const auto& r : kBaseRegions) v.push_back(region_value(r, c, 0));
    cols.push_back(v);
  }
  std::vector<std::string> prov;
  for (const auto& r : kBaseRegions) prov.push_back(r.province);
  const ProvinceTable t = aggregate_provinces(prov, cols);
  ASSERT_EQ(t.provinces, (std::vector<std::string>{"Alpha", "Beta", "Gamma"}));
  const auto& q = province_quantities();
  auto at = [&](const char* name) { return std::find(q.begin(), q.end(), name) - q.begin(); };
  EXPECT_EQ(t.values[2][at("population")], 200);
  EXPECT_EQ(t.values[2][at("migrants_in")], 20);
  EXPECT_EQ(t.values[2][at("gdp_pc")], 0.3);
  EXPECT_EQ(t.values[2][at("wage")], 2.5);             // (50·1 + 150·3) / 200
  EXPECT_EQ(t.values[2][at("real_income_pc")], 1.75);  // (50·1 + 150·2) / 200
}

TEST_F(Compare, SummaryNamesTheRunsHeadlinesAndTopProvinces) {
  write_fake_run(scen_, scenario_);
  compare_runs(options());
  const std::string md = read_text(out_ / "summary.md");
  EXPECT_CONTAINS(md, "`base.yaml`");
  EXPECT_CONTAINS(md, "`scen.yaml`");
  EXPECT_CONTAINS(md, "| `trade.border_cost` | 3.34 | 2 |");
  EXPECT_CONTAINS(md, "## National, epoch 2 (2022)");
  EXPECT_CONTAINS(md, "| GDP | 3000 | 3300 | +10.000 % |");
  EXPECT_CONTAINS(md, "| real GDP | 2400 | 2280 | -5.000 % |");
  EXPECT_CONTAINS(md,
                  fmt::format("| welfare (consumption equivalent) | -2 | -1.5 | {:+.3f} % |", 100 * std::expm1(0.5)));
  EXPECT_CONTAINS(md, "| Theil (GDP per capita) | 0.5000 | 0.2500 | -0.25 |");
  EXPECT_CONTAINS(md, "| migrant share | 25.000 % | 37.500 % | +12.500 pp |");
  EXPECT_CONTAINS(md, "| internal trade share | 50.000 % | 75.000 % | +25.000 pp |");
  // GDP per capita: Gamma +33.3 % first, then Alpha +10 %; Beta -25 % the only loss.
  const auto gains = md.find("**GDP per capita, largest gains**"),
             losses = md.find("**GDP per capita, largest losses**");
  ASSERT_NE(gains, std::string::npos);
  ASSERT_NE(losses, std::string::npos);
  const std::string gain_table = md.substr(gains, losses - gains);
  EXPECT_CONTAINS(gain_table,
                  "| province | baseline | scenario | change |\n|---|---:|---:|---:|\n| Gamma | 0.9 | 1.2 | +33.333 % "
                  "|\n| Alpha |");
  EXPECT_EQ(gain_table.find("Beta"), std::string::npos);
  const auto pop = md.find("**Population, largest gains**");
  ASSERT_NE(pop, std::string::npos);
  EXPECT_CONTAINS(md.substr(losses, pop - losses), "| Beta | 1.2 | 0.9 | -25.000 % |");
  EXPECT_CONTAINS(md.substr(pop), "| Gamma | 200 | 250 | +25.000 % |");
  EXPECT_CONTAINS(md.substr(pop), "| Beta | 200 | 150 | -25.000 % |");
  EXPECT_EQ(md.find("Partial"), std::string::npos);
}

TEST_F(Compare, HdfPanelGivesTheSameProvincesAsCsv) {
  write_fake_run(scen_, scenario_);
  compare_runs(options("0,1,last"));
  const std::string from_csv = read_text(out_ / "provinces.csv");
  scenario_.hdf5 = true;
  write_fake_run(scen_, scenario_);
  ASSERT_FALSE(fs::exists(scen_ / "regions.csv"));
  compare_runs(options("0,1,last"));
  EXPECT_EQ(read_text(out_ / "provinces.csv"), from_csv);
  EXPECT_EQ(read_csv(out_ / "provinces.csv").size(), 9u);
}

TEST_F(Compare, EpochLists) {
  const std::vector<int> common = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(parse_epoch_list("", common), (std::vector<int>{0, 5}));
  EXPECT_EQ(parse_epoch_list("0,5,last", common), (std::vector<int>{0, 5}));
  EXPECT_EQ(parse_epoch_list(" 3, first ,1", common), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(parse_epoch_list("last", {4}), (std::vector<int>{4}));
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("0,6", common); }),
                  "epoch 6 is not an epoch of both runs (common epochs: 0..5)");
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("-1", common); }), "epoch -1");
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("two", common); }), "'two' is not an epoch number");
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("1,,2", common); }), "'' is not an epoch number");
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("1.5", common); }), "'1.5'");
  EXPECT_CONTAINS(input_error([&] { parse_epoch_list("1,", common); }), "--epochs");
  EXPECT_EQ(percent_change(200, 250), 25);
  EXPECT_TRUE(std::isnan(percent_change(0, 1)));
  EXPECT_NEAR(welfare_equivalent_percent(std::log(1.02)), 2, 1e-13);
}

TEST_F(Compare, UnknownEpochIsRefused) {
  const std::string msg = error_with(scenario_, "0,7");
  EXPECT_CONTAINS(msg, "--epochs: epoch 7 is not an epoch of both runs (common epochs: 0..2)");
  EXPECT_FALSE(fs::exists(out_ / "national.csv"));
}

TEST_F(Compare, PartialRunIsRefusedUnlessAllowed) {
  scenario_.status = "running";
  const std::string msg = error_with(scenario_);
  EXPECT_CONTAINS(msg, (scen_ / "run.yaml").string());
  EXPECT_CONTAINS(msg, "not complete (status: running)");
  EXPECT_CONTAINS(msg, "--allow-partial");
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  CompareOptions o = options();
  o.allow_partial = true;
  compare_runs(o);
  EXPECT_CONTAINS(read_text(out_ / "summary.md"), "**Partial results**");
  // A run.yaml whose last line is not the status (cut short) is partial too.
  scenario_.status = "complete\nerror: \"x\"";
  EXPECT_CONTAINS(error_with(scenario_), "status: missing");
}

TEST_F(Compare, PartialRunIsRefusedOnEveryRank) {
  scenario_.status = "failed";
  write_fake_run(scen_, scenario_);
  // Each rank has its own folders; rank 0's verdict reaches every rank.
  const std::string msg = input_error([&] { compare_command(world(), options()); });
  EXPECT_CONTAINS(msg, "status: failed");
}

TEST_F(Compare, DifferentRegionsAreRefused) {
  FakeRun other = scenario_;
  other.regions[4].id = "r6";
  EXPECT_CONTAINS(error_with(other), "have different regions: region 'r5' is only in the baseline");
  other = scenario_;
  other.regions[4].province = "Beta";
  EXPECT_CONTAINS(error_with(other), "region 'r5' is in province 'Gamma' in the baseline but 'Beta' in the scenario");
  other = scenario_;
  other.regions.pop_back();
  EXPECT_CONTAINS(error_with(other), "5 vs 4 regions");
  // The same regions in another order are fine.
  other = scenario_;
  std::swap(other.regions[0], other.regions[4]);
  write_fake_run(scen_, other);
  compare_runs(options());
  EXPECT_EQ(read_csv(out_ / "provinces.csv")[0].at("province"), "Alpha");
  EXPECT_EQ(number(read_csv(out_ / "provinces.csv")[0], "wage_scenario"), 4.5);
}

TEST_F(Compare, OtherStartYearOrNoCommonEpochIsRefused) {
  FakeRun other = scenario_;
  other.start_year = 2010;
  EXPECT_CONTAINS(error_with(other), "starts in 2020 but");
  other = scenario_;
  other.epochs = {3, 4};
  EXPECT_CONTAINS(error_with(other), "have no epoch in common");
}

TEST_F(Compare, MissingFilesAndColumnsAreRefused) {
  FakeRun other = scenario_;
  other.drop_aggregate_columns = {"gini"};
  EXPECT_CONTAINS(error_with(other), (scen_ / "aggregates.csv").string() + ":1: missing column 'gini'");
  other = scenario_;
  other.drop_region_columns = {"wage"};
  EXPECT_CONTAINS(error_with(other), (scen_ / "regions.csv").string() + ":1: missing column 'wage'");
  write_fake_run(scen_, scenario_);
  fs::remove(scen_ / "regions.csv");
  EXPECT_CONTAINS(input_error([&] { compare_runs(options()); }), "neither regions.csv nor regions.h5");
  write_fake_run(scen_, scenario_);
  fs::remove(scen_ / "aggregates.csv");
  EXPECT_CONTAINS(input_error([&] { compare_runs(options()); }), scen_.string() + ": no aggregates.csv here");
  fs::remove_all(scen_);
  EXPECT_CONTAINS(input_error([&] { compare_runs(options()); }), scen_.string() + ": no such folder");
}
