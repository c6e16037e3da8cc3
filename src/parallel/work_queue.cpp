// Groups of ranks and the queue of ensemble members (work_queue.hpp).
#include "regio/work_queue.hpp"

#include <stdexcept>

namespace regio {

RankGroups::RankGroups(MPI_Comm comm, int group_size) : size_(group_size) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  if (group_size < 1 || ranks % group_size != 0) throw std::logic_error("RankGroups: the group size must divide");
  index_ = rank / group_size;
  count_ = ranks / group_size;
  MPI_Comm_split(comm, index_, rank, &group_);
}

RankGroups::~RankGroups() {
  if (group_ != MPI_COMM_NULL) MPI_Comm_free(&group_);
}

WorkQueue::WorkQueue(MPI_Comm comm, const RankGroups& groups, bool dynamic) : groups_(groups), dynamic_(dynamic) {
  if (!dynamic_) return;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const MPI_Aint bytes = rank == 0 ? static_cast<MPI_Aint>(sizeof(long)) : 0;
  MPI_Win_allocate(bytes, static_cast<int>(sizeof(long)), MPI_INFO_NULL, comm, &counter_, &window_);
  if (rank == 0) {  // the counter starts at 0 before anyone reads it
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_);
    *counter_ = 0;
    MPI_Win_unlock(0, window_);
  }
  MPI_Barrier(comm);
}

WorkQueue::~WorkQueue() {
  if (window_ != MPI_WIN_NULL) MPI_Win_free(&window_);
}

long WorkQueue::next() {
  int rank = 0;
  MPI_Comm_rank(groups_.group(), &rank);
  long index = 0;
  if (rank == 0) {
    if (dynamic_) {
      const long one = 1;
      MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_);
      MPI_Fetch_and_op(&one, &index, MPI_LONG, 0, 0, MPI_SUM, window_);
      MPI_Win_unlock(0, window_);
    } else {
      index = groups_.index() + taken_ * groups_.count();
      ++taken_;
    }
  }
  MPI_Bcast(&index, 1, MPI_LONG, 0, groups_.group());
  return index;
}

}  // namespace regio
