#pragma once
// One value of the parameter table read from YAML: its type (number, integer, boolean, text)
// and range checked with a file:line error. The scenario reader, `regio run --set` and ensemble
// members (scenario_overrides.hpp) all assign through it, so a value is accepted or refused
// alike wherever it is written.
#include <yaml-cpp/yaml.h>

#include <string>

#include "regio/parameters.hpp"
#include "regio/yaml_reader.hpp"

namespace regio {

struct ParameterReader : YamlReader {
  // Sets spec's field of `target` from a scalar node; `shown_key` is the key as the user wrote it.
  template <class Target>
  void assign(Target& target, const ParamSpec<Target>& spec, const YAML::Node& value,
              const std::string& shown_key) const;
};

}  // namespace regio
