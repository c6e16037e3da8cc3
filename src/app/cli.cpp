// regio's command line (CLI11): the subcommands and their options, and argv split at `--`.
#include "regio/commands.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "regio/hat/counterfactual.hpp"
#include "regio/output_schema.hpp"
#include "regio/partition.hpp"
#include "regio/scenario.hpp"
#include "regio/version.hpp"

namespace regio {

CommandLine::CommandLine(int argc, char** argv) {
  bool after = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (!after && a == "--" && i > 0) {
      after = true;
      continue;
    }
    (after ? petsc : ours).push_back(a);
  }
  storage_.push_back(argv[0]);
  for (auto& a : petsc) storage_.push_back(a.data());
  storage_.push_back(nullptr);
  petsc_argc = static_cast<int>(storage_.size()) - 1;
  petsc_argv = storage_.data();
}

namespace {

// run, validate and calibrate take the same decomposition option.
void add_decomp_option(CLI::App& cmd, std::string& decomposition) {
  cmd.add_option("--decomp", decomposition, "Decomposition YAML (overrides the scenario's; `auto` builds one)");
}

// One function per subcommand: its name, help, arguments and options, bound to what it fills.

CLI::App* add_run_command(CLI::App& app, RunOptions& run) {
  auto* cmd = app.add_subcommand("run", "Run a scenario epoch by epoch and write outputs");
  cmd->add_option("scenario", run.scenario, "Scenario YAML")->required();
  add_decomp_option(*cmd, run.decomposition);
  cmd->add_option("--out", run.output, "Output folder (overrides the scenario's `output`)");
  // Range-checked against the `epochs` parameter after parsing (one source of truth: parameters.cpp).
  cmd->add_option("--epochs", run.epochs, "Number of epochs (overrides the scenario's)");
  cmd->add_flag("--quiet", run.quiet, "No progress lines");
  auto* restart =
      cmd->add_option("--restart", run.restart, "Continue from a checkpoint (<output>/checkpoints/checkpoint-e*.h5)");
  cmd->add_flag("--overwrite", run.overwrite,
                "Replace the run already in the output folder, and the --export-base folder's export (each is deleted "
                "only once this run completes)")
      ->excludes(restart);
  cmd->add_option("--progress-timeout", run.progress_timeout,
                  "Seconds without an epoch step after which each rank ends the job with exit 5 (a rank that died "
                  "without MPI_Abort would leave the others waiting; docs/guarantees.md); 0: off")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option(
      "--export-base", run.export_base,
      "Write the last epoch's equilibrium as a base-year folder of regio counterfactual (docs/hat-algebra.md)");
  cmd->add_option("--set", run.set,
                  "KEY=VALUE: set a parameter after loading, checked as the key in the scenario file would be "
                  "(repeatable; a sector's: sectors.<name>.<key>, every sector's: sectors.*.<key>)")
      ->allow_extra_args(false);
  cmd->add_option("--policies", run.policies,
                  "Only these of the scenario's policies: 1-based positions in its list, e.g. 1,3, or `none`");
  cmd->add_flag("--welfare-terms", run.welfare_terms,
                "Also write welfare_terms.csv: every region's welfare split into channels (docs/welfare.md)");
  return cmd;
}

// `regio ensemble` and `regio shapley` share their options.
CLI::App* add_ensemble_command(CLI::App& app, EnsembleOptions& ens, bool shapley) {
  auto* cmd = shapley ? app.add_subcommand("shapley",
                                           "Run every subset of a scenario's policies as an ensemble and write the "
                                           "Shapley decomposition of the national outcomes (docs/ensembles.md)")
                      : app.add_subcommand("ensemble",
                                           "Run the members of an ensemble spec (list, grid, quadrature, Latin "
                                           "hypercube or shapley) in groups of ranks and write their bands "
                                           "(docs/ensembles.md)");
  cmd->add_option("file", ens.file, shapley ? "Scenario YAML with policies" : "Ensemble spec YAML")->required();
  cmd->add_option("--out", ens.output, "Output folder (overrides the spec's; members in OUT/members/<id>)");
  cmd->add_option("--group-ranks", ens.group_ranks, "Ranks per member (must divide the job's ranks; default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--epochs", ens.epochs, "Every member's epochs (overrides the spec's and the scenario's)")
      ->check(CLI::PositiveNumber);
  add_decomp_option(*cmd, ens.decomposition);
  cmd->add_option("--schedule", ens.schedule,
                  "dynamic: the next member to the first free group (MPI one-sided counter on rank 0); static: "
                  "group g runs members g, g + groups, ...")
      ->check(CLI::IsMember({"dynamic", "static"}));
  cmd->add_flag("--welfare-terms", ens.welfare_terms,
                "Members also write welfare_terms.csv (regio run --welfare-terms); shapley: shapley_welfare.csv, "
                "each policy's part of the welfare change by channel (docs/welfare.md)");
  ens.shapley = shapley;
  return cmd;
}

CLI::App* add_validate_command(CLI::App& app, ValidateOptions& val) {
  auto* cmd = app.add_subcommand("validate", "Check the scenario, region data and decomposition without solving");
  cmd->add_option("scenario", val.scenario, "Scenario YAML")->required();
  add_decomp_option(*cmd, val.decomposition);
  cmd->add_option("--ranks", val.ranks, "Number of ranks to check the decomposition for (default: this run's)")
      ->check(CLI::PositiveNumber);
  return cmd;
}

CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& cal) {
  auto* cmd = app.add_subcommand("calibrate",
                                 "Invert productivity and amenities so that epoch 0 reproduces the "
                                 "observed population and GDP (MODEL.md §6); writes a region CSV");
  cmd->add_option("scenario", cal.scenario, "Scenario YAML (its region CSV holds the observed data)")->required();
  cmd->add_option("--out", cal.output, "Calibrated region CSV to write (with --history: a folder)")->required();
  cmd->add_option("--province-costs", cal.province_costs,
                  "Calibrated province migration costs to write (required with calibration.migrants; the file "
                  "migration.province_costs reads)");
  cmd->add_option("--trade-scales", cal.trade_scales,
                  "Calibrated province-pair trade scales to write (required with calibration.trade_shares; the "
                  "file trade.province_scales reads)");
  add_decomp_option(*cmd, cal.decomposition);
  auto* history = cmd->add_option("--history", cal.history,
                                  "History panel folder (inputs/china31-history): calibrate every year of "
                                  "until-10 .. until (MODEL.md §14, docs/forecast-protocol.md)");
  cmd->add_option("--until", cal.until, "Last data year T of --history (nothing after T is read)")
      ->check(CLI::Range(1900, 2200))
      ->needs(history);
  cmd->add_option("--home-bias", cal.home_bias,
                  "Home bias phi of every year and of the forecast with --history (default: the rule of "
                  "docs/forecast-protocol.md, the largest multiple of 0.1 at least 0.1 below every province's "
                  "investment share over its GDP share)")
      ->check(CLI::Range(0.0, 0.99))
      ->needs(history);
  cmd->add_option("--impute-year", cal.impute_years,
                  "CODE:YEAR, repeatable: with --history, the province's GDP and GFCF of YEAR are its previous "
                  "year's grown like the sum of the other provinces' (an abnormal year such as Hubei's COVID "
                  "2020: 420000:2020; docs/forecast-protocol.md)")
      ->needs(history);
  history->needs("--until");
  return cmd;
}

