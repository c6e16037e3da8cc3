// Compiled with the economics layer's include directories and dependencies only (CTest
// layers_economics_*): the model's own headers build, and a file of that layer that reached for
// MPI, PETSc or HDF5 would not, because the layer never sees their include directories.
#include "regio/dynamics.hpp"
#include "regio/kernels.hpp"
#include "regio/policy_schedule.hpp"

#if defined(PROBE_mpi)
#include <mpi.h>
#elif defined(PROBE_boost_mpi)
#include <boost/mpi/communicator.hpp>
#elif defined(PROBE_petsc)
#include <petscsys.h>
#elif defined(PROBE_hdf5)
#include <hdf5.h>
#endif

namespace regio {
double layer_probe(const FactorPrices& p) { return p.wage; }
}  // namespace regio
