// libFuzzer target: regio::parse_regions (region CSV -> validated Region records) for the default
// three sectors. Oracle: only InputError (one line, "fuzz.csv:...") may escape; accepted regions
// satisfy the documented checks; an automatic decomposition of them always validates; and
// write_regions -> parse_regions gives the same records (the calibrate -> run path).
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "regio/decomposition.hpp"
#include "regio/region.hpp"

namespace {

const std::vector<std::string> kSectors = {"agriculture", "manufacturing", "services"};

std::string scratch_file() {
  const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/regio-fuzz-regions-" + std::to_string(getpid()) + ".csv";
}

bool same_number(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

std::string differs(const regio::Region& a, const regio::Region& b) {
  if (a.id != b.id) return "id";
  if (a.name != b.name) return "name";
  if (a.province != b.province) return "province";
  const double regio::Region::*nums[] = {
      &regio::Region::lat,      &regio::Region::lon,        &regio::Region::area_km2,
      &regio::Region::land_km2, &regio::Region::population, &regio::Region::registered,
      &regio::Region::capital,  &regio::Region::gdp,        &regio::Region::amenity};
  for (auto m : nums)
    if (!same_number(a.*m, b.*m)) return "a numeric column";
  if (a.productivity != b.productivity) return "productivity";
  if (a.tags != b.tags) return "tags";
  return "";
}

void check_accepted(const std::vector<regio::Region>& regions) {
  std::set<std::string> ids;
  for (const auto& r : regions) {
    if (r.id.empty() || r.province.empty() || !ids.insert(r.id).second)
      regio_fuzz::finding("accepted region with an empty or duplicate id/province: '" + r.id + "'");
    if (r.productivity.size() != kSectors.size()) regio_fuzz::finding("wrong productivity count");
    for (double v : {r.area_km2, r.land_km2, r.population, r.registered, r.capital, r.amenity})
      if (!(std::isfinite(v) && v > 0)) regio_fuzz::finding("accepted a non-positive value, region " + r.id);
    for (double v : r.productivity)
      if (!(std::isfinite(v) && v > 0)) regio_fuzz::finding("accepted a non-positive productivity, region " + r.id);
    if (!(r.gdp >= 0 && std::isfinite(r.gdp))) regio_fuzz::finding("accepted a bad gdp, region " + r.id);
    if (!(std::abs(r.lat) <= 90 && std::abs(r.lon) <= 180))
      regio_fuzz::finding("accepted bad coordinates, region " + r.id);
    if (r.land_km2 > r.area_km2 * (1 + 1e-9)) regio_fuzz::finding("accepted land > area, region " + r.id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<regio::Region> regions;
  bool ok = false;
  regio_fuzz::expect_input_error_only("fuzz.csv", [&] {
    regions = regio::parse_regions(text, "fuzz.csv", kSectors);
    ok = true;
  });
  if (!ok) return 0;
  check_accepted(regions);

  for (int ranks : {1, 2, 3, 7}) {
    try {
      (void)regio::region_owners(regio::auto_decomposition(regions, ranks), regions, ranks);
    } catch (const std::exception& e) {
      regio_fuzz::finding(std::string("auto decomposition does not validate: ") + e.what());
    }
  }

  static const std::string path = scratch_file();
  std::vector<regio::Region> again;
  try {
    regio::write_regions(path, regions, kSectors);
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    again = regio::parse_regions(buf.str(), "roundtrip.csv", kSectors);
  } catch (const std::exception& e) {
    std::remove(path.c_str());
    regio_fuzz::finding(std::string("write_regions output is rejected: ") + e.what());
  }
  std::remove(path.c_str());
  if (again.size() != regions.size()) regio_fuzz::finding("write_regions round trip changes the region count");
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (const std::string what = differs(regions[i], again[i]); !what.empty())
      regio_fuzz::finding("write_regions round trip changes " + what + " of region '" + regions[i].id + "'");
  return 0;
}
