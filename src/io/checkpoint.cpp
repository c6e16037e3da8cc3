#include "regio/checkpoint.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/hdf5_handle.hpp"
#include "regio/version.hpp"

#ifndef H5_HAVE_PARALLEL
#error "regio needs the parallel (MPI) HDF5: install libhdf5-openmpi-dev"
#endif

namespace regio {

namespace fs = std::filesystem;

namespace {

constexpr int kFormatVersion = 1;

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// Every rank must agree on success; a failure anywhere is an InputError everywhere.
void agree(bool ok_here, MPI_Comm comm, const std::string& message) { require_all(comm, ok_here, message); }

// File dataspace selecting the owned rows (contiguous runs of CSV indices) of an N×width array.
hid_t owned_selection(const Layout& layout, int width) {
  const hsize_t dims[2] = {static_cast<hsize_t>(layout.num_regions()), static_cast<hsize_t>(width)};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  const auto& owned = layout.owned();
  if (owned.empty()) {
    H5Sselect_none(space);
    return space;
  }
  bool first = true;
  for (std::size_t a = 0; a < owned.size();) {
    std::size_t b = a + 1;
    while (b < owned.size() && owned[b] == owned[b - 1] + 1) ++b;
    const hsize_t start[2] = {static_cast<hsize_t>(owned[a]), 0};
    const hsize_t count[2] = {static_cast<hsize_t>(b - a), static_cast<hsize_t>(width)};
    H5Sselect_hyperslab(space, first ? H5S_SELECT_SET : H5S_SELECT_OR, start, nullptr, count, nullptr);
    first = false;
    a = b;
  }
  return space;
}

hid_t memory_space(const Layout& layout, int width) {
  const hsize_t dims[2] = {std::max<hsize_t>(1, layout.num_owned()), static_cast<hsize_t>(width)};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  if (layout.num_owned() == 0) H5Sselect_none(space);
  return space;
}

bool write_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data, int width) {
  const hsize_t dims[2] = {static_cast<hsize_t>(layout.num_regions()), static_cast<hsize_t>(width)};
  Hdf5Handle file_space(H5Screate_simple(2, dims, nullptr));
  Hdf5Handle dset(H5Dcreate2(group, name, H5T_NATIVE_DOUBLE, file_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!dset.ok()) return false;
  Hdf5Handle sel(owned_selection(layout, width));
  Hdf5Handle mem(memory_space(layout, width));
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  const double dummy = 0;
  return H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, sel, xfer, data.empty() ? &dummy : data.data()) >= 0;
}

bool read_array(hid_t group, const char* name, const Layout& layout, std::vector<double>& data, int width) {
  Hdf5Handle dset(H5Dopen2(group, name, H5P_DEFAULT));
  if (!dset.ok()) return false;
  Hdf5Handle space(H5Dget_space(dset));
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space) != 2) return false;
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (dims[0] != static_cast<hsize_t>(layout.num_regions()) || dims[1] != static_cast<hsize_t>(width)) return false;
  Hdf5Handle sel(owned_selection(layout, width));
  Hdf5Handle mem(memory_space(layout, width));
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  data.assign(std::max<std::size_t>(1, layout.num_owned()) * width, 0.0);
  const bool ok = H5Dread(dset, H5T_NATIVE_DOUBLE, mem, sel, xfer, data.data()) >= 0;
  data.resize(static_cast<std::size_t>(layout.num_owned()) * width);
  return ok;
}

// A one-dimensional array (width values) that is the same on every rank: rank 0 writes it,
// every rank reads it. Per-region arrays are two-dimensional (N × width).
bool write_global_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data,
                        int width) {
  const hsize_t dims[1] = {static_cast<hsize_t>(width)};
  Hdf5Handle file_space(H5Screate_simple(1, dims, nullptr));
  Hdf5Handle dset(H5Dcreate2(group, name, H5T_NATIVE_DOUBLE, file_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!dset.ok()) return false;
  Hdf5Handle mem(H5Screate_simple(1, dims, nullptr));
  if (layout.rank() != 0) H5Sselect_none(mem), H5Sselect_none(file_space);
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  return H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, file_space, xfer, data.data()) >= 0;
}

