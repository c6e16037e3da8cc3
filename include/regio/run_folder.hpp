#pragma once
// Who owns an output folder (docs/guarantees.md). A run holds OUT/.regio.lock (flock) from
// before its run.yaml is written until it exits, so a second run into the folder is refused,
// and the kernel drops the lock of a run that died. A folder that holds a run's files is
// never written over by a fresh run unless it was asked to (--overwrite); then the old run's
// files are set aside in OUT/.replaced/ and deleted only when the new run completes (or is
// interrupted with a checkpoint): a failing replacement puts them back, and one that crashed
// is undone by the next run that takes the lock. Rank 0 only. The same code owns the folders
// of `regio run`, `regio counterfactual`, `regio run --export-base` (RunFolder) and of
// `regio ensemble`/`shapley` (FolderLock: an ensemble resumes its own folder by design).
#include <string>
#include <vector>

namespace regio {

// Every name regio's commands write in an output folder: a run's (run.yaml, the CSVs,
// regions.h5, checkpoints/), a counterfactual's and a base-year export's files, and their
// temporaries. A folder holding any of them holds a run; a replacement sets all of them aside.
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

// OUT/.regio.lock held (flock) for the object's lifetime; creates the folder. InputError if
// another process holds it ("another regio run is writing into this folder (pid N on HOST)")
// or the folder cannot be created.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir);
  ~FolderLock();  // releases the lock (the kernel would at exit anyway)
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

class RunFolder {
 public:
  // fresh: refuse a folder that holds a run; overwrite: set it aside; restart: continue the
  // folder's run (and a replacement it was making); resume: continue a pending replacement if
  // there is one (a restarted run's --export-base folder, written only at the end), else fresh.
  enum class Mode { fresh, overwrite, restart, resume };
  // Creates the folder, takes its lock and, for a fresh run, checks that it holds no run (else
  // InputError: which run and what to do, `fix` naming how to continue it, e.g. "--restart
  // OUT/checkpoints/..."; empty: nothing to continue); `overwrite` sets the old run aside.
  // Throws InputError if another run holds the lock or the folder cannot be used.
  RunFolder(const std::string& dir, Mode mode, const std::string& fix = "");
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  // The run replaced what it set aside (it completed, or stopped with a checkpoint): delete it.
  void commit();
  // The run failed: delete its files and put the run it was to replace back. True if there
  // was one (the caller says so).
  bool roll_back();

 private:
  void take_over(Mode mode, const std::string& fix);  // after the lock: restore, refuse or set aside
  std::string dir_;
  FolderLock lock_;
  bool replacing_ = false;      // a run is set aside in .replaced/
  bool may_roll_back_ = false;  // this run set it aside (not a restart of the replacing run)
};

}  // namespace regio
