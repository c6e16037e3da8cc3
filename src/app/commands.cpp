// The small `regio` subcommands (calibrate, validate, decomp, compare) and what the commands
// share: the scenario read on rank 0 and broadcast, the PETSc options of a scenario.
#include "regio/commands.hpp"

#include <fmt/format.h>
#include <petscsys.h>
#include <yaml-cpp/yaml.h>
#include <boost/mpi/collectives.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "regio/calibration.hpp"
#include "regio/collectives.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/partition.hpp"
#include "regio/petsc_util.hpp"
#include "regio/province_costs.hpp"
#include "regio/region.hpp"
#include "regio/run_log.hpp"
#include "regio/simulation.hpp"
#include "regio/trade_shares.hpp"
#include "regio/version.hpp"

namespace regio {

std::string join_args(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string command_line_text(const std::vector<std::string>& ours, const std::vector<std::string>& petsc) {
  return join_args(ours) + (petsc.empty() ? "" : " -- " + join_args(petsc));
}

Scenario load_scenario_collectively(const boost::mpi::communicator& comm, const std::string& path) {
  Scenario sc;
  on_root(comm, [&] { sc = load_scenario(path); });
  boost::mpi::broadcast(comm, sc, 0);
  return sc;
}

void insert_petsc_options(const Scenario& sc, const std::vector<std::string>& petsc_args) {
  // YAML first, then the command line again so that it wins.
  REGIO_PETSC(PetscOptionsInsertString(nullptr, sc.solver.petsc_options.c_str()));
  REGIO_PETSC(PetscOptionsInsertString(nullptr, join_args(petsc_args).c_str()));
}

std::vector<std::string> sector_names(const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& s : sc.sectors) names.push_back(s.name);
  return names;
}

std::vector<Region> calibrated_regions(const boost::mpi::communicator& comm, Simulation& sim) {
  const std::size_t S = sim.scenario().num_sectors();
  auto& st = sim.state();
  std::vector<Region> mine = st.records;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    for (std::size_t s = 0; s < S; ++s) mine[j].productivity[s] = std::exp(st.log_productivity[j * S + s]);
    mine[j].amenity = st.amenity[j];
  }
  std::vector<std::vector<Region>> parts;
  boost::mpi::gather(comm, mine, parts, 0);
  std::vector<Region> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return all;
}

// Before solving: the outputs `regio calibrate` will write can be written, and --province-costs
// (--trade-scales) is given exactly when the scenario calibrates province migration costs (trade
// scales).
void check_calibration_outputs(const boost::mpi::communicator& comm, const CalibrateOptions& opt, bool census,
                               bool trade) {
  on_root(comm, [&] {  // fail before solving if the output cannot be written
    std::ofstream probe(opt.output, std::ios::app);
    if (!probe) throw InputError(fmt::format("{}: cannot write the calibrated CSV here (check --out)", opt.output));
    struct Output {
      bool calibrated;
      const std::string& path;
      const char *option, *key, *condition, *what;
    };
    for (const Output& o :
         {Output{census, opt.province_costs, "--province-costs", "calibration.migrants", " (and migration on)",
                 "province migration costs"},
          Output{trade, opt.trade_scales, "--trade-scales", "calibration.trade_shares", "", "province trade scales"}}) {
      if (o.calibrated && o.path.empty())
        throw InputError(fmt::format("{}: {} calibrates {}: name the file to write them to with {}", opt.scenario,
                                     o.key, o.what, o.option));
      if (!o.calibrated && !o.path.empty())
        throw InputError(fmt::format("{} {}: only a scenario with {}{} calibrates {}", o.option, o.path, o.key,
                                     o.condition, o.what));
      if (o.calibrated) {
        std::ofstream out(o.path, std::ios::app);
        if (!out) throw InputError(fmt::format("{}: cannot write the {} here (check {})", o.path, o.what, o.option));
      }
    }
  });
}

