// The levels economy with labour groups (grouped_system.hpp): each region's own block, trade and
// the solve; migration and the preconditioner's blocks in grouped_migration.cpp.
#include "regio/grouped_system.hpp"

#include <fmt/format.h>

#include <cmath>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/row_products.hpp"

namespace regio {

namespace {
double xlogx(double v) { return v > 0 ? v * std::log(v) : 0.0; }
}  // namespace

GroupedSystem::GroupedSystem(const GroupedEconomy& economy, const Layout& layout)
    : economy_(economy),
      layout_(layout),
      S_(economy.par.S()),
      G_(economy.par.G()),
      N_(economy.N()),
      owned_(layout.owned().begin(), layout.owned().end()),
      migration_pass_(economy.group_weights, ProvincePeers::of(economy.province_of, owned_)) {
  const auto& par = economy.par;
  for (int s = 0; s < S_; ++s) {  // the hat mode's parameters.yaml checks the same (MODEL.md §9)
    double sum = par.value_added(s);
    for (int k = 0; k < S_; ++k) sum += par.intermediate(s, k);
    if (std::abs(sum - 1) > 1e-9)
      throw InputError(fmt::format("sector {}: labour, capital, land and intermediate shares sum to {}, not 1",
                                   par.sectors[s], sum));
  }
  for (int s = 0; s < S_; ++s) {  // c_s = Π (factor price/share)^share: the constant −Σ share log share
    double c = xlogx(par.labour_share[s]) + xlogx(par.capital_share[s]) + xlogx(par.land_share[s]);
    for (int k = 0; k < S_; ++k) c += xlogx(par.intermediate(s, k));
    log_cost_const_.push_back(-c);
  }
  const std::size_t nu = owned_.size() * G_, ns = owned_.size() * S_;
  for (auto* v :
       {&state_.wage, &state_.land_rent, &state_.employment, &state_.real_income, &state_.utility, &state_.inflow,
        &far_weight_, &own_utility_pow_, &rent_ratio_, &attraction_owned_, &registered_owned_, &inflow_owned_})
    v->assign(nu, 0.0);
  for (auto* v : {&state_.price, &state_.revenue, &state_.spending, &state_.unit_price, &state_.own_trade, &log_cost_,
                  &phi_, &own_term_, &demand_, &own_flow_})
    v->assign(ns, 0.0);
  for (auto* v : {&state_.income, &state_.capital_rent, &state_.goods_price}) v->assign(owned_.size(), 0.0);
}

const double* GroupedSystem::trade_row(int ln, int s) const {
  const std::size_t K = economy_.trade_kernels, kernel = economy_.kernel_of(s);
  return &economy_.trade_pow[(static_cast<std::size_t>(ln) * K + kernel) * static_cast<std::size_t>(N_)];
}

// One region's own terms at its unknowns xb: revenues, income, rents, unit costs, spending and
// real incomes (MODEL.md §2, §9–§11).
void GroupedSystem::region_terms(std::int64_t n, const double* xb, RegionTerms& rt) const {
  const auto& e = economy_;
  const auto& par = e.par;
  const double dh = par.housing_share;
  for (auto* v : {&rt.revenue, &rt.log_cost, &rt.spending}) v->resize(static_cast<std::size_t>(S_));
  for (auto* v : {&rt.wage, &rt.land_rent, &rt.log_land_rent, &rt.employment, &rt.real_income, &rt.rent_ratio})
    v->resize(static_cast<std::size_t>(G_));
  double value_added = 0, wages = 0, capital_bill = 0;
  rt.log_goods_price = 0;
  for (int s = 0; s < S_; ++s) {
    const double R = std::exp(xb[G_ + S_ + s]);
    rt.revenue[s] = R;
    value_added += par.value_added(s) * R;
    wages += par.labour_share[s] * R;
    capital_bill += par.capital_share[s] * R;
    rt.log_goods_price += par.final_demand[s] * xb[G_ + s];  // log P_n = Σ η_s log P_ns
  }
  rt.income = value_added / (1 - dh);  // I_n = Σ (α+β+λ)_s R_ns / (1 − δ_h): balanced trade, no saving
  rt.capital_rent = capital_bill > 0 ? capital_bill / e.capital[n] : 1.0;
  double L = 0;
  auto& log_rent = rt.log_land_rent;
  for (int g = 0; g < G_; ++g) {
    rt.wage[g] = std::exp(xb[g]);
    rt.employment[g] = e.migration ? std::exp(xb[G_ + 2 * S_ + g]) : e.employment[n * G_ + g];
    L += rt.employment[g];
    const double rent = hat::land_rent_at(par, rt.revenue.data(), g);  // Λ: production land + housing
    const double H = par.land_by_group ? e.land[n * G_ + g] : e.land[n];
    rt.land_rent[g] = rent > 0 ? rent / H : 1.0;
    log_rent[g] = std::log(rt.land_rent[g]);
    // The stayers' rent ratio c_u = Λ_u/(w_u R_u) (MODEL.md §11): C_u = 1 + c_u/m_uu.
    rt.rent_ratio[g] = par.stayers ? rent / (rt.wage[g] * e.registered[n * G_ + g]) : 0.0;
  }
  const double log_r = std::log(rt.capital_rent);
  double log_density = 0;  // log(L_n/H_n), for agglomeration
  if (!e.agglomeration.empty()) {
    double H = 0;
    for (int g = 0; g < (par.land_by_group ? G_ : 1); ++g) H += e.land[par.land_by_group ? n * G_ + g : n];
    log_density = std::log(L) - std::log(H);
  }
  for (int s = 0; s < S_; ++s) {
    // log c_ns = const + α log w_ng + β log r_n + λ log q_ng + Σ_k ι_sk log P_nk − log A_ns (§9)
    const int g = par.group_of_sector[s];
    double lc = log_cost_const_[s] + par.labour_share[s] * xb[g] + par.capital_share[s] * log_r +
                par.land_share[s] * log_rent[g] - e.log_productivity[n * S_ + s] -
                (e.agglomeration.empty() ? 0.0 : e.agglomeration[s] * log_density);
    double X = par.final_demand[s] * (1 - dh) * rt.income;  // X_ns = η_s (1 − δ_h) I_n + Σ_k ι_ks R_nk
    for (int k = 0; k < S_; ++k) {
      lc += par.intermediate(s, k) * xb[G_ + k];
      X += par.intermediate(k, s) * rt.revenue[k];
    }
    rt.log_cost[s] = lc;
    rt.spending[s] = X;
  }
  for (int g = 0; g < G_; ++g) {
    // v_ng = [w_ng + (r K + Σ q H)/L_n] / (P^(1−δ_h) q_ng^δ_h) under residents; a migrant's w_ng
    // alone under stayers (their rebate enters the own term, unit_migration.hpp).
    const double deflator = std::exp((1 - dh) * rt.log_goods_price + dh * log_rent[g]);
    const double per_head = par.stayers ? rt.wage[g] : rt.wage[g] + (rt.income - wages) / L;
    rt.real_income[g] = per_head / deflator;
  }
}

void GroupedSystem::own_blocks(const double* x) {
  const int K = block();
  RegionTerms& rt = scratch_;
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    const double* xb = x + ln * K;
    region_terms(n, xb, rt);
    state_.income[ln] = rt.income;
    state_.capital_rent[ln] = rt.capital_rent;
    state_.goods_price[ln] = std::exp(rt.log_goods_price);
    for (int s = 0; s < S_; ++s) {
      const std::size_t i = static_cast<std::size_t>(ln * S_ + s);
      state_.price[i] = std::exp(xb[G_ + s]);
      state_.revenue[i] = rt.revenue[s];
      state_.spending[i] = rt.spending[s];
      log_cost_[i] = rt.log_cost[s];
      state_.unit_price[i] = std::exp(rt.log_cost[s]);
    }
    for (int g = 0; g < G_; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      state_.wage[u] = rt.wage[g];
      state_.land_rent[u] = rt.land_rent[g];
      state_.employment[u] = rt.employment[g];
      state_.real_income[u] = rt.real_income[g];
      state_.utility[u] = economy_.amenity[n * G_ + g] * rt.real_income[g];  // U_ng = B_ng v_ng
      rent_ratio_[u] = rt.rent_ratio[g];
    }
  }
}

