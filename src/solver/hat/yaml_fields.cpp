#include "yaml_fields.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio::hat {

namespace {
std::string read_text(const std::string& path, const std::string& what) {
  return read_input_file(path, what + " file", "check the path");
}
std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}
}  // namespace

YamlFile YamlFile::load(const std::string& path, const std::string& what) {
  YamlFile y;
  y.file = path;
  const std::string text = read_text(path, what);
  try {
    y.root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(located(path, e.mark.is_null() ? 0 : e.mark.line + 1, "malformed YAML: " + e.msg));
  }
  if (!y.root.IsMap()) throw InputError(located(path, 0, fmt::format("the {} file must be a YAML mapping", what)));
  return y;
}

void YamlFile::require_map(const YAML::Node& n, const std::string& key) const {
  if (!n.IsMap()) fail(n, fmt::format("'{}' must be a mapping of keys to values", key));
}

void YamlFile::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                          const std::string& prefix) const {
  std::map<std::string, int> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) fail(kv.first, "a key must be a plain name (found a list or mapping used as a key)");
    const std::string k = kv.first.Scalar();
    const std::string shown = prefix.empty() ? k : prefix + "." + k;
    if (auto it = seen.find(k); it != seen.end())
      fail(kv.first, fmt::format("key '{}' appears twice (first on line {})", shown, it->second));
    seen[k] = line(kv.first);
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      const std::string near = nearest(k, allowed);
      fail(kv.first, near.empty() ? fmt::format("unknown key '{}' (valid: {})", shown, joined(allowed))
                                  : fmt::format("unknown key '{}' (did you mean '{}'?)", shown,
                                                prefix.empty() ? near : prefix + "." + near));
    }
  }
}

double YamlFile::number(const YAML::Node& n, const std::string& key, double lo, double hi, bool lo_open) const {
  if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a single number, not a list or mapping", key));
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(n, fmt::format("'{}' must be a number, got '{}'", key, n.Scalar()));
  }
  if (!std::isfinite(v)) fail(n, fmt::format("'{}' must be a finite number, got '{}'", key, n.Scalar()));
  if (v < lo || v > hi || (lo_open && v == lo))
    fail(n, fmt::format("'{}' = {} is out of range {}{}, {}]", key, n.Scalar(), lo_open ? "(" : "[", lo, hi));
  return v;
}

std::string YamlFile::text(const YAML::Node& n, const std::string& key) const {
  if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a single value, not a list or mapping", key));
  return n.Scalar();
}

bool YamlFile::boolean(const YAML::Node& n, const std::string& key) const {
  bool b = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b))
    fail(n, fmt::format("'{}' must be true or false, got '{}'", key, n.IsScalar() ? n.Scalar() : "a list or mapping"));
  return b;
}

std::string YamlFile::choice(const YAML::Node& n, const std::string& key,
                             const std::vector<std::string>& options) const {
  const std::string v = text(n, key);
  if (std::find(options.begin(), options.end(), v) == options.end())
    fail(n, fmt::format("'{}' must be one of {}, got '{}'", key, joined(options), v));
  return v;
}

std::vector<std::string> YamlFile::text_list(const YAML::Node& n, const std::string& key) const {
  if (!n.IsSequence()) fail(n, fmt::format("'{}' must be a list", key));
  std::vector<std::string> out;
  for (const auto& x : n) out.push_back(text(x, key));
  return out;
}

CsvTable CsvTable::load(const std::string& path, const std::string& what, const std::vector<std::string>& required,
                        const std::vector<std::string>& optional) {
  CsvTable t;
  t.file = path;
  auto rows = csv::parse(read_text(path, what), path);
  if (rows.empty())
    throw InputError(
        located(path, 1, fmt::format("the {} file is empty (a header is needed: {})", what, joined(required))));
  t.header = rows.front().fields;
  for (auto& h : t.header) {
    const auto b = h.find_first_not_of(" \t"), e = h.find_last_not_of(" \t");
    h = b == std::string::npos ? "" : h.substr(b, e - b + 1);
  }
  std::vector<std::string> known = required;
  known.insert(known.end(), optional.begin(), optional.end());
  std::set<std::string> seen;
  for (const auto& h : t.header) {
    if (!seen.insert(h).second) throw InputError(located(path, 1, fmt::format("column '{}' appears twice", h)));
    if (std::find(known.begin(), known.end(), h) == known.end()) {
      const std::string near = nearest(h, known);
      throw InputError(located(path, 1,
                               near.empty() ? fmt::format("unknown column '{}' (valid: {})", h, joined(known))
                                            : fmt::format("unknown column '{}', did you mean '{}'?", h, near)));
    }
  }
  for (const auto& r : required)
    if (!seen.count(r)) throw InputError(located(path, 1, fmt::format("missing required column '{}'", r)));
  t.rows.assign(rows.begin() + 1, rows.end());
  for (const auto& r : t.rows)
    if (r.fields.size() != t.header.size())
      throw InputError(
          located(path, r.line, fmt::format("has {} fields but the header has {}", r.fields.size(), t.header.size())));
  return t;
}

int CsvTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return static_cast<int>(c);
  return -1;
}

const std::string& CsvTable::field(const csv::Row& row, const std::string& name) const {
  return row.fields[static_cast<std::size_t>(column(name))];
}

void CsvTable::fail(const csv::Row& row, const std::string& message) const {
  throw InputError(located(file, row.line, message));
}

double CsvTable::number(const csv::Row& row, const std::string& name, double lo, double hi, bool lo_open) const {
  const std::string& f = field(row, name);
  double v = 0;
  if (!csv::to_double(f, v)) fail(row, fmt::format("column '{}' is not a number: '{}'", name, f));
  if (!std::isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
    fail(row,
         fmt::format("column '{}' = '{}' must be a finite number in {}{}, {}]", name, f, lo_open ? "(" : "[", lo, hi));
  return v;
}

int index_of(const std::vector<std::string>& names, const std::string& value, const std::string& what,
             const std::string& file, int line) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == value) return static_cast<int>(i);
  const std::string near = nearest(value, names);
  throw InputError(located(
      file, line,
      fmt::format("unknown {} '{}'{}", what, value, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near))));
}

}  // namespace regio::hat
