#include "regio/collectives.hpp"

#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>

#include <cstdlib>
#include <string_view>
#include <utility>

namespace regio {

namespace {

enum Kind : int { kNone = 0, kInput = 1, kSolver = 2 };
using Verdict = std::pair<int, std::string>;  // kind, message

Verdict run_guarded(const std::function<void()>& work) {
  try {
    work();
  } catch (const InputError& e) {
    return {kInput, e.what()};
  } catch (const SolverError& e) {
    return {kSolver, e.what()};
  }
  return {kNone, ""};
}

[[noreturn]] void raise(const Verdict& v) {
  if (v.first == kInput) raise_on_all_ranks(InputError(v.second));
  raise_on_all_ranks(SolverError(v.second));
}

// One value reduced over the ranks with `op`; every rank gets the result.
template <typename T>
T allreduce_one(MPI_Comm comm, T value, MPI_Datatype type, MPI_Op op) {
  T out{};
  MPI_Allreduce(&value, &out, 1, type, op, comm);
  return out;
}

}  // namespace

void all_ranks(MPI_Comm comm, const std::function<void()>& work) {
  const Verdict mine = run_guarded(work);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int first = allreduce_one(comm, mine.first != kNone ? rank : size, MPI_INT, MPI_MIN);  // first failing rank
  if (first == size) return;
  Verdict v = mine;
  boost::mpi::broadcast(boost::mpi::communicator(comm, boost::mpi::comm_attach), v, first);
  raise(v);
}

void on_root(MPI_Comm comm, const std::function<void()>& work) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  Verdict v{kNone, ""};
  if (rank == 0) v = run_guarded(work);
  boost::mpi::broadcast(boost::mpi::communicator(comm, boost::mpi::comm_attach), v, 0);
  if (v.first != kNone) raise(v);
}

void require_all(MPI_Comm comm, bool ok_here, const std::string& message) {
  if (!every_rank(comm, ok_here)) raise_on_all_ranks(InputError(message));
}

bool any_rank(MPI_Comm comm, bool value) { return allreduce_one(comm, value ? 1 : 0, MPI_INT, MPI_MAX) != 0; }
bool every_rank(MPI_Comm comm, bool value) { return allreduce_one(comm, value ? 1 : 0, MPI_INT, MPI_MIN) != 0; }
double max_over_ranks(MPI_Comm comm, double value) { return allreduce_one(comm, value, MPI_DOUBLE, MPI_MAX); }
double min_over_ranks(MPI_Comm comm, double value) { return allreduce_one(comm, value, MPI_DOUBLE, MPI_MIN); }
long sum_over_ranks(MPI_Comm comm, long value) { return allreduce_one(comm, value, MPI_LONG, MPI_SUM); }
double sum_over_ranks(MPI_Comm comm, double value) { return allreduce_one(comm, value, MPI_DOUBLE, MPI_SUM); }

bool fault_at(const char* point, MPI_Comm comm) {
  static const char* const spec = std::getenv("REGIO_FAIL_AT");  // read once: the residual calls this
  if (!spec) return false;
  const std::string_view s(spec);
  const auto at = s.rfind('@');
  if (at == std::string_view::npos || s.substr(0, at) != point) return false;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return std::to_string(rank) == s.substr(at + 1);
}

void fail_point(const char* point, MPI_Comm comm) {
  if (!fault_at(point, comm)) return;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  throw InputError(fmt::format("failure injected at {} on rank {} (REGIO_FAIL_AT)", point, rank));
}

}  // namespace regio
