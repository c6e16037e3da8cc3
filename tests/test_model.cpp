// Model-level tests (MODEL.md §8), run by CTest at -np 1, 2, 3 and 4. Every test is collective:
// all ranks build the same simulation and every assertion is checked on every rank.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <boost/mpi/communicator.hpp>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/layout.hpp"
#include "regio/simulation.hpp"
#include "synthetic_economy.hpp"
#include "test_support.hpp"

using namespace regio;

namespace {

using regio::testing::acr_scenario;
using regio::testing::make_sim;
using regio::testing::rel;
using regio::testing::synthetic_regions;
using regio::testing::world;

}  // namespace

TEST(Model, ZeroSharesDropMarkets) {
  const Scenario sc = acr_scenario();
  auto sim = make_sim(sc, synthetic_regions(9, 3, 1, 7));
  EXPECT_EQ(sim.system().block_size(), 1);  // only the labor market, no migration unknown
  const auto st = sim.solve();
  EXPECT_LT(st.residual_norm, 1e-12);
  for (const auto& o : sim.all_outcomes()) {
    EXPECT_EQ(o.capital_rent, 1.0);  // placeholders of markets that do not exist
    EXPECT_EQ(o.land_rent, 1.0);
    EXPECT_NEAR(o.income, o.wage * o.population, 1e-12 * o.income);  // unused factors earn nothing
  }
}

// ACR (2012): with the setting above, every region's real-wage change after a trade-cost change
// that leaves τ_nn unchanged equals (π_nn'/π_nn)^(−1/θ).
TEST(Model, ACRFormulaHoldsForEveryRegion) {
  auto change = regio::testing::solved_acr_change();
  const auto oa = change.before.all_outcomes(), ob = change.after.all_outcomes();
  const double theta = change.theta;
  double max_err = 0;
  for (std::size_t i = 0; i < oa.size(); ++i) {
    const double real_wage_change = (ob[i].wage / ob[i].price_index) / (oa[i].wage / oa[i].price_index);
    const double acr = std::pow(ob[i].own_trade_share / oa[i].own_trade_share, -1.0 / theta);
    max_err = std::max(max_err, rel(real_wage_change, acr));
    EXPECT_NEAR(real_wage_change, acr, 1e-10 * acr) << "region " << oa[i].id;
  }
  // The change is not trivial: lower border costs move real wages by more than the tolerance.
  EXPECT_GT(std::abs(ob[0].real_income_pc / oa[0].real_income_pc - 1.0), 1e-3);
}

// Identical regions evenly spaced on the equator (a ring) have a symmetric equilibrium, with the
// full model: three sectors, housing, saving, agglomeration, migration and hukou conversion.
TEST(Model, SymmetricRingHasSymmetricEquilibrium) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.solver.atol = 1e-12;
  const int n = 8;
  std::vector<Region> ring(n);
  for (int i = 0; i < n; ++i) {
    auto& r = ring[i];
    r.index = i;
    r.id = r.name = "ring" + std::to_string(i);
    r.province = "prov" + std::to_string(i);
    r.lat = 0;
    r.lon = -180 + 360.0 * i / n;
    r.area_km2 = 50000;
    r.land_km2 = 2000;
    r.registered = 1e7;
    r.population = 1e7 * (1 + 0.2 * std::sin(i));  // an asymmetric initial guess
    r.capital = 3e7;
    r.productivity = {1.0, 1.0, 1.0};
  }
  auto sim = make_sim(sc, ring);
  for (int epoch = 0; epoch < 3; ++epoch) {
    sim.solve();
    const auto all = sim.all_outcomes();
    for (const auto& o : all) {
      EXPECT_NEAR(o.population, all[0].population, 1e-9 * all[0].population) << o.id << " epoch " << epoch;
      EXPECT_NEAR(o.wage, all[0].wage, 1e-9 * all[0].wage) << o.id;
      EXPECT_NEAR(o.capital_rent, all[0].capital_rent, 1e-9 * all[0].capital_rent) << o.id;
      EXPECT_NEAR(o.land_rent, all[0].land_rent, 1e-9 * all[0].land_rent) << o.id;
      EXPECT_NEAR(o.utility, all[0].utility, 1e-9 * all[0].utility) << o.id;
      EXPECT_NEAR(o.registered, all[0].registered, 1e-9 * all[0].registered) << o.id;
    }
    EXPECT_NEAR(all[0].population, 1e7 * std::pow(1 + sc.population.growth, epoch), 1e-9 * 1e7);
    sim.advance();
  }
}

