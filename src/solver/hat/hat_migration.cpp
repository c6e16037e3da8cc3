// Steps 5–6 of the system in changes: migration shares by hukou origin (the stayers' rebate
// fixed point per unit), workers by destination reduced to the destinations' owners, and the
// employment equations (MODEL.md §10–§13; docs/hat-algebra.md §3).
#include <algorithm>
#include <cmath>

#include "regio/hat/hat_system.hpp"
#include "regio/kernels.hpp"

namespace regio::hat {

// log Û_v = log B̂_n + log V̂_v of every unit v = (n, g), allgathered (O(N·G)).
std::vector<double> HatSystem::log_utility_changes() const {
  std::vector<double> log_u_owned(static_cast<std::size_t>(layout_.num_owned() * G_)), log_u;
  for (int ln = 0; ln < layout_.num_owned(); ++ln)
    for (int g = 0; g < G_; ++g)
      log_u_owned[ln * G_ + g] =
          std::log(state_.real_income[ln * G_ + g]) + shocks_.log_B[layout_.owned()[ln]];  // log Û = log B̂ + log V̂
  layout_.allgather(log_u_owned.data(), G_, log_u);
  return log_u;
}

// e_v = m_uv (Û_v/μ̂_uv)^ε for the destinations v ≠ u of hukou unit u (0 for u itself and where
// m_uv = 0; μ̂ by whether v is in u's province); returns their sum b_u.
double HatSystem::other_destinations(std::int64_t u, const double* m, const std::vector<double>& log_u,
                                     std::vector<double>& e) const {
  const double eps = base_.par.migration_elasticity;
  const int prov = base_.province_of[u / G_];
  double bb = 0;  // Σ_{v≠u} m_uv (Û_v/μ̂_uv)^ε
  for (std::int64_t v = 0; v < N_ * G_; ++v) {
    if (v == u || m[v] <= 0) {
      e[v] = 0;
      continue;
    }
    const bool same = base_.province_of[v / G_] == prov;
    e[v] = m[v] * std::exp(eps * (log_u[v] - (same ? shocks_.log_mu_within : shocks_.log_mu_between)));
    bb += e[v];
  }
  return bb;
}

// Hukou unit u = (n, g)'s own term (MODEL.md §10–§11) given b_u = Σ_{v≠u} m_uv (Û_v/μ̂_uv)^ε, its
// log Û_u and its region's new revenues and wage change: the rebate factors C⁰_u, C'_u (C = 1 +
// Λ/(w m_uu R), Λ/w from the land rent and the wage), m'_uu Φ_u and Φ_u.
HatSystem::OwnShare HatSystem::own_share(int ln, int g, double b, double log_u_self, const double* revenue_new,
                                         double wage_hat) const {
  const HatParameters& par = base_.par;
  const double eps = par.migration_elasticity;
  const std::int64_t n = layout_.owned()[ln], u = n * G_ + g;
  const double m_uu = base_.migration_shares[static_cast<std::size_t>(ln * G_ + g) * N_ * G_ + u];
  const double Ru = base_.registered[u], L0 = base_.employment[u], wb0 = base_.wage_bill(n, g);
  const double rent0 = land_rent_at(par, &base_.revenue[n * S_], g), rent1 = land_rent_at(par, revenue_new, g);
  const double C0 = rebate_factor(par, rent0 * L0 / wb0, m_uu, Ru);
  const double cc = par.stayers ? rent1 / (wb0 / L0 * wage_hat * Ru) : 0.0;  // C' = 1 + cc / m'_uu
  const double aa = m_uu * std::exp(eps * log_u_self) / std::pow(C0, eps);   // m'_uu Φ = aa C'^ε
  const double C = stayers_rebate(aa, b, cc, eps, m_uu);
  const double z = aa * std::pow(C, eps);
  return {C0, C, z, z + b};
}

// Hukou unit u = (n, g) of owned region ln: its new shares m'_uv (MODEL.md §10–§11), their
// workers R_u m'_uv added to `columns` (destination v at (v mod G)·N + v/G) and its state
// (rebate factors C⁰_u, C'_u, own share m'_uu, Φ_u^(1/ε), migrants within / between provinces);
// for the blocks of the preconditioner, b_u over the destinations outside n and the workers it
// sends to the units of n.
void HatSystem::unit_migration(int ln, int g, const std::vector<double>& log_u, std::vector<double>& e,
                               std::vector<double>& columns) {
  const double eps = base_.par.migration_elasticity;
  const std::int64_t U = N_ * G_, n = layout_.owned()[ln], u = n * G_ + g;
  const int prov = base_.province_of[n];
  const std::size_t lu = static_cast<std::size_t>(ln * G_ + g);
  const double* m = base_.migration_shares.data() + lu * U;
  const double Ru = base_.registered[u];
  const double bb = other_destinations(u, m, log_u, e);
  std::vector<double>& R1 = scratch_.revenue_new;
  R1.resize(static_cast<std::size_t>(S_));
  for (int s = 0; s < S_; ++s) R1[s] = base_.revenue[n * S_ + s] * state_.revenue[ln * S_ + s];
  const OwnShare own = own_share(ln, g, bb, log_u[u], R1.data(), state_.wage[lu]);
  double within = 0, between = 0, near = 0;
  for (std::int64_t v = 0; v < U; ++v) {
    const double share = v == u ? own.own / own.total : e[v] / own.total;  // m'_uv
    columns[(v % G_) * N_ + v / G_] += Ru * share;                         // L'_v = Σ_u R_u m'_uv
    if (v / G_ == n) {
      frozen_.own_origin_inflow[static_cast<std::size_t>(ln * G_) + v % G_] += Ru * share;
      if (v != u) near += e[v];
    }
    if (v == u) continue;
    (base_.province_of[v / G_] == prov ? within : between) += share;
  }
  frozen_.far_destinations[lu] = bb - near;
  frozen_.log_utility[lu] = log_u[u];
  state_.rebate_base[lu] = own.rebate_base;
  state_.rebate_new[lu] = own.rebate_new;
  state_.own_share_new[lu] = own.own / own.total;
  state_.expected_utility[lu] = std::pow(own.total, 1 / eps);
  state_.within_share_new[lu] = within;
  state_.between_share_new[lu] = between;
}

// Employment equations of the owned regions from the inflows L'_v = Σ_u R_u m'_uv: inside,
// log(L'_v/L_v) = log L̂_v; outside the choice set, total labour fixed and one wage across its
// groups (MODEL.md §13).
void HatSystem::employment_equations(const double* x, const std::vector<double>& inflow, double* f) const {
  const int K = block();
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    const std::int64_t n = layout_.owned()[ln];
    double* fb = f + ln * K + G_ + 2 * S_;
    const double* xb = x + ln * K;
    if (!base_.outside[n]) {
      for (int g = 0; g < G_; ++g)
        fb[g] = std::log(inflow[ln * G_ + g] / base_.employment[n * G_ + g]) - xb[G_ + 2 * S_ + g];
      continue;
    }
    double L0 = 0, L1 = 0;
    for (int g = 0; g < G_; ++g) {
      L0 += base_.employment[n * G_ + g];
      L1 += base_.employment[n * G_ + g] * std::exp(xb[G_ + 2 * S_ + g]);
    }
    fb[0] = std::log(L1 / L0);
    for (int g = 1; g < G_; ++g) fb[g] = xb[g] - xb[0];
  }
}

// Steps 5–6: migration shares by hukou origin (stayers' rebate fixed point per unit), inflows
// reduced to the destinations' owners; employment equations (MODEL.md §10–§12).
void HatSystem::migration_flows(const double* x, double* f) {
  const std::int64_t U = N_ * G_;
  const std::vector<double> log_u = log_utility_changes();
  std::vector<double> columns(static_cast<std::size_t>(U), 0.0), e(static_cast<std::size_t>(U));
  std::fill(frozen_.own_origin_inflow.begin(), frozen_.own_origin_inflow.end(), 0.0);
  for (int ln = 0; ln < layout_.num_owned(); ++ln) {
    if (base_.outside[layout_.owned()[ln]]) continue;
    for (int g = 0; g < G_; ++g) unit_migration(ln, g, log_u, e, columns);
  }
  std::vector<double> inflow(static_cast<std::size_t>(layout_.num_owned() * G_));
  layout_.reduce_sum(columns, G_, inflow.data());
  frozen_.inflow = inflow;
  employment_equations(x, inflow, f);
}

}  // namespace regio::hat
