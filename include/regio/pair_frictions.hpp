#pragma once
// Province-pair frictions from CSV files (MODEL.md §12; docs/frictions.md): bilateral factors
// that multiply §1's parametric costs between the regions of two provinces.
//   trade.frictions      from_province,to_province,sector,tau: τ_nis × tau for every exporter i
//                        in from_province and importer n in to_province, in that sector;
//   migration.frictions  from_province,to_province,mu: μ_od × mu for every hukou origin o in
//                        from_province and destination d in to_province.
// A pair given in one direction only applies to both (a symmetric factor); given in both, each
// row applies to its own direction (asymmetric). `inf` means no flow at any price (τ^−θ = 0).
// Read on rank 0 with the region CSV's provinces; every mistake names the file and line: unknown
// provinces or sectors (with the nearest name), a value that is not a positive number (NaN,
// ≤ 0), a direction given twice, a province paired with itself, missing columns.
#include <map>
#include <string>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

// The trade factors, one per direction and sector (both directions of a pair given once).
std::vector<TradeFriction> read_trade_frictions(const std::string& path, const std::map<std::string, int>& provinces,
                                                const std::vector<std::string>& province_list,
                                                const std::vector<std::string>& sectors);

// The scales of the inherited province-pair trade costs (trade.province_scales: columns
// from_province, to_province, sector, scale; the same rules), one per direction and sector.
std::vector<TradeFriction> read_trade_scales(const std::string& path, const std::map<std::string, int>& provinces,
                                             const std::vector<std::string>& province_list,
                                             const std::vector<std::string>& sectors);

// The migration factors, one per direction.
std::vector<MigrationFriction> read_migration_frictions(const std::string& path,
                                                        const std::map<std::string, int>& provinces,
                                                        const std::vector<std::string>& province_list);

}  // namespace regio