// Accounting identities at a solution (MODEL.md §2, §8) on an asymmetric economy.
TEST(Model, AccountingIdentitiesHold) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.migration.conversion_rate = 0.05;
  sc.population.growth = 0.01;
  const auto regions = synthetic_regions(23, 6, 3, 3);
  auto sim = make_sim(sc, regions);
  double registered0 = 0;
  for (const auto& r : regions) registered0 += r.registered;
  for (int epoch = 0; epoch < 3; ++epoch) {
    sim.solve();
    const auto all = sim.all_outcomes();
    const auto agg = sim.aggregates(all);
    double registered = 0, employment = 0, population = 0;
    for (const auto& o : all) {
      registered += o.registered;
      population += o.population;
      double e = 0;
      for (double x : o.employment) e += x;
      employment += e;
      EXPECT_NEAR(e, o.population, 1e-9 * o.population) << "labor market of " << o.id;
      EXPECT_NEAR(o.gdp, o.income, 1e-9 * o.gdp) << "GDP = income in " << o.id;
      EXPECT_NEAR(o.population - o.migrants_in, o.registered - o.migrants_out, 1e-9 * o.population)
          << "stayers counted twice differently in " << o.id;
    }
    // Σ L = Σ R, and Σ R grows exactly at g^L whatever the hukou conversions.
    EXPECT_NEAR(population, registered, 1e-9 * registered);
    EXPECT_NEAR(registered, registered0 * std::pow(1 + sc.population.growth, epoch), 1e-9 * registered);
    EXPECT_NEAR(agg.population, population, 1e-6);
    // Walras: Σ_i Σ_s R_is = Σ_n Σ_s X_ns, and the numeraire P̄ = 1.
    const auto& v = sim.system().view();
    double revenue = 0, spending = 0, trade_share_error = 0;
    for (double x : v.revenue) revenue += x;
    for (double x : v.expenditure) spending += x;
    double totals[2] = {revenue, spending}, global[2];
    MPI_Allreduce(totals, global, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    EXPECT_NEAR(global[0], global[1], 1e-9 * global[1]);
    EXPECT_NEAR(v.price_level, 1.0, 1e-10);
    // Σ_i π_nis = 1 for every owned destination n and sector s.
    const std::size_t S = sc.num_sectors(), N = sim.num_regions();
    for (std::size_t j = 0; j < sim.state().size(); ++j)
      for (std::size_t s = 0; s < S; ++s) {
        double sum = 0;
        const double* row = sim.system().results().trade_row(s, j);
        for (std::size_t k = 0; k < N; ++k) sum += row[k] * v.price_pow_all[k * S + s];
        trade_share_error = std::max(trade_share_error, std::abs(sum / v.phi[j * S + s] - 1.0));
      }
    EXPECT_LT(trade_share_error, 1e-13);
    EXPECT_GT(agg.migrant_share, 0.0);
    EXPECT_LT(agg.interprovincial_migrant_share, agg.migrant_share);
    EXPECT_LT(agg.interprovincial_trade_share, agg.internal_trade_share);
    sim.advance();
  }
}

TEST(Model, MigrationOffKeepsPopulationAtRegistered) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.migration.enabled = false;
  auto sim = make_sim(sc, synthetic_regions(10, 3, 3, 5));
  for (int epoch = 0; epoch < 2; ++epoch) {
    sim.solve();
    for (const auto& o : sim.all_outcomes()) {
      EXPECT_EQ(o.population, o.registered) << o.id;
      EXPECT_EQ(o.migrants_in, 0.0);
      EXPECT_EQ(o.migrants_out, 0.0);
    }
    sim.advance();
  }
}

