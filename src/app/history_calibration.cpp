// `regio calibrate SCENARIO --history DIR --until T --out FOLDER` (MODEL.md §14,
// docs/forecast-protocol.md §1–2): the scenario's parameters and provinces, each year's data
// from the history panel up to T, one calibration per year of the window T−10 … T. Writes
// FOLDER/regions_calibrated_<year>.csv, FOLDER/history.csv (the inverted fundamentals by year)
// and the trend estimates of §3 (trends.csv, province_effects.csv). The investment wedges of the
// protocol are not inverted yet.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "regio/calibration.hpp"
#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/history_panel.hpp"
#include "regio/simulation.hpp"
#include "regio/trend_estimator.hpp"
#include "regio/version.hpp"

namespace regio {

namespace {

constexpr int kWindow = 10;  // years before T (docs/forecast-protocol.md §2)

// One year's regions on rank 0 (empty elsewhere); InputErrors reach every rank.
std::vector<Region> year_regions(const boost::mpi::communicator& comm, const HistoryPanel* panel, int year,
                                 const std::vector<Region>& provinces) {
  std::vector<Region> regions;
  on_root(comm, [&] { regions = panel->regions(year, provinces); });
  return regions;
}

// The trend fits of log Ā and log B over the window (docs/forecast-protocol.md §3), as
// `trends.csv` (variable, statistic, value) and `province_effects.csv` (the shrunk α_i).
std::array<TrendFit, 2> fit_trends(const std::vector<std::vector<Region>>& years) {
  std::vector<std::vector<double>> log_a, log_b, weight;
  for (const auto& year : years) {
    log_a.emplace_back(), log_b.emplace_back(), weight.emplace_back();
    for (const auto& r : year) {
      log_a.back().push_back(std::log(r.productivity.front()));
      log_b.back().push_back(std::log(r.amenity));
      weight.back().push_back(r.population);
    }
  }
  return {fit_convergence_trend(log_a, weight, true), fit_convergence_trend(log_b, weight, false)};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path);
  if (!(f << text) || !f.flush())
    throw InputError(fmt::format("{}: cannot write it (check --out and the disk)", path.string()));
}

void write_trends(const std::string& folder, const std::vector<std::vector<Region>>& years,
                  const std::array<TrendFit, 2>& fits) {
  namespace fs = std::filesystem;
  const char* names[] = {"log_productivity", "log_amenity"};
  std::string trends = "variable,statistic,value\n", effects = "id,name,log_productivity_effect,log_amenity_effect\n";
  for (int v = 0; v < 2; ++v) {
    const TrendFit& f = fits[v];
    const std::pair<const char*, double> stats[] = {{"trend_g", f.trend},
                                                    {"trend_g_se", f.trend_se},
                                                    {"convergence_beta", f.convergence},
                                                    {"convergence_beta_se", f.convergence_se},
                                                    {"residual_variance_s2", f.residual_variance},
                                                    {"effect_variance_tau2", f.effect_variance},
                                                    {"shrinkage_w", f.shrinkage},
                                                    {"r_squared", f.r_squared},
                                                    {"observations", static_cast<double>(f.observations)}};
    for (const auto& [k, x] : stats) trends += fmt::format("{},{},{:.17g}\n", names[v], k, x);
  }
  for (std::size_t i = 0; i < years.back().size(); ++i)
    effects += fmt::format("{},{},{:.17g},{:.17g}\n", years.back()[i].id, years.back()[i].name, fits[0].effect[i],
                           fits[1].effect[i]);
  write_text(fs::path(folder) / "trends.csv", trends);
  write_text(fs::path(folder) / "province_effects.csv", effects);
  std::printf("trend of log A: g = %.4f (se %.4f), beta = %.4f (se %.4f), shrinkage w = %.2f, R2 = %.2f\n",
              fits[0].trend, fits[0].trend_se, fits[0].convergence, fits[0].convergence_se, fits[0].shrinkage,
              fits[0].r_squared);
  std::printf("trend of log B: beta = %.4f (se %.4f), shrinkage w = %.2f\n", fits[1].convergence,
              fits[1].convergence_se, fits[1].shrinkage);
}

// The forecast from T (docs/forecast-protocol.md §4): forecast.yaml, the scenario with the
// estimated dynamics, and regions_forecast.csv, year T's calibrated regions with the province
// effects and natural growth. The investment wedges and hukou conversion of §3 are not estimated
// yet: the scenario keeps the base scenario's capital market and conversion rate.
void write_forecast(const std::string& folder, Scenario sc, const HistoryPanel& panel,
                    const std::vector<std::vector<Region>>& years, const std::array<TrendFit, 2>& fits) {
  namespace fs = std::filesystem;
  constexpr int kSavingYears = 3, kGrowthYears = 5;
  std::vector<Region> regions = years.back();
  for (std::size_t i = 0; i < regions.size(); ++i) {
    regions[i].productivity_drift = fits[0].effect[i];
    regions[i].amenity_drift = fits[1].effect[i];
    regions[i].natural_growth = panel.natural_growth(regions[i].id, kGrowthYears);
  }
  double saving = 0;
  for (int t = panel.until() - kSavingYears + 1; t <= panel.until(); ++t) saving += panel.saving_rate(t, regions);
  sc.households.saving_rate = saving / kSavingYears;
  for (auto& s : sc.sectors) s.productivity_growth = fits[0].trend;
  sc.productivity.spillover = 0;  // the convergence term replaces it (protocol §3)
  sc.productivity.convergence = fits[0].convergence;
  sc.migration.amenity_convergence = fits[1].convergence;
  sc.regions = "regions_forecast.csv";
  sc.start_year = panel.until();
  sc.epochs = 11;  // T … T+10
  sc.output = fmt::format("out/forecast-{}", panel.until());
  sc.policies.clear();
  write_regions((fs::path(folder) / "regions_forecast.csv").string(), regions, sector_names(sc));
  write_text(fs::path(folder) / "forecast.yaml",
             fmt::format("# Forecast from {} (regio calibrate --history, docs/forecast-protocol.md): data up to {} "
                         "only.\n",
                         panel.until(), panel.until()) +
                 scenario_to_yaml(sc));
}

std::string history_rows(int year, double saving_rate, const std::vector<Region>& calibrated) {
  std::string text;
  for (const auto& r : calibrated)
    text += fmt::format("{},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n", year, r.id, r.name,
                        r.population, r.registered, r.gdp, r.capital, std::log(r.productivity.front()),
                        std::log(r.amenity), saving_rate);
  return text;
}

}  // namespace

