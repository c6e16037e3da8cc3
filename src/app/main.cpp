// regio entry point: one guard owns MPI+PETSc; errors reach every rank as one line and a
// non-zero exit (1: bad input, 2: solver failure, 3: internal error -> MPI_Abort,
// 4: interrupted by SIGTERM/SIGUSR1 after a checkpoint).
//   mpirun -np 4 regio run inputs/china31/baseline.yaml -- -national_snes_monitor
#include <petscsys.h>

#include <boost/mpi/communicator.hpp>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "regio/commands.hpp"
#include "regio/error.hpp"
#include "regio/job_abort.hpp"
#include "regio/stop_signal.hpp"

namespace {

// Initialises PETSc (and MPI) for the lifetime of main's scope; every PETSc object lives in an
// inner scope and is destroyed before PetscFinalize.
class PetscRuntime {
 public:
  PetscRuntime(int* argc, char*** argv) { ok_ = PetscInitialize(argc, argv, nullptr, nullptr) == 0; }
  ~PetscRuntime() {
    std::fflush(stdout);  // while SIGPIPE is still ignored: a closed pipe fails this flush quietly
    if (ok_) PetscFinalize();
    std::signal(SIGPIPE, SIG_IGN);  // PetscFinalize restores the default; exit() flushes again
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  regio::CommandLine args(argc, argv);  // ours before `--`, PETSc's after
  // `regio run` takes SIGTERM/SIGUSR1 as "checkpoint and stop" from the start, long before its
  // run.yaml exists (stop_signal.hpp); a launcher or pipe that went away makes printing fail
  // (EPIPE), never kills regio. Both again after PetscInitialize, whose handlers would end the
  // job on these signals.
  std::signal(SIGPIPE, SIG_IGN);
  std::optional<regio::StopSignals> stop_signals;
  if (args.ours.size() > 1 && (args.ours[1] == "run" || args.ours[1] == "ensemble" || args.ours[1] == "shapley"))
    stop_signals.emplace();
  PetscRuntime runtime(&args.petsc_argc, &args.petsc_argv);
  std::signal(SIGPIPE, SIG_IGN);
  if (stop_signals) regio::StopSignals::install();
  if (!runtime.ok()) {
    std::fprintf(stderr, "regio: error: PETSc/MPI initialisation failed\n");
    return regio::kExitInternalError;
  }
  int rc = 0;
  {
    boost::mpi::communicator world(PETSC_COMM_WORLD, boost::mpi::comm_attach);
    try {
      rc = regio::regio_main(world, args.ours, args.petsc);
    } catch (const std::exception& e) {
      // Raised on this rank only (not through collectives.hpp): the others may be waiting in a
      // collective for it, so end the job now, with the error's exit code.
      if (regio::rank_local(e, PETSC_COMM_WORLD)) regio::abort_job(e, PETSC_COMM_WORLD);
      const auto* error = dynamic_cast<const regio::Error*>(&e);
      if (!error) regio::abort_job(e, PETSC_COMM_WORLD);  // one rank: an internal error
      if (world.rank() == 0) std::fprintf(stderr, "regio: error: %s\n", e.what());
      rc = dynamic_cast<const regio::InputError*>(error) ? regio::kExitInputError : regio::kExitSolverError;
    }
  }
  return rc;
}
