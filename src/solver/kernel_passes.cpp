#include "regio/kernel_passes.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>

#include <algorithm>
#include <cmath>

#include "regio/row_products.hpp"

namespace regio {

KernelPasses::KernelPasses(const Scenario& sc, const Technology& tech, const GlobalGeography& geo,
                           const EconomyState& st, MPI_Comm comm)
    : sc_(sc), tech_(tech), geo_(geo), state_(st), comm_(comm), N_(geo.size()), n_own_(st.size()), S_(tech.S) {}

void KernelPasses::build(const TransportCosts& costs) {
  const std::size_t groups = KernelRows::count_groups(tech_, costs);
  const double needed = KernelRows::stored_bytes(n_own_, N_, groups, sc_.solver.kernel_precision == "single");
  const MemoryLimit memory = available_memory_per_rank(comm_);
  const auto storage = choose_kernel_storage(sc_.solver.kernels, needed, 0.5 * memory.bytes);
  choice_ = Choice{storage == KernelRows::Storage::Stored, needed, memory};
  rows_.reset();  // release the old rows first: two sets may not fit
  rows_ = std::make_unique<KernelRows>(sc_, tech_, geo_, state_, costs, storage);
  group_sectors_.assign(rows_->groups(), {});
  for (std::size_t sct = 0; sct < S_; ++sct) group_sectors_[rows_->group_of(sct)].push_back(sct);
  own_trade_pow_.resize(n_own_ * S_);
  for (std::size_t j = 0; j < n_own_; ++j)
    for (std::size_t sct = 0; sct < S_; ++sct)
      own_trade_pow_[j * S_ + sct] = rows_->trade(sct, j)[static_cast<std::size_t>(state_.records[j].index)];
}

KernelStorageSummary KernelPasses::storage_summary() const {
  KernelStorageSummary out;
  out.setting = sc_.solver.kernels;
  int stored = choice_.stored ? 1 : 0;
  MPI_Comm_size(comm_, &out.ranks);
  MPI_Allreduce(&stored, &out.stored_ranks, 1, MPI_INT, MPI_SUM, comm_);
  MPI_Allreduce(&choice_.needed_bytes, &out.needed_bytes, 1, MPI_DOUBLE, MPI_MAX, comm_);
  // The tightest rank's memory, and what limited it there.
  struct {
    double bytes;
    int rank;
  } mine{choice_.memory.bytes, 0}, tightest{};
  MPI_Comm_rank(comm_, &mine.rank);
  MPI_Allreduce(&mine, &tightest, 1, MPI_DOUBLE_INT, MPI_MINLOC, comm_);
  out.available_bytes = tightest.bytes;
  out.memory_source = choice_.memory.source;
  boost::mpi::broadcast(boost::mpi::communicator(comm_, boost::mpi::comm_attach), out.memory_source, tightest.rank);
  return out;
}

double KernelPasses::bytes_per_residual(bool migration) const {
  // Each residual reads every owned trade row (one per θ-group) and migration row once: its row
  // sum and its column contributions come from the same read.
  const double element = rows_->single() ? sizeof(float) : sizeof(double);
  const double row = static_cast<double>(N_) * element * static_cast<double>(n_own_);
  return row * static_cast<double>(rows_->groups()) + (migration ? row : 0.0);
}

// Stored rows stay valid, so they are taken eight at a time; the block is read again for its
// column contributions right after its row sums, from L2 or L3 (8 rows are 256 KB at
// N = 4,000, 6.4 MB at N = 100,000; a two-row block to stay in L2 measured half the speed at
// N = 100,000: 6.4 vs 12.3 GB/s of rows on this project's machine). Rows recomputed on the fly
// live in a scratch buffer until the next row is asked for, so they go one by one.
std::size_t KernelPasses::row_block() const { return rows_->storage() == KernelRows::Storage::Stored ? 8 : 1; }

bool KernelPasses::single_stored() const { return rows_->storage() == KernelRows::Storage::Stored && rows_->single(); }

void KernelPasses::trade_pass(const double* price_cols, const double* expenditure, const double* external_pow,
                              double* phi) {
  const std::size_t block = row_block();
  const bool single = single_stored();
  ma_partial_.assign(S_ * N_, 0.0);
  for (const auto& sectors : group_sectors_) {
    const std::size_t m = sectors.size(), s0 = sectors.front();  // the group's sectors share a row
    product_vectors_.clear();
    scatter_vectors_.clear();
    for (auto s : sectors) {
      product_vectors_.push_back(price_cols + s * N_);
      scatter_vectors_.push_back(ma_partial_.data() + s * N_);
    }
    auto demand_ratio = [&](std::size_t j0, std::size_t rows, const double* dots, double* coef) {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t q = 0; q < m; ++q) {
          const std::size_t k = (j0 + r) * S_ + sectors[q];
          phi[k] = dots[r * m + q] + external_pow[k];
          coef[r * m + q] = expenditure[k] / phi[k];  // X_ns / Φ_ns
        }
    };
    if (single)
      dot_then_scatter(
          product_rows_single_, n_own_, block, [&](std::size_t j) { return rows_->trade_single(s0, j); },
          product_vectors_.data(), scatter_vectors_.data(), m, N_, product_block_, coefficient_block_, demand_ratio);
    else
      dot_then_scatter(
          product_rows_, n_own_, block, [&](std::size_t j) { return rows_->trade(s0, j); }, product_vectors_.data(),
          scatter_vectors_.data(), m, N_, product_block_, coefficient_block_, demand_ratio);
  }
}

void KernelPasses::migration_pass(const double* attraction, double* own_pow, const std::vector<double>& registered,
                                  double* leaving_weight, double* denominator, double* outflow,
                                  const Stayers* stayers) {
  const std::size_t block = row_block();
  const bool single = single_stored();
  inflow_partial_.assign(N_, 0.0);
  double* accum = inflow_partial_.data();
  auto outflows = [&](std::size_t j0, std::size_t rows, const double* dots, double* coef) {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t j = j0 + r;
      leaving_weight[j] = dots[r];
      if (stayers) {  // own term (C_o U_o)^ε at the stayers' fixed point
        const double a = own_pow[j], b = leaving_weight[j], eps = stayers->epsilon;
        own_pow[j] = a * std::pow(stayers_rebate(a, b, stayers->rent_ratio[j], eps, a / (a + b)), eps);
      }
      denominator[j] = own_pow[j] + leaving_weight[j];  // D_o
      outflow[j] = registered[j] / denominator[j];
      coef[r] = outflow[j];
    }
  };
  if (single)
    dot_then_scatter(
        product_rows_single_, n_own_, block, [&](std::size_t j) { return rows_->migration_single(j); }, &attraction,
        &accum, 1, N_, product_block_, coefficient_block_, outflows);
  else
    dot_then_scatter(
        product_rows_, n_own_, block, [&](std::size_t j) { return rows_->migration(j); }, &attraction, &accum, 1, N_,
        product_block_, coefficient_block_, outflows);
}

}  // namespace regio
