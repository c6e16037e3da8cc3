// The CSV files of the base-year folder, read on rank 0 with file:line errors (docs/hat-algebra.md
// §1): regions and provinces, the trade shares π_nis, the units' employment L_u, hukou stocks R_u
// and real incomes V_u, the migration shares m_uv and the revenues R_ns (MODEL.md §12–§13).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "base_year_steps.hpp"
#include "regio/error.hpp"
#include "yaml_fields.hpp"

namespace regio::hat {

namespace fs = std::filesystem;

namespace {

// regions.csv: region ids (the global order), their provinces, `outside` (MODEL.md §13) and an
// outside region's total employment.
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

// trade_shares.csv: π_nis, each importer's row renormalised to 1, with π_nns > 0.
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

// units.csv: per unit u = (n, g) its employment L_u and, where given, R_u and V_u.
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

// migration_shares.csv: m_uv over the units inside, each origin's row renormalised, m_uu > 0.
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

// revenues.csv: R_ns (gross output) of every region and sector, and where given (regio run
// --export-base writes it) the producer price p_ns, which only `regio frictions` uses.
void read_revenues(RawBase& b, const std::string& path) {
  const CsvTable t = CsvTable::load(path, "revenue", {"region", "sector", "revenue"}, {"price"});
  const std::size_t N = b.ids.size(), S = b.par.sectors.size();
  b.revenue.assign(N * S, std::nan(""));
  if (t.has("price")) b.price.assign(N * S, std::nan(""));
  for (const auto& r : t.rows) {
    const int n = index_of(b.ids, t.field(r, "region"), "region", path, r.line);
    const int s = index_of(b.par.sectors, t.field(r, "sector"), "sector", path, r.line);
    if (!std::isnan(b.revenue[n * S + s])) t.fail(r, "duplicate revenue of this region and sector");
    b.revenue[n * S + s] = t.number(r, "revenue", 0, 1e300, true);
    if (t.has("price")) b.price[n * S + s] = t.number(r, "price", 0, 1e300, true);
  }
  for (std::size_t k = 0; k < b.revenue.size(); ++k)
    if (std::isnan(b.revenue[k]))
      throw InputError(
          located(path, 0, fmt::format("no revenue for region '{}', sector '{}'", b.ids[k / S], b.par.sectors[k % S])));
}

}  // namespace

RawBase read_base_folder(const std::string& folder, bool migration_needed) {
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

}  // namespace regio::hat
