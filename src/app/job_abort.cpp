#include "regio/job_abort.hpp"

#include <cstdio>
#include <cstdlib>

#include "regio/commands.hpp"
#include "regio/error.hpp"

namespace regio {

bool rank_local(const std::exception& e, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const auto* error = dynamic_cast<const Error*>(&e);
  return size > 1 && !(error && error->on_all_ranks());
}

void abort_job(const std::exception& e, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (const auto* error = dynamic_cast<const Error*>(&e)) {
    const int code = dynamic_cast<const InputError*>(error) ? kExitInputError : kExitSolverError;
    std::fprintf(stderr, "regio: error: %s (on rank %d only; the job is aborted)\n", e.what(), rank);
    std::fflush(stderr);
    MPI_Abort(comm, code);
  } else {
    std::fprintf(stderr, "regio: internal error on rank %d: %s\n", rank, e.what());
    std::fflush(stderr);
    MPI_Abort(comm, kExitInternalError);
  }
  std::abort();  // MPI_Abort does not return
}

}  // namespace regio
