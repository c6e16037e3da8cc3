// Policies (MODEL.md §4): the language and its errors, the effects that follow from the model
// (direction-of-effect checks), conservation under every policy, and exact bookkeeping.
// Runs at several -np (model_tests); China-31 calibrated inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "regio/distribute.hpp"
#include "regio/geography.hpp"
#include "regio/policy.hpp"
#include "regio/policy_kind.hpp"
#include "regio/scenario.hpp"
#include "regio/simulation.hpp"
#include "regio/transport_costs.hpp"
#include "test_support.hpp"

namespace regio {
namespace {

using testing::input_error;
using testing::world;

const std::string kBaseline = std::string(REGIO_SOURCE_DIR) + "/inputs/china31/baseline.yaml";

Scenario china31(const std::string& extra, int epochs = 3) {
  return parse_scenario("base: " + kBaseline + "\nepochs: " + std::to_string(epochs) + "\n" + extra, "policy-test.yaml",
                        ".");
}

struct PolicyRun {
  std::vector<Aggregates> aggregates;
  std::vector<std::vector<RegionOutcome>> regions;  // per epoch, all regions
  std::vector<EconomyState> states;                 // owned state at the start of each epoch (after its policies)
};

PolicyRun run(const Scenario& sc) {
  Simulation sim(world(), distribute_inputs(world(), sc, "auto"));
  PolicyRun r;
  for (int e = 0; e < sc.epochs; ++e) {
    sim.solve();
    r.states.push_back(sim.state());
    r.regions.push_back(sim.all_outcomes());
    r.aggregates.push_back(sim.aggregates(r.regions.back()));
    if (e + 1 < sc.epochs) sim.advance();
  }
  return r;
}

// Region `id` at `epoch` of a run (a test failure if it is missing).
const RegionOutcome& region(const PolicyRun& r, std::size_t epoch, const std::string& id) {
  for (const auto& o : r.regions.at(epoch))
    if (o.id == id) return o;
  ADD_FAILURE() << "no region " << id;
  return r.regions.at(epoch).front();
}

// ---- the language --------------------------------------------------------------------------

TEST(PolicyLanguage, ParsesEveryKindAndRecordsItInRunYaml) {
  const Scenario sc = china31(R"(policies:
  - {kind: hukou, year: 2021, all: true, exclude: {tags: [megacity]}, barrier: 0.8, conversion_rate: 0.05}
  - {kind: infrastructure, epoch: 1, links: [{from: "510000", to: "500000", mode: high_speed_rail}]}
  - {kind: market_integration, epoch: 2, pairs: [[Sichuan, Chongqing]], trade_border_cost: 1.5}
  - {kind: fiscal_transfer, epoch: 1, all: true, equalisation_rate: 0.1}
  - {kind: land, epoch: 1, provinces: [Beijing], land_factor: 1.1}
  - {kind: capital_market, epoch: 1, all: true, home_bias: 0.5}
  - {kind: productivity, epoch: 1, regions: ["510000"], sectors: [manufacturing], growth: 0.01, duration: 2}
)");
  ASSERT_EQ(sc.policies.size(), 7u);
  EXPECT_EQ(sc.policies[0].year, 2021);
  EXPECT_EQ(sc.policies[0].select.exclude_tags, std::vector<std::string>{"megacity"});
  EXPECT_DOUBLE_EQ(sc.policies[0].value("barrier"), 0.8);
  // The YAML written to run.yaml parses back to the same policies.
  const Scenario again = parse_scenario(scenario_to_yaml(sc), "again.yaml", ".");
  ASSERT_EQ(again.policies.size(), sc.policies.size());
  for (std::size_t i = 0; i < sc.policies.size(); ++i) {
    EXPECT_EQ(again.policies[i].kind, sc.policies[i].kind);
    EXPECT_EQ(again.policies[i].values, sc.policies[i].values);
    EXPECT_EQ(again.policies[i].pairs, sc.policies[i].pairs);
    EXPECT_EQ(again.policies[i].links.size(), sc.policies[i].links.size());
  }
}

TEST(PolicyLanguage, SyntaxErrorsNameTheLineAndTheFix) {
  auto err = [](const std::string& p) { return input_error([&] { china31("policies:\n" + p); }); };
  EXPECT_NE(err("  - {kind: hukoo, epoch: 1, all: true, barrier: 0.9}").find("did you mean 'hukou'"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: hukou, epoch: 1, all: true, barier: 0.9}").find("did you mean 'barrier'"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: hukou, all: true, barrier: 0.9}").find("exactly one of 'epoch' or 'year'"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: hukou, epoch: 1, barrier: 0.9}").find("needs a selection"), std::string::npos);
  EXPECT_NE(err("  - {kind: hukou, epoch: 1, all: true}").find("sets nothing"), std::string::npos);
  EXPECT_NE(err("  - {kind: fiscal_transfer, epoch: 1, all: true, equalisation_rate: 1.5}").find("out of range"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: capital_market, epoch: 1, tags: [west], home_bias: 0.5}").find("home_bias is national"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: infrastructure, epoch: 1, links: [{from: a, to: b, mode: maglev}]}")
                .find("unknown transport mode"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: land, epoch: 1, all: true, land_factor: .nan}").find("finite"), std::string::npos);
  EXPECT_NE(err("  - {kind: fiscal_transfer, epoch: 1, all: true, equalisation_rate: 0.8, targeted_share: 0.3}")
                .find("exceeds 1"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: land, epoch: 1, all: true, land_factor: 1.1}\n  - kind: land").find("policy-test.yaml:"),
            std::string::npos);
}

TEST(PolicyKinds, TheRegistryListsEveryKindOnceWithItsValueKeys) {
  const std::vector<std::string> expected = {"hukou", "infrastructure", "market_integration", "fiscal_transfer",
                                             "land",  "capital_market", "productivity",       "external"};
  std::vector<std::string> names;
  std::size_t values = 0;
  for (const PolicyKind* kind : registered_policy_kinds()) {
    names.push_back(kind->name());
    EXPECT_EQ(find_policy_kind(kind->name()), kind);
    for (const auto& v : kind->values()) {
      EXPECT_EQ(v.kind, kind->name());
      EXPECT_EQ(kind->value_spec(v.key), &v);
    }
    values += kind->values().size();
  }
  EXPECT_EQ(names, expected);
  EXPECT_EQ(policy_kinds(), expected);
  // The docs table is the kinds' value keys, kind by kind in registration order.
  ASSERT_EQ(policy_values().size(), values);
  std::size_t row = 0;
  for (const PolicyKind* kind : registered_policy_kinds())
    for (const auto& v : kind->values()) {
      EXPECT_EQ(policy_values()[row].kind, v.kind);
      EXPECT_EQ(policy_values()[row++].key, v.key);
    }
  EXPECT_EQ(find_policy_kind("hukoo"), nullptr);
}

TEST(PolicyKinds, AnUnknownKindIsOneLineNamingTheNearestAndEveryKind) {
  const std::string e = input_error([] { china31("policies:\n  - {kind: hukoo, epoch: 1, all: true, barrier: 0.9}"); });
  EXPECT_EQ(e,
            "policy-test.yaml:4: unknown policy kind 'hukoo', did you mean 'hukou'? (one of hukou, infrastructure, "
            "market_integration, fiscal_transfer, land, capital_market, productivity, external)");
  Policy made_elsewhere;
  made_elsewhere.kind = "tariff";
  EXPECT_EQ(input_error([&] { policy_kind(made_elsewhere); }),
            "unknown policy kind 'tariff' (one of hukou, infrastructure, market_integration, fiscal_transfer, land, "
            "capital_market, productivity, external)");
}

TEST(PolicyLanguage, ResolutionErrorsNameRegionsProvincesAndEpochs) {
  auto err = [](const std::string& p) {
    const Scenario sc = china31("policies:\n" + p);
    return input_error([&] { distribute_inputs(world(), sc, "auto"); });
  };
  EXPECT_NE(err("  - {kind: land, epoch: 1, provinces: [Sichaun], land_factor: 1.1}").find("did you mean 'Sichuan'"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: land, epoch: 1, regions: [\"510001\"], land_factor: 1.1}").find("unknown region '510001'"),
            std::string::npos);
  EXPECT_NE(err("  - {kind: land, epoch: 1, tags: [coastl], land_factor: 1.1}").find("did you mean 'coastal'"),
            std::string::npos);
  const std::string late = err("  - {kind: land, year: 2030, all: true, land_factor: 1.1}");
  EXPECT_NE(late.find("policy-test.yaml:4"), std::string::npos) << late;
  EXPECT_NE(late.find("outside the run"), std::string::npos) << late;
  EXPECT_NE(err("  - {kind: land, epoch: 1, provinces: [Beijing], exclude: {regions: [\"110000\"]}, land_factor: 1.1}")
                .find("selection is empty"),
            std::string::npos);
  EXPECT_NE(
      err("  - {kind: market_integration, epoch: 1, provinces: [Beijing], trade_border_cost: 1}").find("two provinces"),
      std::string::npos);
  EXPECT_NE(err("  - {kind: hukou, epoch: 1, all: true, barrier: 0.3}").find("< 1"), std::string::npos);
  EXPECT_NE(err("  - {kind: productivity, epoch: 1, all: true, sectors: [mining], shock: 0.1}").find("unknown sector"),
            std::string::npos);
}

// ---- transport network ---------------------------------------------------------------------

TEST(TransportNetwork, NewLinkShortensTheLinkedPairAndLengthensNothing) {
  const Scenario sc = china31("");
  const GlobalGeography geo = distribute_inputs(world(), sc, "auto").geography;
  const std::size_t N = geo.size();
  auto index = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find(geo.id.begin(), geo.id.end(), id) - geo.id.begin());
  };
  const std::size_t chengdu = index("510000"), chongqing = index("500000"), beijing = index("110000"),
                    shanghai = index("310000");
  TransportCosts before(sc, geo), after(sc, geo);
  const double gc = great_circle_km(geo.lat[chengdu], geo.lon[chengdu], geo.lat[chongqing], geo.lon[chongqing]);
  after.set_links({{chengdu, chongqing, 0.5 * gc}});
  std::vector<double> d0(N), d1(N);
  int shorter = 0;
  for (std::size_t i = 0; i < N; ++i) {
    before.effective_distances(i, d0.data());
    after.effective_distances(i, d1.data());
    for (std::size_t k = 0; k < N; ++k) {
      EXPECT_LE(d1[k], d0[k]) << geo.id[i] << " -> " << geo.id[k];  // no distance rises
      if (d1[k] < d0[k]) ++shorter;
    }
    EXPECT_EQ(d1[i], internal_distance_km(geo.area_km2[i]));
  }
  after.effective_distances(chengdu, d1.data());
  EXPECT_NEAR(d1[chongqing], 0.5 * gc, 1e-9 * gc);
  after.effective_distances(beijing, d1.data());
  before.effective_distances(beijing, d0.data());
  EXPECT_EQ(d1[shanghai], d0[shanghai]);  // far from the link: a detour via it does not pay
  EXPECT_GE(shorter, 2);                  // at least the pair itself, both directions
}

TEST(TransportNetwork, ShortestPathsChainLinks) {
  // Three regions on a line 0 — 1 — 2 with cheap links 0–1 and 1–2: D_02 uses both.
  Scenario sc = Scenario::defaults();
  GlobalGeography geo;
  for (int i = 0; i < 3; ++i) {
    geo.id.push_back(std::to_string(i));
    geo.name.push_back(std::to_string(i));
    geo.lat.push_back(30.0);
    geo.lon.push_back(100.0 + 2.0 * i);
    geo.area_km2.push_back(1000);
    geo.province.push_back(i);
    geo.province_names.push_back("P" + std::to_string(i));
  }
  const double d01 = great_circle_km(30, 100, 30, 102), d12 = great_circle_km(30, 102, 30, 104);
  TransportCosts c(sc, geo);
  c.set_links({{0, 1, 0.4 * d01}, {1, 2, 0.4 * d12}});
  std::vector<double> row(3);
  c.effective_distances(0, row.data());
  EXPECT_NEAR(row[2], 0.4 * (d01 + d12), 1e-9);
  EXPECT_NEAR(row[1], 0.4 * d01, 1e-9);
}

// Shortest paths by Floyd–Warshall over all N regions (every pair joined by its direct leg,
// plus the links): the definition of D in MODEL.md §1, with none of TransportCosts' shortcuts
// (only the ends of cheap links as nodes, only non-dominated exits and entries).
std::vector<double> all_pairs_shortest_paths(const GlobalGeography& geo, double road,
                                             const std::vector<TransportLink>& links) {
  const std::size_t N = geo.size();
  std::vector<double> D(N * N);
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t k = 0; k < N; ++k)
      D[i * N + k] = i == k ? 0.0 : road * great_circle_km(geo.lat[i], geo.lon[i], geo.lat[k], geo.lon[k]);
  for (const auto& l : links) D[l.a * N + l.b] = D[l.b * N + l.a] = std::min(D[l.a * N + l.b], l.cost_km);
  for (std::size_t m = 0; m < N; ++m)
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t k = 0; k < N; ++k) D[i * N + k] = std::min(D[i * N + k], D[i * N + m] + D[m * N + k]);
  for (std::size_t i = 0; i < N; ++i) D[i * N + i] = internal_distance_km(geo.area_km2[i]);
  return D;
}

