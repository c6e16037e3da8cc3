// Calibration (MODEL.md §6): round trip, staying at the data, decomposition invariance.
// Run by CTest at -np 1..4; every assertion holds on every rank.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <cmath>
#include <random>

#include "regio/calibration.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

using namespace regio;

namespace {

using regio::testing::world;

std::vector<Region> random_regions(int n, int provinces, unsigned seed) {
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

Scenario calibration_scenario() {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.solver.atol = 1e-12;
  return sc;
}

// Solve the model for `truth` and return the regions with its equilibrium as "observed" data
// and neutral fundamentals (productivity 1, amenity 1) to be calibrated.
std::vector<Region> observed_from(const Scenario& sc, const std::vector<Region>& truth) {
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
Fundamentals gather(Simulation& sim) {
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

}  // namespace

TEST(Calibration, SyntheticRoundTripRecoversFundamentals) {
  const Scenario sc = calibration_scenario();
  const auto truth = random_regions(24, 6, 101);
  const auto data = observed_from(sc, truth);
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  EXPECT_TRUE(rep.amenities_identified);
  EXPECT_LT(rep.max_population_error, 1e-9);
  EXPECT_LT(rep.max_gdp_error, 1e-9);
  const auto f = gather(sim);
  // Productivity is identified in levels (the numeraire pins it); amenities up to a common
  // factor: compare log B after removing the population-weighted mean.
  double wsum = 0, true_mean = 0, cal_mean = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    EXPECT_NEAR(f.log_productivity[i], std::log(truth[i].productivity[0]), 1e-8) << truth[i].id;
    wsum += data[i].population;
    true_mean += data[i].population * std::log(truth[i].amenity);
    cal_mean += data[i].population * f.log_amenity[i];
  }
  for (std::size_t i = 0; i < truth.size(); ++i)
    EXPECT_NEAR(f.log_amenity[i] - cal_mean / wsum, std::log(truth[i].amenity) - true_mean / wsum, 1e-8) << truth[i].id;
  EXPECT_NEAR(cal_mean / wsum, 0.0, 1e-10);  // the documented normalisation
}

// A calibrated baseline with no change (g = g^L = κ = ρ = σ = δ_k = 0) stays at the data.
TEST(Calibration, CalibratedBaselineStaysAtTheData) {
  Scenario sc = calibration_scenario();
  for (auto& s : sc.sectors) s.productivity_growth = 0;
  sc.population.growth = 0;
  sc.productivity.spillover = 0;
  sc.migration.conversion_rate = 0;
  sc.households.saving_rate = 0;
  sc.capital.depreciation = 0;
  auto data = random_regions(18, 5, 202);
  for (auto& r : data) r.gdp = 2e-4 * r.population * (0.5 + r.amenity);  // any positive GDP
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  for (int epoch = 0; epoch < 3; ++epoch) {
    sim.solve();
    const auto out = sim.all_outcomes();
    for (std::size_t i = 0; i < data.size(); ++i) {
      EXPECT_NEAR(out[i].population / data[i].population, 1.0, 1e-8) << data[i].id << " epoch " << epoch;
      EXPECT_NEAR(out[i].gdp / data[i].gdp, 1.0, 1e-8) << data[i].id << " epoch " << epoch;
    }
    sim.advance();
  }
}

TEST(Calibration, IsDecompositionInvariant) {
  const Scenario sc = calibration_scenario();
  const auto data = observed_from(sc, random_regions(20, 7, 303));
  auto comm = world();
  Decomposition dealt;
  dealt.source = "test:round-robin";
  dealt.ranks = comm.size();
  dealt.assignment.resize(comm.size());
  dealt.lines.assign(comm.size(), 0);
  for (int p = 6; p >= 0; --p) dealt.assignment[(6 - p) % comm.size()].push_back("p" + std::to_string(p));
  Simulation a(comm, distribute_regions(comm, sc, data, nullptr));
  Simulation b(comm, distribute_regions(comm, sc, data, &dealt));
  calibrate(a.scenario(), a.layout(), a.geography(), a.state());
  calibrate(b.scenario(), b.layout(), b.geography(), b.state());
  const auto fa = gather(a), fb = gather(b);
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_NEAR(fa.log_productivity[i], fb.log_productivity[i], 1e-9) << data[i].id;
    EXPECT_NEAR(fa.log_amenity[i], fb.log_amenity[i], 1e-9) << data[i].id;
  }
}

TEST(Calibration, MismatchedRegisteredTotalIsAnInputError) {
  const Scenario sc = calibration_scenario();
  auto data = random_regions(8, 3, 404);
  for (auto& r : data) r.gdp = 1e-4 * r.population;
  data[0].registered *= 1.5;
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  EXPECT_THROW(calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state()), InputError);
}
