#include "regio/history_panel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio {

namespace {

constexpr const char* kColumns[] = {"code",
                                    "year",
                                    "gdp_nominal",
                                    "gdp_deflator",
                                    "population",
                                    "gfcf_nominal",
                                    "invest_price_index",
                                    "capital_stock_1952prices",
                                    "registered_population",
                                    "natural_increase_est"};

std::string read_text(const std::string& path) {
  return read_input_file(path, "history panel", "give the folder holding panel.csv, e.g. inputs/china31-history");
}

}  // namespace

HistoryPanel HistoryPanel::read(const std::string& folder, int until) {
  HistoryPanel p;
  p.file_ = folder + "/panel.csv";
  p.until_ = until;
  const auto rows = csv::parse(read_text(p.file_), p.file_);
  if (rows.empty()) throw InputError(fmt::format("{}: the history panel is empty", p.file_));
  const auto& header = rows.front();
  std::map<std::string, std::size_t> col;
  for (const char* name : kColumns) {
    const auto it = std::find(header.fields.begin(), header.fields.end(), name);
    if (it == header.fields.end())
      throw InputError(fmt::format("{}:{}: missing column '{}' (the panel of tools/build_china_history.py has it)",
                                   p.file_, header.line, name));
    col[name] = static_cast<std::size_t>(it - header.fields.begin());
  }
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    csv::require_header_width(row, header, p.file_);
    double year = 0;
    if (!csv::to_double(row.fields[col["year"]], year) || year != std::floor(year))
      throw InputError(
          fmt::format("{}:{}: year '{}' is not a whole number", p.file_, row.line, row.fields[col["year"]]));
    if (year > until) continue;  // after T: never parsed (docs/forecast-protocol.md)
    auto number = [&](const char* name, bool optional) {
      const std::string& f = row.fields[col[name]];
      double v = 0;
      if (optional && f.empty()) return -1.0;
      if (!csv::to_double(f, v) || !std::isfinite(v) || v < 0)
        throw InputError(fmt::format("{}:{}: {} = '{}' must be a finite number >= 0 (province {}, {})", p.file_,
                                     row.line, name, f, row.fields[col["code"]], static_cast<int>(year)));
      return v;
    };
    HistoryRow h{number("gdp_nominal", false),         number("gdp_deflator", false),
                 number("population", false),          number("gfcf_nominal", false),
                 number("invest_price_index", false),  number("capital_stock_1952prices", false),
                 number("registered_population", true)};
    {  // natural increase: may be negative, empty where births are not available
      const std::string& f = row.fields[col["natural_increase_est"]];
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!f.empty() && (!csv::to_double(f, v) || !std::isfinite(v)))
        throw InputError(
            fmt::format("{}:{}: natural_increase_est = '{}' must be a finite number or empty", p.file_, row.line, f));
      h.natural_increase = v;
    }
    auto& by_year = p.rows_[row.fields[col["code"]]];
    if (!by_year.emplace(static_cast<int>(year), h).second)
      throw InputError(fmt::format("{}:{}: province {} has a second row for {}", p.file_, row.line,
                                   row.fields[col["code"]], static_cast<int>(year)));
  }
  return p;
}

void HistoryPanel::impute_year(const std::string& spec) {
  const auto colon = spec.find(':');
  double year = 0;
  if (colon == std::string::npos || !csv::to_double(spec.substr(colon + 1), year) || year != std::floor(year))
    throw InputError(fmt::format("--impute-year '{}': give CODE:YEAR, e.g. 420000:2020", spec));
  const std::string code = spec.substr(0, colon);
  const int t = static_cast<int>(year);
  if (!rows_.count(code)) throw InputError(fmt::format("--impute-year '{}': {} has no province {}", spec, file_, code));
  if (t > until_ || !rows_.at(code).count(t) || !rows_.at(code).count(t - 1))
    throw InputError(fmt::format("--impute-year '{}': {} needs rows of {} for {} and {}, both up to --until {}", spec,
                                 file_, code, t - 1, t, until_));
  double gdp[2] = {0, 0}, gfcf[2] = {0, 0};
  for (const auto& [other, years] : rows_) {
    if (other == code) continue;
    for (int k = 0; k < 2; ++k) {
      const HistoryRow& h = row(other, t - 1 + k);
      gdp[k] += h.gdp_nominal;
      gfcf[k] += h.gfcf_nominal;
    }
  }
  HistoryRow& h = rows_[code][t];
  const HistoryRow& before = rows_[code][t - 1];
  h.gdp_nominal = before.gdp_nominal * gdp[1] / gdp[0];
  h.gfcf_nominal = before.gfcf_nominal * gfcf[1] / gfcf[0];
}

