// libFuzzer target: regio::parse_decomposition (decomposition YAML), then region_owners against
// a small fixed region list. Oracle: only InputError (one line, "fuzz.yaml:..." for the parser)
// may escape; an accepted decomposition has exactly `ranks` entries and a line for each.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "regio/decomposition.hpp"

namespace {
std::vector<regio::Region> fixed_regions() {
  std::vector<regio::Region> rs;
  const char* provinces[] = {"Beijing", "Tianjin", "Hebei", "Hebei", "Shanxi"};
  for (const char* p : provinces) {
    regio::Region r;
    r.index = static_cast<std::int64_t>(rs.size());
    r.id = "r" + std::to_string(rs.size());
    r.province = p;
    rs.push_back(r);
  }
  return rs;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<regio::Region> regions = fixed_regions();
  const std::string text(reinterpret_cast<const char*>(data), size);
  regio::Decomposition d;
  bool ok = false;
  regio_fuzz::expect_input_error_only("fuzz.yaml", [&] {
    d = regio::parse_decomposition(text, "fuzz.yaml");
    ok = true;
  });
  if (!ok) return 0;
  if (d.ranks < 1 || static_cast<std::size_t>(d.ranks) != d.assignment.size() || d.lines.size() != d.assignment.size())
    regio_fuzz::finding("accepted decomposition is inconsistent: ranks " + std::to_string(d.ranks) + ", " +
                        std::to_string(d.assignment.size()) + " entries, " + std::to_string(d.lines.size()) + " lines");
  for (int world : {d.ranks, 3})
    regio_fuzz::expect_input_error_only("fuzz.yaml", [&] { (void)regio::region_owners(d, regions, world); });
  (void)regio::decomposition_to_yaml(d);
  return 0;
}
