// Calibration with input–output links (MODEL.md §6 with §9; docs/calibration.md): the round trip
// recovers the fundamentals, with synthetic shares and with China's 2020 shares
// (inputs/china31/baseline-io.yaml), and a calibrated baseline with no change stays at the data.
// Run by CTest at -np 1..4 with the model tests; every assertion holds on every rank.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <cstdio>

#include "calibration_support.hpp"
#include "regio/calibration.hpp"
#include "regio/distribute.hpp"
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

// Synthetic shares: every sector buys 0.1 of its gross output from each sector; labour and
// capital keep 70 % of their default shares (land the remainder, 70 % of its default).
Scenario synthetic_io_scenario() {
  Scenario sc = calibration_scenario();
  for (auto& s : sc.sectors) {
    s.labor_share *= 0.7, s.capital_share *= 0.7;
    s.intermediate_shares = {0.1, 0.1, 0.1};
  }
  sc.validate("synthetic-io");
  return sc;
}

// The China-2020 shares of inputs/china31/baseline-io.yaml (inputs/china-io/PROVENANCE.md).
Scenario china_io_calibration_scenario() {
  Scenario sc = calibration_scenario();
  sc.sectors[0].labor_share = 0.2973, sc.sectors[0].capital_share = 0.0167;
  sc.sectors[0].intermediate_shares = {0.1375, 0.1752, 0.0702};
  sc.sectors[1].labor_share = 0.1079, sc.sectors[1].capital_share = 0.1175;
  sc.sectors[1].intermediate_shares = {0.0456, 0.5475, 0.1558};
  sc.sectors[2].labor_share = 0.2681, sc.sectors[2].capital_share = 0.2052;
  sc.sectors[2].intermediate_shares = {0.0077, 0.1534, 0.3116};
  sc.validate("china-io");
  return sc;
}

// Solve for `truth`, calibrate from its equilibrium, and compare: productivity in levels,
// amenities after removing the population-weighted mean (the documented normalisation).
void round_trip(const Scenario& sc, const std::vector<Region>& truth, const char* label) {
  const auto data = observed_from(sc, truth);
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  EXPECT_TRUE(rep.amenities_identified);
  EXPECT_LT(rep.max_population_error, 1e-9);
  EXPECT_LT(rep.max_gdp_error, 1e-9);
  const auto f = gather(sim);
  double wsum = 0, true_mean = 0, cal_mean = 0, a_err = 0, b_err = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    wsum += data[i].population;
    true_mean += data[i].population * std::log(truth[i].amenity);
    cal_mean += data[i].population * f.log_amenity[i];
  }
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const double da = f.log_productivity[i] - std::log(truth[i].productivity[0]);
    const double db = (f.log_amenity[i] - cal_mean / wsum) - (std::log(truth[i].amenity) - true_mean / wsum);
    EXPECT_NEAR(da, 0.0, 1e-8) << truth[i].id;
    EXPECT_NEAR(db, 0.0, 1e-8) << truth[i].id;
    a_err = std::max(a_err, std::abs(da)), b_err = std::max(b_err, std::abs(db));
  }
  EXPECT_NEAR(cal_mean / wsum, 0.0, 1e-10);
  if (comm.rank() == 0)
    std::printf("%s round trip: productivity iterations %d, max |Δ log Ā| = %.2e, max |Δ log B| = %.2e\n", label,
                rep.productivity.nonlinear_iterations, a_err, b_err);
}

}  // namespace

TEST(CalibrationIO, SyntheticRoundTripRecoversFundamentals) {
  round_trip(synthetic_io_scenario(), random_regions(24, 6, 101), "synthetic ι");
}

TEST(CalibrationIO, RoundTripWithChinaSharesRecoversFundamentals) {
  round_trip(china_io_calibration_scenario(), random_regions(24, 6, 505), "China ι");
}

// A calibrated input–output baseline with no change (g = g^L = κ = ρ = σ = δ_k = 0) stays at the
// data: population and GDP (value added) for three epochs.
TEST(CalibrationIO, CalibratedBaselineStaysAtTheData) {
  const Scenario sc = without_change(china_io_calibration_scenario());
  auto data = random_regions(18, 5, 202);
  for (auto& r : data) r.gdp = 2e-4 * r.population * (0.5 + r.amenity);  // any positive GDP
  auto comm = world();
  Simulation sim(comm, distribute_regions(comm, sc, data, nullptr));
  const auto rep = calibrate(sim.scenario(), sim.layout(), sim.geography(), sim.state());
  EXPECT_LT(rep.max_population_error, 1e-8);
  EXPECT_LT(rep.max_gdp_error, 1e-8);
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
