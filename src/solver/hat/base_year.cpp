// The base year of the hat algebra: read on rank 0 (file:line errors), provinces assigned to
// ranks, rows sent to their owners, and completed (MODEL.md §12–§13; docs/hat-algebra.md).
#include "regio/hat/base_year.hpp"

#include <fmt/format.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "regio/collectives.hpp"
#include "regio/error.hpp"
#include "regio/partition.hpp"
#include "shell_solve.hpp"
#include "yaml_fields.hpp"

namespace regio::hat {

namespace fs = std::filesystem;

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

double BaseYear::land_rent(std::int64_t n, int g) const {
  const double dh = par.housing_share;
  double rent = 0;
  for (int s = 0; s < S(); ++s) {
    if (par.land_by_group && par.group_of_sector[s] != g) continue;
    const double R = revenue[n * S() + s];
    // Production land plus housing: δ_h of the income this land's sectors generate (by group:
    // group income (α_s + λ_s) R/(1 − δ_h), β = 0 there; one market: the region's income).
    rent +=
        par.land_share[s] * R + dh * (par.labour_share[s] + par.capital_share[s] + par.land_share[s]) * R / (1 - dh);
  }
  return rent;
}

double rebate_factor(const HatParameters& par, double rent_over_wage, double own_share, double registered) {
  if (!par.stayers) return 1;
  return 1 + rent_over_wage / (own_share * registered);
}

namespace {

// ---- 1. parameters.yaml ------------------------------------------------------------------------
HatParameters read_parameters(const std::string& path) {
  const YamlFile y = YamlFile::load(path, "base-year parameters");
  y.check_keys(y.root,
               {"sectors", "groups", "housing_share", "migration_elasticity", "land", "land_income", "share_tolerance"},
               "");
  HatParameters p;
  for (const char* k : {"sectors", "groups"})
    if (!y.root[k]) y.fail(y.root, fmt::format("missing key '{}'", k));
  p.groups = y.text_list(y.root["groups"], "groups");
  if (p.groups.empty()) y.fail(y.root["groups"], "'groups' must name at least one labour group");
  const YAML::Node sectors = y.root["sectors"];
  if (!sectors.IsSequence() || sectors.size() == 0) y.fail(sectors, "'sectors' must be a non-empty list of sectors");
  for (const auto& s : sectors) {
    y.require_map(s, "sectors[]");
    if (!s["name"]) y.fail(s, "a sector needs a 'name'");
    p.sectors.push_back(y.text(s["name"], "sectors[].name"));
  }
  const int S = p.S();
  p.iota.assign(static_cast<std::size_t>(S * S), 0);
  for (int s = 0; s < S; ++s) {
    const YAML::Node n = sectors[s];
    const std::string pre = "sectors." + p.sectors[s];
    y.check_keys(n,
                 {"name", "group", "trade_elasticity", "labour_share", "capital_share", "land_share",
                  "intermediate_shares", "final_demand_share"},
                 pre);
    for (const char* k : {"group", "trade_elasticity", "labour_share", "final_demand_share"})
      if (!n[k]) y.fail(n, fmt::format("sector '{}' needs '{}'", p.sectors[s], k));
    p.group_of_sector.push_back(
        index_of(p.groups, y.text(n["group"], pre + ".group"), "group", path, y.line(n["group"])));
    p.theta.push_back(y.number(n["trade_elasticity"], pre + ".trade_elasticity", 0, 1e3, true));
    p.labour_share.push_back(y.number(n["labour_share"], pre + ".labour_share", 0, 1, true));
    p.capital_share.push_back(n["capital_share"] ? y.number(n["capital_share"], pre + ".capital_share", 0, 1) : 0.0);
    p.final_demand.push_back(y.number(n["final_demand_share"], pre + ".final_demand_share", 0, 1));
    if (const YAML::Node io = n["intermediate_shares"]) {
      y.require_map(io, pre + ".intermediate_shares");
      for (const auto& kv : io) {
        const int k =
            index_of(p.sectors, y.text(kv.first, pre + ".intermediate_shares"), "sector", path, y.line(kv.first));
        p.iota[static_cast<std::size_t>(s * S + k)] =
            y.number(kv.second, pre + ".intermediate_shares." + p.sectors[k], 0, 1);
      }
    }
    double io_sum = 0;
    for (int k = 0; k < S; ++k) io_sum += p.intermediate(s, k);
    const double rest = 1 - p.labour_share[s] - p.capital_share[s] - io_sum;
    if (n["land_share"]) {
      p.land_share.push_back(y.number(n["land_share"], pre + ".land_share", 0, 1));
      if (std::abs(rest - p.land_share[s]) > 1e-9)
        y.fail(n, fmt::format(
                      "sector '{}': labour + capital + land + intermediate shares = {:.12g}, must be 1 (MODEL.md §9)",
                      p.sectors[s], 1 - rest + p.land_share[s]));
    } else {
      if (rest < -1e-12)
        y.fail(n, fmt::format("sector '{}': labour + capital + intermediate shares = {:.12g} exceed 1, so the land "
                              "share (the remainder, MODEL.md §9) would be negative",
                              p.sectors[s], 1 - rest));
      p.land_share.push_back(std::max(0.0, rest));
    }
  }
  for (int g = 0; g < p.G(); ++g)
    if (std::find(p.group_of_sector.begin(), p.group_of_sector.end(), g) == p.group_of_sector.end())
      y.fail(y.root["groups"], fmt::format("group '{}' has no sector (every group needs one)", p.groups[g]));
  const double eta = std::accumulate(p.final_demand.begin(), p.final_demand.end(), 0.0);
  if (std::abs(eta - 1) > 1e-9)
    y.fail(sectors, fmt::format("final_demand_share must sum to 1 over sectors, sum = {:.12g}", eta));
  if (y.root["housing_share"]) p.housing_share = y.number(y.root["housing_share"], "housing_share", 0, 1);
  if (p.housing_share >= 1) y.fail(y.root["housing_share"], "'housing_share' must be below 1");
  if (y.root["migration_elasticity"])
    p.migration_elasticity = y.number(y.root["migration_elasticity"], "migration_elasticity", 0, 1e3, true);
  if (y.root["land"]) p.land_by_group = y.choice(y.root["land"], "land", {"region", "by_group"}) == "by_group";
  if (y.root["land_income"])
    p.stayers = y.choice(y.root["land_income"], "land_income", {"residents", "stayers"}) == "stayers";
  if (y.root["share_tolerance"]) p.share_tolerance = y.number(y.root["share_tolerance"], "share_tolerance", 0, 0.1);
  const bool capital = std::any_of(p.capital_share.begin(), p.capital_share.end(), [](double b) { return b > 0; });
  if (capital && (p.land_by_group || p.stayers))
    y.fail(y.root,
           "capital_share > 0 needs land: region and land_income: residents (capital income by group is not "
           "defined in hat mode)");
  if (p.stayers && !p.land_by_group)
    y.fail(y.root["land_income"], "land_income: stayers needs land: by_group (the rent of a unit is its group's land)");
  return p;
}

// ---- 2. the CSV files (rank 0) -----------------------------------------------------------------
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
  bool has_registered = false, has_real_income = false;

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& par.sectors& par.groups& par.group_of_sector& par.theta& par.labour_share& par.capital_share& par
        .land_share& par.final_demand& par.iota& par.housing_share& par.migration_elasticity& par.land_by_group& par
        .stayers& par.share_tolerance;
    ar& ids& provinces& province_of& outside& region_employment& employment& registered& real_income& revenue&
        has_registered& has_real_income;
  }
};

