// regio entry point: one guard owns MPI+PETSc; errors reach every rank as one line and a
// non-zero exit (1: bad input, 2: solver failure, 3: internal error -> MPI_Abort,
// 4: interrupted by SIGTERM/SIGUSR1 after a checkpoint).
//   mpirun -np 4 regio run inputs/china31/baseline.yaml -- -national_snes_monitor
#include <petscsys.h>

#include <boost/mpi/communicator.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "regio/commands.hpp"
#include "regio/error.hpp"

namespace {

// Initialises PETSc (and MPI) for the lifetime of main's scope; every PETSc object lives in an
// inner scope and is destroyed before PetscFinalize.
class PetscRuntime {
 public:
  PetscRuntime(int* argc, char*** argv) { ok_ = PetscInitialize(argc, argv, nullptr, nullptr) == 0; }
  ~PetscRuntime() {
    if (ok_) PetscFinalize();
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  regio::CommandLine args(argc, argv);  // ours before `--`, PETSc's after
  PetscRuntime runtime(&args.petsc_argc, &args.petsc_argv);
  if (!runtime.ok()) {
    std::fprintf(stderr, "regio: error: PETSc/MPI initialisation failed\n");
    return regio::kExitInternalError;
  }
  int rc = 0;
  {
    boost::mpi::communicator world(PETSC_COMM_WORLD, boost::mpi::comm_attach);
    try {
      rc = regio::regio_main(world, args.ours, args.petsc);
    } catch (const regio::Error& e) {
      const int code = dynamic_cast<const regio::InputError*>(&e) ? regio::kExitInputError : regio::kExitSolverError;
      if (e.on_all_ranks() || world.size() == 1) {
        if (world.rank() == 0) std::fprintf(stderr, "regio: error: %s\n", e.what());
        rc = code;
      } else {
        // Raised on this rank only (not through collectives.hpp): the others may be waiting in a
        // collective for it, so end the job now, with the error's exit code.
        std::fprintf(stderr, "regio: error: %s (on rank %d only; the job is aborted)\n", e.what(), world.rank());
        std::fflush(stderr);
        MPI_Abort(PETSC_COMM_WORLD, code);
      }
    } catch (const std::exception& e) {
      // Raised on this rank only: abort all ranks rather than leave them in a collective.
      std::fprintf(stderr, "regio: internal error on rank %d: %s\n", world.rank(), e.what());
      std::fflush(stderr);
      MPI_Abort(PETSC_COMM_WORLD, regio::kExitInternalError);
    }
  }
  return rc;
}
