#include "regio/national_system.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <numeric>

#include "regio/error.hpp"
#include "regio/geography.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/profiling.hpp"
#include "regio/province_coarse.hpp"
#include "regio/row_products.hpp"
#include "regio/snes_driver.hpp"
#include "regio/memory_budget.hpp"

namespace regio {

namespace {

// Column-major copy (S×N) of an N×S row-major array, so each sector's column is contiguous.
void transpose(const std::vector<double>& rows, std::size_t N, std::size_t S, std::vector<double>& cols) {
  cols.resize(N * S);
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t s = 0; s < S; ++s) cols[s * N + k] = rows[k * S + s];
}
}  // namespace

NationalSystem::NationalSystem(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                               EconomyState& state, Mode mode, std::vector<double> observed_gdp,
                               std::shared_ptr<const TransportCosts> costs)
    : sc_(sc), layout_(layout), geo_(geo), state_(state), tech_(sc), mode_(mode), observed_gdp_(std::move(observed_gdp)),
      costs_(costs ? std::move(costs) : std::make_shared<const TransportCosts>(sc, geo)) {
  N_ = geo.size();
  n_own_ = state.size();
  S_ = tech_.S;
  migration_ = sc.migration.enabled && mode_ == Mode::Equilibrium;
  epsilon_ = sc.migration.elasticity;
  factor_slot_.assign(3, -1);
  for (int f = 0; f < 3; ++f)
    if (tech_.active[f]) factor_slot_[f] = block_++;
  if (migration_) pop_slot_ = block_++;
  if (mode_ == Mode::Calibration) shift_slot_ = block_++;
  shift_.assign(n_own_, 0.0);

  build_kernels();
  local_own_market_ = sc.solver.local_own_market;
  setup_coarse();
  if (mode_ == Mode::Equilibrium && sc.solver.recycle > 0 && sc.solver.recycle_across_epochs)
    recycler_ = std::make_unique<KrylovRecycler>(layout_.comm(), static_cast<std::size_t>(sc.solver.recycle));
  update_hukou_barriers();
}

namespace {
const char* const kCoarseName = "province_coarse_correction";
const char* const kRecycledDrift = "recycled_drift";  // per kept pair, not per region
// The warm-start trend, per region and block wide: the last solution and its steps Δx_t,
// Δx_{t−1}, Δx_{t−2} (NationalSystem::kTrendSteps).
const char* const kWarmSolution = "warm_start_solution";
const char* const kWarmSteps[] = {"warm_start_step1", "warm_start_step2", "warm_start_step3"};

// The recycler's per-region arrays in a checkpoint: name, the count of vectors, their rows.
struct RecycledField {
  const char* name;
  std::size_t* count;
  std::vector<double>* rows;
};
std::array<RecycledField, 5> recycled_fields(KrylovRecycler::State& st) {
  return {{{"recycled_images", &st.kept, &st.images},
           {"recycled_sources", &st.kept, &st.sources},
           {"recycled_pending_images", &st.pending, &st.pending_images},
           {"recycled_pending_sources", &st.pending, &st.pending_sources},
           {"recycled_base", &st.bases, &st.base}}};
}
}  // namespace

std::vector<std::string> NationalSystem::solver_state_names() const {
  std::vector<std::string> names;
  if (coarse_) names.emplace_back(kCoarseName);
  if (recycler_) {
    KrylovRecycler::State st;
    for (const auto& f : recycled_fields(st)) names.emplace_back(f.name);
    names.emplace_back(kRecycledDrift);
  }
  if (mode_ == Mode::Equilibrium) {
    names.emplace_back(kWarmSolution);
    for (std::size_t i = 0; i < kTrendSteps; ++i) names.emplace_back(kWarmSteps[i]);
  }
  return names;
}

std::vector<SolverArray> NationalSystem::solver_state() const {
  std::vector<SolverArray> arrays;
  const auto b = static_cast<std::size_t>(block_);
  if (coarse_ && coarse_->ready())
    arrays.push_back({kCoarseName, static_cast<int>(coarse_->row_width()), coarse_->region_rows()});
  if (recycler_) {
    auto st = recycler_->state(n_own_, b);
    for (const auto& f : recycled_fields(st))
      if (*f.count > 0) arrays.push_back({f.name, static_cast<int>(*f.count * b), std::move(*f.rows)});
    if (st.kept > 0) arrays.push_back({kRecycledDrift, static_cast<int>(st.kept), std::move(st.drift), false});
  }
  // Written only when held on every rank alike (sizes follow the owned regions, so a rank with
  // none holds an empty array: compare the presence, not the size).
  const auto held = [&](const std::vector<double>& v) {
    int mine = v.size() == n_own_ * b ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, layout_.comm());
    return all == 1;
  };
  if (mode_ == Mode::Equilibrium && held(last_solution_)) {
    arrays.push_back({kWarmSolution, block_, last_solution_});
    for (std::size_t i = 0; i < trend_steps_.size() && held(trend_steps_[i]); ++i)
      arrays.push_back({kWarmSteps[i], block_, trend_steps_[i]});
  }
  return arrays;
}

void NationalSystem::restore_solver_state(const std::vector<SolverArray>& arrays) {
  auto find = [&](const char* name) -> const SolverArray* {
    for (const auto& a : arrays)
      if (a.name == name) return &a;
    return nullptr;
  };
  const auto b = static_cast<std::size_t>(block_);
  if (coarse_) {
    const SolverArray* a = find(kCoarseName);
    if (a && a->per_region && static_cast<std::size_t>(a->width) == coarse_->row_width()) coarse_->restore(a->rows);
    else coarse_->reset();
  }
  if (recycler_) {
    KrylovRecycler::State st;
    for (const auto& f : recycled_fields(st))
      if (const SolverArray* a = find(f.name); a && a->per_region) {
        *f.count = static_cast<std::size_t>(a->width) / b;
        *f.rows = a->rows;
      }
    if (const SolverArray* a = find(kRecycledDrift); a && !a->per_region) st.drift = a->rows;
    recycler_->restore(st, n_own_, b);  // a mismatch (it cannot be one run's) leaves it empty
  }
  // The warm-start trend; absent (a checkpoint from before it, or no trend yet): start from x_t.
  last_solution_.clear();
  trend_steps_.clear();
  const auto fits = [&](const SolverArray* a) { return a && a->per_region && a->width == block_; };
  if (const SolverArray* a = find(kWarmSolution); fits(a)) {
    last_solution_ = a->rows;
    for (std::size_t i = 0; i < kTrendSteps; ++i) {  // newest first, without gaps
      const SolverArray* step = find(kWarmSteps[i]);
      if (!fits(step)) break;
      trend_steps_.push_back(step->rows);
    }
  }
}