TEST(TransportNetwork, EffectiveDistancesAreTheShortestPathsOverAllRegions) {
  // 120 regions in a China-sized box; a road network with detours (never cheaper than a direct
  // leg) plus a few rail and high-speed lines that are.
  Scenario sc = Scenario::defaults();
  sc.network.road = 1.0;
  GlobalGeography geo;
  std::uint64_t seed = 12345;
  auto uniform = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(seed >> 11) * 0x1.0p-53;
  };
  const std::size_t N = 120;
  for (std::size_t i = 0; i < N; ++i) {
    geo.id.push_back(std::to_string(i));
    geo.name.push_back(std::to_string(i));
    geo.lat.push_back(20 + 25 * uniform());
    geo.lon.push_back(95 + 30 * uniform());
    geo.area_km2.push_back(500 + 20000 * uniform());
    geo.province.push_back(static_cast<int>(i % 7));
  }
  for (int p = 0; p < 7; ++p) geo.province_names.push_back("P" + std::to_string(p));
  auto gc = [&](std::size_t a, std::size_t b) {
    return great_circle_km(geo.lat[a], geo.lon[a], geo.lat[b], geo.lon[b]);
  };
  std::vector<TransportLink> roads, all;
  for (std::size_t a = 0; a < N; ++a)
    for (std::size_t b : {(a + 1) % N, (a + 7) % N}) roads.push_back({b, a, gc(a, b) * (1.05 + 0.3 * uniform())});
  all = roads;
  for (int line = 0; line < 4; ++line) {  // chains of cheap links (rail 0.8, high-speed 0.5)
    std::size_t a = static_cast<std::size_t>(uniform() * N);
    for (int stop = 0; stop < 6; ++stop) {
      const auto b = static_cast<std::size_t>(uniform() * N);
      if (b != a) all.push_back({a, b, gc(a, b) * (line % 2 ? 0.8 : 0.5)});
      a = b;
    }
  }
  all.push_back({3, 3, 0.0});  // a loop: no effect

  for (const auto* links : {&roads, &all}) {
    const std::vector<double> reference = all_pairs_shortest_paths(geo, sc.network.road, *links);
    TransportCosts costs(sc, geo);
    costs.set_links(*links);
    if (links == &roads) {
      EXPECT_EQ(costs.network_nodes(), 0u);
      EXPECT_EQ(costs.idle_links(), roads.size());
    } else {
      EXPECT_GT(costs.network_nodes(), 10u);
      EXPECT_EQ(costs.idle_links(), roads.size() + 1);                      // the roads and the loop
      EXPECT_GE(costs.network_exits(), N);                                  // every region has an exit
      EXPECT_LT(costs.network_exits(), N * costs.network_nodes() * 3 / 4);  // but not every node
    }
    std::vector<double> row(N);
    int shorter = 0;
    for (std::size_t i = 0; i < N; ++i) {
      costs.effective_distances(i, row.data());
      for (std::size_t k = 0; k < N; ++k) {
        ASSERT_NEAR(row[k], reference[i * N + k], 1e-12 * reference[i * N + k]) << i << " -> " << k;
        if (i != k && row[k] < 0.999 * sc.network.road * gc(i, k)) ++shorter;
      }
    }
    if (links == &roads)
      EXPECT_EQ(shorter, 0);
    else
      EXPECT_GT(shorter, int(N));  // the lines shorten many paths, not only their own legs
  }
}

