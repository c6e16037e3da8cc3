#pragma once
// The province panel of a history-based forecast from year T (MODEL.md §14,
// docs/forecast-protocol.md §1): inputs/china31-history/panel.csv read up to T only, and the
// data of each calibration year t ≤ T as region records, in year-T prices with one national
// deflator. Rows after T are skipped before any of their fields is parsed, so no number after
// T can reach a forecast (a test corrupts them).
#include <map>
#include <string>
#include <vector>

#include "regio/region.hpp"

namespace regio {

struct HistoryRow {
  double gdp_nominal = 0;       // 亿元, current prices
  double gdp_deflator = 0;      // national, any base
  double population = 0;        // residents, year end (break-corrected)
  double gfcf_nominal = 0;      // gross fixed capital formation, 亿元 current
  double invest_price = 0;      // the province's investment price index, 1952 = 1
  double capital_1952 = 0;      // net capital stock, 亿元 of 1952
  double registered = -1;       // hukou population in census years, −1 elsewhere
  double natural_increase = 0;  // births − estimated deaths (persons; NaN where not available)
};

class HistoryPanel {
 public:
  // Reads FOLDER/panel.csv, rows with year ≤ until. Errors (InputError) name the file and line:
  // a missing column, a field that is not a finite non-negative number, a province-year twice.
  static HistoryPanel read(const std::string& folder, int until);

  // Replaces province `code`'s GDP and GFCF of `year` by those of year − 1 times the growth
  // year − 1 → year of the same series summed over the other provinces (an abnormal year, e.g.
  // Hubei's COVID 2020; docs/forecast-protocol.md, change 2 after the first comparison).
  // `spec` is "CODE:YEAR"; InputError naming the option if it is malformed or either year is
  // missing or after T.
  void impute_year(const std::string& spec);

  int until() const { return until_; }
  const std::string& file() const { return file_; }
  // Year t's regions: `provinces` (a region CSV of the provinces, id = the panel's code) with
  // population, registered population, capital and GDP of year t in year-T prices. Registered:
  // the census stocks ≤ T, R/L interpolated linearly between them and held outside, scaled so
  // that Σ R = Σ L. Throws InputError if a province has no row for t.
  std::vector<Region> regions(int year, const std::vector<Region>& provinces) const;
  // σ_t = Σ_i GFCF / Σ_i GDP of year t (nominal).
  double saving_rate(int year, const std::vector<Region>& provinces) const;
  // Year t's shares of national GFCF (j_i) and of national GDP (y_i), nominal, in the order of
  // `provinces` (MODEL.md §14's investment wedges).
  struct Shares {
    std::vector<double> investment, income;
  };
  Shares shares(int year, const std::vector<Region>& provinces) const;
  // Natural growth of a province: the mean over the last `years` years ≤ T with data of
  // natural increase / population (docs/forecast-protocol.md §3). InputError if none.
  double natural_growth(const std::string& code, int years) const;
  // Natural increase / population of one year (NaN where the panel has none).
  double natural_growth_rate(const std::string& code, int year) const;
  // Whether every province has a registered population in `year` (a census year up to T).
  bool census_year(int year) const;

 private:
  const HistoryRow& row(const std::string& code, int year) const;
  double registered_ratio(const std::string& code, int year) const;

  std::string file_;
  int until_ = 0;
  std::map<std::string, std::map<int, HistoryRow>> rows_;  // code → year → row
};

}  // namespace regio
