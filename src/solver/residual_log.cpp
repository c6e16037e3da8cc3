#include "regio/residual_log.hpp"

#include <cmath>

#include "regio/collectives.hpp"
#include "regio/profiling.hpp"

namespace regio {

void ResidualLog::begin() {
  PetscLogEventBegin(profiling::ids().residual, 0, 0, 0, 0);
  start_ = std::chrono::steady_clock::now();
  ++evaluations_;
  ++total_evaluations_;
}

bool ResidualLog::end(const double* G, std::size_t n, bool local_failure, MPI_Comm comm) {
  bool bad = local_failure;
  for (std::size_t k = 0; k < n; ++k) bad = bad || !std::isfinite(G[k]);
  in_domain_ = !any_rank(comm, bad);
  total_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  PetscLogEventEnd(profiling::ids().residual, 0, 0, 0, 0);
  return in_domain_;
}

}  // namespace regio