void NationalSystem::setup_coarse() {
  // Equilibrium solves only, and only where some province has more than one region: otherwise
  // Z is what the per-region blocks already invert.
  if (!sc_.solver.province_coarse || mode_ != Mode::Equilibrium) return;
  std::vector<int> provinces;
  std::vector<std::size_t> group(n_own_);
  std::vector<double> sign(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const int prov = geo_.province[static_cast<std::size_t>(state_.records[j].index)];
    auto it = std::find(provinces.begin(), provinces.end(), prov);
    if (it == provinces.end()) it = provinces.insert(provinces.end(), prov);
    group[j] = static_cast<std::size_t>(it - provinces.begin());
    // A fixed pseudo-random ±1 per province (Knuth's multiplicative hash of its index).
    sign[j] = ((static_cast<std::uint32_t>(prov) * 2654435761u) >> 7) & 1u ? 1.0 : -1.0;
  }
  int multi = provinces.size() < n_own_ ? 1 : 0, any = 0;
  MPI_Allreduce(&multi, &any, 1, MPI_INT, MPI_MAX, layout_.comm());
  if (any) coarse_ = std::make_unique<ProvinceCoarseCorrection>(layout_.comm(), std::move(group), std::move(sign), block_);
}

void NationalSystem::update_hukou_barriers() {
  hukou_pow_.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) hukou_pow_[j] = std::pow(state_.hukou_barrier[j], -epsilon_);
}

KernelStorageSummary NationalSystem::kernel_storage_summary() const {
  const MPI_Comm comm = layout_.comm();
  KernelStorageSummary out;
  out.setting = sc_.solver.kernels;
  int stored = kernel_choice_.stored ? 1 : 0;
  MPI_Comm_size(comm, &out.ranks);
  MPI_Allreduce(&stored, &out.stored_ranks, 1, MPI_INT, MPI_SUM, comm);
  MPI_Allreduce(&kernel_choice_.needed_bytes, &out.needed_bytes, 1, MPI_DOUBLE, MPI_MAX, comm);
  // The tightest rank's memory, and what limited it there.
  struct { double bytes; int rank; } mine{kernel_choice_.memory.bytes, 0}, tightest{};
  MPI_Comm_rank(comm, &mine.rank);
  MPI_Allreduce(&mine, &tightest, 1, MPI_DOUBLE_INT, MPI_MINLOC, comm);
  out.available_bytes = tightest.bytes;
  out.memory_source = kernel_choice_.memory.source;
  boost::mpi::broadcast(boost::mpi::communicator(comm, boost::mpi::comm_attach), out.memory_source, tightest.rank);
  return out;
}

void NationalSystem::build_kernels() {
  // Kernel rows: stored if they fit in half of this node's available memory (shared by the
  // ranks on the node), else recomputed on the fly (solver.kernels).
  const std::size_t groups = KernelRows::count_groups(tech_);
  const double needed = KernelRows::stored_bytes(n_own_, N_, groups, sc_.solver.kernel_precision == "single");
  const MemoryLimit memory = available_memory_per_rank(layout_.comm());
  const auto storage = choose_kernel_storage(sc_.solver.kernels, needed, 0.5 * memory.bytes);
  kernel_choice_ = KernelChoice{storage == KernelRows::Storage::Stored, needed, memory};
  kernels_.reset();  // release the old rows first: two sets may not fit
  kernels_ = std::make_unique<KernelRows>(sc_, tech_, geo_, state_, *costs_, storage);
  group_sectors_.assign(kernels_->groups(), {});
  for (std::size_t sct = 0; sct < S_; ++sct) group_sectors_[kernels_->group_of(sct)].push_back(sct);
  own_trade_pow_.resize(n_own_ * S_);  // τ_ii^−θ_s, the diagonal of the trade kernel
  for (std::size_t j = 0; j < n_own_; ++j)
    for (std::size_t sct = 0; sct < S_; ++sct)
      own_trade_pow_[j * S_ + sct] = kernels_->trade(sct, j)[static_cast<std::size_t>(state_.records[j].index)];
  setup_external();
}

void NationalSystem::setup_external() {
  view_.external_pow.assign(n_own_ * S_, 0.0);
  if (!sc_.external.enabled) return;
  std::vector<std::size_t> ports;
  for (std::size_t k = 0; k < geo_.port.size(); ++k)
    if (geo_.port[k]) ports.push_back(k);
  if (ports.empty())
    throw InputError("external.enabled needs at least one region tagged 'port' in the region CSV (the gateways to the rest of the world)");
  std::vector<double> D(N_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const auto i = static_cast<std::size_t>(state_.records[j].index);
    double to_port = 0;
    if (!geo_.port[i]) {
      costs_->effective_distances(i, D.data());
      to_port = D[ports[0]];
      for (auto k : ports) to_port = std::min(to_port, D[k]);
    }
    const double factor = external_factor_.empty() ? 1.0 : external_factor_[j];
    const double log_tau = std::log(sc_.external.trade_cost * factor) + sc_.trade.distance_elasticity * std::log1p(to_port / sc_.trade.d0_km);
    for (std::size_t s = 0; s < S_; ++s) view_.external_pow[j * S_ + s] = std::exp(-tech_.theta[s] * log_tau);
  }
}

void NationalSystem::set_external_cost_factors(std::vector<double> factors) {
  const bool unchanged = factors == external_factor_ ||
                         (external_factor_.empty() && std::all_of(factors.begin(), factors.end(), [](double f) { return f == 1.0; }));
  external_factor_ = std::move(factors);
  if (!unchanged) setup_external();
}

