// CLI (CLI11) and the run / calibrate / validate / decomp / compare / params subcommands.
#include "regio/commands.hpp"

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>
#include <boost/mpi/collectives.hpp>
#include <fmt/format.h>
#include <petscsys.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "regio/calibration.hpp"
#include "regio/checkpoint.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/output.hpp"
#include "regio/partition.hpp"
#include "regio/policy_kind.hpp"
#include "regio/profiling.hpp"
#include "regio/region_panel.hpp"
#include "regio/petsc_util.hpp"
#include "regio/simulation.hpp"
#include "regio/version.hpp"

namespace regio {

namespace {

std::string join_args(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

Scenario load_scenario_collectively(const boost::mpi::communicator& comm, const std::string& path) {
  Scenario sc;
  on_root_collectively(comm, [&] { sc = load_scenario(path); });
  boost::mpi::broadcast(comm, sc, 0);
  return sc;
}

std::string seconds_text(double s) {
  if (s < 120) return fmt::format("{:.1f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.2f} h", s / 3600);
}

// SLURM's --signal (and scancel, preemption) deliver SIGUSR1 or SIGTERM: finish the epoch,
// checkpoint, exit with kExitInterrupted. Only a flag is set here; ranks agree after each epoch.
volatile std::sig_atomic_t g_stop_requested = 0;
extern "C" void request_stop(int) { g_stop_requested = 1; }

bool stop_requested(MPI_Comm comm) {
  int mine = g_stop_requested ? 1 : 0, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
  return any != 0;
}

// A misspelt PETSc option is silently ignored by PETSc: say so once the solver has read its
// options (after the first epoch), in the log where the user will look.
void warn_unused_petsc_options() {
  PetscInt n = 0;
  char** names = nullptr;
  char** values = nullptr;
  REGIO_PETSC(PetscOptionsLeftGet(nullptr, &n, &names, &values));
  for (PetscInt k = 0; k < n; ++k)
    std::fprintf(stderr, "regio: warning: PETSc option -%s%s%s was not used (misspelt? solver options take the prefix -national_)\n",
                 names[k], values[k] ? " " : "", values[k] ? values[k] : "");
  REGIO_PETSC(PetscOptionsLeftRestore(nullptr, &n, &names, &values));
}

// Regions per rank: the imbalance (max/mean) and the ranks that own none (a province is never
// split, so ranks beyond the provinces idle).
struct RankLoad {
  double imbalance = 1;
  long idle = 0;
};
RankLoad rank_load(const std::vector<int>& owners, int ranks) {
  std::vector<std::size_t> per_rank(static_cast<std::size_t>(ranks), 0);
  for (const int o : owners) ++per_rank[static_cast<std::size_t>(o)];
  RankLoad l;
  l.imbalance = double(*std::max_element(per_rank.begin(), per_rank.end())) / (double(owners.size()) / ranks);
  l.idle = static_cast<long>(std::count(per_rank.begin(), per_rank.end(), std::size_t(0)));
  return l;
}
// A `note:` line about the balance, or "" when it is fine.
std::string rank_load_note(const RankLoad& l, int ranks, std::size_t provinces) {
  if (l.idle > 0)
    return fmt::format("note: {} of {} ranks {} no region ({} provinces, and a province is never split across ranks): {}; "
                       "run on at most {} ranks",
                       l.idle, ranks, l.idle == 1 ? "owns" : "own", provinces, l.idle == 1 ? "it idles" : "they idle", provinces);
  if (l.imbalance > 1.1)
    return fmt::format("note: decomposition imbalance {:.3f} (the busiest rank has {:.0f}% more regions than the mean and sets "
                       "the pace); `regio decomp --strategy balanced` shows the best assignment it finds, fewer ranks balance better",
                       l.imbalance, 100 * (l.imbalance - 1));
  return "";
}

// The size of the transport network in force (rank 0; preparing it is local, not collective).
void print_network(Simulation& sim) {
  const auto& costs = sim.system().costs();
  const std::size_t idle = costs.idle_links();
  const std::string idle_text =
      idle == 0 ? "" : fmt::format(" ({} no cheaper than the direct leg between their ends: they change no distance)", idle);
  std::printf("network: %zu link%s%s, %zu nodes (the ends of links cheaper than their direct legs), %.1f exits per region\n",
              costs.links(), costs.links() == 1 ? "" : "s", idle_text.c_str(), costs.network_nodes(),
              double(costs.network_exits()) / double(std::max<std::size_t>(1, sim.num_regions())));
}

}  // namespace

CommandLine::CommandLine(int argc, char** argv) {
  bool after = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (!after && a == "--" && i > 0) { after = true; continue; }
    (after ? petsc : ours).push_back(a);
  }
  storage_.push_back(argv[0]);
  for (auto& a : petsc) storage_.push_back(a.data());
  storage_.push_back(nullptr);
  petsc_argc = static_cast<int>(storage_.size()) - 1;
  petsc_argv = storage_.data();
}

int run_command(const boost::mpi::communicator& comm, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  Scenario sc = load_scenario_collectively(comm, opt.scenario);
  if (opt.epochs > 0) sc.epochs = opt.epochs;
  if (!opt.output.empty()) sc.output = opt.output;
  // Solver options: YAML first, then the command line again so that it wins.
  REGIO_PETSC(PetscOptionsInsertString(nullptr, sc.solver.petsc_options.c_str()));
  REGIO_PETSC(PetscOptionsInsertString(nullptr, join_args(opt.petsc_args).c_str()));

  DistributedInputs inputs = distribute_inputs(comm, sc, opt.decomposition);
  const bool root = comm.rank() == 0;
  Simulation sim(comm, inputs);

  // A restart continues from the checkpoint's epoch with the checkpoint's state.
  CheckpointInfo identity;
  identity.scenario_hash = scenario_hash(sc);
  identity.geography_hash = geography_hash(inputs.geography);
  identity.version = kVersion;
  int first_epoch = 0;
  if (!opt.restart.empty()) {
    std::vector<SolverArray> solver_state;
    first_epoch = read_checkpoint(opt.restart, sim.layout(), sim.state(), identity, sim.system().solver_state_names(),
                                  &solver_state).epoch;
    sim.system().restore_solver_state(solver_state);  // so that the run continues exactly
    if (first_epoch >= sc.epochs)
      throw InputError(fmt::format("{}: the checkpoint is at epoch {} but the run has only {} epochs; raise --epochs",
                                   opt.restart, first_epoch, sc.epochs));
  }
  const std::string checkpoint_dir = (std::filesystem::path(sc.output) / "checkpoints").string();

  const PanelFormats formats = panel_formats(sc.output_format, inputs.geography.size());
  std::optional<OutputWriter> out;
  RunInfo info{kVersion, opt.scenario, opt.command_line, "", "", "", "", opt.restart, formats.csv, comm.size(),
               sc.epochs, first_epoch, first_epoch, inputs.geography.size(), "", 0};
  const KernelStorageSummary kernel_storage = sim.system().kernel_storage_summary();  // collective
  info.kernel_storage = kernel_storage.storage();
  info.kernel_stored_ranks = kernel_storage.stored_ranks;
  const RankLoad load = rank_load(inputs.owners, comm.size());
  info.decomposition_imbalance = load.imbalance;
  // migration.csv: province-to-province migrants, P×(P−1) rows per epoch (skipped above 300 provinces).
  const bool migration_csv = sc.migration.enabled && inputs.geography.province_names.size() <= 300;
  on_root_collectively(comm, [&] {
    out.emplace(sc.output, sc, inputs.decomposition, info);
    if (migration_csv) out->enable_migration_csv(inputs.geography.province_names);
  });
  // From here on run.yaml exists: an error leaves it at `failed` (the catch below).
  try {
    std::optional<RegionPanelH5> panel;  // collective: every rank writes its own rows
    if (formats.hdf5)
      panel.emplace((std::filesystem::path(sc.output) / "regions.h5").string(), sim.layout(), inputs.geography, sc,
                    first_epoch);

    if (root && !opt.quiet) {
      std::printf("regio %s | %zu regions in %zu provinces, %zu sectors | %d ranks, decomposition %s | %d epochs from %d | output %s\n",
                  kVersion, sim.num_regions(), inputs.geography.province_names.size(), sc.num_sectors(), comm.size(),
                  inputs.decomposition.source.c_str(), sc.epochs, sc.start_year, sc.output.c_str());
      std::printf("%s\n", kernel_storage.describe().c_str());
      if (const auto note = rank_load_note(load, comm.size(), inputs.geography.province_names.size()); !note.empty())
        std::printf("%s\n", note.c_str());
      if (first_epoch > 0) std::printf("restarting from %s at epoch %d/%d\n", opt.restart.c_str(), first_epoch + 1, sc.epochs);
      std::fflush(stdout);
    }
    g_stop_requested = 0;
    std::signal(SIGTERM, request_stop);
    std::signal(SIGUSR1, request_stop);
    for (int e = first_epoch; e < sc.epochs; ++e) {
      if (root && !opt.quiet)
        for (const auto& p : sim.scenario().policies)
          if (p.epoch == e)
            std::printf("policy: %s takes effect in year %d%s\n", p.describe().c_str(), sc.start_year + e,
                        p.selected.empty() ? "" : fmt::format(" ({} regions)", p.selected.size()).c_str());
      const SolveStats st = sim.solve();
      const auto mine = sim.local_outcomes();
      const Aggregates agg = sim.aggregates_from_local(mine);
      std::optional<profiling::Stage> output_stage(std::in_place, profiling::ids().output);
      std::optional<profiling::Event> output_event(std::in_place, profiling::ids().output_event);
      if (panel) panel->write_epoch(e, sim.year(), mine);
      std::vector<RegionOutcome> all;  // regions.csv: gathered on rank 0 only
      if (formats.csv) {
        std::vector<std::vector<RegionOutcome>> parts;
        boost::mpi::gather(comm, mine, parts, 0);
        for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
      }
      // Collective verdict: a write failure on rank 0 must stop every rank, not hang them.
      const std::vector<double> flows = migration_csv ? sim.province_migration_flows() : std::vector<double>{};
      on_root_collectively(comm, [&] { out->write_epoch(e, sim.year(), all, agg, st, flows); });
      output_event.reset();
      output_stage.reset();
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (root && !opt.quiet) {
        const double eta = elapsed / (e + 1 - first_epoch) * (sc.epochs - e - 1);
        std::printf("epoch %d/%d year %d | newton %d (gmres %d, F evals %d) | residual %.2e | %.3f s | elapsed %s | ETA %s\n",
                    e + 1, sc.epochs, sim.year(), st.nonlinear_iterations, st.linear_iterations,
                    st.residual_evaluations, st.residual_norm, st.seconds, seconds_text(elapsed).c_str(),
                    seconds_text(eta).c_str());
        std::fflush(stdout);
      }
      // The network this epoch solved with: in the run's first epoch (the network file, and the
      // links of policies already in force, e.g. on a restart) and whenever a policy adds links.
      if (root && !opt.quiet &&
          ((e == first_epoch && sim.system().costs().links() > 0) ||
           std::any_of(sim.scenario().policies.begin(), sim.scenario().policies.end(),
                       [&](const Policy& p) { return p.epoch == e && policy_kind(p).adds_links(); })))
        print_network(sim);
      if (e == first_epoch && root) warn_unused_petsc_options();
      if (e == 0 && root && !opt.quiet && !sim.opening_note().empty()) std::printf("note: %s\n", sim.opening_note().c_str());
      if (e + 1 == sc.epochs) break;
      sim.advance();
      const bool stop = stop_requested(comm);
      if (stop || (sc.checkpoint_every > 0 && (e + 1) % sc.checkpoint_every == 0)) {
        profiling::Stage checkpoint_stage(profiling::ids().checkpoint);
        profiling::Event checkpoint_event(profiling::ids().checkpoint_event);
        const std::string path = (std::filesystem::path(checkpoint_dir) / checkpoint_name(e + 1)).string();
        CheckpointInfo info = identity;
        info.epoch = e + 1;
        write_checkpoint(path, sim.layout(), sim.state(), info, sim.system().solver_state());
        prune_checkpoints(checkpoint_dir, 2, sim.layout());
        if (root && !opt.quiet) std::printf("checkpoint %s (epoch %d)\n", path.c_str(), e + 1);
        if (stop) {
          on_root_collectively(comm, [&] { out->finish("interrupted", "stopped by a signal; continue with --restart " + path); });
          if (root)
            std::printf("stopped by signal after epoch %d/%d: restart with `regio run %s --restart %s`\n", e + 1,
                        sc.epochs, opt.scenario.c_str(), path.c_str());
          std::fflush(stdout);
          return kExitInterrupted;
        }
      }
    }
  } catch (const std::exception& err) {
    // Any error met mid-run (the solver's, an option or input found wrong late, I/O, PETSc)
    // leaves the record at `failed` with its message rather than at `running`; if even the
    // record cannot be written, the original error is the one reported.
    if (root) {
      try {
        out->finish("failed", err.what());
      } catch (...) {
      }
    }
    throw;
  }
  on_root_collectively(comm, [&] { out->finish("complete"); });
  if (root && !opt.quiet) std::printf("done: outputs in %s (run.yaml status: complete)\n", sc.output.c_str());
  return kExitOk;
}

int calibrate_command(const boost::mpi::communicator& comm, const CalibrateOptions& opt) {
  Scenario sc = load_scenario_collectively(comm, opt.scenario);
  REGIO_PETSC(PetscOptionsInsertString(nullptr, sc.solver.petsc_options.c_str()));
  REGIO_PETSC(PetscOptionsInsertString(nullptr, join_args(opt.petsc_args).c_str()));
  const DistributedInputs inputs = distribute_inputs(comm, sc, opt.decomposition, /*require_gdp=*/true);
  on_root_collectively(comm, [&] {  // fail before solving if the output cannot be written
    std::ofstream probe(opt.output, std::ios::app);
    if (!probe) throw InputError(fmt::format("{}: cannot write the calibrated CSV here (check --out)", opt.output));
  });
  Simulation sim(comm, inputs);
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());

