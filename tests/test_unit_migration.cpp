// Migration over (region, group) units in product form (MODEL.md §10, include/regio/unit_migration.hpp)
// against the explicit O((NG)²) sum over every unit pair.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "regio/unit_migration.hpp"

using namespace regio;

namespace {

struct Economy {
  std::size_t N = 0, G = 0;
  std::vector<int> province;
  std::vector<double> rows;         // μ̃_ok^−ε (N × N, zero diagonal)
  std::vector<double> attraction;   // a_kg (N × G)
  std::vector<double> utility_pow;  // U_kg^ε (N × G)
  std::vector<double> registered;   // R_kg (N × G)
  std::vector<double> rent_ratio;   // c_u (N × G)
  std::vector<double> within_cost, between_cost;
  double eps = 1.7;
};

Economy random_economy(std::size_t N, std::size_t G, int provinces, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.2, 1.0), cost(1.2, 6.0);
  Economy e;
  e.N = N, e.G = G;
  for (std::size_t k = 0; k < N; ++k) e.province.push_back(static_cast<int>((k * 7) % provinces));
  e.rows.resize(N * N);
  for (std::size_t o = 0; o < N; ++o)
    for (std::size_t k = 0; k < N; ++k) e.rows[o * N + k] = o == k ? 0.0 : 0.3 * u(rng);
  for (std::size_t k = 0; k < N * G; ++k) {
    e.utility_pow.push_back(u(rng));
    e.attraction.push_back(e.utility_pow.back() * u(rng));  // h^−ε ≤ 1
    e.registered.push_back(1 + 9 * u(rng));
    e.rent_ratio.push_back(0.5 * u(rng));
  }
  for (std::size_t k = 0; k < G * G; ++k) e.within_cost.push_back(cost(rng)), e.between_cost.push_back(cost(rng));
  return e;
}

// Explicit weights of every unit pair: the reference.
double pair_weight(const Economy& e, const GroupSwitchWeights& w, std::size_t o, std::size_t g, std::size_t d,
                   std::size_t h) {
  const std::size_t G = e.G;
  if (d == o) return h == g ? 0.0 : w.within[g * G + h] * e.utility_pow[o * G + h];
  const double group = e.province[o] == e.province[d] ? w.within[g * G + h] : w.between[g * G + h];
  return e.rows[o * e.N + d] * group * e.attraction[d * G + h];
}

// Populations of every unit by the explicit sum (own terms given).
std::vector<double> explicit_populations(const Economy& e, const GroupSwitchWeights& w,
                                         const std::vector<double>& own_term) {
  const std::size_t N = e.N, G = e.G;
  std::vector<double> L(N * G, 0.0);
  for (std::size_t o = 0; o < N; ++o)
    for (std::size_t g = 0; g < G; ++g) {
      double lw = 0;
      for (std::size_t d = 0; d < N; ++d)
        for (std::size_t h = 0; h < G; ++h) lw += pair_weight(e, w, o, g, d, h);
      const double D = own_term[o * G + g] + lw, R = e.registered[o * G + g];
      for (std::size_t d = 0; d < N; ++d)
        for (std::size_t h = 0; h < G; ++h)
          L[d * G + h] += R * (d == o && h == g ? own_term[o * G + g] : pair_weight(e, w, o, g, d, h)) / D;
    }
  return L;
}

// The product-form pass over `owned` (one rank's share); returns this share's flows.
UnitMigrationFlows run_pass(const Economy& e, const GroupSwitchWeights& w, const std::vector<std::size_t>& owned,
                            bool stayers, std::size_t block) {
  std::vector<double> own_u, reg, ratio;
  for (auto o : owned)
    for (std::size_t g = 0; g < e.G; ++g) {
      own_u.push_back(e.utility_pow[o * e.G + g]);
      reg.push_back(e.registered[o * e.G + g]);
      ratio.push_back(e.rent_ratio[o * e.G + g]);
    }
  UnitMigrationPass pass(w, ProvincePeers::of(e.province, owned));
  const UnitMigrationPoint x{
      e.N, e.G, &owned, e.attraction.data(), own_u.data(), reg.data(), stayers ? ratio.data() : nullptr, e.eps};
  UnitMigrationFlows f;
  pass.run<double>(
      x, [&](std::size_t j) { return &e.rows[owned[j] * e.N]; }, block, f);
  return f;
}

