#pragma once
// Groups of ranks and the queue that hands them work (regio ensemble, docs/ensembles.md): a
// communicator split into groups of P consecutive ranks, each group running one ensemble member
// at a time on its own communicator, and the indices of the members handed out to the groups.
#include <mpi.h>

namespace regio {

// `comm` split into groups of `group_size` consecutive ranks (group g: ranks gP .. gP+P−1; the
// size must divide comm's). Owns the group communicator. Construction and destruction are
// collective over `comm`.
class RankGroups {
 public:
  RankGroups(MPI_Comm comm, int group_size);
  ~RankGroups();
  RankGroups(const RankGroups&) = delete;
  RankGroups& operator=(const RankGroups&) = delete;

  MPI_Comm group() const { return group_; }
  int index() const { return index_; }               // this rank's group
  int count() const { return count_; }               // groups
  int size() const { return size_; }                 // ranks per group
  int first_rank() const { return index_ * size_; }  // in comm

 private:
  MPI_Comm group_ = MPI_COMM_NULL;
  int index_ = 0, count_ = 1, size_ = 1;
};

// Hands out the indices 0, 1, 2, ... to the groups, each index once. Dynamic: a counter on
// rank 0 of `comm`, which each group's first rank increments with MPI_Fetch_and_op under a
// passive-target lock (MPI-3 one-sided), so a group that finishes early takes the next index
// and rank 0 serves it even while it computes (the MPI library applies the operation; with
// Open MPI's osc/pt2pt over TCP only when rank 0 next enters MPI, which a running member does
// all the time). Static: group g takes g, g + G, g + 2G, ... (no one-sided communication).
// Construction and destruction are collective over `comm`.
class WorkQueue {
 public:
  WorkQueue(MPI_Comm comm, const RankGroups& groups, bool dynamic);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // The group's next index, the same on each of its ranks. Collective over the group.
  long next();

 private:
  const RankGroups& groups_;
  bool dynamic_;
  MPI_Win window_ = MPI_WIN_NULL;
  long* counter_ = nullptr;  // rank 0 of comm: the next index
  long taken_ = 0;           // static: indices this group has taken
};

}  // namespace regio