  // Calibrated fundamentals into the records, gathered to rank 0 in CSV order.
  auto& st = sim.state();
  std::vector<Region> mine = st.records;
  for (std::size_t j = 0; j < mine.size(); ++j) {
    for (std::size_t s = 0; s < sc.num_sectors(); ++s) mine[j].productivity[s] = std::exp(st.log_productivity[j * sc.num_sectors() + s]);
    mine[j].amenity = st.amenity[j];
  }
  std::vector<std::vector<Region>> parts;
  boost::mpi::gather(comm, mine, parts, 0);
  on_root_collectively(comm, [&] {
    std::vector<Region> all;
    for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    std::vector<std::string> names;
    for (const auto& s : sc.sectors) names.push_back(s.name);
    write_regions(opt.output, all, names);
  });
  if (comm.rank() == 0) {
    auto line = [](const char* what, const SolveStats& s) {
      std::printf("  %-13s %3d nonlinear, %4d linear iterations, %4d residual evaluations, residual %.2e, %.3f s\n", what,
                  s.nonlinear_iterations, s.linear_iterations, s.residual_evaluations, s.residual_norm, s.seconds);
    };
    std::printf("regio %s calibrate | %zu regions | %d ranks\n", kVersion, sim.num_regions(), comm.size());
    line("productivity", rep.productivity);
    if (rep.amenities_identified) line("amenities", rep.amenity);
    else std::printf("  amenities     not identified with migration off: kept as given\n");
    line("verification", rep.verification);
    std::printf("  verification: max |L/L_obs - 1| = %.2e, max |GDP/GDP_obs - 1| = %.2e\n", rep.max_population_error,
                rep.max_gdp_error);
    std::printf("wrote %s\n", opt.output.c_str());
  }
  if (rep.max_population_error > 1e-8 || rep.max_gdp_error > 1e-8)
    throw SolverError(fmt::format("calibration verification failed: the equilibrium from the calibrated fundamentals "
                                  "misses the data by {:.2e} (population) and {:.2e} (GDP); the equilibrium may not "
                                  "be unique for these parameters", rep.max_population_error, rep.max_gdp_error));
  return 0;
}