// What `regio decomp` is asked for.
struct DecompRequest {
  std::string scenario, strategy = kDefaultPartitionStrategy, out;
  int ranks = 0;
};

CLI::App* add_decomp_command(CLI::App& app, DecompRequest& dec) {
  auto* cmd =
      app.add_subcommand("decomp", "Assign provinces to ranks by estimated work and write a decomposition YAML");
  cmd->add_option("scenario", dec.scenario, "Scenario YAML (its region CSV)")->required();
  cmd->add_option("--ranks", dec.ranks, "Number of ranks")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--strategy", dec.strategy, partition_strategies_help());
  cmd->add_option("-o,--out", dec.out, "Decomposition YAML to write (default: print)");
  return cmd;
}

CLI::App* add_params_command(CLI::App& app, bool& markdown) {
  auto* cmd = app.add_subcommand("params", "Print every scenario parameter with its default, range and meaning");
  cmd->add_flag("--markdown", markdown, "Markdown table (the source of docs/parameters.md)");
  return cmd;
}

CLI::App* add_schema_command(CLI::App& app, bool& markdown) {
  auto* cmd = app.add_subcommand("schema",
                                 "Print the output files' columns, units and meanings as JSON (the source "
                                 "of tools/output_schema.json)");
  cmd->add_flag("--markdown", markdown, "Markdown tables instead (the source of docs/outputs.md's tables)");
  return cmd;
}