void read_regions(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(path, "base-year region", {"id", "province"}, {"outside", "employment"});
  std::map<std::string, int> seen;
  for (const auto& r : t.rows) {
    const std::string id = t.field(r, "id");
    if (id.empty()) t.fail(r, "empty region id");
    if (auto it = seen.find(id); it != seen.end())
      t.fail(r, fmt::format("region '{}': duplicate id (first on line {})", id, it->second));
    seen[id] = r.line;
    b.ids.push_back(id);
    const std::string prov = t.field(r, "province");
    auto p = std::find(b.provinces.begin(), b.provinces.end(), prov);
    if (p == b.provinces.end()) b.provinces.push_back(prov), p = b.provinces.end() - 1;
    b.province_of.push_back(static_cast<int>(p - b.provinces.begin()));
    b.outside.push_back(t.has("outside") ? static_cast<char>(t.number(r, "outside", 0, 1) != 0) : 0);
    b.region_employment.push_back(t.has("employment") && !t.field(r, "employment").empty()
                                      ? t.number(r, "employment", 0, 1e300, true)
                                      : std::nan(""));
  }
  if (b.ids.empty()) throw InputError(located(path, 1, "no regions"));
}

void read_trade_shares(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(path, "trade-share", {"sector", "importer", "exporter", "share"});
  const std::size_t N = b.ids.size(), S = b.par.sectors.size();
  b.pi.assign(S * N * N, 0);
  std::vector<int> line(S * N * N, 0);
  for (const auto& r : t.rows) {
    const int s = index_of(b.par.sectors, t.field(r, "sector"), "sector", path, r.line);
    const int n = index_of(b.ids, t.field(r, "importer"), "region", path, r.line);
    const int i = index_of(b.ids, t.field(r, "exporter"), "region", path, r.line);
    const std::size_t k = (s * N + n) * N + i;
    if (line[k])
      t.fail(r, fmt::format("duplicate share of importer '{}' from exporter '{}' in sector '{}' (first on line {})",
                            b.ids[n], b.ids[i], b.par.sectors[s], line[k]));
    line[k] = r.line;
    b.pi[k] = t.number(r, "share", 0, 1);
  }
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t n = 0; n < N; ++n) {
      double sum = 0;
      for (std::size_t i = 0; i < N; ++i) sum += b.pi[(s * N + n) * N + i];
      if (std::abs(sum - 1) > b.par.share_tolerance)
        throw InputError(located(path, 0,
                                 fmt::format("the shares of importer '{}' in sector '{}' sum to {:.9g}, not 1 "
                                             "(share_tolerance {:g} in parameters.yaml)",
                                             b.ids[n], b.par.sectors[s], sum, b.par.share_tolerance)));
      for (std::size_t i = 0; i < N; ++i) b.pi[(s * N + n) * N + i] /= sum;  // rows renormalised (Tombe & Zhu too)
      if (b.pi[(s * N + n) * N + n] <= 0)
        throw InputError(located(path, 0,
                                 fmt::format("importer '{}' buys nothing from itself in sector '{}' (π_nn = 0): "
                                             "its own share must be positive",
                                             b.ids[n], b.par.sectors[s])));
    }
}

