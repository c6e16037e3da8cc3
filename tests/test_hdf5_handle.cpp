// Hdf5Handle (include/regio/hdf5_handle.hpp): every kind of identifier regio opens is closed
// when its handle goes, a move hands the identifier over exactly once, a failed HDF5 call
// owns nothing, and the type cannot be copied. Serial: each rank works on its own file.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "regio/hdf5_handle.hpp"
#include "test_support.hpp"

using regio::Hdf5Handle;
namespace fs = std::filesystem;

static_assert(!std::is_copy_constructible_v<Hdf5Handle> && !std::is_copy_assignable_v<Hdf5Handle>);
static_assert(std::is_nothrow_move_constructible_v<Hdf5Handle> && std::is_nothrow_move_assignable_v<Hdf5Handle>);
static_assert(std::is_nothrow_destructible_v<Hdf5Handle>);

namespace {

bool valid(hid_t id) { return H5Iis_valid(id) > 0; }

// A scratch HDF5 file of this rank, removed on scope exit.
struct ScratchFile {
  std::string path;
  ScratchFile() {
    path = (fs::temp_directory_path() / ("regio-test-handle-" + std::to_string(regio::testing::world().rank()) + ".h5"))
               .string();
  }
  ~ScratchFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

}  // namespace

TEST(Hdf5Handle, ClosesEveryKindOfIdentifier) {
  ScratchFile scratch;
  std::vector<hid_t> ids;  // file, property list, group, dataspace, datatype, dataset, attribute
  {
    Hdf5Handle file(H5Fcreate(scratch.path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    ASSERT_TRUE(file.ok());
    Hdf5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    Hdf5Handle group(H5Gcreate2(file, "g", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const hsize_t dims[1] = {3};
    Hdf5Handle space(H5Screate_simple(1, dims, nullptr));
    Hdf5Handle type(H5Tcopy(H5T_NATIVE_DOUBLE));
    Hdf5Handle dset(H5Dcreate2(group, "d", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    Hdf5Handle attr(H5Acreate2(dset, "a", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT));
    for (const Hdf5Handle* h : {&file, &dcpl, &group, &space, &type, &dset, &attr}) {
      ASSERT_TRUE(h->ok());
      ids.push_back(h->get());
    }
    EXPECT_EQ(H5Iget_type(ids[1]), H5I_GENPROP_LST);
    EXPECT_EQ(H5Iget_type(ids[6]), H5I_ATTR);
  }
  for (std::size_t k = 0; k < ids.size(); ++k) EXPECT_FALSE(valid(ids[k])) << "identifier " << k << " left open";
  // The file is really closed: it opens again read-only and holds what was written.
  Hdf5Handle again(H5Fopen(scratch.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_TRUE(again.ok());
  EXPECT_GT(H5Lexists(again, "g", H5P_DEFAULT), 0);
}

TEST(Hdf5Handle, MoveHandsOverOwnershipOnce) {
  const hsize_t dims[1] = {2};
  Hdf5Handle a(H5Screate_simple(1, dims, nullptr));
  const hid_t id = a.get();
  Hdf5Handle b(std::move(a));
  EXPECT_FALSE(a.ok());  // the moved-from handle is empty (specified, so tested)
  EXPECT_EQ(b.get(), id);
  EXPECT_TRUE(valid(id));

  Hdf5Handle c(H5Screate_simple(1, dims, nullptr));
  const hid_t replaced = c.get();
  c = std::move(b);  // closes what c held, takes b's
  EXPECT_FALSE(valid(replaced));
  EXPECT_EQ(c.get(), id);
  EXPECT_TRUE(valid(id));
  EXPECT_TRUE(c.close());
  EXPECT_FALSE(c.ok());
  EXPECT_FALSE(valid(id));
  EXPECT_TRUE(c.close());  // closing an empty handle is a no-op
}

TEST(Hdf5Handle, FailedCallOwnsNothing) {
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // the failure below is expected: no error stack
  {
    Hdf5Handle missing(H5Fopen("/nonexistent/regio-no-such-file.h5", H5F_ACC_RDONLY, H5P_DEFAULT));
    EXPECT_FALSE(missing.ok());
    EXPECT_LT(static_cast<hid_t>(missing), 0);
    Hdf5Handle empty;
    EXPECT_FALSE(empty.ok());
  }  // destructors of failed and empty handles do nothing
  H5Eset_auto2(H5E_DEFAULT, func, data);
}
