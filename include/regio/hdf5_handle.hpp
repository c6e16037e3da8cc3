#pragma once
// One owner for an HDF5 identifier (file, group, dataset, dataspace, datatype, attribute or
// property list), used by every HDF5 reader and writer of regio (checkpoint.cpp,
// region_panel.cpp, compare.cpp). The identifier is closed on scope exit with the H5?close
// its type needs, asked of HDF5 (H5Iget_type), so no call site can pair an id with the wrong
// close. Closing a file opened with MPI-IO is collective: every rank must let its handle go
// at the same point of the program, as with the plain H5Fclose it replaces.
//
//   Hdf5Handle d(H5Dopen2(file, "regions/wage", H5P_DEFAULT));
//   if (!d.ok()) ...;                 // a failed call gives a negative id: owns nothing
//   H5Dread(d, ...);                  // converts to hid_t for the C API
#include <hdf5.h>

#include <utility>

namespace regio {

class Hdf5Handle {
 public:
  Hdf5Handle() = default;
  // Takes ownership of `id`, the result of an H5?create/open/copy/get call (negative: failed).
  explicit Hdf5Handle(hid_t id) noexcept : id_(id) {}
  ~Hdf5Handle() { close(); }  // close() never throws: HDF5 is a C library and reports by value
  Hdf5Handle(Hdf5Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;

  operator hid_t() const noexcept { return id_; }
  hid_t get() const noexcept { return id_; }
  bool ok() const noexcept { return id_ >= 0; }

  // Closes now (no-op if empty); false if HDF5 reported a failure. The handle is empty after.
  bool close() noexcept {
    if (id_ < 0) return true;
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    switch (H5Iget_type(id)) {
      case H5I_FILE:
        return H5Fclose(id) >= 0;
      case H5I_GROUP:
        return H5Gclose(id) >= 0;
      case H5I_DATASET:
        return H5Dclose(id) >= 0;
      case H5I_DATASPACE:
        return H5Sclose(id) >= 0;
      case H5I_DATATYPE:
        return H5Tclose(id) >= 0;
      case H5I_ATTR:
        return H5Aclose(id) >= 0;
      case H5I_GENPROP_LST:
        return H5Pclose(id) >= 0;
      default:
        return H5Idec_ref(id) >= 0;  // any other kind of id: drop our reference
    }
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

}  // namespace regio
