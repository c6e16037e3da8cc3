#include "regio/national_terms.hpp"

#include <algorithm>
#include <cmath>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/profiling.hpp"

namespace regio {

namespace {
// Column-major copy (S×N) of an N×S row-major array, so each sector's column is contiguous.
void transpose(const std::vector<double>& rows, std::size_t N, std::size_t S, std::vector<double>& cols) {
  cols.resize(N * S);
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t s = 0; s < S; ++s) cols[s * N + k] = rows[k * S + s];
}
}  // namespace

NationalTerms::NationalTerms(const Scenario& sc, const Technology& tech, const Layout& layout,
                             const GlobalGeography& geo, const EconomyState& st, KernelPasses& passes)
    : sc_(sc),
      tech_(tech),
      layout_(layout),
      geo_(geo),
      state_(st),
      passes_(passes),
      N_(geo.size()),
      n_own_(st.size()),
      S_(tech.S),
      epsilon_(sc.migration.elasticity),
      home_bias_(sc.capital.home_bias),
      net_exports_share_(sc.external.net_exports) {}

void NationalTerms::set_regime(const PolicyRegime& regime) {
  home_bias_ = regime.home_bias;
  wedge_exponent_ = regime.wedge_exponent;
  net_exports_share_ = regime.net_exports;
  fiscal_ = regime.fiscal;
  const auto& factors = regime.external_cost_factors;
  const bool unchanged =
      factors == external_factor_ ||
      (external_factor_.empty() && std::all_of(factors.begin(), factors.end(), [](double f) { return f == 1.0; }));
  external_factor_ = factors;
  if (!unchanged) setup_external(*regime.costs);
}

void NationalTerms::setup_external(const TransportCosts& costs) {
  view_.external_pow.assign(n_own_ * S_, 0.0);
  if (!sc_.external.enabled) return;
  std::vector<std::size_t> ports;
  for (std::size_t k = 0; k < geo_.port.size(); ++k)
    if (geo_.port[k]) ports.push_back(k);
  if (ports.empty())
    raise_on_all_ranks(InputError(  // every rank holds the whole geography
        "external.enabled needs at least one region tagged 'port' in the region CSV (the gateways to the rest of the "
        "world)"));
  std::vector<double> D(N_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const auto i = static_cast<std::size_t>(state_.records[j].index);
    double to_port = 0;
    if (!geo_.port[i]) {
      costs.effective_distances(i, D.data());
      to_port = D[ports[0]];
      for (auto k : ports) to_port = std::min(to_port, D[k]);
    }
    const double factor = external_factor_.empty() ? 1.0 : external_factor_[j];
    const double log_tau = std::log(sc_.external.trade_cost * factor) +
                           sc_.trade.distance_elasticity * std::log1p(to_port / sc_.trade.d0_km);
    for (std::size_t s = 0; s < S_; ++s) view_.external_pow[j * S_ + s] = std::exp(-tech_.theta[s] * log_tau);
  }
}

void NationalTerms::prepare_solve() {
  // ω_n ∝ K_n (r̄_n/ζ_n^e)^ν, predetermined within the epoch (MODEL.md §2); e < 1 while a
  // capital-market reform narrows the wedges (ζ_n^e = ζ_n exactly when e = 1).
  std::vector<double> w(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const double zeta = state_.capital_friction[j];
    const double wedge = wedge_exponent_ == 1 ? zeta : std::pow(zeta, wedge_exponent_);
    w[j] = state_.capital[j] * std::pow(state_.lagged_capital_rent[j] / wedge, sc_.capital.allocation_elasticity);
  }
  const double total = layout_.ordered_sum(w);
  capital_weight_.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) capital_weight_[j] = w[j] / total;
  // Hukou policies change h_d between epochs.
  hukou_pow_.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) hukou_pow_[j] = std::pow(state_.hukou_barrier[j], -epsilon_);
}

void NationalTerms::evaluate(const std::vector<FactorPrices>& p, const std::vector<double>& L,
                             const std::vector<double>* shift, const IntermediatePoint* io) {
  unit_prices(p, L, shift, io);
  spending(p, L, io);
  price_indices(L);
  market_access();
  // Utility U_d (MODEL.md §2); the migration terms are the equilibrium residual's (zero here).
  auto& v = view_;
  v.utility.resize(n_own_);
  if (sc_.households.stayers()) {
    stayers_utility(p, L);
  } else {
    for (std::size_t j = 0; j < n_own_; ++j)
      v.utility[j] = utility(tech_, state_.amenity[j], v.income[j], L[j], v.price_index[j], p[j]);
  }
  v.population_demand.assign(n_own_, 0.0);
  v.migration_denominator.assign(n_own_, 0.0);
  v.inflow.assign(n_own_, 0.0);
  v.leaving_weight.assign(n_own_, 0.0);
}

