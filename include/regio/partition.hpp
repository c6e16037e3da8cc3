#pragma once
// Assigning provinces to ranks (`regio decomp`). Work of a province = its regions × N × (kernel
// groups + 1): the row cost of the dense kernels, so balance = regions per rank.
//   contiguous: blocks of provinces in CSV order (= `auto`);
//   balanced:   longest-processing-time greedy (heaviest province to the lightest rank);
//   graph:      PT-Scotch (PETSc MatPartitioning) on the graph of neighbouring provinces
//               (k nearest by population-weighted centroid), vertex weights = work: keeps
//               neighbours together (spillovers, networks) at a small cost in balance.
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

// Not collective (PT-Scotch runs on PETSC_COMM_SELF). Throws InputError for an unknown strategy.
Decomposition partition_provinces(const std::vector<Region>& regions, int ranks, const std::string& strategy,
                                  PartitionReport* report = nullptr);

// Work balance and edge cut of any decomposition (for reports).
PartitionReport evaluate_partition(const Decomposition& d, const std::vector<Region>& regions);

}  // namespace regio
