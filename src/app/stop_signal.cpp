#include "regio/stop_signal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>

namespace regio {

namespace {
volatile std::sig_atomic_t g_stop_requested = 0;
int g_stdout_flags = -1;
struct sigaction g_previous[2];
constexpr int kSignals[2] = {SIGTERM, SIGUSR1};

extern "C" void request_stop(int) {
  g_stop_requested = 1;
  // From now on a full pipe to the launcher makes progress lines fail instead of blocking the
  // checkpoint (fcntl is async-signal-safe).
  if (g_stdout_flags >= 0) ::fcntl(STDOUT_FILENO, F_SETFL, g_stdout_flags | O_NONBLOCK);
}
}  // namespace

StopSignals::StopSignals() {
  g_stdout_flags = ::fcntl(STDOUT_FILENO, F_GETFL);
  install();
}

void StopSignals::install() {
  struct sigaction stop {};
  stop.sa_handler = request_stop;
  sigemptyset(&stop.sa_mask);
  stop.sa_flags = 0;          // no SA_RESTART: a write blocked on a full pipe returns EINTR
  static bool saved = false;  // the handlers before ours: restored at the end
  for (int k = 0; k < 2; ++k) sigaction(kSignals[k], &stop, saved ? nullptr : &g_previous[k]);
  saved = true;
}

StopSignals::~StopSignals() {
  for (int k = 0; k < 2; ++k) sigaction(kSignals[k], &g_previous[k], nullptr);
  if (g_stdout_flags >= 0) ::fcntl(STDOUT_FILENO, F_SETFL, g_stdout_flags);  // a terminal stays blocking
}

bool StopSignals::requested() { return g_stop_requested != 0; }

}  // namespace regio
