// regio_bench: whole-epoch benchmark of the distributed solver (issue: scale and speed).
//   mpirun -np 2 build/bench/regio_bench SCENARIO.yaml --epochs 3 --csv bench/results/epochs.csv
// Runs the scenario's first epochs without writing model outputs and reports, per run: seconds
// per epoch (cold epoch 0, warm epochs after), Newton and residual-evaluation counts, seconds
// per residual, the bytes of kernel rows one residual streams per rank, a STREAM-triad
// bandwidth measured on every rank at once in the same run, the bandwidth bound on the
// residual time (bytes ÷ triad bandwidth) and the ratio to it, the same for a read-only
// stream (what one core can load when it only loads, as the kernel passes do), and peak
// memory per rank.
#include <petscsys.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/distribute.hpp"
#include "regio/error.hpp"
#include "regio/row_products.hpp"
#include "regio/simulation.hpp"
#include "regio/version.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// STREAM triad a = b + s·c on arrays far larger than cache, all ranks at once (they share the
// node's memory bus, as the solver's ranks do). Best of `reps`, in bytes per second per rank.
double stream_triad(MPI_Comm comm, std::size_t n = std::size_t(1) << 23, int reps = 6) {
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    MPI_Barrier(comm);
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    best = std::min(best, since(t0));
  }
  volatile double sink = a[n / 2];
  (void)sink;
  return 3.0 * sizeof(double) * static_cast<double>(n) / best;
}

