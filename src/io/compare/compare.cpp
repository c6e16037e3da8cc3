// regio compare: differences between a baseline and a scenario output folder (docs/outputs.md,
// "regio compare"). Serial; the CLI runs it on rank 0 inside on_root_collectively.
#include "regio/compare.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/hdf5_handle.hpp"
#include "regio/output_schema.hpp"

namespace regio {

namespace fs = std::filesystem;
// The files and columns read here are the output schema's (output_schema.hpp).
namespace rc = schema::regions_csv;
namespace ac = schema::aggregates_csv;
namespace ry = schema::run_yaml;
namespace h5 = schema::regions_h5;

namespace {

// ---- small helpers ---------------------------------------------------------------------------

std::string path_in(const std::string& dir, std::string_view name) { return (fs::path(dir) / name).string(); }

std::string name_of(const schema::Column& c) { return std::string(c.name); }

// A dataset of regions.h5 by its path from the root ("regions/wage").
std::string h5_path(std::string_view name) { return fmt::format("{}/{}", h5::file.group, name); }

std::string num(double v) { return fmt::format("{:.15g}", v); }  // as the run outputs

[[noreturn]] void fail(const std::string& file, int line, const std::string& message) {
  throw InputError(located(file, line, message));
}

std::string read_text(const std::string& path, const std::string& dir, std::string_view what) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    fail(dir, 0, fmt::format("no {} here; is this an output folder of `regio run`?", what));
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) fail(path, 0, "cannot read the file (check permissions)");
  return buf.str();
}

bool to_int(const std::string& field, int& out) {
  double v = 0;
  if (!csv::to_double(field, v) || !std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 1e9) return false;
  out = static_cast<int>(v);
  return true;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "0..9" for a contiguous run, else "0, 2, 5".
std::string epochs_text(const std::vector<int>& e) {
  if (e.empty()) return "none";
  bool contiguous = true;
  for (std::size_t k = 1; k < e.size(); ++k) contiguous = contiguous && e[k] == e[k - 1] + 1;
  if (contiguous) return e.size() == 1 ? std::to_string(e[0]) : fmt::format("{}..{}", e.front(), e.back());
  std::string s;
  for (std::size_t k = 0; k < e.size(); ++k) s += (k ? ", " : "") + std::to_string(e[k]);
  return s;
}

// Header of a CSV as name -> column; every `needed` column must be there.
std::map<std::string, std::size_t> header_columns(const csv::Row& header, const std::string& file,
                                                  const std::vector<std::string>& needed) {
  std::map<std::string, std::size_t> col;
  for (std::size_t j = 0; j < header.fields.size(); ++j) col.emplace(trim(header.fields[j]), j);
  for (const auto& n : needed)
    if (!col.count(n))
      fail(file, header.line,
           fmt::format("missing column '{}' (this file is not from `regio run`, or from an older "
                       "version: re-run it)",
                       n));
  return col;
}

// ---- run.yaml --------------------------------------------------------------------------------

struct RunRecord {
  std::string dir, status, scenario_file, version;
  std::optional<int> start_year;
  std::vector<std::pair<std::string, std::string>> parameters;  // resolved scenario, flattened
};

void flatten(const YAML::Node& n, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) flatten(kv.second, (prefix.empty() ? "" : prefix + ".") + kv.first.Scalar(), out);
  } else if (n.IsSequence()) {
    for (std::size_t k = 0; k < n.size(); ++k) flatten(n[k], fmt::format("{}[{}]", prefix, k), out);
  } else if (n.IsScalar()) {
    out.emplace_back(prefix, n.Scalar());
  } else {
    out.emplace_back(prefix, "~");
  }
}

