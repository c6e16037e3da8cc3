// Unit tests of the serial kernels: geography, trade and migration shares, price indices and
// the local clearing of one region's factor markets.
#include <gtest/gtest.h>
#include <cstdio>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "regio/dynamics.hpp"
#include "regio/geography.hpp"
#include "regio/huge_page_allocator.hpp"
#include "regio/kernels.hpp"
#include "regio/row_products.hpp"
#include "regio/transport_costs.hpp"
#include "regio/vector_math.hpp"

using namespace regio;

TEST(Geography, GreatCircleMatchesKnownDistances) {
  // Beijing–Tianjin capitals: 113.8 km (shared/data, R = 6371.0088 km; we use 6371.0 km).
  EXPECT_NEAR(great_circle_km(39.904211, 116.407394, 39.084158, 117.200983), 113.8, 0.1);
  // A quarter of the equator.
  EXPECT_NEAR(great_circle_km(0, 0, 0, 90), kEarthRadiusKm * M_PI / 2, 1e-9);
  EXPECT_NEAR(great_circle_km(10, 20, 10, 20), 0.0, 1e-12);
  EXPECT_NEAR(great_circle_km(30, 100, -20, 140), great_circle_km(-20, 140, 30, 100), 1e-9);
}

TEST(Geography, InternalDistanceIsMeanDistanceFromDiscCentre) {
  // Disc of radius a: area π a², mean distance from the centre 2a/3.
  EXPECT_NEAR(internal_distance_km(M_PI * 300.0 * 300.0), 200.0, 1e-9);
}

TEST(Geography, NearestNeighboursBreakTiesByInputOrder) {
  GlobalGeography g;
  // Region 0 at the origin; 1..4 at the same distance on the equator/meridian; 5 further away.
  g.lat = {0, 0, 1, 0, -1, 5};
  g.lon = {0, 1, 0, -1, 0, 0};
  g.id = {"a", "b", "c", "d", "e", "f"};
  g.area_km2.assign(6, 1.0);
  g.province.assign(6, 0);
  const auto nb = nearest_neighbours(g, 0, 3);
  ASSERT_EQ(nb.size(), 3u);
  EXPECT_EQ(nb[0], 1u);
  EXPECT_EQ(nb[1], 2u);
  EXPECT_EQ(nb[2], 3u);
  EXPECT_EQ(nearest_neighbours(g, 0, 10).size(), 5u);  // capped at N − 1, self excluded
}

// The kernel rows' exp, log1p and asin (vector_math.hpp): every vector width this CPU has gives
// bitwise the scalar result, for lengths that leave every tail size, and each is within 2 ulp of
// glibc over the ranges the kernels use (exponents of τ^−θ and μ^−ε down to −745 and below,
// where exp underflows to subnormals and 0; log1p of D/d0 ≥ 0; asin of half-chords in [0, 1]).
TEST(VectorMath, EveryWidthIsBitwiseTheScalarFunctionAndWithinTwoUlpOfLibm) {
  std::mt19937 rng(11);
  struct Case {
    const char* name;
    double lo, hi;
    double (*scalar)(double);
    double (*libm)(double);
    void (*array)(vmath::Width, const double*, double*, std::size_t);
  };
  const Case cases[] = {
      {"exp", -760.0, 5.0, [](double x) { return vmath::exp(x); }, [](double x) { return std::exp(x); },
       vmath::detail::exp},
      {"log1p", 0.0, 200.0, [](double x) { return vmath::log1p(x); }, [](double x) { return std::log1p(x); },
       vmath::detail::log1p},
      {"asin", 0.0, 1.0, [](double x) { return vmath::asin(x); }, [](double x) { return std::asin(x); },
       vmath::detail::asin},
  };
  std::vector<vmath::Width> widths;
  for (auto w : {vmath::Width::scalar, vmath::Width::sse2, vmath::Width::avx, vmath::Width::avx512})
    if (vmath::detail::width_available(w)) widths.push_back(w);
  std::printf("vector-math widths on this CPU:");
  for (auto w : widths) std::printf(" %s", vmath::detail::width_name(w));
  std::printf(" (default %s)\n", vmath::detail::width_name(vmath::detail::best_width()));
  for (const auto& c : cases) {
    std::uniform_real_distribution<double> u(c.lo, c.hi);
    for (std::size_t n : {1u, 2u, 3u, 5u, 7u, 8u, 9u, 15u, 4099u}) {
      std::vector<double> x(n);
      for (auto& v : x) v = u(rng);
      x[0] = c.lo;  // the ends of the range, 0 and 1 for asin included
      if (n > 1) x[n - 1] = c.hi;
      for (auto w : widths) {
        std::vector<double> y(n, -1.0);
        c.array(w, x.data(), y.data(), n);
        for (std::size_t k = 0; k < n; ++k) {
          const double s = c.scalar(x[k]), ref = c.libm(x[k]);
          ASSERT_EQ(std::memcmp(&y[k], &s, sizeof s), 0)
              << c.name << " " << vmath::detail::width_name(w) << " x " << x[k];
          if (ref == 0 || std::fpclassify(ref) == FP_SUBNORMAL)
            EXPECT_LE(std::abs(s - ref), 2 * std::numeric_limits<double>::denorm_min()) << c.name << " x " << x[k];
          else
            EXPECT_LE(std::abs(s - ref), 2 * std::numeric_limits<double>::epsilon() * std::abs(ref))
                << c.name << " x " << x[k];
        }
      }
      // In place, as the kernel rows use it.
      std::vector<double> y = x;
      c.array(vmath::detail::best_width(), y.data(), y.data(), n);
      for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(y[k], c.scalar(x[k])) << c.name;
    }
  }
}