CLI::App* add_compare_command(CLI::App& app, CompareOptions& cmp) {
  auto* cmd = app.add_subcommand("compare",
                                 "Compare a scenario run with a baseline run: national differences per "
                                 "epoch, provinces at chosen epochs (CSV) and a Markdown summary; or two "
                                 "counterfactual folders");
  cmd->add_option("baseline", cmp.baseline, "Output folder of the baseline run")->required();
  cmd->add_option("scenario", cmp.scenario, "Output folder of the scenario run")->required();
  cmd->add_option("--out", cmp.output, "Folder for national.csv, provinces.csv and summary.md (created)")->required();
  cmd->add_option("--epochs", cmp.epochs, "Epochs of provinces.csv, e.g. 0,5,last (default: first,last)");
  cmd->add_flag("--allow-partial", cmp.allow_partial, "Accept runs whose run.yaml does not say `status: complete`");
  cmd->add_option("--hats", cmp.hats,
                  "Output folder of `regio counterfactual`: its hats against the runs' relative changes "
                  "(hats_regions.csv, hats_national.csv)");
  return cmd;
}

CLI::App* add_report_command(CLI::App& app, ReportOptions& rep) {
  auto* cmd = app.add_subcommand("report",
                                 "Write one self-contained HTML page about a run, a run against a baseline, an "
                                 "ensemble or a Shapley decomposition: maps, time series, headline, Shapley and "
                                 "welfare tables, solver statistics, provenance (docs/report.md)");
  cmd->add_option("folder", rep.folder, "Output folder of regio run, regio ensemble or regio shapley")->required();
  cmd->add_option("--baseline", rep.baseline, "Output folder of a baseline run: differences against it");
  cmd->add_option("--output", rep.output, "HTML file to write (default FOLDER/report.html)");
  return cmd;
}

// `regio params` and `regio schema` print from rank 0 only.
int print_on_root(const boost::mpi::communicator& comm, const std::string& text) {
  if (comm.rank() == 0) std::cout << text;
  return 0;
}

CLI::App* add_counterfactual_command(CLI::App& app, hat::CounterfactualOptions& cf) {
  auto* cmd = app.add_subcommand("counterfactual",
                                 "Solve one counterfactual in changes (exact hat algebra, MODEL.md §12) "
                                 "from a base-year folder of observed shares; docs/hat-algebra.md");
  cmd->add_option("file", cf.file, "Counterfactual YAML (base_year, migration, shocks)")->required();
  cmd->add_option("--out", cf.output, "Output folder (overrides the file's `output`)");
  add_decomp_option(*cmd, cf.decomposition);
  cmd->add_flag("--quiet", cf.quiet, "No progress lines");
  cmd->add_flag("--overwrite", cf.overwrite,
                "Replace the run already in the output folder (it is deleted only once this run completes)");
  return cmd;
}

CLI::App* add_frictions_command(CLI::App& app, FrictionsOptions& fr) {
  auto* cmd = app.add_subcommand("frictions",
                                 "Invert bilateral trade and migration frictions from a base-year folder's observed "
                                 "shares (MODEL.md §12) into trade.frictions / migration.frictions CSVs; "
                                 "docs/frictions.md");
  cmd->add_option("base", fr.base, "Base-year folder (regio run --export-base, or inputs/tombe-zhu-2019/base-2000)")
      ->required();
  cmd->add_option("--trade", fr.trade,
                  "exact: τ_nis/τ_nns = (p_ns/p_is)(π_nis/π_nns)^(−1/θ_s), asymmetric, needs producer prices; "
                  "head-ries: the symmetric index (π_nis π_ins/(π_nns π_iis))^(−1/(2θ_s))")
      ->check(CLI::IsMember({"exact", "head-ries"}));
  cmd->add_option("--trade-out", fr.trade_out, "trade.frictions CSV to write");
  cmd->add_option("--migration-out", fr.migration_out,
                  "migration.frictions CSV to write: μ_uv^(−ε) = (m_uv/m_uu)(Ũ_u/U_v)^ε, B ≡ 1");
  cmd->add_option("--zero-trade", fr.zero_trade,
                  "A pair without observed trade: inf (τ = ∞, no trade; the default) or max (the sector's largest "
                  "finite factor)")
      ->check(CLI::IsMember({"inf", "max"}));
  cmd->add_option("--onto", fr.onto,
                  "Scenario YAML: write the trade factors for its provinces and sectors (with its θ_s)");
  cmd->add_option("--sectors", fr.sectors, "TARGET=SOURCE,...: the base-year sector each output sector takes")
      ->delimiter(',');
  cmd->add_option("--rename", fr.rename, "OLD=NEW,...: base-year province names to match the output's")->delimiter(',');
  cmd->add_option("--proxy", fr.proxy,
                  "TARGET=SOURCE,...: a province of --onto that the base year lacks takes SOURCE's factors")
      ->delimiter(',');
  cmd->add_flag("--quiet", fr.quiet, "No report");
  return cmd;
}

}  // namespace