RunRecord read_run_record(const std::string& dir, bool allow_partial) {
  const std::string file = path_in(dir, ry::file.name);
  const std::string text = read_text(file, dir, ry::file.name);
  RunRecord r;
  r.dir = dir;
  // The verdict is the last line, by design (docs/outputs.md): a run.yaml without it is partial.
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!trim(line).empty()) last = line;
  }
  const std::string status_key = name_of(ry::status) + ":";
  r.status = last.rfind(status_key, 0) == 0 ? trim(last.substr(status_key.size())) : "missing";
  if (r.status != "complete" && !allow_partial)
    fail(file, 0,
         fmt::format("the run is not complete (status: {}): the folder holds partial results; let the run "
                     "finish (or restart it), or pass --allow-partial to compare what it holds",
                     r.status));
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) fail(file, 0, "not a regio run record (expected a YAML map)");
    const YAML::Node file_node = root[name_of(ry::scenario_file)], version = root[name_of(ry::regio_version)];
    if (file_node && file_node.IsScalar()) r.scenario_file = file_node.Scalar();
    if (version && version.IsScalar()) r.version = version.Scalar();
    const YAML::Node sc = root[name_of(ry::scenario)];
    if (sc && sc.IsMap()) {
      if (sc["start_year"] && sc["start_year"].IsScalar()) {
        int y = 0;
        if (!to_int(sc["start_year"].Scalar(), y))
          fail(file, sc["start_year"].Mark().line + 1, "scenario.start_year is not a year");
        r.start_year = y;
      }
      flatten(sc, "", r.parameters);
    }
  } catch (const YAML::Exception& e) {
    fail(file, e.mark.line + 1, fmt::format("not a readable run record ({})", e.msg));
  }
  return r;
}

// ---- aggregates.csv --------------------------------------------------------------------------

struct NationalTable {
  std::vector<std::string> metrics;         // every column after epoch, year (file order)
  std::vector<int> epochs, years;           // in file order, epochs unique
  std::vector<std::vector<double>> values;  // [row][metric]
  int metric(std::string_view name) const {
    const auto it = std::find(metrics.begin(), metrics.end(), name);
    return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
  }
  int row_of(int epoch) const {
    const auto it = std::find(epochs.begin(), epochs.end(), epoch);
    return it == epochs.end() ? -1 : static_cast<int>(it - epochs.begin());
  }
};

NationalTable read_aggregates(const std::string& dir) {
  const std::string file = path_in(dir, ac::file.name);
  const auto rows = csv::parse(read_text(file, dir, ac::file.name), file);
  if (rows.empty()) fail(file, 1, "the file is empty (no header)");
  const std::string epoch_col = name_of(schema::epoch), year_col = name_of(schema::year);
  std::vector<std::string> needed = {epoch_col, year_col};
  for (const auto& m : national_metrics()) needed.push_back(m);
  const auto col = header_columns(rows[0], file, needed);
  NationalTable t;
  for (const auto& h : rows[0].fields)
    if (trim(h) != epoch_col && trim(h) != year_col) t.metrics.push_back(trim(h));
  std::set<int> seen;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r].fields;
    if (f.size() != rows[0].fields.size())
      fail(file, rows[r].line,
           fmt::format("{} fields, the header has {} (truncated file?)", f.size(), rows[0].fields.size()));
    int epoch = 0, year = 0;
    const std::string& epoch_field = f[col.at(epoch_col)];
    const std::string& year_field = f[col.at(year_col)];
    if (!to_int(epoch_field, epoch) || epoch < 0)
      fail(file, rows[r].line, fmt::format("epoch '{}' is not an epoch number", epoch_field));
    if (!to_int(year_field, year)) fail(file, rows[r].line, fmt::format("year '{}' is not a year", year_field));
    if (!seen.insert(epoch).second) fail(file, rows[r].line, fmt::format("epoch {} appears twice", epoch));
    std::vector<double> v;
    for (const auto& m : t.metrics) {
      double x = 0;
      if (!csv::to_double(f[col.at(m)], x))
        fail(file, rows[r].line, fmt::format("{} '{}' is not a number", m, f[col.at(m)]));
      v.push_back(x);
    }
    t.epochs.push_back(epoch);
    t.years.push_back(year);
    t.values.push_back(std::move(v));
  }
  if (t.epochs.empty()) fail(file, 0, "no epochs (the run wrote nothing yet)");
  return t;
}

