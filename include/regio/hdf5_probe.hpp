#pragma once
// Parallel HDF5 does not fail collectively on a damaged file: a flipped bit in the metadata makes
// one rank give up inside H5Fopen (and wait in MPI_File_close) while the others wait in the
// broadcast of the metadata it was to read — the job hangs until its wall-time limit. Before a
// file that a user or an earlier run left is opened with MPI-IO, rank 0 therefore walks it with
// the serial driver: every object header, attribute and dataset layout the parallel reader will
// touch, and every dataset's storage inside the file. Only a file that passes is opened by all.
#include <mpi.h>

#include <string>

namespace regio {

// Not collective: whether the HDF5 file at `path` opens and every object in it can be read
// (objects, their attributes, datasets' dataspaces, types and contiguous storage within the
// file). `why` gets a short reason when not.
bool hdf5_file_walkable(const std::string& path, std::string& why);

// Collective: rank 0's hdf5_file_walkable verdict on every rank.
bool hdf5_file_walkable_on_root(const std::string& path, MPI_Comm comm, std::string& why);

}  // namespace regio