bool read_global_array(hid_t group, const char* name, std::vector<double>& data, int width) {
  Hdf5Handle dset(H5Dopen2(group, name, H5P_DEFAULT));
  if (!dset.ok()) return false;
  data.assign(static_cast<std::size_t>(width), 0.0);
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  return H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, xfer, data.data()) >= 0;
}

void write_attribute(hid_t obj, const char* name, std::uint64_t v) {
  Hdf5Handle space(H5Screate(H5S_SCALAR));
  Hdf5Handle attr(H5Acreate2(obj, name, H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT));
  H5Awrite(attr, H5T_NATIVE_UINT64, &v);
}

void write_attribute(hid_t obj, const char* name, const std::string& v) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, std::max<std::size_t>(1, v.size()));
  Hdf5Handle space(H5Screate(H5S_SCALAR));
  Hdf5Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  H5Awrite(attr, type, v.c_str());
}

bool read_attribute(hid_t obj, const char* name, std::uint64_t& v) {
  if (H5Aexists(obj, name) <= 0) return false;
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  return H5Aread(attr, H5T_NATIVE_UINT64, &v) >= 0;
}

bool read_attribute(hid_t obj, const char* name, std::string& v) {
  if (H5Aexists(obj, name) <= 0) return false;
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  Hdf5Handle type(H5Aget_type(attr));
  std::string buf(H5Tget_size(type), '\0');
  if (H5Aread(attr, type, buf.data()) < 0) return false;
  v = buf.substr(0, buf.find('\0'));
  return true;
}

struct Column {
  const char* name;
  int width;
  std::vector<double>* data;
};

std::vector<Column> state_columns(EconomyState& st, std::vector<double>& prices, int S) {
  return {{"capital", 1, &st.capital},
          {"registered", 1, &st.registered},
          {"population", 1, &st.population},
          {"amenity", 1, &st.amenity},
          {"land", 1, &st.land},
          {"capital_friction", 1, &st.capital_friction},
          {"hukou_barrier", 1, &st.hukou_barrier},
          {"conversion_rate", 1, &st.conversion_rate},
          {"lagged_capital_rent", 1, &st.lagged_capital_rent},
          {"log_productivity", S, &st.log_productivity},
          {"prices", 3, &prices}};
}

// With input–output links (MODEL.md §9) the unknowns P_is and R_is too, (N, S) each; written
// when any rank holds them, read when the file has them.
std::vector<Column> io_columns(EconomyState& st, int S) {
  return {{"sector_price", S, &st.sector_price}, {"gross_revenue", S, &st.gross_revenue}};
}

int sectors_of(const EconomyState& st) {
  return st.size() == 0 ? 0 : static_cast<int>(st.log_productivity.size() / st.size());
}

}  // namespace

std::uint64_t scenario_hash(const Scenario& sc) {
  Scenario s = sc;  // what does not change results is blanked out
  s.epochs = 0;
  s.checkpoint_every = 0;
  s.output.clear();
  s.decomposition.clear();
  s.source_file.clear();
  s.solver.petsc_options.clear();
  const std::string text = scenario_to_yaml(s);
  return fnv1a(text.data(), text.size());
}

std::uint64_t geography_hash(const GlobalGeography& geo) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < geo.size(); ++i) {
    h = fnv1a(geo.id[i].data(), geo.id[i].size(), h);
    for (double v : {geo.lat[i], geo.lon[i], geo.area_km2[i]}) h = fnv1a(&v, sizeof v, h);
    h = fnv1a(&geo.province[i], sizeof geo.province[i], h);
  }
  return h;
}

std::string checkpoint_name(int epoch) { return fmt::format("checkpoint-e{:06d}.h5", epoch); }

