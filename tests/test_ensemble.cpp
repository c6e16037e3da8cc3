// Ensembles (docs/ensembles.md) without MPI: the quadrature rules and Latin hypercubes, the
// bands' statistics and Shapley values against their definitions, the spec's errors, and
// parameters set after loading (regio run --set) checked as the scenario file's keys are.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "regio/ensemble_designs.hpp"
#include "regio/ensemble_spec.hpp"
#include "regio/ensemble_statistics.hpp"
#include "regio/error.hpp"
#include "regio/scenario.hpp"
#include "regio/scenario_overrides.hpp"
#include "test_support.hpp"

using namespace regio;
using regio::testing::input_error;

namespace {

#define EXPECT_CONTAINS(text, part)                          \
  EXPECT_NE(std::string(text).find(part), std::string::npos) \
      << "  message: " << (text) << "\n  expected to contain: " << (part)

const std::string kScenario = "regions: r.csv\nepochs: 3\n";

EnsembleSpec spec_of(const std::string& body) {
  return parse_ensemble_spec("scenario: s.yaml\n" + body, "e.yaml", "/base");
}
std::string spec_error(const std::string& body) {
  return input_error([&] { spec_of(body); });
}

// The weighted mean of f over the points of a rule (weights 1/(2n)).
template <class F>
double integrate(const std::vector<std::vector<double>>& points, F f) {
  double s = 0;
  for (const auto& x : points) s += f(x);
  return s / static_cast<double>(points.size());
}

}  // namespace

TEST(Quadrature, RulesReproduceMeansVariancesAndThirdMoments) {
  for (const auto& rule : quadrature_rules())
    for (std::size_t n = 1; n <= 7; ++n) {
      const auto points = quadrature_points(rule, n);
      ASSERT_EQ(points.size(), 2 * n) << rule;
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_NEAR(integrate(points, [&](const auto& x) { return x[i]; }), 0.0, 1e-14) << rule << " n " << n;
        for (std::size_t j = 0; j < n; ++j) {
          EXPECT_NEAR(integrate(points, [&](const auto& x) { return x[i] * x[j]; }), i == j ? 1.0 : 0.0, 1e-13)
              << rule << " n " << n << " (" << i << "," << j << ")";
          for (std::size_t k = 0; k < n; ++k)
            EXPECT_NEAR(integrate(points, [&](const auto& x) { return x[i] * x[j] * x[k]; }), 0.0, 1e-13)
                << rule << " n " << n;
        }
      }
    }
}

TEST(Quadrature, StroudPointsStayInsideAUniformsSupport) {
  for (std::size_t n = 1; n <= 12; ++n)
    for (const auto& x : quadrature_points("stroud", n))
      for (double v : x) EXPECT_LE(std::abs(v), std::sqrt(3.0)) << "n " << n;
  // The axis rule leaves it from n = 4 on (±√n).
  EXPECT_DOUBLE_EQ(quadrature_points("axes", 4)[0][0], 2.0);
}

TEST(Quadrature, SpecMembersHaveTheDistributionsMeansAndVariances) {
  const auto spec = spec_of(
      "design: quadrature\nparameters:\n  sectors.*.theta: {distribution: normal, mean: 4, sd: 0.5}\n"
      "  migration.elasticity: {distribution: uniform, min: 1, max: 2}\n  trade.border_cost: {distribution: normal, "
      "mean: 3, sd: 0.2}\n");
  ASSERT_EQ(spec.members.size(), 6u);
  const std::vector<std::pair<double, double>> moments = {{4, 0.25}, {1.5, 1.0 / 12}, {3, 0.04}};
  for (std::size_t j = 0; j < 3; ++j) {
    double mean = 0, second = 0;
    for (const auto& m : spec.members) {
      const double v = std::stod(m.overrides[j].value);
      mean += m.weight * v;
      second += m.weight * v * v;
    }
    EXPECT_NEAR(mean, moments[j].first, 1e-13) << spec.members[0].overrides[j].key;
    EXPECT_NEAR(second - mean * mean, moments[j].second, 1e-12) << spec.members[0].overrides[j].key;
  }
  EXPECT_EQ(spec.rule, "stroud");
  EXPECT_TRUE(spec.weighted());
}