// A row of direct legs is bitwise road × the pairwise great-circle distance (the scalar path
// that links and policies use), and the great circle agrees with the haversine formula.
TEST(Geography, DirectLegRowsAreBitwiseThePairwiseGreatCircles) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> lat(-60, 60), lon(-180, 180);
  GlobalGeography geo;
  const std::size_t n = 37;
  for (std::size_t i = 0; i < n; ++i) {
    geo.id.push_back(std::to_string(i));
    geo.name.push_back(geo.id.back());
    geo.lat.push_back(i == 1 ? -geo.lat[0] : lat(rng));  // 0 and 1 antipodal: a half-chord of 1
    geo.lon.push_back(i == 1 ? geo.lon[0] + 180 : lon(rng));
    geo.area_km2.push_back(1000);
    geo.province.push_back(0);
  }
  geo.province_names.push_back("P");
  Scenario sc = Scenario::defaults();
  sc.network.road = 1.3;
  const TransportCosts costs(sc, geo);
  std::vector<double> row(n);
  for (std::size_t i = 0; i < n; ++i) {
    costs.direct_legs(i, row.data());
    for (std::size_t k = 0; k < n; ++k) {
      ASSERT_EQ(row[k], sc.network.road * costs.great_circle(i, k)) << i << " " << k;
      EXPECT_NEAR(costs.great_circle(i, k), great_circle_km(geo.lat[i], geo.lon[i], geo.lat[k], geo.lon[k]), 1e-6);
    }
    EXPECT_EQ(row[i], 0.0);
  }
  EXPECT_NEAR(costs.great_circle(0, 1), kEarthRadiusKm * M_PI, 1e-6);
}

// Stored kernel rows live in 2 MiB-aligned blocks (huge pages where the system grants them);
// small arrays use ordinary allocations; the vector behaves as any other.
TEST(HugePageAllocator, LargeBlocksAreAlignedToHugePagesAndHoldTheirValues) {
  using Rows = std::vector<double, HugePageAllocator<double>>;
  Rows large(3 * (1u << 18) + 5), small(7, 1.5);  // 6 MiB + 40 B, and 56 B
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(large.data()) % HugePageAllocator<double>::kHugePage, 0u);
  for (std::size_t k = 0; k < large.size(); ++k) large[k] = static_cast<double>(k);
  Rows copy = large;
  copy.resize(copy.size() + 1, -1.0);
  for (std::size_t k = 0; k < large.size(); k += 4097) ASSERT_EQ(copy[k], static_cast<double>(k));
  EXPECT_EQ(copy.back(), -1.0);
  EXPECT_EQ(small[6], 1.5);
  std::vector<float, HugePageAllocator<float>> none;
  none.shrink_to_fit();
  EXPECT_TRUE(none.empty());
}

