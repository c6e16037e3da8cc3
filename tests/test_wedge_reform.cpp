// capital_market `wedge_convergence` (docs/policies.md, MODEL.md §4 and §14): a reform that moves
// every region's log investment wedge log ζ_i toward the national mean. Analytic checks on the
// baseline built from history (whose ζ_i differ by province): a fraction of 0 is the baseline
// exactly; a fraction of 1 is, exactly, the same economy without wedges (ζ_i = 1 everywhere); the
// ramp's exponents. Runs at several -np (model_tests).
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <cmath>
#include <string>

#include "regio/distribute.hpp"
#include "regio/policy_schedule.hpp"
#include "regio/scenario.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

namespace regio {
namespace {

using testing::input_error;
using testing::world;

const std::string kHistory = std::string(REGIO_SOURCE_DIR) + "/inputs/china31/baseline-history.yaml";

Scenario history(const std::string& extra, int epochs = 3) {
  return parse_scenario("base: " + kHistory + "\nepochs: " + std::to_string(epochs) + "\n" + extra, "wedge-test.yaml",
                        ".");
}

struct WedgeRun {
  std::vector<std::vector<RegionOutcome>> regions;  // per epoch, all regions
  std::vector<std::vector<double>> capital;         // owned K at the start of each epoch
};

WedgeRun run(const Scenario& sc) {
  Simulation sim(world(), distribute_inputs(world(), sc, "auto"));
  WedgeRun r;
  for (int e = 0; e < sc.epochs; ++e) {
    r.capital.push_back(sim.state().capital);
    sim.solve();
    r.regions.push_back(sim.all_outcomes());
    if (e + 1 < sc.epochs) sim.advance();
  }
  return r;
}

// Exact equality of what the two runs solved (population, GDP, rents, capital).
void expect_identical(const WedgeRun& a, const WedgeRun& b) {
  ASSERT_EQ(a.regions.size(), b.regions.size());
  for (std::size_t e = 0; e < a.regions.size(); ++e) {
    EXPECT_EQ(a.capital[e], b.capital[e]) << "epoch " << e;
    for (std::size_t i = 0; i < a.regions[e].size(); ++i) {
      const auto &x = a.regions[e][i], &y = b.regions[e][i];
      EXPECT_EQ(x.population, y.population) << x.id << " epoch " << e;
      EXPECT_EQ(x.gdp, y.gdp) << x.id << " epoch " << e;
      EXPECT_EQ(x.capital_rent, y.capital_rent) << x.id << " epoch " << e;
    }
  }
}

// A policy that starts at an epoch changes how that epoch's solve is started (warm start), so
// exact comparisons are between runs with policies starting at the same epochs; against the run
// without any policy the agreement is the solver's (1e-9).
TEST(WedgeReform, FractionZeroIsTheBaselineByteForByte) {
  const Scenario base = history("");
  const std::string phi = std::to_string(base.capital.home_bias);
  const WedgeRun noop =
      run(history("policies:\n  - {kind: capital_market, epoch: 1, all: true, home_bias: " + phi + "}\n"));
  const WedgeRun zero =
      run(history("policies:\n  - {kind: capital_market, epoch: 1, all: true, wedge_convergence: 0}\n"));
  expect_identical(noop, zero);
  const WedgeRun none = run(base);
  for (std::size_t e = 0; e < none.regions.size(); ++e)
    for (std::size_t i = 0; i < none.regions[e].size(); ++i)
      EXPECT_NEAR(zero.regions[e][i].gdp / none.regions[e][i].gdp, 1, 1e-9) << none.regions[e][i].id;
}

TEST(WedgeReform, FractionOneIsTheEconomyWithoutWedges) {
  // From epoch 0: the reform at f = 1 against ζ_i = 1 written into every region at every epoch
  // (so that a wedge drift cannot bring them back); both with a policy starting at every epoch.
  std::string reform = "policies:\n  - {kind: capital_market, epoch: 0, all: true, wedge_convergence: 1}\n";
  std::string none = "policies:\n";
  for (int e = 0; e < 3; ++e) {
    none += "  - {kind: capital_market, epoch: " + std::to_string(e) + ", all: true, friction: 1}\n";
    if (e > 0)
      reform += "  - {kind: capital_market, epoch: " + std::to_string(e) + ", all: true, wedge_convergence: 0}\n";
  }
  const WedgeRun with_reform = run(history(reform));
  expect_identical(with_reform, run(history(none)));
  // ... and the wedges mattered: capital at epoch 1 differs from the baseline's.
  const WedgeRun base = run(history(""));
  double largest = 0;
  for (std::size_t j = 0; j < base.capital[1].size(); ++j)
    largest = std::max(largest, std::abs(with_reform.capital[1][j] / base.capital[1][j] - 1));
  EXPECT_GT(boost::mpi::all_reduce(world(), largest, boost::mpi::maximum<double>()), 1e-3);
}

TEST(WedgeReform, RampPhasesTheFractionIn) {
  const Scenario sc = history(
      "policies:\n  - {kind: capital_market, epoch: 1, all: true, wedge_convergence: 0.5, ramp: 4}\n"
      "  - {kind: capital_market, epoch: 2, all: true, wedge_convergence: 0.2}\n",
      8);
  Simulation sim(world(), distribute_inputs(world(), sc, "auto"));
  PolicySchedule schedule(sim.scenario(), sim.geography());
  const double expected[] = {1, 1 - 0.125, (1 - 0.25) * 0.8, (1 - 0.375) * 0.8, 0.5 * 0.8, 0.5 * 0.8};
  for (int e = 0; e < 6; ++e) EXPECT_DOUBLE_EQ(schedule.wedge_exponent_at(e), expected[e]) << "epoch " << e;
}

TEST(WedgeReform, KeysAreValidated) {
  auto err = [](const std::string& entry) { return input_error([&] { history("policies:\n" + entry + "\n"); }); };
  EXPECT_NE(err("  - {kind: capital_market, epoch: 1, tags: [west], wedge_convergence: 0.5}").find("is national"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: capital_market, epoch: 1, all: true, wedge_convergence: 1.5}").find("wedge_convergence"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: capital_market, epoch: 1, all: true, ramp: 3}").find("sets nothing"), std::string::npos);
  EXPECT_NE(err("  - {kind: capital_market, epoch: 1, all: true, wedge_convergence: 0.5, ramp: 2.5}").find("ramp"),
            std::string::npos);
}

}  // namespace
}  // namespace regio