void NationalSystem::set_costs(std::shared_ptr<const TransportCosts> costs) {
  costs_ = std::move(costs);
  build_kernels();
}

void NationalSystem::compute_transfers(const std::vector<double>& Y, const std::vector<double>& L,
                                       std::vector<double>& T) const {
  T.assign(n_own_, 0.0);
  if (!fiscal_.active()) return;
  std::vector<double> pool_Y(n_own_, 0.0), pool_L(n_own_, 0.0), recip_L(n_own_, 0.0);
  for (std::size_t j = 0; j < n_own_; ++j) {
    if (fiscal_.pool[j]) pool_Y[j] = Y[j], pool_L[j] = L[j];
    if (fiscal_.recipient[j]) recip_L[j] = L[j];
  }
  if (fiscal_.equalisation_rate > 0) {
    const double mean_pc = layout_.ordered_sum(pool_Y) / layout_.ordered_sum(pool_L);  // Ȳ_pc of the pool
    for (std::size_t j = 0; j < n_own_; ++j)
      if (fiscal_.pool[j]) T[j] += fiscal_.equalisation_rate * (mean_pc * L[j] - Y[j]);
  }
  if (fiscal_.targeted_share > 0) {
    const double grant_pc = fiscal_.targeted_share * layout_.ordered_sum(Y) / layout_.ordered_sum(recip_L);
    for (std::size_t j = 0; j < n_own_; ++j)
      T[j] += (fiscal_.recipient[j] ? grant_pc * L[j] : 0.0) - fiscal_.targeted_share * Y[j];
  }
}

void NationalSystem::own_market(std::size_t j, const double* own_price_pow, OwnMarket& own) {
  // Scratch spans into per-call buffers (one region at a time).
  const std::size_t S = S_;
  own_scratch_.resize(3 * S);
  const auto& v = view_;
  for (std::size_t s = 0; s < S; ++s) {
    const double t = own_trade_pow_[j * S + s];
    own_scratch_[s] = t;
    own_scratch_[S + s] = v.phi[j * S + s] - t * own_price_pow[s];
    own_scratch_[2 * S + s] = v.market_access[j * S + s] - t * v.expenditure[j * S + s] / v.phi[j * S + s];
  }
  own.tau_pow = {own_scratch_.data(), S};
  own.phi_others = {own_scratch_.data() + S, S};
  own.access_others = {own_scratch_.data() + 2 * S, S};
  own.spending_per_income = 1 - tech_.housing_share - tech_.saving_rate + sc_.capital.home_bias * tech_.saving_rate;
  own.investment_other = capital_weight_[j] * v.pooled_saving;
}

void NationalSystem::setup_capital_weights() {
  // ω_n ∝ K_n (r̄_n/ζ_n)^ν, predetermined within the epoch (MODEL.md §2).
  std::vector<double> w(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j)
    w[j] = state_.capital[j] * std::pow(state_.lagged_capital_rent[j] / state_.capital_friction[j],
                                        sc_.capital.allocation_elasticity);
  const double total = layout_.ordered_sum(w);
  capital_weight_.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) capital_weight_[j] = w[j] / total;
}

void NationalSystem::pack(std::vector<double>& x) const {
  x.resize(n_own_ * block_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    for (int f = 0; f < 3; ++f)
      if (factor_slot_[f] >= 0) x[j * block_ + factor_slot_[f]] = std::log(state_.prices[j][f]);
    if (pop_slot_ >= 0) x[j * block_ + pop_slot_] = std::log(state_.population[j]);
    if (shift_slot_ >= 0) x[j * block_ + shift_slot_] = shift_[j];
  }
}

void NationalSystem::unpack(const double* x, std::vector<FactorPrices>& p, std::vector<double>& L) const {
  p.assign(n_own_, FactorPrices{});
  L.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    for (int f = 0; f < 3; ++f)
      if (factor_slot_[f] >= 0) p[j][f] = std::exp(x[j * block_ + factor_slot_[f]]);
    // Fixed populations: L = R without migration; observed L when calibrating.
    L[j] = pop_slot_ >= 0 ? std::exp(x[j * block_ + pop_slot_])
           : mode_ == Mode::Calibration ? state_.population[j] : state_.registered[j];
  }
}

void NationalSystem::unpack_shift(const double* x) {
  for (std::size_t j = 0; j < n_own_; ++j) shift_[j] = shift_slot_ >= 0 ? x[j * block_ + shift_slot_] : 0.0;
}

double NationalSystem::kernel_bytes_per_residual() const {
  // Each residual reads every owned trade row (one per θ-group) and migration row once: its row
  // sum and its column contributions come from the same read.
  const double element = kernels_->single() ? sizeof(float) : sizeof(double);
  const double row = static_cast<double>(N_) * element * static_cast<double>(n_own_);
  return row * static_cast<double>(kernels_->groups()) + (migration_ ? row : 0.0);
}

// Stored rows stay valid, so they are taken eight at a time; the block is read again for its
// column contributions right after its row sums, from L2 or L3 (8 rows are 256 KB at
// N = 4,000, 6.4 MB at N = 100,000; a two-row block to stay in L2 measured half the speed at
// N = 100,000: 6.4 vs 12.3 GB/s of rows on this project's machine). Rows recomputed on the fly
// live in a scratch buffer until the next row is asked for, so they go one by one.
std::size_t NationalSystem::row_block() const { return kernels_->storage() == KernelRows::Storage::Stored ? 8 : 1; }