TEST(Kernels, TradeSharesSumToOneAndFollowGravity) {
  std::vector<double> tau_pow = {1.0, 0.5, 0.25, 0.1}, price_pow = {2.0, 1.0, 3.0, 0.5}, shares(4);
  const double phi = trade_shares(tau_pow, price_pow, shares);
  EXPECT_NEAR(phi, 2.0 + 0.5 + 0.75 + 0.05, 1e-15);
  double sum = 0;
  for (double s : shares) sum += s;
  EXPECT_NEAR(sum, 1.0, 1e-15);
  EXPECT_NEAR(shares[2] / shares[1], (0.25 * 3.0) / (0.5 * 1.0), 1e-14);
}

TEST(Kernels, MigrationSharesAreLogit) {
  std::vector<double> U = {1.0, 2.0, 1.5}, mu = {1.0, 4.0, 2.0}, m(3);
  const double eps = 1.5;
  const double D = migration_shares(U, mu, eps, m);
  EXPECT_NEAR(D, 1.0 + std::pow(0.5, eps) + std::pow(0.75, eps), 1e-14);
  EXPECT_NEAR(m[0] + m[1] + m[2], 1.0, 1e-15);
  EXPECT_NEAR(m[1] / m[2], std::pow((2.0 / 4.0) / (1.5 / 2.0), eps), 1e-13);
}

// MODEL.md §11: the stayers' own share m solves m = z/(z + b) with z = a (1 + c/m)^ε, from any
// start; no rent (c = 0) is the plain logit; a sole destination (b = 0) keeps everyone.
TEST(Kernels, StayersRebateSolvesTheOwnShareFixedPoint) {
  const double eps = 1.5;
  for (double a : {0.3, 1.0, 4.0})
    for (double b : {0.05, 1.0, 20.0})
      for (double c : {0.0, 0.1, 2.0})
        for (double start : {1e-6, 0.5, 1.0}) {
          const double C = stayers_rebate(a, b, c, eps, start);
          const double m = c > 0 ? c / (C - 1) : a / (a + b);
          const double z = a * std::pow(C, eps);
          EXPECT_NEAR(m, z / (z + b), 1e-13) << a << " " << b << " " << c << " " << start;
          if (c == 0) EXPECT_EQ(C, 1.0);
        }
  EXPECT_NEAR(stayers_rebate(1.0, 0.0, 0.4, eps, 0.3), 1.4, 1e-15);
}

TEST(Kernels, UnitPriceIsCobbDouglasCostOverProductivity) {
  Scenario sc = Scenario::defaults();
  const Technology t(sc);
  FactorPrices p{2.0, 0.5, 3.0};
  for (std::size_t s = 0; s < t.S; ++s) {
    const double a = t.alpha[s], b = t.beta[s], l = t.lambda[s];
    const double expected = std::pow(2.0 / a, a) * std::pow(0.5 / b, b) * std::pow(3.0 / l, l) / 1.7;
    EXPECT_NEAR(std::exp(log_unit_price(t, s, p, std::log(1.7))), expected, 1e-13 * expected);
  }
}

TEST(Kernels, ZeroSharesUseZeroToTheZeroIsOne) {
  Scenario sc = Scenario::defaults();
  sc.sectors = {SectorParams{"goods", 4.0, 1.0, 0.0, 1.0, 0.0, 0.0, false}};
  sc.households = {0.0, 0.0};
  const Technology t(sc);
  EXPECT_FALSE(t.active[kCapital]);
  EXPECT_FALSE(t.active[kLand]);
  EXPECT_EQ(t.num_active(), 1);
  EXPECT_NEAR(std::exp(log_unit_price(t, 0, FactorPrices{3.0, 123.0, 456.0}, 0.0)), 3.0, 1e-15);
  EXPECT_NEAR(income(t, FactorPrices{3.0, 123.0, 456.0}, 2.0, 5.0, 7.0, 0.0), 6.0, 1e-15);
}

