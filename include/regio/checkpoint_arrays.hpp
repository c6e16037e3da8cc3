#pragma once
// The arrays and attributes of a checkpoint file (checkpoint.cpp), in parallel HDF5. Every
// dataset carries a `checksum` attribute: the sum over its rows of FNV-1a(row index, row bytes)
// (mod 2^64), which does not depend on how the rows are spread over the ranks, so that a
// checkpoint written on P ranks is verified on any number (docs/guarantees.md).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "regio/layout.hpp"

namespace regio::checkpoint_io {

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull);

// Collective. An N × width array of the owned rows (CSV order), with its checksum attribute.
bool write_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data, int width);
// A `width`-value array the same on every rank (rank 0 writes it), with its checksum.
bool write_global_array(hid_t group, const char* name, const Layout& layout, const std::vector<double>& data,
                        int width);

// What reading an array found.
enum class ReadStatus { ok, unreadable, damaged };  // damaged: the checksum does not match
// Collective. The owned rows of an N × width array.
ReadStatus read_array(hid_t group, const char* name, const Layout& layout, std::vector<double>& data, int width);
// Collective. A global array of `width` values.
ReadStatus read_global_array(hid_t group, const char* name, const Layout& layout, std::vector<double>& data, int width);

void write_attribute(hid_t obj, const char* name, std::uint64_t v);
void write_attribute(hid_t obj, const char* name, const std::string& v);
bool read_attribute(hid_t obj, const char* name, std::uint64_t& v);
bool read_attribute(hid_t obj, const char* name, std::string& v);

}  // namespace regio::checkpoint_io