void read_units(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(path, "unit", {"region", "group", "employment"}, {"registered", "real_income"});
  const std::size_t N = b.ids.size(), G = b.par.groups.size();
  b.employment.assign(N * G, std::nan(""));
  b.registered.assign(N * G, std::nan(""));
  b.real_income.assign(N * G, std::nan(""));
  b.has_registered = t.has("registered");
  b.has_real_income = t.has("real_income");
  for (const auto& r : t.rows) {
    const int n = index_of(b.ids, t.field(r, "region"), "region", path, r.line);
    const int g = index_of(b.par.groups, t.field(r, "group"), "group", path, r.line);
    const std::size_t u = n * G + g;
    if (!std::isnan(b.employment[u])) t.fail(r, fmt::format("unit ({}, {}) appears twice", b.ids[n], b.par.groups[g]));
    b.employment[u] = t.number(r, "employment", 0, 1e300, true);
    if (b.has_registered) b.registered[u] = t.number(r, "registered", 0, 1e300, true);
    if (b.has_real_income) b.real_income[u] = t.number(r, "real_income", 0, 1e300, true);
  }
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t g = 0; g < G; ++g)
      if (std::isnan(b.employment[n * G + g]) && (!b.outside[n] || std::isnan(b.region_employment[n])))
        throw InputError(located(path, 0,
                                 fmt::format("no row for unit ({}, {}): every unit needs its employment (an outside "
                                             "region may give its total as regions.csv's `employment` instead)",
                                             b.ids[n], b.par.groups[g])));
}