TEST(TransportNetwork, TheSameLinksInAnyOrderAreTheSameCosts) {
  const Scenario sc = china31("");
  const GlobalGeography geo = distribute_inputs(world(), sc, "auto").geography;
  TransportCosts a(sc, geo), b(sc, geo), c(sc, geo);
  a.set_links({{0, 5, 100.0}, {7, 2, 50.0}});
  b.set_links({{2, 7, 50.0}, {5, 0, 100.0}});
  c.set_links({{0, 5, 100.0}, {7, 2, 40.0}});
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
}

// ---- effects that follow from the model -----------------------------------------------------

TEST(PolicyEffects, LowerBorderCostsRaiseInternalTrade) {
  const PolicyRun base = run(china31("", 2));
  const PolicyRun cut =
      run(china31("policies:\n  - {kind: market_integration, epoch: 1, all: true, trade_border_cost: 2.0}\n", 2));
  EXPECT_DOUBLE_EQ(cut.aggregates[0].internal_trade_share, base.aggregates[0].internal_trade_share);  // not yet
  EXPECT_GT(cut.aggregates[1].internal_trade_share, base.aggregates[1].internal_trade_share + 0.05);
  EXPECT_GT(cut.aggregates[1].interprovincial_trade_share, base.aggregates[1].interprovincial_trade_share + 0.05);
  EXPECT_GT(cut.aggregates[1].real_gdp, base.aggregates[1].real_gdp);
  // Between chosen pairs only: Sichuan buys more from Chongqing, not less.
  const PolicyRun pair = run(china31(
      "policies:\n  - {kind: market_integration, epoch: 1, pairs: [[Sichuan, Chongqing]], trade_border_cost: 1.0}\n",
      2));
  for (const char* id : {"510000", "500000"})
    EXPECT_LT(region(pair, 1, id).own_trade_share, region(base, 1, id).own_trade_share) << id;
}