TEST(LatinHypercube, OneDrawPerStratumReproducibleBySeed) {
  const std::size_t M = 17, n = 3;
  const auto a = latin_hypercube(n, M, 42), b = latin_hypercube(n, M, 42), c = latin_hypercube(n, M, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<int> strata;
    for (const auto& x : a) {
      ASSERT_GT(x[j], 0.0);
      ASSERT_LT(x[j], 1.0);
      strata.push_back(static_cast<int>(std::floor(x[j] * M)));
    }
    std::sort(strata.begin(), strata.end());
    std::vector<int> expected(M);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(strata, expected) << "coordinate " << j;
  }
}

TEST(Distributions, Quantiles) {
  const Distribution normal{"normal", 4, 0.5}, uniform{"uniform", 1, 3};
  EXPECT_NEAR(normal.quantile(0.5), 4.0, 1e-15);
  EXPECT_NEAR(normal.quantile(0.8413447460685429), 4.5, 1e-12);  // Φ(1)
  EXPECT_NEAR(normal.quantile(0.0227501319481792), 3.0, 1e-11);  // Φ(−2)
  EXPECT_DOUBLE_EQ(uniform.quantile(0.25), 1.5);
  EXPECT_DOUBLE_EQ(uniform.mean(), 2.0);
  EXPECT_DOUBLE_EQ(uniform.sd(), 2.0 / std::sqrt(12.0));
}

TEST(Bands, StatisticsFollowTheirDefinitions) {
  const std::vector<double> x = {5, 1, 4, 2, 3}, w(5, 0.2);
  const Band b = band(x, w);
  EXPECT_DOUBLE_EQ(b.mean, 3.0);
  EXPECT_NEAR(b.sd, std::sqrt(2.0), 1e-15);  // Σ w (x − 3)² = (4+1+0+1+4)/5
  EXPECT_DOUBLE_EQ(b.p5, 1.2);               // rank 0.05 · 4 = 0.2 between 1 and 2
  EXPECT_DOUBLE_EQ(b.p50, 3.0);
  EXPECT_DOUBLE_EQ(b.p95, 4.8);
  EXPECT_DOUBLE_EQ(b.min, 1.0);
  EXPECT_DOUBLE_EQ(b.max, 5.0);
  const Band weighted = band({1, 3}, {0.25, 0.75});
  EXPECT_DOUBLE_EQ(weighted.mean, 2.5);
  EXPECT_DOUBLE_EQ(weighted.sd, std::sqrt(0.75));  // 0.25·1.5² + 0.75·0.5²
  EXPECT_TRUE(std::isnan(band({1, std::nan("")}, {0.5, 0.5}).p50));
}

TEST(Shapley, KnownGameSymmetryDummyAndEfficiency) {
  // v(S) = Σ a_j + b [0,1 ∈ S] + c [0,1,2 ∈ S]; player 3 changes nothing.
  const double a[] = {1.5, -0.25, 2.0, 0.0}, b = 0.6, c = -0.9;
  std::vector<double> v(16);
  for (std::size_t mask = 0; mask < 16; ++mask) {
    for (int j = 0; j < 4; ++j)
      if (mask >> j & 1) v[mask] += a[j];
    if ((mask & 3) == 3) v[mask] += b;
    if ((mask & 7) == 7) v[mask] += c;
  }
  const auto phi = shapley_values(v);
  EXPECT_NEAR(phi[0], a[0] + b / 2 + c / 3, 1e-15);
  EXPECT_NEAR(phi[1], a[1] + b / 2 + c / 3, 1e-15);
  EXPECT_NEAR(phi[2], a[2] + c / 3, 1e-15);
  EXPECT_EQ(phi[3], 0.0);
  // Any game: the values add up to v(all) − v(none); swapping two players swaps their values.
  std::mt19937_64 rng(7);
  std::vector<double> g(64);
  for (auto& x : g) x = static_cast<double>(rng() % 1000) / 7.0;
  const auto psi = shapley_values(g);
  EXPECT_NEAR(std::accumulate(psi.begin(), psi.end(), 0.0), g.back() - g.front(), 1e-12);
  std::vector<double> swapped(64);
  for (std::size_t mask = 0; mask < 64; ++mask) {
    const std::size_t b0 = mask & 1, b1 = mask >> 1 & 1;
    swapped[(mask & ~std::size_t{3}) | b1 | b0 << 1] = g[mask];
  }
  const auto chi = shapley_values(swapped);
  EXPECT_NEAR(chi[0], psi[1], 1e-12);
  EXPECT_NEAR(chi[1], psi[0], 1e-12);
}

