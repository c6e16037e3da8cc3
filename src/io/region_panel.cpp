#include "regio/region_panel.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <filesystem>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/hdf5_handle.hpp"
#include "regio/hdf5_probe.hpp"
#include "regio/output.hpp"
#include "regio/output_file.hpp"
#include "regio/output_schema.hpp"

namespace regio {

namespace h5 = schema::regions_h5;

namespace {
constexpr std::size_t kCsvThreshold = 10000;        // auto: regions.csv up to this many regions
constexpr std::uint64_t kPanelMargin = 256u << 10;  // room for HDF5's metadata (require_free_space)
constexpr int kYearChunk = 64;                      // epochs per chunk of the year dataset
// An epoch's metadata: per column a chunk-index entry, and a B-tree node split now and then.
constexpr std::uint64_t kEpochMetadata = 64u << 10;

void agree(bool ok_here, MPI_Comm comm, const std::string& message) { require_all(comm, ok_here, message); }

// Collective. The panel file opened with MPI-IO: created, or (resume) opened for appending.
Hdf5Handle open_file(const std::string& path, MPI_Comm comm, bool resume) {
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  return Hdf5Handle(resume ? H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl)
                           : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
}

// Collective. A fixed-length UTF-8 string dataset [N]; written by the rank with `writer` alone
// (independent I/O), since every rank holds the same values.
void write_strings(hid_t group, const char* name, const std::vector<std::string>& values, bool writer) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  Hdf5Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, width);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hsize_t n[1] = {values.size()};
  Hdf5Handle space(H5Screate_simple(1, n, nullptr));
  Hdf5Handle d(H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!writer) return;
  std::string buf(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) buf.replace(i * width, values[i].size(), values[i]);
  H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
}

// Collective. A scalar int64 attribute of `obj`.
void write_attribute(hid_t obj, const char* name, long long v) {
  Hdf5Handle space(H5Screate(H5S_SCALAR));
  Hdf5Handle attr(H5Acreate2(obj, name, H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT));
  H5Awrite(attr, H5T_NATIVE_LLONG, &v);
}

// Collective. An empty dataset extendible along its first dimension: [0] or [0, N] chunked by
// rows, so that each epoch appends one row.
Hdf5Handle create_extendible(hid_t group, const char* name, hid_t type, int rank, hsize_t N, hsize_t chunk_rows) {
  const hsize_t dims[2] = {0, N}, maxdims[2] = {H5S_UNLIMITED, N}, chunk[2] = {chunk_rows, std::max<hsize_t>(1, N)};
  Hdf5Handle space(H5Screate_simple(rank, dims, maxdims));
  Hdf5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl, rank, chunk);
  return Hdf5Handle(H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
}
}  // namespace

PanelFormats panel_formats(const std::string& setting, std::size_t regions) {
  if (setting == "csv") return {true, false};
  if (setting == "hdf5") return {false, true};
  if (setting == "both") return {true, true};
  return regions <= kCsvThreshold ? PanelFormats{true, false} : PanelFormats{false, true};
}

struct RegionPanelH5::Impl {
  const Layout& layout;
  std::vector<RegionField> fields;  // one dataset each, named as the regions.csv column
  Hdf5Handle file;                  // declared first, so closed last: after every dataset of it
  std::vector<Hdf5Handle> datasets;
  Hdf5Handle year;
  hsize_t rows = 0;
  std::string folder;  // where the file is: its free space is checked before each write

  Impl(const Layout& l, const Scenario& sc) : layout(l), fields(region_fields(sc)) {}

  // File selection of row `epoch` at the owned regions (contiguous runs of CSV indices).
  Hdf5Handle row_selection(hid_t dset, hsize_t epoch) const {
    Hdf5Handle space(H5Dget_space(dset));
    H5Sselect_none(space);
    H5S_seloper_t op = H5S_SELECT_SET;
    layout.for_each_owned_run([&](std::int64_t first, std::int64_t n) {
      const hsize_t start[2] = {epoch, static_cast<hsize_t>(first)}, count[2] = {1, static_cast<hsize_t>(n)};
      H5Sselect_hyperslab(space, op, start, nullptr, count, nullptr);
      op = H5S_SELECT_OR;
    });
    return space;
  }

