// Groups of ranks and the queue of ensemble members (work_queue.hpp) at 1–4 ranks: every group
// size that divides the ranks gives groups of consecutive ranks with their own communicator, and
// both schedules hand out every index exactly once, the same index to each rank of a group.
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <algorithm>
#include <vector>

#include "regio/work_queue.hpp"

using namespace regio;

namespace {

// Every index the groups of `groups` take from a queue until `count`, gathered on every rank:
// taken[k] = how many groups took index k.
std::vector<int> taken_indices(const RankGroups& groups, bool dynamic, long count) {
  std::vector<int> mine(static_cast<std::size_t>(count), 0);
  {
    WorkQueue queue(PETSC_COMM_WORLD, groups, dynamic);
    int group_rank = 0;
    MPI_Comm_rank(groups.group(), &group_rank);
    for (long k = queue.next(); k < count; k = queue.next()) {
      long first = k;  // every rank of the group holds the same index
      MPI_Bcast(&first, 1, MPI_LONG, 0, groups.group());
      EXPECT_EQ(first, k);
      if (group_rank == 0) ++mine[static_cast<std::size_t>(k)];
    }
  }
  std::vector<int> all(mine.size());
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(mine.size()), MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
  return all;
}

}  // namespace

TEST(WorkQueue, GroupsTakeEveryIndexOnce) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  for (int P = 1; P <= ranks; ++P) {
    if (ranks % P != 0) continue;
    const RankGroups groups(PETSC_COMM_WORLD, P);
    int size = 0, group_rank = 0;
    MPI_Comm_size(groups.group(), &size);
    MPI_Comm_rank(groups.group(), &group_rank);
    EXPECT_EQ(size, P);
    EXPECT_EQ(groups.count(), ranks / P);
    EXPECT_EQ(groups.index(), rank / P);
    EXPECT_EQ(groups.first_rank() + group_rank, rank);
    for (bool dynamic : {true, false})
      for (long count : {0L, 1L, 7L, 23L})
        EXPECT_EQ(taken_indices(groups, dynamic, count), std::vector<int>(static_cast<std::size_t>(count), 1))
            << "P " << P << (dynamic ? " dynamic" : " static") << ", " << count << " indices";
  }
}
