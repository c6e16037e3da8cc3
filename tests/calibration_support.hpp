#pragma once
// Shared by the calibration tests (test_calibration.cpp, test_calibration_io.cpp): synthetic
// regions, the "observed" data of a solved truth, and the calibrated fundamentals. Collective.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "regio/distribute.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

namespace regio::testing {

inline std::vector<Region> random_regions(int n, int provinces, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> lat(22, 45), lon(90, 125), u(0, 1);
  std::lognormal_distribution<double> pop(16, 0.8), fundamental(0, 0.4);
  std::vector<Region> r(n);
  for (int i = 0; i < n; ++i) {
    r[i].index = i;
    r[i].id = r[i].name = "c" + std::to_string(i);
    r[i].province = "p" + std::to_string(i % provinces);
    r[i].lat = lat(rng);
    r[i].lon = lon(rng);
    r[i].area_km2 = 20000 + 200000 * u(rng);
    r[i].land_km2 = r[i].area_km2 * (0.01 + 0.05 * u(rng));
    r[i].population = r[i].registered = pop(rng);
    r[i].capital = 3.0 * r[i].population * (0.5 + u(rng));
    r[i].amenity = fundamental(rng);
    const double a = fundamental(rng);
    r[i].productivity = {a, a, a};
  }
  return r;
}

inline Scenario calibration_scenario() {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.solver.atol = 1e-12;
  return sc;
}

// `sc` with nothing that moves a calibrated baseline between epochs (g = g^L = κ = ρ = σ = δ_k = 0).
inline Scenario without_change(Scenario sc) {
  for (auto& s : sc.sectors) s.productivity_growth = 0;
  sc.population.growth = 0;
  sc.productivity.spillover = 0;
  sc.migration.conversion_rate = 0;
  sc.households.saving_rate = 0;
  sc.capital.depreciation = 0;
  return sc;
}

// Solve the model for `truth` and return the regions with its equilibrium as "observed" data
// and neutral fundamentals (productivity 1, amenity 1) to be calibrated.
inline std::vector<Region> observed_from(const Scenario& sc, const std::vector<Region>& truth) {
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, truth, nullptr));
  sim.solve();
  const auto out = sim.all_outcomes();
  std::vector<Region> data = truth;
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i].population = out[i].population;
    data[i].gdp = out[i].gdp;
    data[i].productivity = {1.0, 1.0, 1.0};
    data[i].amenity = 1.0;
  }
  return data;
}

// Calibrated fundamentals of all regions (CSV order, every rank): log Ā_i0 and log B_i.
struct Fundamentals {
  std::vector<double> log_productivity, log_amenity;
};
inline Fundamentals gather(Simulation& sim) {
  const auto& st = sim.state();
  std::vector<double> a, b;
  for (std::size_t j = 0; j < st.size(); ++j) {
    a.push_back(st.log_productivity[j * sim.scenario().num_sectors()]);
    b.push_back(std::log(st.amenity[j]));
  }
  Fundamentals f;
  sim.layout().allgather(a.data(), 1, f.log_productivity);
  sim.layout().allgather(b.data(), 1, f.log_amenity);
  return f;
}

}  // namespace regio::testing
