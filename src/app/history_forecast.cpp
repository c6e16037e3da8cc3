// The estimates and the forecast of `regio calibrate --history` (MODEL.md §14,
// docs/forecast-protocol.md §3–4): history.csv (the calibrated years), trends.csv and
// province_effects.csv (the fits), forecast.yaml and regions_forecast.csv (the forecast from T).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/history_forecast.hpp"

namespace regio {

namespace {

constexpr int kForecastEpochs = 11;  // T … T+10

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path);
  if (!(f << text) || !f.flush())
    throw InputError(fmt::format("{}: cannot write it (check --out and the disk)", path.string()));
}

std::string num(double v) { return fmt::format("{:.17g}", v); }

// history.csv: one row per year and province — the data, the inverted log Ā, log B and log ζ,
// and what the wedges were inverted from.
std::string history_table(const HistoryWindow& w) {
  std::string text =
      "year,id,name,population,registered,gdp,capital,log_productivity,log_amenity,saving_rate,capital_rent,"
      "investment_share,income_share,pooled_weight,log_wedge\n";
  for (const auto& y : w.years)
    for (std::size_t i = 0; i < y.regions.size(); ++i) {
      const Region& r = y.regions[i];
      text += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", y.year, r.id, r.name, num(r.population),
                          num(r.registered), num(r.gdp), num(r.capital), num(std::log(r.productivity.front())),
                          num(std::log(r.amenity)), num(y.saving_rate), num(y.capital_rent[i]),
                          num(y.shares.investment[i]), num(y.shares.income[i]), num(y.pooled_weight[i]),
                          y.log_wedge.empty() ? std::string() : num(y.log_wedge[i]));
    }
  return text;
}

std::string trend_rows(const char* name, const TrendFit& f) {
  const std::pair<const char*, double> stats[] = {{"trend_g", f.trend},
                                                  {"trend_g_se", f.trend_se},
                                                  {"convergence_beta", f.convergence},
                                                  {"convergence_beta_se", f.convergence_se},
                                                  {"residual_variance_s2", f.residual_variance},
                                                  {"effect_variance_tau2", f.effect_variance},
                                                  {"shrinkage_w", f.shrinkage},
                                                  {"r_squared", f.r_squared},
                                                  {"observations", static_cast<double>(f.observations)}};
  std::string text;
  for (const auto& [k, x] : stats) text += fmt::format("{},{},{}\n", name, k, num(x));
  return text;
}

std::string wedge_rows(const HistoryWindow& w, const WedgeProjection& p) {
  std::string text = fmt::format("log_wedge,home_bias_phi,{}\n", num(w.home_bias));
  text += fmt::format("log_wedge,allocation_elasticity_nu,{}\n", num(w.scenario.capital.allocation_elasticity));
  for (std::size_t r = 0; r < 3; ++r) {
    text += fmt::format("log_wedge,pseudo_rmse_{},{}\n", WedgeProjection::kNames[r], num(p.pseudo_rmse[r]));
    text += fmt::format("log_wedge,rule_is_{},{}\n", WedgeProjection::kNames[r], p.rule == r ? 1 : 0);
  }
  text += fmt::format("log_wedge,pseudo_fit_years,{}\nlog_wedge,pseudo_test_years,{}\n", p.fit_years, p.test_years);
  return text;
}

std::string conversion_rows(const HistoryWindow& w, const HistoryEstimates& e) {
  const auto& c = e.conversion;
  std::string text = fmt::format("hukou_conversion,estimated,{}\n", e.conversion_estimated ? 1 : 0);
  text += fmt::format("hukou_conversion,rate_rho,{}\n",
                      num(e.conversion_estimated ? c.rate : w.scenario.migration.conversion_rate));
  if (e.conversion_estimated)
    text += fmt::format(
        "hukou_conversion,rmse_registered_shares,{}\nhukou_conversion,rmse_registered_shares_at_zero,{}\n"
        "hukou_conversion,at_bound,{}\n",
        num(c.rmse), num(c.rmse_without), c.at_bound ? 1 : 0);
  return text;
}

