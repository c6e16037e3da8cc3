#include "regio/checkpoint.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "regio/checkpoint_arrays.hpp"
#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/hdf5_handle.hpp"
#include "regio/hdf5_probe.hpp"
#include "regio/output_file.hpp"
#include "regio/version.hpp"

#ifndef H5_HAVE_PARALLEL
#error "regio needs the parallel (MPI) HDF5: install libhdf5-openmpi-dev"
#endif

namespace regio {

namespace fs = std::filesystem;

namespace {

// 2: run_id, identity_checksum and a checksum per dataset (format 1 had none).
constexpr int kFormatVersion = 2;
using namespace checkpoint_io;

// Every rank must agree on success; a failure anywhere is an InputError everywhere.
void agree(bool ok_here, MPI_Comm comm, const std::string& message) { require_all(comm, ok_here, message); }

struct Column {
  const char* name;
  int width;
  std::vector<double>* data;
  bool positive = false;  // a stock or a price: restored values must be > 0 (all must be finite)
};

std::vector<Column> state_columns(EconomyState& st, std::vector<double>& prices, int S) {
  return {{"capital", 1, &st.capital, true},
          {"registered", 1, &st.registered, true},
          {"population", 1, &st.population, true},
          {"amenity", 1, &st.amenity, true},
          {"land", 1, &st.land, true},
          {"capital_friction", 1, &st.capital_friction},
          {"hukou_barrier", 1, &st.hukou_barrier},
          {"conversion_rate", 1, &st.conversion_rate},
          {"lagged_capital_rent", 1, &st.lagged_capital_rent, true},
          {"log_productivity", S, &st.log_productivity},
          {"prices", 3, &prices, true}};
}

// With input–output links (MODEL.md §9) the unknowns P_is and R_is too, (N, S) each; written
// when any rank holds them, read when the file has them.
std::vector<Column> io_columns(EconomyState& st, int S) {
  return {{"sector_price", S, &st.sector_price, true}, {"gross_revenue", S, &st.gross_revenue}};
}

// Collective. A bound on the checkpoint file's size (require_free_space): every dataset's doubles
// (N × width per region, or its width) and, per dataset, its object header, layout and checksum
// attribute (< 4 kB), plus the superblock, the two groups and the root attributes (< 64 kB).
constexpr std::uint64_t kDatasetMetadata = 4u << 10, kFileMetadata = 64u << 10;
std::uint64_t checkpoint_bytes(const Layout& layout, EconomyState& st, std::vector<double>& prices, int S, bool io,
                               const std::vector<SolverArray>& solver) {
  const auto N = static_cast<std::uint64_t>(layout.num_regions());
  std::uint64_t doubles = 0, datasets = 0;
  auto columns = state_columns(st, prices, S);
  if (io)
    for (const auto& c : io_columns(st, S)) columns.push_back(c);
  for (const auto& c : columns) doubles += N * static_cast<std::uint64_t>(c.width), ++datasets;
  for (const auto& a : solver) {  // the widest any rank has (an array written by none is counted all the same)
    const auto width = static_cast<std::uint64_t>(max_over_ranks(layout.comm(), std::max(0, a.width)));
    doubles += a.per_region ? N * width : width;
    ++datasets;
  }
  return 8 * doubles + datasets * kDatasetMetadata + kFileMetadata;
}

// The checksum of the root attributes that say whose state this is and when.
std::uint64_t identity_checksum(std::uint64_t epoch, std::uint64_t regions, std::uint64_t sectors,
                                const CheckpointInfo& info) {
  std::uint64_t h = 1469598103934665603ull;
  for (const std::uint64_t v :
       {epoch, regions, sectors, info.scenario_hash, info.geography_hash, static_cast<std::uint64_t>(kFormatVersion)})
    h = fnv1a(&v, sizeof v, h);
  return fnv1a(info.run_id.data(), info.run_id.size(), h);
}

// Collective. A restored value that no run can hold (not finite, or a stock or price <= 0)
// names its region and dataset on every rank: the file is damaged or was edited.
void validate_values(const std::vector<Column>& columns, const EconomyState& st, const std::string& where,
                     MPI_Comm comm) {
  all_ranks(comm, [&] {
    for (const auto& c : columns)
      for (std::size_t k = 0; k < c.data->size(); ++k) {
        const double v = (*c.data)[k];
        if (std::isfinite(v) && (!c.positive || v > 0)) continue;
        const std::size_t j = k / static_cast<std::size_t>(c.width);
        throw InputError(
            fmt::format("{}region {}: /state/{} = {} is {} — the checkpoint is damaged; restart from "
                        "another checkpoint of the run",
                        where, j < st.records.size() ? st.records[j].id : "?", c.name, v,
                        std::isfinite(v) ? "not positive" : "not finite"));
      }
  });
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

namespace {

// Collective. The solver arrays (the same names and widths on every rank; width 0 is skipped).
bool write_solver_arrays(hid_t file, const Layout& layout, const std::vector<SolverArray>& solver) {
  const MPI_Comm comm = layout.comm();
  Hdf5Handle group(H5Gcreate2(file, "solver", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  bool ok = group.ok();
  for (const auto& a : solver) {
    const std::size_t expected =
        a.per_region ? static_cast<std::size_t>(layout.num_owned()) * static_cast<std::size_t>(std::max(0, a.width))
                     : static_cast<std::size_t>(std::max(0, a.width));
    const int width = a.rows.size() == expected ? a.width : -1;  // the same width on every rank, or none
    const int lowest = static_cast<int>(min_over_ranks(comm, width));
    const int highest = static_cast<int>(max_over_ranks(comm, width));
    if (lowest > 0 && lowest == highest)
      ok = (a.per_region ? write_array(group, a.name.c_str(), layout, a.rows, lowest)
                         : write_global_array(group, a.name.c_str(), layout, a.rows, lowest)) &&
           ok;
  }
  return ok;
}

}  // namespace

void write_checkpoint(const std::string& path, const Layout& layout, const EconomyState& state,
                      const CheckpointInfo& info, const std::vector<SolverArray>& solver) {
  const MPI_Comm comm = layout.comm();
  const std::string tmp = path + ".tmp";
  on_root(comm, [&] {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) throw InputError(fmt::format("{}: cannot create the checkpoint folder ({})", path, ec.message()));
  });
  EconomyState& st = const_cast<EconomyState&>(state);  // columns are only read here
  std::vector<double> prices;
  for (const auto& p : st.prices) prices.insert(prices.end(), {p.wage, p.capital_rent, p.land_rent});
  const int S = sectors_of(st);
  const int S_all = static_cast<int>(max_over_ranks(comm, S));
  const bool io = any_rank(comm, !st.sector_price.empty());  // input–output links: P_is and R_is too
  require_free_space(fs::path(path).parent_path().string(), checkpoint_bytes(layout, st, prices, S_all, io, solver),
                     comm, "the checkpoint");
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
    if (io)
      for (const auto& c : io_columns(st, S_all)) ok = write_array(group, c.name, layout, *c.data, c.width) && ok;
    group.close();
    if (!solver.empty()) ok = write_solver_arrays(file, layout, solver) && ok;
    const auto epoch = static_cast<std::uint64_t>(info.epoch),
               regions = static_cast<std::uint64_t>(layout.num_regions()), sectors = static_cast<std::uint64_t>(S_all);
    write_attribute(file, "epoch", epoch);
    write_attribute(file, "regions", regions);
    write_attribute(file, "sectors", sectors);
    write_attribute(file, "scenario_hash", info.scenario_hash);
    write_attribute(file, "geography_hash", info.geography_hash);
    write_attribute(file, "format_version", static_cast<std::uint64_t>(kFormatVersion));
    write_attribute(file, "regio_version", std::string(kVersion));
    write_attribute(file, "run_id", info.run_id);
    write_attribute(file, "identity_checksum", identity_checksum(epoch, regions, sectors, info));
    ok = file.close() && ok;  // collective; a failed close loses data: checked
  }
  agree(ok, comm, fmt::format("{}: writing the checkpoint failed (disk full?) — free space and restart", tmp));
  on_root(comm, [&] {  // the complete file under its name; the folder entry made durable
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw InputError(fmt::format("{}: renaming the new checkpoint failed ({})", path, ec.message()));
  });
}

namespace {

// Collective. The root attributes: who wrote the file, for which run and scenario.
CheckpointInfo read_identity(hid_t file, const std::string& where, const Layout& layout, const CheckpointInfo& expected,
                             std::uint64_t& sectors) {
  const MPI_Comm comm = layout.comm();
  CheckpointInfo got;
  std::uint64_t epoch = 0, regions = 0, format = 0, stored_checksum = 0;
  bool ok = read_attribute(file, "format_version", format);
  agree(ok && format == kFormatVersion, comm,
        where + (ok && format < kFormatVersion
                     ? "written by an older regio (checkpoint format " + std::to_string(format) +
                           ", without run id and checksums) — run the scenario afresh"
                     : "not a regio checkpoint (missing attributes or another format version)"));
  ok = read_attribute(file, "epoch", epoch) && read_attribute(file, "regions", regions) &&
       read_attribute(file, "sectors", sectors) && read_attribute(file, "scenario_hash", got.scenario_hash) &&
       read_attribute(file, "geography_hash", got.geography_hash) &&
       read_attribute(file, "regio_version", got.version) && read_attribute(file, "run_id", got.run_id) &&
       read_attribute(file, "identity_checksum", stored_checksum);
  agree(ok, comm, where + "not a regio checkpoint (missing attributes)");
  agree(
      stored_checksum == identity_checksum(epoch, regions, sectors, got), comm,
      where + "its attributes fail their checksum (the file is damaged) — restart from another checkpoint of the run");
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
  return got;
}

// Collective. One dataset read and verified against its checksum.
void read_checked(hid_t group, const std::string& name, const Layout& layout, std::vector<double>& data, int width,
                  bool global, const std::string& where) {
  const ReadStatus status = global ? read_global_array(group, name.c_str(), layout, data, width)
                                   : read_array(group, name.c_str(), layout, data, width);
  agree(status != ReadStatus::unreadable, layout.comm(),
        where + name + " is missing, unreadable or has the wrong shape");
  agree(status == ReadStatus::ok, layout.comm(),
        where + name + " fails its checksum (the file is damaged) — restart from another checkpoint of the run");
}

// Collective. The optional solver arrays named in `names` that the file has.
std::vector<SolverArray> read_solver_arrays(hid_t file, const Layout& layout, const std::vector<std::string>& names,
                                            const std::string& where) {
  std::vector<SolverArray> out;
  if (names.empty() || H5Lexists(file, "solver", H5P_DEFAULT) <= 0) return out;
  Hdf5Handle group(H5Gopen2(file, "solver", H5P_DEFAULT));
  for (const auto& name : names) {
    if (!group.ok() || H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) continue;
    hsize_t dims[2] = {0, 0};
    int rank = 0;
    {
      Hdf5Handle dset(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
      Hdf5Handle space(H5Dget_space(dset));
      rank = dset.ok() ? H5Sget_simple_extent_ndims(space) : 0;
      if (rank == 1 || rank == 2) H5Sget_simple_extent_dims(space, dims, nullptr);
    }
    // N × width: one row per region; width values: the same on every rank (write_global_array).
    const bool per_region = rank == 2;
    const int width = static_cast<int>(per_region ? dims[1] : dims[0]);
    agree(width > 0 && (rank == 1 || rank == 2), layout.comm(),
          where + "the solver dataset /solver/" + name + " has the wrong shape");
    SolverArray a{name, width, {}, per_region};
    read_checked(group, name, layout, a.rows, width, !per_region, where + "/solver/");
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

CheckpointInfo read_checkpoint(const std::string& path, const Layout& layout, EconomyState& st,
                               const CheckpointInfo& expected, const std::vector<std::string>& solver_names,
                               std::vector<SolverArray>* solver) {
  const MPI_Comm comm = layout.comm();
  const std::string where = path + ": ";
  agree(fs::is_regular_file(path), comm,
        where + "no such checkpoint file (give a checkpoint-e*.h5 written by regio run)");
  // Silence HDF5's own error stack: we report one line.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::string why;  // damaged metadata would hang the parallel open (hdf5_probe.hpp)
  const bool walkable = hdf5_file_walkable_on_root(path, comm, why);
  agree(walkable, comm,
        where + "not a readable HDF5 checkpoint (" + why +
            "; the file is damaged) — restart from another checkpoint of the run");
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl));
  agree(file.ok(), comm, where + "not a readable HDF5 checkpoint");
  std::uint64_t sectors = 0;
  const CheckpointInfo got = read_identity(file, where, layout, expected, sectors);
  std::vector<double> prices;
  int S = sectors_of(st);
  if (st.size() == 0) S = static_cast<int>(sectors);
  agree(static_cast<std::uint64_t>(S) == sectors, comm, where + "has a different number of sectors");
  Hdf5Handle group(H5Gopen2(file, "state", H5P_DEFAULT));
  agree(group.ok(), comm, where + "the group /state is missing");
  auto columns = state_columns(st, prices, S);
  if (H5Lexists(group, "sector_price", H5P_DEFAULT) > 0)  // the same file on every rank
    for (const auto& c : io_columns(st, S)) columns.push_back(c);
  for (const auto& c : columns) read_checked(group, c.name, layout, *c.data, c.width, false, where + "/state/");
  validate_values(columns, st, where, comm);
  for (std::size_t j = 0; j < st.size(); ++j) st.prices[j] = {prices[3 * j], prices[3 * j + 1], prices[3 * j + 2]};
  st.epoch = got.epoch;
  if (solver) *solver = read_solver_arrays(file, layout, solver_names, where);
  return got;
}

namespace {
// The run id and epoch of a checkpoint file, read on one rank (serial HDF5); false if unreadable.
bool checkpoint_identity(const fs::path& path, std::string& run_id, std::uint64_t& epoch) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  return file.ok() && read_attribute(file, "run_id", run_id) && read_attribute(file, "epoch", epoch);
}
}  // namespace

void prune_checkpoints(const std::string& newest, int keep, const std::string& run_id, const Layout& layout) {
  if (layout.rank() == 0) {
    const fs::path dir = fs::path(newest).parent_path();
    std::string id;
    std::uint64_t newest_epoch = 0;
    if (checkpoint_identity(newest, id, newest_epoch)) {
      std::vector<std::pair<std::uint64_t, fs::path>> older;  // this run's, before the newest
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        const auto name = e.path().filename().string();
        std::uint64_t epoch = 0;
        if (name.rfind("checkpoint-e", 0) != 0 || e.path().extension() != ".h5" || e.path() == fs::path(newest))
          continue;
        if (checkpoint_identity(e.path(), id, epoch) && id == run_id && epoch < newest_epoch)
          older.emplace_back(epoch, e.path());
      }
      std::sort(older.rbegin(), older.rend());  // the most recent first
      for (std::size_t k = static_cast<std::size_t>(std::max(0, keep - 1)); k < older.size(); ++k)
        fs::remove(older[k].second, ec);
    }
  }
  MPI_Barrier(layout.comm());
}

}  // namespace regio