// Populations from several ranks' flows (their inflow partials added, as Layout::reduce_sum does).
std::vector<double> populations(const Economy& e, const std::vector<std::vector<std::size_t>>& ranks,
                                const std::vector<UnitMigrationFlows>& flows, std::vector<double>* own_term) {
  const std::size_t N = e.N, G = e.G;
  std::vector<double> inflow(G * N, 0.0), L(N * G, 0.0);
  if (own_term) own_term->assign(N * G, 0.0);
  for (const auto& f : flows)
    for (std::size_t k = 0; k < G * N; ++k) inflow[k] += f.inflow_partial[k];
  for (std::size_t r = 0; r < ranks.size(); ++r)
    for (std::size_t j = 0; j < ranks[r].size(); ++j)
      for (std::size_t g = 0; g < G; ++g) {
        const std::size_t d = ranks[r][j], u = j * G + g;
        const auto& f = flows[r];
        L[d * G + g] = f.own_term[u] * f.outflow[u] + f.home_switches[u] + e.attraction[d * G + g] * inflow[g * N + d];
        if (own_term) (*own_term)[d * G + g] = f.own_term[u];
      }
  return L;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] - b[k]) / std::abs(b[k]));
  return m;
}

std::vector<std::size_t> all_regions(std::size_t N) {
  std::vector<std::size_t> v(N);
  std::iota(v.begin(), v.end(), std::size_t{0});
  return v;
}

}  // namespace

TEST(UnitMigration, ProductFormEqualsEveryUnitPair) {
  for (std::size_t G : {1u, 2u, 3u}) {
    const Economy e = random_economy(23, G, 4, 11 + static_cast<unsigned>(G));
    const auto w = GroupSwitchWeights::from_costs(G, e.within_cost, e.between_cost, e.eps);
    for (std::size_t block : {1u, 8u}) {
      const auto owned = all_regions(e.N);
      std::vector<double> own;
      const auto L = populations(e, {owned}, {run_pass(e, w, owned, false, block)}, &own);
      EXPECT_LT(max_rel(L, explicit_populations(e, w, e.utility_pow)), 1e-13) << "G = " << G << ", block " << block;
      // Migrants are conserved: Σ L = Σ R.
      const double sum_L = std::accumulate(L.begin(), L.end(), 0.0);
      EXPECT_NEAR(sum_L / std::accumulate(e.registered.begin(), e.registered.end(), 0.0), 1.0, 1e-14);
    }
  }
}

TEST(UnitMigration, RankSharesAddUp) {
  const Economy e = random_economy(31, 2, 5, 3);
  const auto w = GroupSwitchWeights::from_costs(2, e.within_cost, e.between_cost, e.eps);
  const std::vector<std::vector<std::size_t>> ranks{{0, 5, 9, 17, 30},
                                                    {1, 2, 3, 4, 6, 7, 8},
                                                    {10, 11, 12, 13, 14, 15, 16, 18, 19, 20},
                                                    {21, 22, 23, 24, 25, 26, 27, 28, 29}};
  std::vector<UnitMigrationFlows> flows;
  for (const auto& r : ranks) flows.push_back(run_pass(e, w, r, false, 8));
  const auto L = populations(e, ranks, flows, nullptr);
  EXPECT_LT(max_rel(L, explicit_populations(e, w, e.utility_pow)), 1e-13);
}

TEST(UnitMigration, OneGroupIsPartOneMigration) {
  // G = 1 with no group costs: LW_o = Σ_k μ̃_ok^−ε a_k and L_d = U_d^ε f_d + a_d Σ_o μ̃_od^−ε f_o.
  Economy e = random_economy(17, 1, 3, 5);
  const auto w = GroupSwitchWeights::from_costs(1, {1.0}, {1.0}, e.eps);
  const auto owned = all_regions(e.N);
  const auto f = run_pass(e, w, owned, false, 8);
  for (std::size_t o = 0; o < e.N; ++o) {
    double lw = 0;
    for (std::size_t k = 0; k < e.N; ++k) lw += e.rows[o * e.N + k] * e.attraction[k];
    EXPECT_NEAR(f.leaving_weight[o] / lw, 1.0, 1e-14);
    EXPECT_EQ(f.home_switches[o], 0.0);
  }
}

TEST(UnitMigration, StayersOwnTermIsTheFixedPoint) {
  // (C U)^ε with C = 1 + c/m_uu and m_uu = own/(own + LW) (MODEL.md §11), and the explicit
  // populations at those own terms.
  const Economy e = random_economy(19, 2, 3, 9);
  const auto w = GroupSwitchWeights::from_costs(2, e.within_cost, e.between_cost, e.eps);
  const auto owned = all_regions(e.N);
  const auto f = run_pass(e, w, owned, true, 8);
  for (std::size_t u = 0; u < e.N * e.G; ++u) {
    const double m_uu = f.own_term[u] / f.denominator[u];
    const double C = 1 + e.rent_ratio[u] / m_uu;
    EXPECT_NEAR(f.own_term[u] / (e.utility_pow[u] * std::pow(C, e.eps)), 1.0, 1e-13);
    EXPECT_GT(C, 1.0);
  }
  std::vector<double> own;
  const auto L = populations(e, {owned}, {f}, &own);
  EXPECT_LT(max_rel(L, explicit_populations(e, w, own)), 1e-13);
}