int decomp_command(const boost::mpi::communicator& comm, const std::string& scenario, int ranks,
                   const std::string& strategy, const std::string& out) {
  on_root_collectively(comm, [&] {
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
  on_root_collectively(comm, [&] {
    const int ranks = opt.ranks > 0 ? opt.ranks : comm.size();
    const LoadedInputs in = load_inputs(load_scenario(opt.scenario), opt.decomposition, ranks);
    const Scenario& sc = in.scenario;
    const auto& regions = in.regions;
    const Decomposition& d = in.decomposition;
    const RankLoad load = rank_load(in.owners, ranks);
    const auto geo = make_geography(regions);
    std::printf("OK: %s: %zu regions in %zu provinces, %zu sectors, %d epochs, %zu policies; decomposition %s for %d ranks "
                "(work imbalance max/mean %.2f)\n",
                opt.scenario.c_str(), regions.size(), geo.province_names.size(), sc.num_sectors(), sc.epochs,
                sc.policies.size(), d.source.c_str(), ranks, load.imbalance);
    if (const auto note = rank_load_note(load, ranks, geo.province_names.size()); !note.empty()) std::printf("%s\n", note.c_str());
  });
  return 0;
}

int compare_command(const boost::mpi::communicator& comm, const CompareOptions& opt) {
  on_root_collectively(comm, [&] {
    const CompareSummary s = compare_runs(opt);
    std::printf("compared %s (scenario) with %s (baseline): %zu common epochs, %zu provinces at epochs",
                opt.scenario.c_str(), opt.baseline.c_str(), s.epochs.size(), s.provinces);
    for (std::size_t k = 0; k < s.province_epochs.size(); ++k) std::printf("%s%d", k ? "," : " ", s.province_epochs[k]);
    std::printf("\n");
    for (const auto& f : s.files) std::printf("wrote %s\n", f.c_str());
    std::fflush(stdout);
  });
  return kExitOk;
}

int regio_main(const boost::mpi::communicator& comm, const std::vector<std::string>& args,
               const std::vector<std::string>& petsc_args) {
  CLI::App app{"regio: distributed simulator of China's inter-regional factor markets (MODEL.md)\n"
               "Solver options for PETSc go after `--`, e.g. regio run s.yaml -- -national_snes_monitor -log_view", "regio"};
  app.set_version_flag("--version", std::string("regio ") + kVersion);
  app.require_subcommand(1);

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario epoch by epoch and write outputs");
  run_cmd->add_option("scenario", run.scenario, "Scenario YAML")->required();
  run_cmd->add_option("--decomp", run.decomposition, "Decomposition YAML (overrides the scenario's; `auto` builds one)");
  run_cmd->add_option("--out", run.output, "Output folder (overrides the scenario's `output`)");
  run_cmd->add_option("--epochs", run.epochs, "Number of epochs (overrides the scenario's)")->check(CLI::PositiveNumber);
  run_cmd->add_flag("--quiet", run.quiet, "No progress lines");
  run_cmd->add_option("--restart", run.restart, "Continue from a checkpoint (<output>/checkpoints/checkpoint-e*.h5)");

  ValidateOptions val;
  auto* val_cmd = app.add_subcommand("validate", "Check the scenario, region data and decomposition without solving");
  val_cmd->add_option("scenario", val.scenario, "Scenario YAML")->required();
  val_cmd->add_option("--decomp", val.decomposition, "Decomposition YAML (overrides the scenario's; `auto` builds one)");
  val_cmd->add_option("--ranks", val.ranks, "Number of ranks to check the decomposition for (default: this run's)")
      ->check(CLI::PositiveNumber);

  CalibrateOptions cal;
  auto* cal_cmd = app.add_subcommand("calibrate", "Invert productivity and amenities so that epoch 0 reproduces the "
                                                  "observed population and GDP (MODEL.md §6); writes a region CSV");
  cal_cmd->add_option("scenario", cal.scenario, "Scenario YAML (its region CSV holds the observed data)")->required();
  cal_cmd->add_option("--out", cal.output, "Calibrated region CSV to write")->required();
  cal_cmd->add_option("--decomp", cal.decomposition, "Decomposition YAML (overrides the scenario's; `auto` builds one)");

  std::string decomp_scenario, decomp_strategy = kDefaultPartitionStrategy, decomp_out;
  int decomp_ranks = 0;
  auto* dec_cmd = app.add_subcommand("decomp", "Assign provinces to ranks by estimated work and write a decomposition YAML");
  dec_cmd->add_option("scenario", decomp_scenario, "Scenario YAML (its region CSV)")->required();
  dec_cmd->add_option("--ranks", decomp_ranks, "Number of ranks")->required()->check(CLI::PositiveNumber);
  dec_cmd->add_option("--strategy", decomp_strategy, partition_strategies_help());
  dec_cmd->add_option("-o,--out", decomp_out, "Decomposition YAML to write (default: print)");

  bool markdown = false;
  auto* par_cmd = app.add_subcommand("params", "Print every scenario parameter with its default, range and meaning");
  par_cmd->add_flag("--markdown", markdown, "Markdown table (the source of docs/parameters.md)");

  CompareOptions cmp;
  auto* cmp_cmd = app.add_subcommand("compare", "Compare a scenario run with a baseline run: national differences per "
                                                "epoch, provinces at chosen epochs (CSV) and a Markdown summary");
  cmp_cmd->add_option("baseline", cmp.baseline, "Output folder of the baseline run")->required();
  cmp_cmd->add_option("scenario", cmp.scenario, "Output folder of the scenario run")->required();
  cmp_cmd->add_option("--out", cmp.output, "Folder for national.csv, provinces.csv and summary.md (created)")->required();
  cmp_cmd->add_option("--epochs", cmp.epochs, "Epochs of provinces.csv, e.g. 0,5,last (default: first,last)");
  cmp_cmd->add_flag("--allow-partial", cmp.allow_partial, "Accept runs whose run.yaml does not say `status: complete`");

  std::vector<std::string> rev(args.rbegin(), args.rend() - 1);  // CLI11 takes reversed args, no argv[0]
  try {
    app.parse(rev);
  } catch (const CLI::ParseError& e) {
    int rc = 0;
    if (comm.rank() == 0) rc = app.exit(e);
    else rc = e.get_exit_code();
    return rc;
  }
  run.petsc_args = petsc_args;
  run.command_line = join_args(args) + (petsc_args.empty() ? "" : " -- " + join_args(petsc_args));
  if (*run_cmd) return run_command(comm, run);
  if (*val_cmd) return validate_command(comm, val);
  if (*cmp_cmd) return compare_command(comm, cmp);
  if (*dec_cmd) return decomp_command(comm, decomp_scenario, decomp_ranks, decomp_strategy, decomp_out);
  if (*cal_cmd) {
    cal.petsc_args = petsc_args;
    return calibrate_command(comm, cal);
  }
  if (*par_cmd) {
    if (comm.rank() == 0) {
      if (markdown) std::cout << parameters_markdown();
      else std::cout << scenario_to_yaml(Scenario::defaults());
    }
    return 0;
  }
  return 0;
}

}  // namespace regio