// What `regio calibrate` prints on rank 0: each step's iterations and the fits.
void print_calibration(const CalibrateOptions& opt, const CalibrationReport& rep, std::size_t regions, int ranks) {
  auto line = [](const char* what, const SolveStats& s) {
    std::printf("  %-13s %3d nonlinear, %4d linear iterations, %4d residual evaluations, residual %.2e, %.3f s\n", what,
                s.nonlinear_iterations, s.linear_iterations, s.residual_evaluations, s.residual_norm, s.seconds);
  };
  auto fixed_point = [](const char* what, const SolveStats& s) {
    std::printf("  %-13s %3d fixed-point steps (Anderson), max |g| %.2e (from %.2e), %.3f s\n", what,
                s.nonlinear_iterations, s.residual_norm, s.initial_residual_norm, s.seconds);
  };
  std::printf("regio %s calibrate | %zu regions | %d ranks\n", kVersion, regions, ranks);
  line("productivity", rep.productivity);
  if (rep.trade) {
    const auto& f = rep.trade_fit;
    fixed_point("trade scales", f.solve);
    std::printf(
        "  trade: province shares reproduced to %.1e (inherited costs: %.1e); own-province share, spending-weighted: "
        "observed %.4f, inherited %.4f, calibrated %.4f\n",
        f.share_error, f.start_share_error, f.own_share_observed, f.own_share_start, f.own_share);
    if (f.share_error > 1e-8)
      std::printf(
          "  note: the province trade shares are not those of an equilibrium at the regions' GDP (the provinces' "
          "revenues they imply differ from it): reproduced up to one factor per exporting province, which GDP pins "
          "(docs/frictions.md §5)\n");
  }
  if (rep.census) {
    const auto& f = rep.census_fit;
    fixed_point("amenities+costs", f.solve);
    std::printf(
        "  census: province totals reproduced to %.1e (within-province migrants), %.1e (between-province), "
        "%.1e (registered living in other provinces); units' residents to %.1e\n",
        f.max_within_error, f.max_between_error, f.max_emigrant_error, f.max_unit_error);
    std::printf(
        "  census: migrant share %.4f, inter-provincial %.4f; units' shares, model against census: "
        "within-province corr %.3f rmse %.4f, between-province corr %.3f rmse %.4f, registered stayers "
        "corr %.3f rmse %.4f\n",
        f.migrant_share, f.interprovincial_share, f.within_share_correlation, f.within_share_rmse,
        f.between_share_correlation, f.between_share_rmse, f.stayer_share_correlation, f.stayer_share_rmse);
  } else if (rep.amenities_identified) {
    line("amenities", rep.amenity);
  } else if (rep.amenities_from_frictions) {
    std::printf(
        "  amenities     B = 1: migration.frictions gives mu from data, which identifies only B/mu "
        "(MODEL.md 12)\n");
  } else {
    std::printf("  amenities     not identified with migration off: kept as given\n");
  }
  line("verification", rep.verification);
  std::printf("  verification: max |L/L_obs - 1| = %.2e, max |GDP/GDP_obs - 1| = %.2e\n", rep.max_population_error,
              rep.max_gdp_error);
  if (rep.trade) std::printf("  verification: max |share/share_cal - 1| = %.2e\n", rep.max_trade_share_error);
  std::printf("wrote %s\n", opt.output.c_str());
  if (rep.census) std::printf("wrote %s\n", opt.province_costs.c_str());
  if (rep.trade) std::printf("wrote %s\n", opt.trade_scales.c_str());
}

int calibrate_command(const boost::mpi::communicator& comm, const CalibrateOptions& opt) {
  Scenario sc = load_scenario_collectively(comm, opt.scenario);
  insert_petsc_options(sc, opt.petsc_args);
  const DistributedInputs inputs = distribute_inputs(comm, sc, opt.decomposition, /*require_gdp=*/true);
  const bool census = sc.migration.enabled && !sc.calibration.migrants.empty();
  check_calibration_outputs(comm, opt, census, !sc.calibration.trade_shares.empty());
  Simulation sim(comm, inputs);
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());

  const std::vector<Region> all = calibrated_regions(comm, sim);
  on_root(comm, [&] { write_regions(opt.output, all, sector_names(sc)); });
  on_root(comm, [&] {
    if (rep.census)
      write_province_costs(opt.province_costs, sim.geography().province_names, rep.census_fit.within_scale,
                           rep.census_fit.between_scale);
    if (rep.trade)
      write_trade_scales(opt.trade_scales, sim.geography().province_names, sector_names(sc), rep.trade_fit.scale);
  });
  if (comm.rank() == 0) print_calibration(opt, rep, sim.num_regions(), comm.size());
  if (rep.max_population_error > 1e-8 || rep.max_gdp_error > 1e-8)
    raise_on_all_ranks(SolverError(fmt::format(
        "calibration verification failed: the equilibrium from the calibrated fundamentals misses the data by {:.2e} "
        "(population) and {:.2e} (GDP); {}",
        rep.max_population_error, rep.max_gdp_error,
        rep.amenities_from_frictions
            ? fmt::format("with migration.frictions amenities are B = 1 and populations follow from the given "
                          "migration costs, which reproduce the data only if they were inverted (regio frictions) "
                          "from migration shares and real incomes consistent with this scenario ({})",
                          sc.migration.frictions)
            : std::string("the equilibrium may not be unique for these parameters"))));
  if (rep.max_trade_share_error > 1e-8)
    raise_on_all_ranks(SolverError(fmt::format(
        "calibration verification failed: the equilibrium from the calibrated fundamentals and trade scales misses "
        "the province trade shares of the calibration by {:.2e}; the equilibrium may not be unique for these "
        "parameters",
        rep.max_trade_share_error)));
  return 0;
}

