#include "regio/kernel_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "regio/error.hpp"
#include "regio/geography.hpp"
#include "regio/vector_math.hpp"

namespace regio {

std::size_t KernelRows::count_groups(const Technology& tech, const TransportCosts& costs) {
  std::vector<std::pair<double, std::size_t>> seen;
  for (std::size_t s = 0; s < tech.theta.size(); ++s) {
    const std::pair<double, std::size_t> key{tech.theta[s], costs.friction_class(s)};
    if (std::find(seen.begin(), seen.end(), key) == seen.end()) seen.push_back(key);
  }
  return seen.size();
}

double KernelRows::stored_bytes(std::size_t n_own, std::size_t N, std::size_t groups, bool single) {
  return static_cast<double>(groups + 1) * static_cast<double>(n_own) * static_cast<double>(N) *
         static_cast<double>(single ? sizeof(float) : sizeof(double));
}

namespace {
void round_to_single(double* row, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) row[k] = static_cast<double>(static_cast<float>(row[k]));
}
}  // namespace

KernelRows::Storage choose_kernel_storage(const std::string& setting, double needed, double budget) {
  if (setting == "stored") return KernelRows::Storage::Stored;
  if (setting == "on_the_fly") return KernelRows::Storage::OnTheFly;
  if (setting == "auto") return needed <= budget ? KernelRows::Storage::Stored : KernelRows::Storage::OnTheFly;
  // Validated with the scenario; every rank holds the same setting.
  raise_on_all_ranks(InputError("solver.kernels must be stored, on_the_fly or auto, not '" + setting + "'"));
}

std::string KernelStorageSummary::storage() const {
  return stored_ranks == ranks ? "stored" : stored_ranks == 0 ? "on_the_fly" : "mixed";
}

std::string KernelStorageSummary::describe() const {
  const auto gb = [](double b) {
    return b < 1e9 ? fmt::format("{:.1f} MB", b / 1e6) : fmt::format("{:.2f} GB", b / 1e9);
  };
  const std::string memory =
      fmt::format("half of the {} available per rank, by {}", gb(available_bytes), memory_source);
  if (stored_ranks == ranks)
    return setting == "auto"
               ? fmt::format("kernels: stored, {} per rank (solver.kernels: auto allows up to {})", gb(needed_bytes),
                             memory)
               : fmt::format("kernels: stored, {} per rank (solver.kernels: {})", gb(needed_bytes), setting);
  if (setting != "auto") return fmt::format("kernels: recomputed on the fly (solver.kernels: {})", setting);
  const std::string where =
      stored_ranks == 0 ? "on every rank" : fmt::format("on {} of {} ranks", ranks - stored_ranks, ranks);
  return fmt::format(
      "kernels: recomputed on the fly {}: stored they need up to {} per rank, more than {}; a residual is then "
      "about 20x slower: use more ranks or nodes, solver.kernel_precision: single, or solver.kernels: stored if "
      "the memory is there",
      where, gb(needed_bytes), memory);
}

KernelRows::KernelRows(const Scenario& sc, const Technology& tech, const GlobalGeography& geo, const EconomyState& st,
                       const TransportCosts& costs, Storage storage)
    : storage_(storage),
      single_(sc.solver.kernel_precision == "single"),
      N_(geo.size()),
      n_own_(st.size()),
      geo_(geo),
      costs_(costs) {
  for (const auto& r : st.records) row_region_.push_back(static_cast<std::size_t>(r.index));
  d0_ = sc.trade.d0_km;
  phi_ = sc.trade.distance_elasticity;
  eps_ = sc.migration.elasticity;
  log_mu0_ = std::log(sc.migration.moving_cost);
  phi_m_ = sc.migration.distance_elasticity;
  // Sectors with the same θ and the same province-pair frictions share one kernel.
  std::vector<std::pair<double, std::size_t>> keys;
  for (std::size_t s = 0; s < tech.theta.size(); ++s) {
    const std::pair<double, std::size_t> key{tech.theta[s], costs.friction_class(s)};
    const auto it = std::find(keys.begin(), keys.end(), key);
    sector_group_.push_back(static_cast<int>(it - keys.begin()));
    if (it == keys.end()) keys.push_back(key), group_theta_.push_back(key.first), group_sector_.push_back(s);
  }
  trade_scratch_.resize(N_);
  migration_scratch_.resize(N_);
  if (storage_ == Storage::Stored && single_) {
    trade_single_.resize(group_theta_.size() * n_own_ * N_);
    migration_single_.resize(n_own_ * N_);
    for (std::size_t j = 0; j < n_own_; ++j) {
      for (std::size_t g = 0; g < group_theta_.size(); ++g) {
        fill_trade(g, j, trade_scratch_.data());
        std::copy(trade_scratch_.begin(), trade_scratch_.end(),
                  trade_single_.begin() + static_cast<std::ptrdiff_t>((g * n_own_ + j) * N_));
      }
      fill_migration(j, migration_scratch_.data());
      std::copy(migration_scratch_.begin(), migration_scratch_.end(),
                migration_single_.begin() + static_cast<std::ptrdiff_t>(j * N_));
    }
  } else if (storage_ == Storage::Stored) {
    trade_.resize(group_theta_.size() * n_own_ * N_);
    migration_.resize(n_own_ * N_);
    for (std::size_t j = 0; j < n_own_; ++j) {
      for (std::size_t g = 0; g < group_theta_.size(); ++g) fill_trade(g, j, &trade_[(g * n_own_ + j) * N_]);
      fill_migration(j, &migration_[j * N_]);
    }
  }
}

