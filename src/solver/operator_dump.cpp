#include "regio/operator_dump.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/petsc_util.hpp"

namespace regio {

bool OperatorDump::configure(MPI_Comm comm, const std::string& prefix) {
  static std::map<std::string, PetscInt> solves_by_prefix;  // per process, like the options
  const PetscInt current = ++solves_by_prefix[prefix];
  char buffer[PETSC_MAX_PATH_LEN] = {0};
  PetscBool given = PETSC_FALSE;
  REGIO_PETSC(PetscOptionsGetString(nullptr, prefix.c_str(), "-dump_operator", buffer, sizeof buffer, &given));
  REGIO_PETSC(PetscOptionsGetInt(nullptr, prefix.c_str(), "-dump_operator_solve", &solve, nullptr));
  REGIO_PETSC(PetscOptionsGetInt(nullptr, prefix.c_str(), "-dump_operator_step", &step, nullptr));
  if (!given) return false;
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size != 1)
    raise_on_all_ranks(InputError(fmt::format(
        "-{}dump_operator writes the dense preconditioned operator from one rank: run it with mpirun -np 1", prefix)));
  path = buffer;
  return current == solve;
}

PetscErrorCode OperatorDump::write_if_due(SNES snes, PetscInt it, Vec X, Mat matrix_free, PC pc) {
  PetscFunctionBeginUser;
  if (it != step) PetscFunctionReturn(0);
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned_file(std::fopen(path.c_str(), "wb"), std::fclose);
  std::FILE* file = owned_file.get();
  if (!file) throw InputError(fmt::format("cannot write the operator dump {}: check that its folder exists", path));
  PetscInt n = 0;
  PetscCall(VecGetLocalSize(X, &n));
  const std::int64_t size = n;
  bool ok = std::fwrite(&size, sizeof size, 1, file) == 1;
  PetscVec E, Y, W;
  PetscCall(VecDuplicate(X, E.address()));
  PetscCall(VecDuplicate(X, Y.address()));
  PetscCall(VecDuplicate(X, W.address()));
  for (PetscInt k = 0; k < n && ok; ++k) {
    PetscCall(VecSet(E, 0.0));
    PetscCall(VecSetValue(E, k, 1.0, INSERT_VALUES));  // one rank: global index = local index
    PetscCall(VecAssemblyBegin(E));
    PetscCall(VecAssemblyEnd(E));
    PetscCall(PCApply(pc, E, Y));
    PetscCall(MatMult(matrix_free, Y, W));
    VecReadView w(W);
    ok = std::fwrite(w.data(), sizeof(double), static_cast<std::size_t>(n), file) == static_cast<std::size_t>(n);
  }
  Vec F;
  PetscCall(SNESGetFunction(snes, &F, nullptr, nullptr));
  if (ok) {
    VecReadView f(F);
    ok = std::fwrite(f.data(), sizeof(double), static_cast<std::size_t>(n), file) == static_cast<std::size_t>(n);
  }
  if (std::fflush(file) != 0 || !ok)
    throw InputError(fmt::format("writing the operator dump {} failed (disk full?)", path));
  written = true;
  std::fprintf(stderr, "wrote the preconditioned operator (%d x %d) of Newton step %d of solve %d to %s\n",
               static_cast<int>(n), static_cast<int>(n), static_cast<int>(it), static_cast<int>(solve), path.c_str());
  PetscFunctionReturn(0);
}

}  // namespace regio