namespace {
struct LocalCase {
  std::vector<double> ma, logA;
  LocalMarketInputs in;
};
LocalCase random_case(std::mt19937& rng, std::size_t S) {
  std::lognormal_distribution<double> d(0, 1.0);
  LocalCase c;
  for (std::size_t s = 0; s < S; ++s) c.ma.push_back(d(rng)), c.logA.push_back(std::log(d(rng)));
  c.in.market_access = c.ma;
  c.in.log_productivity = c.logA;
  c.in.population = d(rng) * 1e6;
  c.in.capital = d(rng) * 1e6;
  c.in.land = d(rng) * 1e3;
  c.in.price_level = 0.8 + 0.4 * std::uniform_real_distribution<double>(0, 1)(rng);
  return c;
}
}  // namespace

TEST(LocalClearing, ClearsAllThreeMarketsFromPoorGuesses) {
  const Scenario sc = Scenario::defaults();
  const Technology t(sc);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    auto c = random_case(rng, t.S);
    FactorPrices guess{std::exp(4.0 * (trial % 5 - 2)), 1.0, 1e-3};
    const auto res = clear_local_markets(t, c.in, guess);
    ASSERT_TRUE(res.converged) << "trial " << trial << " residual " << res.residual;
    const auto F = local_market_residuals(t, c.in, res.prices);
    for (double f : F) EXPECT_LT(std::abs(f), 1e-12);
    // Check the equations in levels, independently of the solver's own residual.
    double labor = 0, cap = 0, land = 0;
    for (std::size_t s = 0; s < t.S; ++s) {
      const double R = c.ma[s] * std::exp(-t.theta[s] * log_unit_price(t, s, res.prices, c.logA[s]));
      labor += t.alpha[s] * R, cap += t.beta[s] * R, land += t.lambda[s] * R;
    }
    const auto& p = res.prices;
    const double I = p.wage * c.in.population + p.capital_rent * c.in.capital + p.land_rent * c.in.land;
    EXPECT_NEAR(labor * c.in.price_level, p.wage * c.in.population, 1e-11 * labor);
    EXPECT_NEAR(cap, p.capital_rent * c.in.capital, 1e-11 * cap);
    EXPECT_NEAR(land + t.housing_share * I, p.land_rent * c.in.land, 1e-11 * land);
  }
}

TEST(LocalClearing, SolutionIsUniqueWhateverTheGuess) {
  const Technology t(Scenario::defaults());
  std::mt19937 rng(7);
  auto c = random_case(rng, t.S);
  const auto a = clear_local_markets(t, c.in, FactorPrices{1e-3, 1e3, 1.0});
  const auto b = clear_local_markets(t, c.in, FactorPrices{1e3, 1e-3, 1e2});
  for (int f = 0; f < 3; ++f) EXPECT_NEAR(a.prices[f], b.prices[f], 1e-12 * a.prices[f]);
}

TEST(LocalClearing, LaborOnlyEconomyHasClosedForm) {
  // S = 1, α = 1: w L / P̄ = p^−θ MA with p = w/A  =>  w = (MA A^θ P̄ / L)^(1/(1+θ)).
  Scenario sc = Scenario::defaults();
  sc.sectors = {SectorParams{"goods", 4.0, 1.0, 0.0, 1.0, 0.0, 0.0, false}};
  sc.households = {0.0, 0.0};
  const Technology t(sc);
  std::vector<double> ma = {7.0}, logA = {std::log(1.3)};
  LocalMarketInputs in{ma, logA, 2.5, 1.0, 1.0, 0.0, 0.9};
  const auto res = clear_local_markets(t, in, FactorPrices{});
  const double w = std::pow(7.0 * std::pow(1.3, 4.0) * 0.9 / 2.5, 1.0 / 5.0);
  EXPECT_NEAR(res.prices.wage, w, 1e-13 * w);
  EXPECT_EQ(res.prices.capital_rent, 1.0);
  EXPECT_EQ(res.prices.land_rent, 1.0);
}

