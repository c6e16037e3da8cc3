// GoogleTest main for MPI: PETSc/MPI initialised once; only rank 0 prints the report, other
// ranks print their failures; the exit code is the MAX over ranks, so a failure on any rank
// fails the test. Never ASSERT inside `if (rank == k)` before a collective.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cstdio>

namespace {
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit RankFailurePrinter(int r) : rank_(r) {}
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (r.failed())
      std::fprintf(stderr, "[rank %d] FAILURE at %s:%d\n%s\n", rank_, r.file_name() ? r.file_name() : "?",
                   r.line_number(), r.summary());
  }

 private:
  int rank_;
};
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (PetscInitialize(&argc, &argv, nullptr, nullptr)) return 1;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new RankFailurePrinter(rank));
  }
  int local = RUN_ALL_TESTS(), global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  if (rank == 0 && global != local)
    std::fprintf(stderr, "[rank 0] tests FAILED on another rank (see [rank N] lines)\n");
  PetscFinalize();
  return global;
}
