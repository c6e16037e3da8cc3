// regio compare: reading a `regio counterfactual` folder (run.yaml, national.csv, units.csv,
// sectors.csv) by the output schema's counterfactual files (comparison.hpp).
#include <fmt/format.h>

#include <sstream>
#include <unordered_map>

#include "comparison.hpp"
#include "regio/error.hpp"

namespace regio::comparison {

namespace cf = schema::counterfactual;

namespace {

// A number of a counterfactual file: NA is NaN.
double number_in(const std::string& field, const std::string& file, int line, std::string_view column) {
  double x = 0;
  if (trim(field) == "NA") return std::nan("");
  if (!csv::to_double(field, x)) fail(file, line, fmt::format("{} '{}' is not a number", column, field));
  return x;
}

// A CSV of the schema: every column there; `keys` kept as text, the other columns as numbers.
KeyedTable read_table(const std::string& dir, const schema::File& f, const std::vector<const schema::Column*>& keys) {
  const std::string file = path_in(dir, f.name);
  const auto rows = csv::parse(read_text(file, dir, f.name), file);
  if (rows.empty()) fail(file, 1, "the file is empty (no header)");
  const auto col = header_columns(rows[0], file, schema::column_names(f));
  KeyedTable t;
  for (const schema::Column* c : f.columns)
    if (std::find(keys.begin(), keys.end(), c) == keys.end()) t.values[c];
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& fields = rows[r].fields;
    if (fields.size() != rows[0].fields.size())
      fail(file, rows[r].line,
           fmt::format("{} fields, the header has {} (truncated file?)", fields.size(), rows[0].fields.size()));
    std::vector<std::string> k;
    for (const schema::Column* c : keys) k.push_back(fields[col.at(name_of(*c))]);
    t.keys.push_back(std::move(k));
    for (auto& [c, v] : t.values) v.push_back(number_in(fields[col.at(name_of(*c))], file, rows[r].line, c->name));
  }
  if (t.keys.empty()) fail(file, 0, "no rows (the run wrote nothing)");
  return t;
}

// national.csv: the value of every row of the schema.
std::map<const schema::Column*, double> read_national(const std::string& dir) {
  namespace nc = cf::national_csv;
  const std::string file = path_in(dir, nc::file.name);
  const auto rows = csv::parse(read_text(file, dir, nc::file.name), file);
  if (rows.empty()) fail(file, 1, "the file is empty (no header)");
  const auto col = header_columns(rows[0], file, {name_of(nc::statistic), name_of(nc::value)});
  std::unordered_map<std::string, std::pair<std::string, int>> by_name;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& f = rows[r].fields;
    if (f.size() != rows[0].fields.size())
      fail(file, rows[r].line,
           fmt::format("{} fields, the header has {} (truncated file?)", f.size(), rows[0].fields.size()));
    by_name[trim(f[col.at(name_of(nc::statistic))])] = {f[col.at(name_of(nc::value))], rows[r].line};
  }
  std::map<const schema::Column*, double> out;
  for (const schema::Column* c : nc::file.keyed_rows) {
    const auto it = by_name.find(name_of(*c));
    if (it == by_name.end())
      fail(file, 0, fmt::format("no row '{}' (not a counterfactual of this regio, or a damaged file)", c->name));
    out[c] = number_in(it->second.first, file, it->second.second, c->name);
  }
  return out;
}

}  // namespace

bool is_counterfactual_folder(const std::string& dir) {
  const std::string file = path_in(dir, cf::run_yaml::file.name);
  std::istringstream lines(read_text(file, dir, cf::run_yaml::file.name));
  const std::string wanted = fmt::format("{}: counterfactual", cf::run_yaml::mode.name);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == wanted) return true;
  }
  return false;
}

std::size_t CounterfactualFolder::groups() const {
  std::size_t first_region = 0;
  while (first_region < units.keys.size() && units.keys[first_region][0] == units.keys[0][0]) ++first_region;
  return first_region;
}

CounterfactualFolder read_counterfactual_folder(const std::string& dir, bool allow_partial) {
  namespace ry = cf::run_yaml;
  CounterfactualFolder f;
  f.dir = dir;
  const std::string file = path_in(dir, ry::file.name);
  const std::string text = read_text(file, dir, ry::file.name);
  f.status = run_status(text, file, allow_partial);
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) fail(file, 0, "not a regio run record (expected a YAML map)");
    auto scalar = [&](const schema::Column& c) {
      const YAML::Node n = root[name_of(c)];
      return n && n.IsScalar() ? n.Scalar() : std::string();
    };
    f.version = scalar(ry::regio_version);
    f.file = scalar(ry::counterfactual_file);
    f.description = scalar(ry::description);
    f.base_year = scalar(ry::base_year);
    f.migration = scalar(ry::migration);
    f.parameters = {{name_of(ry::base_year), f.base_year}, {name_of(ry::migration), f.migration}};
    if (const YAML::Node sh = root[name_of(ry::shocks)]) flatten_yaml(sh, name_of(ry::shocks), f.parameters);
  } catch (const YAML::Exception& e) {
    fail(file, e.mark.line + 1, fmt::format("not a readable run record ({})", e.msg));
  }
  f.national = read_national(dir);
  namespace uc = cf::units_csv;
  namespace sc = cf::sectors_csv;
  f.units = read_table(dir, uc::file, {&uc::region, &uc::province, &uc::group});
  f.sectors = read_table(dir, sc::file, {&sc::region, &sc::sector});
  return f;
}

}  // namespace regio::comparison
