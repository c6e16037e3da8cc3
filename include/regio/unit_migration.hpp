#pragma once
// Migration over (region, group) units with parametric costs (MODEL.md §10), in product form.
// A worker registered in unit (o, g) chooses (d, g') with weight (U_dg'/μ_{og,dg'})^ε, where
//   μ_{og,dg'} = μ_od^geo · s_gg'^[prov(o) = prov(d)] · S_gg'^[prov(o) ≠ prov(d)],  μ_{og,og} = 1.
// The geographic factor is the levels kernel row μ̃_ok^−ε (zero diagonal; destination barriers
// h_k^−ε in the attraction a_kg' = U_kg'^ε h_k^−ε), so the G×G group factor only depends on
// whether the pair shares a province. Writing b_gg' = S_gg'^−ε and w_gg' = s_gg'^−ε,
//   LW_og = Σ_k μ̃_ok^−ε Σ_g' b_gg' a_kg'                          (one read of the row, G dots)
//         + Σ_{k ∈ prov(o), k ≠ o} μ̃_ok^−ε Σ_g' (w_gg' − b_gg') a_kg'   (the province's few regions)
//         + Σ_{g' ≠ g} w_gg' U_og'^ε                                 (a switch of group at home)
// and the inflows mirror it with the coefficients Σ_g b_gg' f_og, f_og = R_og / D_og. Work per
// residual is O(N²G + N·n_p·G²) (n_p regions per province), never O(N²G²); with G = 1 and
// w = b = 1 it is Part I's migration pass (src/solver/kernel_passes.cpp).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "regio/kernels.hpp"
#include "regio/row_products.hpp"

namespace regio {

// The group factors of MODEL.md §10 raised to −ε (row-major G×G, origin group first).
struct GroupSwitchWeights {
  std::size_t groups = 1;
  std::vector<double> within;   // w_gg' = s_gg'^−ε, w_gg = 1
  std::vector<double> between;  // b_gg' = S_gg'^−ε
  // From the cost factors s (within a province) and S (between provinces), G×G each.
  static GroupSwitchWeights from_costs(std::size_t groups, const std::vector<double>& within_cost,
                                       const std::vector<double>& between_cost, double epsilon);
};

// Each owned origin's fellow regions of its province (global indices, the origin excluded), as
// compressed rows: peers[offset[j] .. offset[j+1]).
struct ProvincePeers {
  std::vector<std::size_t> offset, peers;
  static ProvincePeers of(const std::vector<int>& province_of_region, const std::vector<std::size_t>& owned_regions);
};

struct UnitMigrationPoint {
  std::size_t regions = 0, groups = 1;              // N, G
  const std::vector<std::size_t>* owned = nullptr;  // global index of each owned origin
  const double* attraction = nullptr;               // a_kg = U_kg^ε h_k^−ε, all regions (N × G, region-major)
  const double* own_utility_pow = nullptr;          // U_og^ε of the owned regions (owned × G)
  const double* registered = nullptr;               // R_og (owned × G)
  // land_income: stayers (MODEL.md §11): each origin unit's rent ratio c_u (owned × G), or null.
  const double* stayers_rent_ratio = nullptr;
  double epsilon = 1;
};

struct UnitMigrationFlows {
  std::vector<double> own_term;        // U_og^ε, or (C_og U_og)^ε with stayers (owned × G)
  std::vector<double> leaving_weight;  // LW_og (owned × G)
  std::vector<double> denominator;     // D_og = own term + LW_og (owned × G)
  std::vector<double> outflow;         // f_og = R_og / D_og (owned × G)
  std::vector<double> home_switches;   // U_og'^ε Σ_{g ≠ g'} w_gg' f_og: group switchers staying in o (owned × G)
  // This rank's Σ_o over its origins of the weights of flows into (k, g'), before the factor a_kg'
  // (group-major G × N: [g' N + k]); the caller adds them over the ranks. Then the population of
  // unit (d, g') is own_term f + home_switches + a_dg' · inflow_dg'.
  std::vector<double> inflow_partial;
};

class UnitMigrationPass {
 public:
  UnitMigrationPass(GroupSwitchWeights weights, ProvincePeers peers)
      : w_(std::move(weights)), peers_(std::move(peers)) {}

  // row_of(j): the owned origin j's kernel row μ̃_ok^−ε (N doubles or floats; zero at k = o),
  // valid for the next `block` calls (block 1 for rows recomputed on the fly).
  template <class Row, class RowOf>
  void run(const UnitMigrationPoint& x, RowOf row_of, std::size_t block, UnitMigrationFlows& out);