// A province's share of the total of `x`, or empty.
std::string share(const std::vector<double>& x, std::size_t i) {
  if (x.empty()) return {};
  double total = 0;
  for (double v : x) total += v;
  return num(x[i] / total);
}

// log ζ̂ of the forecast's start and its drift, shifted so that the smallest ζ over the
// provinces and the forecast's epochs is 1.
std::vector<double> forecast_log_wedges(const WedgeProjection& p) {
  double low = p.level.front();
  for (std::size_t i = 0; i < p.level.size(); ++i)
    for (int k = 0; k < kForecastEpochs; ++k) low = std::min(low, p.level[i] + k * p.drift[i]);
  std::vector<double> z;
  for (double v : p.level) z.push_back(v - low);
  return z;
}

void print_estimates(const HistoryWindow& w, const HistoryEstimates& e) {
  const auto& fits = e.trends;
  std::printf("trend of log A: g = %.4f (se %.4f), beta = %.4f (se %.4f), shrinkage w = %.2f, R2 = %.2f\n",
              fits[0].trend, fits[0].trend_se, fits[0].convergence, fits[0].convergence_se, fits[0].shrinkage,
              fits[0].r_squared);
  std::printf("trend of log B: beta = %.4f (se %.4f), shrinkage w = %.2f\n", fits[1].convergence,
              fits[1].convergence_se, fits[1].shrinkage);
  const auto& p = e.wedges;
  std::printf(
      "wedges: pseudo-forecast RMSE (fit %d years, test %d) last level %.4f, mean of last three %.4f, "
      "linear trend %.4f -> %s\n",
      p.fit_years, p.test_years, p.pseudo_rmse[0], p.pseudo_rmse[1], p.pseudo_rmse[2], WedgeProjection::kNames[p.rule]);
  if (e.conversion_estimated)
    std::printf(
        "hukou conversion: rho = %.4f%s; RMSE of the registered shares at %d %.3f pp (natural growth alone "
        "%.3f pp)\n",
        e.conversion.rate, e.conversion.at_bound ? " (at the bound of [0, 1])" : "", w.years.back().year,
        100 * e.conversion.rmse, 100 * e.conversion.rmse_without);
  else
    std::printf("hukou conversion: not estimated (%s); the scenario's rho = %g is kept\n", e.conversion_note.c_str(),
                w.scenario.migration.conversion_rate);
}

}  // namespace

HistoryEstimates estimate_history(const HistoryWindow& w) {
  std::vector<std::vector<double>> log_a, log_b, weight, log_zeta;
  for (const auto& y : w.years) {
    log_a.emplace_back(), log_b.emplace_back(), weight.emplace_back();
    for (const auto& r : y.regions) {
      log_a.back().push_back(std::log(r.productivity.front()));
      log_b.back().push_back(std::log(r.amenity));
      weight.back().push_back(r.population);
    }
    if (!y.log_wedge.empty()) log_zeta.push_back(y.log_wedge);
  }
  HistoryEstimates e;
  e.trends = {fit_convergence_trend(log_a, weight, true), fit_convergence_trend(log_b, weight, false)};
  e.wedges = project_wedges(log_zeta);
  estimate_conversion(w, e);
  return e;
}