namespace {
// Owned rows in blocks of `block` (row_of(j): a double or float row): their products with
// `in` (num_vectors vectors), coefficients(j0, rows, dots, coef) turning the rows×num_vectors
// products into as many coefficients, and those scattered along the same rows into `accum`.
// Stored rows (block > 1) of the next block are prefetched during the scatter, which runs
// from cache, so the memory bus keeps streaming (kernels benchmark: 16 -> 20 GB/s for three
// sectors at N = 4,000); rows recomputed on the fly (block = 1) are not asked for early.
template <class Row, class RowOf, class Coefficients>
void dot_then_scatter(std::vector<const Row*>& scratch, std::size_t n_own, std::size_t block, RowOf row_of,
                      const double* const* in, double* const* accum, std::size_t num_vectors, std::size_t N,
                      std::vector<double>& dots, std::vector<double>& coef, Coefficients coefficients) {
  dots.resize(block * num_vectors);
  coef.resize(block * num_vectors);
  scratch.resize(2 * block);
  const Row** rows_now = scratch.data();
  const Row** rows_next = scratch.data() + block;
  for (std::size_t j0 = 0; j0 < n_own; j0 += block) {
    const std::size_t rows = std::min(block, n_own - j0);
    for (std::size_t r = 0; r < rows; ++r) rows_now[r] = row_of(j0 + r);
    const bool prefetch = block > 1 && j0 + block < n_own;
    if (prefetch)
      for (std::size_t r = 0; r < rows; ++r) rows_next[r] = row_of(std::min(j0 + block + r, n_own - 1));
    row_block_products(rows_now, rows, in, num_vectors, N, dots.data(), num_vectors);
    coefficients(j0, rows, dots.data(), coef.data());
    row_block_scatter(rows_now, rows, coef.data(), num_vectors, accum, num_vectors, N, prefetch ? rows_next : nullptr);
  }
}
}  // namespace

void NationalSystem::trade_pass(const double* price_cols, const double* expenditure, const double* external_pow,
                                double* phi) {
  const std::size_t block = row_block();
  const bool single = kernels_->storage() == KernelRows::Storage::Stored && kernels_->single();
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
      dot_then_scatter(product_rows_single_, n_own_, block, [&](std::size_t j) { return kernels_->trade_single(s0, j); },
                       product_vectors_.data(), scatter_vectors_.data(), m, N_, product_block_, coefficient_block_,
                       demand_ratio);
    else
      dot_then_scatter(product_rows_, n_own_, block, [&](std::size_t j) { return kernels_->trade(s0, j); },
                       product_vectors_.data(), scatter_vectors_.data(), m, N_, product_block_, coefficient_block_,
                       demand_ratio);
  }
}

void NationalSystem::migration_pass(const double* attraction, const double* own_pow, double* leaving_weight,
                                    double* denominator, double* outflow) {
  const std::size_t block = row_block();
  const bool single = kernels_->storage() == KernelRows::Storage::Stored && kernels_->single();
  inflow_partial_.assign(N_, 0.0);
  double* accum = inflow_partial_.data();
  auto outflows = [&](std::size_t j0, std::size_t rows, const double* dots, double* coef) {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t j = j0 + r;
      leaving_weight[j] = dots[r];
      denominator[j] = own_pow[j] + leaving_weight[j];  // D_o
      outflow[j] = state_.registered[j] / denominator[j];
      coef[r] = outflow[j];
    }
  };
  if (single)
    dot_then_scatter(product_rows_single_, n_own_, block, [&](std::size_t j) { return kernels_->migration_single(j); },
                     &attraction, &accum, 1, N_, product_block_, coefficient_block_, outflows);
  else
    dot_then_scatter(product_rows_, n_own_, block, [&](std::size_t j) { return kernels_->migration(j); }, &attraction,
                     &accum, 1, N_, product_block_, coefficient_block_, outflows);
}

