#pragma once
// Error types. An InputError is a problem with the user's files or options: it is raised
// identically on every rank (inputs are validated on rank 0 and the verdict broadcast), so
// main() can print one line from rank 0 and exit non-zero on all ranks without MPI_Abort.
// A SolverError is collective too (SNES results are global). Anything else escaping main is
// treated as a single-rank failure and MPI_Abort'ed so that no rank hangs in a collective.
#include <stdexcept>
#include <string>
#include <vector>

namespace regio {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "FILE:LINE: message" (LINE is 1-based; omitted when <= 0).
std::string located(const std::string& file, int line, const std::string& message);

// The candidate closest to `word` by edit distance, or "" if nothing is reasonably close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace regio
