// groups_bench: the per-residual time of the levels economy with labour groups (MODEL.md §10,
// grouped_system.hpp) on a synthetic geography, for the §10 speed target (bench/groups_vs_part1.sh
// runs it beside regio_bench's Part I residual in the same run).
//   mpirun -np 2 build/bench/groups_bench --regions 4000 --groups 2 --reps 20 --csv bench/results/groups.csv
// The economy: N regions in 31 provinces at random points of a China-sized box; S = 3 sectors
// (agriculture in the first group, manufacturing and services in the last), one θ = 4 so the
// three sectors share one trade kernel row as Part I's default economy does; China's
// input–output shares (inputs/china31/baseline-io.yaml); capital and one land market
// (residents). Reports seconds per residual (the slowest rank, best of the reps after a warm-up),
// the kernel bytes streamed per residual and rank, and peak memory.
#include <petscsys.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "regio/collectives.hpp"
#include "regio/grouped_system.hpp"
#include "regio/version.hpp"

namespace {

regio::hat::HatParameters parameters(int groups) {
  regio::hat::HatParameters p;
  p.sectors = {"agriculture", "manufacturing", "services"};
  for (int g = 0; g < groups; ++g) p.groups.push_back("g" + std::to_string(g));
  p.group_of_sector = {0, groups - 1, groups - 1};
  p.theta = {4, 4, 4};
  p.final_demand = {0.08, 0.42, 0.50};
  p.labour_share = {0.45, 0.12, 0.35};
  p.capital_share = {0.05, 0.1, 0.1};
  p.iota = {0.1375, 0.1752, 0.0702, 0.0456, 0.5475, 0.1558, 0.0077, 0.1534, 0.3116};
  for (int s = 0; s < 3; ++s)  // land: the remainder
    p.land_share.push_back(1 - p.labour_share[s] - p.capital_share[s] - p.iota[3 * s] - p.iota[3 * s + 1] -
                           p.iota[3 * s + 2]);
  p.housing_share = 0.1;
  p.migration_elasticity = 2;
  return p;
}

regio::GroupedEconomy economy(int N, int groups, const regio::Layout& layout) {
  regio::GroupedEconomy e;
  e.par = parameters(groups);
  const int S = 3, G = groups;
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(0, 1), lat(22, 45), lon(90, 125);
  std::vector<double> x(N), y(N);
  for (int p = 0; p < 31; ++p) e.province_names.push_back("p" + std::to_string(p));
  for (int n = 0; n < N; ++n) {
    e.region_ids.push_back(std::to_string(n));
    e.province_of.push_back(n % 31);
    x[n] = lon(rng) * 90, y[n] = lat(rng) * 111;  // km, roughly
    e.capital.push_back(1 + u(rng));
    e.land.push_back(0.5 + u(rng));
    e.hukou_pow.push_back(0.8);
    for (int s = 0; s < S; ++s) e.log_productivity.push_back(0.4 * u(rng));
    for (int g = 0; g < G; ++g) {
      e.amenity.push_back(0.8 + 0.4 * u(rng));
      e.registered.push_back(1 + u(rng));
    }
  }
  e.employment = e.registered;
  std::vector<double> within(G * G, 2.0), between(G * G, 4.0);
  e.group_weights = regio::GroupSwitchWeights::from_costs(G, within, between, e.par.migration_elasticity);
  for (auto n : layout.owned())
    for (int k = 0; k < N; ++k) {
      const double d = std::hypot(x[n] - x[k], y[n] - y[k]);
      const bool other = e.province_of[n] != e.province_of[k];
      e.trade_pow.push_back(std::pow(std::pow(1 + d / 100, 0.5) * (other ? 1.5 : 1.0), -4.0));
      const double mu = 3 * std::pow(1 + d / 100, 0.5) * (other ? 1.5 : 1.0);
      e.migration_pow.push_back(n == k ? 0.0 : std::pow(mu, -2.0));
    }
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  int N = 4000, groups = 2, reps = 20;
  bool solve = false;
  std::string csv;
  CLI::App app{"groups_bench: per-residual time of the levels economy with labour groups"};
  app.add_option("--regions", N, "regions N")->check(CLI::PositiveNumber);
  app.add_option("--groups", groups, "labour groups G (1 or 2)")->check(CLI::Range(1, 2));
  app.add_option("--reps", reps, "timed residuals")->check(CLI::PositiveNumber);
  app.add_option("--csv", csv, "append a row to this CSV");
  app.add_flag("--solve", solve,
               "also solve the equilibrium from the initial guess and report Newton and GMRES counts");
  CLI11_PARSE(app, argc, argv);
  if (PetscInitialize(nullptr, nullptr, nullptr, nullptr)) return 3;
  int rc = 0;
  try {
    boost::mpi::communicator comm(PETSC_COMM_WORLD, boost::mpi::comm_attach);
    std::vector<int> owners(N);
    for (int n = 0; n < N; ++n) owners[n] = (n % 31) % comm.size();
    const regio::Layout layout(comm, owners);
    const regio::GroupedEconomy e = economy(N, groups, layout);
    regio::GroupedSystem system(e, layout);
    std::vector<double> x = system.initial_guess(), f(x.size());
    system.evaluate(x.data(), f.data());  // warm-up (first touch of the scratch)
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
      comm.barrier();
      const auto t0 = std::chrono::steady_clock::now();
      system.evaluate(x.data(), f.data());
      best = std::min(best, regio::max_over_ranks(
                                comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
    }
    if (solve) {  // a SolverError reaches main's handler on every rank
      const regio::SolveSummary st = system.solve(x);
      if (comm.rank() == 0)
        std::printf("groups_bench: solved in %.2f s: %d Newton steps, %d GMRES iterations, %d residuals, |F| %.1e\n",
                    st.seconds, st.newton_iterations, st.linear_iterations, st.residual_evaluations, st.residual_norm);
    }
    const double bytes = 2.0 * 8 * static_cast<double>(N) * layout.num_owned();  // one trade + one migration row
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double rss = regio::max_over_ranks(comm, static_cast<double>(ru.ru_maxrss) / 1024.0);
    if (comm.rank() == 0) {
      std::printf(
          "groups_bench: N %d, S 3, G %d, input-output links, %d ranks | %.4f s/residual | %.1f MB/residual/rank "
          "| peak %.0f MB/rank\n",
          N, groups, comm.size(), best, bytes / 1e6, rss);
      if (!csv.empty()) {
        const bool fresh = !std::ifstream(csv).good();
        std::ofstream out(csv, std::ios::app);
        if (fresh) out << "model,regions,sectors,groups,ranks,residual_s,bytes_per_residual_per_rank,peak_mb,version\n";
        out << "groups," << N << ",3," << groups << ',' << comm.size() << ',' << best << ',' << bytes << ',' << rss
            << ',' << regio::kVersion << '\n';
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "groups_bench: error: %s\n", e.what());
    rc = 1;
  }
  PetscFinalize();
  return rc;
}
