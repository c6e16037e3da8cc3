// `regio calibrate SCENARIO --history DIR --until T --out FOLDER` (MODEL.md §14,
// docs/forecast-protocol.md §1–2): the scenario's parameters and provinces, each year's data
// from the history panel up to T, one calibration per year of the window T−10 … T, jointly with
// the investment wedges ζ_i,t that make the model's investment shares those of the data. Writes
// FOLDER/regions_calibrated_<year>.csv, then the estimates and the forecast (history_forecast.cpp).
#include <fmt/format.h>

#include <boost/mpi/collectives.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "regio/calibration.hpp"
#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/history_forecast.hpp"
#include "regio/simulation.hpp"
#include "regio/version.hpp"

namespace regio {

namespace {

constexpr int kWindow = 10;  // years before T (docs/forecast-protocol.md §2)

// What the investment wedges need of the scenario (rank 0, before any solve).
void check_wedge_scenario(const Scenario& sc, const std::string& file) {
  bool capital = false;
  for (const auto& s : sc.sectors) capital = capital || s.capital_share > 0;
  if (!capital)
    throw InputError(fmt::format(
        "{}: regio calibrate --history inverts investment wedges, and no sector uses capital (capital_share)", file));
  if (!(sc.capital.allocation_elasticity > 0))
    throw InputError(
        fmt::format("{}: regio calibrate --history inverts investment wedges: capital.allocation_"
                    "elasticity (ν) must be > 0 (with ν = 0 the wedges do not move investment)",
                    file));
  if (sc.external.enabled)
    throw InputError(
        fmt::format("{}: regio calibrate --history inverts investment wedges of a closed economy "
                    "(external.enabled: false; net exports would take a share of the pooled savings)",
                    file));
}

// ϕ of every year (docs/forecast-protocol.md, amendment 2): the requested value, or the rule —
// the largest multiple of 0.1 at most min_i,t j/y − 0.1 and at most the scenario's — and in
// either case every province of every year must invest more than ϕ of its own saving.
double choose_home_bias(const HistoryPanel& panel, const std::vector<Region>& provinces, const Scenario& sc,
                        double requested, int first) {
  std::vector<std::vector<double>> j, y;
  for (int t = first; t <= panel.until(); ++t) {
    auto s = panel.shares(t, provinces);
    j.push_back(std::move(s.investment));
    y.push_back(std::move(s.income));
  }
  const double bound = home_bias_bound(j, y);
  const double phi = requested >= 0 ? requested : home_bias_rule(bound, sc.capital.home_bias);
  if (phi < 0)
    throw InputError(
        fmt::format("{}: some province invests less than 0.1 of its share of national GDP in {}-{} "
                    "(min j/y = {:.3f}): no home bias leaves the wedges a margin; give --home-bias",
                    panel.file(), first, panel.until(), bound));
  for (std::size_t t = 0; t < j.size(); ++t)
    for (std::size_t i = 0; i < provinces.size(); ++i)
      if (j[t][i] <= phi * y[t][i])
        throw InputError(fmt::format(
            "{}: with home bias {}, {} ({}) in {} ({:.2f} % of national GFCF, {:.2f} % of national GDP) invests "
            "less than ϕ times its own saving, so no investment wedge fits it (ϕ must be below its j/y = {:.3f}; "
            "below {:.3f} for every province of {}-{})",
            panel.file(), phi, provinces[i].name, provinces[i].id, first + static_cast<int>(t), 100 * j[t][i],
            100 * y[t][i], j[t][i] / y[t][i], bound, first, panel.until()));
  return phi;
}

// Year t's inputs on rank 0: the panel's data, σ_t and ϕ, and the wedges ζ_i,t that make the
// capital market's weights the observed ω_i,t, given r̄ = the previous year's calibrated rents
// (1 in the first year, a run's first-epoch convention; its ζ are then not comparable).
void year_inputs(const HistoryWindow& w, int year, const HistoryYear* previous, HistoryYear& out,
                 std::vector<Region>& regions, Scenario& sc) {
  regions = w.panel->regions(year, w.provinces);
  out.year = year;
  out.saving_rate = w.panel->saving_rate(year, w.provinces);
  out.shares = w.panel->shares(year, w.provinces);
  out.pooled_weight = pooled_weights(out.shares.investment, out.shares.income, w.home_bias);
  std::vector<double> lagged(regions.size(), 1.0), capital;
  if (previous) lagged = previous->capital_rent;
  for (const auto& r : regions) capital.push_back(r.capital);
  const auto z = log_wedges(lagged, capital, out.pooled_weight, sc.capital.allocation_elasticity);
  double low = z.front();
  for (double v : z) low = std::min(low, v);
  for (std::size_t i = 0; i < regions.size(); ++i) {
    regions[i].capital_friction = std::exp(z[i] - low);  // min ζ = 1 (only ratios matter)
    regions[i].capital_rent_lagged = lagged[i];
  }
  if (previous) out.log_wedge = z;
  sc.households.saving_rate = out.saving_rate;
  sc.capital.home_bias = w.home_bias;
  sc.scale_to_observed_gdp = false;
}

std::vector<double> national(const Simulation& sim, const std::vector<double>& owned) {
  std::vector<double> all;
  sim.layout().allgather(owned.data(), 1, all);
  return all;
}

}  // namespace

CalibratedYear calibrate_year(const boost::mpi::communicator& comm, const Scenario& sc,
                              const std::vector<Region>& regions, const Decomposition* decomposition,
                              const std::vector<double>& target_investment_share, const std::string& what) {
  Simulation sim(comm, distribute_regions(comm, sc, regions, comm.rank() == 0 ? decomposition : nullptr));
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  std::vector<double> target = target_investment_share;  // rank 0's, so that every rank judges alike
  boost::mpi::broadcast(comm, target, 0);
  CalibratedYear out;
  out.population_error = rep.max_population_error;
  out.gdp_error = rep.max_gdp_error;
  out.productivity_iterations = rep.productivity.nonlinear_iterations;
  out.amenity_iterations = rep.amenity.nonlinear_iterations;
  out.regions = calibrated_regions(comm, sim);
  sim.solve();  // the calibrated equilibrium again, for its investment and migration (0 Newton steps)
  const auto& st = sim.state();
  std::vector<double> rent, J;
  for (std::size_t j = 0; j < st.size(); ++j) {
    rent.push_back(st.prices[j].capital_rent);
    J.push_back(sim.system().results().view.investment[j]);
  }
  out.capital_rent = national(sim, rent);
  out.investment_share = national(sim, J);
  double total = 0;
  for (double v : out.investment_share) total += v;
  for (std::size_t i = 0; i < out.investment_share.size(); ++i) {
    out.investment_share[i] /= total;
    if (!target.empty())
      out.investment_error = std::max(out.investment_error, std::abs(out.investment_share[i] / target[i] - 1));
  }
  out.migration_flows = sim.province_migration_flows();
  if (out.population_error > 1e-8 || out.gdp_error > 1e-8 || out.investment_error > 1e-8)
    raise_on_all_ranks(SolverError(fmt::format(
        "calibration of {} failed its verification: the equilibrium misses the data by {:.2e} (population), "
        "{:.2e} (GDP) and {:.2e} (investment shares)",
        what, out.population_error, out.gdp_error, out.investment_error)));
  return out;
}

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
  HistoryWindow w;
  const int first = opt.until - kWindow;
  on_root(comm, [&] {
    check_wedge_scenario(sc, opt.scenario);
    provinces = load_inputs(sc, opt.decomposition, comm.size());
    panel = std::make_unique<HistoryPanel>(HistoryPanel::read(opt.history, opt.until));
    for (const auto& spec : opt.impute_years) {
      panel->impute_year(spec);
      std::printf("imputed %s: GDP and GFCF from the year before, grown like the other provinces\n", spec.c_str());
    }
    fs::create_directories(opt.output);
    w = HistoryWindow{sc, panel.get(), &provinces.decomposition, provinces.regions, 0, {}};
    w.home_bias = choose_home_bias(*panel, provinces.regions, sc, opt.home_bias, first);
    std::printf("home bias phi = %.2f (%s), allocation elasticity nu = %g\n", w.home_bias,
                opt.home_bias >= 0 ? "--home-bias" : "the rule of docs/forecast-protocol.md",
                sc.capital.allocation_elasticity);
  });
  for (int year = first; year <= opt.until; ++year) {
    HistoryYear y;
    std::vector<Region> regions;
    Scenario sc_t = sc;
    on_root(comm, [&] { year_inputs(w, year, w.years.empty() ? nullptr : &w.years.back(), y, regions, sc_t); });
    auto c = calibrate_year(comm, sc_t, regions, w.decomposition, y.shares.investment, std::to_string(year));
    on_root(comm, [&] {
      write_regions((fs::path(opt.output) / fmt::format("regions_calibrated_{}.csv", year)).string(), c.regions,
                    sector_names(sc));
      y.regions = std::move(c.regions);
      y.capital_rent = std::move(c.capital_rent);
      y.migration_flows = std::move(c.migration_flows);
      w.years.push_back(std::move(y));
      std::printf(
          "year %d (%d/%d) | productivity %d it, amenities %d it | max |L/L_obs-1| %.1e, |GDP/GDP_obs-1| %.1e, "
          "|J/J_obs-1| %.1e\n",
          year, year - first + 1, kWindow + 1, c.productivity_iterations, c.amenity_iterations, c.population_error,
          c.gdp_error, c.investment_error);
      std::fflush(stdout);
    });
  }
  HistoryEstimates e;
  on_root(comm, [&] {
    e = estimate_history(w);
    write_history_estimates(opt.output, w, e);
  });
  write_forecast(comm, opt.output, w, e);
  on_root(comm, [&] {
    std::printf("regio %s calibrate --history | %d years %d-%d | wrote %s\n", kVersion, kWindow + 1, first, opt.until,
                opt.output.c_str());
  });
  return 0;
}

}  // namespace regio
