// Input–output links (MODEL.md §9), run by CTest at -np 1, 2, 3 and 4 with the model tests:
// ACR with intermediates, the accounting identities with gross output and value added,
// decomposition invariance, and all-zero shares = Part I bitwise. Every test is collective.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <random>

#include "regio/distribute.hpp"
#include "regio/simulation.hpp"
#include "synthetic_economy.hpp"
#include "test_support.hpp"

using namespace regio;

namespace {

using regio::testing::make_sim;
using regio::testing::rel;
using regio::testing::synthetic_regions;
using regio::testing::world;

// The China-2020 shares of inputs/china31/baseline-io.yaml (inputs/china-io/PROVENANCE.md).
Scenario china_io_scenario() {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.sectors[0].labor_share = 0.2973, sc.sectors[0].capital_share = 0.0167;
  sc.sectors[0].intermediate_shares = {0.1375, 0.1752, 0.0702};
  sc.sectors[1].labor_share = 0.1079, sc.sectors[1].capital_share = 0.1175;
  sc.sectors[1].intermediate_shares = {0.0456, 0.5475, 0.1558};
  sc.sectors[2].labor_share = 0.2681, sc.sectors[2].capital_share = 0.2052;
  sc.sectors[2].intermediate_shares = {0.0077, 0.1534, 0.3116};
  sc.migration.conversion_rate = 0.05;
  sc.population.growth = 0.01;
  sc.solver.atol = 1e-11;
  sc.validate("china-io");
  return sc;
}

}  // namespace

// MODEL.md §9's check: S = 1, ι = ι_11, labour only (α = 1 − ι), no housing, saving,
// agglomeration or migration; τ_nn and Ā unchanged: ŵ/P̂ = (π_nn'/π_nn)^(−1/(θ(1−ι))).
TEST(InputOutput, ACRFormulaWithIntermediatesHoldsForEveryRegion) {
  const double iota = 0.4, theta = 5.0;
  Scenario before = Scenario::defaults();
  before.regions = "<test>";
  before.sectors = {SectorParams{"goods", theta, 1.0 - iota, 0.0, 1.0, 0.0, 0.0, false}};
  before.sectors[0].intermediate_shares = {iota};
  before.households = {0.0, 0.0};
  before.migration.enabled = false;
  before.solver.atol = 1e-13;
  before.validate("acr-io");
  Scenario after = before;
  after.trade.border_cost = 1.1;  // only cross-province τ changes
  const auto regions = synthetic_regions(12, 4, 1, 11);
  auto a = make_sim(before, regions);
  auto b = make_sim(after, regions);
  EXPECT_EQ(a.system().block_size(), 3);  // log w, log P, log R
  a.solve();
  b.solve();
  const auto oa = a.all_outcomes(), ob = b.all_outcomes();
  double max_err = 0;
  for (std::size_t i = 0; i < oa.size(); ++i) {
    const double real_wage_change = (ob[i].wage / ob[i].price_index) / (oa[i].wage / oa[i].price_index);
    const double acr = std::pow(ob[i].own_trade_share / oa[i].own_trade_share, -1.0 / (theta * (1 - iota)));
    max_err = std::max(max_err, rel(real_wage_change, acr));
    EXPECT_NEAR(real_wage_change, acr, 1e-10 * acr) << "region " << oa[i].id;
  }
  if (world().rank() == 0) std::printf("ACR with intermediates: max relative error %.2e\n", max_err);
  EXPECT_GT(std::abs(ob[0].real_income_pc / oa[0].real_income_pc - 1.0), 1e-3);
  // Not the Part I formula: intermediates amplify the gains by 1/(1 − ι).
  const double part1 = std::pow(ob[0].own_trade_share / oa[0].own_trade_share, -1.0 / theta);
  EXPECT_GT(std::abs(part1 - (ob[0].wage / ob[0].price_index) / (oa[0].wage / oa[0].price_index)), 1e-4);
}