 private:
  void prepare(const UnitMigrationPoint& x, UnitMigrationFlows& out);
  template <class Row>
  void origin_terms(const UnitMigrationPoint& x, std::size_t j, const Row* row, const double* dots,
                    UnitMigrationFlows& out, double* coef);
  template <class Row>
  void peer_inflows(const UnitMigrationPoint& x, std::size_t j, const Row* row, UnitMigrationFlows& out);

  GroupSwitchWeights w_;
  ProvincePeers peers_;
  std::vector<double> combined_;  // c_g[k] = Σ_g' b_gg' a_kg' (G × N)
  std::vector<double> mixed_;     // Σ_g (w − b)_gg' f_og of the origin being scattered (G)
  std::vector<const double*> dot_vectors_;
  std::vector<double*> accum_;
  std::vector<double> dots_, coef_;
};

template <class Row>
void UnitMigrationPass::origin_terms(const UnitMigrationPoint& x, std::size_t j, const Row* row, const double* dots,
                                     UnitMigrationFlows& out, double* coef) {
  const std::size_t G = x.groups;
  for (std::size_t g = 0; g < G; ++g) {
    double lw = dots[g];
    for (std::size_t p = peers_.offset[j]; p < peers_.offset[j + 1]; ++p) {
      const std::size_t k = peers_.peers[p];
      double mix = 0;
      for (std::size_t h = 0; h < G; ++h)
        mix += (w_.within[g * G + h] - w_.between[g * G + h]) * x.attraction[k * G + h];
      lw += double(row[k]) * mix;
    }
    for (std::size_t h = 0; h < G; ++h)
      if (h != g) lw += w_.within[g * G + h] * x.own_utility_pow[j * G + h];
    const std::size_t u = j * G + g;
    double own = x.own_utility_pow[u];
    if (x.stayers_rent_ratio)  // (C_u U_u)^ε at the stayers' fixed point (MODEL.md §11)
      own *= std::pow(stayers_rebate(own, lw, x.stayers_rent_ratio[u], x.epsilon, own / (own + lw)), x.epsilon);
    out.own_term[u] = own;
    out.leaving_weight[u] = lw;
    out.denominator[u] = own + lw;
    out.outflow[u] = x.registered[u] / out.denominator[u];
  }
  for (std::size_t h = 0; h < G; ++h) {  // coefficients of the row's scatter: Σ_g b_gh f_og
    double c = 0, home = 0;
    for (std::size_t g = 0; g < G; ++g) {
      c += w_.between[g * G + h] * out.outflow[j * G + g];
      if (g != h) home += w_.within[g * G + h] * out.outflow[j * G + g];
    }
    coef[h] = c;
    out.home_switches[j * G + h] = x.own_utility_pow[j * G + h] * home;
  }
}

template <class Row>
void UnitMigrationPass::peer_inflows(const UnitMigrationPoint& x, std::size_t j, const Row* row,
                                     UnitMigrationFlows& out) {
  const std::size_t G = x.groups, N = x.regions;
  mixed_.assign(G, 0.0);
  for (std::size_t h = 0; h < G; ++h)
    for (std::size_t g = 0; g < G; ++g)
      mixed_[h] += (w_.within[g * G + h] - w_.between[g * G + h]) * out.outflow[j * G + g];
  for (std::size_t p = peers_.offset[j]; p < peers_.offset[j + 1]; ++p) {
    const std::size_t k = peers_.peers[p];
    for (std::size_t h = 0; h < G; ++h) out.inflow_partial[h * N + k] += double(row[k]) * mixed_[h];
  }
}

template <class Row, class RowOf>
void UnitMigrationPass::run(const UnitMigrationPoint& x, RowOf row_of, std::size_t block, UnitMigrationFlows& out) {
  prepare(x, out);
  const std::size_t G = x.groups;
  // Part I's pass (row_products.hpp): G products and G column sums per row read, the province
  // peers' and home terms of each origin between them.
  auto origins = [&](std::size_t j0, std::size_t rows, const double* dots, double* coef) {
    for (std::size_t r = 0; r < rows; ++r) {
      const Row* row = row_of(j0 + r);
      origin_terms(x, j0 + r, row, dots + r * G, out, coef + r * G);
      peer_inflows(x, j0 + r, row, out);
    }
  };
  std::vector<const Row*> rows;
  dot_then_scatter(rows, x.owned->size(), block, row_of, dot_vectors_.data(), accum_.data(), G, x.regions, dots_, coef_,
                   origins);
}

}  // namespace regio
