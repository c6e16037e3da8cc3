#pragma once
// Scenario parameters set after loading: `regio run --set KEY=VALUE` and the members of an
// ensemble (ensemble_spec.hpp), and the subset of a scenario's policies in force (`regio run
// --policies`, the members of a Shapley decomposition). A key is a scenario parameter of the
// parameter table (trade.border_cost) or a sector parameter of one sector or of every sector
// (sectors.services.theta, sectors.*.theta); its value is checked exactly as the key in a
// scenario file would be (parameter_reader.hpp), then the whole scenario (Scenario::validate).
#include <string>
#include <vector>

#include "regio/parameters.hpp"
#include "regio/scenario.hpp"

namespace regio {

struct ParameterOverride {
  std::string key;    // as written: trade.border_cost, sectors.services.theta, sectors.*.theta
  std::string value;  // a YAML scalar, as it would stand in a scenario file
  int line = 0;       // where it is written (an ensemble spec's line; 0 on the command line)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& key& value& line;
  }
};

// "KEY=VALUE", the text of --set (throws InputError), and back.
ParameterOverride parse_override(const std::string& text);
std::string override_text(const ParameterOverride& o);

// Why `key` cannot be set this way ("" if it can): not a parameter (with the nearest valid key),
// a list-valued sector key, or a key a command-line option sets (output: --out, decomposition:
// --decomp). In an ensemble (`ensemble`) also the keys every member must share: epochs,
// regions, output_format, solver.petsc_options.
std::string override_key_problem(const std::string& key, bool ensemble);
// The parameter's kind (Real, Integer, Boolean, Text) and whether it names a file; the key must
// be valid (override_key_problem empty).
ParamKind override_kind(const std::string& key);
bool override_is_path(const std::string& key);
// The range a numeric key's values must lie in.
Range override_range(const std::string& key);

// Sets every override in order (each error names `file` and the override's line), then checks
// the scenario as a whole (an error names `file` and `line`). Throws InputError.
void apply_overrides(Scenario& s, const std::vector<ParameterOverride>& overrides, const std::string& file, int line);

// "none" or 1-based positions in the scenario's policy list, "1,3" (the text of --policies), as
// 0-based positions, sorted; and back. Throws InputError for a position outside 1..count.
std::vector<int> parse_policy_positions(const std::string& text, std::size_t count);
std::string policy_positions_text(const std::vector<int>& positions);
// Keeps only the policies at the given 0-based positions, in their order in the list.
void keep_policies(Scenario& s, const std::vector<int>& positions);
// One label per policy: its name, or its kind if it has none; a label that two policies share
// gets " #k" (k its 1-based position) on each.
std::vector<std::string> policy_labels(const Scenario& s);

}  // namespace regio
