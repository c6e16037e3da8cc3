#pragma once
// A levels economy with labour groups from a scenario (MODEL.md §10; docs/labour-groups.md):
// Part I's region state and kernel rows (the same geography, frictions, province scales and
// hukou barriers as a Part I run) split into (region, group) units by labour.units.
#include <string>

#include "regio/economy_state.hpp"
#include "regio/grouped_system.hpp"
#include "regio/kernel_rows.hpp"
#include "regio/labour_units.hpp"
#include "regio/layout.hpp"
#include "regio/outcomes.hpp"
#include "regio/scenario.hpp"

namespace regio {

// The technology of a grouped economy: the scenario's sectors, their labour_group in `groups`
// (InputError naming the sector and the scenario file if unknown or missing), housing, ε, land by
// group and land income.
hat::HatParameters grouped_parameters(const Scenario& sc, const std::vector<std::string>& groups);

// What a scenario asks that the grouped economy does not model yet ("" if nothing): the first
// such key, what it is set to and what to do (docs/labour-groups.md "Model class").
std::string grouped_run_problem(const Scenario& sc);

// Collective over the layout. Every per-region and per-unit vector of the economy in CSV order
// on every rank; the owned kernel rows copied from `rows` (τ^−θ_s per sector, μ̃^−ε).
// Registered R_ng = share_ng R_n, the starting employment share_ng L_n, B_ng = amenity_ng B_n,
// H_ng = land_ng H_n with land by group.
GroupedEconomy build_grouped_economy(const Scenario& sc, const LabourUnits& units, const GroupCosts& costs,
                                     const EconomyState& st, const GlobalGeography& geo, const KernelRows& rows,
                                     const Layout& layout);

// One (region, group) unit's outcomes at a solved equilibrium (units.csv).
struct UnitOutcome {
  std::int64_t region = 0;  // CSV index
  int group = 0;
  double registered = 0, employment = 0, wage = 0, land_rent = 0, real_income = 0, amenity = 0, utility = 0;
  double migrants_out = 0;      // R_u Σ_{v in another region} m_uv
  double expected_utility = 0;  // (1/ε) log D_u, or log U_u without migration
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& region& group& registered& employment& wage& land_rent& real_income& amenity& utility& migrants_out&
        expected_utility;
  }
};

// Not collective. The owned regions' outcomes at the system's last point in Part I's form
// (regions.csv; docs/labour-groups.md "Outputs" defines the region value of each group
// quantity), and the owned units' (owned region-major), in one pass over the migration shares.
struct GroupedOutcomes {
  std::vector<RegionOutcome> regions;
  std::vector<UnitOutcome> units;
};
GroupedOutcomes grouped_outcomes(const Scenario& sc, const GroupedEconomy& e, const GroupedSystem& sys,
                                 const Layout& layout);

}  // namespace regio