void NationalSystem::evaluate(const double* x, double* G) {
  PetscLogEventBegin(profiling::ids().residual, 0, 0, 0, 0);
  const auto t_start = std::chrono::steady_clock::now();
  last_x_.assign(x, x + n_own_ * block_);
  ++evaluations_;
  ++total_evaluations_;
  auto& v = view_;
  auto& p = scratch_prices_;
  auto& L = scratch_pop_;
  unpack(x, p, L);
  unpack_shift(x);
  const std::size_t n = n_own_, S = S_;
  bool bad = false;

  // 1. Unit prices of owned regions; exchange p^−θ (N×S).
  std::vector<double> logA(n * S), price_pow(n * S);
  for (std::size_t j = 0; j < n; ++j) {
    const LogFactorPrices log_p = log_factor_prices(p[j]);
    for (std::size_t s = 0; s < S; ++s) {
      logA[j * S + s] = log_effective_productivity(state_.log_productivity[j * S + s] + shift_[j], tech_.gamma[s], L[j], state_.land[j]);
      price_pow[j * S + s] = std::exp(-tech_.theta[s] * log_unit_price(tech_, s, log_p, logA[j * S + s]));
    }
  }
  PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
  layout_.allgather(price_pow.data(), static_cast<int>(S), v.price_pow_all);
  PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);

  // 2. Incomes, savings, investment and spending X_ns (none depends on Φ), then the trade pass:
  // price indices Φ_ns, P_n, and market access MA_is = Σ_n τ_nis^−θ X_ns/Φ_ns.
  v.phi.resize(n * S);
  v.price_index.resize(n);
  v.income.resize(n);
  v.investment.resize(n);
  v.expenditure.resize(n * S);
  std::vector<double> saving(n), weighted_price(n);
  std::vector<double>& pre_transfer = scratch_local_;
  pre_transfer.resize(n);
  for (std::size_t j = 0; j < n; ++j) pre_transfer[j] = income(tech_, p[j], L[j], state_.capital[j], state_.land[j], 0.0);
  compute_transfers(pre_transfer, L, v.transfer);
  for (std::size_t j = 0; j < n; ++j) {
    v.income[j] = pre_transfer[j] + v.transfer[j];
    saving[j] = tech_.saving_rate * v.income[j];
  }
  v.total_saving = layout_.ordered_sum(saving);
  // Net exports (MODEL.md §5) are lent abroad out of the pooled savings, so Σ J = Σ S − NX
  // (which Walras' law needs): J_n = ϕ S_n + ω_n [(1 − ϕ) Σ S − NX].
  v.net_exports = sc_.external.enabled ? sc_.external.net_exports * layout_.ordered_sum(v.income) : 0.0;
  const double phi_home = sc_.capital.home_bias;
  v.pooled_saving = (1 - phi_home) * v.total_saving - v.net_exports;
  for (std::size_t j = 0; j < n; ++j) {
    v.investment[j] = phi_home * saving[j] + capital_weight_[j] * v.pooled_saving;
    const double goods = (1 - tech_.housing_share - tech_.saving_rate) * v.income[j] + v.investment[j];
    for (std::size_t s = 0; s < S; ++s) v.expenditure[j * S + s] = tech_.eta[s] * goods;
  }
  // Row-outer loops: a kernel row shared by several sectors is read from memory once.
  transpose(v.price_pow_all, N_, S, cols_);
  trade_pass(cols_.data(), v.expenditure.data(), v.external_pow.data(), v.phi.data());
  for (std::size_t j = 0; j < n; ++j) {
    v.price_index[j] = std::exp(log_price_index(tech_, {&v.phi[j * S], S}));
    weighted_price[j] = L[j] * v.price_index[j];
  }
  v.price_level = layout_.ordered_sum(weighted_price) / layout_.ordered_sum(L);

  // 3. Market access: this rank's column sums (S×N), added over the ranks.
  v.market_access.resize(n * S);
  PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
  layout_.reduce_sum(ma_partial_, static_cast<int>(S), v.market_access.data());
  PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);
  if (sc_.external.enabled) {
    // The rest of the world buys X_Ws = IM_s + η_s NX from Chinese origins with shares
    // (τ_Wis p_is)^−θ / Φ_Ws: export market access τ_iW^−θ X_Ws / Φ_Ws.
    v.external_demand.assign(S, 0.0);
    v.external_phi.assign(S, 0.0);
    std::vector<double> imports(n), supply(n);
    for (std::size_t s = 0; s < S; ++s) {
      for (std::size_t j = 0; j < n; ++j) {
        imports[j] = v.expenditure[j * S + s] * v.external_pow[j * S + s] / v.phi[j * S + s];
        supply[j] = v.external_pow[j * S + s] * price_pow[j * S + s];
      }
      v.external_demand[s] = layout_.ordered_sum(imports) + tech_.eta[s] * v.net_exports;
      v.external_phi[s] = layout_.ordered_sum(supply);
      for (std::size_t j = 0; j < n; ++j)
        v.market_access[j * S + s] += v.external_pow[j * S + s] * v.external_demand[s] / v.external_phi[s];
    }
  }
  v.revenue.resize(n * S);
  for (std::size_t k = 0; k < n * S; ++k) v.revenue[k] = price_pow[k] * v.market_access[k];

  // 4. Local clearing of every owned region with the national terms fixed -> the factor-market
  // entries of G. It needs market access, not the migration pass, so with migration the ranks
  // take the two in alternating order (the pass streams kernel rows from memory, the clearing
  // computes): on a node whose ranks share one memory bus, half of them stream at a time.
  auto clear_owned_markets = [&] {
    PetscLogEventBegin(profiling::ids().local_clearing, 0, 0, 0, 0);
    for (std::size_t j = 0; j < n; ++j) {
      OwnMarket own;
      own_market(j, price_pow.data() + j * S, own);
      LocalMarketInputs in{{&v.market_access[j * S], S}, {&logA[j * S], S}, L[j], state_.capital[j],
                           state_.land[j], v.transfer[j], v.price_level, local_own_market_ ? &own : nullptr};
      LocalClearingResult res;
      if (mode_ == Mode::Calibration) {
        // Unshifted productivities in, the shift that reproduces observed GDP out.
        for (std::size_t s = 0; s < S; ++s) logA[j * S + s] -= shift_[j];
        const auto inv = invert_local_productivity(tech_, in, observed_gdp_[j], p[j], shift_[j]);
        res = inv.clearing;
        if (!inv.converged && !(res.residual < 1e-10)) bad = true;
        G[j * block_ + shift_slot_] = shift_[j] - inv.log_shift;
      } else {
        res = clear_local_markets(tech_, in, p[j]);
      }
      if (!res.converged && !(res.residual < 1e-10)) bad = true;
      for (int f = 0; f < 3; ++f)
        if (factor_slot_[f] >= 0) G[j * block_ + factor_slot_[f]] = std::log(p[j][f]) - std::log(res.prices[f]);
    }
    PetscLogEventEnd(profiling::ids().local_clearing, 0, 0, 0, 0);
  };

  // 5. Migration: U_d, origin denominators D_o, and the population each destination attracts.
  v.utility.resize(n);
  for (std::size_t j = 0; j < n; ++j)
    v.utility[j] = utility(tech_, state_.amenity[j], v.income[j], L[j], v.price_index[j], p[j]);
  v.population_demand.assign(n, 0.0);
  v.migration_denominator.assign(n, 0.0);
  v.inflow.assign(n, 0.0);
  v.leaving_weight.assign(n, 0.0);
  if (migration_) {
    std::vector<double> own_pow(n), attraction(n), outflow(n);
    for (std::size_t j = 0; j < n; ++j) {
      own_pow[j] = std::pow(v.utility[j], epsilon_);
      attraction[j] = own_pow[j] * hukou_pow_[j];
    }
    PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
    layout_.allgather(attraction.data(), 1, v.attraction_all);
    PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);
    // Odd ranks clear their markets first, even ranks stream their migration rows first (an
    // A/B of 8 + 8 runs at N = 4,000 on 2 ranks: 0.0111 -> 0.0108 s per residual; bitwise the
    // same results). Migrant terms are summed directly, not as differences, so migrants_in/out
    // keep full relative precision even when most people stay.
    const bool clear_first = layout_.rank() % 2 == 1;
    if (clear_first) clear_owned_markets();
    migration_pass(v.attraction_all.data(), own_pow.data(), v.leaving_weight.data(), v.migration_denominator.data(),
                   outflow.data());
    if (!clear_first) clear_owned_markets();
    PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
    layout_.reduce_sum(inflow_partial_, 1, v.inflow.data());
    PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);
    for (std::size_t j = 0; j < n; ++j) {
      v.inflow[j] *= attraction[j];
      v.population_demand[j] = own_pow[j] * outflow[j] + v.inflow[j];
    }
  } else {
    clear_owned_markets();
  }
  if (pop_slot_ >= 0)
    for (std::size_t j = 0; j < n; ++j) G[j * block_ + pop_slot_] = std::log(L[j]) - std::log(v.population_demand[j]);
  for (std::size_t k = 0; k < n * block_; ++k) bad = bad || !std::isfinite(G[k]);
  int bad_local = bad ? 1 : 0, bad_any = 0;
  MPI_Allreduce(&bad_local, &bad_any, 1, MPI_INT, MPI_MAX, layout_.comm());
  local_failure_ = bad_any != 0;
  if (coarse_ || recycler_) last_G_.assign(G, G + n * block_);  // G at last_x_: coarse probes, far starts
  total_residual_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  PetscLogEventEnd(profiling::ids().residual, 0, 0, 0, 0);
}

