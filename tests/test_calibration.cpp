// Calibration (MODEL.md §6): round trip, staying at the data, decomposition invariance.
// Run by CTest at -np 1..4; every assertion holds on every rank.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <cmath>
#include <random>

#include "calibration_support.hpp"
#include "regio/calibration.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

using namespace regio;

using regio::testing::calibration_scenario;
using regio::testing::gather;
using regio::testing::observed_from;
using regio::testing::random_regions;
using regio::testing::without_change;
using regio::testing::world;

namespace {
// Calibrating the "observed" equilibrium of known fundamentals recovers them.
void expect_round_trip_recovers_fundamentals(const Scenario& sc) {
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
}  // namespace

TEST(Calibration, SyntheticRoundTripRecoversFundamentals) {
  expect_round_trip_recovers_fundamentals(calibration_scenario());
}

// With land and housing rents rebated to the stayers (MODEL.md §11), the amenity inversion
// solves the stayers' own-term fixed point: the fundamentals come back as well.
TEST(Calibration, SyntheticRoundTripWithStayersRecoversFundamentals) {
  Scenario sc = calibration_scenario();
  sc.households.land_income = "stayers";
  expect_round_trip_recovers_fundamentals(sc);
}

// A calibrated baseline with no change (g = g^L = κ = ρ = σ = δ_k = 0) stays at the data.
TEST(Calibration, CalibratedBaselineStaysAtTheData) {
  const Scenario sc = without_change(calibration_scenario());
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

// The calibration sees the same transport network as the run: with high-speed rail links in the
// scenario's network, the round trip still recovers the fundamentals (it did not while the
// inversion and its verification used great-circle distances alone).
TEST(Calibration, RoundTripWithATransportNetwork) {
  Scenario sc = calibration_scenario();
  const auto truth = random_regions(24, 6, 303);
  for (const auto& [a, b] : std::vector<std::pair<int, int>>{{0, 7}, {3, 19}, {7, 19}, {11, 22}}) {
    TransportLinkSpec l;
    l.from = truth[a].id, l.to = truth[b].id, l.mode = "high_speed_rail";
    l.from_index = a, l.to_index = b;
    sc.network_links.push_back(l);
  }
  const auto data = observed_from(sc, truth);
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  EXPECT_LT(rep.max_population_error, 1e-9);
  EXPECT_LT(rep.max_gdp_error, 1e-9);
  const auto f = gather(sim);
  for (std::size_t i = 0; i < truth.size(); ++i)
    EXPECT_NEAR(f.log_productivity[i], std::log(truth[i].productivity[0]), 1e-8) << truth[i].id;
}
