#pragma once
// An ensemble's folder (docs/ensembles.md; the output schema's `ensemble` files): its record
// ensemble.yaml, members.csv, and the results gathered from the members' folders members/<id>/
// (each a run folder): the bands of every outcome over the members, or shapley.csv. Serial:
// rank 0 calls these. Errors are InputErrors naming the file.
#include <cstdint>
#include <string>
#include <vector>

#include "regio/ensemble_spec.hpp"

namespace regio {

struct EnsembleRecord {
  std::string version, command, design, spec_file, scenario_file, rule;
  long samples = 0;  // latin_hypercube only (with seed)
  std::uint64_t seed = 0;
  std::size_t members = 0;
  int epochs = 0;  // 0: the scenario's (not written)
  int group_ranks = 1, groups = 1, ranks = 1;
  std::string schedule, definition, started, finished, error, status;
  std::size_t complete_before = 0;
  long members_run = -1;  // -1: not yet known (not written)
  double seconds = -1;
};
// Writes DIR/ensemble.yaml (to a temporary name, then renamed).
void write_ensemble_yaml(const std::string& dir, const EnsembleRecord& record);
// The `definition` of DIR/ensemble.yaml, "" if there is none.
std::string recorded_definition(const std::string& dir);
// Whether DIR/run.yaml ends with `status: complete`.
bool run_complete(const std::string& dir);
// DIR/members.csv: every member's id, weight and values of the spec's columns.
void write_members_csv(const std::string& dir, const EnsembleSpec& spec);

// DIR/bands_national.csv from the members' aggregates.csv, and DIR/bands_regions.csv from their
// regions.csv if every member has one (member_dirs and weights in member order). Returns the
// files written.
std::vector<std::string> write_bands(const std::string& dir, const std::vector<std::string>& member_dirs,
                                     const std::vector<double>& weights);
// DIR/shapley.csv from the members' aggregates.csv, member k having the policies of the bits of k
// (member_dirs in that order, 2^K of them; `labels`: the K policies).
std::string write_shapley(const std::string& dir, const std::vector<std::string>& member_dirs,
                          const std::vector<std::string>& labels);

// DIR/shapley_welfare.csv from the members' welfare_terms.csv (run with --welfare-terms): the
// Shapley value of each policy in each welfare channel's part of the welfare change
// (welfare_terms.hpp), and in the composition term.
std::string write_shapley_welfare(const std::string& dir, const std::vector<std::string>& member_dirs,
                                  const std::vector<std::string>& labels);

}  // namespace regio
