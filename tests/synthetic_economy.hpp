#pragma once
// Synthetic economies shared by the model tests (test_model.cpp, test_io.cpp).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "regio/distribute.hpp"
#include "regio/region.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

namespace regio::testing {

// Reproducible asymmetric geography: n regions in `provinces` provinces (round robin, so each
// province's regions are scattered), China-sized box, lognormal populations and productivity.
inline std::vector<Region> synthetic_regions(int n, int provinces, std::size_t sectors, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> lat(22, 45), lon(90, 125), u(0, 1);
  std::lognormal_distribution<double> pop(16, 0.8), prod(0, 0.3);
  std::vector<Region> r(n);
  for (int i = 0; i < n; ++i) {
    r[i].index = i;
    r[i].id = "r" + std::to_string(i);
    r[i].name = r[i].id;
    r[i].province = "p" + std::to_string(i % provinces);
    r[i].lat = lat(rng);
    r[i].lon = lon(rng);
    r[i].area_km2 = 20000 + 200000 * u(rng);
    r[i].land_km2 = r[i].area_km2 * (0.01 + 0.05 * u(rng));
    r[i].population = pop(rng);
    r[i].registered = r[i].population * (0.8 + 0.4 * u(rng));
    r[i].capital = 3.0 * r[i].population * (0.5 + u(rng));
    r[i].amenity = 0.8 + 0.4 * u(rng);
    for (std::size_t s = 0; s < sectors; ++s) r[i].productivity.push_back(prod(rng));
  }
  return r;
}

inline Simulation make_sim(const Scenario& sc, const std::vector<Region>& regions, const Decomposition* d = nullptr) {
  auto comm = world();
  return Simulation(comm, distribute_regions(comm, sc, regions, d));
}

// MODEL.md §8 ACR setting: S = 1, α = 1, no housing, saving or agglomeration, migration off.
inline Scenario acr_scenario() {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.sectors = {SectorParams{"goods", 5.0, 1.0, 0.0, 1.0, 0.0, 0.0, false}};
  sc.households = {0.0, 0.0};
  sc.migration.enabled = false;
  sc.solver.atol = 1e-13;
  sc.validate("acr");
  return sc;
}

// The ACR setting solved before and after a border-cost change that leaves every τ_nn alone
// (12 regions in 4 provinces; border cost 1.1 after): the real-wage change of every region is
// then ACR's (π_nn'/π_nn)^(−1/θ).
struct AcrChange {
  Simulation before, after;
  double theta;
};
inline AcrChange solved_acr_change() {
  const Scenario before = acr_scenario();
  Scenario after = before;
  after.trade.border_cost = 1.1;  // only cross-province τ changes; τ_nn does not
  const auto regions = synthetic_regions(12, 4, 1, 11);
  AcrChange c{make_sim(before, regions), make_sim(after, regions), before.sectors[0].theta};
  c.before.solve();
  c.after.solve();
  return c;
}

inline double rel(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300}); }

}  // namespace regio::testing