void NationalSystem::refresh() {
  std::vector<double> x, G;
  pack(x);
  G.resize(x.size());
  evaluate(x.data(), G.data());
}

std::vector<double> NationalSystem::residual_at_state() {
  std::vector<double> x, G;
  pack(x);
  G.resize(x.size());
  evaluate(x.data(), G.data());
  return G;
}

std::string NationalSystem::worst_regions(const double* G) const {
  std::vector<double> worst(n_own_, 0.0), all;
  for (std::size_t j = 0; j < n_own_; ++j)
    for (int b = 0; b < block_; ++b) worst[j] = std::max(worst[j], std::abs(G[j * block_ + b]));
  layout_.allgather(worst.data(), 1, all);
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t top = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + top, order.end(),
                    [&](auto a, auto b) { return !(all[a] <= all[b]); });  // NaN first
  std::string out;
  for (std::size_t t = 0; t < top; ++t)
    out += fmt::format("{}{}{} ({:.3g})", t ? ", " : "", geo_.id[order[t]],
                       geo_.name[order[t]] == geo_.id[order[t]] ? "" : " " + geo_.name[order[t]], all[order[t]]);
  return out;
}

void NationalSystem::setup_preconditioner(const double* x, int krylov_iterations) {
  const std::size_t b = static_cast<std::size_t>(block_);
  if (last_x_.size() != n_own_ * b || !std::equal(last_x_.begin(), last_x_.end(), x)) {
    std::vector<double> G(n_own_ * b);  // collective: every rank's x differs from its last alike
    evaluate(x, G.data());
  }
  std::vector<FactorPrices> p;
  std::vector<double> L;
  unpack(x, p, L);
  const auto& v = view_;
  const std::size_t S = S_;
  const double h = 1e-6;
  block_inverse_.assign(n_own_ * b * b, 0.0);
  std::vector<double> logA(S), A(b * b);
  // Without migration a region's block is the identity (local clearing does not depend on the
  // region's own prices); only the coarse correction then has something to add.
  for (std::size_t j = 0; j < n_own_ && pop_slot_ < 0; ++j)
    for (std::size_t a = 0; a < b; ++a) block_inverse_[(j * b + a) * b + a] = 1.0;
  for (std::size_t j = 0; j < n_own_ && pop_slot_ >= 0; ++j) {
    // Local clearing at population L (prices T_f(L)), national terms frozen.
    auto clear = [&](double pop) {
      for (std::size_t s = 0; s < S; ++s)
        logA[s] = log_effective_productivity(state_.log_productivity[j * S + s], tech_.gamma[s], pop, state_.land[j]);
      std::vector<double> own_price_pow(S);
      for (std::size_t s = 0; s < S; ++s) own_price_pow[s] = v.price_pow_all[state_.records[j].index * S + s];
      OwnMarket own;
      own_market(j, own_price_pow.data(), own);
      LocalMarketInputs in{{&v.market_access[j * S], S}, logA, pop, state_.capital[j], state_.land[j], v.transfer[j], v.price_level,
                           local_own_market_ ? &own : nullptr};
      return clear_local_markets(tech_, in, p[j]).prices;
    };
    // Population the region attracts at own prices and population, other origins frozen.
    const double att_x = std::pow(v.utility[j], epsilon_) * hukou_pow_[j];
    const double inflow_weight = att_x > 0 ? v.inflow[j] / att_x : 0.0;  // Σ_{o≠j} μ̃^−ε R_o/D_o
    auto attracted = [&](const FactorPrices& q, double pop) {
      const double I = income(tech_, q, pop, state_.capital[j], state_.land[j], v.transfer[j]);
      const double own = std::pow(utility(tech_, state_.amenity[j], I, pop, v.price_index[j], q), epsilon_);
      return own * state_.registered[j] / (own + v.leaving_weight[j]) + own * hukou_pow_[j] * inflow_weight;
    };
    std::fill(A.begin(), A.end(), 0.0);
    for (std::size_t a = 0; a < b; ++a) A[a * b + a] = 1.0;
    const double Lj = L[j], L1 = L[j] * std::exp(h);
    const FactorPrices T0 = clear(Lj), T1 = clear(L1);
    const double lhat0 = std::log(attracted(p[j], Lj));
    for (int f = 0; f < 3; ++f) {
      if (factor_slot_[f] < 0) continue;
      const auto row = static_cast<std::size_t>(factor_slot_[f]);
      A[row * b + pop_slot_] = -(std::log(T1[f]) - std::log(T0[f])) / h;
      FactorPrices q = p[j];
      q[f] *= std::exp(h);
      A[pop_slot_ * b + row] = -(std::log(attracted(q, Lj)) - lhat0) / h;
    }
    A[pop_slot_ * b + pop_slot_] = 1.0 - (std::log(attracted(p[j], L1)) - lhat0) / h;
    // Invert the small block; a singular one falls back to the identity for this region.
    double* inv = &block_inverse_[j * b * b];
    if (invert_small(A, b)) {
      std::copy(A.begin(), A.end(), inv);
    } else {
      for (std::size_t a = 0; a < b; ++a) inv[a * b + a] = 1.0;
    }
  }
  // The province-aggregate coarse correction is probed at the second Newton step of the first
  // solve (the first iterate of a cold start is too far from the solution to represent it) and
  // then kept from solve to solve, like the recycled Krylov pairs: both stay good while the
  // economy moves by tenths of a log unit per epoch (docs/numerics.md). Ã is probed again when
  // a linear solve needs more than solver.province_coarse_refresh Krylov iterations (a stale
  // Ã: 9–12 instead of 1–7), and in every solve if that setting is 0; both are dropped after a
  // far start (below) and when a policy takes effect (Simulation).
  if (jacobian_updates_ == 0 && (coarse_ || recycler_)) {
    // A far start (RMS of G(x0), in log units, above these: the transients of an uncalibrated
    // economy; calibrated warm starts are at 0.02–0.05) moves the solution far from where they
    // were taken: drop them (Ã is then probed afresh at the second Newton step). The pairs are
    // the more sensitive. Synthetic N = 1,000, 30 epochs: 546 residual evaluations; 623 with
    // the pairs dropped in every solve, 707 with neither dropped (735 before either was kept).
    constexpr double kFarStartCoarse = 0.5, kFarStartRecycled = 0.1;
    double squares = 0, all = 0;
    for (double g : last_G_) squares += g * g;
    MPI_Allreduce(&squares, &all, 1, MPI_DOUBLE, MPI_SUM, layout_.comm());
    const double rms = std::sqrt(all / (static_cast<double>(layout_.num_regions()) * block_));
    if (coarse_ && sc_.solver.province_coarse_refresh > 0 && rms > kFarStartCoarse) coarse_->reset();
    if (recycler_ && rms > kFarStartRecycled) recycler_->clear();
  }
  const int refresh = sc_.solver.province_coarse_refresh;
  const bool stale = refresh > 0 && krylov_iterations > refresh;
  if (coarse_ && ((jacobian_updates_ == 1 && !coarse_->ready()) || (jacobian_updates_ >= 1 && stale))) {
    const std::vector<double> at_x = last_G_;  // the last evaluation was at x (checked above)
    // R weights each region by its income at x: the others feel a region's prices and people
    // through its share of their purchases and its spending (province_coarse.hpp).
    coarse_->build([this](const double* v, double* t) { apply_blocks(v, t); },
                   [&](const double* t, double* w) { return jacobian_times(x, at_x.data(), t, w); }, view_.income);
  }
  ++jacobian_updates_;
}

