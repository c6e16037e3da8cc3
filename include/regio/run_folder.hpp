#pragma once
// Who owns an output folder (docs/guarantees.md). A run holds OUT/.regio.lock (flock) from
// before its run.yaml is written until it exits, so a second run into the folder is refused,
// and the kernel drops the lock of a run that died. A folder that holds a run's files is
// never written over by a fresh run unless it was asked to (--overwrite); then the old run's
// files are set aside in OUT/.replaced/ and deleted only when the new run completes (or is
// interrupted with a checkpoint): a failing replacement puts them back, and one that crashed
// is undone by the next run that takes the lock. Rank 0 only.
#include <string>
#include <vector>

namespace regio {

// The names a `regio run` writes in its folder (run.yaml, the CSVs, regions.h5, checkpoints/).
std::vector<std::string> run_file_names();

// A fresh run id (16 hex digits: random bits, the clock and the pid): run.yaml's `run_id` and
// every checkpoint's, kept across restarts.
std::string new_run_id();

// The `run_id:` and `status:` of DIR/run.yaml ("" if absent).
struct RunRecord {
  bool exists = false;
  std::string run_id, status;
};
RunRecord read_run_record(const std::string& dir);

class RunFolder {
 public:
  enum class Mode { fresh, overwrite, restart };
  // Creates the folder, takes its lock and, for a fresh run, checks that it holds no run (else
  // InputError: which run and what to do); `overwrite` sets the old run aside. Throws
  // InputError if another run holds the lock or the folder cannot be used.
  RunFolder(const std::string& dir, Mode mode);
  ~RunFolder();  // releases the lock (the kernel would at exit anyway)
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // The run replaced what it set aside (it completed, or stopped with a checkpoint): delete it.
  void commit();
  // The run failed: delete its files and put the run it was to replace back. True if there
  // was one (the caller says so).
  bool roll_back();

 private:
  void take_over(Mode mode);  // after the lock: restore, refuse or set aside
  std::string dir_;
  int lock_fd_ = -1;
  bool replacing_ = false;      // a run is set aside in .replaced/
  bool may_roll_back_ = false;  // this run set it aside (not a restart of the replacing run)
};

}  // namespace regio
