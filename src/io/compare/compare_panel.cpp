// regio compare: an output folder's region panel (regions.csv or regions.h5) at chosen epochs,
// and the scenario's regions matched to the baseline's.
#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "comparison.hpp"
#include "regio/error.hpp"
#include "regio/hdf5_handle.hpp"

namespace regio::comparison {

namespace fs = std::filesystem;
// The files and columns read here are the output schema's (output_schema.hpp).
namespace rc = schema::regions_csv;
namespace h5 = schema::regions_h5;

namespace {

// A dataset of regions.h5 by its path from the root ("regions/wage").
std::string h5_path(std::string_view name) { return fmt::format("{}/{}", h5::file.group, name); }

RegionPanel read_regions_csv(const std::string& file, const std::string& dir, const std::vector<int>& wanted,
                             const std::vector<std::string>& src) {
  const auto rows = csv::parse(read_text(file, dir, rc::file.name), file);
  if (rows.empty()) fail(file, 1, "the file is empty (no header)");
  const std::string epoch_col = name_of(schema::epoch), region_col = name_of(rc::region),
                    province_col = name_of(rc::province);
  std::vector<std::string> needed = {epoch_col, region_col, province_col};
  needed.insert(needed.end(), src.begin(), src.end());
  const auto col = header_columns(rows[0], file, needed);
  const std::set<int> want(wanted.begin(), wanted.end());
  RegionPanel p;
  p.file = file;
  struct EpochRows {
    std::vector<std::string> ids, provinces;
    std::vector<std::vector<double>> columns;
    std::vector<int> lines;
  };
  std::map<int, EpochRows> by_epoch;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r].fields;
    if (f.size() != rows[0].fields.size())
      fail(file, rows[r].line,
           fmt::format("{} fields, the header has {} (truncated file?)", f.size(), rows[0].fields.size()));
    int epoch = 0;
    if (!to_int(f[col.at(epoch_col)], epoch))
      fail(file, rows[r].line, fmt::format("epoch '{}' is not an epoch number", f[col.at(epoch_col)]));
    if (!want.count(epoch)) continue;
    auto& e = by_epoch[epoch];
    if (e.columns.empty()) e.columns.resize(src.size());
    e.ids.push_back(f[col.at(region_col)]);
    e.provinces.push_back(f[col.at(province_col)]);
    e.lines.push_back(rows[r].line);
    for (std::size_t c = 0; c < src.size(); ++c) {
      double x = 0;
      if (!csv::to_double(f[col.at(src[c])], x))
        fail(file, rows[r].line, fmt::format("{} '{}' is not a number", src[c], f[col.at(src[c])]));
      e.columns[c].push_back(x);
    }
  }
  // Region order: that of the first wanted epoch; other epochs are matched by id.
  for (int epoch : wanted) {
    auto it = by_epoch.find(epoch);
    if (it == by_epoch.end())
      fail(file, 0, fmt::format("no rows for epoch {} (partial run?); choose other epochs with --epochs", epoch));
    auto& e = it->second;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < e.ids.size(); ++i)
      if (!index.emplace(e.ids[i], i).second)
        fail(file, e.lines[i], fmt::format("region '{}' appears twice in epoch {}", e.ids[i], epoch));
    if (p.ids.empty()) {
      p.ids = e.ids;
      p.provinces = e.provinces;
      p.columns[epoch] = std::move(e.columns);
      continue;
    }
    if (e.ids.size() != p.ids.size())
      fail(file, 0,
           fmt::format("epoch {} has {} regions, epoch {} has {} (damaged file?)", epoch, e.ids.size(), wanted.front(),
                       p.ids.size()));
    std::vector<std::vector<double>> ordered(src.size(), std::vector<double>(p.ids.size()));
    for (std::size_t i = 0; i < p.ids.size(); ++i) {
      const auto k = index.find(p.ids[i]);
      if (k == index.end())
        fail(file, 0, fmt::format("region '{}' is missing in epoch {} (damaged file?)", p.ids[i], epoch));
      for (std::size_t c = 0; c < src.size(); ++c) ordered[c][i] = e.columns[c][k->second];
    }
    p.columns[epoch] = std::move(ordered);
  }
  return p;
}

// HDF5 prints its error stack by default; our messages say what is wrong instead.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

std::vector<std::string> read_h5_strings(hid_t file_id, const std::string& file, const std::string& name) {
  Hdf5Handle d(H5Dopen2(file_id, name.c_str(), H5P_DEFAULT));
  if (!d.ok()) fail(file, 0, fmt::format("no dataset {} (not a region panel of `regio run`)", name));
  Hdf5Handle type(H5Dget_type(d)), space(H5Dget_space(d));
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) != 0 || H5Sget_simple_extent_ndims(space) != 1)
    fail(file, 0, fmt::format("{} is not a 1-d array of fixed-length strings", name));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  const std::size_t width = H5Tget_size(type);
  std::string buf(width * n, '\0');
  if (n > 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    fail(file, 0, fmt::format("cannot read {}", name));
  std::vector<std::string> out(n);
  for (hsize_t i = 0; i < n; ++i) {
    std::string s = buf.substr(i * width, width);
    s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
    while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded strings
    out[i] = s;
  }
  return out;
}

