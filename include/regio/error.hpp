#pragma once
// Error types. An InputError is a problem with the user's files or options (exit 1), a
// SolverError a solve that failed (exit 2). Either is raised on one rank (then main() aborts the
// job with MPI_Abort, so that no rank waits in a collective until the wall-time limit) or on
// every rank alike: an error becomes collective only through the collectives layer
// (collectives.hpp: all_ranks, on_root, require_all, raise_on_all_ranks), and then main() prints
// it once, from rank 0, and every rank exits with its code. Anything else escaping main is an
// internal error on one rank (exit 3, MPI_Abort).
#include <stdexcept>
#include <string>
#include <vector>

namespace regio {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // Raised on every rank with the same message (set only by collectives.hpp).
  bool on_all_ranks() const { return on_all_ranks_; }
  void mark_on_all_ranks() { on_all_ranks_ = true; }

 private:
  bool on_all_ranks_ = false;
};

class InputError : public Error {
 public:
  using Error::Error;
};

class SolverError : public Error {
 public:
  using Error::Error;
};

// Raise an error that every rank raises at this point with the same message by construction (a
// global verdict such as SNES's, or a check of data every rank holds alike). Verdicts that may
// differ between ranks go through collectives.hpp instead.
template <class E>
[[noreturn]] void raise_on_all_ranks(E error) {
  error.mark_on_all_ranks();
  throw error;
}

// "FILE:LINE: message" (LINE is 1-based; omitted when <= 0).
std::string located(const std::string& file, int line, const std::string& message);

// The candidate closest to `word` by edit distance, or "" if nothing is reasonably close.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace regio
