#pragma once
// The `regio` subcommands. Each is collective over the communicator and returns the exit code;
// input and solver errors are thrown (identically on every rank) and reported by main().
#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "regio/compare.hpp"
#include "regio/region.hpp"
#include "regio/scenario.hpp"

namespace regio {

// Exit codes of the regio executable.
enum ExitCode : int {
  kExitOk = 0,
  kExitInputError = 1,
  kExitSolverError = 2,
  kExitInternalError = 3,
  kExitInterrupted = 4,  // stopped by SIGTERM/SIGUSR1 after writing a checkpoint: restart it
  kExitNoProgress = 5,   // --progress-timeout: no epoch step for that long (a rank died?): restart it
};

constexpr int kEpochsFromScenario = -2147483647;  // --epochs not given

struct RunOptions {
  std::string scenario;
  std::string decomposition;            // overrides the scenario's; "auto" builds one
  std::string output;                   // overrides the scenario's
  int epochs = kEpochsFromScenario;     // overrides the scenario's when given (range-checked)
  std::string restart;                  // checkpoint to continue from
  std::string export_base;              // base-year folder of the last epoch's equilibrium (base_year_export.hpp)
  std::vector<std::string> set;         // KEY=VALUE: parameters set after loading (scenario_overrides.hpp)
  std::string policies;                 // "" all of the scenario's policies; "none" or 1-based positions "1,3"
  bool welfare_terms = false;           // also write welfare_terms.csv (welfare_terms.hpp)
  std::vector<std::string> petsc_args;  // after `--`
  std::string command_line;
  bool quiet = false;
  bool overwrite = false;       // replace a run already in the output folder (run_folder.hpp)
  double progress_timeout = 0;  // seconds without an epoch step before a rank ends the job (watchdog.hpp); 0: off
};

struct ValidateOptions {
  std::string scenario;
  std::string decomposition;
  int ranks = 0;  // 0 = the communicator's size
};

struct CalibrateOptions {
  std::string scenario;
  std::string decomposition;
  std::string output;          // calibrated region CSV (with `history`: a folder)
  std::string province_costs;  // calibrated migration.province_costs CSV (with calibration.migrants)
  std::string trade_scales;    // calibrated trade.province_scales CSV (with calibration.trade_shares)
  std::vector<std::string> petsc_args;
  // MODEL.md §14: calibrate every year of the window until−10 … until from a history panel
  // folder (docs/forecast-protocol.md §1–2) instead of the scenario's region CSV.
  std::string history;
  int until = 0;
  double home_bias = -1;  // ϕ with --history; < 0: the protocol's rule (docs/forecast-protocol.md)
  // --impute-year CODE:YEAR: a province's abnormal year (GDP and GFCF from the year before, grown
  // like the other provinces; docs/forecast-protocol.md, change 2 after the first comparison)
  std::vector<std::string> impute_years;
};

// The calibrated fundamentals of every region in CSV order, on rank 0 (empty elsewhere). Collective.
class Simulation;
std::vector<std::string> sector_names(const Scenario& sc);
std::vector<Region> calibrated_regions(const boost::mpi::communicator& comm, Simulation& sim);

// `regio calibrate --history DIR --until T`: one calibration per year of the window.
int calibrate_history_command(const boost::mpi::communicator& comm, const CalibrateOptions& opt);
// `regio frictions BASE_DIR`: frictions inverted from a base-year folder's observed shares
// (MODEL.md §12; docs/frictions.md; src/app/frictions.cpp).
struct FrictionsOptions {
  std::string base;                // base-year folder (docs/hat-algebra.md §1)
  std::string trade;               // exact | head-ries ("" = no trade output)
  std::string trade_out;           // trade.frictions CSV to write
  std::string migration_out;       // migration.frictions CSV to write
  std::string zero_trade = "inf";  // inf | max: a pair without trade (τ = ∞), or the sector's largest finite factor
  std::string onto;                // scenario YAML whose provinces and sectors the trade factors are for
  std::vector<std::string> sectors, rename, proxy;  // TARGET=SOURCE, OLD=NEW, TARGET=SOURCE
  bool quiet = false;
};

// argv split at the first `--`: our arguments (with argv[0]) before, PETSc's after, plus an
// argc/argv for PetscInitialize (argv[0] and PETSc's arguments; valid while this object lives).
struct CommandLine {
  std::vector<std::string> ours, petsc;
  int petsc_argc = 0;
  char** petsc_argv = nullptr;

  CommandLine(int argc, char** argv);
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

 private:
  std::vector<char*> storage_;
};

// `regio ensemble SPEC` and `regio shapley SCENARIO` (src/app/ensemble.cpp, docs/ensembles.md).
struct EnsembleOptions {
  std::string file;                  // the spec, or (shapley) the scenario
  bool shapley = false;              // `regio shapley`: all subsets of the scenario's policies
  std::string output;                // overrides the spec's
  std::string decomposition;         // every member's (for the group's ranks)
  int epochs = -1;                   // overrides the spec's and the scenario's when > 0
  int group_ranks = 0;               // ranks per member (0: the spec's, else 1)
  std::string schedule = "dynamic";  // dynamic | static
  bool welfare_terms = false;        // members write welfare_terms.csv; shapley: shapley_welfare.csv
  std::string program;               // argv[0]: the members' command lines start with it
  std::vector<std::string> petsc_args;
  std::string command_line;
};
int ensemble_command(const boost::mpi::communicator& comm, const EnsembleOptions& opt);

// `regio report OUT [--baseline DIR] [--output FILE]` (src/app/report.cpp, docs/report.md): runs
// kReportPython on tools/report.py (REGIO_TOOLS_DIR, else the source tree's tools/) on rank 0
// and returns its exit code on every rank.
struct ReportOptions {
  std::string folder;    // a folder of regio run, ensemble or shapley
  std::string baseline;  // a baseline run folder ("" = none)
  std::string output;    // the HTML file ("" = OUT/report.html)
};
inline constexpr const char* kReportPython = "/usr/bin/python3";  // Debian's, with its python3-* packages
int report_command(const boost::mpi::communicator& comm, const ReportOptions& opt);

// Compares two output folders on rank 0 (CompareOptions in compare.hpp); errors reach every rank.
int compare_command(const boost::mpi::communicator& comm, const CompareOptions& opt);
int calibrate_command(const boost::mpi::communicator& comm, const CalibrateOptions& opt);
int run_command(const boost::mpi::communicator& comm, const RunOptions& opt);
int validate_command(const boost::mpi::communicator& comm, const ValidateOptions& opt);
int frictions_command(const boost::mpi::communicator& comm, const FrictionsOptions& opt);

// Shared by the commands: the scenario read on rank 0 and broadcast (collective), the scenario's
// and then the command line's PETSc options inserted into the options database, argv joined.
Scenario load_scenario_collectively(const boost::mpi::communicator& comm, const std::string& path);
void insert_petsc_options(const Scenario& sc, const std::vector<std::string>& petsc_args);
std::string join_args(const std::vector<std::string>& args);
// The command line run.yaml records: regio's arguments (argv[0] first), then ` -- ` and PETSc's.
std::string command_line_text(const std::vector<std::string>& ours, const std::vector<std::string>& petsc);
int decomp_command(const boost::mpi::communicator& comm, const std::string& scenario, int ranks,
                   const std::string& strategy, const std::string& out);

// Parse argv (PETSc and MPI already initialised) and run the chosen subcommand.
int regio_main(const boost::mpi::communicator& comm, const std::vector<std::string>& args,
               const std::vector<std::string>& petsc_args);

}  // namespace regio
