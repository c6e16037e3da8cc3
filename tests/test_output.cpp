// Outputs: the HDF5 region panel holds exactly the outcomes (each rank wrote its own rows), a
// restart drops the rows after the checkpoint, and aggregates computed from distributed
// outcomes equal those from gathered outcomes. Run at -np 1..4.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <petscsys.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <filesystem>
#include <random>

#include "regio/distribute.hpp"
#include "test_support.hpp"
#include "regio/region_panel.hpp"
#include "regio/simulation.hpp"

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
  const auto names = RegionPanelH5::columns(sc);
  const std::size_t N = regions.size();
  for (std::size_t c = 0; c < names.size(); ++c) {
    hsize_t rows = 0;
    const auto v = read_all(path, names[c], &rows);
    ASSERT_EQ(rows, 3u) << names[c];
    for (std::size_t e = 0; e < 3; ++e)
      for (std::size_t i = 0; i < N; ++i)
        EXPECT_EQ(v[e * N + i], RegionPanelH5::value(epochs[e][i], c, sc.num_sectors())) << names[c] << " " << e << " " << i;
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
