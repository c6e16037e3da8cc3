#pragma once
// An ensemble: runs of one scenario that differ in named parameters, or in which of the
// scenario's policies are in force (docs/ensembles.md). The spec YAML is read here, with the
// one-line file:line errors of a scenario; its members are built from a list, a grid, the
// points of a quadrature rule or a Latin hypercube over the parameters' distributions
// (ensemble_designs.hpp), or all subsets of the policies (a Shapley decomposition). No MPI:
// `regio ensemble` and `regio shapley` (src/app/ensemble.cpp) run the members.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "regio/ensemble_designs.hpp"
#include "regio/scenario.hpp"
#include "regio/scenario_overrides.hpp"

namespace regio {

// One varied parameter of a grid (values) or of a quadrature or Latin hypercube (distribution).
struct EnsembleParameter {
  std::string key;
  int line = 0;
  Distribution distribution;
  std::vector<std::string> values;  // grid, as written
  std::vector<int> value_lines;     // grid: the line of each value
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& key& line& distribution& values& value_lines;
  }
};

// One run: the scenario with these parameters set and, for a Shapley decomposition, only some
// of its policies.
struct EnsembleMember {
  std::string id;     // its folder under OUT/members/
  double weight = 0;  // in the bands' means and standard deviations; the weights sum to 1
  int line = 0;       // the spec's line that defines it (a list entry; else the design's key)
  std::vector<ParameterOverride> overrides;
  bool all_policies = true;
  std::vector<int> policies;  // unless all_policies: the 0-based positions kept
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& id& weight& line& overrides& all_policies& policies;
  }
};

struct EnsembleSpec {
  std::string file;      // the spec (or, for `regio shapley`, the scenario)
  std::string scenario;  // the scenario every member starts from (resolved against the spec)
  std::string output;    // the ensemble's folder ("" : out/<spec name>)
  int epochs = 0;        // every member's epochs (0: the scenario's)
  int group_ranks = 0;   // ranks per group (0: not given; --group-ranks wins)
  int group_ranks_line = 0;
  std::string design;  // list | grid | quadrature | latin_hypercube | shapley
  int design_line = 0;
  std::string rule;  // quadrature: a quadrature_rules() name
  long samples = 0;  // latin_hypercube
  std::uint64_t seed = 0;
  std::vector<EnsembleParameter> parameters;
  std::vector<std::string> columns;        // the varied keys in members.csv order (shapley: the policies)
  std::vector<std::string> policy_labels;  // shapley: the players, in the scenario's order
  std::vector<EnsembleMember> members;

  bool shapley() const { return design == "shapley"; }
  // Bands weight the members by the rule's weights (quadrature) or equally (the others).
  bool weighted() const { return design == "quadrature"; }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& file& scenario& output& epochs& group_ranks& group_ranks_line& design& design_line& rule& samples& seed&
        parameters& columns& policy_labels& members;
  }
};

// The designs by name, in the order the docs list them.
const std::vector<std::string>& ensemble_designs();
// The most policies a Shapley decomposition takes (2^K members).
constexpr std::size_t kMaxShapleyPolicies = 12;

// Reads and checks a spec; `base_dir` resolves its relative paths. Throws InputError.
EnsembleSpec parse_ensemble_spec(const std::string& yaml_text, const std::string& file_label,
                                 const std::string& base_dir);
EnsembleSpec load_ensemble_spec(const std::string& path);

// The Shapley ensemble of a scenario: one member per subset of its policies, member k keeping
// the policies of the bits of k (bit j: the j-th policy). Throws InputError for no policies or
// more than kMaxShapleyPolicies.
EnsembleSpec shapley_ensemble(const std::string& scenario_path, const Scenario& sc);
// Fills a Shapley spec's members and labels from the scenario (`design: shapley` in a spec).
void add_shapley_members(EnsembleSpec& spec, const Scenario& sc);

// The member's scenario: `base` with its overrides set and its policies kept, checked as the
// scenario file's keys would be. Errors name the spec's line and end with the member's id.
Scenario member_scenario(const EnsembleSpec& spec, const EnsembleMember& member, const Scenario& base);

// A member's folder name: its index, zero-padded to the width of the largest index (at least 3).
std::string member_id(std::size_t index, std::size_t count);

}  // namespace regio
