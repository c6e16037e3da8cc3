#pragma once
// What all ranks must agree on, in one place (the two error paths of STYLE.md: LAMMPS's
// Error::all and Error::one). An InputError or SolverError thrown by plain `throw` belongs to
// the rank that threw it, and main() aborts the job with MPI_Abort; the functions below are the
// only way to raise one on every rank alike (marked Error::on_all_ranks), which main() prints
// once from rank 0 before every rank exits with its code. Every function is collective over
// `comm` and must be reached by all its ranks.
#include <mpi.h>

#include <functional>
#include <string>

#include "regio/error.hpp"

namespace regio {

// Run `work` on every rank. If it throws an InputError or SolverError on any rank, every rank
// throws the error of the lowest such rank (same kind and message). Other exceptions pass
// through (internal errors: main aborts).
void all_ranks(MPI_Comm comm, const std::function<void()>& work);
// Run `work` on rank 0 only (reading and validating inputs, writing rank 0's files), with the
// same verdict on every rank.
void on_root(MPI_Comm comm, const std::function<void()>& work);
// An InputError with `message` on every rank if `ok_here` is false on any rank.
void require_all(MPI_Comm comm, bool ok_here, const std::string& message);
// (An error that every rank raises alike by construction: raise_on_all_ranks, error.hpp.)

// Reductions over ranks.
bool any_rank(MPI_Comm comm, bool value);
bool every_rank(MPI_Comm comm, bool value);
double max_over_ranks(MPI_Comm comm, double value);
double min_over_ranks(MPI_Comm comm, double value);
long sum_over_ranks(MPI_Comm comm, long value);
double sum_over_ranks(MPI_Comm comm, double value);  // in MPI's order: not for national sums
// National sums of per-region values in CSV order, bitwise the same on any decomposition, are
// Layout::ordered_sum (layout.hpp), which gathers the values and adds them in order.

// Fault injection for tests (issue 18, 19): with REGIO_FAIL_AT=<point>@<rank> in the
// environment, `fail_point(point, comm)` throws a rank-local InputError on that rank only
// (never on all ranks), to show that such an error ends the whole job at once.
void fail_point(const char* point, MPI_Comm comm);
// True on the rank REGIO_FAIL_AT=<point>@<rank> names: for faults other than an error (e.g.
// `nonfinite`: an outcome made infinite, to show that no such value reaches a complete run;
// `slow_epoch`: the epoch takes 4 s longer, as a large economy's would).
bool fault_at(const char* point, MPI_Comm comm);

}  // namespace regio
