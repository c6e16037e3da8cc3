#pragma once
// Parallel layout of regions: which rank owns which region (by province), the PETSc ordering
// (rank-major, CSV order within a rank) and the O(N) exchanges of per-region vectors.
// National sums (ordered_sum) are taken over an allgathered vector in CSV order, bitwise
// independent of the number of ranks. The residual's column sums (market access, migrant
// inflows) are the exception: each rank sums its own rows' contributions and reduce_sum adds
// the ranks' partial sums, so they depend on the decomposition at round-off level (relative
// ≈ 1e-16), for half the kernel traffic (src/solver/kernel_passes.cpp).
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace regio {

class Layout {
 public:
  // Collective. owners[i] = rank owning the region with CSV index i (same on every rank).
  Layout(MPI_Comm comm, const std::vector<int>& owners);

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  std::int64_t num_regions() const { return static_cast<std::int64_t>(owner_.size()); }
  int num_owned() const { return static_cast<int>(owned_.size()); }
  // CSV indices of the regions this rank owns, ascending.
  const std::vector<std::int64_t>& owned() const { return owned_; }
  // Calls f(first, count) for each run of consecutive CSV indices among the owned regions, in
  // order (the hyperslabs of the HDF5 selections of checkpoints and regions.h5).
  template <class F>
  void for_each_owned_run(F&& f) const {
    for (std::size_t a = 0; a < owned_.size();) {
      std::size_t b = a + 1;
      while (b < owned_.size() && owned_[b] == owned_[b - 1] + 1) ++b;
      f(owned_[a], static_cast<std::int64_t>(b - a));
      a = b;
    }
  }
  int owner(std::int64_t region) const { return owner_[region]; }

  // Collective. local: num_owned()×width values (row-major by owned region); global receives
  // N×width values in CSV order.
  void allgather(const double* local, int width, std::vector<double>& global) const;
  // Collective. Σ of per-owned-region values, summed in CSV order (bitwise rank-independent).
  double ordered_sum(const std::vector<double>& local) const;
  // Collective. columns: width columns of N values each (column c, region i at c·N + i, CSV
  // order), this rank's contributions to every region; owned receives num_owned()×width sums
  // over the ranks, row-major by owned region (MPI_Reduce_scatter: each rank receives only its
  // rows, and no rank holds more than one N×width vector).
  void reduce_sum(const std::vector<double>& columns, int width, double* owned) const;

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::vector<int> owner_;
  std::vector<std::int64_t> owned_;
  std::vector<std::int64_t> petsc_to_csv_;  // PETSc (rank-major) position -> CSV index
  std::vector<int> counts_, displs_;        // regions per rank, first region of each rank
  mutable std::vector<double> buffer_;
  mutable std::vector<int> counts_w_, displs_w_;
};

}  // namespace regio
