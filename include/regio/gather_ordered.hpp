#pragma once
// Records owned by every rank gathered on rank 0 in one global order (empty elsewhere): the
// order of the output files, whatever the decomposition.
#include <algorithm>
#include <boost/mpi/collectives/gather.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <utility>
#include <vector>

namespace regio {

// `key(j)` is the global position of this rank's record j: a region's index, or a labour-group
// unit's region·G + group. Keys are unique across ranks.
template <class T, class Key>
std::vector<T> gather_in_key_order(const boost::mpi::communicator& comm, const std::vector<T>& mine, Key key) {
  std::vector<std::pair<std::int64_t, T>> keyed;
  keyed.reserve(mine.size());
  for (std::size_t j = 0; j < mine.size(); ++j) keyed.emplace_back(static_cast<std::int64_t>(key(j)), mine[j]);
  std::vector<std::vector<std::pair<std::int64_t, T>>> parts;
  boost::mpi::gather(comm, keyed, parts, 0);
  std::vector<std::pair<std::int64_t, T>> all;
  for (auto& p : parts) all.insert(all.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<T> out;
  out.reserve(all.size());
  for (auto& [k, v] : all) out.push_back(std::move(v));
  return out;
}

}  // namespace regio
