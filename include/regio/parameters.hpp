#pragma once
// The parameter table: the single source of truth for each scenario parameter's YAML key,
// type, default, allowed range, unit, MODEL.md symbol and one-line doc. The YAML loader,
// the range checks, run.yaml and docs/parameters.md are all generated from it.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

// Shares: a list of numbers, one per sector (MODEL.md §9's ι_sk), written in YAML as a list in
// sector order or a mapping from sector names.
enum class ParamKind { Real, Integer, Boolean, Text, Shares };

struct Range {
  double lo = -1e300, hi = 1e300;
  bool lo_open = false, hi_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  std::string describe() const;  // e.g. "(0, inf)" or "[0, 1]"
};

// One parameter. `Target` is Scenario for scalar parameters, SectorParams for per-sector ones.
template <class Target>
struct ParamSpec {
  std::string key;  // dotted YAML path, e.g. "trade.d0_km" (sector fields: "theta")
  ParamKind kind;
  std::string default_text;  // "" = required
  Range range;
  std::string unit;
  std::string symbol;  // MODEL.md symbol
  std::string doc;
  std::function<void(Target&, double)> set_number;  // Real / Integer / Boolean (0/1)
  std::function<double(const Target&)> get_number;
  std::function<void(Target&, const std::string&)> set_text;  // Text
  std::function<std::string(const Target&)> get_text;
  // No default: absent means derived (the doc says how), and run.yaml shows the key only where
  // it was given (so scenarios without it write what they always wrote).
  bool optional = false;
  std::function<void(Target&, const std::vector<double>&)> set_list{};  // Shares (not `= nullptr`: GCC 12 ICE)
  std::function<std::vector<double>(const Target&)> get_list{};
  bool required() const { return default_text.empty() && kind != ParamKind::Text && !optional; }
  // Whether the value was given (optional keys) or always (the others).
  bool given(const Target& t) const {
    if (!optional) return true;
    if (kind == ParamKind::Shares) return !get_list(t).empty();
    if (kind == ParamKind::Text) return !get_text(t).empty();
    return !std::isnan(get_number(t));
  }
};

const std::vector<ParamSpec<Scenario>>& scenario_parameters();
// A value for scenario parameter `key` given elsewhere than in the YAML (a command-line option
// named `where`, e.g. --epochs): the same type and range checks; InputError if it fails them.
void check_parameter_value(const std::string& key, double value, const std::string& where);
const std::vector<ParamSpec<SectorParams>>& sector_parameters();

// The default three-sector economy (agriculture, manufacturing, services).
std::vector<SectorParams> default_sectors();

// Format a number the way run.yaml and the docs show it (shortest round-trip form).
std::string format_number(double v);

// Text for one cell of a generated Markdown table: every '|' escaped (‖G‖ written as ||G||
// or |λ_s| would otherwise split the cell).
std::string markdown_cell(const std::string& text);

}  // namespace regio
