// Google Benchmark micro-benchmarks of the serial kernels (no MPI):
//   build/bench/kernels_bench --benchmark_out=bench/results/kernels.json
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "regio/kernel_rows.hpp"
#include "regio/kernels.hpp"
#include "regio/row_products.hpp"
#include "regio/unit_migration.hpp"

using namespace regio;

namespace {

// The residual's inner loop, one row at a time: a kernel row times an exchanged column (bytes:
// 2 doubles/element, both from cache at these sizes).
void BM_RowDot(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::vector<double> a(n, 1.0001), b(n, 0.9999);
  for (auto _ : state) benchmark::DoNotOptimize(row_dot(a.data(), b.data(), n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * 2 * sizeof(double)));
}
BENCHMARK(BM_RowDot)->Arg(1000)->Arg(4000)->Arg(16000)->Arg(100000);

// Label the benchmark with the kernel-product code path; false (benchmark skipped) if this CPU
// lacks its instruction set.
bool take_path(benchmark::State& state, detail::ProductPath path) {
  if (!detail::product_path_available(path)) {
    state.SkipWithError("this CPU lacks the instruction set");
    return false;
  }
  state.SetLabel(detail::product_path_name(path));
  return true;
}

// The residual's passes as evaluate() runs them: all owned rows (rows × N doubles, ≈ 256 MB,
// streamed from memory) times the sector columns sharing them (range(2) = 3: trade, 1:
// migration), in blocks of 8 rows (range(1) = 8) or row by row (range(1) = 1), on the portable
// path (range(3) = 0), the AVX2 one (1) or the AVX-512 one (2; skipped if the CPU lacks it).
// Bytes: the kernel rows once.
void BM_RowBlockProducts(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)), block = static_cast<std::size_t>(state.range(1));
  const std::size_t num_vectors = static_cast<std::size_t>(state.range(2));
  const auto path = static_cast<detail::ProductPath>(state.range(3));
  if (!take_path(state, path)) return;
  const std::size_t rows = std::max<std::size_t>(8, (std::size_t(256) << 20) / (n * sizeof(double)) / 8 * 8);
  std::vector<double> K(rows * n, 1.0001), cols(num_vectors * n, 0.9999), out(rows * num_vectors);
  std::vector<const double*> v(num_vectors);
  for (std::size_t m = 0; m < num_vectors; ++m) v[m] = cols.data() + m * n;
  std::vector<const double*> r(block);
  for (auto _ : state) {
    for (std::size_t j = 0; j < rows; j += block) {
      for (std::size_t q = 0; q < block; ++q) r[q] = &K[(j + q) * n];
      detail::row_block_products(path, r.data(), block, v.data(), num_vectors, n, &out[j * num_vectors], num_vectors);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * n * sizeof(double)));
}
BENCHMARK(BM_RowBlockProducts)->ArgsProduct({{4000, 16000}, {1, 8}, {3, 1}, {0, 1, 2}})->Unit(benchmark::kMillisecond);

// A whole kernel pass as the residual runs it (src/solver/kernel_passes.cpp, dot_then_scatter): each
// block of 8 rows gives its products with the M columns, then its column contributions from
// cache while the next block is prefetched. Bytes: the kernel rows once (≈ 256 MB).
void BM_RowPass(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)),
                    num_vectors = static_cast<std::size_t>(state.range(1));
  const auto path = static_cast<detail::ProductPath>(state.range(2));
  if (!take_path(state, path)) return;
  const std::size_t rows = std::max<std::size_t>(16, (std::size_t(256) << 20) / (n * sizeof(double)) / 8 * 8);
  std::vector<double> K(rows * n, 1.0001), cols(num_vectors * n, 0.9999), sums(num_vectors * n), dots(8 * num_vectors);
  std::vector<const double*> v(num_vectors);
  std::vector<double*> acc(num_vectors);
  for (std::size_t m = 0; m < num_vectors; ++m) v[m] = cols.data() + m * n, acc[m] = sums.data() + m * n;
  const double* now[8];
  const double* next[8];
  for (auto _ : state) {
    for (std::size_t j = 0; j < rows; j += 8) {
      for (std::size_t q = 0; q < 8; ++q) now[q] = &K[(j + q) * n], next[q] = &K[std::min(j + 8 + q, rows - 1) * n];
      detail::row_block_products(path, now, 8, v.data(), num_vectors, n, dots.data(), num_vectors);
      for (auto& d : dots) d = 1.0 / d;
      detail::row_block_scatter(path, now, 8, dots.data(), num_vectors, acc.data(), num_vectors, n,
                                j + 8 < rows ? next : nullptr);
    }
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * rows * n * sizeof(double)));
}
BENCHMARK(BM_RowPass)->ArgsProduct({{4000, 16000}, {3, 1}, {0, 1, 2}})->Unit(benchmark::kMillisecond);