bool NationalSystem::jacobian_times(const double* x, const double* G_at_x, const double* t, double* w) {
  const std::size_t n = n_own_ * static_cast<std::size_t>(block_);
  std::vector<double> shifted(n), G(n);
  const double h = 1e-7;  // the unknowns are logs of O(1) scale; t is M⁻¹ of a ±1 indicator
  for (std::size_t k = 0; k < n; ++k) shifted[k] = x[k] + h * t[k];
  evaluate(shifted.data(), G.data());
  for (std::size_t k = 0; k < n; ++k) w[k] = (G[k] - G_at_x[k]) / h;
  return !local_failure_;
}

void NationalSystem::apply_blocks(const double* r, double* y) const {
  const std::size_t b = static_cast<std::size_t>(block_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const double* inv = &block_inverse_[j * b * b];
    for (std::size_t a = 0; a < b; ++a) {
      double s = 0;
      for (std::size_t k = 0; k < b; ++k) s += inv[a * b + k] * r[j * b + k];
      y[j * b + a] = s;
    }
  }
}

void NationalSystem::apply_preconditioner(const double* r, double* y) const {
  if (coarse_ && coarse_->ready()) {  // y = M⁻¹ Q r
    coarse_input_.resize(n_own_ * static_cast<std::size_t>(block_));
    coarse_->apply(r, coarse_input_.data());
    apply_blocks(coarse_input_.data(), y);
  } else {
    apply_blocks(r, y);
  }
}

// The numeraire first. P̄ = Σ L P / Σ L is homogeneous of degree 1 in the factor prices (w, r, q)
// at given populations (exactly in a closed economy; the rest of the world's fixed prices make it
// nearly so), so dividing every price by P̄(x0) puts the price level right. A start whose level
// is off costs Newton steps out of proportion: China-31 and the prefectures took 22 / 28
// residual evaluations instead of 15 / 22 from their calibrated guess × e, 23–27 / 33–52 from
// × e^±3 to e^6, and +2–3 already from × e^0.1; with the rescaling each costs one evaluation
// more. A guess from observed GDP is in yuan, not in the numeraire's units (synthetic
// N = 1,000: P̄ = e^−5.4), and took 47 instead of 28. The rescaled point costs one more
// evaluation, so only a level off by more than kLevelTolerance is rescaled: warm starts are off
// by the year's productivity growth (2.6 %), and rescaling them cost 10 % more evaluations over
// 30 epochs. Otherwise G(x0) is handed to SNES and not evaluated twice.
bool NationalSystem::put_price_level_right(std::vector<double>& x0, std::vector<double>& G0) {
  constexpr double kLevelTolerance = 0.1;  // |log P̄(x0)|
  G0.resize(x0.size());
  evaluate(x0.data(), G0.data());
  const double level = std::log(view_.price_level);  // the same on every rank (ordered sums)
  if (local_failure_ || !std::isfinite(level)) return false;  // SNES evaluates x0 and reports it
  if (std::abs(level) <= kLevelTolerance) return true;
  for (auto& p : state_.prices)
    for (int f = 0; f < 3; ++f)
      if (tech_.active[f]) p[f] /= view_.price_level;
  pack(x0);
  return false;
}