RegionPanel read_regions_h5(const std::string& file, const std::vector<int>& wanted,
                            const std::vector<std::string>& src) {
  QuietHdf5 quiet;
  Hdf5Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.ok()) fail(file, 0, "cannot open the HDF5 region panel (damaged, or still being written?)");
  RegionPanel p;
  p.file = file;
  p.ids = read_h5_strings(f, file, h5_path(h5::id.name));
  p.provinces = read_h5_strings(f, file, h5_path(h5::province.name));
  const hsize_t n = p.ids.size();
  if (p.provinces.size() != n)
    fail(file, 0,
         fmt::format("{} has {} entries but {} {}", h5_path(h5::id.name), n, h5_path(h5::province.name),
                     p.provinces.size()));
  for (int epoch : wanted) p.columns[epoch].assign(src.size(), std::vector<double>(n));
  for (std::size_t c = 0; c < src.size(); ++c) {
    const std::string name = h5_path(src[c]);
    Hdf5Handle d(H5Dopen2(f, name.c_str(), H5P_DEFAULT));
    if (!d.ok())
      fail(file, 0, fmt::format("no dataset {} (not a region panel of `regio run`, or an older one: re-run it)", name));
    Hdf5Handle space(H5Dget_space(d));
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space) != 2 || H5Sget_simple_extent_dims(space, dims, nullptr) < 0 || dims[1] != n)
      fail(file, 0, fmt::format("{} is not an [epochs, {}] array", name, n));
    const hsize_t mem_dims[1] = {std::max<hsize_t>(n, 1)};
    Hdf5Handle mem(H5Screate_simple(1, mem_dims, nullptr));
    for (int epoch : wanted) {
      if (static_cast<hsize_t>(epoch) >= dims[0])
        fail(file, 0,
             fmt::format("no row for epoch {} ({} rows; partial run?); choose other epochs with --epochs", epoch,
                         dims[0]));
      if (n == 0) continue;
      const hsize_t start[2] = {static_cast<hsize_t>(epoch), 0}, count[2] = {1, n};
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
      if (H5Dread(d, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, p.columns[epoch][c].data()) < 0)
        fail(file, 0, fmt::format("cannot read row {} of {}", epoch, name));
    }
  }
  return p;
}

}  // namespace

RegionPanel read_region_panel(const std::string& dir, const std::vector<int>& wanted,
                              const std::vector<std::string>& columns) {
  const std::string csv_file = path_in(dir, rc::file.name), h5_file = path_in(dir, h5::file.name);
  std::error_code ec;
  if (fs::is_regular_file(csv_file, ec)) return read_regions_csv(csv_file, dir, wanted, columns);
  if (fs::is_regular_file(h5_file, ec)) return read_regions_h5(h5_file, wanted, columns);
  fail(dir, 0,
       fmt::format("neither {} nor {} here; is this an output folder of `regio run`?", rc::file.name, h5::file.name));
}

// The scenario panel's columns in the baseline's region order; refuses other region sets.
void match_regions(const RegionPanel& base, RegionPanel& scen, const std::string& base_dir,
                   const std::string& scen_dir) {
  const std::string both = fmt::format("{} and {} have different regions", base_dir, scen_dir);
  const std::string fix = "compare runs of the same region CSV";
  if (base.ids.size() != scen.ids.size())
    throw InputError(
        located("", 0, fmt::format("{}: {} vs {} regions; {}", both, base.ids.size(), scen.ids.size(), fix)));
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < scen.ids.size(); ++i) index.emplace(scen.ids[i], i);
  std::vector<std::size_t> perm(base.ids.size());
  for (std::size_t i = 0; i < base.ids.size(); ++i) {
    const auto it = index.find(base.ids[i]);
    if (it == index.end())
      throw InputError(
          located("", 0, fmt::format("{}: region '{}' is only in the baseline; {}", both, base.ids[i], fix)));
    if (scen.provinces[it->second] != base.provinces[i])
      throw InputError(located("", 0,
                               fmt::format("{}: region '{}' is in province '{}' in the baseline but '{}' in the "
                                           "scenario; {}",
                                           both, base.ids[i], base.provinces[i], scen.provinces[it->second], fix)));
    perm[i] = it->second;
  }
  for (auto& [epoch, cols] : scen.columns)
    for (auto& c : cols) {
      std::vector<double> reordered(c.size());
      for (std::size_t i = 0; i < perm.size(); ++i) reordered[i] = c[perm[i]];
      c = std::move(reordered);
    }
  scen.ids = base.ids;
  scen.provinces = base.provinces;
}

}  // namespace regio::comparison