// ---- region panel: regions.csv or regions.h5 -------------------------------------------------

struct RegionPanel {
  std::string file;
  std::vector<std::string> ids, provinces;  // region order of the panel
  // columns[epoch][c][i]: province_source_columns()[c] of region i at `epoch`
  std::map<int, std::vector<std::vector<double>>> columns;
};

RegionPanel read_regions_csv(const std::string& file, const std::string& dir, const std::vector<int>& wanted) {
  const auto rows = csv::parse(read_text(file, dir, rc::file.name), file);
  if (rows.empty()) fail(file, 1, "the file is empty (no header)");
  const std::string epoch_col = name_of(schema::epoch), region_col = name_of(rc::region),
                    province_col = name_of(rc::province);
  std::vector<std::string> needed = {epoch_col, region_col, province_col};
  const auto& src = province_source_columns();
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

RegionPanel read_regions_h5(const std::string& file, const std::vector<int>& wanted) {
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
  const auto& src = province_source_columns();
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

RegionPanel read_region_panel(const std::string& dir, const std::vector<int>& wanted) {
  const std::string csv_file = path_in(dir, rc::file.name), h5_file = path_in(dir, h5::file.name);
  std::error_code ec;
  if (fs::is_regular_file(csv_file, ec)) return read_regions_csv(csv_file, dir, wanted);
  if (fs::is_regular_file(h5_file, ec)) return read_regions_h5(h5_file, wanted);
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

// ---- writing ---------------------------------------------------------------------------------

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc | std::ios::binary);
  if (!f) fail(path, 0, "cannot write the file; check permissions or choose another --out");
  f << text;
  f.close();
  if (!f) fail(path, 0, "writing failed (disk full?)");
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// Levels readable in a table: whole numbers for large values, 6 significant digits otherwise.
std::string readable(double v) {
  if (!std::isfinite(v)) return num(v);
  return std::fabs(v) >= 1e5 ? fmt::format("{:.0f}", v) : fmt::format("{:.6g}", v);
}
std::string signed_text(double v, const char* unit, int decimals) {
  if (!std::isfinite(v)) return num(v);
  return fmt::format("{:+.{}f}{}", v, decimals, unit);
}

struct ProvinceRow {
  std::string name;
  double baseline, scenario, pct;
};

std::string province_ranking(const std::vector<ProvinceRow>& all, bool gains, const char* what) {
  std::vector<ProvinceRow> rows;
  for (const auto& r : all)
    if (std::isfinite(r.pct) && (gains ? r.pct > 0 : r.pct < 0)) rows.push_back(r);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const ProvinceRow& a, const ProvinceRow& b) { return gains ? a.pct > b.pct : a.pct < b.pct; });
  if (rows.size() > 5) rows.resize(5);
  std::string s = fmt::format("**{}, largest {}**", what, gains ? "gains" : "losses");
  if (rows.empty()) return s + ": none\n\n";
  s += "\n\n| province | baseline | scenario | change |\n|---|---:|---:|---:|\n";
  for (const auto& r : rows)
    s += fmt::format("| {} | {} | {} | {} |\n", md_escape(r.name), readable(r.baseline), readable(r.scenario),
                     signed_text(r.pct, " %", 3));
  return s + "\n";
}

}  // namespace

// ---- public ------------------------------------------------------------------------------------

const std::vector<std::string>& national_metrics() {
  // The aggregates.csv columns every run has; `optional` ones (added later) are compared when
  // both runs have them.
  static const std::vector<std::string> m = [] {
    std::vector<std::string> v;
    for (const schema::Column* c : ac::file.columns)
      if (c != &schema::epoch && c != &schema::year && !c->optional) v.push_back(name_of(*c));
    return v;
  }();
  return m;
}

bool is_level_metric(const std::string& m) {
  return m == ac::gdp.name || m == ac::real_gdp.name || m == ac::population.name;
}

