#pragma once
// Bilateral kernels by rows (MODEL.md §1): τ_ik^−θ_g for each group g of sectors sharing θ and
// province-pair frictions (importer i, exporter k), and μ̃_ik^−ε, μ_ik without the destination
// barrier (origin i, destination k; 0 on the diagonal; h^−ε is applied by the caller), for the
// rows i a rank owns. Neither needs to be symmetric: each row is read for its row sum and, in the
// same pass, scattered into the columns (docs/numerics.md). Stored when memory allows (one pass of exp per
// element at setup), or recomputed from the coordinates each time a row is needed (O(N) memory
// per rank, more arithmetic): solver.kernels = stored | on_the_fly | auto. Both give bitwise the
// same values. With solver.kernel_precision = single every element is rounded to a float (half
// the memory and bytes; the stored rows are then floats, on-the-fly rows are rounded alike).
#include <cstddef>
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/huge_page_allocator.hpp"
#include "regio/kernels.hpp"
#include "regio/transport_costs.hpp"

namespace regio {

class KernelRows {
 public:
  enum class Storage { Stored, OnTheFly };

  // `costs` (effective distances, border costs) must outlive this object.
  KernelRows(const Scenario& sc, const Technology& tech, const GlobalGeography& geo, const EconomyState& st,
             const TransportCosts& costs, Storage storage);

  // Bytes the stored kernels of n_own rows take (doubles, or floats if `single`).
  static double stored_bytes(std::size_t n_own, std::size_t N, std::size_t groups, bool single = false);
  // Number of distinct θ among the sectors (trade kernel groups).
  static std::size_t count_groups(const Technology& tech, const TransportCosts& costs);

  // Row of τ^−θ for sector s / of μ̃^−ε for owned region j. The pointer is valid until the next
  // call of the same accessor (on-the-fly rows live in a scratch buffer).
  const double* trade(std::size_t s, std::size_t j) const;
  const double* migration(std::size_t j) const;

  Storage storage() const { return storage_; }
  bool single() const { return single_; }
  // Stored single-precision rows (storage() == Stored and single() only): the hot loop reads
  // these directly; trade()/migration() return them widened to doubles.
  const float* trade_single(std::size_t s, std::size_t j) const;
  const float* migration_single(std::size_t j) const;
  std::size_t groups() const { return group_theta_.size(); }
  // θ-group of sector s: the sectors of one group share a trade row.
  std::size_t group_of(std::size_t s) const { return static_cast<std::size_t>(sector_group_[s]); }

 private:
  void distances(std::size_t j, std::vector<double>& d) const;
  void prepare_row(std::size_t j) const;  // distance_scratch_ = log(1 + D_jk/d0) for owned row j
  void fill_trade(std::size_t g, std::size_t j, double* out) const;
  void fill_migration(std::size_t j, double* out) const;

  Storage storage_;
  bool single_ = false;
  std::size_t N_, n_own_;
  std::vector<std::size_t> row_region_;  // CSV index of owned row j
  const GlobalGeography& geo_;
  const TransportCosts& costs_;
  double d0_, phi_, eps_, log_mu0_, phi_m_;
  std::vector<int> sector_group_;
  std::vector<double> group_theta_;
  std::vector<std::size_t> group_sector_;  // a sector of each group (its frictions)
  template <class T>
  using Rows = std::vector<T, HugePageAllocator<T>>;
  Rows<double> trade_, migration_;               // stored rows (double precision)
  Rows<float> trade_single_, migration_single_;  // stored rows (single precision)
  // On-the-fly scratch: the last row computed of each kind and log(1 + D/d0) of the last j.
  mutable std::vector<double> trade_scratch_, migration_scratch_, distance_scratch_;
  mutable std::size_t trade_key_ = static_cast<std::size_t>(-1), migration_key_ = static_cast<std::size_t>(-1),
                      distance_key_ = static_cast<std::size_t>(-1);
};

// Parse "stored" | "on_the_fly" | "auto"; for auto, store if the kernels fit in `budget_bytes`.
KernelRows::Storage choose_kernel_storage(const std::string& setting, double needed_bytes, double budget_bytes);

// What solver.kernels decided and why, over all ranks (for the run log and run.yaml).
struct KernelStorageSummary {
  std::string setting;  // solver.kernels
  int stored_ranks = 0, ranks = 1;
  double needed_bytes = 0;     // stored rows per rank (the largest)
  double available_bytes = 0;  // memory available per rank (the smallest; auto allows half)
  std::string memory_source;   // what limited it: MemAvailable or a cgroup file
  // "stored", "on_the_fly" or "mixed".
  std::string storage() const;
  // One line for the log: what was chosen, and when auto recomputes them, why and what to do.
  std::string describe() const;
};

}  // namespace regio