const HistoryRow& HistoryPanel::row(const std::string& code, int year) const {
  const auto c = rows_.find(code);
  if (c == rows_.end()) throw InputError(fmt::format("{}: no rows for province {} up to {}", file_, code, until_));
  const auto y = c->second.find(year);
  if (y == c->second.end() || year > until_)
    throw InputError(
        fmt::format("{}: province {} has no row for {} (data up to {} are read)", file_, code, year, until_));
  return y->second;
}

// R/L of year t: linear between the census years ≤ T, held before the first and after the last.
double HistoryPanel::registered_ratio(const std::string& code, int year) const {
  std::vector<std::pair<int, double>> census;
  for (const auto& [t, h] : rows_.at(code))
    if (h.registered >= 0 && h.population > 0) census.emplace_back(t, h.registered / h.population);
  if (census.empty())
    throw InputError(
        fmt::format("{}: province {} has no registered population in a census year up to {}", file_, code, until_));
  if (year <= census.front().first) return census.front().second;
  if (year >= census.back().first) return census.back().second;
  for (std::size_t k = 1; k < census.size(); ++k)
    if (year <= census[k].first) {
      const auto [t0, r0] = census[k - 1];
      const auto [t1, r1] = census[k];
      return r0 + (r1 - r0) * (year - t0) / (t1 - t0);
    }
  return census.back().second;
}

std::vector<Region> HistoryPanel::regions(int year, const std::vector<Region>& provinces) const {
  std::vector<Region> out = provinces;
  double total_L = 0, total_R = 0;
  for (auto& r : out) {
    const HistoryRow& h = row(r.id, year);
    const HistoryRow& last = row(r.id, until_);
    r.population = h.population;
    r.registered = h.population * registered_ratio(r.id, year);
    r.gdp = h.gdp_nominal * last.gdp_deflator / h.gdp_deflator;  // year-T prices, one deflator
    r.capital = h.capital_1952 * last.invest_price;              // year-t stock at year-T prices
    total_L += r.population;
    total_R += r.registered;
  }
  for (auto& r : out) r.registered *= total_L / total_R;  // Σ R = Σ L
  return out;
}

double HistoryPanel::natural_growth(const std::string& code, int years) const {
  double sum = 0;
  int n = 0;
  const auto& rows = rows_.at(code);
  for (auto it = rows.rbegin(); it != rows.rend() && n < years; ++it)
    if (!std::isnan(it->second.natural_increase) && it->second.population > 0) {
      sum += it->second.natural_increase / it->second.population;
      ++n;
    }
  if (n == 0) throw InputError(fmt::format("{}: province {} has no natural increase up to {}", file_, code, until_));
  return sum / n;
}

double HistoryPanel::natural_growth_rate(const std::string& code, int year) const {
  const HistoryRow& h = row(code, year);
  return h.natural_increase / h.population;  // NaN stays NaN
}

bool HistoryPanel::census_year(int year) const {
  if (year > until_) return false;
  for (const auto& [code, years] : rows_) {
    const auto y = years.find(year);
    if (y == years.end() || y->second.registered < 0) return false;
  }
  return !rows_.empty();
}

double HistoryPanel::saving_rate(int year, const std::vector<Region>& provinces) const {
  double J = 0, Y = 0;
  for (const auto& r : provinces) {
    const HistoryRow& h = row(r.id, year);
    J += h.gfcf_nominal;
    Y += h.gdp_nominal;
  }
  return J / Y;
}

HistoryPanel::Shares HistoryPanel::shares(int year, const std::vector<Region>& provinces) const {
  Shares s;
  double J = 0, Y = 0;
  for (const auto& r : provinces) {
    const HistoryRow& h = row(r.id, year);
    s.investment.push_back(h.gfcf_nominal);
    s.income.push_back(h.gdp_nominal);
    J += h.gfcf_nominal;
    Y += h.gdp_nominal;
  }
  for (auto& v : s.investment) v /= J;
  for (auto& v : s.income) v /= Y;
  return s;
}

}  // namespace regio