namespace {
// provinces.csv's quantities in column order; gdp_pc is recomputed from the province sums.
const std::vector<const schema::Column*>& quantity_columns() {
  static const std::vector<const schema::Column*> q = {
      &rc::population, &rc::registered, &rc::migrants_in,    &rc::migrants_out, &rc::gdp,
      &rc::gdp_pc,     &rc::income,     &rc::real_income_pc, &rc::wage,         &rc::capital};
  return q;
}
// The regions.csv columns they are made from: all but the ratio (gdp_pc).
const std::vector<const schema::Column*>& source_columns() {
  static const std::vector<const schema::Column*> c = [] {
    std::vector<const schema::Column*> v;
    for (const schema::Column* q : quantity_columns())
      if (q->to_province != schema::ToProvince::ratio) v.push_back(q);
    return v;
  }();
  return c;
}
std::vector<std::string> names_of(const std::vector<const schema::Column*>& columns) {
  std::vector<std::string> names;
  for (const schema::Column* c : columns) names.push_back(name_of(*c));
  return names;
}
}  // namespace

const std::vector<std::string>& province_quantities() {
  static const std::vector<std::string> q = names_of(quantity_columns());
  return q;
}

const std::vector<std::string>& province_source_columns() {
  static const std::vector<std::string> c = names_of(source_columns());
  return c;
}

ProvinceTable aggregate_provinces(const std::vector<std::string>& province,
                                  const std::vector<std::vector<double>>& columns) {
  const auto& src = source_columns();
  auto at = [&](const schema::Column* c) {
    return static_cast<std::size_t>(std::find(src.begin(), src.end(), c) - src.begin());
  };
  const std::size_t pop = at(&rc::population), gdp = at(&rc::gdp);
  ProvinceTable t;
  std::unordered_map<std::string, std::size_t> index;
  // Accumulators per province: the source columns summed (the schema's means weighted by population).
  std::vector<std::vector<double>> acc;
  for (std::size_t i = 0; i < province.size(); ++i) {
    const auto [it, added] = index.emplace(province[i], t.provinces.size());
    if (added) {
      t.provinces.push_back(province[i]);
      acc.emplace_back(src.size(), 0.0);
    }
    auto& a = acc[it->second];
    const double L = columns[pop][i];
    for (std::size_t c = 0; c < src.size(); ++c)
      a[c] += src[c]->to_province == schema::ToProvince::mean ? L * columns[c][i] : columns[c][i];
  }
  for (const auto& a : acc) {
    const double L = a[pop];
    std::vector<double> v;
    for (const schema::Column* q : quantity_columns()) {
      if (q == &rc::gdp_pc)
        v.push_back(a[gdp] / L);  // the ratio of the sums
      else if (q->to_province == schema::ToProvince::mean)
        v.push_back(a[at(q)] / L);
      else
        v.push_back(a[at(q)]);
    }
    t.values.push_back(std::move(v));
  }
  return t;
}