TEST(Kernels, PriceIndexIsGeometricMeanOfSectorIndices) {
  const Technology t(Scenario::defaults());
  // Autarky: Φ_ns = (τ_nn p_ns)^−θ_s, so P_ns = τ_nn p_ns.
  const double tau = 1.3;
  const std::vector<double> p = {0.7, 1.9, 1.1};
  std::vector<double> phi;
  double expected = 0;
  for (std::size_t s = 0; s < t.S; ++s) {
    phi.push_back(std::pow(tau * p[s], -t.theta[s]));
    expected += t.eta[s] * std::log(tau * p[s]);
  }
  EXPECT_NEAR(log_price_index(t, phi), expected, 1e-14);
  // Adding a second, identical origin doubles Φ and lowers every P_ns by 2^(−1/θ).
  std::vector<double> phi2;
  for (double f : phi) phi2.push_back(2 * f);
  double drop = 0;
  for (std::size_t s = 0; s < t.S; ++s) drop += t.eta[s] * std::log(2.0) / t.theta[s];
  EXPECT_NEAR(log_price_index(t, phi2), expected - drop, 1e-14);
}

// The residual's row products in blocks of rows × vectors must give bitwise the products of
// single rows (same partial sums), whatever the block shape, the counts and the length.
// Every implementation (portable loops, AVX2, AVX-512; those this CPU has) gives bitwise the
// single-row sums, so results do not depend on a rank's row count nor on the node's CPU.
std::vector<detail::ProductPath> product_paths() {
  std::vector<detail::ProductPath> paths;
  for (auto p : {detail::ProductPath::portable, detail::ProductPath::avx2, detail::ProductPath::avx512})
    if (detail::product_path_available(p)) paths.push_back(p);
  return paths;
}

TEST(RowProducts, BlocksAreBitwiseSingleRowDots) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> value(0.0, 2.0);
  const auto paths = product_paths();
  std::printf("product paths on this CPU:");
  for (auto p : paths) std::printf(" %s", detail::product_path_name(p));
  std::printf(" (default %s)\n", detail::product_path_name(detail::best_product_path()));
  for (std::size_t n : {1u, 3u, 4u, 5u, 31u, 64u, 1001u}) {
    const std::size_t max_rows = 19, max_vectors = 7;
    std::vector<std::vector<double>> rows(max_rows, std::vector<double>(n)), vecs(max_vectors, std::vector<double>(n));
    for (auto& r : rows)
      for (auto& x : r) x = value(rng);
    for (auto& v : vecs)
      for (auto& x : v) x = value(rng);
    for (auto path : paths)
      for (std::size_t nr = 1; nr <= max_rows; ++nr)
        for (std::size_t nv = 1; nv <= max_vectors; ++nv) {
          std::vector<const double*> rp, vp;
          for (std::size_t r = 0; r < nr; ++r) rp.push_back(rows[r].data());
          for (std::size_t m = 0; m < nv; ++m) vp.push_back(vecs[m].data());
          const std::size_t stride = nv + 2;  // a wider output row: only the first nv are written
          std::vector<double> out(nr * stride, -1.0);
          detail::row_block_products(path, rp.data(), nr, vp.data(), nv, n, out.data(), stride);
          for (std::size_t r = 0; r < nr; ++r) {
            for (std::size_t m = 0; m < nv; ++m)
              ASSERT_EQ(out[r * stride + m], row_dot(rows[r].data(), vecs[m].data(), n))
                  << detail::product_path_name(path) << " n " << n << " " << nr << "x" << nv;
            EXPECT_EQ(out[r * stride + nv], -1.0);
          }
        }
  }
}