void read_migration(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(
      path, "migration-share", {"origin_region", "origin_group", "destination_region", "destination_group", "share"});
  const std::size_t N = b.ids.size(), G = b.par.groups.size(), U = N * G;
  b.m.assign(U * U, 0);
  std::vector<int> line(U * U, 0);
  for (const auto& r : t.rows) {
    const int o = index_of(b.ids, t.field(r, "origin_region"), "region", path, r.line);
    const int og = index_of(b.par.groups, t.field(r, "origin_group"), "group", path, r.line);
    const int d = index_of(b.ids, t.field(r, "destination_region"), "region", path, r.line);
    const int dg = index_of(b.par.groups, t.field(r, "destination_group"), "group", path, r.line);
    if (b.outside[o] || b.outside[d])
      t.fail(r,
             fmt::format("region '{}' is outside the migration choice set (regions.csv `outside`): no migration shares",
                         b.outside[o] ? b.ids[o] : b.ids[d]));
    const std::size_t k = (o * G + og) * U + d * G + dg;
    if (line[k]) t.fail(r, fmt::format("duplicate share (first on line {})", line[k]));
    line[k] = r.line;
    b.m[k] = t.number(r, "share", 0, 1);
  }
  for (std::size_t o = 0; o < N; ++o)
    for (std::size_t g = 0; g < G && !b.outside[o]; ++g) {
      const std::size_t u = o * G + g;
      double sum = 0;
      for (std::size_t v = 0; v < U; ++v) sum += b.m[u * U + v];
      if (std::abs(sum - 1) > b.par.share_tolerance)
        throw InputError(located(path, 0,
                                 fmt::format("the shares of origin unit ({}, {}) sum to {:.9g}, not 1 "
                                             "(share_tolerance {:g} in parameters.yaml)",
                                             b.ids[o], b.par.groups[g], sum, b.par.share_tolerance)));
      for (std::size_t v = 0; v < U; ++v) b.m[u * U + v] /= sum;
      if (b.m[u * U + u] <= 0)
        throw InputError(located(path, 0,
                                 fmt::format("origin unit ({}, {}) has no stayers (m_uu = 0): the hat algebra "
                                             "needs m_uu > 0",
                                             b.ids[o], b.par.groups[g])));
    }
}

void read_revenues(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(path, "revenue", {"region", "sector", "revenue"});
  const std::size_t N = b.ids.size(), S = b.par.sectors.size();
  b.revenue.assign(N * S, std::nan(""));
  for (const auto& r : t.rows) {
    const int n = index_of(b.ids, t.field(r, "region"), "region", path, r.line);
    const int s = index_of(b.par.sectors, t.field(r, "sector"), "sector", path, r.line);
    if (!std::isnan(b.revenue[n * S + s])) t.fail(r, "duplicate revenue of this region and sector");
    b.revenue[n * S + s] = t.number(r, "revenue", 0, 1e300, true);
  }
  for (std::size_t k = 0; k < b.revenue.size(); ++k)
    if (std::isnan(b.revenue[k]))
      throw InputError(
          located(path, 0, fmt::format("no revenue for region '{}', sector '{}'", b.ids[k / S], b.par.sectors[k % S])));
}