// Results do not depend on the decomposition: two different partitions of the provinces over
// the same ranks, compared region by region (the CTest runs compare across rank counts too).
TEST(Model, DecompositionInvariance) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  const auto regions = synthetic_regions(30, 10, 3, 13);
  auto comm = world();
  Decomposition dealt;  // provinces dealt round robin, in reverse order
  dealt.source = "test:round-robin";
  dealt.ranks = comm.size();
  dealt.assignment.resize(comm.size());
  dealt.lines.assign(comm.size(), 0);
  for (int p = 9; p >= 0; --p) dealt.assignment[(9 - p) % comm.size()].push_back("p" + std::to_string(p));
  auto a = make_sim(sc, regions);
  auto b = make_sim(sc, regions, &dealt);
  for (int epoch = 0; epoch < 3; ++epoch) {
    a.solve();
    b.solve();
    const auto oa = a.all_outcomes(), ob = b.all_outcomes();
    for (std::size_t i = 0; i < oa.size(); ++i) {
      EXPECT_LT(rel(oa[i].population, ob[i].population), 1e-9) << oa[i].id;
      EXPECT_LT(rel(oa[i].wage, ob[i].wage), 1e-9) << oa[i].id;
      EXPECT_LT(rel(oa[i].land_rent, ob[i].land_rent), 1e-9) << oa[i].id;
      EXPECT_LT(rel(oa[i].capital, ob[i].capital), 1e-9) << oa[i].id;
      EXPECT_LT(rel(oa[i].registered, ob[i].registered), 1e-9) << oa[i].id;
    }
    const auto ga = a.aggregates(oa), gb = b.aggregates(ob);
    EXPECT_LT(rel(ga.gdp, gb.gdp), 1e-9);
    EXPECT_LT(rel(ga.theil, gb.theil), 1e-9);
    a.advance();
    b.advance();
  }
}

// Warm-started epochs converge within a bounded number of Newton steps (a range, not exact).
TEST(Model, IterationCountsWithinRange) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  auto sim = make_sim(sc, synthetic_regions(40, 8, 3, 17));
  const auto cold = sim.solve();
  EXPECT_GE(cold.nonlinear_iterations, 1);
  EXPECT_LE(cold.nonlinear_iterations, 15);
  sim.advance();
  const auto warm = sim.solve();
  EXPECT_LE(warm.nonlinear_iterations, 10);
  EXPECT_LE(warm.residual_evaluations, 80);
}

// A solver that is not allowed enough iterations fails loudly on every rank.
TEST(Model, NonConvergenceIsAnErrorOnEveryRank) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.solver.max_iterations = 1;
  auto sim = make_sim(sc, synthetic_regions(12, 4, 3, 19));
  try {
    sim.solve();
    ADD_FAILURE() << "expected SolverError";
  } catch (const SolverError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("did not converge"), std::string::npos) << msg;
    EXPECT_NE(msg.find("DIVERGED_MAX_IT"), std::string::npos) << msg;
    EXPECT_NE(msg.find("largest residuals in regions r"), std::string::npos) << msg;
  }
}

// Scaling Ā to observed GDP is exact (MODEL.md §6): GDP matches, shares and P̄ unchanged.
TEST(Model, ScaleToObservedGdpIsExact) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  auto regions = synthetic_regions(15, 5, 3, 23);
  double observed = 0;
  for (auto& r : regions) observed += (r.gdp = 1e-4 * r.population);
  auto plain = make_sim(sc, regions);
  sc.scale_to_observed_gdp = true;
  auto scaled = make_sim(sc, regions);
  plain.solve();
  scaled.solve();
  const auto a = plain.all_outcomes(), b = scaled.all_outcomes();
  double gdp = 0;
  for (const auto& o : b) gdp += o.gdp;
  EXPECT_NEAR(gdp, observed, 1e-10 * observed);
  const double c = b[0].wage / a[0].wage;
  EXPECT_GT(std::abs(c - 1), 1e-3);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(rel(a[i].population, b[i].population), 1e-10) << a[i].id;
    EXPECT_LT(rel(a[i].own_trade_share, b[i].own_trade_share), 1e-10) << a[i].id;
    EXPECT_LT(rel(a[i].price_index, b[i].price_index), 1e-10) << a[i].id;
    EXPECT_LT(rel(b[i].gdp / a[i].gdp, c), 1e-10) << a[i].id;
  }
}

