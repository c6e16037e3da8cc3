#pragma once
// Province migration-cost scales from a CSV (migration.province_costs; docs/calibration.md,
// "Finer geographies' migration"): for the units of each province, a factor on the
// within-province moving cost and one on the inherited between-province term. Read on rank 0
// with the region CSV's provinces; every mistake names the file and line.
#include <map>
#include <string>
#include <vector>

#include "regio/region.hpp"
#include "regio/scenario.hpp"

namespace regio {

// Columns province, within_scale, between_scale (any order, no others). Provinces absent keep
// 1 and 1; unknown provinces, a province given twice and scales that are not finite positive
// numbers are errors.
std::vector<ProvinceMigrationCost> read_province_costs(const std::string& path,
                                                       const std::map<std::string, int>& provinces,
                                                       const std::vector<std::string>& province_list);

// The census's migrants by unit (calibration.migrants): for every region (CSV order), the
// residents registered in another region of the same province and in another province.
struct UnitMigrants {
  std::vector<double> within_province, other_province;
};

// Columns id, within_province, other_province (any order, no others), one row per region of the
// region CSV: unknown or repeated ids, missing regions, values that are not finite numbers ≥ 0
// and as many migrants as residents (within + other ≥ population: no one registered there
// would live there) are errors.
UnitMigrants read_unit_migrants(const std::string& path, const std::vector<Region>& regions,
                                const std::string& regions_file);

// The file regio calibrate writes (same columns; scales in shortest round-trip notation).
void write_province_costs(const std::string& path, const std::vector<std::string>& province_list,
                          const std::vector<double>& within_scale, const std::vector<double>& between_scale);

}  // namespace regio
