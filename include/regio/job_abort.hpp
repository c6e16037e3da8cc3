#pragma once
// An error raised on one rank only (not through collectives.hpp) in a job of several ranks
// must end the job at once with MPI_Abort: the other ranks may wait for this one in a
// collective, and so would this one if it unwound further (HDF5's H5Fclose in a destructor is
// collective). main() and the epoch driver both use these, the driver before its outputs'
// destructors run.
#include <mpi.h>

#include <exception>

namespace regio {

// Whether `e` belongs to this rank only, in a communicator of more than one rank.
bool rank_local(const std::exception& e, MPI_Comm comm);

// Prints "regio: error: ... (on rank R only; the job is aborted)" (or "regio: internal error on
// rank R" for anything not a regio::Error) and calls MPI_Abort with the error's exit code.
[[noreturn]] void abort_job(const std::exception& e, MPI_Comm comm);

}  // namespace regio