void write_history_estimates(const std::string& folder, const HistoryWindow& w, const HistoryEstimates& e) {
  namespace fs = std::filesystem;
  write_text(fs::path(folder) / "history.csv", history_table(w));
  const auto& fits = e.trends;
  write_text(fs::path(folder) / "trends.csv", "variable,statistic,value\n" + trend_rows("log_productivity", fits[0]) +
                                                  trend_rows("log_amenity", fits[1]) + wedge_rows(w, e.wedges) +
                                                  conversion_rows(w, e));
  std::string effects =
      "id,name,log_productivity_effect,log_amenity_effect,log_wedge_projected,log_wedge_drift,"
      "registered_share_start,registered_share_census,registered_share_model\n";
  const auto& last = w.years.back().regions;
  for (std::size_t i = 0; i < last.size(); ++i)
    effects += fmt::format("{},{},{},{},{},{},{},{},{}\n", last[i].id, last[i].name, num(fits[0].effect[i]),
                           num(fits[1].effect[i]), num(e.wedges.level[i]), num(e.wedges.drift[i]),
                           share(e.registered_start, i), share(e.registered_census, i), share(e.conversion.end, i));
  write_text(fs::path(folder) / "province_effects.csv", effects);
  print_estimates(w, e);
}

void write_forecast(const boost::mpi::communicator& comm, const std::string& folder, const HistoryWindow& w,
                    const HistoryEstimates& e) {
  namespace fs = std::filesystem;
  constexpr int kSavingYears = 3, kGrowthYears = 5;
  Scenario sc = w.scenario;
  std::vector<Region> regions;
  std::vector<double> observed_j;
  on_root(comm, [&] {
    const int T = w.panel->until();
    regions = w.panel->regions(T, w.provinces);
    const auto zeta = forecast_log_wedges(e.wedges);
    for (std::size_t i = 0; i < regions.size(); ++i) {
      regions[i].productivity = w.years.back().regions[i].productivity;  // a start for the inversion
      regions[i].productivity_drift = e.trends[0].effect[i];
      regions[i].amenity_drift = e.trends[1].effect[i];
      regions[i].natural_growth = w.panel->natural_growth(regions[i].id, kGrowthYears);
      regions[i].capital_friction = std::exp(zeta[i]);
      regions[i].capital_friction_drift = e.wedges.drift[i];
      regions[i].capital_rent_lagged = w.years[w.years.size() - 2].capital_rent[i];  // r of T−1
    }
    double saving = 0;
    for (int t = T - kSavingYears + 1; t <= T; ++t) saving += w.panel->saving_rate(t, w.provinces);
    sc.households.saving_rate = saving / kSavingYears;
    sc.capital.home_bias = w.home_bias;
    for (auto& s : sc.sectors) s.productivity_growth = e.trends[0].trend;
    sc.productivity.spillover = 0;  // the convergence term replaces it (protocol §3)
    sc.productivity.convergence = e.trends[0].convergence;
    sc.migration.amenity_convergence = e.trends[1].convergence;
    if (e.conversion_estimated) sc.migration.conversion_rate = e.conversion.rate;
    sc.regions = "regions_forecast.csv";
    sc.start_year = T;
    sc.epochs = kForecastEpochs;
    sc.output = fmt::format("out/forecast-{}", T);
    sc.scale_to_observed_gdp = false;
    sc.policies.clear();
    observed_j = w.years.back().shares.investment;
  });
  // The start: year T's data calibrated with the forecast's own parameters (σ̄, projected ζ̂),
  // so that its epoch 0 reproduces year T's population and GDP.
  auto c = calibrate_year(comm, sc, regions, w.decomposition, {}, "the forecast's start");
  on_root(comm, [&] {
    write_regions((fs::path(folder) / "regions_forecast.csv").string(), c.regions, sector_names(sc));
    write_text(fs::path(folder) / "forecast.yaml",
               fmt::format("# Forecast from {} (regio calibrate --history, docs/forecast-protocol.md): data up to "
                           "{} only.\n",
                           sc.start_year, sc.start_year) +
                   scenario_to_yaml(sc));
    double gap = 0;
    for (std::size_t i = 0; i < observed_j.size(); ++i)
      gap = std::max(gap, std::abs(c.investment_share[i] - observed_j[i]));
    std::printf(
        "forecast start: year %d calibrated with saving rate %.4f and the projected wedges; its "
        "investment shares differ from %d's by at most %.3f pp\n",
        sc.start_year, sc.households.saving_rate, sc.start_year, 100 * gap);
  });
}

}  // namespace regio