TEST(PolicyEffects, FiscalEqualisationLowersIncomeInequalityAndBalances) {
  const PolicyRun base = run(china31("", 2));
  const PolicyRun eq =
      run(china31("policies:\n  - {kind: fiscal_transfer, epoch: 1, all: true, equalisation_rate: 0.3}\n", 2));
  EXPECT_LT(eq.aggregates[1].theil_income, base.aggregates[1].theil_income - 0.01);
  EXPECT_LT(eq.aggregates[1].gini_income, base.aggregates[1].gini_income);
  EXPECT_EQ(eq.aggregates[0].transfers, 0.0);
  EXPECT_GT(eq.aggregates[1].transfers, 0.0);
  double net = 0, gross = 0;
  for (const auto& o : eq.regions[1]) net += o.transfer, gross += std::abs(o.transfer);
  EXPECT_LT(std::abs(net), 1e-12 * gross) << "Σ T = " << net;
  // Poorer-than-average provinces receive, richer ones pay.
  double Y = 0, L = 0;
  for (const auto& o : eq.regions[1]) Y += o.income - o.transfer, L += o.population;
  for (const auto& o : eq.regions[1]) {
    const double pre_pc = (o.income - o.transfer) / o.population;
    EXPECT_NEAR(o.transfer, 0.3 * (Y / L - pre_pc) * o.population, 1e-9 * std::abs(o.income)) << o.id;
  }
  // Targeted grants: recipients gain, Σ T = 0 still.
  const PolicyRun grant =
      run(china31("policies:\n  - {kind: fiscal_transfer, epoch: 1, tags: [west], targeted_share: 0.02}\n", 2));
  net = 0, gross = 0;
  for (const auto& o : grant.regions[1]) net += o.transfer, gross += std::abs(o.transfer);
  EXPECT_LT(std::abs(net), 1e-12 * gross);
  EXPECT_GT(region(grant, 1, "540000").transfer, 0.0);  // Tibet (west) receives
  EXPECT_LT(region(grant, 1, "310000").transfer, 0.0);  // Shanghai pays the levy
}