// The migration pass over (region, group) units in product form (MODEL.md §10,
// include/regio/unit_migration.hpp) at N = range(0) regions in 31 provinces and G = range(1)
// groups, every row owned (N² doubles streamed once per pass, 128 MB at N = 4,000). G = 1 is
// Part I's pass plus the province-peer terms; the §10 target is G = 2 at most 1.3× of it.
void BM_UnitMigrationPass(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0)), G = static_cast<std::size_t>(state.range(1));
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> u(0.2, 1.0);
  std::vector<double> K(n * n), attraction(n * G), own(n * G), registered(n * G);
  for (auto& k : K) k = 0.01 * u(rng);
  for (std::size_t k = 0; k < n * G; ++k) attraction[k] = u(rng), own[k] = u(rng), registered[k] = u(rng);
  std::vector<int> province(n);
  std::vector<std::size_t> owned(n);
  for (std::size_t k = 0; k < n; ++k) province[k] = static_cast<int>(k % 31), owned[k] = k, K[k * n + k] = 0;
  std::vector<double> within(G * G, 2.0), between(G * G, 5.0);
  UnitMigrationPass pass(GroupSwitchWeights::from_costs(G, within, between, 2.0), ProvincePeers::of(province, owned));
  const UnitMigrationPoint x{n, G, &owned, attraction.data(), own.data(), registered.data(), nullptr, 2.0};
  UnitMigrationFlows flows;
  for (auto _ : state) {
    pass.run<double>(
        x, [&](std::size_t j) { return &K[j * n]; }, 8, flows);
    benchmark::DoNotOptimize(flows.inflow_partial.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * n * sizeof(double)));
}
BENCHMARK(BM_UnitMigrationPass)->ArgsProduct({{4000}, {1, 2}})->Unit(benchmark::kMillisecond);

// One region's local clearing (3×3 Newton in log prices) from a warm start.
void BM_LocalClearing(benchmark::State& state) {
  const Technology tech(Scenario::defaults());
  std::vector<double> ma = {1.3, 2.1, 0.7}, logA = {0.1, -0.2, 0.05};
  LocalMarketInputs in{ma, logA, 2e6, 5e6, 800.0, 0.0, 1.0};
  const auto ref = clear_local_markets(tech, in, FactorPrices{});
  FactorPrices guess = ref.prices;
  guess.wage *= 1.01;
  for (auto _ : state) benchmark::DoNotOptimize(clear_local_markets(tech, in, guess).prices.wage);
}
BENCHMARK(BM_LocalClearing);

// Recomputing a kernel row on the fly (solver.kernels: on_the_fly): cost per element.
void BM_KernelRowOnTheFly(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> lat(20, 45), lon(95, 125);
  GlobalGeography geo;
  for (std::size_t i = 0; i < n; ++i) {
    geo.id.push_back(std::to_string(i));
    geo.name.push_back(geo.id.back());
    geo.lat.push_back(lat(rng));
    geo.lon.push_back(lon(rng));
    geo.area_km2.push_back(5000);
    geo.province.push_back(static_cast<int>(i % 31));
  }
  Scenario sc = Scenario::defaults();
  EconomyState st;
  for (std::size_t i = 0; i < 2; ++i) {
    Region r;
    r.index = static_cast<std::int64_t>(i);
    st.records.push_back(r);
  }
  const Technology tech(sc);
  for (int p = 0; p < 31; ++p) geo.province_names.push_back("P" + std::to_string(p));
  const TransportCosts costs(sc, geo);
  KernelRows rows(sc, tech, geo, st, costs, KernelRows::Storage::OnTheFly);
  std::size_t j = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rows.trade(0, j)[n / 2]);
    j ^= 1;  // alternate rows so each call recomputes
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_KernelRowOnTheFly)->Arg(4000)->Arg(16000);

}  // namespace

BENCHMARK_MAIN();
