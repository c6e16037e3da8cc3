#include "regio/checkpoint_arrays.hpp"

#include <mpi.h>

#include <algorithm>

#include "regio/hdf5_handle.hpp"

namespace regio::checkpoint_io {

namespace {

constexpr const char* kChecksum = "checksum";

// File dataspace selecting the owned rows (contiguous runs of CSV indices) of an N×width array.
hid_t owned_selection(const Layout& layout, int width) {
  const hsize_t dims[2] = {static_cast<hsize_t>(layout.num_regions()), static_cast<hsize_t>(width)};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  H5Sselect_none(space);
  H5S_seloper_t op = H5S_SELECT_SET;
  layout.for_each_owned_run([&](std::int64_t first, std::int64_t count) {
    const hsize_t start[2] = {static_cast<hsize_t>(first), 0};
    const hsize_t block[2] = {static_cast<hsize_t>(count), static_cast<hsize_t>(width)};
    H5Sselect_hyperslab(space, op, start, nullptr, block, nullptr);
    op = H5S_SELECT_OR;
  });
  return space;
}

hid_t memory_space(const Layout& layout, int width) {
  const hsize_t dims[2] = {std::max<hsize_t>(1, layout.num_owned()), static_cast<hsize_t>(width)};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  if (layout.num_owned() == 0) H5Sselect_none(space);
  return space;
}

std::uint64_t row_hash(std::uint64_t index, const double* row, int width) {
  return fnv1a(row, sizeof(double) * static_cast<std::size_t>(width), fnv1a(&index, sizeof index));
}

// Collective. The checksum of the owned rows of an N × width array, summed over the ranks.
std::uint64_t owned_checksum(const Layout& layout, const std::vector<double>& data, int width) {
  std::uint64_t mine = 0, all = 0;
  const auto& owned = layout.owned();
  for (std::size_t j = 0; j < owned.size(); ++j)
    mine += row_hash(static_cast<std::uint64_t>(owned[j]), data.data() + j * static_cast<std::size_t>(width), width);
  MPI_Allreduce(&mine, &all, 1, MPI_UINT64_T, MPI_SUM, layout.comm());
  return all;
}

Hdf5Handle collective_transfer() {
  Hdf5Handle xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  return xfer;
}

ReadStatus verified(hid_t dset, bool read_ok, std::uint64_t sum) {
  std::uint64_t stored = 0;
  if (!read_ok || !read_attribute(dset, kChecksum, stored)) return ReadStatus::unreadable;
  return stored == sum ? ReadStatus::ok : ReadStatus::damaged;
}

}  // namespace

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

bool write_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data, int width) {
  const hsize_t dims[2] = {static_cast<hsize_t>(layout.num_regions()), static_cast<hsize_t>(width)};
  Hdf5Handle file_space(H5Screate_simple(2, dims, nullptr));
  Hdf5Handle dset(H5Dcreate2(group, name, H5T_NATIVE_DOUBLE, file_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  const std::uint64_t sum = owned_checksum(layout, data, width);  // collective: before any early return
  if (!dset.ok()) return false;
  Hdf5Handle sel(owned_selection(layout, width));
  Hdf5Handle mem(memory_space(layout, width));
  const double dummy = 0;
  const bool ok =
      H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, sel, collective_transfer(), data.empty() ? &dummy : data.data()) >= 0;
  write_attribute(dset, kChecksum, sum);
  return ok;
}

ReadStatus read_array(hid_t group, const char* name, const Layout& layout, std::vector<double>& data, int width) {
  Hdf5Handle dset(H5Dopen2(group, name, H5P_DEFAULT));
  if (!dset.ok()) return ReadStatus::unreadable;
  Hdf5Handle space(H5Dget_space(dset));
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space) != 2) return ReadStatus::unreadable;
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (dims[0] != static_cast<hsize_t>(layout.num_regions()) || dims[1] != static_cast<hsize_t>(width))
    return ReadStatus::unreadable;
  Hdf5Handle sel(owned_selection(layout, width));
  Hdf5Handle mem(memory_space(layout, width));
  data.assign(std::max<std::size_t>(1, layout.num_owned()) * width, 0.0);
  const bool ok = H5Dread(dset, H5T_NATIVE_DOUBLE, mem, sel, collective_transfer(), data.data()) >= 0;
  data.resize(static_cast<std::size_t>(layout.num_owned()) * width);
  return verified(dset, ok, owned_checksum(layout, data, width));
}

bool write_global_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data,
                        int width) {
  const hsize_t dims[1] = {static_cast<hsize_t>(width)};
  Hdf5Handle file_space(H5Screate_simple(1, dims, nullptr));
  Hdf5Handle dset(H5Dcreate2(group, name, H5T_NATIVE_DOUBLE, file_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!dset.ok()) return false;
  Hdf5Handle mem(H5Screate_simple(1, dims, nullptr));
  if (layout.rank() != 0) H5Sselect_none(mem), H5Sselect_none(file_space);
  const bool ok = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, file_space, collective_transfer(), data.data()) >= 0;
  write_attribute(dset, kChecksum, row_hash(0, data.data(), width));  // the same data on every rank
  return ok;
}

ReadStatus read_global_array(hid_t group, const char* name, const Layout&, std::vector<double>& data, int width) {
  Hdf5Handle dset(H5Dopen2(group, name, H5P_DEFAULT));
  if (!dset.ok()) return ReadStatus::unreadable;
  data.assign(static_cast<std::size_t>(width), 0.0);
  const bool ok = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, collective_transfer(), data.data()) >= 0;
  return verified(dset, ok, row_hash(0, data.data(), width));
}

void write_attribute(hid_t obj, const char* name, std::uint64_t v) {
  Hdf5Handle space(H5Screate(H5S_SCALAR));
  Hdf5Handle attr(H5Acreate2(obj, name, H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT));
  H5Awrite(attr, H5T_NATIVE_UINT64, &v);
}

void write_attribute(hid_t obj, const char* name, const std::string& v) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, std::max<std::size_t>(1, v.size()));
  Hdf5Handle space(H5Screate(H5S_SCALAR));
  Hdf5Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
  H5Awrite(attr, type, v.c_str());
}

bool read_attribute(hid_t obj, const char* name, std::uint64_t& v) {
  if (H5Aexists(obj, name) <= 0) return false;
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  return H5Aread(attr, H5T_NATIVE_UINT64, &v) >= 0;
}

bool read_attribute(hid_t obj, const char* name, std::string& v) {
  if (H5Aexists(obj, name) <= 0) return false;
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  Hdf5Handle type(H5Aget_type(attr));
  std::string buf(H5Tget_size(type), '\0');
  if (H5Aread(attr, type, buf.data()) < 0) return false;
  v = buf.substr(0, buf.find('\0'));
  return true;
}

}  // namespace regio::checkpoint_io
