#include "regio/watchdog.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "regio/commands.hpp"

namespace regio {

namespace {
std::int64_t now_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }
}  // namespace

Watchdog::Watchdog(double seconds, int rank) : seconds_(seconds), rank_(rank), last_(now_ticks()) {
  if (seconds_ > 0) thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void Watchdog::beat() { last_.store(now_ticks()); }

void Watchdog::watch() {
  const auto tick = std::chrono::duration<double>(std::min(1.0, seconds_ / 4));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.wait_for(lock, tick, [this] { return stopping_; })) {
    const std::chrono::steady_clock::duration since(now_ticks() - last_.load());
    if (std::chrono::duration<double>(since).count() <= seconds_) continue;
    // MPI may not be called from this thread (MPI_THREAD_FUNNELED at most): this rank ends
    // itself, and every other rank's watchdog does the same, or mpirun ends them on our exit.
    std::fprintf(stderr,
                 "regio: error: rank %d made no progress for %.0f s (--progress-timeout): a rank may have died "
                 "without MPI_Abort — the job is ended; restart from the last checkpoint (raise the timeout if an "
                 "epoch takes longer)\n",
                 rank_, seconds_);
    std::fflush(stderr);
    ::_exit(kExitNoProgress);
  }
}

}  // namespace regio
