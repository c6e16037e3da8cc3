#include "regio/national_system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <exception>
#include <numeric>

#include "regio/error.hpp"
#include "regio/geography.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/profiling.hpp"
#include "regio/snes_driver.hpp"

namespace regio {

double available_memory_per_rank(MPI_Comm comm) {
  double avail = 0;  // MemAvailable from /proc/meminfo (Linux); 0 if unknown
  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char key[64];
    double kb = 0;
    char unit[16];
    while (std::fscanf(f, "%63s %lf %15s", key, &kb, unit) == 3)
      if (std::string(key) == "MemAvailable:") { avail = kb * 1024.0; break; }
    std::fclose(f);
  }
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  return avail / on_node;
}

namespace {

inline double dot(const double* a, const double* b, std::size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < n; ++k) s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// Column-major copy (S×N) of an N×S row-major array, so each sector's column is contiguous.
void transpose(const std::vector<double>& rows, std::size_t N, std::size_t S, std::vector<double>& cols) {
  cols.resize(N * S);
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t s = 0; s < S; ++s) cols[s * N + k] = rows[k * S + s];
}
}  // namespace

NationalSystem::NationalSystem(const Scenario& sc, const Layout& layout, const GlobalGeography& geo,
                               EconomyState& state, Mode mode, std::vector<double> observed_gdp)
    : sc_(sc), layout_(layout), geo_(geo), state_(state), tech_(sc), mode_(mode), observed_gdp_(std::move(observed_gdp)) {
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

  // Kernel rows: stored if they fit in half of this node's available memory (shared by the
  // ranks on the node), else recomputed on the fly (solver.kernels).
  const std::size_t groups = KernelRows::count_groups(tech_);
  const double needed = KernelRows::stored_bytes(n_own_, N_, groups);
  const auto storage = choose_kernel_storage(sc.solver.kernels, needed, 0.5 * available_memory_per_rank(layout.comm()));
  kernels_ = std::make_unique<KernelRows>(sc, tech_, geo, state, storage);
  hukou_pow_.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) hukou_pow_[j] = std::pow(state.hukou_barrier[j], -epsilon_);
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
  // Each residual reads every trade row twice (Φ, then MA) and every migration row twice
  // (denominators, then inflows); rows shared by sectors with equal θ are read once per pass.
  const double row = static_cast<double>(N_) * sizeof(double) * static_cast<double>(n_own_);
  return 2.0 * row * static_cast<double>(kernels_->groups()) + (migration_ ? 2.0 * row : 0.0);
}

