// The per-region blocks of the system in changes: the residual of one region at its own unknowns
// with the rest of the economy frozen at the Newton point (HatSystem::block_residual), and the
// block-Jacobi preconditioner made from its derivatives (block_system.hpp).
//
// Frozen at the point x, for region n (FrozenTerms, kept by every evaluate()):
//   prices:    D_ns = Σ_i π_nis (τ̂ ĉ_is)^(−θ): the other exporters' terms; n's own term moves with ĉ_ns;
//   goods:     Σ_m π'_mns X'_ms: the other importers' purchases scale with ĉ_ns^(−θ) (their D_ms
//              frozen); n's own purchase is recomputed;
//   migration: L'_v for v = (n, g): workers from origins outside n scale with Û_v^ε (their Φ_u
//              frozen); the origins of n are recomputed (their b_u over n's units, own shares, rebates).
// At x itself the block residual equals F(x) (the frozen terms are F's own).
#include <algorithm>
#include <cmath>

#include "regio/hat/hat_system.hpp"

namespace regio::hat {

void HatSystem::block_residual(int ln, const double* xb, double* fb) {
  RegionChanges& rc = block_scratch_;
  const HatParameters& par = base_.par;
  const std::int64_t n = layout_.owned()[ln];
  region_changes(n, xb, rc);
  // Labour markets (own): log Σ_{s∈g} α_s R'_ns − log Σ_{s∈g} α_s R_ns − log ŵ_ng − log L̂_ng.
  double wb_hat = 0, wb_sum = 0;
  for (int g = 0; g < G_; ++g) {
    double wages1 = 0;
    for (int s = 0; s < S_; ++s)
      if (par.group_of_sector[s] == g) wages1 += par.labour_share[s] * rc.revenue_new[s];
    const double wb0 = base_.wage_bill(n, g);
    fb[g] = std::log(wages1) - std::log(wb0) - xb[g] - (migration_ ? xb[G_ + 2 * S_ + g] : 0.0);
    wb_hat += wb0 * rc.wage[g];
    wb_sum += wb0;
  }
  // Price indices and goods markets, the other regions' terms frozen.
  for (int s = 0; s < S_; ++s) {
    const std::size_t i = static_cast<std::size_t>(ln * S_ + s), row = i * static_cast<std::size_t>(N_);
    const double th = par.theta[s], pi_nn = base_.trade_shares[row + n];
    const double a = pi_nn > 0 ? pi_nn * std::exp(-th * (shocks_.log_tau[row + n] + rc.log_cost[s])) : 0.0;
    const double D = frozen_.price_sum[i] - frozen_.own_term[i] + a;
    fb[G_ + s] = xb[G_ + s] + std::log(D) / th;
    const double others = std::max(frozen_.demand[i] - frozen_.own_flow[i], 0.0);
    const double demand = others * std::exp(-th * (rc.log_cost[s] - log_cost_[i])) + a / D * rc.spending_new[s];
    fb[G_ + S_ + s] = std::log(demand) - std::log(base_.revenue[n * S_ + s]) - xb[G_ + S_ + s];
  }
  if (n == numeraire_) fb[G_ + S_ + S_ - 1] = std::log(wb_hat / wb_sum);
  if (migration_) block_migration(ln, xb, rc, fb);
}

void HatSystem::block_migration(int ln, const double* xb, const RegionChanges& rc, double* fb) const {
  const std::int64_t n = layout_.owned()[ln], U = N_ * G_;
  double* fm = fb + G_ + 2 * S_;
  const double* lL = xb + G_ + 2 * S_;
  if (base_.outside[n]) {  // outside the choice set: total labour fixed, one wage (MODEL.md §13)
    double L0 = 0, L1 = 0;
    for (int g = 0; g < G_; ++g) {
      L0 += base_.employment[n * G_ + g];
      L1 += base_.employment[n * G_ + g] * std::exp(lL[g]);
    }
    fm[0] = std::log(L1 / L0);
    for (int g = 1; g < G_; ++g) fm[g] = xb[g] - xb[0];
    return;
  }
  const double eps = base_.par.migration_elasticity;
  std::vector<double> log_u(static_cast<std::size_t>(G_)), near(static_cast<std::size_t>(G_)),
      inflow(static_cast<std::size_t>(G_), 0.0);
  for (int g = 0; g < G_; ++g) log_u[g] = std::log(rc.real_income[g]) + shocks_.log_B[n];
  for (int g = 0; g < G_; ++g) {  // the hukou units of n: shares over the units of n recomputed
    const std::size_t lu = static_cast<std::size_t>(ln * G_ + g);
    const double* m = base_.migration_shares.data() + lu * U + n * G_;  // m_u,(n,·)
    double b = frozen_.far_destinations[lu];
    for (int h = 0; h < G_; ++h) {
      near[h] = h != g && m[h] > 0 ? m[h] * std::exp(eps * (log_u[h] - shocks_.log_mu_within)) : 0.0;
      b += near[h];
    }
    const OwnShare own = own_share(ln, g, b, log_u[g], rc.revenue_new.data(), rc.wage[g]);
    const double Ru = base_.registered[n * G_ + g];
    for (int h = 0; h < G_; ++h) inflow[h] += Ru * (h == g ? own.own : near[h]) / own.total;
  }
  for (int g = 0; g < G_; ++g) {
    const std::size_t lv = static_cast<std::size_t>(ln * G_ + g);
    const double others = std::max(frozen_.inflow[lv] - frozen_.own_origin_inflow[lv], 0.0);
    const double L1 = others * std::exp(eps * (log_u[g] - frozen_.log_utility[lv])) + inflow[g];
    fm[g] = std::log(L1 / base_.employment[n * G_ + g]) - lL[g];
  }
}

}  // namespace regio::hat
