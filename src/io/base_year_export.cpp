#include "regio/base_year_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <filesystem>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/output_file.hpp"

namespace regio {

namespace {

using Rows = std::vector<std::pair<std::int64_t, std::string>>;  // (order key, lines)

constexpr const char* kParametersName = "parameters.yaml";
constexpr std::array<const char*, 5> kTableNames = {"regions.csv", "units.csv", "trade_shares.csv", "revenues.csv",
                                                    "migration_shares.csv"};

// The rows of every rank on rank 0, in key order (CSV order of the region they belong to).
std::string gathered(MPI_Comm comm, Rows mine) {
  boost::mpi::communicator world(comm, boost::mpi::comm_attach);
  std::vector<Rows> parts;
  boost::mpi::gather(world, mine, parts, 0);
  Rows all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string text;
  for (const auto& r : all) text += r.second;
  return text;
}

std::string num(double v) { return fmt::format("{:.17g}", v); }

// What the hat mode assumes and the scenario does not (comments in parameters.yaml).
std::string subset_notes(const Scenario& sc) {
  std::string notes;
  if (sc.households.saving_rate > 0) notes += "# note: saving_rate > 0 (the hat mode has no saving)\n";
  if (sc.external.enabled) notes += "# note: a rest of the world (the hat mode's trade is balanced)\n";
  for (const auto& s : sc.sectors)
    if (s.agglomeration > 0) notes += fmt::format("# note: agglomeration in {} (the hat mode has none)\n", s.name);
  if (!sc.policies.empty()) notes += "# note: policies (transfers fixed in yuan break the hat mode's homogeneity)\n";
  return notes;
}

std::string parameters_yaml(const Scenario& sc, const Technology& tech) {
  std::string y = "# A levels equilibrium exported by regio run --export-base (docs/hat-algebra.md §1).\n";
  y += subset_notes(sc);
  y += "groups: [all]\nsectors:\n";
  for (std::size_t s = 0; s < tech.S; ++s) {
    y += fmt::format(
        "  - name: {}\n    group: all\n    trade_elasticity: {}\n    labour_share: {}\n"
        "    capital_share: {}\n    land_share: {}\n    final_demand_share: {}\n",
        sc.sectors[s].name, num(tech.theta[s]), num(tech.alpha[s]), num(tech.beta[s]), num(tech.lambda[s]),
        num(tech.eta[s]));
    y += "    intermediate_shares: {";
    for (std::size_t k = 0; k < tech.S; ++k)
      y += fmt::format("{}{}: {}", k ? ", " : "", sc.sectors[k].name,
                       num(tech.intermediates() ? tech.iota[s * tech.S + k] : 0.0));
    y += "}\n";
  }
  y += fmt::format("housing_share: {}\nmigration_elasticity: {}\nland: region\nland_income: {}\n",
                   num(tech.housing_share), num(sc.migration.elasticity), sc.households.land_income);
  return y;
}

// The hat mode's technology as parameters.yaml (its own format, docs/hat-algebra.md §1).
std::string parameters_yaml(const hat::HatParameters& par) {
  std::string y =
      "# A levels equilibrium with labour groups (grouped_system.hpp), exported for the hat mode.\ngroups: [";
  for (int g = 0; g < par.G(); ++g) y += (g ? ", " : "") + par.groups[g];
  y += "]\nsectors:\n";
  for (int s = 0; s < par.S(); ++s) {
    y += fmt::format(
        "  - name: {}\n    group: {}\n    trade_elasticity: {}\n    labour_share: {}\n"
        "    capital_share: {}\n    land_share: {}\n    final_demand_share: {}\n    intermediate_shares: {{",
        par.sectors[s], par.groups[par.group_of_sector[s]], num(par.theta[s]), num(par.labour_share[s]),
        num(par.capital_share[s]), num(par.land_share[s]), num(par.final_demand[s]));
    for (int k = 0; k < par.S(); ++k)
      y += fmt::format("{}{}: {}", k ? ", " : "", par.sectors[k], num(par.intermediate(s, k)));
    y += "}\n";
  }
  y += fmt::format("housing_share: {}\nmigration_elasticity: {}\nland: {}\nland_income: {}\n", num(par.housing_share),
                   num(par.migration_elasticity), par.land_by_group ? "by_group" : "region",
                   par.stayers ? "stayers" : "residents");
  return y;
}

// The folder: parameters.yaml and the five tables (regions, units, trade shares, revenues and,
// with migration, migration shares) gathered on rank 0 and written there; an error on every rank.
void write_folder(const std::string& dir, const Layout& layout, const std::string& parameters, bool migration,
                  const std::array<Rows, 5>& tables) {
  const MPI_Comm comm = layout.comm();
  const auto& names = kTableNames;
  const char* headers[] = {"id,province\n", "region,group,employment,registered,real_income\n",
                           "sector,importer,exporter,share\n", "region,sector,revenue,price\n",
                           "origin_region,origin_group,destination_region,destination_group,share\n"};
  std::array<std::string, 5> texts;
  for (int f = 0; f < 5; ++f) texts[f] = headers[f] + gathered(comm, tables[f]);
  std::string error;
  if (layout.rank() == 0) {
    try {
      // Each file whole or not at all (checked, fsync'd, renamed), parameters.yaml last: a folder
      // with parameters.yaml is complete (the caller's RunFolder set any earlier export aside).
      std::filesystem::create_directories(dir);
      for (int f = 0; f < 5; ++f)
        if (migration || f != 4) write_file_atomically(dir + "/" + names[f], texts[f]);
      write_file_atomically(dir + "/" + kParametersName, parameters);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  boost::mpi::communicator world(comm, boost::mpi::comm_attach);
  boost::mpi::broadcast(world, error, 0);
  if (!error.empty()) throw InputError(error);
}

}  // namespace

std::vector<std::string> base_year_file_names() {
  std::vector<std::string> names{kParametersName};
  names.insert(names.end(), kTableNames.begin(), kTableNames.end());
  return names;
}

void export_base_year(const std::string& dir, const Scenario& sc, const Layout& layout, const EconomyState& st,
                      const Equilibrium& eq) {
  const auto& v = eq.view;
  const auto& geo = eq.geography;
  const auto& tech = eq.technology;
  const std::size_t S = tech.S, N = geo.size();
  Rows regions, units, trade, migration, revenues;
  for (std::size_t j = 0; j < st.size(); ++j) {
    const auto n = static_cast<std::size_t>(st.records[j].index);
    const std::string& id = geo.id[n];
    regions.push_back({n, fmt::format("{},{}\n", id, geo.province_names[geo.province[n]])});
    // real_income: v_d = U_d/B_d, real income per resident (MODEL.md §2), what `regio frictions`
    // inverts migration costs with (MODEL.md §12); price: the producer price p_ns (exact trade
    // inversion). Columns added after the first format: readers must not require them.
    units.push_back({n, fmt::format("{},all,{},{},{}\n", id, num(st.population[j]), num(st.registered[j]),
                                    num(v.utility[j] / st.amenity[j]))});
    std::string t, r, m;
    for (std::size_t s = 0; s < S; ++s) {
      const double price = std::pow(v.price_pow_all[n * S + s], -1 / tech.theta[s]);  // p_ns from p^−θ
      r += fmt::format("{},{},{},{}\n", id, sc.sectors[s].name, num(v.revenue[j * S + s]), num(price));
      const double* row = eq.trade_row(s, j);
      for (std::size_t k = 0; k < N; ++k)
        t += fmt::format("{},{},{},{}\n", sc.sectors[s].name, id, geo.id[k],
                         num(row[k] * v.price_pow_all[k * S + s] / v.phi[j * S + s]));
    }
    if (eq.migration) {  // m_od = μ̃_od^−ε U_d^ε h_d^−ε / D_o, and U_o^ε / D_o at home
      const double* row = eq.migration_row(j);
      const double D = v.migration_denominator[j];
      for (std::size_t k = 0; k < N; ++k) {
        const double share = k == n ? D - v.leaving_weight[j] : row[k] * v.attraction_all[k];
        m += fmt::format("{},all,{},all,{}\n", id, geo.id[k], num(share / D));
      }
    }
    trade.push_back({n, t});
    revenues.push_back({n, r});
    migration.push_back({n, m});
  }
  write_folder(dir, layout, parameters_yaml(sc, tech), eq.migration, {regions, units, trade, revenues, migration});
}

void export_grouped_base_year(const std::string& dir, const GroupedEconomy& e, const GroupedSystem& system) {
  const auto& par = e.par;
  const auto& st = system.state();
  const Layout& layout = system.layout();
  const int S = par.S(), G = par.G();
  const std::size_t N = static_cast<std::size_t>(e.N());
  Rows regions, units, trade, migration, revenues;
  for (int ln = 0; ln < layout.num_owned(); ++ln) {
    const std::int64_t n = layout.owned()[ln];
    const std::string& id = e.region_ids[n];
    regions.push_back({n, fmt::format("{},{}\n", id, e.province_names[e.province_of[n]])});
    std::string un, t, r, m;
    for (int g = 0; g < G; ++g) {
      const std::size_t u = static_cast<std::size_t>(ln * G + g);
      un += fmt::format("{},{},{},{},{}\n", id, par.groups[g], num(st.employment[u]), num(e.registered[n * G + g]),
                        num(st.real_income[u]));
      if (!e.migration) continue;
      const std::vector<double> shares = system.migration_shares(ln, g);
      for (std::size_t k = 0; k < N; ++k)
        for (int h = 0; h < G; ++h)
          m += fmt::format("{},{},{},{},{}\n", id, par.groups[g], e.region_ids[k], par.groups[h],
                           num(shares[k * G + h]));
    }
    for (int s = 0; s < S; ++s) {
      const std::size_t i = static_cast<std::size_t>(ln * S + s);
      r += fmt::format("{},{},{},{}\n", id, par.sectors[s], num(st.revenue[i]), num(st.unit_price[i]));
      const std::vector<double> pi = system.trade_shares(ln, s);
      for (std::size_t k = 0; k < N; ++k)
        t += fmt::format("{},{},{},{}\n", par.sectors[s], id, e.region_ids[k], num(pi[k]));
    }
    units.push_back({n, un});
    trade.push_back({n, t});
    revenues.push_back({n, r});
    migration.push_back({n, m});
  }
  write_folder(dir, layout, parameters_yaml(par), e.migration, {regions, units, trade, revenues, migration});
}

}  // namespace regio
