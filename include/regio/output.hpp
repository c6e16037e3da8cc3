#pragma once
// Output files of a run (docs/outputs.md): regions.csv, aggregates.csv, solver.csv, run.yaml.
// Only rank 0 writes. run.yaml is written first with `status: running` and rewritten at the
// end with `status: complete` (or `failed` and the error), so a folder whose run.yaml does
// not say complete must not be used.
#include <fstream>
#include <string>
#include <vector>

#include "regio/decomposition.hpp"
#include "regio/equilibrium.hpp"
#include "regio/outcomes.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct RunInfo {
  std::string version, scenario_file, command_line, started, finished, status, error;
  std::string restarted_from;  // checkpoint path, if this run continues another
  bool regions_csv = true;     // write regions.csv (else the panel is only in regions.h5)
  int ranks = 1, epochs = 0, epochs_done = 0, first_epoch = 0;
  std::size_t regions = 0;
  std::string kernel_storage;  // stored | on_the_fly | mixed (KernelStorageSummary); empty: not written
  int kernel_stored_ranks = 0;
  double decomposition_imbalance = 0;  // max/mean regions per rank; 0: not written
};

class OutputWriter {
 public:
  // Rank 0 only. Creates the folder (throws InputError if it cannot be created or written).
  // With info.first_epoch > 0 (a restart) the CSVs are kept up to that epoch and appended to;
  // rows of later epochs (written after the checkpoint by the interrupted run) are dropped.
  OutputWriter(const std::string& dir, const Scenario& sc, const Decomposition& d, RunInfo info);
  // `all`: every region's outcomes for regions.csv, or empty when the panel goes to HDF5.
  // `migration_flows`: P×P persons by hukou province (row) and residence province (column), or
  // empty (migration.csv is then not written).
  void write_epoch(int epoch, int year, const std::vector<RegionOutcome>& all, const Aggregates& agg,
                   const SolveStats& stats, const std::vector<double>& migration_flows = {});
  // Write migration.csv (province-to-province migrants) from now on.
  void enable_migration_csv(const std::vector<std::string>& province_names);
  void finish(const std::string& status, const std::string& error = "");
  const std::string& dir() const { return dir_; }

 private:
  void write_run_yaml();
  void open_csv(std::ofstream& f, const char* name, const std::vector<std::string>& cols);
  std::vector<std::string> provinces_;
  std::string dir_;
  const Scenario& sc_;
  const Decomposition& decomposition_;
  RunInfo info_;
  std::ofstream regions_, aggregates_, solver_, migration_;
};

// Column names (documented in docs/outputs.md; tests check both agree).
std::vector<std::string> region_columns(const Scenario& sc);
std::vector<std::string> aggregate_columns();
std::vector<std::string> solver_columns();
std::vector<std::string> migration_columns();

// "2026-11-23T19:33:51Z"
std::string utc_now();

}  // namespace regio
