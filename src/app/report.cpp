// `regio report OUT [--baseline DIR] [--output FILE]`: one self-contained HTML page about a run,
// a run against a baseline, an ensemble or a Shapley decomposition (docs/report.md). The page is
// drawn by tools/report.py with Debian's python3 (matplotlib); this command finds the tools,
// runs it on rank 0 and returns its exit code on every rank.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/error.hpp"

extern char** environ;

namespace regio {

namespace {

// The source tree's tools/ (a compile-time definition, CMakeLists.txt), unless REGIO_TOOLS_DIR
// names another: an installed copy, or a build whose source tree has moved.
std::filesystem::path tools_dir() {
  if (const char* env = std::getenv("REGIO_TOOLS_DIR"); env && *env) return env;
#ifdef REGIO_TOOLS_DIR
  return REGIO_TOOLS_DIR;
#else
  return "tools";
#endif
}

// Runs `argv` (argv[0] an absolute path) with this process's environment and standard streams,
// waits for it and returns its exit code; kExitInternalError if a signal ended it.
int spawn_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = 0;
  if (const int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0)
    throw InputError(args[0] + ": cannot run it (" + std::strerror(rc) +
                     "): regio report needs Debian's python3 and python3-matplotlib (scripts/install-deps.sh)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw InputError(std::string("regio report: waitpid: ") + std::strerror(errno));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  std::fprintf(stderr, "regio: error: %s ended by signal %d\n", args[1].c_str(),
               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return kExitInternalError;
}

}  // namespace

int report_command(const boost::mpi::communicator& comm, const ReportOptions& opt) {
  int rc = 0;
  on_root(comm, [&] {
    const auto script = tools_dir() / "report.py";
    if (!std::filesystem::exists(script))
      throw InputError(script.string() +
                       ": not found: set REGIO_TOOLS_DIR to the tools/ folder of regio's source tree");
    std::vector<std::string> args{kReportPython, script.string(), opt.folder};
    if (!opt.baseline.empty()) args.insert(args.end(), {"--baseline", opt.baseline});
    if (!opt.output.empty()) args.insert(args.end(), {"--output", opt.output});
    rc = spawn_and_wait(args);
    std::fflush(stdout);
  });
  boost::mpi::broadcast(comm, rc, 0);
  return rc;
}

}  // namespace regio