int regio_main(const boost::mpi::communicator& comm, const std::vector<std::string>& args,
               const std::vector<std::string>& petsc_args) {
  CLI::App app{
      "regio: distributed simulator of China's inter-regional factor markets (MODEL.md)\n"
      "Solver options for PETSc go after `--`, e.g. regio run s.yaml -- -national_snes_monitor -log_view",
      "regio"};
  app.set_version_flag("--version", std::string("regio ") + kVersion);
  app.require_subcommand(1);

  RunOptions run;
  ValidateOptions val;
  CalibrateOptions cal;
  DecompRequest dec;
  bool markdown = false;
  CompareOptions cmp;
  auto* run_cmd = add_run_command(app, run);
  auto* val_cmd = add_validate_command(app, val);
  auto* cal_cmd = add_calibrate_command(app, cal);
  auto* dec_cmd = add_decomp_command(app, dec);
  auto* par_cmd = add_params_command(app, markdown);
  auto* sch_cmd = add_schema_command(app, markdown);
  auto* cmp_cmd = add_compare_command(app, cmp);
  hat::CounterfactualOptions cf;
  auto* cf_cmd = add_counterfactual_command(app, cf);
  FrictionsOptions fr;
  auto* fr_cmd = add_frictions_command(app, fr);
  EnsembleOptions ens, shap;
  auto* ens_cmd = add_ensemble_command(app, ens, false);
  auto* shap_cmd = add_ensemble_command(app, shap, true);
  ReportOptions rep;
  auto* rep_cmd = add_report_command(app, rep);

  std::vector<std::string> rev(args.rbegin(), args.rend() - 1);  // CLI11 takes reversed args, no argv[0]
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp& e) {  // --help, --version: CLI11's own output, exit 0
    return comm.rank() == 0 ? app.exit(e) : 0;
  } catch (const CLI::CallForAllHelp& e) {
    return comm.rank() == 0 ? app.exit(e) : 0;
  } catch (const CLI::CallForVersion& e) {
    return comm.rank() == 0 ? app.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    // A command line regio cannot use is a bad input like any other: one line, exit 1 on every rank.
    if (comm.rank() == 0)
      std::fprintf(stderr, "regio: error: command line: %s — see `regio --help` or `regio COMMAND --help`\n", e.what());
    return kExitInputError;
  }
  run.petsc_args = petsc_args;
  run.command_line = command_line_text(args, petsc_args);
  if (*run_cmd) return run_command(comm, run);
  if (*cf_cmd) {
    cf.command_line = run.command_line;
    return hat::counterfactual_command(comm, cf);
  }
  for (auto [cmd, e] : {std::pair{ens_cmd, &ens}, std::pair{shap_cmd, &shap}})
    if (*cmd) {
      e->program = args.front();
      e->petsc_args = petsc_args;
      e->command_line = run.command_line;
      return ensemble_command(comm, *e);
    }
  if (*val_cmd) return validate_command(comm, val);
  if (*fr_cmd) return frictions_command(comm, fr);
  if (*cmp_cmd) return compare_command(comm, cmp);
  if (*rep_cmd) return report_command(comm, rep);
  if (*dec_cmd) return decomp_command(comm, dec.scenario, dec.ranks, dec.strategy, dec.out);
  if (*cal_cmd) {
    cal.petsc_args = petsc_args;
    return cal.history.empty() ? calibrate_command(comm, cal) : calibrate_history_command(comm, cal);
  }
  if (*sch_cmd) return print_on_root(comm, markdown ? schema::markdown() : schema::json());
  if (*par_cmd) return print_on_root(comm, markdown ? parameters_markdown() : scenario_to_yaml(Scenario::defaults()));
  return 0;
}

}  // namespace regio
