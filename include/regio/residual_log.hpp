#pragma once
// Bookkeeping shared by the national residuals: evaluation counts (per solve and in all) and
// seconds, the PETSc log event NationalResidual around each evaluation, and the collective
// verdict on whether the point was inside the domain.
#include <mpi.h>

#include <chrono>
#include <cstddef>

namespace regio {

class ResidualLog {
 public:
  // Opens the event and starts the clock of one evaluation.
  void begin();
  // Collective. Closes the evaluation of G (n owned entries): a local failure or a non-finite
  // entry on any rank puts the point outside the domain on every rank. Returns the verdict.
  bool end(const double* G, std::size_t n, bool local_failure, MPI_Comm comm);

  void start_solve() { evaluations_ = 0; }
  int evaluations() const { return evaluations_; }  // in this solve
  long total_evaluations() const { return total_evaluations_; }
  double total_seconds() const { return total_seconds_; }
  bool in_domain() const { return in_domain_; }  // of the last evaluation

 private:
  std::chrono::steady_clock::time_point start_;
  int evaluations_ = 0;
  long total_evaluations_ = 0;
  double total_seconds_ = 0;
  bool in_domain_ = true;
};

}  // namespace regio
