// Migration over (region, group) units in the levels economy with labour groups, and the
// per-region blocks of its preconditioner (grouped_system.hpp).
//
// Frozen at the point x, for region n's block (kept by every evaluate()):
//   prices:    Φ_ns less n's own term, which moves with p_ns;
//   goods:     the other importers' purchases of n's goods scale with p_ns^−θ (their Φ frozen);
//              n's own purchase is recomputed;
//   migration: the inflow into unit (n, g) from other regions scales with U_ng^ε (their
//              denominators frozen); n's own hukou units are recomputed with their leaving
//              weight outside n frozen (the group switches at home move with n's utilities).
// At x itself the block residual equals F(x).
#include <algorithm>
#include <cmath>

#include "regio/grouped_system.hpp"
#include "regio/kernels.hpp"

namespace regio {

void GroupedSystem::migration(const double* x, double* f) {
  const auto& e = economy_;
  const double eps = e.par.migration_elasticity;
  const int K = block();
  const std::size_t N = static_cast<std::size_t>(N_);
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    for (int g = 0; g < G_; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      own_utility_pow_[u] = std::pow(state_.utility[u], eps);
      attraction_owned_[u] = own_utility_pow_[u] * e.hukou_pow[n];  // a = U^ε h^−ε
      registered_owned_[u] = e.registered[n * G_ + g];
    }
  }
  layout_.allgather(attraction_owned_.data(), G_, attraction_all_);
  const UnitMigrationPoint point{N,
                                 static_cast<std::size_t>(G_),
                                 &owned_,
                                 attraction_all_.data(),
                                 own_utility_pow_.data(),
                                 registered_owned_.data(),
                                 e.par.stayers ? rent_ratio_.data() : nullptr,
                                 eps};
  auto& flows = state_.flows;
  migration_pass_.run<double>(
      point, [&](std::size_t j) { return &e.migration_pow[j * N]; }, 8, flows);
  layout_.reduce_sum(flows.inflow_partial, G_, inflow_owned_.data());
  const auto& w = e.group_weights.within;
  for (int ln = 0; ln < layout_.num_owned(); ++ln)
    for (int g = 0; g < G_; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
      state_.inflow[u] = attraction_owned_[u] * inflow_owned_[u];
      double home = 0;  // the leaving weight into n's other units
      for (int h = 0; h < G_; ++h)
        if (h != g) home += w[g * G_ + h] * own_utility_pow_[ln * G_ + h];
      far_weight_[u] = flows.leaving_weight[u] - home;
      const double L = flows.own_term[u] * flows.outflow[u] + flows.home_switches[u] + state_.inflow[u];
      f[ln * K + G_ + 2 * S_ + g] = x[ln * K + G_ + 2 * S_ + g] - std::log(L);
    }
}

void GroupedSystem::block_residual(int ln, const double* xb, double* fb) {
  const auto& par = economy_.par;
  RegionTerms& rt = block_scratch_;
  const std::int64_t n = layout_.owned()[ln];
  region_terms(n, xb, rt);
  for (int s = 0; s < S_; ++s) {
    const std::size_t i = static_cast<std::size_t>(ln * S_ + s);
    const double th = par.theta[s];
    const double own = trade_row(ln, s)[n] * std::exp(-th * rt.log_cost[s]);
    const double phi = phi_[i] - own_term_[i] + own;
    fb[G_ + s] = xb[G_ + s] + std::log(phi) / th;
    const double others = std::max(demand_[i] - own_flow_[i], 0.0);
    const double demand = others * std::exp(-th * (rt.log_cost[s] - log_cost_[i])) + own / phi * rt.spending[s];
    fb[G_ + S_ + s] = std::log(demand) - xb[G_ + S_ + s];
  }
  labour_equations(ln, xb, rt.revenue.data(), fb);
  if (economy_.migration) block_migration(ln, xb, rt, fb);
}