// Trade (MODEL.md §2, §9): p^−θ of every exporter, Φ_ns by importer rows, the demand for each
// exporter's goods reduced to its owner; the price-index, goods and labour equations.
void GroupedSystem::trade(const double* x, double* f) {
  const auto& par = economy_.par;
  const int K = block();
  const std::size_t N = static_cast<std::size_t>(N_), n_own = owned_.size();
  layout_.allgather(log_cost_.data(), S_, log_cost_all_);
  price_pow_.assign(static_cast<std::size_t>(S_) * N, 0.0);  // p_is^−θ_s, sector-major
  for (std::size_t i = 0; i < N; ++i)
    for (int s = 0; s < S_; ++s) price_pow_[s * N + i] = std::exp(-par.theta[s] * log_cost_all_[i * S_ + s]);
  auto& columns = demand_columns_;  // this rank's Σ_n τ_nis^−θ X_ns/Φ_ns by exporter (S × N)
  columns.assign(static_cast<std::size_t>(S_) * N, 0.0);
  const int kernels = static_cast<int>(economy_.trade_kernels);
  for (int kernel = 0; kernel < kernels; ++kernel) {
    std::vector<int> sectors;  // the sectors reading this kernel's rows
    for (int s = 0; s < S_; ++s)
      if (economy_.kernel_of(s) == static_cast<std::size_t>(kernel)) sectors.push_back(s);
    const std::size_t m = sectors.size();
    std::vector<const double*> in;
    std::vector<double*> accum;
    for (int s : sectors) in.push_back(&price_pow_[s * N]), accum.push_back(&columns[s * N]);
    auto demand_ratio = [&](std::size_t j0, std::size_t rows, const double* dots, double* coef) {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t q = 0; q < m; ++q) {
          const std::size_t i = (j0 + r) * S_ + sectors[q];
          phi_[i] = dots[r * m + q];                       // Φ_ns = Σ_i τ_nis^−θ p_is^−θ
          coef[r * m + q] = state_.spending[i] / phi_[i];  // X_ns / Φ_ns
        }
    };
    dot_then_scatter(
        row_scratch_, n_own, 8, [&](std::size_t j) { return trade_row(static_cast<int>(j), sectors.front()); },
        in.data(), accum.data(), m, N, dots_, coef_, demand_ratio);
  }
  layout_.reduce_sum(columns, S_, demand_.data());
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    const double* xb = x + ln * K;
    double* fb = f + ln * K;
    for (int s = 0; s < S_; ++s) {
      const std::size_t i = static_cast<std::size_t>(ln * S_ + s);
      demand_[i] *= price_pow_[s * N + n];  // p_ns^−θ Σ_m τ_mns^−θ X_ms/Φ_ms
      own_term_[i] = trade_row(ln, s)[n] * price_pow_[s * N + n];
      state_.own_trade[i] = own_term_[i] / phi_[i];
      own_flow_[i] = state_.own_trade[i] * state_.spending[i];
      fb[G_ + s] = xb[G_ + s] + std::log(phi_[i]) / par.theta[s];  // P_ns = Φ_ns^(−1/θ_s)
      fb[G_ + S_ + s] = std::log(demand_[i]) - xb[G_ + S_ + s];    // Σ_m π_mns X_ms = R_ns
    }
    labour_equations(ln, xb, &state_.revenue[static_cast<std::size_t>(ln * S_)], fb);
  }
}