TEST(PolicyEffects, HukouBarrierCutRaisesMigrantShare) {
  const PolicyRun base = run(china31("", 2));
  const PolicyRun cut = run(china31("policies:\n  - {kind: hukou, epoch: 1, all: true, barrier: 0.8}\n", 2));
  EXPECT_GT(cut.aggregates[1].migrant_share, base.aggregates[1].migrant_share + 0.005);
  EXPECT_GT(cut.aggregates[1].welfare, base.aggregates[1].welfare);
  // A megacity cap: fewer residents in Beijing than without it.
  const PolicyRun cap =
      run(china31("policies:\n  - {kind: hukou, epoch: 1, regions: [\"110000\"], barrier: 1.5}\n", 2));
  EXPECT_LT(region(cap, 1, "110000").population, region(base, 1, "110000").population);
}

TEST(PolicyEffects, NewLinkRaisesTradeBetweenItsEnds) {
  const PolicyRun base = run(china31("", 2));
  const PolicyRun hsr =
      run(china31("policies:\n  - {kind: infrastructure, epoch: 1, links: [{from: \"510000\", to: \"500000\", mode: "
                  "high_speed_rail}]}\n",
                  2));
  for (const char* id : {"510000", "500000"})  // buys more from the other end
    EXPECT_LT(region(hsr, 1, id).own_trade_share, region(base, 1, id).own_trade_share) << id;
  EXPECT_GT(hsr.aggregates[1].real_gdp, base.aggregates[1].real_gdp);
}

