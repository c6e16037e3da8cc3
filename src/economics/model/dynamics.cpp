#include "regio/dynamics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "regio/geography.hpp"

namespace regio {

std::vector<std::vector<std::size_t>> nearest_neighbours(const GlobalGeography& geo,
                                                         const std::vector<std::size_t>& rows, std::size_t k) {
  // Great-circle distance is monotone in the chord between unit vectors, so neighbours are
  // ranked by the squared chord: no transcendental function per pair (N per region).
  const std::size_t N = geo.size();
  std::vector<UnitVector> u;
  for (std::size_t j = 0; j < N; ++j) u.push_back(unit_vector(geo.lat[j], geo.lon[j]));
  std::vector<std::vector<std::size_t>> out;
  std::vector<std::pair<double, std::size_t>> d;
  for (const std::size_t i : rows) {
    d.clear();
    for (std::size_t j = 0; j < N; ++j) {
      if (j == i) continue;
      d.emplace_back(squared_chord(u[i], u[j]), j);
    }
    const std::size_t kk = std::min(k, d.size());
    std::partial_sort(d.begin(), d.begin() + kk, d.end());  // pairs: ties broken by CSV index
    std::vector<std::size_t> nb;
    for (std::size_t t = 0; t < kk; ++t) nb.push_back(d[t].second);
    out.push_back(std::move(nb));
  }
  return out;
}

std::vector<std::size_t> nearest_neighbours(const GlobalGeography& geo, std::size_t i, std::size_t k) {
  return nearest_neighbours(geo, std::vector<std::size_t>{i}, k).front();
}

namespace {

// The history-based dynamics of MODEL.md §14 for the owned regions, from the state at the start
// of the epoch: Δ log Ā_i = β_A (a_i − ā) + productivity_drift_i (a_i the mean over sectors of
// log Ā_is) and Δ log B_i = β_B (log B_i − b̄) + amenity_drift_i, the means weighted by
// population and summed in CSV order (the same on every rank). Empty when all are zero (Part I).
struct HistoryDrift {
  std::vector<double> productivity, amenity;
};

HistoryDrift history_drift(const Scenario& sc, const GatherNational& gather, const EconomyState& st, std::size_t S) {
  const double beta_a = sc.productivity.convergence, beta_b = sc.migration.amenity_convergence;
  bool any = beta_a != 0 || beta_b != 0;
  for (const auto& r : st.records) any = any || r.productivity_drift != 0 || r.amenity_drift != 0;
  HistoryDrift d;
  if (!any) return d;
  const std::size_t n = st.size();
  std::vector<double> mine(3 * n), all;
  for (std::size_t j = 0; j < n; ++j) {
    double a = 0;
    for (std::size_t s = 0; s < S; ++s) a += st.log_productivity[j * S + s] / static_cast<double>(S);
    mine[3 * j] = a;
    mine[3 * j + 1] = std::log(st.amenity[j]);
    mine[3 * j + 2] = st.population[j];
  }
  gather(mine.data(), 3, all);
  double mean_a = 0, mean_b = 0, total = 0;
  for (std::size_t k = 0; k < all.size(); k += 3) {
    mean_a += all[k + 2] * all[k];
    mean_b += all[k + 2] * all[k + 1];
    total += all[k + 2];
  }
  mean_a /= total;
  mean_b /= total;
  for (std::size_t j = 0; j < n; ++j) {
    d.productivity.push_back(beta_a * (mine[3 * j] - mean_a) + st.records[j].productivity_drift);
    d.amenity.push_back(beta_b * (mine[3 * j + 1] - mean_b) + st.records[j].amenity_drift);
  }
  return d;
}

}  // namespace

void advance_epoch(const Scenario& sc, const Equilibrium& eq, const GatherNational& gather,
                   const std::vector<std::vector<std::size_t>>& neighbours, EconomyState& st,
                   const std::vector<double>& extra_growth) {
  const auto& v = eq.view;
  const auto& tech = eq.technology;
  const std::size_t n = st.size(), S = tech.S, N = eq.geography.size();

  const HistoryDrift drift = history_drift(sc, gather, st, S);

  // Capital: K' = (1 − δ_k) K + J / P.
  for (std::size_t j = 0; j < n; ++j)
    st.capital[j] = (1 - sc.capital.depreciation) * st.capital[j] + v.investment[j] / v.price_index[j];

  // Registered population: R_o' = (1+g^L)[R_o − Σ_{d≠o} ρ_d L_od + ρ_o Σ_{o'≠o} L_o'o].
  // Natural growth g^L, or the region's own (natural_growth column, MODEL.md §14).
  auto growth_of = [&](std::size_t j) {
    const double g = st.records[j].natural_growth;
    return 1 + (std::isnan(g) ? sc.population.growth : g);
  };
  if (eq.migration) {
    std::vector<double> converting(n), converting_all;
    for (std::size_t j = 0; j < n; ++j) converting[j] = st.conversion_rate[j] * v.attraction_all[st.records[j].index];
    gather(converting.data(), 1, converting_all);
    const double eps = eq.migration_elasticity;
    for (std::size_t j = 0; j < n; ++j) {
      const double* row = eq.migration_row(j);
      double lost = 0;
      for (std::size_t k = 0; k < N; ++k) lost += row[k] * converting_all[k];
      lost *= st.registered[j] / v.migration_denominator[j];  // Σ_{d≠o} ρ_d L_od
      // L_oo (the own term is (C_o U_o)^ε under land_income: stayers)
      const double own = v.stayer_rent_ratio.empty() ? std::pow(v.utility[j], eps) : v.own_term[j];
      const double stay = st.registered[j] * own / v.migration_denominator[j];
      const double gained = st.conversion_rate[j] * (st.population[j] - stay);  // ρ_o Σ_{o'≠o} L_o'o
      st.registered[j] = growth_of(j) * (st.registered[j] - lost + gained);
      st.population[j] *= growth_of(j);  // warm start of the next solve
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) st.population[j] = st.registered[j] = growth_of(j) * st.registered[j];
  }

  // Productivity: log Ā' = log Ā + g_s + κ Σ_j W_ij max(0, log Ā_js − log Ā_is).
  std::vector<double> logA_all;
  gather(st.log_productivity.data(), static_cast<int>(S), logA_all);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& nb = neighbours[j];
    for (std::size_t s = 0; s < S; ++s) {
      const double own = st.log_productivity[j * S + s];
      double catch_up = 0;
      for (auto k : nb) catch_up += std::max(0.0, logA_all[k * S + s] - own);
      if (!nb.empty()) catch_up /= static_cast<double>(nb.size());
      const double policy = extra_growth.empty() ? 0.0 : extra_growth[j * S + s];
      st.log_productivity[j * S + s] =
          own + sc.sectors[s].productivity_growth + policy + sc.productivity.spillover * catch_up;
      if (!drift.productivity.empty()) st.log_productivity[j * S + s] += drift.productivity[j];
    }
    if (!drift.amenity.empty()) st.amenity[j] *= std::exp(drift.amenity[j]);
  }

  // Pooled savings chase this epoch's returns next epoch: r̄ ← r. The investment wedge moves by
  // its drift (capital_friction_drift, MODEL.md §14; 0 in Part I).
  for (std::size_t j = 0; j < n; ++j) {
    st.lagged_capital_rent[j] = tech.active[kCapital] ? st.prices[j].capital_rent : 1.0;
    if (st.records[j].capital_friction_drift != 0)
      st.capital_friction[j] *= std::exp(st.records[j].capital_friction_drift);
  }
  ++st.epoch;
}

}  // namespace regio
