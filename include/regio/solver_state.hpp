#pragma once
// Per-region arrays of solver state that a checkpoint carries so that a restart continues
// exactly (NationalSystem::solver_state; written as /solver/<name>, N × width, CSV order).
#include <string>
#include <vector>

namespace regio {

struct SolverArray {
  std::string name;
  int width = 0;             // values per region (or in all, if not per_region)
  std::vector<double> rows;  // owned regions × width, row-major, CSV order of the owned regions
  bool per_region = true;    // false: `width` values, the same on every rank (written once, 1 × width)
};

}  // namespace regio
