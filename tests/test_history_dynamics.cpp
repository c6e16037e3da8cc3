// The history-based dynamics of MODEL.md §14 (docs/forecast-protocol.md §3): convergence of
// log Ā and log B toward their population-weighted means, the regions' own drifts, and natural
// growth by region, after one epoch, at any rank count.
#include <gtest/gtest.h>

#include <cmath>

#include "calibration_support.hpp"

using namespace regio;
using regio::testing::calibration_scenario;
using regio::testing::random_regions;
using regio::testing::world;

namespace {

struct AllState {
  std::vector<double> log_a, log_b, registered, population;  // CSV order; log_a: mean over sectors
};

AllState gather_state(Simulation& sim) {
  const auto& st = sim.state();
  const std::size_t S = sim.scenario().num_sectors();
  std::vector<double> mine;
  for (std::size_t j = 0; j < st.size(); ++j) {
    double a = 0;
    for (std::size_t s = 0; s < S; ++s) a += st.log_productivity[j * S + s] / static_cast<double>(S);
    mine.insert(mine.end(), {a, std::log(st.amenity[j]), st.registered[j], st.population[j]});
  }
  std::vector<double> all;
  sim.layout().allgather(mine.data(), 4, all);
  AllState out;
  for (std::size_t k = 0; k < all.size(); k += 4) {
    out.log_a.push_back(all[k]);
    out.log_b.push_back(all[k + 1]);
    out.registered.push_back(all[k + 2]);
    out.population.push_back(all[k + 3]);
  }
  return out;
}

double weighted_mean(const std::vector<double>& x, const std::vector<double>& w) {
  double sx = 0, sw = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sx += w[i] * x[i], sw += w[i];
  return sx / sw;
}

}  // namespace

TEST(HistoryDynamics, ConvergenceDriftsAndNaturalGrowthByRegion) {
  Scenario sc = calibration_scenario();
  for (auto& s : sc.sectors) s.productivity_growth = 0.01;
  sc.productivity.spillover = 0;
  sc.productivity.convergence = -0.05;
  sc.migration.amenity_convergence = -0.1;
  sc.migration.enabled = false;  // R' = (1 + g_i) R: natural growth alone
  auto regions = random_regions(20, 5, 77);
  for (std::size_t i = 0; i < regions.size(); ++i) {
    regions[i].productivity_drift = 0.001 * static_cast<double>(i % 5) - 0.002;
    regions[i].amenity_drift = -0.0005 * static_cast<double>(i % 3);
    if (i % 4 == 0) regions[i].natural_growth = 0.01 * static_cast<double>(i % 3) - 0.005;
  }
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, regions, nullptr));
  sim.solve();
  const AllState before = gather_state(sim);
  sim.advance();
  const AllState after = gather_state(sim);
  const double mean_a = weighted_mean(before.log_a, before.population);
  const double mean_b = weighted_mean(before.log_b, before.population);
  for (std::size_t i = 0; i < regions.size(); ++i) {
    EXPECT_NEAR(after.log_a[i] - before.log_a[i],
                0.01 - 0.05 * (before.log_a[i] - mean_a) + regions[i].productivity_drift, 1e-13)
        << regions[i].id;
    EXPECT_NEAR(after.log_b[i] - before.log_b[i], -0.1 * (before.log_b[i] - mean_b) + regions[i].amenity_drift, 1e-13)
        << regions[i].id;
    const double g = std::isnan(regions[i].natural_growth) ? sc.population.growth : regions[i].natural_growth;
    EXPECT_NEAR(after.registered[i] / before.registered[i], 1 + g, 1e-13) << regions[i].id;
  }
}

// All zero (the defaults): the state moves exactly as in Part I, bitwise.
TEST(HistoryDynamics, ZeroConvergenceAndDriftIsPartOne) {
  Scenario sc = calibration_scenario();
  const auto regions = random_regions(12, 4, 78);
  auto comm = world();
  Simulation a(comm, distribute_regions(comm, sc, regions, nullptr));
  auto with_zero = regions;
  for (auto& r : with_zero) r.productivity_drift = r.amenity_drift = 0, r.natural_growth = sc.population.growth;
  Simulation b(comm, distribute_regions(comm, sc, with_zero, nullptr));
  for (Simulation* s : {&a, &b}) s->solve(), s->advance();
  const AllState x = gather_state(a), y = gather_state(b);
  EXPECT_EQ(x.log_a, y.log_a);
  EXPECT_EQ(x.log_b, y.log_b);
  EXPECT_EQ(x.registered, y.registered);
}

// Investment wedges (MODEL.md §2, §14): epoch 0's investment J_n = ϕ σ I_n + (1 − ϕ) ω_n σ Σ I with
// ω_n ∝ K_n (r̄_n/ζ_n)^ν from the region CSV's capital_friction and capital_rent_lagged; after the
// epoch ζ has moved by its drift and r̄ is the epoch's rent.
TEST(HistoryDynamics, InvestmentWedgesAndTheirDrift) {
  Scenario sc = calibration_scenario();
  sc.households.saving_rate = 0.3;
  sc.capital.home_bias = 0.4;
  sc.capital.allocation_elasticity = 1.5;
  auto regions = random_regions(16, 4, 79);
  for (std::size_t i = 0; i < regions.size(); ++i) {
    regions[i].capital_friction = 1 + 0.3 * static_cast<double>(i % 4);
    regions[i].capital_friction_drift = 0.01 * static_cast<double>(i % 3) - 0.01;
    regions[i].capital_rent_lagged = 0.8 + 0.1 * static_cast<double>(i % 5);
  }
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, regions, nullptr));
  sim.solve();
  const auto& st = sim.state();
  const auto& v = sim.system().results().view;
  std::vector<double> mine;
  for (std::size_t j = 0; j < st.size(); ++j)
    mine.insert(mine.end(), {v.investment[j], v.income[j], st.capital[j], st.prices[j].capital_rent});
  std::vector<double> all;
  sim.layout().allgather(mine.data(), 4, all);
  const std::size_t n = regions.size();
  double income = 0, weight = 0;
  for (std::size_t i = 0; i < n; ++i) {
    income += all[4 * i + 1];
    weight += all[4 * i + 2] * std::pow(regions[i].capital_rent_lagged / regions[i].capital_friction, 1.5);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double omega =
        all[4 * i + 2] * std::pow(regions[i].capital_rent_lagged / regions[i].capital_friction, 1.5) / weight;
    EXPECT_NEAR(all[4 * i] / (0.3 * (0.4 * all[4 * i + 1] + 0.6 * omega * income)), 1, 1e-12) << regions[i].id;
  }
  sim.advance();
  for (std::size_t j = 0; j < st.size(); ++j) {
    const Region& r = st.records[j];
    EXPECT_NEAR(st.capital_friction[j], r.capital_friction * std::exp(r.capital_friction_drift), 1e-15) << r.id;
    EXPECT_EQ(st.lagged_capital_rent[j], st.prices[j].capital_rent) << r.id;
  }
}