TEST(PolicyEffects, RegionValuesAreWrittenExactlyAtTheirEpoch) {
  const PolicyRun r = run(china31(R"(productivity: {spillover: 0}
policies:
  - {kind: land, epoch: 1, provinces: [Beijing], land_factor: 1.25}
  - {kind: hukou, epoch: 2, tags: [west], conversion_rate: 0.1}
  - {kind: capital_market, epoch: 1, regions: ["650000"], friction: 1.3}
  - {kind: productivity, epoch: 1, provinces: [Sichuan], sectors: [manufacturing], shock: 0.05, growth: 0.01, duration: 1}
)"));
  const PolicyRun b = run(china31("productivity: {spillover: 0}\n"));
  for (std::size_t j = 0; j < r.states[0].size(); ++j) {
    const auto& rec = r.states[0].records[j];
    const bool beijing = rec.id == "110000", west = rec.has_tag("west"), xinjiang = rec.id == "650000",
               sichuan = rec.id == "510000";
    EXPECT_EQ(r.states[0].land[j], b.states[0].land[j]);
    EXPECT_EQ(r.states[1].land[j], b.states[1].land[j] * (beijing ? 1.25 : 1.0)) << rec.id;
    EXPECT_EQ(r.states[1].conversion_rate[j], b.states[1].conversion_rate[j]);
    EXPECT_EQ(r.states[2].conversion_rate[j], west ? 0.1 : b.states[2].conversion_rate[j]) << rec.id;
    EXPECT_EQ(r.states[1].capital_friction[j], xinjiang ? 1.3 : 1.0);
    // manufacturing is sector 1: +0.05 at epoch 1, +0.01 growth during epoch 1 only.
    const double d1 = r.states[1].log_productivity[j * 3 + 1] - b.states[1].log_productivity[j * 3 + 1];
    const double d2 = r.states[2].log_productivity[j * 3 + 1] - b.states[2].log_productivity[j * 3 + 1];
    EXPECT_NEAR(d1, sichuan ? 0.05 : 0.0, 1e-14) << rec.id;
    EXPECT_NEAR(d2, sichuan ? 0.06 : 0.0, 1e-14) << rec.id;
    EXPECT_EQ(r.states[2].log_productivity[j * 3], b.states[2].log_productivity[j * 3]);  // agriculture untouched
  }
}

TEST(PolicyEffects, EveryPolicyConservesPopulationAndBalancesAccounts) {
  const PolicyRun r = run(china31(R"(policies:
  - {kind: hukou, epoch: 1, all: true, exclude: {tags: [megacity]}, barrier: 0.8, conversion_rate: 0.05}
  - {kind: infrastructure, epoch: 1, links: [{from: "510000", to: "500000", mode: high_speed_rail}, {from: "610000", to: "620000", mode: rail}]}
  - {kind: market_integration, epoch: 1, all: true, trade_border_cost: 2, migration_border_cost: 2}
  - {kind: fiscal_transfer, epoch: 1, all: true, equalisation_rate: 0.2, targeted_share: 0.01}
  - {kind: land, epoch: 2, tags: [east], land_factor: 1.2}
  - {kind: capital_market, epoch: 2, all: true, home_bias: 0.4}
  - {kind: productivity, epoch: 2, tags: [west], growth: 0.02, shock: 0.03}
)"));
  for (std::size_t e = 0; e < r.regions.size(); ++e) {
    double L = 0, R = 0, gdp = 0, income = 0, T = 0, Tabs = 0, weighted_price = 0;
    for (const auto& o : r.regions[e]) {
      L += o.population, R += o.registered, gdp += o.gdp, income += o.income, T += o.transfer,
          Tabs += std::abs(o.transfer);
      weighted_price += o.population * o.price_index;
    }
    EXPECT_NEAR(L, R, 1e-9 * R) << "epoch " << e;           // Σ L = Σ R
    EXPECT_NEAR(gdp, income, 1e-9 * gdp) << "epoch " << e;  // Walras: national GDP = national income
    EXPECT_LE(std::abs(T), 1e-12 * std::max(Tabs, 1.0));    // Σ T = 0
    EXPECT_NEAR(weighted_price / L, 1.0, 1e-9);             // numeraire
  }
}

TEST(PolicyEffects, RestOfTheWorldBalancesAndExternalCostsTurnTradeInwards) {
  const std::string open = std::string(REGIO_SOURCE_DIR) + "/inputs/china31/baseline-open.yaml";
  auto scenario = [&](const std::string& extra) {
    return parse_scenario("base: " + open + "\nepochs: 2\n" + extra, "open-test.yaml", ".");
  };
  const PolicyRun base = run(scenario(""));
  const PolicyRun shock =
      run(scenario("policies:\n  - {kind: external, epoch: 1, all: true, trade_cost_factor: 1.25, net_exports: 0}\n"));
  for (const auto* r : {&base, &shock})
    for (std::size_t e = 0; e < r->regions.size(); ++e) {
      double exports = 0, imports = 0, gdp = 0, income = 0, L = 0, LP = 0;
      for (const auto& o : r->regions[e])
        exports += o.exports, imports += o.imports, gdp += o.gdp, income += o.income, L += o.population,
            LP += o.population * o.price_index;
      const double nx = (r == &shock && e == 1) ? 0.0 : 0.025;
      EXPECT_NEAR(exports - imports, nx * gdp, 1e-9 * gdp) << "epoch " << e;  // X_W = IM + NX
      EXPECT_NEAR(gdp, income, 1e-9 * gdp);                                   // Walras with trade
      EXPECT_NEAR(LP / L, 1.0, 1e-9);                                         // numeraire
    }
  // Epoch 0 of the open baseline reproduces the calibration target: imports 14.0 % of GDP.
  double imports = 0, gdp = 0;
  for (const auto& o : base.regions[0]) imports += o.imports, gdp += o.gdp;
  EXPECT_NEAR(imports / gdp, 0.140, 0.001);
  EXPECT_LT(shock.aggregates[1].import_share, base.aggregates[1].import_share - 0.02);
  EXPECT_GT(shock.aggregates[1].internal_trade_share, base.aggregates[1].internal_trade_share);
  EXPECT_DOUBLE_EQ(shock.aggregates[0].import_share, base.aggregates[0].import_share);
}

// The first solve of an open economy (external.cold_start): `auto` solves it directly, `gradual`
// opens up in five steps; the same equilibrium, the direct solve for far fewer evaluations. If
// the direct solve fails (here: solver.max_iterations 4, which the direct solve of this
// economy exceeds and each gradual step does not), `auto` falls back to the gradual steps from
// the same start and gives bitwise what `gradual` gives.
TEST(PolicyEffects, OpenEconomyColdStartDirectOrGradual) {
  const std::string dir = std::string(REGIO_SOURCE_DIR) + "/inputs/china31/";
  auto scenario = [&](const std::string& extra) {
    return parse_scenario("base: " + dir + "baseline-open.yaml\nepochs: 1\n" + extra, "open-start.yaml", ".");
  };
  auto first_epoch = [](const Scenario& sc, std::string* note = nullptr) {
    Simulation sim(world(), distribute_inputs(world(), sc, "auto"));
    const SolveStats st = sim.solve();
    if (note) *note = sim.opening_note();
    return std::make_pair(st.residual_evaluations, sim.all_outcomes());
  };
  std::string note;
  const auto direct = first_epoch(scenario(""), &note);
  EXPECT_TRUE(note.empty()) << note;
  const auto gradual = first_epoch(scenario("external: {cold_start: gradual}\n"), &note);
  EXPECT_TRUE(note.empty()) << note;
  for (std::size_t i = 0; i < direct.second.size(); ++i) {
    EXPECT_NEAR(direct.second[i].wage / gradual.second[i].wage, 1.0, 1e-9) << direct.second[i].id;
    EXPECT_NEAR(direct.second[i].population / gradual.second[i].population, 1.0, 1e-9) << direct.second[i].id;
  }
  std::printf("open China-31, first epoch: %d residual evaluations directly, %d opening up gradually\n", direct.first,
              gradual.first);
  EXPECT_LT(2 * direct.first, gradual.first);

  const std::string hard = "regions: " + dir + "regions_calibrated.csv\nexternal: {trade_cost: 1.2, net_exports: 0";
  const auto fallback = first_epoch(scenario(hard + "}\nsolver: {max_iterations: 4}\n"), &note);
  EXPECT_NE(note.find("DIVERGED_MAX_IT"), std::string::npos) << note;
  const auto steps = first_epoch(scenario(hard + ", cold_start: gradual}\nsolver: {max_iterations: 4}\n"), &note);
  EXPECT_TRUE(note.empty()) << note;
  EXPECT_GT(fallback.first, steps.first);  // the failed direct attempt is counted
  for (std::size_t i = 0; i < fallback.second.size(); ++i) {
    EXPECT_EQ(fallback.second[i].wage, steps.second[i].wage) << fallback.second[i].id;
    EXPECT_EQ(fallback.second[i].population, steps.second[i].population) << fallback.second[i].id;
  }
  EXPECT_NE(input_error([&] { scenario("external: {cold_start: slowly}\n"); }).find("must be auto or gradual"),
            std::string::npos);
}

TEST(PolicyLanguage, BaseScenarioIsExtendedNotReplaced) {
  const Scenario base = load_scenario(kBaseline);
  const Scenario s =
      china31("trade: {border_cost: 2}\npolicies:\n  - {kind: land, epoch: 1, all: true, land_factor: 1.1}\n", 5);
  EXPECT_EQ(s.regions, base.regions);                              // path resolved relative to the base file
  EXPECT_EQ(s.migration.border_cost, base.migration.border_cost);  // kept from the base
  EXPECT_EQ(s.trade.border_cost, 2);                               // overridden
  EXPECT_EQ(s.epochs, 5);
  ASSERT_EQ(s.policies.size(), 1u);
  EXPECT_EQ(s.policies[0].file, "policy-test.yaml");
  EXPECT_NE(input_error([] { parse_scenario("base: /nonexistent.yaml\n", "x.yaml", "."); }).find("/nonexistent.yaml"),
            std::string::npos);
}

}  // namespace
}  // namespace regio
