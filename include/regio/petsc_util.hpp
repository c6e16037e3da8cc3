#pragma once
// RAII for PETSc handles and PetscErrorCode -> exception conversion for C++ call sites.
#include <petscsnes.h>

#include <stdexcept>
#include <string>

namespace regio {

// A PETSc call failed: a programming or system error on this rank (not a user input error),
// so main() aborts the whole job rather than risk a hang.
class PetscFailure : public std::runtime_error {
 public:
  PetscFailure(PetscErrorCode code, const char* expr)
      : std::runtime_error(std::string("PETSc error ") + std::to_string(code) + " in " + expr) {}
};

#define REGIO_PETSC(expr)                                             \
  do {                                                                \
    PetscErrorCode regio_ierr_ = (expr);                              \
    if (regio_ierr_) throw ::regio::PetscFailure(regio_ierr_, #expr); \
  } while (0)

// Owns one PETSc object; destroys it (collectively, as PETSc requires) when it goes out of scope.
template <class T, PetscErrorCode (*Destroy)(T*)>
class PetscHandle {
 public:
  PetscHandle() = default;
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;
  PetscHandle(PetscHandle&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  PetscHandle& operator=(PetscHandle&& o) noexcept {
    reset();
    h_ = o.h_;
    o.h_ = nullptr;
    return *this;
  }
  ~PetscHandle() { reset(); }
  void reset() {
    if (h_) PetscCallAbort(PETSC_COMM_SELF, Destroy(&h_));
    h_ = nullptr;
  }
  T* address() {
    reset();
    return &h_;
  }
  operator T() const { return h_; }
  T get() const { return h_; }

 private:
  T h_ = nullptr;
};

using PetscVec = PetscHandle<Vec, VecDestroy>;
using PetscMat = PetscHandle<Mat, MatDestroy>;
using PetscSNES = PetscHandle<SNES, SNESDestroy>;

// Read-only / read-write views of a Vec's local array, restored on scope exit.
class VecReadView {
 public:
  explicit VecReadView(Vec v) : v_(v) { REGIO_PETSC(VecGetArrayRead(v_, &a_)); }
  ~VecReadView() { PetscCallAbort(PETSC_COMM_SELF, VecRestoreArrayRead(v_, &a_)); }
  const PetscScalar* data() const { return a_; }
  const PetscScalar& operator[](std::size_t i) const { return a_[i]; }

 private:
  Vec v_;
  const PetscScalar* a_ = nullptr;
};
class VecWriteView {
 public:
  explicit VecWriteView(Vec v) : v_(v) { REGIO_PETSC(VecGetArray(v_, &a_)); }
  ~VecWriteView() { PetscCallAbort(PETSC_COMM_SELF, VecRestoreArray(v_, &a_)); }
  PetscScalar* data() { return a_; }
  PetscScalar& operator[](std::size_t i) { return a_[i]; }

 private:
  Vec v_;
  PetscScalar* a_ = nullptr;
};

}  // namespace regio