int calibrate_history_command(const boost::mpi::communicator& comm, const CalibrateOptions& opt) {
  namespace fs = std::filesystem;
  const Scenario sc = load_scenario_collectively(comm, opt.scenario);
  insert_petsc_options(sc, opt.petsc_args);
  if (!sc.calibration.trade_shares.empty())
    raise_on_all_ranks(InputError(
        fmt::format("{}: calibration.trade_shares with --history is not built (the province trade shares are "
                    "those of one year): calibrate that year without --history",
                    opt.scenario)));
  LoadedInputs provinces;
  std::unique_ptr<HistoryPanel> panel;
  on_root(comm, [&] {
    provinces = load_inputs(sc, opt.decomposition, comm.size());
    panel = std::make_unique<HistoryPanel>(HistoryPanel::read(opt.history, opt.until));
    fs::create_directories(opt.output);
  });
  std::string history = "year,id,name,population,registered,gdp,capital,log_productivity,log_amenity,saving_rate\n";
  const int first = opt.until - kWindow;
  std::vector<std::vector<Region>> years;  // calibrated, on rank 0
  for (int year = first; year <= opt.until; ++year) {
    const auto regions = year_regions(comm, panel.get(), year, provinces.regions);
    Simulation sim(comm, distribute_regions(comm, sc, regions, comm.rank() == 0 ? &provinces.decomposition : nullptr));
    const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
    if (rep.max_population_error > 1e-8 || rep.max_gdp_error > 1e-8)
      raise_on_all_ranks(SolverError(fmt::format(
          "calibration of {} failed its verification: the equilibrium misses the data by {:.2e} (population) and "
          "{:.2e} (GDP)",
          year, rep.max_population_error, rep.max_gdp_error)));
    const auto calibrated = calibrated_regions(comm, sim);
    years.push_back(calibrated);
    on_root(comm, [&] {
      write_regions((fs::path(opt.output) / fmt::format("regions_calibrated_{}.csv", year)).string(), calibrated,
                    sector_names(sc));
      history += history_rows(year, panel->saving_rate(year, provinces.regions), calibrated);
      std::printf(
          "year %d (%d/%d) | productivity %d it, amenities %d it | max |L/L_obs-1| %.1e, |GDP/GDP_obs-1| %.1e\n", year,
          year - first + 1, kWindow + 1, rep.productivity.nonlinear_iterations, rep.amenity.nonlinear_iterations,
          rep.max_population_error, rep.max_gdp_error);
      std::fflush(stdout);
    });
  }
  on_root(comm, [&] {
    const auto path = fs::path(opt.output) / "history.csv";
    std::ofstream f(path);
    if (!(f << history) || !(f.flush()))
      throw InputError(fmt::format("{}: cannot write the calibrated history (check --out)", path.string()));
    const auto fits = fit_trends(years);
    write_trends(opt.output, years, fits);
    write_forecast(opt.output, sc, *panel, years, fits);
    std::printf("regio %s calibrate --history | %d years %d-%d | wrote %s\n", kVersion, kWindow + 1, first, opt.until,
                path.c_str());
  });
  return 0;
}

}  // namespace regio
