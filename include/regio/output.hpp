#pragma once
// Output files of a run (docs/outputs.md): regions.csv, aggregates.csv, solver.csv, run.yaml;
// their names, columns and keys are the output schema's (output_schema.hpp).
// Only rank 0 writes. run.yaml is written first with `status: running` and replaced atomically
// at the end with `status: complete` (or `interrupted`, or `failed` and the error), so a folder
// whose run.yaml does not say complete must not be used. Every write is checked
// (output_file.hpp): a failed one is an InputError, never a complete run.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "regio/decomposition.hpp"
#include "regio/equilibrium.hpp"
#include "regio/outcomes.hpp"
#include "regio/output_file.hpp"
#include "regio/scenario.hpp"
#include "regio/welfare_terms.hpp"

namespace regio {

struct RunInfo {
  std::string version, run_id, scenario_file, command_line, started, finished, status, error;
  std::string restarted_from;  // checkpoint path, if this run continues another
  bool regions_csv = true;     // write regions.csv (else the panel is only in regions.h5)
  int ranks = 1, epochs = 0, epochs_done = 0, first_epoch = 0;
  std::size_t regions = 0;
  std::string kernel_storage;  // stored | on_the_fly | mixed (KernelStorageSummary); empty: not written
  int kernel_stored_ranks = 0;
  double decomposition_imbalance = 0;  // max/mean regions per rank; 0: not written
  bool welfare_terms = false;          // write welfare_terms.csv (regio run --welfare-terms)
};

// regions.csv's column names for the scenario's sectors (output_schema.hpp).
std::vector<std::string> region_columns(const Scenario& sc);

// One outcome column of the region panel (regions.csv after the keys, one regions.h5 dataset
// each): an outcome member, or (member null) the employment of one sector.
struct RegionField {
  std::string name;
  double RegionOutcome::*member = nullptr;
  std::size_t sector = 0;
  double of(const RegionOutcome& o) const { return member ? o.*member : o.employment[sector]; }
};
// The outcome columns of regions.csv in schema order (every column but the keys epoch, year,
// region, province). Throws std::logic_error if a schema column has no outcome member.
std::vector<RegionField> region_fields(const Scenario& sc);
// The Aggregates member of each aggregates.csv column after epoch and year, in schema order.
std::vector<double Aggregates::*> aggregate_fields();

class OutputWriter {
 public:
  // Rank 0 only, in a folder the run owns (run_folder.hpp). With info.first_epoch > 0 (a
  // restart) the folder must hold the run info.run_id with every epoch before first_epoch
  // whole (restart_rows.hpp), else InputError before anything is written; the CSVs keep
  // those rows and are appended to, rows of later epochs are dropped. `migration_provinces`:
  // write migration.csv (province-to-province migrants) for these provinces; empty: not.
  // An error after run.yaml is written leaves it at `failed`.
  OutputWriter(const std::string& dir, const Scenario& sc, const Decomposition& d, RunInfo info,
               const std::vector<std::string>& migration_provinces = {});
  // An epoch is staged (its rows formatted in memory, nothing written), then written by
  // flush_epoch(): the caller checks in between that the file system has room for the bytes
  // staged (require_free_space), so a full disk is found before any of the epoch is written.
  // `all`: every region's outcomes for regions.csv, or empty when the panel goes to HDF5.
  // `migration_flows`: P×P persons by hukou province (row) and residence province (column), or
  // empty (migration.csv is then not written). Returns the bytes staged.
  std::uint64_t stage_epoch(int epoch, int year, const std::vector<RegionOutcome>& all, const Aggregates& agg,
                            const SolveStats& stats, const std::vector<double>& migration_flows = {});
  // With info.welfare_terms (regio run --welfare-terms), after stage_epoch: welfare_terms.csv's
  // rows, every region's outcomes (for their ids) and welfare terms in CSV order. Returns the
  // bytes staged.
  std::uint64_t stage_welfare_terms(int epoch, int year, const std::vector<RegionOutcome>& all,
                                    const std::vector<WelfareTerms>& terms);
  // Writes the staged rows of the epoch (each file's write checked).
  void flush_epoch(int epoch);
  // Closes the CSVs (checked; with `failed`, rows staged but not flushed are dropped) and
  // replaces run.yaml with `status` and `error`; throws
  // InputError if a file could not be written, and run.yaml then does not say `status`.
  void finish(const std::string& status, const std::string& error = "");
  const std::string& dir() const { return dir_; }

 private:
  void write_run_yaml();
  void check_restart() const;
  void open_csvs();
  void open_welfare_terms();
  // The rows a restart keeps of each CSV, checked before anything is written.
  std::vector<std::string> kept_rows(std::string_view name, const std::vector<std::string>& cols,
                                     std::size_t rows_per_epoch) const;
  void open_csv(OutputFile& f, std::string_view name, const std::vector<std::string>& cols,
                const std::vector<std::string>& kept);
  std::vector<std::string> provinces_;
  std::string dir_;
  const Scenario& sc_;
  const Decomposition& decomposition_;
  RunInfo info_;
  std::vector<RegionField> region_fields_;
  std::vector<double Aggregates::*> aggregate_fields_;
  OutputFile regions_, aggregates_, solver_, migration_, welfare_;
};

// "2026-11-23T19:33:51Z"
std::string utc_now();

}  // namespace regio
