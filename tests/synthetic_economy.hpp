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

inline double rel(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300}); }

}  // namespace regio::testing