TEST(EnsembleSpec, GridListAndIds) {
  const auto grid =
      spec_of("design: grid\nparameters:\n  trade.border_cost: [2, 3]\n  migration.elasticity: [1, 2, 3]\n");
  ASSERT_EQ(grid.members.size(), 6u);
  EXPECT_EQ(grid.members[1].overrides[0].value, "2");  // the first parameter varies slowest
  EXPECT_EQ(grid.members[1].overrides[1].value, "2");
  EXPECT_EQ(grid.members[3].overrides[0].value, "3");
  EXPECT_EQ(grid.members[3].overrides[1].line, 5);  // the value's own line
  EXPECT_EQ(grid.members[5].id, "005");
  EXPECT_EQ(grid.scenario, "/base/s.yaml");
  EXPECT_EQ(member_id(7, 1000), "007");
  EXPECT_EQ(member_id(7, 1001), "0007");
  const auto list = spec_of("design: list\nmembers:\n  - {}\n  - {trade.border_cost: 2.5}\n");
  ASSERT_EQ(list.members.size(), 2u);
  EXPECT_TRUE(list.members[0].overrides.empty());
  EXPECT_EQ(list.columns, std::vector<std::string>{"trade.border_cost"});
}

TEST(EnsembleSpec, BadSpecsNameTheLine) {
  EXPECT_CONTAINS(spec_error("design: grid\nparameters:\n  trade.border_cots: [2]\n"),
                  "e.yaml:4: unknown parameter 'trade.border_cots' (did you mean 'trade.border_cost'?)");
  EXPECT_CONTAINS(spec_error("design: grid\nparameters:\n  trade.border_cost: []\n"),
                  "e.yaml:4: the grid of 'trade.border_cost' is empty");
  EXPECT_CONTAINS(spec_error("design: quadrature\nparameters:\n  trade.border_cost: {distribution: lognormal, mean: "
                             "1, sd: 1}\n"),
                  "e.yaml:4: unknown distribution 'lognormal'");
  EXPECT_CONTAINS(spec_error("design: quadrature\nparameters:\n  trade.border_cost: {distribution: normal, mean: 3, "
                             "sd: 0}\n"),
                  "'sd' of 'trade.border_cost' must be > 0");
  EXPECT_CONTAINS(spec_error("design: latin_hypercube\nsamples: 4\nparameters:\n  capital.home_bias: {distribution: "
                             "uniform, min: 0.5, max: 1.5}\n"),
                  "e.yaml:5: the uniform distribution [0.5, 1.5] of 'capital.home_bias' leaves its range [0, 1]");
  EXPECT_CONTAINS(spec_error("design: quadrature\nparameters:\n  productivity.neighbours: {distribution: normal, "
                             "mean: 6, sd: 1}\n"),
                  "'productivity.neighbours' is not a real-valued parameter");
  EXPECT_CONTAINS(spec_error("design: grids\n"), "e.yaml:2: unknown design 'grids'");
  EXPECT_CONTAINS(spec_error("design: grid\nrule: stroud\nparameters: {epochs: [1]}\n"),
                  "e.yaml:3: 'rule' does not apply to design 'grid'");
  EXPECT_CONTAINS(spec_error("design: grid\nparameters:\n  epochs: [2, 3]\n"),
                  "'epochs' must be the same for every member of an ensemble");
  EXPECT_CONTAINS(spec_error("design: latin_hypercube\nparameters:\n  trade.border_cost: {distribution: normal, "
                             "mean: 3, sd: 1}\n"),
                  "design 'latin_hypercube' needs 'samples'");
  EXPECT_CONTAINS(spec_error("design: list\nmembers:\n  - {trade.border_cost: 2, trade.border_cost: 3}\n"),
                  "key 'trade.border_cost' appears twice");
  EXPECT_CONTAINS(input_error([] { parse_ensemble_spec("design: grid\n", "e.yaml", "/"); }),
                  "missing required key 'scenario'");
  EXPECT_CONTAINS(spec_error("design: list\nmember: []\n"),
                  "e.yaml:3: unknown key 'member' in an ensemble spec "
                  "(did you mean 'members'?)");
}

