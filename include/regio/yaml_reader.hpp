#pragma once
// The YAML readers' common ground: one file's nodes located for one-line errors (file:line),
// and mapping keys as plain names. The scenario, sector-share and policy readers build on it.
#include <yaml-cpp/yaml.h>

#include <string>

#include "regio/error.hpp"

namespace regio {

struct YamlReader {
  std::string file;
  // >= 0: the line every error names (0: none), for values that were not read from `file` as
  // nodes (an ensemble member's generated value names the line of its parameter in the spec).
  int fixed_line = -1;

  int line(const YAML::Node& n) const {
    if (fixed_line >= 0) return fixed_line;
    return n.Mark().is_null() ? 0 : n.Mark().line + 1;
  }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
    throw InputError(located(file, line(n), msg));
  }

  // A mapping key as a plain name (yaml-cpp also allows lists or mappings as keys).
  std::string key(const YAML::Node& k) const {
    if (!k.IsScalar()) fail(k, "a key must be a plain name (found a list or mapping used as a key)");
    return k.Scalar();
  }
};

}  // namespace regio
