#pragma once
// YAML and CSV reading for the hat-algebra inputs with regio's error style: every problem is an
// InputError "FILE:LINE: message" naming the key or column and what is allowed; unknown keys are
// errors with the nearest valid key, through regio's located() and nearest() (error.hpp, defined
// in src/economics/config/scenario_yaml.cpp with the scenario reader that uses them too).
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "regio/csv.hpp"
#include "regio/yaml_reader.hpp"

namespace regio::hat {

struct YamlFile : YamlReader {
  YAML::Node root;

  // Parses `path` (InputError "cannot open" / "malformed YAML" with the line); `what` names the
  // file in the "cannot open the ... file" message.
  static YamlFile load(const std::string& path, const std::string& what);

  // A mapping whose keys must be among `allowed` (duplicates and unknown keys are errors).
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& prefix) const;
  void require_map(const YAML::Node& n, const std::string& key) const;
  double number(const YAML::Node& n, const std::string& key, double lo, double hi, bool lo_open = false) const;
  std::string text(const YAML::Node& n, const std::string& key) const;
  bool boolean(const YAML::Node& n, const std::string& key) const;
  std::string choice(const YAML::Node& n, const std::string& key, const std::vector<std::string>& options) const;
  std::vector<std::string> text_list(const YAML::Node& n, const std::string& key) const;
};

// A CSV file read whole with its header: columns by name, rows with their lines.
struct CsvTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<csv::Row> rows;  // data rows (header excluded)

  // InputError if the file cannot be opened, has no header, lacks a `required` column, has a
  // column outside required + optional (with the nearest name) or a row of the wrong width.
  static CsvTable load(const std::string& path, const std::string& what, const std::vector<std::string>& required,
                       const std::vector<std::string>& optional = {});
  int column(const std::string& name) const;  // -1 if absent
  bool has(const std::string& name) const { return column(name) >= 0; }
  const std::string& field(const csv::Row& row, const std::string& name) const;
  // A finite number in [lo, hi] (lo_open: > lo), else "FILE:LINE: column 'c' = 'x' must be ...".
  double number(const csv::Row& row, const std::string& name, double lo, double hi, bool lo_open = false) const;
  [[noreturn]] void fail(const csv::Row& row, const std::string& message) const;
};

// "x" -> index in `names`, else InputError at FILE:LINE naming the column and the nearest name.
int index_of(const std::vector<std::string>& names, const std::string& value, const std::string& what,
             const std::string& file, int line);

}  // namespace regio::hat
