// Outputs: the HDF5 region panel holds exactly the outcomes (each rank wrote its own rows), a
// restart drops the rows after the checkpoint, and aggregates computed from distributed
// outcomes equal those from gathered outcomes. Run at -np 1..4.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <petscsys.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "regio/compare.hpp"
#include "regio/csv.hpp"
#include "regio/distribute.hpp"
#include "regio/output.hpp"
#include "regio/region_panel.hpp"
#include "regio/simulation.hpp"
#include "test_support.hpp"

using namespace regio;

namespace {
using regio::testing::world;

std::vector<Region> regions_for_output(int n) {
  std::mt19937 rng(77);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Region> r(n);
  for (int i = 0; i < n; ++i) {
    r[i].index = i;
    r[i].id = "o" + std::to_string(i);
    r[i].province = "p" + std::to_string(i % 4);
    r[i].lat = 25 + 15 * u(rng);
    r[i].lon = 100 + 20 * u(rng);
    r[i].area_km2 = 5e4 * (1 + u(rng));
    r[i].land_km2 = 1e3 * (1 + u(rng));
    r[i].population = r[i].registered = 1e7 * (0.5 + u(rng));
    r[i].capital = 3e7 * (0.5 + u(rng));
    r[i].productivity = {1 + u(rng), 1 + u(rng), 1 + u(rng)};
  }
  return r;
}

// Read the whole [rows, N] dataset (independent I/O on every rank).
std::vector<double> read_all(const std::string& path, const std::string& name, hsize_t* rows) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, ("regions/" + name).c_str(), H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(s, dims, nullptr);
  std::vector<double> v(dims[0] * dims[1]);
  if (!v.empty()) H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  *rows = dims[0];
  H5Sclose(s), H5Dclose(d), H5Fclose(f);
  return v;
}
}  // namespace

TEST(Output, HdfPanelHoldsEveryOutcomeAndRestartTruncates) {
  auto comm = world();
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  const auto regions = regions_for_output(17);
  Simulation sim(comm, distribute_regions(comm, sc, regions, nullptr));
  std::string path = (std::filesystem::temp_directory_path() / "regio-test-panel.h5").string();
  boost::mpi::broadcast(comm, path, 0);
  std::vector<std::vector<RegionOutcome>> epochs;
  {
    RegionPanelH5 panel(path, sim.layout(), sim.geography(), sc, 0);
    for (int e = 0; e < 3; ++e) {
      sim.solve();
      panel.write_epoch(e, sc.start_year + e, sim.local_outcomes());
      epochs.push_back(sim.all_outcomes());
      sim.advance();
    }
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  const auto fields = region_fields(sc);
  const std::size_t N = regions.size();
  for (const auto& field : fields) {
    hsize_t rows = 0;
    const auto v = read_all(path, field.name, &rows);
    ASSERT_EQ(rows, 3u) << field.name;
    for (std::size_t e = 0; e < 3; ++e)
      for (std::size_t i = 0; i < N; ++i)
        EXPECT_EQ(v[e * N + i], field.of(epochs[e][i])) << field.name << " " << e << " " << i;
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  {  // a restart at epoch 1 keeps row 0 only, then appends
    RegionPanelH5 panel(path, sim.layout(), sim.geography(), sc, 1);
    hsize_t rows = 0;
    MPI_Barrier(PETSC_COMM_WORLD);
    read_all(path, "wage", &rows);
    EXPECT_EQ(rows, 1u);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  if (comm.rank() == 0) std::filesystem::remove(path);
}

// `regio compare` reads what the writers write: a run's folder with regions.csv (OutputWriter,
// rank 0) and regions.h5 (RegionPanelH5, every rank) against a copy with regions.h5 alone. The
// panel holds full doubles, regions.csv 15 digits, so the provinces agree to about 1e-15.
TEST(Output, CompareReadsThePanelTheWritersWrite) {
  auto comm = world();
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  Simulation sim(comm, distribute_regions(comm, sc, regions_for_output(17), nullptr));
  namespace fs = std::filesystem;
  // Rank 0's process id in the name: the test runs at several rank counts at once under ctest -j.
  std::string dir = (fs::temp_directory_path() / ("regio-test-writers-" + std::to_string(::getpid()))).string();
  boost::mpi::broadcast(comm, dir, 0);
  if (comm.rank() == 0) fs::remove_all(dir), fs::create_directories(dir + "/csv");
  MPI_Barrier(PETSC_COMM_WORLD);
  {
    const Decomposition decomposition{"auto", comm.size(), {}, {}};  // OutputWriter keeps a reference
    RunInfo info;
    info.version = "test", info.epochs = 2, info.regions = 17, info.ranks = comm.size();
    std::unique_ptr<OutputWriter> out;  // rank 0 writes the CSV files
    if (comm.rank() == 0) out = std::make_unique<OutputWriter>(dir + "/csv", sc, decomposition, info);
    RegionPanelH5 panel(dir + "/csv/regions.h5", sim.layout(), sim.geography(), sc, 0);
    for (int e = 0; e < 2; ++e) {
      const SolveStats stats = sim.solve();
      panel.write_epoch(e, sc.start_year + e, sim.local_outcomes());
      const auto all = sim.all_outcomes();
      if (out) {
        out->stage_epoch(e, sc.start_year + e, all, sim.aggregates(all), stats);
        out->flush_epoch(e);
      }
      sim.advance();
    }
    if (out) out->finish("complete");
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  if (comm.rank() == 0) {
    fs::copy(dir + "/csv", dir + "/h5");
    fs::remove(dir + "/h5/regions.csv");
    CompareOptions opt;
    opt.baseline = dir + "/csv";
    opt.scenario = dir + "/h5";
    opt.output = dir + "/cmp";
    EXPECT_NO_THROW(compare_runs(opt));
    std::ifstream in(dir + "/cmp/provinces.csv");
    std::stringstream text;
    text << in.rdbuf();
    const auto rows = csv::parse(text.str(), "provinces.csv");
    EXPECT_EQ(rows.size(), 1 + 2 * 4u);  // header, epochs 0 and 1 x 4 provinces
    for (std::size_t r = 1; r < rows.size(); ++r)
      for (std::size_t c = 6; c < rows[r].fields.size(); c += 4) {  // every <quantity>_pct
        double pct = 0;
        EXPECT_TRUE(csv::to_double(rows[r].fields[c], pct) && std::fabs(pct) < 1e-11)
            << rows[0].fields[c] << " = " << rows[r].fields[c];
      }
    fs::remove_all(dir);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

TEST(Output, DistributedAggregatesEqualGathered) {
  auto comm = world();
  Scenario sc = Scenario::defaults();
  sc.regions = "<test>";
  Simulation sim(comm, distribute_regions(comm, sc, regions_for_output(23), nullptr));
  sim.solve();
  const auto a = sim.aggregates(sim.all_outcomes());
  const auto b = sim.aggregates_from_local(sim.local_outcomes());
  EXPECT_EQ(a.gdp, b.gdp);
  EXPECT_EQ(a.real_gdp, b.real_gdp);
  EXPECT_EQ(a.migrant_share, b.migrant_share);
  EXPECT_EQ(a.interprovincial_trade_share, b.interprovincial_trade_share);
  EXPECT_EQ(a.urbanization, b.urbanization);
  EXPECT_EQ(a.welfare, b.welfare);
  EXPECT_EQ(a.theil, b.theil);
  EXPECT_EQ(a.gini, b.gini);
  EXPECT_EQ(a.cv, b.cv);
  EXPECT_EQ(a.maxmin_ratio, b.maxmin_ratio);
}
