#pragma once
// Province-pair trade frictions from a CSV (trade.frictions, MODEL.md §12): bilateral trade-cost
// factors by province pair and sector that multiply §1's τ_nis. Read on rank 0 with the region
// CSV's provinces; every mistake names the file and line.
#include <map>
#include <string>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

// Columns from_province, to_province, sector, tau. A pair may be given in one direction or in both
// with the same tau (the kernels use τ's symmetry); a pair of one province with itself, unknown
// provinces or sectors, tau that is not a finite positive number and duplicates are errors.
std::vector<TradeFriction> read_trade_frictions(const std::string& path, const std::map<std::string, int>& provinces,
                                                const std::vector<std::string>& province_list,
                                                const std::vector<std::string>& sectors);

}  // namespace regio