// Read-only stream Σ a_i over an array far larger than cache, all ranks at once: what one
// core can read from memory when it only loads (the residual's kernel passes only load; a
// single core keeps too few loads in flight to reach the triad figure of the whole bus).
double stream_read(MPI_Comm comm, std::size_t n = std::size_t(1) << 24, int reps = 6) {
  std::vector<double> a(n, 1.0);
  double best = 1e300, total = 0;
  for (int r = 0; r < reps; ++r) {
    MPI_Barrier(comm);
    const auto t0 = Clock::now();
    double s[8] = {};
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      for (int q = 0; q < 8; ++q) s[q] += a[i + q];
    best = std::min(best, since(t0));
    for (double x : s) total += x;
  }
  volatile double sink = total;
  (void)sink;
  return sizeof(double) * static_cast<double>(n) / best;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// What to run and where the row goes.
struct BenchOptions {
  std::string scenario, decomp = "auto", csv, label;
  int epochs = 3;
};

void add_bench_options(CLI::App& app, BenchOptions& o) {
  app.add_option("scenario", o.scenario, "Scenario YAML")->required();
  app.add_option("--epochs", o.epochs, "Epochs to time (>= 2: one cold, the rest warm)")->check(CLI::Range(1, 1000));
  app.add_option("--decomp", o.decomp, "Decomposition YAML or auto");
  app.add_option("--csv", o.csv, "Append one result row to this CSV (header written if new)");
  app.add_option("--label", o.label, "Free-form label for the row");
}

// The scenario on every rank, its solver options and then the command line's in PETSc's database.
regio::Scenario load_everywhere(const boost::mpi::communicator& comm, const std::string& path,
                                const std::vector<std::string>& petsc) {
  regio::Scenario sc;
  regio::on_root(comm, [&] { sc = regio::load_scenario(path); });
  boost::mpi::broadcast(comm, sc, 0);
  PetscOptionsInsertString(nullptr, sc.solver.petsc_options.c_str());
  std::string joined;
  for (const auto& a : petsc) joined += a + " ";
  PetscOptionsInsertString(nullptr, joined.c_str());
  return sc;
}

// One run's figures (slowest rank's times, every rank's peak memory and bandwidth).
struct BenchResult {
  std::size_t regions = 0, sectors = 0;
  int ranks = 0, epochs = 0;
  double setup = 0;  // building the simulation, s
  double cold = 0;   // epoch 0, s
  int cold_newton = 0, cold_evals = 0;
  double warm = 0, warm_newton = 0, warm_evals = 0;  // means over the epochs after
  double per_residual = 0, bytes = 0;                // s and kernel bytes per residual and rank
  double triad = 0, read = 0;                        // bytes/s per rank (slowest rank)
  double rss = 0;                                    // peak MB per rank
  bool stored = false;                               // kernel rows stored on every rank
  std::string snes_type;
  const char* product_path = "";
  double bound() const { return bytes / triad; }      // residual time the triad bandwidth allows
  double read_bound() const { return bytes / read; }  // the same for a read-only stream
};

// Times the epochs (cold epoch 0, then warm ones) into `r`.
void time_epochs(const boost::mpi::communicator& comm, regio::Simulation& sim, BenchResult& r) {
  std::vector<double> seconds;
  std::vector<int> newton, evals;
  for (int e = 0; e < r.epochs; ++e) {
    MPI_Barrier(comm);
    const auto t0 = Clock::now();
    const auto st = sim.solve();
    seconds.push_back(regio::max_over_ranks(comm, since(t0)));
    newton.push_back(st.nonlinear_iterations);
    evals.push_back(st.residual_evaluations);
    if (e + 1 < r.epochs) sim.advance();
  }
  r.cold = seconds[0], r.cold_newton = newton[0], r.cold_evals = evals[0];
  double warm = 0, warm_evals = 0, warm_newton = 0;
  for (int e = 1; e < r.epochs; ++e) warm += seconds[e], warm_evals += evals[e], warm_newton += newton[e];
  const int nw = std::max(1, r.epochs - 1);
  r.warm = warm / nw, r.warm_newton = warm_newton / nw, r.warm_evals = warm_evals / nw;
}

// Peak memory, bandwidths and what one residual costs and streams, after the timed epochs.
void measure_machine(const boost::mpi::communicator& comm, regio::Simulation& sim, BenchResult& r) {
  // Peak memory of the solver itself, before the STREAM arrays are allocated.
  r.rss = regio::max_over_ranks(comm, peak_rss_mb());
  const double triad = stream_triad(comm);
  r.read = regio::min_over_ranks(comm, stream_read(comm));
  auto& sys = sim.system();
  r.per_residual =
      regio::max_over_ranks(comm, sys.residual_log().total_seconds() / sys.residual_log().total_evaluations());
  r.bytes = regio::max_over_ranks(comm, sys.kernel_bytes_per_residual());
  r.triad = regio::min_over_ranks(comm, triad);
  const int stored = sys.kernels().rows().storage() == regio::KernelRows::Storage::Stored ? 1 : 0;
  int all_stored = 0;
  MPI_Allreduce(&stored, &all_stored, 1, MPI_INT, MPI_MIN, comm);
  r.stored = all_stored != 0;
  char snes_type[64] = "newtonls";
  PetscBool set = PETSC_FALSE;
  PetscOptionsGetString(nullptr, "national_", "-snes_type", snes_type, sizeof snes_type, &set);
  r.snes_type = snes_type;
  // Stored rows go through row_block_products: the code path chosen for this CPU (rank 0's).
  r.product_path = regio::detail::product_path_name(regio::detail::best_product_path());
}

BenchResult run_bench(const boost::mpi::communicator& comm, const BenchOptions& o, const regio::Scenario& sc) {
  BenchResult r;
  r.epochs = o.epochs;
  r.ranks = comm.size();
  r.sectors = sc.num_sectors();
  const auto t_setup = Clock::now();
  regio::Simulation sim(comm, regio::distribute_inputs(comm, sc, o.decomp));
  r.setup = regio::max_over_ranks(comm, since(t_setup));
  r.regions = sim.num_regions();
  time_epochs(comm, sim, r);
  measure_machine(comm, sim, r);
  return r;
}

void print_result(const BenchResult& r) {
  std::printf(
      "regio_bench %s | N %zu S %zu ranks %d | setup %.3f s | epoch 0: %.3f s, %d newton, %d F | warm: %.3f s, "
      "%.1f newton, %.1f F | %.4f s/residual | %.1f MB/residual/rank | triad %.2f GB/s/rank | bound %.4f s "
      "(x%.2f) | read %.2f GB/s/rank: bound %.4f s (x%.2f) | peak %.0f MB/rank | kernels %s (%s) | snes %s\n",
      regio::kVersion, r.regions, r.sectors, r.ranks, r.setup, r.cold, r.cold_newton, r.cold_evals, r.warm,
      r.warm_newton, r.warm_evals, r.per_residual, r.bytes / 1e6, r.triad / 1e9, r.bound(), r.per_residual / r.bound(),
      r.read / 1e9, r.read_bound(), r.per_residual / r.read_bound(), r.rss, r.stored ? "stored" : "on_the_fly",
      r.product_path, r.snes_type.c_str());
}

void append_csv(const std::string& csv, const std::string& label, const BenchResult& r) {
  const bool fresh = !std::filesystem::exists(csv);
  std::ofstream f(csv, std::ios::app);
  if (fresh)
    f << "label,regions,sectors,ranks,epochs,setup_s,cold_epoch_s,cold_newton,cold_residuals,warm_epoch_s,"
         "warm_newton,warm_residuals,residual_s,bytes_per_residual_per_rank,triad_bytes_per_s_per_rank,"
         "bandwidth_bound_s,bound_ratio,peak_rss_mb_per_rank,kernels,snes_type,read_bytes_per_s_per_rank,"
         "read_bound_s,read_bound_ratio,version,product_path\n";
  f << label << ',' << r.regions << ',' << r.sectors << ',' << r.ranks << ',' << r.epochs << ',' << r.setup << ','
    << r.cold << ',' << r.cold_newton << ',' << r.cold_evals << ',' << r.warm << ',' << r.warm_newton << ','
    << r.warm_evals << ',' << r.per_residual << ',' << r.bytes << ',' << r.triad << ',' << r.bound() << ','
    << r.per_residual / r.bound() << ',' << r.rss << ',' << (r.stored ? "stored" : "on_the_fly") << ',' << r.snes_type
    << ',' << r.read << ',' << r.read_bound() << ',' << r.per_residual / r.read_bound() << ',' << regio::kVersion << ','
    << r.product_path << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  regio::CommandLine cmd(argc, argv);
  if (PetscInitialize(&cmd.petsc_argc, &cmd.petsc_argv, nullptr, nullptr)) return 3;
  int rc = 0;
  {
    boost::mpi::communicator comm(PETSC_COMM_WORLD, boost::mpi::comm_attach);
    CLI::App app{"regio_bench: time epochs of a scenario (no model outputs)"};
    BenchOptions o;
    add_bench_options(app, o);
    std::vector<std::string> rev(cmd.ours.rbegin(), cmd.ours.rend() - 1);
    try {
      app.parse(rev);
      const regio::Scenario sc = load_everywhere(comm, o.scenario, cmd.petsc);
      const BenchResult r = run_bench(comm, o, sc);
      if (comm.rank() == 0) {
        print_result(r);
        if (!o.csv.empty()) append_csv(o.csv, o.label, r);
      }
    } catch (const CLI::ParseError& e) {
      rc = comm.rank() == 0 ? app.exit(e) : e.get_exit_code();
    } catch (const std::exception& e) {
      if (comm.rank() == 0) std::fprintf(stderr, "regio_bench: error: %s\n", e.what());
      rc = 1;
    }
  }
  PetscFinalize();
  return rc;
}