void NationalSystem::evaluate(const double* x, double* G) {
  PetscLogEventBegin(profiling::ids().residual, 0, 0, 0, 0);
  const auto t_start = std::chrono::steady_clock::now();
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
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t s = 0; s < S; ++s) {
      logA[j * S + s] = log_effective_productivity(state_.log_productivity[j * S + s] + shift_[j], tech_.gamma[s], L[j], state_.land[j]);
      price_pow[j * S + s] = std::exp(-tech_.theta[s] * log_unit_price(tech_, s, p[j], logA[j * S + s]));
    }
  PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
  layout_.allgather(price_pow.data(), static_cast<int>(S), v.price_pow_all);
  PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);

  // 2. Price indices Φ_ns, P_n; incomes, savings, investment and spending X_ns.
  v.phi.resize(n * S);
  v.price_index.resize(n);
  v.income.resize(n);
  v.investment.resize(n);
  v.expenditure.resize(n * S);
  std::vector<double> saving(n), weighted_price(n);
  // Row-outer loops: a kernel row shared by several sectors is read from memory once.
  transpose(v.price_pow_all, N_, S, cols_);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t s = 0; s < S; ++s) v.phi[j * S + s] = dot(trade_row(s, j), &cols_[s * N_], N_);
  for (std::size_t j = 0; j < n; ++j) {
    v.price_index[j] = std::exp(log_price_index(tech_, {&v.phi[j * S], S}));
    v.income[j] = income(tech_, p[j], L[j], state_.capital[j], state_.land[j], 0.0);
    saving[j] = tech_.saving_rate * v.income[j];
    weighted_price[j] = L[j] * v.price_index[j];
  }
  v.total_saving = layout_.ordered_sum(saving);
  const double phi_home = sc_.capital.home_bias;
  for (std::size_t j = 0; j < n; ++j) {
    v.investment[j] = phi_home * saving[j] + (1 - phi_home) * capital_weight_[j] * v.total_saving;
    const double goods = (1 - tech_.housing_share - tech_.saving_rate) * v.income[j] + v.investment[j];
    for (std::size_t s = 0; s < S; ++s) v.expenditure[j * S + s] = tech_.eta[s] * goods;
  }
  v.price_level = layout_.ordered_sum(weighted_price) / layout_.ordered_sum(L);

  // 3. Market access MA_is = Σ_n τ_nis^−θ X_ns/Φ_ns (τ symmetric: the owned row serves as column).
  std::vector<double> demand_ratio(n * S), ratio_all;
  for (std::size_t k = 0; k < n * S; ++k) demand_ratio[k] = v.expenditure[k] / v.phi[k];
  PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
  layout_.allgather(demand_ratio.data(), static_cast<int>(S), ratio_all);
  PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);
  v.market_access.resize(n * S);
  transpose(ratio_all, N_, S, cols_);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t s = 0; s < S; ++s) v.market_access[j * S + s] = dot(trade_row(s, j), &cols_[s * N_], N_);
  v.revenue.resize(n * S);
  for (std::size_t k = 0; k < n * S; ++k) v.revenue[k] = price_pow[k] * v.market_access[k];

  // 4. Migration: U_d, origin denominators D_o, and the population each destination attracts.
  v.utility.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double q = tech_.active[kLand] ? p[j].land_rent : 1.0;
    v.utility[j] = state_.amenity[j] * (v.income[j] / L[j]) /
                   (std::pow(v.price_index[j], 1 - tech_.housing_share) * std::pow(q, tech_.housing_share));
  }
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
    for (std::size_t j = 0; j < n; ++j) {
      // Migrant terms are summed directly, not as differences, so migrants_in/out keep full
      // relative precision even when most people stay.
      v.leaving_weight[j] = dot(migration_row(j), v.attraction_all.data(), N_);
      v.migration_denominator[j] = own_pow[j] + v.leaving_weight[j];
      outflow[j] = state_.registered[j] / v.migration_denominator[j];
    }
    PetscLogEventBegin(profiling::ids().exchange, 0, 0, 0, 0);
    layout_.allgather(outflow.data(), 1, v.outflow_all);
    PetscLogEventEnd(profiling::ids().exchange, 0, 0, 0, 0);
    for (std::size_t j = 0; j < n; ++j) {
      v.inflow[j] = attraction[j] * dot(migration_row(j), v.outflow_all.data(), N_);
      v.population_demand[j] = own_pow[j] * outflow[j] + v.inflow[j];
    }
  }

  // 5. Local clearing of every owned region with the national terms fixed -> G.
  PetscLogEventBegin(profiling::ids().local_clearing, 0, 0, 0, 0);
  for (std::size_t j = 0; j < n; ++j) {
    LocalMarketInputs in{{&v.market_access[j * S], S}, {&logA[j * S], S}, L[j], state_.capital[j],
                         state_.land[j], 0.0, v.price_level};
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
    if (pop_slot_ >= 0) G[j * block_ + pop_slot_] = std::log(L[j]) - std::log(v.population_demand[j]);
  }
  PetscLogEventEnd(profiling::ids().local_clearing, 0, 0, 0, 0);
  for (std::size_t k = 0; k < n * block_; ++k) bad = bad || !std::isfinite(G[k]);
  int bad_local = bad ? 1 : 0, bad_any = 0;
  MPI_Allreduce(&bad_local, &bad_any, 1, MPI_INT, MPI_MAX, layout_.comm());
  local_failure_ = bad_any != 0;
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

SolveStats NationalSystem::solve(const std::string& context) {
  const auto t0 = std::chrono::steady_clock::now();
  setup_capital_weights();
  evaluations_ = 0;
  std::vector<double> x0;
  pack(x0);
  const std::string prefix = mode_ == Mode::Calibration ? "calibration_" : "national_";
  const auto result = solve_nonlinear(layout_.comm(), prefix, block_, x0, [this](const double* x, double* G) {
    evaluate(x, G);
    return !local_failure_;
  }, sc_.solver);

  SolveStats st;
  st.nonlinear_iterations = result.nonlinear_iterations;
  st.linear_iterations = result.linear_iterations;
  st.residual_norm = result.residual_norm;
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
  refresh();  // view_ at the solution
  st.residual_evaluations = evaluations_;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace regio