// The level scaling is a symmetry of the national residual in logs at every point, not only at
// the solution: G(x + log c on the prices; c Ā) = G(x; Ā). So its Jacobian is unchanged, and the
// Krylov pairs carried from the solve before the scaling stay valid after it
// (NationalSystem::scale_level moves only their recorded point).
TEST(Model, ScaleToObservedGdpLeavesTheResidualUnchangedEverywhere) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  auto regions = synthetic_regions(15, 5, 3, 23);
  for (auto& r : regions) r.gdp = 1e-4 * r.population;
  auto plain = make_sim(sc, regions);
  sc.scale_to_observed_gdp = true;
  auto scaled = make_sim(sc, regions);
  plain.solve();
  scaled.solve();
  const double c = std::exp(scaled.state().log_productivity[0] - plain.state().log_productivity[0]);
  ASSERT_GT(std::abs(std::log(c)), 0.5);
  // Away from the equilibrium: every price and population moved by its own few per cent.
  for (std::size_t j = 0; j < plain.state().size(); ++j) {
    for (int f = 0; f < 3; ++f) {
      const double move = std::exp(0.05 * std::sin(double(7 * j + f + 1)));
      plain.state().prices[j][f] *= move;
      scaled.state().prices[j][f] = plain.state().prices[j][f] * c;
    }
    plain.state().population[j] *= std::exp(0.03 * std::cos(double(j + 2)));
    scaled.state().population[j] = plain.state().population[j];
  }
  const auto a = plain.system().residual_at_state(), b = scaled.system().residual_at_state();
  ASSERT_EQ(a.size(), b.size());
  double largest = 0;
  for (double g : a) largest = std::max(largest, std::abs(g));
  EXPECT_GT(largest, 1e-3);  // really away from the solution
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-12) << k;
}

// Stored and on-the-fly kernels are the same numbers, so the results are bitwise identical.
TEST(Model, OnTheFlyKernelsMatchStoredBitwise) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.sectors[0].theta = 6.0;  // two kernel groups: θ = 6 and θ = 4
  const auto regions = synthetic_regions(21, 5, 3, 29);
  sc.solver.kernels = "stored";
  auto a = make_sim(sc, regions);
  sc.solver.kernels = "on_the_fly";
  auto b = make_sim(sc, regions);
  EXPECT_EQ(a.system().kernels().rows().storage(), KernelRows::Storage::Stored);
  EXPECT_EQ(b.system().kernels().rows().storage(), KernelRows::Storage::OnTheFly);
  EXPECT_EQ(a.system().kernels().rows().groups(), 2u);
  for (int epoch = 0; epoch < 2; ++epoch) {
    a.solve();
    b.solve();
    const auto oa = a.all_outcomes(), ob = b.all_outcomes();
    for (std::size_t i = 0; i < oa.size(); ++i) {
      EXPECT_EQ(oa[i].population, ob[i].population) << oa[i].id;
      EXPECT_EQ(oa[i].wage, ob[i].wage) << oa[i].id;
      EXPECT_EQ(oa[i].gdp, ob[i].gdp) << oa[i].id;
      EXPECT_EQ(oa[i].own_trade_share, ob[i].own_trade_share) << oa[i].id;
    }
    a.advance();
    b.advance();
  }
}

// The 21-region synthetic economy of the warm-start tests, started as `order` says.
Simulation warm_start_sim(int order) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  sc.solver.warm_start_order = order;
  return make_sim(sc, synthetic_regions(21, 5, 3, 29));
}

// Warm starts (solver.warm_start_order): an epoch starts from the last solution plus the
// extrapolated trend, exactly: nothing after epochs 0 and 1 (the step from the data year is not
// a trend), then the polynomial through as many of the last solutions as the order and the trend
// allow (linear after epoch 2, quadratic after 3, cubic after 4); a policy taking effect ends the
// trend. The equilibrium does not depend on the start (the same results as from the last
// solution, to the solver's tolerance).
TEST(Model, WarmStartsExtrapolateTheTrendOfTheLastEpochs) {
  auto plain = warm_start_sim(0);
  const double coefficients[3][3] = {{1, 0, 0}, {2, -1, 0}, {3, -3, 1}};
  for (int order : {1, 2, 3}) {
    auto sim = warm_start_sim(order);
    std::vector<std::vector<double>> solved;
    for (int epoch = 0; epoch < 7; ++epoch) {
      sim.solve();
      if (order == 3) plain.solve();
      solved.push_back(sim.system().current_unknowns());
      if (order == 3) {
        const auto a = sim.all_outcomes(), b = plain.all_outcomes();
        for (std::size_t i = 0; i < a.size(); ++i) {
          EXPECT_NEAR(a[i].population / b[i].population, 1.0, 1e-9) << "epoch " << epoch << " " << a[i].id;
          EXPECT_NEAR(a[i].wage / b[i].wage, 1.0, 1e-9) << "epoch " << epoch << " " << a[i].id;
        }
        plain.advance();
        EXPECT_EQ(plain.system().warm_start_guess(), plain.system().current_unknowns());
      }
      sim.advance();
      const auto now = sim.system().current_unknowns(), guess = sim.system().warm_start_guess();
      ASSERT_EQ(guess.size(), now.size());
      // Steps Δx since epoch 1 (the step from epoch 0 is not a trend), newest first.
      const int used = std::min(order, std::max(0, epoch - 1));
      bool moved = false;
      for (std::size_t k = 0; k < now.size(); ++k) {
        double shift = 0;
        for (int i = 0; i < used; ++i)
          shift += coefficients[used - 1][i] * (solved[epoch - i][k] - solved[epoch - i - 1][k]);
        ASSERT_EQ(guess[k], now[k] + shift) << "order " << order << ", after epoch " << epoch << ", unknown " << k;
        moved |= guess[k] != now[k];
      }
      EXPECT_EQ(moved, epoch >= 2) << "order " << order << ", epoch " << epoch;
    }
    // A policy taking effect (Simulation invalidates the carried solver state) ends the trend.
    sim.system().forget_carried_state();
    EXPECT_EQ(sim.system().warm_start_guess(), sim.system().current_unknowns());
  }
}

