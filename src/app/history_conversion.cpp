// The hukou conversion rate of `regio calibrate --history` (MODEL.md §3, §14;
// docs/forecast-protocol.md, amendment 3): one national ρ that carries the registered
// populations of the census at the window's start to those of the census at its end through
// regio's recursion, with each year's calibrated migration shares and natural growth.
#include <fmt/format.h>

#include <cmath>

#include "regio/history_forecast.hpp"

namespace regio {

namespace {

constexpr int kGrowthYears = 5;  // the province's natural growth where a year has none (protocol §3)

// m_od of one calibrated year from its flows L_od between provinces (o ≠ d; the diagonal of
// Simulation::province_migration_flows holds no stayers) and the registered R_o: m_oo is the rest.
std::vector<double> migration_shares(const std::vector<double>& flows, const std::vector<Region>& regions) {
  const std::size_t n = regions.size();
  std::vector<double> m(n * n);
  for (std::size_t o = 0; o < n; ++o) {
    double away = 0;
    for (std::size_t d = 0; d < n; ++d)
      if (d != o) away += (m[o * n + d] = flows[o * n + d] / regions[o].registered);
    m[o * n + o] = 1 - away;
  }
  return m;
}

}  // namespace

void estimate_conversion(const HistoryWindow& w, HistoryEstimates& e) {
  const auto& first = w.years.front();
  const auto& last = w.years.back();
  const std::size_t n = w.provinces.size();
  if (!w.panel->census_year(first.year) || !w.panel->census_year(last.year)) {
    e.conversion_note = fmt::format("the window {}-{} does not start and end in census years", first.year, last.year);
    return;
  }
  if (first.migration_flows.size() != n * n) {
    e.conversion_note = first.migration_flows.empty() ? "migration is off" : "the regions are not one per province";
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    e.registered_start.push_back(first.regions[i].registered);
    e.registered_census.push_back(last.regions[i].registered);
  }
  std::vector<std::vector<double>> shares, growth;
  for (std::size_t t = 0; t + 1 < w.years.size(); ++t) {
    shares.push_back(migration_shares(w.years[t].migration_flows, w.years[t].regions));
    growth.emplace_back();
    for (const auto& p : w.provinces) {
      const double g = w.panel->natural_growth_rate(p.id, w.years[t + 1].year);
      growth.back().push_back(std::isnan(g) ? w.panel->natural_growth(p.id, kGrowthYears) : g);
    }
  }
  e.conversion = fit_conversion_rate(e.registered_start, e.registered_census, shares, growth);
  e.conversion_estimated = true;
}

}  // namespace regio