void KernelRows::distances(std::size_t j, std::vector<double>& d) const {
  d.resize(N_);
  costs_.effective_distances(row_region_[j], d.data());  // D_ik (great-circle without links)
}

void KernelRows::prepare_row(std::size_t j) const {
  if (distance_key_ == j) return;
  distances(j, distance_scratch_);
  // log(1 + D/d0), shared by the trade rows of every θ-group and the migration row.
  for (std::size_t k = 0; k < N_; ++k) distance_scratch_[k] /= d0_;
  vmath::log1p(distance_scratch_.data(), distance_scratch_.data(), N_);
  distance_key_ = j;
}

// Each row is written as its exponents first, then exponentiated in one vector pass
// (vector_math.hpp: the same bits at every vector width, so stored and on-the-fly rows agree).
void KernelRows::fill_trade(std::size_t g, std::size_t j, double* out) const {
  prepare_row(j);
  const std::size_t i = row_region_[j];
  const double theta = group_theta_[g];
  const int pi = geo_.province[i];
  for (std::size_t k = 0; k < N_; ++k) {
    const double log_tau = phi_ * distance_scratch_[k] + costs_.log_trade_border(pi, geo_.province[k]);
    out[k] = -theta * log_tau;
  }
  if (costs_.has_frictions())  // province-pair factors of trade.frictions: importer row i, exporter k
    for (std::size_t k = 0; k < N_; ++k)
      out[k] = -theta * (phi_ * distance_scratch_[k] + costs_.log_trade_border(pi, geo_.province[k]) +
                         costs_.log_trade_friction(group_sector_[g], pi, geo_.province[k]));
  vmath::exp(out, out, N_);
}

void KernelRows::fill_migration(std::size_t j, double* out) const {
  prepare_row(j);
  const std::size_t i = row_region_[j];
  const int pi = geo_.province[i];
  for (std::size_t k = 0; k < N_; ++k) {
    const double log_mu = log_mu0_ + phi_m_ * distance_scratch_[k] + costs_.log_migration_border(pi, geo_.province[k]);
    out[k] = -eps_ * log_mu;
  }
  if (costs_.has_migration_frictions())  // province-pair factors of migration.frictions, origin row i
    for (std::size_t k = 0; k < N_; ++k)
      out[k] = -eps_ * (log_mu0_ + phi_m_ * distance_scratch_[k] + costs_.log_migration_border(pi, geo_.province[k]) +
                        costs_.log_migration_friction(pi, geo_.province[k]));
  vmath::exp(out, out, N_);
  out[i] = 0.0;  // μ_ii = 1 is handled by the caller (no barrier, no fixed cost)
}

const double* KernelRows::trade(std::size_t s, std::size_t j) const {
  const auto g = static_cast<std::size_t>(sector_group_[s]);
  if (storage_ == Storage::Stored && !single_) return &trade_[(g * n_own_ + j) * N_];
  const std::size_t key = g * n_own_ + j;
  if (trade_key_ != key) {
    if (storage_ == Storage::Stored) {
      const float* row = trade_single(s, j);
      std::copy(row, row + N_, trade_scratch_.begin());
    } else {
      fill_trade(g, j, trade_scratch_.data());
      if (single_) round_to_single(trade_scratch_.data(), N_);
    }
    trade_key_ = key;
  }
  return trade_scratch_.data();
}

const double* KernelRows::migration(std::size_t j) const {
  if (storage_ == Storage::Stored && !single_) return &migration_[j * N_];
  if (migration_key_ != j) {
    if (storage_ == Storage::Stored) {
      const float* row = migration_single(j);
      std::copy(row, row + N_, migration_scratch_.begin());
    } else {
      fill_migration(j, migration_scratch_.data());
      if (single_) round_to_single(migration_scratch_.data(), N_);
    }
    migration_key_ = j;
  }
  return migration_scratch_.data();
}

const float* KernelRows::trade_single(std::size_t s, std::size_t j) const {
  if (storage_ != Storage::Stored || !single_)
    throw std::logic_error("KernelRows::trade_single: rows are not stored in single precision");
  return &trade_single_[(static_cast<std::size_t>(sector_group_[s]) * n_own_ + j) * N_];
}

const float* KernelRows::migration_single(std::size_t j) const {
  if (storage_ != Storage::Stored || !single_)
    throw std::logic_error("KernelRows::migration_single: rows are not stored in single precision");
  return &migration_single_[j * N_];
}

}  // namespace regio
