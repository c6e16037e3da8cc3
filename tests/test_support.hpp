#pragma once
// Helpers shared by the test files.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <boost/mpi/communicator.hpp>
#include <exception>
#include <string>

#include "regio/error.hpp"

namespace regio::testing {

// The communicator of PETSc's world (the tests' MPI main initialises PETSc).
inline boost::mpi::communicator world() { return boost::mpi::communicator(PETSC_COMM_WORLD, boost::mpi::comm_attach); }

// The message of the InputError `f` throws; a test failure if it throws nothing or something else.
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected an InputError, got another exception: " << e.what();
    return "<other exception>";
  } catch (...) {
    ADD_FAILURE() << "expected an InputError, got a non-std exception";
    return "<other exception>";
  }
  ADD_FAILURE() << "expected an InputError, nothing was thrown";
  return "<no error>";
}

}  // namespace regio::testing
