// The system in changes (MODEL.md §12; equations in docs/hat-algebra.md §3): the own blocks,
// trade and the SNES solve; migration (steps 5–6) in hat_migration.cpp.
#include "regio/hat/hat_system.hpp"

#include <fmt/format.h>
#include <petscsnes.h>

#include <chrono>
#include <cmath>
#include <exception>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"
#include "regio/regio_pc.hpp"

namespace regio::hat {

HatSystem::HatSystem(const BaseYear& base, const Layout& layout, const Shocks& shocks, bool migration)
    : base_(base), layout_(layout), shocks_(shocks), migration_(migration), S_(base.S()), G_(base.G()), N_(base.N()) {
  numeraire_ = N_ - 1;
  for (std::int64_t n = 0; n < N_; ++n)
    if (base.outside[n]) {
      numeraire_ = n;
      break;
    }
  const std::size_t nu = static_cast<std::size_t>(layout.num_owned() * G_),
                    ns = static_cast<std::size_t>(layout.num_owned() * S_);
  for (auto* v : {&state_.wage, &state_.land_rent, &state_.employment, &state_.real_income, &state_.rebate_base,
                  &state_.rebate_new, &state_.own_share_new, &state_.expected_utility, &state_.within_share_new,
                  &state_.between_share_new})
    v->assign(nu, 1.0);
  for (auto* v : {&state_.price, &state_.revenue, &state_.spending_new, &state_.unit_cost, &state_.own_trade_new})
    v->assign(ns, 1.0);
  for (auto* v : {&state_.goods_price, &state_.domestic_imports_new, &state_.foreign_imports_new, &income_new_})
    v->assign(static_cast<std::size_t>(layout.num_owned()), 0.0);
  log_cost_.assign(ns, 0.0);
  for (auto* v : {&frozen_.price_sum, &frozen_.own_term, &frozen_.demand, &frozen_.own_flow}) v->assign(ns, 0.0);
  for (auto* v : {&frozen_.inflow, &frozen_.own_origin_inflow, &frozen_.far_destinations, &frozen_.log_utility})
    v->assign(nu, 0.0);
}

// Step 1 for one region (no communication): factor prices, unit costs, spending, real incomes.
void HatSystem::region_changes(std::int64_t n, const double* xb, RegionChanges& rc) const {
  const HatParameters& par = base_.par;
  const double dh = par.housing_share;
  for (auto* v : {&rc.revenue_new, &rc.log_cost, &rc.spending_new}) v->resize(static_cast<std::size_t>(S_));
  for (auto* v : {&rc.wage, &rc.land_rent, &rc.employment, &rc.real_income, &rc.log_land_rent})
    v->resize(static_cast<std::size_t>(G_));
  const double* R0 = &base_.revenue[n * S_];
  for (int s = 0; s < S_; ++s) rc.revenue_new[s] = R0[s] * std::exp(xb[G_ + S_ + s]);  // R'_ns = R_ns R̂_ns
  const double* R1 = rc.revenue_new.data();
  double va1 = 0, wages1 = 0, cap0 = 0, cap1 = 0, L0 = 0, L1 = 0, wb0_total = 0;
  for (int s = 0; s < S_; ++s) {
    va1 += par.value_added(s) * R1[s];
    wages1 += par.labour_share[s] * R1[s];
    cap0 += par.capital_share[s] * R0[s];
    cap1 += par.capital_share[s] * R1[s];
  }
  const double I0 = base_.income(n), I1 = va1 / (1 - dh);  // I_n = Σ_s (α+β+λ)_s R_ns / (1 − δ_h)
  rc.income_new = I1;
  const double r_hat = cap0 > 0 ? cap1 / cap0 : 1.0;  // r̂ = Σβ R' / Σβ R (K fixed)
  rc.log_goods_price = 0;                             // log P̂_n = Σ_s η_s log P̂_ns
  for (int s = 0; s < S_; ++s) rc.log_goods_price += par.final_demand[s] * xb[G_ + s];
  for (int g = 0; g < G_; ++g) {
    const double rent0 = land_rent_at(par, R0, g), rent1 = land_rent_at(par, R1, g);
    // q̂ = (Σ λ_s R' + δ_h I')/(Σ λ_s R + δ_h I) / Ĥ: land market (MODEL.md §2, §10); no land: q̂ = 1.
    rc.log_land_rent[g] = rent0 > 0 ? std::log(rent1 / rent0) - shocks_.log_H[n] : 0.0;
    rc.wage[g] = std::exp(xb[g]);
    rc.land_rent[g] = std::exp(rc.log_land_rent[g]);
    rc.employment[g] = migration_ ? std::exp(xb[G_ + 2 * S_ + g]) : 1.0;
    L0 += base_.employment[n * G_ + g];
    L1 += base_.employment[n * G_ + g] * rc.employment[g];
    wb0_total += base_.wage_bill(n, g);
  }
  for (int s = 0; s < S_; ++s) {
    // ĉ_ns = ŵ^α_s r̂^β_s q̂^λ_s Π_k P̂_nk^ι_sk / Â_ns (MODEL.md §9; own-region P̂ from this block)
    const int g = par.group_of_sector[s];
    double lc = par.labour_share[s] * xb[g] + par.capital_share[s] * std::log(r_hat) +
                par.land_share[s] * rc.log_land_rent[g] - shocks_.log_A[n * S_ + s];
    for (int k = 0; k < S_; ++k) lc += par.intermediate(s, k) * xb[G_ + k];
    rc.log_cost[s] = lc;
    // X'_ns = η_s (1 − δ_h) I'_n + Σ_k ι_ks R'_nk
    double X1 = par.final_demand[s] * (1 - dh) * I1;
    for (int k = 0; k < S_; ++k) X1 += par.intermediate(k, s) * R1[k];
    rc.spending_new[s] = X1;
  }
  const double nonwage0 = I0 - wb0_total, nonwage1 = I1 - wages1;
  for (int g = 0; g < G_; ++g) {
    const double deflator = std::exp((1 - dh) * rc.log_goods_price + dh * rc.log_land_rent[g]);  // P̂^(1−δ_h) q̂^δ_h
    double income_hat = rc.wage[g];  // stayers: a migrant earns w
    if (!par.stayers) {
      // residents: w_ng + (non-wage income of n)/L_n per resident (MODEL.md §10)
      const double w0 = base_.wage_bill(n, g) / base_.employment[n * G_ + g];
      income_hat = (w0 * rc.wage[g] + nonwage1 / L1) / (w0 + nonwage0 / L0);
    }
    rc.real_income[g] = income_hat / deflator;
  }
}

// Step 1, region by region, into the state.
void HatSystem::own_blocks(const double* x) {
  const int K = block();
  RegionChanges& rc = scratch_;
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    const double* xb = x + ln * K;
    region_changes(n, xb, rc);
    income_new_[ln] = rc.income_new;
    state_.goods_price[ln] = std::exp(rc.log_goods_price);
    for (int s = 0; s < S_; ++s) {
      const std::size_t i = static_cast<std::size_t>(ln * S_ + s);
      state_.price[i] = std::exp(xb[G_ + s]);
      state_.revenue[i] = std::exp(xb[G_ + S_ + s]);
      log_cost_[i] = rc.log_cost[s];
      state_.unit_cost[i] = std::exp(rc.log_cost[s]);
      state_.spending_new[i] = rc.spending_new[s];
    }
    for (int g = 0; g < G_; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      state_.wage[u] = rc.wage[g];
      state_.land_rent[u] = rc.land_rent[g];
      state_.employment[u] = rc.employment[g];
      state_.real_income[u] = rc.real_income[g];
    }
  }
}

