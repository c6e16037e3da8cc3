// The base year of the hat algebra: read on rank 0 (file:line errors), provinces assigned to
// ranks, rows sent to their owners, and completed (MODEL.md §12–§13; docs/hat-algebra.md §1).
// The steps live in base_year_{parameters,read,distribute,complete}.cpp (base_year_steps.hpp);
// here: their order, and the base year's derived quantities (wage bills, income, land rent).
#include "regio/hat/base_year.hpp"

#include <boost/mpi/communicator.hpp>

#include "base_year_steps.hpp"

namespace regio::hat {

double BaseYear::wage_bill(std::int64_t n, int g) const {
  double wb = 0;
  for (int s = 0; s < S(); ++s)
    if (par.group_of_sector[s] == g) wb += par.labour_share[s] * revenue[n * S() + s];
  return wb;
}

double BaseYear::income(std::int64_t n) const {
  double va = 0;
  for (int s = 0; s < S(); ++s) va += par.value_added(s) * revenue[n * S() + s];
  return va / (1 - par.housing_share);
}

double land_rent_at(const HatParameters& par, const double* R, int g) {
  const double dh = par.housing_share;
  double rent = 0;
  for (int s = 0; s < par.S(); ++s) {
    if (par.land_by_group && par.group_of_sector[s] != g) continue;
    // Production land plus housing: δ_h of the income this land's sectors generate (by group:
    // group income (α_s + λ_s) R/(1 − δ_h), β = 0 there; one market: the region's income).
    rent += par.land_share[s] * R[s] + dh * par.value_added(s) * R[s] / (1 - dh);
  }
  return rent;
}

double BaseYear::land_rent(std::int64_t n, int g) const { return land_rent_at(par, &revenue[n * S()], g); }

double rebate_factor(const HatParameters& par, double rent_over_wage, double own_share, double registered) {
  if (!par.stayers) return 1;
  return 1 + rent_over_wage / (own_share * registered);
}

BaseYear load_base_year(MPI_Comm comm_raw, const std::string& folder, bool migration_needed,
                        const std::string& decomposition, bool equilibrium) {
  boost::mpi::communicator comm(comm_raw, boost::mpi::comm_attach);
  RawBase raw;
  BaseYear b = distribute_base_year(comm, folder, migration_needed, decomposition, raw);
  const Layout layout(comm, b.owners);
  complete_revenues(b, raw, layout, equilibrium);      // (a) R_ns, X_ns
  complete_employment(b, raw);                         // (b) L_ng of the outside regions
  complete_hukou_stocks(b, raw, layout, equilibrium);  // (c) R_u
  complete_real_income(b, raw);                        // (d) V_u
  return b;
}

}  // namespace regio::hat