std::vector<int> parse_epoch_list(const std::string& text, const std::vector<int>& common) {
  if (common.empty()) throw InputError("no common epochs");
  std::vector<int> out;
  if (trim(text).empty()) {
    out = {common.front(), common.back()};
  } else {
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) {
      const std::string t = trim(item);
      int e = 0;
      if (t == "last")
        e = common.back();
      else if (t == "first")
        e = common.front();
      else if (!to_int(t, e))
        throw InputError(located("", 0,
                                 fmt::format("--epochs: '{}' is not an epoch number, `first` or `last` "
                                             "(example: --epochs 0,5,last)",
                                             t)));
      else if (!std::binary_search(common.begin(), common.end(), e))
        throw InputError(located("", 0,
                                 fmt::format("--epochs: epoch {} is not an epoch of both runs (common epochs: {})", e,
                                             epochs_text(common))));
      out.push_back(e);
    }
    if (!text.empty() && text.back() == ',') throw InputError("--epochs: empty item at the end of the list");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double percent_change(double b, double s) { return b == 0 ? std::nan("") : 100.0 * (s - b) / b; }

double welfare_equivalent_percent(double d) { return 100.0 * std::expm1(d); }

CompareSummary compare_runs(const CompareOptions& opt) {
  for (const auto* d : {&opt.baseline, &opt.scenario}) {
    std::error_code ec;
    if (!fs::is_directory(*d, ec)) fail(*d, 0, "no such folder (give the --out folder of `regio run`)");
  }
  const RunRecord rb = read_run_record(opt.baseline, opt.allow_partial);
  const RunRecord rs = read_run_record(opt.scenario, opt.allow_partial);
  const NationalTable nb = read_aggregates(opt.baseline), ns = read_aggregates(opt.scenario);

  // Same period: start years (run.yaml, else the first row of aggregates.csv).
  const int yb = rb.start_year.value_or(nb.years[0] - nb.epochs[0]);
  const int ys = rs.start_year.value_or(ns.years[0] - ns.epochs[0]);
  if (yb != ys)
    throw InputError(located("", 0,
                             fmt::format("{} starts in {} but {} in {}: compare runs with the same start_year",
                                         opt.baseline, yb, opt.scenario, ys)));
  std::vector<int> common;
  for (int e : nb.epochs)
    if (ns.row_of(e) >= 0) common.push_back(e);
  std::sort(common.begin(), common.end());
  if (common.empty())
    throw InputError(located("", 0,
                             fmt::format("{} (epochs {}) and {} (epochs {}) have no epoch in common", opt.baseline,
                                         epochs_text(nb.epochs), opt.scenario, epochs_text(ns.epochs))));
  for (int e : common)
    if (nb.years[nb.row_of(e)] != ns.years[ns.row_of(e)])
      throw InputError(
          located("", 0,
                  fmt::format("epoch {} is year {} in {} but {} in {}: compare runs of the same period", e,
                              nb.years[nb.row_of(e)], opt.baseline, ns.years[ns.row_of(e)], opt.scenario)));
  const std::vector<int> chosen = parse_epoch_list(opt.epochs, common);

  // The summary ranks provinces at the last common epoch, whether or not provinces.csv has it.
  std::vector<int> panel_epochs = chosen;
  if (panel_epochs.back() != common.back()) panel_epochs.push_back(common.back());
  const RegionPanel pb = read_region_panel(opt.baseline, panel_epochs);
  RegionPanel ps = read_region_panel(opt.scenario, panel_epochs);
  match_regions(pb, ps, opt.baseline, opt.scenario);

  std::error_code ec;
  fs::create_directories(opt.output, ec);
  if (ec || !fs::is_directory(opt.output))
    fail(opt.output, 0, fmt::format("cannot create the output folder ({}); choose another with --out", ec.message()));

  CompareSummary summary;
  summary.epochs = common;
  summary.province_epochs = chosen;

  // ---- national.csv
  // The documented metrics, then any further column both files have (from a newer regio).
  std::vector<std::string> metrics = national_metrics();
  for (const auto& m : nb.metrics)
    if (ns.metric(m) >= 0 && std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
  std::vector<int> kb, ks;  // column of each metric in the two tables
  for (const auto& m : metrics) kb.push_back(nb.metric(m)), ks.push_back(ns.metric(m));
  std::string text = fmt::format("{},{}", schema::epoch.name, schema::year.name);
  for (const auto& m : metrics) {
    text += fmt::format(",{0}_baseline,{0}_scenario,{0}_diff", m);
    if (is_level_metric(m)) text += "," + m + "_pct";
    if (m == ac::welfare.name) text += ",welfare_equivalent_pct";
  }
  text += "\n";
  for (int e : common) {
    const auto& rowb = nb.values[nb.row_of(e)];
    const auto& rows = ns.values[ns.row_of(e)];
    text += fmt::format("{},{}", e, nb.years[nb.row_of(e)]);
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const double b = rowb[kb[k]], s = rows[ks[k]];
      text += fmt::format(",{:.15g},{:.15g},{:.15g}", b, s, s - b);
      if (is_level_metric(metrics[k])) text += fmt::format(",{:.15g}", percent_change(b, s));
      if (metrics[k] == ac::welfare.name) text += fmt::format(",{:.15g}", welfare_equivalent_percent(s - b));
    }
    text += "\n";
  }
  const std::string national_file = path_in(opt.output, "national.csv");
  write_file(national_file, text);

  // ---- provinces.csv
  const auto& quantities = province_quantities();
  text = fmt::format("{},{},{}", schema::epoch.name, schema::year.name, rc::province.name);
  for (const auto& q : quantities) text += fmt::format(",{0}_baseline,{0}_scenario,{0}_diff,{0}_pct", q);
  text += "\n";
  std::map<int, std::pair<ProvinceTable, ProvinceTable>> tables;  // epoch -> (baseline, scenario)
  for (int e : panel_epochs)
    tables.emplace(e, std::pair{aggregate_provinces(pb.provinces, pb.columns.at(e)),
                                aggregate_provinces(ps.provinces, ps.columns.at(e))});
  for (int e : chosen) {
    const auto& [tb, ts] = tables.at(e);
    for (std::size_t p = 0; p < tb.provinces.size(); ++p) {
      text += fmt::format("{},{},{}", e, nb.years[nb.row_of(e)], csv::quote(tb.provinces[p]));
      for (std::size_t q = 0; q < quantities.size(); ++q) {
        const double b = tb.values[p][q], s = ts.values[p][q];
        text += fmt::format(",{:.15g},{:.15g},{:.15g},{:.15g}", b, s, s - b, percent_change(b, s));
      }
      text += "\n";
    }
  }
  summary.provinces = tables.begin()->second.first.provinces.size();
  const std::string provinces_file = path_in(opt.output, "provinces.csv");
  write_file(provinces_file, text);

  // ---- summary.md
  const int last = common.back();
  const int year = nb.years[nb.row_of(last)];
  std::string md = fmt::format("# regio compare: `{}` against the baseline `{}`\n\n", md_escape(opt.scenario),
                               md_escape(opt.baseline));
  md += "| | baseline | scenario |\n|---|---|---|\n";
  md += fmt::format("| folder | `{}` | `{}` |\n", md_escape(rb.dir), md_escape(rs.dir));
  md += fmt::format("| scenario file | `{}` | `{}` |\n", md_escape(rb.scenario_file), md_escape(rs.scenario_file));
  md += fmt::format("| status | {} | {} |\n", md_escape(rb.status), md_escape(rs.status));
  md += fmt::format("| epochs | {} | {} |\n", epochs_text(nb.epochs), epochs_text(ns.epochs));
  md += fmt::format("| regio | {} | {} |\n\n", md_escape(rb.version), md_escape(rs.version));
  md += fmt::format("{} regions in {} provinces; {} common epochs ({}, years {}–{}).\n\n", pb.ids.size(),
                    summary.provinces, common.size(), epochs_text(common), nb.years[nb.row_of(common.front())], year);
  if (rb.status != "complete" || rs.status != "complete")
    md += "**Partial results** (--allow-partial): at least one run did not finish.\n\n";
  {  // what the scenario changes: the resolved parameters that differ (`output` always does)
    std::map<std::string, std::pair<std::string, std::string>> diff;
    for (const auto& [k, v] : rb.parameters) diff[k].first = v;
    for (const auto& [k, v] : rs.parameters) diff[k].second = v;
    std::string rows;
    for (const auto& [k, v] : diff)
      if (k != "output" && v.first != v.second)
        rows += fmt::format("| `{}` | {} | {} |\n", md_escape(k), v.first.empty() ? "–" : md_escape(v.first),
                            v.second.empty() ? "–" : md_escape(v.second));
    if (rb.parameters.empty() || rs.parameters.empty())
      md += "(a run.yaml has no resolved `scenario`: parameters not compared)\n\n";
    else if (rows.empty())
      md += "The resolved scenarios in run.yaml are identical (apart from `output`).\n\n";
    else
      md +=
          "Parameters that differ (resolved scenarios in run.yaml):\n\n| parameter | baseline | scenario "
          "|\n|---|---|---|\n" +
          rows + "\n";
  }
  {
    auto B = [&](const schema::Column* m) { return nb.values[nb.row_of(last)][nb.metric(m->name)]; };
    auto S = [&](const schema::Column* m) { return ns.values[ns.row_of(last)][ns.metric(m->name)]; };
    md += fmt::format(
        "## National, epoch {} ({})\n\n| measure | baseline | scenario | change |\n|---|---:|---:|---:|\n", last, year);
    for (const auto& [m, label] : {std::pair{&ac::gdp, "GDP"}, std::pair{&ac::real_gdp, "real GDP"}})
      md += fmt::format("| {} | {} | {} | {} |\n", label, readable(B(m)), readable(S(m)),
                        signed_text(percent_change(B(m), S(m)), " %", 3));
    md += fmt::format("| welfare (consumption equivalent) | {} | {} | {} |\n", readable(B(&ac::welfare)),
                      readable(S(&ac::welfare)),
                      signed_text(welfare_equivalent_percent(S(&ac::welfare) - B(&ac::welfare)), " %", 3));
    for (const auto& [m, label] :
         {std::pair{&ac::theil, "Theil"}, std::pair{&ac::gini, "Gini"}, std::pair{&ac::cv, "CV"}}) {
      const double d = S(m) - B(m);
      md += fmt::format("| {} (GDP per capita) | {} | {} | {} |\n", label, fmt::format("{:.4f}", B(m)),
                        fmt::format("{:.4f}", S(m)), std::isfinite(d) ? fmt::format("{:+.4g}", d) : num(d));
    }
    // Income inequality after transfers (runs of regio ≥ policies; older runs lack the column).
    if (nb.metric(ac::theil_income.name) >= 0 && ns.metric(ac::theil_income.name) >= 0) {
      const double d = S(&ac::theil_income) - B(&ac::theil_income);
      md += fmt::format("| Theil (income per capita, after transfers) | {:.4f} | {:.4f} | {:+.4g} |\n",
                        B(&ac::theil_income), S(&ac::theil_income), d);
    }
    for (const auto& [m, label] :
         {std::pair{&ac::migrant_share, "migrant share"}, std::pair{&ac::internal_trade_share, "internal trade share"},
          std::pair{&ac::import_share, "import share (of goods spending)"}}) {
      if (nb.metric(m->name) < 0 || ns.metric(m->name) < 0) continue;
      md += fmt::format("| {} | {} | {} | {} |\n", label, fmt::format("{:.3f} %", 100 * B(m)),
                        fmt::format("{:.3f} %", 100 * S(m)), signed_text(100 * (S(m) - B(m)), " pp", 3));
    }
    md += "\n";
  }
  {
    const auto& [tb, ts] = tables.at(last);
    md += fmt::format("## Provinces, epoch {} ({})\n\n", last, year);
    for (const auto& [q, label] :
         {std::pair{&rc::gdp_pc, "GDP per capita"}, std::pair{&rc::population, "Population"}}) {
      const auto qi =
          static_cast<std::size_t>(std::find(quantities.begin(), quantities.end(), q->name) - quantities.begin());
      std::vector<ProvinceRow> rows;
      for (std::size_t p = 0; p < tb.provinces.size(); ++p)
        rows.push_back(
            {tb.provinces[p], tb.values[p][qi], ts.values[p][qi], percent_change(tb.values[p][qi], ts.values[p][qi])});
      md += province_ranking(rows, true, label);
      md += province_ranking(rows, false, label);
    }
  }
  md += fmt::format("Every common epoch: `national.csv`; provinces at epochs {}: `provinces.csv` (docs/outputs.md).\n",
                    epochs_text(chosen));
  const std::string summary_file = path_in(opt.output, "summary.md");
  write_file(summary_file, md);
  summary.files = {national_file, provinces_file, summary_file};
  return summary;
}

}  // namespace regio