// The transposed use: a block of rows scattered into column sums gives bitwise the sums of the
// rows added one at a time in order (so a rank's blocking does not change them), on every path,
// for double and float rows, and only the first n entries of each accumulator change.
TEST(RowProducts, ScatterIsBitwiseRowByRow) {
  std::mt19937 rng(5);
  std::lognormal_distribution<double> value(0.0, 2.0);
  for (std::size_t n : {1u, 3u, 4u, 7u, 64u, 1001u}) {
    const std::size_t max_rows = 19, max_vectors = 7;
    std::vector<std::vector<double>> rows(max_rows, std::vector<double>(n));
    std::vector<std::vector<float>> rows_f(max_rows, std::vector<float>(n));
    for (std::size_t r = 0; r < max_rows; ++r)
      for (std::size_t k = 0; k < n; ++k) rows[r][k] = rows_f[r][k] = static_cast<float>(value(rng));
    std::vector<double> coef(max_rows * (max_vectors + 1)), start(max_vectors * (n + 1));
    for (auto& x : coef) x = value(rng);
    for (auto& x : start) x = value(rng);
    for (auto path : product_paths())
      for (std::size_t nr : {1u, 2u, 5u, 8u, 11u, 19u})
        for (std::size_t nv = 1; nv <= max_vectors; ++nv) {
          const std::size_t cs = nv + 1;  // a wider coefficient row: only the first nv are read
          std::vector<double> expected = start, got = start, got_f = start;
          for (std::size_t m = 0; m < nv; ++m)
            for (std::size_t k = 0; k < n; ++k)
              for (std::size_t r = 0; r < nr; ++r) expected[m * (n + 1) + k] += rows[r][k] * coef[r * cs + m];
          std::vector<const double*> rp;
          std::vector<const float*> rf;
          std::vector<double*> ap, af;
          for (std::size_t r = 0; r < nr; ++r) rp.push_back(rows[r].data()), rf.push_back(rows_f[r].data());
          for (std::size_t m = 0; m < nv; ++m) ap.push_back(&got[m * (n + 1)]), af.push_back(&got_f[m * (n + 1)]);
          detail::row_block_scatter(path, rp.data(), nr, coef.data(), cs, ap.data(), nv, n);
          detail::row_block_scatter(path, rf.data(), nr, coef.data(), cs, af.data(), nv, n);
          for (std::size_t k = 0; k < got.size(); ++k) {
            ASSERT_EQ(got[k], expected[k])
                << detail::product_path_name(path) << " n " << n << " " << nr << "x" << nv << " @" << k;
            ASSERT_EQ(got_f[k], expected[k]) << detail::product_path_name(path) << " float n " << n << " @" << k;
          }
        }
  }
}

// Float rows (solver.kernel_precision = single) give bitwise the sums of double rows holding the
// same rounded values, blocked or not, on every path.
TEST(RowProducts, FloatRowsEqualTheirWidenedDoubleRows) {
  std::mt19937 rng(11);
  std::lognormal_distribution<double> value(0.0, 2.0);
  const std::size_t n = 1003, nr = 13, nv = 3;
  std::vector<std::vector<float>> rows_f(nr, std::vector<float>(n));
  std::vector<std::vector<double>> rows_d(nr, std::vector<double>(n)), vecs(nv, std::vector<double>(n));
  for (std::size_t r = 0; r < nr; ++r)
    for (std::size_t k = 0; k < n; ++k) rows_d[r][k] = rows_f[r][k] = static_cast<float>(value(rng));
  for (auto& v : vecs)
    for (auto& x : v) x = value(rng);
  std::vector<const float*> rf;
  std::vector<const double*> rd, vp;
  for (std::size_t r = 0; r < nr; ++r) rf.push_back(rows_f[r].data()), rd.push_back(rows_d[r].data());
  for (auto& v : vecs) vp.push_back(v.data());
  std::vector<double> reference(nr * nv);
  row_block_products(rd.data(), nr, vp.data(), nv, n, reference.data(), nv);
  for (auto path : product_paths()) {
    std::vector<double> of(nr * nv), od(nr * nv);
    detail::row_block_products(path, rf.data(), nr, vp.data(), nv, n, of.data(), nv);
    detail::row_block_products(path, rd.data(), nr, vp.data(), nv, n, od.data(), nv);
    for (std::size_t k = 0; k < of.size(); ++k) {
      ASSERT_EQ(of[k], od[k]) << detail::product_path_name(path) << " " << k;
      ASSERT_EQ(od[k], reference[k]) << detail::product_path_name(path) << " " << k;
    }
  }
}