// Steps 2–4: exporters' costs to every rank, price indices and new shares by importer rows,
// demand reduced to the exporters' owners; goods and labour markets.
void HatSystem::trade(const double* x, double* f) {
  const HatParameters& par = base_.par;
  const int K = block();
  std::vector<double> log_cost_all;
  layout_.allgather(log_cost_.data(), S_, log_cost_all);
  std::vector<double> columns(static_cast<std::size_t>(S_ * N_), 0.0), a(static_cast<std::size_t>(N_));
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double dom = 0, foreign = 0;
    for (int s = 0; s < S_; ++s) {
      const double th = par.theta[s];
      const std::size_t row = (static_cast<std::size_t>(ln) * S_ + s) * N_;
      const double* pi = base_.trade_shares.data() + row;
      const double* lt = shocks_.log_tau.data() + row;
      double D = 0;  // D_ns = Σ_i π_nis (τ̂_nis ĉ_is)^(−θ_s)
      for (std::int64_t i = 0; i < N_; ++i) {
        a[i] = pi[i] > 0 ? pi[i] * std::exp(-th * (lt[i] + log_cost_all[i * S_ + s])) : 0.0;
        D += a[i];
      }
      f[ln * K + G_ + s] = x[ln * K + G_ + s] + std::log(D) / th;  // log P̂_ns = −(1/θ) log D_ns
      const double X1 = state_.spending_new[ln * S_ + s];
      for (std::int64_t i = 0; i < N_; ++i) {
        const double flow = a[i] / D * X1;  // π'_nis X'_ns
        columns[s * N_ + i] += flow;
        if (i == n) continue;
        (base_.outside[i] ? foreign : dom) += flow;
      }
      state_.own_trade_new[ln * S_ + s] = a[n] / D;
      frozen_.price_sum[ln * S_ + s] = D;
      frozen_.own_term[ln * S_ + s] = a[n];
      frozen_.own_flow[ln * S_ + s] = a[n] / D * X1;
    }
    state_.domestic_imports_new[ln] = dom;
    state_.foreign_imports_new[ln] = foreign;
  }
  std::vector<double> demand(static_cast<std::size_t>(layout_.num_owned() * S_));
  layout_.reduce_sum(columns, S_, demand.data());
  frozen_.demand = demand;
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double* fb = f + ln * K;
    const double* xb = x + ln * K;
    for (int s = 0; s < S_; ++s)  // goods: Σ_n π'_nis X'_ns = R'_is (log, relative)
      fb[G_ + S_ + s] = std::log(demand[ln * S_ + s]) - std::log(base_.revenue[n * S_ + s]) - xb[G_ + S_ + s];
    double wb_hat = 0, wb_sum = 0;
    for (int g = 0; g < G_; ++g) {
      // labour: Σ_{s∈g} α_s R'_ns = w'_ng L'_ng = ŵ L̂ Σ_{s∈g} α_s R_ns
      double wages1 = 0;
      for (int s = 0; s < S_; ++s)
        if (par.group_of_sector[s] == g)
          wages1 += par.labour_share[s] * base_.revenue[n * S_ + s] * state_.revenue[ln * S_ + s];
      const double wb0 = base_.wage_bill(n, g);
      const double lL = migration_ ? xb[G_ + 2 * S_ + g] : 0.0;
      fb[g] = std::log(wages1) - std::log(wb0) - xb[g] - lL;
      wb_hat += wb0 * state_.wage[ln * G_ + g];
      wb_sum += wb0;
    }
    // Numeraire (replaces the redundant goods market, Walras): the numeraire region's mean wage,
    // weighted by base wage bills, is 1 (the outside region's wage, MODEL.md §13).
    if (n == numeraire_) fb[G_ + S_ + S_ - 1] = std::log(wb_hat / wb_sum);
  }
}

bool HatSystem::evaluate(const double* x, double* f) {
  bool finite = true;
  for (int k = 0; k < local_size(); ++k) finite = finite && std::isfinite(x[k]) && std::abs(x[k]) < 300;
  if (!every_rank(layout_.comm(), finite)) return false;  // outside the domain: the line search backs off
  last_x_.assign(x, x + local_size());
  own_blocks(x);
  trade(x, f);
  if (migration_) migration_flows(x, f);
  bool ok = true;
  for (int k = 0; k < local_size(); ++k) ok = ok && std::isfinite(f[k]);
  return every_rank(layout_.comm(), ok);
}

SolveSummary HatSystem::solve(std::vector<double>& x) {
  return solve_block_system(*this, x,
                            {"hat_",
                             "per-region blocks of the system in changes: the inverse of each region's own Jacobian "
                             "block, the other regions frozen (block_system.hpp)",
                             "the counterfactual", "try -hat_snes_monitor, or smaller shocks"});
}

}  // namespace regio::hat