// The starting residual each epoch reports (solver.csv initial_residual_norm): with the trend
// extrapolated, epochs after the first few start much closer to their solution than from the
// last one; epochs 0–2 start from the same point either way.
TEST(Model, ExtrapolatedWarmStartsStartCloserToTheSolution) {
  auto plain = warm_start_sim(0), trend = warm_start_sim(3);
  for (int epoch = 0; epoch < 8; ++epoch) {
    const auto a = plain.solve(), b = trend.solve();
    EXPECT_GT(a.initial_residual_norm, a.residual_norm) << epoch;
    if (epoch <= 2)
      EXPECT_NEAR(b.initial_residual_norm, a.initial_residual_norm, 1e-9 * a.initial_residual_norm) << epoch;
    if (epoch >= 3) EXPECT_LT(b.initial_residual_norm, 0.25 * a.initial_residual_norm) << epoch;
    std::printf("epoch %d: ||G(x0)|| %.3e from the last solution, %.3e extrapolated\n", epoch, a.initial_residual_norm,
                b.initial_residual_norm);
    plain.advance();
    trend.advance();
  }
}

// Single-precision kernel rows: stored (floats) and on the fly (rounded doubles) give bitwise
// the same results, and they differ from double precision only at float round-off.
TEST(Model, SinglePrecisionKernelsAreConsistentAndCloseToDouble) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  const auto regions = synthetic_regions(21, 5, 3, 29);
  sc.solver.kernels = "stored";
  auto d = make_sim(sc, regions);
  sc.solver.kernel_precision = "single";
  auto a = make_sim(sc, regions);
  sc.solver.kernels = "on_the_fly";
  auto b = make_sim(sc, regions);
  EXPECT_TRUE(a.system().kernels().rows().single());
  EXPECT_EQ(a.system().kernels().rows().storage(), KernelRows::Storage::Stored);
  EXPECT_EQ(b.system().kernels().rows().storage(), KernelRows::Storage::OnTheFly);
  EXPECT_EQ(a.system().kernel_bytes_per_residual() * 2, d.system().kernel_bytes_per_residual());
  double largest = 0;
  for (int epoch = 0; epoch < 2; ++epoch) {
    a.solve();
    b.solve();
    d.solve();
    const auto oa = a.all_outcomes(), ob = b.all_outcomes(), od = d.all_outcomes();
    for (std::size_t i = 0; i < oa.size(); ++i) {
      EXPECT_EQ(oa[i].population, ob[i].population) << oa[i].id;
      EXPECT_EQ(oa[i].wage, ob[i].wage) << oa[i].id;
      EXPECT_EQ(oa[i].gdp, ob[i].gdp) << oa[i].id;
      for (double r : {oa[i].population / od[i].population, oa[i].wage / od[i].wage, oa[i].gdp / od[i].gdp}) {
        EXPECT_NEAR(r, 1.0, 1e-5) << oa[i].id;
        largest = std::max(largest, std::abs(r - 1));
      }
    }
    a.advance();
    b.advance();
    d.advance();
  }
  EXPECT_GT(largest, 0.0);  // the rows really were rounded
}