// Labour markets Σ_{s∈g} α_s R_ns = w_ng L_ng; the numeraire w_{N−1,1} = 1 replaces the last
// region's last goods market (Walras' law makes one market redundant).
void GroupedSystem::labour_equations(int ln, const double* xb, const double* revenue, double* fb) const {
  const auto& par = economy_.par;
  const std::int64_t n = layout_.owned()[ln];
  for (int g = 0; g < G_; ++g) {
    double wages = 0;
    for (int s = 0; s < S_; ++s)
      if (par.group_of_sector[s] == g) wages += par.labour_share[s] * revenue[s];
    const double log_L = economy_.migration ? xb[G_ + 2 * S_ + g] : std::log(economy_.employment[n * G_ + g]);
    fb[g] = std::log(wages) - xb[g] - log_L;
  }
  if (n == N_ - 1) fb[G_ + 2 * S_ - 1] = xb[0];
}

bool GroupedSystem::evaluate(const double* x, double* f) {
  bool finite = true;
  for (int k = 0; k < local_size(); ++k) finite = finite && std::isfinite(x[k]) && std::abs(x[k]) < 300;
  if (!every_rank(layout_.comm(), finite)) return false;  // outside the domain: the line search backs off
  last_x_.assign(x, x + local_size());
  own_blocks(x);
  trade(x, f);
  if (economy_.migration) migration(x, f);
  bool ok = true;
  for (int k = 0; k < local_size(); ++k) ok = ok && std::isfinite(f[k]);
  return every_rank(layout_.comm(), ok);
}

std::vector<double> GroupedSystem::initial_guess() const {
  // Wages and prices 1, revenues from the final demand shares of the residents' count.
  const int K = block();
  std::vector<double> x(static_cast<std::size_t>(local_size()), 0.0);
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double L = 0;
    for (int g = 0; g < G_; ++g) L += economy_.employment[n * G_ + g];
    for (int s = 0; s < S_; ++s) x[ln * K + G_ + S_ + s] = std::log(economy_.par.final_demand[s] * L);
    if (economy_.migration)
      for (int g = 0; g < G_; ++g) x[ln * K + G_ + 2 * S_ + g] = std::log(economy_.employment[n * G_ + g]);
  }
  return x;
}

SolveSummary GroupedSystem::solve(std::vector<double>& x) {
  return solve_block_system(*this, x,
                            {"groups_",
                             "per-region blocks of the labour-group economy: the inverse of each region's own "
                             "Jacobian block, the other regions frozen (block_system.hpp)",
                             "the labour-group equilibrium", "try -groups_snes_monitor -groups_ksp_monitor"});
}

std::vector<double> GroupedSystem::trade_shares(int ln, int s) const {
  const std::size_t N = static_cast<std::size_t>(N_);
  const double* row = trade_row(ln, s);
  std::vector<double> pi(N);
  for (std::size_t i = 0; i < N; ++i) pi[i] = row[i] * price_pow_[s * N + i] / phi_[ln * S_ + s];
  return pi;
}

}  // namespace regio
