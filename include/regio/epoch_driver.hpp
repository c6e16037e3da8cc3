#pragma once
// The life of one `regio run` once its inputs are distributed (deal.II step-40 and MFEM ex1p
// are the model): set up the outputs, then for each epoch solve, write, report and advance,
// checkpointing when due or when SLURM's signal asks; the run record (run.yaml) says at every
// moment what happened. Construction and run() are collective.
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "regio/checkpoint.hpp"
#include "regio/commands.hpp"
#include "regio/output.hpp"
#include "regio/region_panel.hpp"
#include "regio/run_folder.hpp"
#include "regio/simulation.hpp"
#include "regio/watchdog.hpp"

namespace regio {

class EpochDriver {
 public:
  // `sc`: the run's scenario (as loaded, with the command line's overrides); `identity`: what
  // its checkpoints carry; `first_epoch`: 0, or the epoch a restart continues from.
  EpochDriver(const boost::mpi::communicator& comm, const RunOptions& opt, const Scenario& sc, Simulation& sim,
              CheckpointInfo identity, int first_epoch, std::chrono::steady_clock::time_point start);

  // Take the output folder (run_folder.hpp), run the epochs; returns the exit code (kExitOk, or
  // kExitInterrupted after a signal). Any error leaves run.yaml at `failed` with its message (or,
  // for a run that was to replace another with --overwrite, puts the other back) and is
  // rethrown. `complete` is written only after every output was written, closed and found finite.
  int run();

 private:
  void set_up_outputs();
  void take_export_folder();  // rank 0, from set_up_outputs()
  void run_epochs();
  void finish(const std::string& status, const std::string& error = "");  // rank 0's record, collective
  void fail(const std::exception& err);  // rank 0: the record says failed, or the replaced run is back
  void announce() const;
  void epoch(int e);  // solve, outcomes, outputs, progress line
  void report(int e, const SolveStats& st) const;
  bool checkpoint(int e);  // after advancing past epoch e; true if a signal stops the run
  bool root() const { return comm_.rank() == 0; }
  bool talk() const { return root() && !opt_.quiet; }

  const boost::mpi::communicator& comm_;
  const RunOptions& opt_;
  const Scenario& sc_;
  Simulation& sim_;
  CheckpointInfo identity_;
  int first_epoch_;
  std::chrono::steady_clock::time_point start_;
  std::string checkpoint_dir_;
  bool migration_csv_ = false;
  RunInfo info_;
  KernelStorageSummary kernel_storage_;
  std::optional<RunFolder> folder_;     // rank 0: holds the folder's lock
  std::optional<RunFolder> export_;     // rank 0: holds the --export-base folder's lock
  std::optional<OutputWriter> out_;     // rank 0
  std::optional<RegionPanelH5> panel_;  // every rank writes its own rows
  bool csv_panel_ = true;
  Watchdog watchdog_;  // --progress-timeout
};

// Rank 0, after an error: run.yaml says `failed` with the message (or, for a run that was to
// replace another with --overwrite, the other is put back). Never throws: the original error is
// the one reported.
void mark_run_failed(OutputWriter* out, RunFolder* folder, const std::string& dir, const std::exception& err);

// Nothing non-finite is written into a run (docs/guarantees.md). Collective: a SolverError on
// every rank naming the first region of the lowest rank with a non-finite output, and `when`.
void check_regions_finite(MPI_Comm comm, const Scenario& sc, const std::string& when,
                          const std::vector<RegionOutcome>& mine);
// The message naming the first non-finite column of aggregates.csv, or "" if every one is finite
// (urbanization may be nan: an economy without agriculture).
std::string nonfinite_aggregate(const Aggregates& agg, const std::string& when);

}  // namespace regio
