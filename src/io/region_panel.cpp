#include "regio/region_panel.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <filesystem>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/output.hpp"
#include "regio/version.hpp"

namespace regio {

namespace {
constexpr std::size_t kCsvThreshold = 10000;  // auto: regions.csv up to this many regions

void agree(bool ok_here, MPI_Comm comm, const std::string& message) { require_all(comm, ok_here, message); }
}  // namespace

PanelFormats panel_formats(const std::string& setting, std::size_t regions) {
  if (setting == "csv") return {true, false};
  if (setting == "hdf5") return {false, true};
  if (setting == "both") return {true, true};
  return regions <= kCsvThreshold ? PanelFormats{true, false} : PanelFormats{false, true};
}

std::vector<std::string> RegionPanelH5::columns(const Scenario& sc) {
  auto all = region_columns(sc);
  return {all.begin() + 4, all.end()};  // after epoch, year, region, province
}

double RegionPanelH5::value(const RegionOutcome& o, std::size_t c, std::size_t S) {
  const double head[] = {o.population, o.registered, o.migrants_in, o.migrants_out};
  if (c < 4) return head[c];
  if (c < 4 + S) return o.employment[c - 4];
  const double tail[] = {o.wage, o.capital_rent, o.land_rent, o.price_index, o.gdp, o.gdp_pc, o.income, o.transfer, o.exports, o.imports,
                         o.real_income_pc, o.own_trade_share, o.capital, o.utility};
  return tail[c - 4 - S];
}

struct RegionPanelH5::Impl {
  const Layout& layout;
  std::size_t S;
  std::vector<std::string> names;
  hid_t file = -1;
  std::vector<hid_t> datasets;
  hid_t year = -1;
  hsize_t rows = 0;

  explicit Impl(const Layout& l, std::size_t sectors) : layout(l), S(sectors) {}
  ~Impl() {
    for (hid_t d : datasets) if (d >= 0) H5Dclose(d);
    if (year >= 0) H5Dclose(year);
    if (file >= 0) H5Fclose(file);
  }

  // File selection of row `epoch` at the owned regions (contiguous runs of CSV indices).
  hid_t row_selection(hid_t dset, hsize_t epoch) const {
    hid_t space = H5Dget_space(dset);
    const auto& owned = layout.owned();
    if (owned.empty()) { H5Sselect_none(space); return space; }
    bool first = true;
    for (std::size_t a = 0; a < owned.size();) {
      std::size_t b = a + 1;
      while (b < owned.size() && owned[b] == owned[b - 1] + 1) ++b;
      const hsize_t start[2] = {epoch, static_cast<hsize_t>(owned[a])}, count[2] = {1, static_cast<hsize_t>(b - a)};
      H5Sselect_hyperslab(space, first ? H5S_SELECT_SET : H5S_SELECT_OR, start, nullptr, count, nullptr);
      first = false;
      a = b;
    }
    return space;
  }

