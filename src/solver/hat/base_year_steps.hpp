#pragma once
// The steps of load_base_year (base_year.cpp), one file each: reading the folder on rank 0
// (base_year_parameters.cpp, base_year_read.cpp), provinces to ranks and rows to owners
// (base_year_distribute.cpp), and the completion of what the folder leaves to the model
// (base_year_complete.cpp; MODEL.md §12–§13, docs/hat-algebra.md §1).
#include <boost/mpi/communicator.hpp>
#include <string>
#include <vector>

#include "regio/hat/base_year.hpp"
#include "regio/layout.hpp"

namespace regio::hat {

// The base-year folder as read on rank 0. Everything but the bilateral rows π and m (O(N·(S + G))
// values) is then broadcast to every rank.
struct RawBase {
  HatParameters par;
  std::vector<std::string> ids, provinces;
  std::vector<int> province_of;
  std::vector<char> outside;
  std::vector<double> region_employment;                    // regions.csv `employment` (NaN if absent)
  std::vector<double> pi;                                   // S × N × N, (s·N + n)·N + i
  std::vector<double> employment, registered, real_income;  // N·G, NaN where not given
  std::vector<double> m;                                    // (N·G)², empty without migration
  std::vector<double> revenue;                              // N·S, empty if revenues.csv absent
  std::vector<double> price;                                // N·S, empty without revenues.csv's price
  bool has_registered = false, has_real_income = false;

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& par.sectors& par.groups& par.group_of_sector& par.theta& par.labour_share& par.capital_share& par
        .land_share& par.final_demand& par.iota& par.housing_share& par.migration_elasticity& par.land_by_group& par
        .stayers& par.share_tolerance;
    ar& ids& provinces& province_of& outside& region_employment& employment& registered& real_income& revenue& price&
        has_registered& has_real_income;
  }
};

// base_year_parameters.cpp. parameters.yaml (MODEL.md §9–§11), InputError with file and line.
HatParameters read_parameters(const std::string& path);

// base_year_read.cpp. Reads parameters.yaml and the CSV files of `folder` (InputError with file
// and line); migration_shares.csv is read if it exists, and must exist if `migration_needed`.
RawBase read_base_folder(const std::string& folder, bool migration_needed);

// base_year_distribute.cpp. Collective: reads the folder on rank 0, assigns its provinces to the
// ranks (by the `decomposition` file, or the default partition if it is empty or `auto`), broadcasts `raw` (without π and m) and returns the base year with every rank's rows of π
// (by importer) and m (by hukou origin), not yet completed.
BaseYear distribute_base_year(const boost::mpi::communicator& comm, const std::string& folder, bool migration_needed,
                              const std::string& decomposition, RawBase& raw);

// base_year_complete.cpp, collective, in this order (each uses what the one before completed).
// `equilibrium`: given revenues and hukou stocks must clear the hat mode's goods markets and
// L = mᵀR (else InputError); false only records the gaps (fixed_point_residual, registered_residual).
// (a) revenues R_ns (given, or the fixed point R = πᵀ X(R) with Σ_n I_n = 1) and spending X_ns;
void complete_revenues(BaseYear& b, const RawBase& raw, const Layout& layout, bool equilibrium);
// (b) employment L_ng, an outside region's total split over its groups at one wage;
void complete_employment(BaseYear& b, const RawBase& raw);
// (c) hukou stocks R_u (given and checked, or R = (mᵀ)⁻¹ L);
void complete_hukou_stocks(BaseYear& b, const RawBase& raw, const Layout& layout, bool equilibrium);
// (d) real income per worker V_u (given, or the base wage).
void complete_real_income(BaseYear& b, const RawBase& raw);

}  // namespace regio::hat