RawBase read_folder(const std::string& folder, bool migration_needed) {
  if (!fs::is_directory(folder)) throw InputError(located(folder, 0, "cannot open the base-year folder"));
  RawBase b;
  const auto at = [&](const char* f) { return (fs::path(folder) / f).string(); };
  b.par = read_parameters(at("parameters.yaml"));
  read_regions(b, at("regions.csv"));
  read_trade_shares(b, at("trade_shares.csv"));
  read_units(b, at("units.csv"));
  const bool have_m = fs::exists(at("migration_shares.csv"));
  if (migration_needed || have_m) read_migration(b, at("migration_shares.csv"));
  if (fs::exists(at("revenues.csv"))) read_revenues(b, at("revenues.csv"));
  return b;
}

// ---- 3. provinces to ranks, rows to owners ------------------------------------------------------
std::vector<int> assign_owners(const RawBase& b, int ranks) {
  std::vector<Region> regions(b.ids.size());
  for (std::size_t n = 0; n < regions.size(); ++n) {
    regions[n].index = static_cast<std::int64_t>(n);
    regions[n].id = regions[n].name = b.ids[n];
    regions[n].province = b.provinces[b.province_of[n]];
    regions[n].population = regions[n].registered = 1;
  }
  const Decomposition d = partition_provinces(regions, ranks, kDefaultPartitionStrategy);
  std::map<std::string, int> rank_of;
  for (int r = 0; r < d.ranks; ++r)
    for (const auto& p : d.assignment[r]) rank_of[p] = r;
  std::vector<int> owners(regions.size());
  for (std::size_t n = 0; n < regions.size(); ++n) owners[n] = rank_of.at(regions[n].province);
  return owners;
}

}  // namespace