  void extend(hsize_t new_rows) {
    const hsize_t dims[2] = {new_rows, static_cast<hsize_t>(layout.num_regions())};
    for (const auto& d : datasets) H5Dset_extent(d, dims);
    const hsize_t ydims[1] = {new_rows};
    H5Dset_extent(year, ydims);
    rows = new_rows;
  }

  // Collective. Opens the datasets of an existing panel and drops the rows of epochs >= first_epoch.
  void resume(const std::string& path, int first_epoch) {
    Hdf5Handle g(H5Gopen2(file, std::string(h5::file.group).c_str(), H5P_DEFAULT));
    bool ok = g.ok();
    for (const auto& f : fields) {
      datasets.emplace_back(ok ? H5Dopen2(g, f.name.c_str(), H5P_DEFAULT) : H5I_INVALID_HID);
      ok = ok && datasets.back().ok();
    }
    year = Hdf5Handle(ok ? H5Dopen2(g, std::string(h5::year.name).c_str(), H5P_DEFAULT) : H5I_INVALID_HID);
    g.close();
    agree(ok && year.ok(), layout.comm(),
          fmt::format("{}: not a region panel of this scenario (columns differ)", path));
    check_years(path, first_epoch);
    extend(static_cast<hsize_t>(first_epoch));  // drop rows written after the checkpoint
    H5Fflush(file, H5F_SCOPE_GLOBAL);
  }

  // Collective. Every epoch before first_epoch has its row: the year written for it.
  void check_years(const std::string& path, int first_epoch) {
    Hdf5Handle space(H5Dget_space(year));
    hsize_t n[1] = {0};
    H5Sget_simple_extent_dims(space, n, nullptr);
    std::vector<long long> years(std::max<hsize_t>(1, n[0]), 0);
    const bool read = n[0] == 0 || H5Dread(year, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, years.data()) >= 0;
    long long first_year = 0;
    Hdf5Handle attr(H5Aopen(file, std::string(h5::start_year.name).c_str(), H5P_DEFAULT));
    const bool start = attr.ok() && H5Aread(attr, H5T_NATIVE_LLONG, &first_year) >= 0;
    int missing = n[0] < static_cast<hsize_t>(first_epoch) ? static_cast<int>(n[0]) : -1;
    for (int e = 0; missing < 0 && e < first_epoch; ++e)
      if (years[static_cast<std::size_t>(e)] != first_year + e) missing = e;
    agree(read && start, layout.comm(), fmt::format("{}: the years of the region panel are unreadable", path));
    agree(missing < 0, layout.comm(),
          fmt::format(
              "{}: epoch {} is missing from the region panel (the folder does not hold every epoch before the "
              "checkpoint's, {}) — restart from an earlier checkpoint of this run, or run afresh with --overwrite",
              path, missing, first_epoch));
  }