// With land_income: stayers (MODEL.md §11) the land and housing rent Λ_o = q_o H_o goes to the
// region's stayers: a newcomer's income is (I_o − Λ_o)/L_o, and the stayers' rebate ratio c_o =
// Λ_o/(y_o R_o) (C_o = 1 + c_o/m_oo, solved with the migration shares).
void NationalTerms::stayers_utility(const std::vector<FactorPrices>& p, const std::vector<double>& L) {
  auto& v = view_;
  v.stayer_rent_ratio.resize(n_own_);
  for (std::size_t j = 0; j < n_own_; ++j) {
    const double rent = tech_.active[kLand] ? p[j].land_rent * state_.land[j] : 0.0;
    const double newcomer_income = (v.income[j] - rent) / L[j];
    v.utility[j] = utility(tech_, state_.amenity[j], v.income[j] - rent, L[j], v.price_index[j], p[j]);
    const double R = state_.registered[j];
    v.stayer_rent_ratio[j] = R > 0 ? rent / (newcomer_income * R) : 0.0;
  }
}

// 1. Unit prices of the owned regions; exchange p^−θ (N×S).
void NationalTerms::unit_prices(const std::vector<FactorPrices>& p, const std::vector<double>& L,
                                const std::vector<double>* shift, const IntermediatePoint* io) {
  const std::size_t n = n_own_, S = S_;
  log_productivity_.resize(n * S);
  price_pow_.resize(n * S);
  if (io) io_log_productivity_.resize(n * S);
  for (std::size_t j = 0; j < n; ++j) {
    const LogFactorPrices log_p = log_factor_prices(p[j]);
    for (std::size_t s = 0; s < S; ++s) {
      const double fundamental =
          shift ? state_.log_productivity[j * S + s] + (*shift)[j] : state_.log_productivity[j * S + s];
      log_productivity_[j * S + s] = log_effective_productivity(fundamental, tech_.gamma[s], L[j], state_.land[j]);
      double log_A = log_productivity_[j * S + s];
      if (io) {  // c_is carries Π_k P_ik^ι_sk (MODEL.md §9): a shift of log A by −Σ_k ι_sk log P_ik
        log_A -= tech_.log_intermediate_cost(s, &(*io->log_price)[j * S]);
        io_log_productivity_[j * S + s] = log_A;
      }
      price_pow_[j * S + s] = std::exp(-tech_.theta[s] * log_unit_price(tech_, s, log_p, log_A));
    }
  }
  profiling::Event exchange(profiling::ids().exchange);
  layout_.allgather(price_pow_.data(), static_cast<int>(S), view_.price_pow_all);
}

// 2. Incomes, savings, investment and spending X_ns (none depends on Φ).
void NationalTerms::spending(const std::vector<FactorPrices>& p, const std::vector<double>& L,
                             const IntermediatePoint* io) {
  auto& v = view_;
  const std::size_t n = n_own_, S = S_;
  v.income.resize(n);
  v.investment.resize(n);
  v.expenditure.resize(n * S);
  saving_.resize(n);
  pre_transfer_.resize(n);
  for (std::size_t j = 0; j < n; ++j)
    pre_transfer_[j] = income(tech_, p[j], L[j], state_.capital[j], state_.land[j], 0.0);
  transfers(pre_transfer_, L, v.transfer);
  for (std::size_t j = 0; j < n; ++j) {
    v.income[j] = pre_transfer_[j] + v.transfer[j];
    saving_[j] = tech_.saving_rate * v.income[j];
  }
  v.total_saving = layout_.ordered_sum(saving_);
  // Net exports (MODEL.md §5) are lent abroad out of the pooled savings, so Σ J = Σ S − NX
  // (which Walras' law needs): J_n = ϕ S_n + ω_n [(1 − ϕ) Σ S − NX].
  v.net_exports = sc_.external.enabled ? net_exports_share_ * layout_.ordered_sum(v.income) : 0.0;
  v.pooled_saving = (1 - home_bias_) * v.total_saving - v.net_exports;
  for (std::size_t j = 0; j < n; ++j) {
    v.investment[j] = home_bias_ * saving_[j] + capital_weight_[j] * v.pooled_saving;
    const double goods = (1 - tech_.housing_share - tech_.saving_rate) * v.income[j] + v.investment[j];
    for (std::size_t s = 0; s < S; ++s) v.expenditure[j * S + s] = tech_.eta[s] * goods;
  }
  if (!io) return;
  // Intermediate purchases Σ_k ι_ks R_nk (MODEL.md §9) join the spending on sector-s goods.
  intermediate_.assign(n * S, 0.0);
  const auto& R = *io->revenue;
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t k = 0; k < S; ++k)
      for (std::size_t s = 0; s < S; ++s) intermediate_[j * S + s] += tech_.iota[k * S + s] * R[j * S + k];
  for (std::size_t k = 0; k < n * S; ++k) v.expenditure[k] += intermediate_[k];
}

// The trade pass: price indices Φ_ns, P_n and P̄; this rank's market-access column sums.
void NationalTerms::price_indices(const std::vector<double>& L) {
  auto& v = view_;
  const std::size_t n = n_own_, S = S_;
  v.phi.resize(n * S);
  v.price_index.resize(n);
  weighted_price_.resize(n);
  // Row-outer loops: a kernel row shared by several sectors is read from memory once.
  transpose(v.price_pow_all, N_, S, cols_);
  passes_.trade_pass(cols_.data(), v.expenditure.data(), v.external_pow.data(), v.phi.data());
  for (std::size_t j = 0; j < n; ++j) {
    v.price_index[j] = std::exp(log_price_index(tech_, {&v.phi[j * S], S}));
    weighted_price_[j] = L[j] * v.price_index[j];
  }
  v.price_level = layout_.ordered_sum(weighted_price_) / layout_.ordered_sum(L);
}

