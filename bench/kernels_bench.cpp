// Google Benchmark micro-benchmarks of the serial kernels (no MPI):
//   build/bench/kernels_bench --benchmark_out=bench/results/kernels.json
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "regio/kernel_rows.hpp"
#include "regio/kernels.hpp"

using namespace regio;

namespace {

// The residual's inner loop: a kernel row times an exchanged column (bytes: 2 doubles/element).
void BM_RowDot(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::vector<double> a(n, 1.0001), b(n, 0.9999);
  for (auto _ : state) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) s0 += a[k] * b[k], s1 += a[k + 1] * b[k + 1], s2 += a[k + 2] * b[k + 2], s3 += a[k + 3] * b[k + 3];
    for (; k < n; ++k) s0 += a[k] * b[k];
    benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * 2 * sizeof(double)));
}
BENCHMARK(BM_RowDot)->Arg(1000)->Arg(4000)->Arg(16000)->Arg(100000);

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