TEST(EnsembleSpec, MemberValuesAreCheckedAsTheScenarioKeys) {
  const Scenario base = parse_scenario(kScenario, "s.yaml", "/base");
  // A normal distribution with a large sd puts a quadrature point below zero.
  const auto spec = spec_of(
      "design: quadrature\nparameters:\n  migration.elasticity: {distribution: normal, mean: 1, "
      "sd: 2}\n");
  const std::string e = input_error([&] {
    for (const auto& m : spec.members) member_scenario(spec, m, base);
  });
  EXPECT_CONTAINS(e, "e.yaml:4: 'migration.elasticity' = -1 is out of range (0, inf)");
  EXPECT_CONTAINS(e, "(member 000)");
  // The same value in a scenario file: the same words.
  const std::string yaml =
      input_error([&] { parse_scenario(kScenario + "migration:\n  elasticity: -1\n", "s.yaml", "/"); });
  EXPECT_CONTAINS(yaml, "s.yaml:4: 'migration.elasticity' = -1 is out of range (0, inf)");
}

TEST(Overrides, SetAsTheYamlKeyWouldBe) {
  Scenario s = parse_scenario(kScenario, "s.yaml", "/base");
  apply_overrides(s,
                  {parse_override("sectors.*.theta=5"), parse_override("sectors.services.theta=6"),
                   parse_override("trade.border_cost=2.5"), parse_override("migration.enabled=false")},
                  "--set", 0);
  EXPECT_EQ(s.sectors[0].theta, 5.0);
  EXPECT_EQ(s.sectors[2].theta, 6.0);
  EXPECT_EQ(s.trade.border_cost, 2.5);
  EXPECT_FALSE(s.migration.enabled);
  auto set_error = [&](const std::string& text) {
    return input_error([&] {
      Scenario t = s;
      apply_overrides(t, {parse_override(text)}, "--set", 0);
    });
  };
  EXPECT_CONTAINS(set_error("capital.home_bias=1.5"), "--set: 'capital.home_bias' = 1.5 is out of range [0, 1]");
  EXPECT_CONTAINS(set_error("trade.border_cost=far"), "'trade.border_cost' must be a number, got 'far'");
  EXPECT_CONTAINS(set_error("sectors.mining.theta=4"), "the scenario has no sector 'mining'");
  EXPECT_CONTAINS(set_error("output=x"), "'output' is set by the command line option --out");
  EXPECT_CONTAINS(set_error("households.housing_share=0.7"), "must be < 1");  // the scenario's own check
  EXPECT_CONTAINS(input_error([] { parse_override("trade.border_cost"); }), "write KEY=VALUE");
}

TEST(Overrides, PolicySubsetsAndLabels) {
  Scenario s = parse_scenario(kScenario +
                                  "policies:\n  - {kind: hukou, year: 2021, all: true, barrier: 0.8}\n"
                                  "  - {kind: land, name: quotas, year: 2021, all: true, land_factor: 1.1}\n"
                                  "  - {kind: hukou, year: 2022, all: true, barrier: 0.7}\n",
                              "s.yaml", "/base");
  EXPECT_EQ(policy_labels(s), (std::vector<std::string>{"hukou #1", "quotas", "hukou #3"}));
  EXPECT_EQ(parse_policy_positions("3,1", 3), (std::vector<int>{0, 2}));
  EXPECT_TRUE(parse_policy_positions("none", 3).empty());
  EXPECT_EQ(policy_positions_text({0, 2}), "1,3");
  EXPECT_CONTAINS(input_error([] { parse_policy_positions("1,4", 3); }), "'4' is not a policy of the scenario");
  keep_policies(s, {0, 2});
  ASSERT_EQ(s.policies.size(), 2u);
  EXPECT_EQ(s.policies[1].epoch, -1);  // resolved later; the kept entry is the third
  EXPECT_EQ(s.policies[1].year, 2022);
  const EnsembleSpec shapley = shapley_ensemble("s.yaml", s);
  ASSERT_EQ(shapley.members.size(), 4u);
  EXPECT_EQ(shapley.members[2].policies, std::vector<int>{1});
}
