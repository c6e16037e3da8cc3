#pragma once
// `regio run --progress-timeout SECONDS` (docs/guarantees.md, "A rank that dies"): a rank killed
// without MPI_Abort (the OOM killer, a node lost, kill -9 with mpirun's abort-on-error off, a
// stopped process) leaves the other ranks waiting in a collective; MPI has no portable way to
// notice (Open MPI 4 has no ULFM). Each rank therefore watches its own progress: if no epoch
// step is made for SECONDS, it prints one line and ends itself with kExitNoProgress, so that
// the job ends within SECONDS of the failure instead of at the wall-time limit. Off (0) by
// default: a timeout shorter than the slowest epoch would end a healthy run.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace regio {

class Watchdog {
 public:
  // Starts watching (a thread) if seconds > 0; rank: for the message.
  Watchdog(double seconds, int rank);
  ~Watchdog();  // stops the thread
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  void beat();  // progress was made (an epoch step)

 private:
  void watch();
  double seconds_;
  int rank_;
  std::atomic<std::int64_t> last_;  // steady_clock ticks of the last beat
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace regio
