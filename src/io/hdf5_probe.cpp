#include "regio/hdf5_probe.hpp"

#include <filesystem>
#include <vector>

#include "regio/hdf5_handle.hpp"

namespace regio {

namespace {

struct Walk {
  hsize_t file_size = 0;
  std::string why;
};

// Reads one attribute's value, which decodes its datatype, dataspace and data.
herr_t read_attribute_value(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto& walk = *static_cast<Walk*>(data);
  Hdf5Handle attr(H5Aopen(object, name, H5P_DEFAULT));
  Hdf5Handle type(attr.ok() ? H5Aget_type(attr) : H5I_INVALID_HID);
  Hdf5Handle space(attr.ok() ? H5Aget_space(attr) : H5I_INVALID_HID);
  const hssize_t points = space.ok() ? H5Sget_simple_extent_npoints(space) : -1;
  const size_t size = type.ok() ? H5Tget_size(type) : 0;
  if (points < 0 || size == 0 || static_cast<hsize_t>(points) * size > (hsize_t{1} << 24)) {
    walk.why = std::string("attribute ") + name + " is unreadable";
    return -1;
  }
  if (H5Tis_variable_str(type) > 0) return 0;  // its value is on the global heap: the type decoded
  std::vector<unsigned char> value(static_cast<std::size_t>(points) * size);
  if (H5Aread(attr, type, value.data()) < 0) {
    walk.why = std::string("attribute ") + name + " is unreadable";
    return -1;
  }
  return 0;
}

// A chunked dataset's chunk index (a B-tree) walked, and every chunk inside the file.
bool chunks_inside(hid_t dset, hid_t space, hsize_t file_size) {
  hsize_t chunks = 0;
  if (H5Dget_num_chunks(dset, space, &chunks) < 0) return false;
  for (hsize_t k = 0; k < chunks; ++k) {
    haddr_t address = HADDR_UNDEF;
    hsize_t bytes = 0;
    if (H5Dget_chunk_info(dset, space, k, nullptr, nullptr, &address, &bytes) < 0 || address == HADDR_UNDEF ||
        address + bytes > file_size)
      return false;
  }
  return true;
}

// A dataset's dataspace, type and layout, and its contiguous storage inside the file.
bool dataset_readable(hid_t file, const char* name, Walk& walk) {
  Hdf5Handle dset(H5Dopen2(file, name, H5P_DEFAULT));
  Hdf5Handle space(dset.ok() ? H5Dget_space(dset) : H5I_INVALID_HID);
  Hdf5Handle type(dset.ok() ? H5Dget_type(dset) : H5I_INVALID_HID);
  Hdf5Handle plist(dset.ok() ? H5Dget_create_plist(dset) : H5I_INVALID_HID);
  if (!space.ok() || !type.ok() || !plist.ok() || H5Sget_simple_extent_npoints(space) < 0) return false;
  if (H5Pget_layout(plist) == H5D_CHUNKED) return chunks_inside(dset, space, walk.file_size);
  if (H5Pget_layout(plist) != H5D_CONTIGUOUS) return true;
  const haddr_t offset = H5Dget_offset(dset);
  const hsize_t bytes = H5Dget_storage_size(dset);
  const hsize_t expected = static_cast<hsize_t>(H5Sget_simple_extent_npoints(space)) * H5Tget_size(type);
  if (bytes == 0) return expected == 0 || offset == HADDR_UNDEF;  // never written: reads give fill values
  return offset != HADDR_UNDEF && bytes == expected && offset + bytes <= walk.file_size;
}

herr_t visit_object(hid_t file, const char* name, const H5O_info_t* info, void* data) {
  auto& walk = *static_cast<Walk*>(data);
  Hdf5Handle object(H5Oopen(file, name, H5P_DEFAULT));
  if (!object.ok()) {
    walk.why = std::string("object ") + name + " is unreadable";
    return -1;
  }
  hsize_t index = 0;
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_NATIVE, &index, read_attribute_value, &walk) < 0) {
    if (walk.why.empty()) walk.why = std::string("the attributes of ") + name + " are unreadable";
    return -1;
  }
  if (info->type == H5O_TYPE_DATASET && !dataset_readable(file, name, walk)) {
    walk.why = std::string("dataset ") + name + " is unreadable or lies outside the file";
    return -1;
  }
  return 0;
}

}  // namespace

bool hdf5_file_walkable(const std::string& path, std::string& why) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // one line of ours, not HDF5's error stack
  Walk walk;
  std::error_code ec;
  walk.file_size = std::filesystem::file_size(path, ec);
  if (ec) {
    why = "cannot read its size: " + ec.message();
    return false;
  }
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.ok()) {
    why = "not a readable HDF5 file";
    return false;
  }
  if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit_object, &walk, H5O_INFO_BASIC) < 0) {
    why = walk.why.empty() ? "its object tree is unreadable" : walk.why;
    return false;
  }
  return true;
}

bool hdf5_file_walkable_on_root(const std::string& path, MPI_Comm comm, std::string& why) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int ok = 1;
  char reason[256] = {};
  if (rank == 0) {
    ok = hdf5_file_walkable(path, why) ? 1 : 0;
    why.copy(reason, sizeof reason - 1);
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  MPI_Bcast(reason, sizeof reason, MPI_CHAR, 0, comm);
  why = reason;
  return ok != 0;
}

}  // namespace regio
