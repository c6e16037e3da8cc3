#pragma once
// Assigning provinces to ranks (`regio decomp`). Work of a province = its regions × N × (kernel
// groups + 1): the row cost of the dense kernels, so balance = regions per rank.
// The strategies are registered by name (partition_strategies(), in partition.cpp):
//   contiguous: blocks of provinces in CSV order;
//   balanced:   longest-processing-time greedy (heaviest province to the lightest rank), then
//               moves, swaps and exact re-splits off the heaviest rank (= `auto`);
//   graph:      PT-Scotch (PETSc MatPartitioning) on the graph of neighbouring provinces
//               (k nearest by population-weighted centroid), vertex weights = work: keeps
//               neighbours together (spillovers, networks) at a small cost in balance.
// Adding a strategy: a function (regions, ranks) -> Decomposition in partition.cpp and a row in
// its registry; `regio decomp --strategy` (help and errors) and the tests pick it up.
#include <string>
#include <vector>

#include "regio/decomposition.hpp"
#include "regio/region.hpp"

namespace regio {

struct PartitionReport {
  double imbalance = 1;  // max rank work / mean rank work
  int edge_cut = 0;      // province-graph edges between ranks (graph neighbours, k nearest)
  int graph_edges = 0;
};

// A partition strategy, selected by name.
struct PartitionStrategy {
  std::string name;
  std::string description;                                                    // one line, for `regio decomp --help`
  Decomposition (*partition)(const std::vector<Region>& regions, int ranks);  // ranks >= 1; source: set by the caller
};

// What `regio decomp` uses unless told otherwise, and `decomposition: auto`.
inline constexpr const char* kDefaultPartitionStrategy = "balanced";

// The registered strategies, in the order help and error messages list them. Not collective.
const std::vector<PartitionStrategy>& partition_strategies();
// The strategy called `name`; throws InputError naming the registered ones.
const PartitionStrategy& partition_strategy(const std::string& name);
// `regio decomp --strategy` help: every strategy with its description, the default marked.
std::string partition_strategies_help();

// The decomposition `strategy` makes (its source: the strategy's name). Not collective
// (PT-Scotch runs on PETSC_COMM_SELF). Throws InputError for an unknown strategy.
Decomposition partition_provinces(const std::vector<Region>& regions, int ranks, const std::string& strategy,
                                  PartitionReport* report = nullptr);

// Work balance and edge cut of any decomposition (for reports).
PartitionReport evaluate_partition(const Decomposition& d, const std::vector<Region>& regions);

}  // namespace regio