// The province-aggregate coarse correction (solver.province_coarse) changes the path, not the
// equilibrium, and saves residual evaluations where provinces have several regions.
TEST(Model, ProvinceCoarseCorrectionSavesEvaluationsNotAccuracy) {
  for (bool migration : {true, false}) {  // with the per-region blocks, and alone (blocks = I)
    Scenario sc = Scenario::defaults();
    sc.regions = "<test>";
    sc.migration.enabled = migration;
    const auto regions = synthetic_regions(120, 6, 3, 41);
    auto with = make_sim(sc, regions);
    sc.solver.province_coarse = false;
    auto without = make_sim(sc, regions);
    int evals_with = 0, evals_without = 0;
    for (int epoch = 0; epoch < 3; ++epoch) {
      evals_with += with.solve().residual_evaluations;
      evals_without += without.solve().residual_evaluations;
      const auto a = with.all_outcomes(), b = without.all_outcomes();
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_LT(rel(a[i].population, b[i].population), 1e-9) << a[i].id;
        EXPECT_LT(rel(a[i].wage, b[i].wage), 1e-9) << a[i].id;
        EXPECT_LT(rel(a[i].land_rent, b[i].land_rent), 1e-9) << a[i].id;
      }
      with.advance();
      without.advance();
    }
    std::printf("migration %s: residual evaluations over 3 epochs: %d with the coarse correction, %d without\n",
                migration ? "on" : "off", evals_with, evals_without);
    EXPECT_LT(evals_with, evals_without) << "migration " << migration;
  }
}

// The coarse correction is probed once (second Newton step of the first solve) and kept from
// epoch to epoch, unless a linear solve needs more than solver.province_coarse_refresh Krylov
// iterations; refresh 0 probes it in every solve (4 more residual evaluations each). Same
// equilibrium either way.
TEST(Model, ProvinceCoarseCorrectionIsKeptAcrossEpochs) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  const auto regions = synthetic_regions(120, 6, 3, 41);
  sc.solver.province_coarse_refresh = 1000;  // never stale
  auto kept = make_sim(sc, regions);
  sc.solver.province_coarse_refresh = 0;
  auto fresh = make_sim(sc, regions);
  EXPECT_FALSE(kept.system().preconditioner().coarse_ready());
  std::vector<double> first_rows;
  int evals_kept = 0, evals_fresh = 0;
  for (int epoch = 0; epoch < 3; ++epoch) {
    evals_kept += kept.solve().residual_evaluations;
    evals_fresh += fresh.solve().residual_evaluations;
    ASSERT_TRUE(kept.system().preconditioner().coarse_ready());
    ASSERT_TRUE(fresh.system().preconditioner().coarse_ready());
    const auto rows = kept.system().preconditioner().coarse_rows(),
               fresh_rows = fresh.system().preconditioner().coarse_rows();
    ASSERT_EQ(rows.size(),
              kept.state().size() * static_cast<std::size_t>(kept.system().preconditioner().coarse_width()));
    if (epoch == 0) {
      first_rows = rows;
      EXPECT_EQ(rows, fresh_rows);  // the same probe in the first solve
    } else {
      EXPECT_EQ(rows, first_rows) << "epoch " << epoch << ": probed again although never stale";
      EXPECT_NE(fresh_rows, first_rows) << "epoch " << epoch << ": refresh 0 must probe in every solve";
    }
    const auto a = kept.all_outcomes(), b = fresh.all_outcomes();
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_LT(rel(a[i].population, b[i].population), 1e-9) << a[i].id;
      EXPECT_LT(rel(a[i].wage, b[i].wage), 1e-9) << a[i].id;
    }
    kept.advance();
    fresh.advance();
  }
  std::printf("residual evaluations over 3 epochs: %d with the coarse correction kept, %d probed in every solve\n",
              evals_kept, evals_fresh);
  // A far start (RMS of G(x0) > 0.5 log units) drops it: productivity doubled in every other
  // region moves the solution far from where Ã was probed.
  for (std::size_t j = 0; j < kept.state().size(); ++j)
    if (kept.state().records[j].index % 2 == 0)
      for (std::size_t s = 0; s < sc.num_sectors(); ++s)
        kept.state().log_productivity[j * sc.num_sectors() + s] += std::log(2.0) * 3;
  kept.solve();
  ASSERT_TRUE(kept.system().preconditioner().coarse_ready());
  EXPECT_NE(kept.system().preconditioner().coarse_rows(), first_rows) << "a far start must probe it afresh";
}