int decomp_command(const boost::mpi::communicator& comm, const std::string& scenario, int ranks,
                   const std::string& strategy, const std::string& out) {
  on_root(comm, [&] {
    const Scenario sc = load_scenario(scenario);
    std::vector<std::string> names;
    for (const auto& s : sc.sectors) names.push_back(s.name);
    const auto regions = load_regions(sc.regions, names);
    PartitionReport rep;
    const Decomposition d = partition_provinces(regions, ranks, strategy, &rep);
    std::string text = fmt::format(
        "# {} regions of {} on {} ranks (regio decomp --strategy {}): work imbalance max/mean {:.3f}, "
        "{} of {} neighbour-province links cut\nranks: {}\nassignment:\n",
        regions.size(), sc.regions, ranks, strategy, rep.imbalance, rep.edge_cut, rep.graph_edges, ranks);
    for (int r = 0; r < ranks; ++r) {
      YAML::Emitter e;
      e << YAML::Flow << d.assignment[r];
      text += fmt::format("  - {}   # rank {}: {} provinces\n", e.c_str(), r, d.assignment[r].size());
    }
    if (out.empty()) {
      std::fputs(text.c_str(), stdout);
    } else {
      std::ofstream f(out, std::ios::trunc);
      if (!(f << text)) throw InputError(fmt::format("{}: cannot write the decomposition", out));
      std::printf("wrote %s: %d ranks, strategy %s, work imbalance %.3f, %d of %d neighbour links cut\n", out.c_str(),
                  ranks, strategy.c_str(), rep.imbalance, rep.edge_cut, rep.graph_edges);
    }
  });
  return 0;
}

int validate_command(const boost::mpi::communicator& comm, const ValidateOptions& opt) {
  on_root(comm, [&] {
    const int ranks = opt.ranks > 0 ? opt.ranks : comm.size();
    const LoadedInputs in = load_inputs(load_scenario(opt.scenario), opt.decomposition, ranks);
    const Scenario& sc = in.scenario;
    const auto& regions = in.regions;
    const Decomposition& d = in.decomposition;
    const RankLoad load = rank_load(in.owners, ranks);
    const auto geo = make_geography(regions);
    std::printf(
        "OK: %s: %zu regions in %zu provinces, %zu sectors, %d epochs, %zu policies; decomposition %s for %d ranks "
        "(work imbalance max/mean %.2f)\n",
        opt.scenario.c_str(), regions.size(), geo.province_names.size(), sc.num_sectors(), sc.epochs,
        sc.policies.size(), d.source.c_str(), ranks, load.imbalance);
    if (const auto note = rank_load_note(load, ranks, geo.province_names.size()); !note.empty())
      std::printf("%s\n", note.c_str());
  });
  return 0;
}

int compare_command(const boost::mpi::communicator& comm, const CompareOptions& opt) {
  on_root(comm, [&] {
    const CompareSummary s = compare_runs(opt);
    if (s.counterfactual) {
      std::printf("compared counterfactual %s (scenario) with %s (baseline)\n", opt.scenario.c_str(),
                  opt.baseline.c_str());
    } else {
      std::printf("compared %s (scenario) with %s (baseline): %zu common epochs, %zu provinces at epochs",
                  opt.scenario.c_str(), opt.baseline.c_str(), s.epochs.size(), s.provinces);
      for (std::size_t k = 0; k < s.province_epochs.size(); ++k)
        std::printf("%s%d", k ? "," : " ", s.province_epochs[k]);
      std::printf("\n");
    }
    if (!opt.hats.empty())
      std::printf("hats of %s against the runs' relative changes: largest |hat - levels| %.3g\n", opt.hats.c_str(),
                  s.hats_largest_difference);
    for (const auto& f : s.files) std::printf("wrote %s\n", f.c_str());
    std::fflush(stdout);
  });
  return kExitOk;
}

}  // namespace regio
