// Welfare split into channels (welfare_terms.hpp, docs/welfare.md) at 1–4 ranks: in the ACR
// setting of MODEL.md §8 a trade-cost change moves the trade channel by −(1/θ) Δ log π_nn and
// nothing else; in the full model (three sectors, capital, land and housing, agglomeration,
// migration with hukou conversion, fiscal transfers) every region's channels add up to its
// welfare, and the national change between two runs adds up from the channels and the
// composition term to the change of aggregates.csv's welfare.
#include <gtest/gtest.h>

#include <boost/mpi/collectives.hpp>
#include <cmath>

#include "regio/scenario.hpp"
#include "regio/simulation.hpp"
#include "regio/welfare_terms.hpp"
#include "synthetic_economy.hpp"
#include "test_support.hpp"

using namespace regio;
using regio::testing::make_sim;
using regio::testing::synthetic_regions;
using regio::testing::world;

namespace {

// Every region's terms, on every rank (rank order: the same in two runs of one decomposition).
std::vector<WelfareTerms> all_terms(const Simulation& sim) {
  std::vector<std::vector<WelfareTerms>> parts;
  boost::mpi::all_gather(world(), sim.local_welfare_terms(), parts);
  std::vector<WelfareTerms> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

double largest_closure(const std::vector<WelfareTerms>& terms) {
  double worst = 0;
  for (const auto& t : terms) worst = std::max(worst, std::abs(t.welfare - channel_sum(t)) / (1 + std::abs(t.welfare)));
  return worst;
}

}  // namespace

TEST(Welfare, ACRPutsEverythingInTheTradeTerm) {
  auto change = regio::testing::solved_acr_change();
  const auto ta = change.before.local_welfare_terms(), tb = change.after.local_welfare_terms();
  const auto oa = change.before.local_outcomes(), ob = change.after.local_outcomes();
  const double theta = change.theta;
  double largest_change = 0;
  for (std::size_t j = 0; j < ta.size(); ++j) {
    EXPECT_LT(std::abs(ta[j].welfare - channel_sum(ta[j])), 1e-12) << oa[j].id;
    EXPECT_LT(std::abs(tb[j].welfare - channel_sum(tb[j])), 1e-12) << oa[j].id;
    const double acr = -std::log(ob[j].own_trade_share / oa[j].own_trade_share) / theta;
    EXPECT_NEAR(tb[j].trade - ta[j].trade, acr, 1e-12) << oa[j].id;
    EXPECT_NEAR(tb[j].welfare - ta[j].welfare, acr, 1e-11) << oa[j].id;  // Δ log U: the real wage
    for (const auto& c : welfare_channels())
      if (std::string(c.name) != "trade")
        EXPECT_NEAR(tb[j].*c.member, ta[j].*c.member, 1e-12) << oa[j].id << " " << c.name;
    largest_change = std::max(largest_change, std::abs(acr));
  }
  EXPECT_GT(boost::mpi::all_reduce(world(), largest_change, boost::mpi::maximum<double>()), 1e-3);
}

TEST(Welfare, ChannelsAddUpInTheFullModel) {
  Scenario base = parse_scenario(
      "regions: r.csv\npolicies:\n  - {kind: fiscal_transfer, epoch: 0, all: true, equalisation_rate: 0.2}\n", "s.yaml",
      "/");
  base.solver.atol = 1e-12;
  Scenario other = base;
  other.trade.border_cost *= 0.7;
  other.migration.border_cost *= 0.8;
  const auto regions = synthetic_regions(16, 4, 3, 5);
  auto a = make_sim(base, regions);
  auto b = make_sim(other, regions);
  for (auto* sim : {&a, &b}) {  // two epochs: capital, registration and productivity move apart
    sim->solve();
    sim->advance();
    sim->solve();
  }
  const auto ta = all_terms(a), tb = all_terms(b);
  EXPECT_LT(largest_closure(ta), 1e-11);
  EXPECT_LT(largest_closure(tb), 1e-11);
  const WelfareChange c = welfare_change(ta, tb);
  const double wa = a.aggregates(a.all_outcomes()).welfare, wb = b.aggregates(b.all_outcomes()).welfare;
  EXPECT_NEAR(c.base, wa, 1e-12 * std::abs(wa));
  EXPECT_NEAR(c.total, wb - wa, 1e-12 * std::abs(wa));
  double sum = c.composition, scale = std::abs(c.composition);
  for (double x : c.channels) sum += x, scale = std::max(scale, std::abs(x));
  EXPECT_NEAR(sum, c.total, 1e-10 * scale);
  EXPECT_GT(std::abs(c.total), 1e-4);       // the change is not trivial
  EXPECT_GT(std::abs(c.composition), 0.0);  // registration moved apart (hukou conversion)
  for (const auto* name : {"trade", "factor_prices", "capital_income", "land_income", "transfers", "migration"}) {
    const auto& ch = welfare_channels();
    const auto k = static_cast<std::size_t>(
        std::find_if(ch.begin(), ch.end(), [&](const auto& x) { return std::string(x.name) == name; }) - ch.begin());
    EXPECT_GT(std::abs(c.channels[k]), 1e-8) << name << " does not move";
  }
}