// The numeraire first (NationalSystem::put_price_level_right): a start whose price level is
// off — every price × e³, as a guess in yuan instead of the numeraire's units is — is put right
// with one residual evaluation more instead of the Newton steps it costs otherwise (China-31:
// 26 instead of 15), and converges to the same equilibrium.
TEST(Model, PriceLevelIsPutRightBeforeNewton) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  const auto regions = synthetic_regions(120, 6, 3, 41);
  auto plain = make_sim(sc, regions), shifted = make_sim(sc, regions);
  for (auto& p : shifted.state().prices)
    p.wage *= std::exp(3.0), p.capital_rent *= std::exp(3.0), p.land_rent *= std::exp(3.0);
  const int evals_plain = plain.solve().residual_evaluations, evals_shifted = shifted.solve().residual_evaluations;
  std::printf("residual evaluations from the guess: %d; from the guess x e^3: %d\n", evals_plain, evals_shifted);
  EXPECT_LE(evals_shifted, evals_plain + 1);
  const auto a = plain.all_outcomes(), b = shifted.all_outcomes();
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(rel(a[i].wage, b[i].wage), 1e-9) << a[i].id;
    EXPECT_LT(rel(a[i].population, b[i].population), 1e-9) << a[i].id;
  }
}

// The initial guess pays the factors their shares of observed GDP when every region has one,
// and of a uniform wage (w = 1) otherwise: a single region without GDP, on any rank, makes it
// w = 1 everywhere (a mix would start the regions at unrelated price levels).
TEST(Model, InitialGuessUsesObservedGdpOnlyWhenEveryRegionHasIt) {
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  auto regions = synthetic_regions(40, 4, 3, 17);
  for (auto& r : regions) r.gdp = 0.001 * r.population;
  auto with = make_sim(sc, regions);
  double labor = 0;  // Σ_s η_s α_s
  for (const auto& sector : sc.sectors) labor += sector.consumption_share * sector.labor_share;
  for (std::size_t j = 0; j < with.state().size(); ++j) {
    const auto& r = with.state().records[j];
    const double revenue = (1 - sc.households.housing_share) * r.gdp;  // (1 − δ_h) Y
    EXPECT_NEAR(with.state().prices[j].wage / (labor * revenue / r.population), 1.0, 1e-12) << r.id;
  }
  regions[regions.size() - 1].gdp = 0;  // owned by one rank only
  auto without = make_sim(sc, regions);
  for (std::size_t j = 0; j < without.state().size(); ++j) EXPECT_NEAR(without.state().prices[j].wage, 1.0, 1e-12);
}

// The residual's column sums (market access, migrant inflows) are added over the ranks by
// Layout::reduce_sum: every rank's contribution to every region reaches that region's owner.
// Integer-valued contributions are exact in any order of addition; the owner map interleaves
// the ranks, so the CSV -> rank-major permutation is exercised, and the columns come back as
// rows of the owned regions.
TEST(Layout, ReduceSumDeliversEveryRegionsTotalToItsOwner) {
  boost::mpi::communicator world;
  const int P = world.size();
  const std::size_t N = 23;
  const int width = 3;
  std::vector<int> owners(N);
  for (std::size_t i = 0; i < N; ++i) owners[i] = static_cast<int>((i * 7) % static_cast<std::size_t>(P));
  regio::Layout layout(world, owners);
  std::vector<double> columns(N * width);  // column c, region i at c·N + i
  for (std::size_t i = 0; i < N; ++i)
    for (int c = 0; c < width; ++c) columns[c * N + i] = (world.rank() + 1) * 1000.0 + 10.0 * i + c;
  std::vector<double> owned(layout.num_owned() * width, -1.0);
  layout.reduce_sum(columns, width, owned.data());
  for (int j = 0; j < layout.num_owned(); ++j) {
    const auto i = static_cast<double>(layout.owned()[j]);
    for (int c = 0; c < width; ++c)
      EXPECT_EQ(owned[j * width + c], 1000.0 * P * (P + 1) / 2 + P * (10.0 * i + c))
          << "region " << i << " column " << c;
  }
}
