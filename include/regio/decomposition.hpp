#pragma once
// Decomposition: which provinces each MPI rank owns (MODEL.md §1: a province is the unit of
// decomposition). Read from decomp/*.yaml, or built automatically for the rank count at hand.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <string>
#include <vector>

#include "regio/region.hpp"

namespace regio {

struct Decomposition {
  std::string source;  // file it came from, or "auto"
  int ranks = 0;
  std::vector<std::vector<std::string>> assignment;  // assignment[rank] = province names
  std::vector<int> lines;                            // YAML line of each rank's entry (errors)

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& source& ranks& assignment& lines;
  }
};

Decomposition load_decomposition(const std::string& path);
Decomposition parse_decomposition(const std::string& yaml_text, const std::string& file_label);

// Contiguous blocks of provinces (in order of first appearance in the CSV) with near-equal
// work, work = regions(province) × N × S (the row cost of the dense kernels).
Decomposition auto_decomposition(const std::vector<Region>& regions, int ranks);

// Check the decomposition against the regions and the number of ranks mpirun started, and
// return the owning rank of every region (by CSV index). Throws InputError saying what is
// wrong (missing, duplicated or unknown province, rank-count mismatch) and how to fix it.
std::vector<int> region_owners(const Decomposition& d, const std::vector<Region>& regions, int world_size);

// YAML text of a decomposition (for run.yaml and `regio decomp`-style output).
std::string decomposition_to_yaml(const Decomposition& d, int indent = 0);

}  // namespace regio
