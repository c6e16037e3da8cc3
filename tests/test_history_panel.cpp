// The history panel of a forecast from T (MODEL.md §14, docs/forecast-protocol.md §1): the
// shipped inputs/china31-history panel, the data of a year in year-T prices, and the guard that
// no number after T is read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/history_panel.hpp"
#include "regio/region.hpp"

using namespace regio;
namespace fs = std::filesystem;

namespace {

const std::string kHistory = std::string(REGIO_SOURCE_DIR) + "/inputs/china31-history";

std::vector<Region> provinces() {
  return load_regions(std::string(REGIO_SOURCE_DIR) + "/inputs/china31/regions.csv",
                      {"agriculture", "manufacturing", "services"});
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

// A copy of the panel in a fresh folder, with every field of every row after `after` replaced
// by `garbage` except code and year (and those rows duplicated once more).
fs::path corrupted_copy(int after, const std::string& garbage) {
  const fs::path dir = fs::temp_directory_path() / ("regio-test-history-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto rows = csv::parse(slurp(kHistory + "/panel.csv"), "panel.csv");
  std::ofstream out(dir / "panel.csv");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto fields = rows[r].fields;
    const bool late = r > 0 && std::stoi(fields[2]) > after;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (late && c != 0 && c != 2) fields[c] = garbage;
      out << (c ? "," : "") << csv::quote(fields[c]);
    }
    out << "\n";
    if (late) {  // a duplicate province-year after T must not be noticed either
      for (std::size_t c = 0; c < fields.size(); ++c) out << (c ? "," : "") << csv::quote(fields[c]);
      out << "\n";
    }
  }
  return dir;
}

void expect_same(const std::vector<Region>& a, const std::vector<Region>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].population, b[i].population) << a[i].name;
    EXPECT_EQ(a[i].registered, b[i].registered) << a[i].name;
    EXPECT_EQ(a[i].gdp, b[i].gdp) << a[i].name;
    EXPECT_EQ(a[i].capital, b[i].capital) << a[i].name;
  }
}

}  // namespace

// Year T's data are its own nominal GDP and its capital at its own prices; Σ R = Σ L every year.
TEST(HistoryPanel, YearsInYearTPrices) {
  const auto prov = provinces();
  const auto panel = HistoryPanel::read(kHistory, 2010);
  const auto y2010 = panel.regions(2010, prov), y2000 = panel.regions(2000, prov);
  double L = 0, R = 0, gdp2010 = 0;
  for (const auto& r : y2000) L += r.population, R += r.registered;
  EXPECT_NEAR(R / L, 1.0, 1e-12);
  for (const auto& r : y2010) gdp2010 += r.gdp;
  EXPECT_NEAR(gdp2010, 421349.5, 1e-6);  // Σ gdp_nominal of 2010 in panel.csv (亿元): year T is nominal
  // Real GDP grows: 2000 in 2010 prices is well below 2010 in every province.
  for (std::size_t i = 0; i < prov.size(); ++i) EXPECT_LT(y2000[i].gdp, 0.6 * y2010[i].gdp) << prov[i].name;
  EXPECT_GT(panel.saving_rate(2010, prov), 0.3);
  EXPECT_LT(panel.saving_rate(2010, prov), 0.8);
}

// MODEL.md §14: no number after T enters. Every post-2010 field replaced by garbage (NaN,
// text, negative), duplicated rows included: the 2000–2010 data are bitwise the same.
TEST(HistoryPanel, NothingAfterTIsRead) {
  const auto prov = provinces();
  const auto clean = HistoryPanel::read(kHistory, 2010);
  for (const std::string garbage : {"nan", "-1", "x", ""}) {
    const fs::path dir = corrupted_copy(2010, garbage);
    const auto dirty = HistoryPanel::read(dir.string(), 2010);
    for (int t = 2000; t <= 2010; ++t) expect_same(clean.regions(t, prov), dirty.regions(t, prov));
    EXPECT_EQ(clean.saving_rate(2007, prov), dirty.saving_rate(2007, prov));
    fs::remove_all(dir);
  }
  // The guard is real: the same garbage from 2009 on is an error naming the file and line.
  const fs::path dir = corrupted_copy(2008, "nan");
  try {
    HistoryPanel::read(dir.string(), 2010);
    ADD_FAILURE() << "garbage before T was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("panel.csv:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("must be a finite number"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// Asking for a year after T is an error, not a silent read.
TEST(HistoryPanel, YearsAfterTAreRefused) {
  const auto panel = HistoryPanel::read(kHistory, 2010);
  EXPECT_THROW(panel.regions(2011, provinces()), InputError);
}

// Natural growth: the mean of natural_increase_est / population over the last five years ≤ T
// with data, computed here from the file's rows (Liaoning's is negative in the late 2000s).
TEST(HistoryPanel, NaturalGrowthIsTheMeanOfTheLastYearsWithData) {
  const auto rows = csv::parse(slurp(kHistory + "/panel.csv"), "panel.csv");
  const auto& h = rows.front().fields;
  auto col = [&](const char* c) { return std::find(h.begin(), h.end(), c) - h.begin(); };
  double sum = 0;
  int n = 0;
  for (std::size_t r = rows.size() - 1; r > 0 && n < 5; --r) {
    const auto& f = rows[r].fields;
    if (f[col("code")] != "210000" || std::stoi(f[col("year")]) > 2010 || f[col("natural_increase_est")].empty())
      continue;
    sum += std::stod(f[col("natural_increase_est")]) / std::stod(f[col("population")]);
    ++n;
  }
  ASSERT_EQ(n, 5);
  const auto panel = HistoryPanel::read(kHistory, 2010);
  EXPECT_NEAR(panel.natural_growth("210000", 5), sum / n, 1e-15);
}