void GroupedSystem::block_migration(int ln, const double* xb, const RegionTerms& rt, double* fb) const {
  const auto& e = economy_;
  const std::int64_t n = layout_.owned()[ln];
  const double eps = e.par.migration_elasticity;
  const auto& w = e.group_weights.within;
  std::vector<double> u_pow(static_cast<std::size_t>(G_)), own(u_pow.size()), outflow(u_pow.size());
  for (int g = 0; g < G_; ++g) u_pow[g] = std::pow(e.amenity[n * G_ + g] * rt.real_income[g], eps);
  for (int g = 0; g < G_; ++g) {
    const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
    double leaving = far_weight_[u];
    for (int h = 0; h < G_; ++h)
      if (h != g) leaving += w[g * G_ + h] * u_pow[h];
    own[g] = u_pow[g];
    if (e.par.stayers)
      own[g] *= std::pow(stayers_rebate(own[g], leaving, rt.rent_ratio[g], eps, own[g] / (own[g] + leaving)), eps);
    outflow[g] = e.registered[n * G_ + g] / (own[g] + leaving);
  }
  for (int g = 0; g < G_; ++g) {
    const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
    double home = 0;
    for (int h = 0; h < G_; ++h)
      if (h != g) home += w[h * G_ + g] * outflow[h];
    const double L = state_.inflow[u] * u_pow[g] / own_utility_pow_[u] + own[g] * outflow[g] + u_pow[g] * home;
    fb[G_ + 2 * S_ + g] = xb[G_ + 2 * S_ + g] - std::log(L);
  }
}

std::vector<double> GroupedSystem::migration_shares(int ln, int g) const {
  const auto& e = economy_;
  const std::size_t N = static_cast<std::size_t>(N_), G = static_cast<std::size_t>(G_);
  const std::int64_t n = layout_.owned()[ln];
  const std::size_t u = static_cast<std::size_t>(ln * G_ + g);
  const auto& f = state_.flows;
  const double* row = &e.migration_pow[static_cast<std::size_t>(ln) * N];
  const auto& wg = e.group_weights;
  std::vector<double> m(N * G);
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t h = 0; h < G; ++h) {
      double weight;
      if (static_cast<std::int64_t>(k) == n) {
        weight = h == static_cast<std::size_t>(g) ? f.own_term[u] : wg.within[g * G + h] * own_utility_pow_[ln * G + h];
      } else {
        const bool same = e.province_of[k] == e.province_of[n];
        weight = row[k] * (same ? wg.within[g * G + h] : wg.between[g * G + h]) * attraction_all_[k * G + h];
      }
      m[k * G + h] = weight / f.denominator[u];
    }
  return m;
}

std::vector<double> GroupedSystem::registered_next(const std::vector<double>& conversion,
                                                   const std::vector<double>& growth) {
  const auto& e = economy_;
  const std::size_t N = static_cast<std::size_t>(N_), G = static_cast<std::size_t>(G_), units = owned_.size() * G;
  // Σ_{v≠u} ρ_v m_uv = (the leaving weight with every destination's attraction times ρ_v) / D_u:
  // the migration pass once more with a·ρ and U^ε·ρ (its own terms are not used).
  std::vector<double> attraction(N * G), own(units), registered(units, 0.0);
  for (std::size_t v = 0; v < N * G; ++v) attraction[v] = attraction_all_[v] * conversion[v];
  for (std::size_t ln = 0; ln < owned_.size(); ++ln)
    for (std::size_t g = 0; g < G; ++g) own[ln * G + g] = own_utility_pow_[ln * G + g] * conversion[owned_[ln] * G + g];
  const UnitMigrationPoint point{
      N, G, &owned_, attraction.data(), own.data(), registered.data(), nullptr, e.par.migration_elasticity};
  UnitMigrationFlows converting;
  migration_pass_.run<double>(
      point, [&](std::size_t j) { return &e.migration_pow[j * N]; }, 8, converting);
  const auto& f = state_.flows;
  std::vector<double> next(units);
  for (std::size_t ln = 0; ln < owned_.size(); ++ln)
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t u = ln * G + g, unit = owned_[ln] * G + g;
      const double R = e.registered[unit];
      const double lost = R * converting.leaving_weight[u] / f.denominator[u];
      const double stay = R * f.own_term[u] / f.denominator[u];
      const double gained = conversion[unit] * (state_.employment[u] - stay);
      next[u] = (1 + growth[unit]) * (R - lost + gained);
    }
  return next;
}

}  // namespace regio