// 3. Market access MA_is = Σ_n τ_nis^−θ X_ns/Φ_ns (the ranks' column sums added), the rest of
// the world's demand, revenues R_is = p_is^−θ MA_is.
void NationalTerms::market_access() {
  auto& v = view_;
  const std::size_t n = n_own_, S = S_;
  v.market_access.resize(n * S);
  {
    profiling::Event exchange(profiling::ids().exchange);
    layout_.reduce_sum(passes_.market_access_partial(), static_cast<int>(S), v.market_access.data());
  }
  if (sc_.external.enabled) {
    // The rest of the world buys X_Ws = IM_s + η_s NX from Chinese origins with shares
    // (τ_Wis p_is)^−θ / Φ_Ws: export market access τ_iW^−θ X_Ws / Φ_Ws.
    v.external_demand.assign(S, 0.0);
    v.external_phi.assign(S, 0.0);
    imports_.resize(n);
    supply_.resize(n);
    for (std::size_t s = 0; s < S; ++s) {
      for (std::size_t j = 0; j < n; ++j) {
        imports_[j] = v.expenditure[j * S + s] * v.external_pow[j * S + s] / v.phi[j * S + s];
        supply_[j] = v.external_pow[j * S + s] * price_pow_[j * S + s];
      }
      v.external_demand[s] = layout_.ordered_sum(imports_) + tech_.eta[s] * v.net_exports;
      v.external_phi[s] = layout_.ordered_sum(supply_);
      for (std::size_t j = 0; j < n; ++j)
        v.market_access[j * S + s] += v.external_pow[j * S + s] * v.external_demand[s] / v.external_phi[s];
    }
  }
  v.revenue.resize(n * S);
  for (std::size_t k = 0; k < n * S; ++k) v.revenue[k] = price_pow_[k] * v.market_access[k];
}

void NationalTerms::transfers(const std::vector<double>& Y, const std::vector<double>& L,
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

LocalMarketInputs NationalTerms::local_inputs(std::size_t j, const double* own_price_pow, double population,
                                              const double* log_productivity, OwnMarket& own) {
  // The exact own-purchase terms of region j at the last evaluated point (kernels.hpp, OwnMarket);
  // they point into scratch that the next call reuses (one region at a time).
  const std::size_t S = S_;
  const auto& v = view_;
  const auto& own_tau = passes_.own_trade_pow();
  own_scratch_.resize(3 * S);
  for (std::size_t s = 0; s < S; ++s) {
    const double t = own_tau[j * S + s];
    own_scratch_[s] = t;
    own_scratch_[S + s] = v.phi[j * S + s] - t * own_price_pow[s];
    own_scratch_[2 * S + s] = v.market_access[j * S + s] - t * v.expenditure[j * S + s] / v.phi[j * S + s];
  }
  own.tau_pow = {own_scratch_.data(), S};
  own.phi_others = {own_scratch_.data() + S, S};
  own.access_others = {own_scratch_.data() + 2 * S, S};
  own.spending_per_income = 1 - tech_.housing_share - tech_.saving_rate + home_bias_ * tech_.saving_rate;
  own.investment_other = capital_weight_[j] * v.pooled_saving;
  if (!intermediate_.empty()) own.intermediate = {&intermediate_[j * S], S};
  return LocalMarketInputs{{&v.market_access[j * S], S},
                           {log_productivity, S},
                           population,
                           state_.capital[j],
                           state_.land[j],
                           v.transfer[j],
                           v.price_level,
                           sc_.solver.local_own_market ? &own : nullptr};
}

void sweep_intermediates(NationalTerms& terms, const Technology& tech, const std::vector<FactorPrices>& p,
                         const std::vector<double>& L, const std::vector<double>* shift, int sweeps,
                         std::vector<double>& sector_price, std::vector<double>& gross_revenue) {
  const std::size_t n = p.size(), S = tech.S;
  std::vector<double> log_price(n * S, 0.0), revenue(n * S, 0.0);
  if (!sector_price.empty())
    for (std::size_t k = 0; k < n * S; ++k) log_price[k] = std::log(sector_price[k]), revenue[k] = gross_revenue[k];
  const NationalTerms::IntermediatePoint io{&log_price, &revenue};
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    terms.evaluate(p, L, shift, &io);
    const auto& v = terms.view();
    for (std::size_t k = 0; k < n * S; ++k) {
      log_price[k] = -std::log(v.phi[k]) / tech.theta[k % S];
      revenue[k] = v.revenue[k];
    }
  }
  sector_price.resize(n * S);
  for (std::size_t k = 0; k < n * S; ++k) sector_price[k] = std::exp(log_price[k]);
  gross_revenue = revenue;
}

}  // namespace regio