  void extend(hsize_t new_rows) {
    const hsize_t dims[2] = {new_rows, static_cast<hsize_t>(layout.num_regions())};
    for (hid_t d : datasets) H5Dset_extent(d, dims);
    const hsize_t ydims[1] = {new_rows};
    H5Dset_extent(year, ydims);
    rows = new_rows;
  }
};

RegionPanelH5::RegionPanelH5(const std::string& path, const Layout& layout, const GlobalGeography& geo,
                             const Scenario& sc, int first_epoch)
    : impl_(std::make_unique<Impl>(layout, sc.num_sectors())) {
  auto& im = *impl_;
  const MPI_Comm comm = layout.comm();
  const hsize_t N = static_cast<hsize_t>(layout.num_regions());
  im.names = columns(sc);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  const bool resume = first_epoch > 0;
  im.file = resume ? H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl) : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  agree(im.file >= 0, comm, fmt::format("{}: cannot {} the HDF5 region panel{}", path, resume ? "open" : "create",
                                        resume ? " (restart into the original output folder)" : " (check the output folder)"));
  if (resume) {
    hid_t g = H5Gopen2(im.file, "regions", H5P_DEFAULT);
    bool ok = g >= 0;
    for (const auto& n : im.names) {
      const hid_t d = ok ? H5Dopen2(g, n.c_str(), H5P_DEFAULT) : -1;
      ok = ok && d >= 0;
      im.datasets.push_back(d);
    }
    im.year = ok ? H5Dopen2(g, "year", H5P_DEFAULT) : -1;
    if (g >= 0) H5Gclose(g);
    agree(ok && im.year >= 0, comm, fmt::format("{}: not a region panel of this scenario (columns differ)", path));
    im.extend(static_cast<hsize_t>(first_epoch));  // drop rows written after the checkpoint
    H5Fflush(im.file, H5F_SCOPE_GLOBAL);
    return;
  }
  hid_t g = H5Gcreate2(im.file, "regions", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[2] = {0, N}, maxdims[2] = {H5S_UNLIMITED, N}, chunk[2] = {1, std::max<hsize_t>(1, N)};
  hid_t space = H5Screate_simple(2, dims, maxdims);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 2, chunk);
  for (const auto& n : im.names)
    im.datasets.push_back(H5Dcreate2(g, n.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  H5Sclose(space);
  H5Pclose(dcpl);
  {
    const hsize_t ydims[1] = {0}, ymax[1] = {H5S_UNLIMITED}, ychunk[1] = {64};
    hid_t ys = H5Screate_simple(1, ydims, ymax);
    hid_t ycpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(ycpl, 1, ychunk);
    im.year = H5Dcreate2(g, "year", H5T_NATIVE_INT64, ys, H5P_DEFAULT, ycpl, H5P_DEFAULT);
    H5Pclose(ycpl);
    H5Sclose(ys);
  }
  // Identifiers: created collectively, written by rank 0 alone (independent I/O).
  for (const char* what : {"id", "province"}) {
    std::size_t width = 1;
    for (std::size_t i = 0; i < geo.size(); ++i)
      width = std::max(width, (what[0] == 'i' ? geo.id[i] : geo.province_names[geo.province[i]]).size());
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hsize_t n[1] = {N};
    hid_t s1 = H5Screate_simple(1, n, nullptr);
    hid_t d = H5Dcreate2(g, what, type, s1, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (layout.rank() == 0) {
      std::string buf(width * geo.size(), '\0');
      for (std::size_t i = 0; i < geo.size(); ++i) {
        const std::string& v = what[0] == 'i' ? geo.id[i] : geo.province_names[geo.province[i]];
        buf.replace(i * width, v.size(), v);
      }
      H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    }
    H5Dclose(d);
    H5Sclose(s1);
    H5Tclose(type);
  }
  H5Gclose(g);
  auto attr = [&](const char* name, long long v) {
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(im.file, name, H5T_NATIVE_LLONG, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &v);
    H5Aclose(a);
    H5Sclose(s);
  };
  attr("start_year", sc.start_year);
  attr("regions", static_cast<long long>(N));
  agree(std::all_of(im.datasets.begin(), im.datasets.end(), [](hid_t d) { return d >= 0; }) && im.year >= 0, comm,
        fmt::format("{}: creating the region panel datasets failed (disk full?)", path));
}

RegionPanelH5::~RegionPanelH5() = default;

void RegionPanelH5::write_epoch(int epoch, int year, const std::vector<RegionOutcome>& mine) {
  auto& im = *impl_;
  const auto e = static_cast<hsize_t>(epoch);
  if (e + 1 > im.rows) im.extend(e + 1);
  hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  const hsize_t n_mem[2] = {1, std::max<hsize_t>(1, mine.size())};
  hid_t mem = H5Screate_simple(2, n_mem, nullptr);
  if (mine.empty()) H5Sselect_none(mem);
  std::vector<double> row(std::max<std::size_t>(1, mine.size()));
  bool ok = true;
  for (std::size_t c = 0; c < im.datasets.size(); ++c) {
    for (std::size_t j = 0; j < mine.size(); ++j) row[j] = value(mine[j], c, im.S);
    hid_t sel = im.row_selection(im.datasets[c], e);
    ok = H5Dwrite(im.datasets[c], H5T_NATIVE_DOUBLE, mem, sel, xfer, row.data()) >= 0 && ok;
    H5Sclose(sel);
  }
  {  // the year of the row (every rank writes the same value collectively; rank 0's selection only)
    hid_t ys = H5Dget_space(im.year);
    const hsize_t start[1] = {e}, count[1] = {1};
    const hsize_t one[1] = {1};
    hid_t ym = H5Screate_simple(1, one, nullptr);
    if (im.layout.rank() == 0) H5Sselect_hyperslab(ys, H5S_SELECT_SET, start, nullptr, count, nullptr);
    else H5Sselect_none(ys), H5Sselect_none(ym);
    const long long y = year;
    ok = H5Dwrite(im.year, H5T_NATIVE_LLONG, ym, ys, xfer, &y) >= 0 && ok;
    H5Sclose(ym);
    H5Sclose(ys);
  }
  H5Sclose(mem);
  H5Pclose(xfer);
  H5Fflush(im.file, H5F_SCOPE_GLOBAL);
  agree(ok, im.layout.comm(), "writing the HDF5 region panel failed (disk full?)");
}

}  // namespace regio