BaseYear load_base_year(MPI_Comm comm_raw, const std::string& folder, bool migration_needed) {
  boost::mpi::communicator comm(comm_raw, boost::mpi::comm_attach);
  RawBase raw;
  std::vector<int> owners;
  bool has_m = false;
  on_root(comm, [&] {
    raw = read_folder(folder, migration_needed);
    owners = assign_owners(raw, comm.size());
    has_m = !raw.m.empty();
  });
  // Everything but the bilateral rows goes to every rank (O(N·(S + G)) values).
  boost::mpi::broadcast(comm, raw, 0);
  boost::mpi::broadcast(comm, owners, 0);
  boost::mpi::broadcast(comm, has_m, 0);
  const std::int64_t N = static_cast<std::int64_t>(raw.ids.size());
  const int S = raw.par.S(), G = raw.par.G();
  const std::int64_t U = N * G;
  // Each rank receives the rows of its regions only.
  std::vector<std::vector<double>> pi_parts, m_parts;
  if (comm.rank() == 0) {
    pi_parts.resize(comm.size());
    m_parts.resize(comm.size());
    for (std::int64_t n = 0; n < N; ++n) {
      auto& pp = pi_parts[owners[n]];
      for (int s = 0; s < S; ++s)
        pp.insert(pp.end(), raw.pi.begin() + (s * N + n) * N, raw.pi.begin() + (s * N + n + 1) * N);
      if (!has_m) continue;
      auto& mp = m_parts[owners[n]];
      mp.insert(mp.end(), raw.m.begin() + n * G * U, raw.m.begin() + (n + 1) * G * U);
    }
  }
  BaseYear b;
  boost::mpi::scatter(comm, pi_parts, b.trade_shares, 0);
  if (has_m) boost::mpi::scatter(comm, m_parts, b.migration_shares, 0);
  b.par = raw.par;
  b.folder = folder;
  b.region_ids = raw.ids;
  b.provinces = raw.provinces;
  b.province_of = raw.province_of;
  b.outside = raw.outside;
  b.owners = owners;
  b.has_migration = has_m;
  b.real_income_from_data = raw.has_real_income;
  const Layout layout(comm, owners);
  const auto& owned = layout.owned();
  const int n_own = layout.num_owned();
  const HatParameters& par = b.par;
  const double dh = par.housing_share;

  // (a) Revenues: given, or the fixed point R = πᵀ X(R) normalised by Σ_n I_n = 1 (MODEL.md §13).
  // Spending on s: X_ns = η_s (1 − δ_h) I_n + Σ_k ι_ks R_nk = Σ_k [η_s va_k + ι_ks] R_nk.
  auto spending_of = [&](const double* R, int s) {
    double x = 0;
    for (int k = 0; k < S; ++k) x += (par.final_demand[s] * par.value_added(k) + par.intermediate(k, s)) * R[k];
    return x;
  };
  // Demand for every exporter's goods from this rank's importers, reduced to the owners.
  auto demand = [&](const double* R_owned, double* out_owned) {
    std::vector<double> columns(static_cast<std::size_t>(S * N), 0.0);
    for (int ln = 0; ln < n_own; ++ln)
      for (int s = 0; s < S; ++s) {
        const double X = spending_of(R_owned + ln * S, s);
        const double* row = b.trade_shares.data() + (static_cast<std::int64_t>(ln) * S + s) * N;
        for (std::int64_t i = 0; i < N; ++i) columns[s * N + i] += row[i] * X;
      }
    layout.reduce_sum(columns, S, out_owned);
  };
  std::vector<double> R_own(static_cast<std::size_t>(n_own * S));
  if (!raw.revenue.empty()) {
    for (int ln = 0; ln < n_own; ++ln)
      for (int s = 0; s < S; ++s) R_own[ln * S + s] = raw.revenue[owned[ln] * S + s];
  } else {
    // (I − A + 1 cᵀ) R = 1 with cᵀR = Σ_n I_n: nonsingular, and solved by the normalised fixed point.
    std::vector<double> c(R_own.size());
    for (int ln = 0; ln < n_own; ++ln)
      for (int s = 0; s < S; ++s) c[ln * S + s] = par.value_added(s) / (1 - dh);
    auto apply = [&](const double* x, double* y) {
      demand(x, y);
      std::vector<double> part(static_cast<std::size_t>(n_own), 0.0);
      for (int ln = 0; ln < n_own; ++ln)
        for (int s = 0; s < S; ++s) part[ln] += c[ln * S + s] * x[ln * S + s];
      const double cx = layout.ordered_sum(part);
      for (std::size_t k = 0; k < R_own.size(); ++k) y[k] = x[k] - y[k] + cx;
    };
    std::vector<double> ones(R_own.size(), 1.0);
    const double total = static_cast<double>(N * S);
    for (auto& r : R_own) r = (1 - dh) / total;  // start: equal revenues
    shell_solve(layout, n_own * S, apply, ones, R_own, "base-year revenues (fixed point of the trade shares)");
  }
  // Check: the goods markets clear at the base (revenues given or computed).
  {
    std::vector<double> D(R_own.size());
    demand(R_own.data(), D.data());
    double worst = 0;
    for (std::size_t k = 0; k < D.size(); ++k) worst = std::max(worst, std::abs(D[k] / R_own[k] - 1));
    b.fixed_point_residual = max_over_ranks(comm, worst);
    bool positive = std::all_of(R_own.begin(), R_own.end(), [](double r) { return r > 0; });
    require_all(comm, positive,
                located(folder, 0,
                        "the base-year revenues from the trade shares are not all positive: "
                        "check trade_shares.csv"));
    if (b.fixed_point_residual > 1e-8)
      raise_on_all_ranks(InputError(located(
          (fs::path(folder) / "revenues.csv").string(), 0,
          fmt::format(
              "the base year is not an equilibrium: Σ_n π_nis X_ns differs from the revenue R_is by up to {:.3g} "
              "(relative); leave revenues.csv out to compute revenues from the trade shares",
              b.fixed_point_residual))));
  }
  layout.allgather(R_own.data(), S, b.revenue);
  b.spending.resize(static_cast<std::size_t>(N * S));
  for (std::int64_t n = 0; n < N; ++n)
    for (int s = 0; s < S; ++s) b.spending[n * S + s] = spending_of(&b.revenue[n * S], s);

  // (b) Employment: an outside region's total split over its groups at one wage (L_ng ∝ wage bill).
  b.employment = raw.employment;
  for (std::int64_t n = 0; n < N; ++n) {
    if (!std::isnan(raw.region_employment[n]) && b.outside[n] && std::isnan(b.employment[n * G])) {
      double wb = 0;
      for (int g = 0; g < G; ++g) wb += b.wage_bill(n, g);
      for (int g = 0; g < G; ++g) b.employment[n * G + g] = raw.region_employment[n] * b.wage_bill(n, g) / wb;
    }
    for (int g = 0; g < G; ++g)
      if (b.wage_bill(n, g) <= 0)
        raise_on_all_ranks(InputError(located(folder, 0,
                                              fmt::format("unit ({}, {}) has no wage bill (its sectors have no "
                                                          "revenue): every unit must employ someone",
                                                          b.region_ids[n], par.groups[g]))));
  }
  // (c) Hukou stocks: given, or R = (mᵀ)⁻¹ L over the units inside the choice set (MODEL.md §13).
  b.registered = raw.has_registered ? raw.registered : b.employment;
  if (has_m) {
    auto inflow = [&](const double* R_units, double* out) {  // (mᵀ R)_v for owned v; outside: R itself
      std::vector<double> columns(static_cast<std::size_t>(U), 0.0);
      for (int ln = 0; ln < n_own; ++ln)
        for (int g = 0; g < G; ++g) {
          const double* row = b.migration_shares.data() + (static_cast<std::int64_t>(ln) * G + g) * U;
          for (std::int64_t v = 0; v < U; ++v) columns[(v % G) * N + v / G] += row[v] * R_units[ln * G + g];
        }
      layout.reduce_sum(columns, G, out);
      for (int ln = 0; ln < n_own; ++ln)
        if (b.outside[owned[ln]])
          for (int g = 0; g < G; ++g) out[ln * G + g] = R_units[ln * G + g];
    };
    std::vector<double> Rh(static_cast<std::size_t>(n_own * G)), L(Rh.size()), LR(Rh.size());
    for (int ln = 0; ln < n_own; ++ln)
      for (int g = 0; g < G; ++g)
        Rh[ln * G + g] = b.registered[owned[ln] * G + g], L[ln * G + g] = b.employment[owned[ln] * G + g];
    if (!raw.has_registered) shell_solve(layout, n_own * G, inflow, L, Rh, "hukou stocks R = (mᵀ)⁻¹ L");
    inflow(Rh.data(), LR.data());
    double worst = 0;
    for (std::size_t k = 0; k < L.size(); ++k) worst = std::max(worst, std::abs(LR[k] / L[k] - 1));
    b.registered_residual = max_over_ranks(comm, worst);
    require_all(comm, std::all_of(Rh.begin(), Rh.end(), [](double r) { return r > 0; }),
                located(folder, 0,
                        "the hukou stocks R = (mᵀ)⁻¹ L are not all positive: migration_shares.csv and "
                        "units.csv's employment do not fit together"));
    if (b.registered_residual > 1e-8)
      raise_on_all_ranks(InputError(located(
          (fs::path(folder) / "units.csv").string(), 0,
          fmt::format(
              "the base year is not an equilibrium: Σ_u R_u m_uv differs from the employment L_v by up to {:.3g} "
              "(relative); leave the `registered` column out to compute it",
              b.registered_residual))));
    layout.allgather(Rh.data(), G, b.registered);
  }
  // (d) Real income per worker V_u: data, or the base wage (only ratios of V are used).
  b.real_income = raw.real_income;
  for (std::int64_t n = 0; n < N; ++n)
    for (int g = 0; g < G; ++g)
      if (!raw.has_real_income || std::isnan(b.real_income[n * G + g]))
        b.real_income[n * G + g] = b.wage_bill(n, g) / b.employment[n * G + g];
  return b;
}

}  // namespace regio::hat