// Warm starts from the trend. From one epoch to the next the fundamentals move smoothly
// (productivity growth, capital accumulation, registration), so the solutions lie on a smooth
// curve in logs, and its extrapolation is much closer to x_{t+1} than x_t: linear, ‖G(x₀)‖
// falls 6–15 × on the prefectures (0.54–0.66 → 0.043–0.083). Residual evaluations over 30
// epochs on 2 ranks, order 0 / 1 / 2 / 3: China-31 346 / 307 / 285 / 270, prefectures
// 417 / 369 / 350 / 349, counties 426 / 407 / 370 / 362, synthetic N = 4,000
// 470 / 453 / 406 / 395 (docs/numerics.md). A damped linear step is not a compromise: w = 0.8
// or 1.2 instead of 1 kept 343–349, 414, 431–441, 450–472. The step from epoch 0 (the calibrated
// data year) to epoch 1 is not a trend (extrapolating it cost the prefectures 7 evaluations in
// epoch 2), nor is one across a policy taking effect. If the extrapolated start's price level
// is off by more than put_price_level_right allows (not seen), that rescales the state and the
// solve starts from x_t instead.
void NationalSystem::record_epoch_solution(bool trend_continues) {
  std::vector<double> now;
  pack(now);
  if (trend_continues && last_solution_.size() == now.size()) {
    std::vector<double> step(now.size());
    for (std::size_t k = 0; k < now.size(); ++k) step[k] = now[k] - last_solution_[k];
    trend_steps_.insert(trend_steps_.begin(), std::move(step));  // newest first
    if (trend_steps_.size() > kTrendSteps) trend_steps_.pop_back();
  } else {
    trend_steps_.clear();
  }
  last_solution_ = std::move(now);
}

void NationalSystem::scale_level(double c) {
  for (auto& a : state_.log_productivity) a += std::log(c);
  for (auto& p : state_.prices)
    for (int f = 0; f < 3; ++f)
      if (tech_.active[f]) p[f] *= c;
  if (!recycler_) return;
  std::vector<double> shift(n_own_ * static_cast<std::size_t>(block_), 0.0);
  for (std::size_t j = 0; j < n_own_; ++j)
    for (int f = 0; f < 3; ++f)
      if (factor_slot_[f] >= 0) shift[j * block_ + factor_slot_[f]] = std::log(c);
  recycler_->translate_base(shift);
}

std::vector<double> NationalSystem::warm_start_guess() const {
  std::vector<double> x0;
  pack(x0);
  if (mode_ != Mode::Equilibrium) return x0;
  // The polynomial of degree `order` through the last order + 1 solutions, one year ahead:
  // x_t + Σ_i c_i Δx_{t−i} with c = (1), (2, −1), (3, −3, 1) (binomial: the order-th difference
  // of the steps vanishes).
  static constexpr double kCoefficients[kTrendSteps][kTrendSteps] = {{1, 0, 0}, {2, -1, 0}, {3, -3, 1}};
  std::size_t order = std::min(trend_steps_.size(), static_cast<std::size_t>(std::max(0, sc_.solver.warm_start_order)));
  for (const auto& step : trend_steps_) order = step.size() == x0.size() ? order : 0;
  if (order == 0) return x0;
  const double* c = kCoefficients[order - 1];
  for (std::size_t k = 0; k < x0.size(); ++k) {
    double shift = 0;
    for (std::size_t i = 0; i < order; ++i) shift += c[i] * trend_steps_[i][k];
    x0[k] += shift;
  }
  return x0;
}

SolveStats NationalSystem::solve(const std::string& context) {
  const auto t0 = std::chrono::steady_clock::now();
  setup_capital_weights();
  update_hukou_barriers();  // hukou policies change h_d between epochs
  evaluations_ = 0;
  jacobian_updates_ = 0;
  if (coarse_ && sc_.solver.province_coarse_refresh == 0) coarse_->reset();  // probe afresh in every solve
  std::vector<double> x0 = warm_start_guess(), G0;
  // Whether G0 holds G(x0) for SNES: decided alike on every rank (a rank may own no region).
  const bool have_G0 = mode_ == Mode::Equilibrium && put_price_level_right(x0, G0);
  const std::string prefix = mode_ == Mode::Calibration ? "calibration_" : "national_";
  // Without migration, x − T(x) has an identity block diagonal (local clearing does not depend
  // on a region's own prices): the preconditioner only pays off for the population coupling,
  // the coarse correction, and (its setup) for dropping carried Krylov pairs after a far start.
  const Preconditioner pre{[this](const double* x, int krylov_iterations) { setup_preconditioner(x, krylov_iterations); },
                           [this](const double* r, double* y) { apply_preconditioner(r, y); }};
  const auto result = solve_nonlinear(layout_.comm(), prefix, block_, x0, [this](const double* x, double* G) {
    evaluate(x, G);
    return !local_failure_;
  }, sc_.solver, pop_slot_ >= 0 || coarse_ || recycler_ ? &pre : nullptr, recycler_.get(), have_G0 ? &G0 : nullptr);

  SolveStats st;
  st.nonlinear_iterations = result.nonlinear_iterations;
  st.linear_iterations = result.linear_iterations;
  st.residual_norm = result.residual_norm;
  st.initial_residual_norm = result.initial_residual_norm;
  st.reason = result.reason_text;
  // Store the final iterate (also when failing: the diagnostics evaluate at it).
  unpack(result.x.data(), state_.prices, state_.population);
  unpack_shift(result.x.data());
  if (!result.converged) {
    const auto G = residual_at_state();
    throw SolverError(fmt::format(
        "{}: the {} solve did not converge: SNES reason {} after {} nonlinear iterations, ||G|| = {:.3e} "
        "(history: {}); largest residuals in regions {}. Check those regions' inputs, raise solver.max_iterations, "
        "or inspect with `-- -{}snes_monitor -{}ksp_monitor`",
        context, mode_ == Mode::Calibration ? "calibration" : "national", st.reason, st.nonlinear_iterations,
        st.residual_norm, result.history, worst_regions(G.data()), prefix, prefix));
  }
  if (mode_ == Mode::Calibration) {  // fold the calibrated shifts into the fundamentals
    for (std::size_t j = 0; j < n_own_; ++j)
      for (std::size_t s = 0; s < S_; ++s) state_.log_productivity[j * S_ + s] += shift_[j];
    shift_.assign(n_own_, 0.0);
  }
  // view_ at the solution: usually the line search's last evaluation was there already.
  int here = mode_ == Mode::Equilibrium && last_x_ == result.x ? 1 : 0, everywhere = 0;
  MPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_MIN, layout_.comm());
  if (!everywhere) refresh();
  st.residual_evaluations = evaluations_;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace regio
