// regio compare: reading an output folder's run record (run.yaml) and national table
// (aggregates.csv), and what reading its files takes (comparison.hpp).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "comparison.hpp"
#include "regio/error.hpp"

namespace regio::comparison {

namespace fs = std::filesystem;
// The files and columns read here are the output schema's (output_schema.hpp).
namespace ac = schema::aggregates_csv;
namespace ry = schema::run_yaml;

// ---- small helpers ---------------------------------------------------------------------------

std::string path_in(const std::string& dir, std::string_view name) { return (fs::path(dir) / name).string(); }

std::string name_of(const schema::Column& c) { return std::string(c.name); }

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

namespace {

// A YAML tree as (dotted path, scalar) pairs: "trade.d0_km", "policies[0].kind".
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

}  // namespace

std::string run_status(const std::string& text, const std::string& file, bool allow_partial) {
  // The verdict is the last line, by design (docs/outputs.md): a run.yaml without it is partial.
  std::istringstream lines(text);
  std::string line, last;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!trim(line).empty()) last = line;
  }
  const std::string status_key = name_of(ry::status) + ":";
  const std::string status = last.rfind(status_key, 0) == 0 ? trim(last.substr(status_key.size())) : "missing";
  if (status != "complete" && !allow_partial)
    fail(file, 0,
         fmt::format("the run is not complete (status: {}): the folder holds partial results; let the run "
                     "finish (or restart it), or pass --allow-partial to compare what it holds",
                     status));
  return status;
}

void flatten_yaml(const YAML::Node& n, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
  flatten(n, prefix, out);
}

RunRecord read_run_record(const std::string& dir, bool allow_partial) {
  const std::string file = path_in(dir, ry::file.name);
  const std::string text = read_text(file, dir, ry::file.name);
  RunRecord r;
  r.dir = dir;
  r.status = run_status(text, file, allow_partial);
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

}  // namespace regio::comparison
