// One value of the parameter table read from YAML (parameter_reader.hpp).
#include "regio/parameter_reader.hpp"

#include <fmt/format.h>

#include <cmath>

namespace regio {

template <class Target>
void ParameterReader::assign(Target& target, const ParamSpec<Target>& spec, const YAML::Node& value,
                             const std::string& shown_key) const {
  if (!value.IsScalar())
    fail(value, fmt::format("'{}' must be a single value ({}), not a list or mapping", shown_key, spec.doc));
  const std::string text = value.Scalar();
  if (spec.kind == ParamKind::Text) {
    spec.set_text(target, text);
    return;
  }
  double v = 0;
  if (spec.kind == ParamKind::Boolean) {
    bool b = false;
    if (!YAML::convert<bool>::decode(value, b))
      fail(value, fmt::format("'{}' must be true or false, got '{}'", shown_key, text));
    v = b ? 1 : 0;
  } else {
    try {
      v = value.as<double>();
    } catch (const YAML::Exception&) {
      fail(value, fmt::format("'{}' must be a number, got '{}'", shown_key, text));
    }
    if (!std::isfinite(v)) fail(value, fmt::format("'{}' must be a finite number, got '{}'", shown_key, text));
    if (spec.kind == ParamKind::Integer && v != std::floor(v))
      fail(value, fmt::format("'{}' must be an integer, got '{}'", shown_key, text));
    if (!spec.range.contains(v))
      fail(value, fmt::format("'{}' = {} is out of range {}: {}", shown_key, text, spec.range.describe(), spec.doc));
  }
  spec.set_number(target, v);
}

template void ParameterReader::assign(Scenario&, const ParamSpec<Scenario>&, const YAML::Node&,
                                      const std::string&) const;
template void ParameterReader::assign(SectorParams&, const ParamSpec<SectorParams>&, const YAML::Node&,
                                      const std::string&) const;

}  // namespace regio