void write_checkpoint(const std::string& path, const Layout& layout, const EconomyState& state,
                      const CheckpointInfo& info, const std::vector<SolverArray>& solver) {
  const MPI_Comm comm = layout.comm();
  const std::string tmp = path + ".tmp";
  if (layout.rank() == 0) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
  }
  MPI_Barrier(comm);
  EconomyState& st = const_cast<EconomyState&>(state);  // columns are only read here
  std::vector<double> prices;
  for (const auto& p : st.prices) prices.insert(prices.end(), {p.wage, p.capital_rent, p.land_rent});
  const int S = sectors_of(st);
  const int S_all = static_cast<int>(max_over_ranks(comm, S));
  bool ok = true;
  {
    Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    Hdf5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
    agree(file.ok(), comm,
          fmt::format("{}: cannot create the checkpoint file (check that the output folder is writable)", tmp));
    Hdf5Handle group(H5Gcreate2(file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (const auto& c : state_columns(st, prices, S_all))
      ok = write_array(group, c.name, layout, *c.data, c.width) && ok;
    if (any_rank(comm, !st.sector_price.empty()))  // input–output links: P_is and R_is too
      for (const auto& c : io_columns(st, S_all)) ok = write_array(group, c.name, layout, *c.data, c.width) && ok;
    if (!solver.empty()) {
      Hdf5Handle group_solver(H5Gcreate2(file, "solver", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      ok = group_solver.ok() && ok;
      for (const auto& a : solver) {
        const std::size_t expected =
            a.per_region ? static_cast<std::size_t>(layout.num_owned()) * static_cast<std::size_t>(std::max(0, a.width))
                         : static_cast<std::size_t>(std::max(0, a.width));
        const bool fits = a.rows.size() == expected;
        const int width = fits ? a.width : -1;  // the same width on every rank, or none
        const int lowest = static_cast<int>(min_over_ranks(comm, width));
        const int highest = static_cast<int>(max_over_ranks(comm, width));
        if (lowest > 0 && lowest == highest)
          ok = (a.per_region ? write_array(group_solver, a.name.c_str(), layout, a.rows, lowest)
                             : write_global_array(group_solver, a.name.c_str(), layout, a.rows, lowest)) &&
               ok;
      }
    }
    write_attribute(file, "epoch", static_cast<std::uint64_t>(info.epoch));
    write_attribute(file, "regions", static_cast<std::uint64_t>(layout.num_regions()));
    write_attribute(file, "sectors", static_cast<std::uint64_t>(S_all));
    write_attribute(file, "scenario_hash", info.scenario_hash);
    write_attribute(file, "geography_hash", info.geography_hash);
    write_attribute(file, "format_version", static_cast<std::uint64_t>(kFormatVersion));
    write_attribute(file, "regio_version", std::string(kVersion));
  }  // closed (collectively) here, before the rename
  agree(ok, comm, fmt::format("{}: writing the checkpoint failed (disk full?)", tmp));
  if (layout.rank() == 0) fs::rename(tmp, path);
  MPI_Barrier(comm);
}

CheckpointInfo read_checkpoint(const std::string& path, const Layout& layout, EconomyState& st,
                               const CheckpointInfo& expected, const std::vector<std::string>& solver_names,
                               std::vector<SolverArray>* solver) {
  const MPI_Comm comm = layout.comm();
  const std::string where = path + ": ";
  agree(fs::is_regular_file(path), comm,
        where + "no such checkpoint file (give a checkpoint-e*.h5 written by regio run)");
  // Silence HDF5's own error stack: we report one line.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl));
  agree(file.ok(), comm, where + "not a readable HDF5 checkpoint");
  CheckpointInfo got;
  std::uint64_t epoch = 0, regions = 0, sectors = 0, format = 0;
  bool ok = read_attribute(file, "epoch", epoch) && read_attribute(file, "regions", regions) &&
            read_attribute(file, "sectors", sectors) && read_attribute(file, "scenario_hash", got.scenario_hash) &&
            read_attribute(file, "geography_hash", got.geography_hash) &&
            read_attribute(file, "format_version", format) && read_attribute(file, "regio_version", got.version);
  agree(ok && format == kFormatVersion, comm,
        where + "not a regio checkpoint (missing attributes or another format version)");
  got.epoch = static_cast<int>(epoch);
  agree(regions == static_cast<std::uint64_t>(layout.num_regions()) && got.geography_hash == expected.geography_hash,
        comm,
        where + fmt::format("written for other regions ({} regions, or different ids/coordinates); restart with the "
                            "region CSV of the original run",
                            regions));
  agree(got.scenario_hash == expected.scenario_hash, comm,
        where +
            "written for a different scenario (parameters differ from the original run's; only epochs, output, "
            "decomposition and PETSc options may change on restart)");
  std::vector<double> prices;
  int S = sectors_of(st);
  if (st.size() == 0) S = static_cast<int>(sectors);
  agree(static_cast<std::uint64_t>(S) == sectors, comm, where + "has a different number of sectors");
  Hdf5Handle group(H5Gopen2(file, "state", H5P_DEFAULT));
  ok = group.ok();
  for (const auto& c : state_columns(st, prices, S)) ok = ok && read_array(group, c.name, layout, *c.data, c.width);
  if (ok && H5Lexists(group, "sector_price", H5P_DEFAULT) > 0)  // the same file on every rank
    for (const auto& c : io_columns(st, S)) ok = ok && read_array(group, c.name, layout, *c.data, c.width);
  agree(ok, comm, where + "a state dataset is missing or has the wrong shape");
  for (std::size_t j = 0; j < st.size(); ++j) st.prices[j] = {prices[3 * j], prices[3 * j + 1], prices[3 * j + 2]};
  st.epoch = got.epoch;
  // Optional solver state: the named arrays the file has (the same file on every rank).
  if (solver) solver->clear();
  if (solver && !solver_names.empty() && H5Lexists(file, "solver", H5P_DEFAULT) > 0) {
    Hdf5Handle group_solver(H5Gopen2(file, "solver", H5P_DEFAULT));
    for (const auto& name : solver_names) {
      if (!group_solver.ok() || H5Lexists(group_solver, name.c_str(), H5P_DEFAULT) <= 0) continue;
      hsize_t dims[2] = {0, 0};
      int rank = 0;
      {
        Hdf5Handle dset(H5Dopen2(group_solver, name.c_str(), H5P_DEFAULT));
        Hdf5Handle space(H5Dget_space(dset));
        rank = dset.ok() ? H5Sget_simple_extent_ndims(space) : 0;
        if (rank == 1 || rank == 2) H5Sget_simple_extent_dims(space, dims, nullptr);
      }
      // N × width: one row per region; width values: the same on every rank (write_global_array).
      const bool per_region = rank == 2;
      const int width = static_cast<int>(per_region ? dims[1] : dims[0]);
      SolverArray a{name, width, {}, per_region};
      agree(width > 0 && (rank == 1 || rank == 2) &&
                (per_region ? read_array(group_solver, name.c_str(), layout, a.rows, width)
                            : read_global_array(group_solver, name.c_str(), a.rows, width)),
            comm, where + "the solver dataset /solver/" + name + " is unreadable or has the wrong shape");
      solver->push_back(std::move(a));
    }
  }
  return got;
}

void prune_checkpoints(const std::string& dir, int keep, const Layout& layout) {
  if (layout.rank() == 0) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const auto name = e.path().filename().string();
      if (name.rfind("checkpoint-e", 0) == 0 && e.path().extension() == ".h5") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());  // zero-padded epochs sort in time order
    for (std::size_t k = 0; k + keep < files.size(); ++k) fs::remove(files[k], ec);
  }
  MPI_Barrier(layout.comm());
}

}  // namespace regio
