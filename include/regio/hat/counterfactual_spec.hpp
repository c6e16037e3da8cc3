#pragma once
// A counterfactual file (docs/hat-algebra.md "Counterfactual file"): the base-year folder, whether
// workers migrate, and the shocks in changes x̂ = x'/x (MODEL.md §12): trade costs τ̂_nis by sector
// (a file of pairs or one factor for a class of pairs), productivity Â_is, migration costs μ̂_uv
// by class of unit pair, amenities B̂ and land Ĥ by region.
#include <string>
#include <vector>

namespace regio::hat {

enum class PairScope { all, domestic, external };  // external: importer or exporter outside

struct TradeCostShock {
  std::string file;    // sector,importer,exporter,change (pairs not listed: 1); or empty and:
  std::string sector;  // "" = every sector
  double change = 1;   // τ̂ for every pair n ≠ i in scope
  PairScope pairs = PairScope::all;
  int line = 0;
};

struct RegionShock {  // Â_is (sector "" = all) or B̂_i / Ĥ_i
  std::string sector;
  std::vector<std::string> regions;  // empty = all
  double change = 1;
  int line = 0;
};

struct MigrationCostShock {    // μ̂_uv by class of pair u ≠ v
  double within_province = 1;  // v in u's province (group switches inside a region included)
  double between_provinces = 1;
};

struct CounterfactualSpec {
  std::string file;       // the counterfactual YAML
  std::string base_year;  // folder, relative paths resolved against the YAML's folder
  std::string output;     // may be overridden by --out
  bool migration = true;
  std::vector<TradeCostShock> trade_costs;
  std::vector<RegionShock> productivity, amenity, land;
  MigrationCostShock migration_costs;
  std::string description;
};

// Reads and checks the file (not collective; InputError with FILE:LINE). Shock files and region
// and sector names are checked against the base year when the shocks are applied.
CounterfactualSpec read_counterfactual(const std::string& path);

}  // namespace regio::hat