// Gross output = value added + intermediate use; Σ R = Σ X (Walras); GDP = income; P̄ = 1;
// Σ L = Σ R; labour market; over three epochs of the full model with China's shares.
TEST(InputOutput, AccountingIdentitiesHoldWithIntermediates) {
  const Scenario sc = china_io_scenario();
  auto sim = make_sim(sc, synthetic_regions(23, 6, 3, 3));
  const std::size_t S = sc.num_sectors();
  for (int epoch = 0; epoch < 3; ++epoch) {
    const auto st = sim.solve();
    EXPECT_LT(st.residual_norm, 1e-11);
    const auto all = sim.all_outcomes();
    double population = 0, registered = 0;
    for (const auto& o : all) {
      population += o.population, registered += o.registered;
      double e = 0;
      for (double x : o.employment) e += x;
      EXPECT_NEAR(e, o.population, 1e-9 * o.population) << "labor market of " << o.id;
      EXPECT_NEAR(o.gdp, o.income, 1e-9 * o.gdp) << "GDP = income in " << o.id;
      EXPECT_GT(o.intermediate_use, 0.0);
      EXPECT_NEAR(o.gross_output, o.gdp - sc.households.housing_share * o.income + o.intermediate_use,
                  1e-12 * o.gross_output)
          << "gross output = value added + intermediate use in " << o.id;
    }
    EXPECT_NEAR(population, registered, 1e-9 * registered);
    const auto& v = sim.system().view();
    double revenue = 0, spending = 0;
    for (double x : v.revenue) revenue += x;
    for (double x : v.expenditure) spending += x;
    double totals[2] = {revenue, spending}, global[2];
    MPI_Allreduce(totals, global, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    EXPECT_NEAR(global[0], global[1], 1e-9 * global[1]);
    EXPECT_NEAR(v.price_level, 1.0, 1e-10);
    // The unknowns P_is, R_is are the price indices and revenues at the solution.
    const auto& state = sim.state();
    for (std::size_t j = 0; j < state.size(); ++j)
      for (std::size_t s = 0; s < S; ++s) {
        EXPECT_NEAR(std::log(state.sector_price[j * S + s]), -std::log(v.phi[j * S + s]) / sc.sectors[s].theta, 1e-10);
        EXPECT_NEAR(state.gross_revenue[j * S + s], v.revenue[j * S + s], 1e-10 * v.revenue[j * S + s]);
      }
    sim.advance();
  }
}

// Two partitions of the provinces over the same ranks give the same equilibrium (CTest runs
// this at 1–4 ranks; io_run_np* compare a shipped scenario across rank counts).
TEST(InputOutput, DecompositionInvariance) {
  const Scenario sc = china_io_scenario();
  const auto regions = synthetic_regions(30, 10, 3, 13);
  auto comm = world();
  Decomposition dealt;
  dealt.source = "test:round-robin";
  dealt.ranks = comm.size();
  dealt.assignment.resize(comm.size());
  dealt.lines.assign(comm.size(), 0);
  for (int p = 9; p >= 0; --p) dealt.assignment[(9 - p) % comm.size()].push_back("p" + std::to_string(p));
  auto a = make_sim(sc, regions);
  auto b = make_sim(sc, regions, &dealt);
  double worst = 0;
  for (int epoch = 0; epoch < 2; ++epoch) {
    a.solve();
    b.solve();
    const auto oa = a.all_outcomes(), ob = b.all_outcomes();
    for (std::size_t i = 0; i < oa.size(); ++i)
      for (auto m : {&RegionOutcome::population, &RegionOutcome::wage, &RegionOutcome::land_rent, &RegionOutcome::gdp,
                     &RegionOutcome::gross_output, &RegionOutcome::price_index})
        worst = std::max(worst, rel(oa[i].*m, ob[i].*m));
    a.advance();
    b.advance();
  }
  EXPECT_LT(worst, 1e-9);
}

// All-zero intermediate shares are Part I exactly (the same code paths: bitwise).
TEST(InputOutput, ZeroSharesAreBitwisePartOne) {
  Scenario part1 = Scenario::defaults();
  part1.regions = "<test>";
  Scenario zeros = part1;
  for (auto& s : zeros.sectors) s.intermediate_shares = {0.0, 0.0, 0.0};
  zeros.validate("zeros");
  const auto regions = synthetic_regions(15, 5, 3, 21);
  auto a = make_sim(part1, regions);
  auto b = make_sim(zeros, regions);
  EXPECT_EQ(a.system().block_size(), b.system().block_size());
  a.solve();
  b.solve();
  const auto oa = a.all_outcomes(), ob = b.all_outcomes();
  for (std::size_t i = 0; i < oa.size(); ++i) {
    EXPECT_EQ(oa[i].wage, ob[i].wage);
    EXPECT_EQ(oa[i].gdp, ob[i].gdp);
    EXPECT_EQ(oa[i].population, ob[i].population);
  }
}
