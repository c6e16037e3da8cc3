#pragma once
// The trade and migration kernels of the national residual (MODEL.md §2): the owned rows of
// τ^−θ and μ̃^−ε (stored or recomputed, solver.kernels) and the two passes that read them once
// per residual — each row's sum, then (from cache) its column contributions (row_products.hpp),
// which the caller adds over the ranks (Layout::reduce_sum).
//  trade:     Φ_ns = Σ_k τ_nks^−θ price_cols[s·N + k] + external_pow[n·S + s] (into phi) and
//             market_access_partial[s·N + k] += τ_nks^−θ X_ns/Φ_ns;
//  migration: leaving_weight_o = Σ_k μ̃_ok^−ε attraction[k], denominator_o = U_o^ε + leaving_weight_o,
//             outflow_o = R_o/denominator_o, inflow_partial[k] += μ̃_ok^−ε outflow_o.
#include <mpi.h>

#include <memory>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/memory_budget.hpp"

namespace regio {

class KernelPasses {
 public:
  KernelPasses(const Scenario& sc, const Technology& tech, const GlobalGeography& geo, const EconomyState& st,
               MPI_Comm comm);

  // Collective (the memory per rank). (Re)build the rows for these costs, which must outlive
  // them: stored if they fit in half of this rank's share of the node's available memory
  // (solver.kernels: auto), else recomputed on the fly.
  void build(const TransportCosts& costs);

  const KernelRows& rows() const { return *rows_; }
  // τ_ii^−θ_s, the diagonal of the trade kernel (owned × S).
  const std::vector<double>& own_trade_pow() const { return own_trade_pow_; }
  // solver.kernels' decision over all ranks (collective; build keeps this rank's).
  KernelStorageSummary storage_summary() const;
  // Bytes of kernel rows one residual streams on this rank.
  double bytes_per_residual(bool migration) const;

  void trade_pass(const double* price_cols, const double* expenditure, const double* external_pow, double* phi);
  // With land_income: stayers, `stayers` holds each origin's rent ratio c_o and ε: own_pow[j]
  // comes in as U_o^ε and leaves as the own term (C_o U_o)^ε (MODEL.md §11); null under residents.
  struct Stayers {
    const double* rent_ratio = nullptr;
    double epsilon = 1;
  };
  void migration_pass(const double* attraction, double* own_pow, const std::vector<double>& registered,
                      double* leaving_weight, double* denominator, double* outflow, const Stayers* stayers = nullptr);
  // This rank's column sums of the last passes (S×N and N).
  const std::vector<double>& market_access_partial() const { return ma_partial_; }
  const std::vector<double>& inflow_partial() const { return inflow_partial_; }

 private:
  std::size_t row_block() const;
  bool single_stored() const;

  const Scenario& sc_;
  const Technology& tech_;
  const GlobalGeography& geo_;
  const EconomyState& state_;
  MPI_Comm comm_;
  std::size_t N_ = 0, n_own_ = 0, S_ = 0;
  std::unique_ptr<KernelRows> rows_;
  // This rank's storage decision: stored or not, the bytes stored rows need, the memory it had.
  struct Choice {
    bool stored = false;
    double needed_bytes = 0;
    MemoryLimit memory;
  } choice_;
  std::vector<double> own_trade_pow_;
  std::vector<std::vector<std::size_t>> group_sectors_;  // sectors of each θ-group (they share a trade row)
  // Scratch of the row passes.
  std::vector<const double*> product_rows_, product_vectors_;
  std::vector<double*> scatter_vectors_;
  std::vector<const float*> product_rows_single_;
  std::vector<double> product_block_, coefficient_block_;
  std::vector<double> ma_partial_, inflow_partial_;
};

}  // namespace regio
