#pragma once
// The inputs of labour groups (MODEL.md §10; docs/labour-groups.md): the units file that splits
// every region into (region, group) units, and the group switching costs. Read on rank 0.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <string>
#include <vector>

namespace regio {

// labour.units: per unit u = (n, g) at n·G + g (regions in CSV order).
struct LabourUnits {
  std::vector<std::string> groups;  // in order of first appearance in the file
  std::vector<double> share;        // of the region's registered population R_n (Σ_g = 1)
  std::vector<double> amenity;      // factor on the region's B_n (default 1)
  std::vector<double> land;         // share of H_n (Σ_g = 1) with labour.land: by_group, else empty
  // Share of the region's residents L_n in group g (Σ_g = 1, each > 0), if the file has the
  // column: then the amenities by unit are inverted so that the first epoch has these residents.
  std::vector<double> residents;
  int G() const { return static_cast<int>(groups.size()); }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& groups& share& amenity& land& residents;
  }
};

// labour.group_costs: the cost factors s_gg' (within a province) and S_gg' (between), G×G at
// g·G + g'; 1 where the file gives no pair (and s_gg = 1 always).
struct GroupCosts {
  std::vector<double> within, between;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& within& between;
  }
};

// Throws InputError "FILE:LINE: ..." for a missing column, an unknown region, a region or
// unit given twice or missing, a share that is not finite and in [0, 1], shares that do not sum
// to 1 per region (to 1e-9), a missing land column with `land_by_group`, residents that are not
// > 0 or do not sum to 1 per region.
LabourUnits read_labour_units(const std::string& path, const std::vector<std::string>& region_ids,
                              const std::string& regions_file, bool land_by_group);
// Throws InputError naming the file and line for an unknown group, a pair given twice, a factor
// that is not finite and ≥ 1 for g ≠ g', or a within-group factor s_gg ≠ 1.
GroupCosts read_group_costs(const std::string& path, const std::vector<std::string>& groups);
GroupCosts unit_group_costs(int G);  // every factor 1

}  // namespace regio
