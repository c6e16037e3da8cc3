#pragma once
// A levels equilibrium as a base-year folder of `regio counterfactual` (docs/hat-algebra.md §1):
// `regio run --export-base DIR` writes the last epoch's solution, so that the hat-algebra
// solve from it and a second levels solve can be compared (MODEL.md §12; tools/check_levels_hat.py).
//   parameters.yaml  one labour group `all`, land: region, land_income: residents, the sectors'
//                    θ, α, β, λ, ι and η, δ_h, ε
//   regions.csv      id, province
//   units.csv        region, group, employment (L), registered (R), real_income (v = U/B, real
//                    income per resident)
//   trade_shares.csv sector, importer, exporter, share (π_nis of every pair)
//   migration_shares.csv  (migration on) origin_region, origin_group, destination_region,
//                    destination_group, share (m_od of every pair)
//   revenues.csv     region, sector, revenue (R_ns, gross output), price (p_ns, producer price)
// real_income and price are what `regio frictions` needs to invert migration costs and the exact
// (asymmetric) trade costs (MODEL.md §12; docs/frictions.md).
// The hat mode assumes balanced trade and no saving, transfers or agglomeration; a scenario
// outside that subset is exported all the same, and the folder's parameters.yaml says which
// assumptions it breaks. Every file is written whole (write_file_atomically), parameters.yaml last,
// so a folder with parameters.yaml holds a whole export; the folder's ownership (a lock, no
// overwrite without --overwrite) is the caller's (RunFolder). O(N²S) text gathered on rank 0: meant for test-sized economies.
// Collective.
#include <string>
#include <vector>

#include "regio/equilibrium.hpp"
#include "regio/grouped_system.hpp"
#include "regio/layout.hpp"

namespace regio {

// The files of a base-year folder (parameters.yaml first), for RunFolder.
std::vector<std::string> base_year_file_names();

void export_base_year(const std::string& dir, const Scenario& sc, const Layout& layout, const EconomyState& st,
                      const Equilibrium& eq);

// The same folder for a levels economy with labour groups at its last evaluated point (its groups,
// land and land income as the economy has them; real_income is v_ng, a migrant's real income
// under stayers, as the hat mode reads it).
void export_grouped_base_year(const std::string& dir, const GroupedEconomy& economy, const GroupedSystem& system);

}  // namespace regio