  // Collective. Creates the empty panel: one dataset per column, the years, ids, provinces and
  // the root attributes.
  void create(const std::string& path, const GlobalGeography& geo, int start_year) {
    const hsize_t N = static_cast<hsize_t>(layout.num_regions());
    {
      Hdf5Handle g(H5Gcreate2(file, std::string(h5::file.group).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      for (const auto& f : fields) datasets.push_back(create_extendible(g, f.name.c_str(), H5T_NATIVE_DOUBLE, 2, N, 1));
      year = create_extendible(g, std::string(h5::year.name).c_str(), H5T_NATIVE_INT64, 1, N, kYearChunk);
      std::vector<std::string> provinces(geo.size());
      for (std::size_t i = 0; i < geo.size(); ++i) provinces[i] = geo.province_names[geo.province[i]];
      write_strings(g, std::string(h5::id.name).c_str(), geo.id, layout.rank() == 0);
      write_strings(g, std::string(h5::province.name).c_str(), provinces, layout.rank() == 0);
    }
    write_attribute(file, std::string(h5::start_year.name).c_str(), start_year);
    write_attribute(file, std::string(h5::regions.name).c_str(), static_cast<long long>(N));
    agree(std::all_of(datasets.begin(), datasets.end(), [](const Hdf5Handle& d) { return d.ok(); }) && year.ok(),
          layout.comm(), fmt::format("{}: creating the region panel datasets failed (disk full?)", path));
  }
};

RegionPanelH5::RegionPanelH5(const std::string& path, const Layout& layout, const GlobalGeography& geo,
                             const Scenario& sc, int first_epoch)
    : impl_(std::make_unique<Impl>(layout, sc)) {
  auto& im = *impl_;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  im.folder = std::filesystem::path(path).parent_path().string();
  require_free_space(im.folder, kPanelMargin, layout.comm(), "the region panel");
  const bool resume = first_epoch > 0;
  std::string why;
  const bool walkable = !resume || hdf5_file_walkable_on_root(path, layout.comm(), why);
  agree(walkable, layout.comm(),
        fmt::format("{}: the HDF5 region panel to continue is damaged ({}) — rerun with --overwrite", path, why));
  im.file = open_file(path, layout.comm(), resume);
  agree(im.file.ok(), layout.comm(),
        fmt::format("{}: cannot {} the HDF5 region panel{}", path, resume ? "open" : "create",
                    resume ? " (restart into the original output folder)" : " (check the output folder)"));
  if (resume)
    im.resume(path, first_epoch);
  else
    im.create(path, geo, sc.start_year);
}

RegionPanelH5::~RegionPanelH5() = default;

void RegionPanelH5::close() {
  auto& im = *impl_;
  bool ok = im.year.close();
  for (auto& d : im.datasets) ok = d.close() && ok;
  ok = im.file.close() && ok;
  agree(ok, im.layout.comm(), "closing the HDF5 region panel failed (disk full?) — free space and run again");
}

std::uint64_t RegionPanelH5::epoch_bytes(int epoch) const {
  const auto& im = *impl_;
  const std::uint64_t rows = 8 * im.fields.size() * static_cast<std::uint64_t>(im.layout.num_regions());
  const std::uint64_t year_chunk = epoch % kYearChunk == 0 ? 8u * kYearChunk : 0u;
  return rows + year_chunk + kEpochMetadata;
}

void RegionPanelH5::write_epoch(int epoch, int year, const std::vector<RegionOutcome>& mine) {
  auto& im = *impl_;
  const auto e = static_cast<hsize_t>(epoch);
  if (e + 1 > im.rows) im.extend(e + 1);
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  const hsize_t n_mem[2] = {1, std::max<hsize_t>(1, mine.size())};
  Hdf5Handle mem(H5Screate_simple(2, n_mem, nullptr));
  if (mine.empty()) H5Sselect_none(mem);
  std::vector<double> row(std::max<std::size_t>(1, mine.size()));
  bool ok = true;
  for (std::size_t c = 0; c < im.datasets.size(); ++c) {
    for (std::size_t j = 0; j < mine.size(); ++j) row[j] = im.fields[c].of(mine[j]);
    const Hdf5Handle sel = im.row_selection(im.datasets[c], e);
    ok = H5Dwrite(im.datasets[c], H5T_NATIVE_DOUBLE, mem, sel, xfer, row.data()) >= 0 && ok;
  }
  {  // the year of the row (every rank writes the same value collectively; rank 0's selection only)
    Hdf5Handle ys(H5Dget_space(im.year));
    const hsize_t start[1] = {e}, count[1] = {1};
    const hsize_t one[1] = {1};
    Hdf5Handle ym(H5Screate_simple(1, one, nullptr));
    if (im.layout.rank() == 0)
      H5Sselect_hyperslab(ys, H5S_SELECT_SET, start, nullptr, count, nullptr);
    else
      H5Sselect_none(ys), H5Sselect_none(ym);
    const long long y = year;
    ok = H5Dwrite(im.year, H5T_NATIVE_LLONG, ym, ys, xfer, &y) >= 0 && ok;
  }
  H5Fflush(im.file, H5F_SCOPE_GLOBAL);
  agree(ok, im.layout.comm(), "writing the HDF5 region panel failed (disk full?)");
}

}  // namespace regio
