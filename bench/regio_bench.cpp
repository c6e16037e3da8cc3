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

double max_over(MPI_Comm comm, double v) {
  double m = 0;
  MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_MAX, comm);
  return m;
}
double min_over(MPI_Comm comm, double v) {
  double m = 0;
  MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_MIN, comm);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  regio::CommandLine cmd(argc, argv);
  const auto& ours = cmd.ours;
  const auto& petsc = cmd.petsc;
  if (PetscInitialize(&cmd.petsc_argc, &cmd.petsc_argv, nullptr, nullptr)) return 3;
  int rc = 0;
  {
    boost::mpi::communicator comm(PETSC_COMM_WORLD, boost::mpi::comm_attach);
    CLI::App app{"regio_bench: time epochs of a scenario (no model outputs)"};
    std::string scenario, decomp = "auto", csv, label;
    int epochs = 3;
    app.add_option("scenario", scenario, "Scenario YAML")->required();
    app.add_option("--epochs", epochs, "Epochs to time (>= 2: one cold, the rest warm)")->check(CLI::Range(1, 1000));
    app.add_option("--decomp", decomp, "Decomposition YAML or auto");
    app.add_option("--csv", csv, "Append one result row to this CSV (header written if new)");
    app.add_option("--label", label, "Free-form label for the row");
    std::vector<std::string> rev(ours.rbegin(), ours.rend() - 1);
    try {
      app.parse(rev);
      regio::Scenario sc;
      regio::on_root(comm, [&] { sc = regio::load_scenario(scenario); });
      boost::mpi::broadcast(comm, sc, 0);
      PetscOptionsInsertString(nullptr, sc.solver.petsc_options.c_str());
      std::string joined;
      for (const auto& a : petsc) joined += a + " ";
      PetscOptionsInsertString(nullptr, joined.c_str());
      const auto t_setup = Clock::now();
      regio::Simulation sim(comm, regio::distribute_inputs(comm, sc, decomp));
      const double setup = max_over(comm, since(t_setup));
      std::vector<double> seconds;
      std::vector<int> newton, evals;
      for (int e = 0; e < epochs; ++e) {
        MPI_Barrier(comm);
        const auto t0 = Clock::now();
        const auto st = sim.solve();
        seconds.push_back(max_over(comm, since(t0)));
        newton.push_back(st.nonlinear_iterations);
        evals.push_back(st.residual_evaluations);
        if (e + 1 < epochs) sim.advance();
      }
      // Peak memory of the solver itself, before the STREAM arrays are allocated.
      const double rss = max_over(comm, peak_rss_mb());
      const double triad = stream_triad(comm);
      const double read = min_over(comm, stream_read(comm));
      auto& sys = sim.system();
      const double per_residual =
          max_over(comm, sys.residual_log().total_seconds() / sys.residual_log().total_evaluations());
      const double bytes = max_over(comm, sys.kernel_bytes_per_residual());
      const double triad_min = min_over(comm, triad);
      const double bound = bytes / triad_min;
      const int stored = sys.kernels().rows().storage() == regio::KernelRows::Storage::Stored ? 1 : 0;
      int all_stored = 0;
      MPI_Allreduce(&stored, &all_stored, 1, MPI_INT, MPI_MIN, comm);
      double warm = 0, warm_evals = 0, warm_newton = 0;
      for (int e = 1; e < epochs; ++e) warm += seconds[e], warm_evals += evals[e], warm_newton += newton[e];
      const int nw = std::max(1, epochs - 1);
      char snes_type[64] = "newtonls";
      PetscBool set = PETSC_FALSE;
      PetscOptionsGetString(nullptr, "national_", "-snes_type", snes_type, sizeof snes_type, &set);
      // Stored rows go through row_block_products: the code path chosen for this CPU (rank 0's).
      const char* product_path = regio::detail::product_path_name(regio::detail::best_product_path());
      if (comm.rank() == 0) {
        const std::size_t N = sim.num_regions(), S = sc.num_sectors();
        std::printf(
            "regio_bench %s | N %zu S %zu ranks %d | setup %.3f s | epoch 0: %.3f s, %d newton, %d F | warm: %.3f s, "
            "%.1f newton, %.1f F | %.4f s/residual | %.1f MB/residual/rank | triad %.2f GB/s/rank | bound %.4f s "
            "(x%.2f) | read %.2f GB/s/rank: bound %.4f s (x%.2f) | peak %.0f MB/rank | kernels %s (%s) | snes %s\n",
            regio::kVersion, N, S, comm.size(), setup, seconds[0], newton[0], evals[0], warm / nw, warm_newton / nw,
            warm_evals / nw, per_residual, bytes / 1e6, triad_min / 1e9, bound, per_residual / bound, read / 1e9,
            bytes / read, per_residual / (bytes / read), rss, all_stored ? "stored" : "on_the_fly", product_path,
            snes_type);
        if (!csv.empty()) {
          const bool fresh = !std::filesystem::exists(csv);
          std::ofstream f(csv, std::ios::app);
          if (fresh)
            f << "label,regions,sectors,ranks,epochs,setup_s,cold_epoch_s,cold_newton,cold_residuals,warm_epoch_s,"
                 "warm_newton,warm_residuals,residual_s,bytes_per_residual_per_rank,triad_bytes_per_s_per_rank,"
                 "bandwidth_bound_s,bound_ratio,peak_rss_mb_per_rank,kernels,snes_type,read_bytes_per_s_per_rank,"
                 "read_bound_s,read_bound_ratio,version,product_path\n";
          f << label << ',' << N << ',' << S << ',' << comm.size() << ',' << epochs << ',' << setup << ',' << seconds[0]
            << ',' << newton[0] << ',' << evals[0] << ',' << warm / nw << ',' << warm_newton / nw << ','
            << warm_evals / nw << ',' << per_residual << ',' << bytes << ',' << triad_min << ',' << bound << ','
            << per_residual / bound << ',' << rss << ',' << (all_stored ? "stored" : "on_the_fly") << ',' << snes_type
            << ',' << read << ',' << bytes / read << ',' << per_residual / (bytes / read) << ',' << regio::kVersion
            << ',' << product_path << '\n';
        }
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
