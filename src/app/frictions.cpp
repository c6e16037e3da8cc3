// `regio frictions`: bilateral frictions inverted from observed flows (MODEL.md §12;
// docs/frictions.md), written as the trade.frictions and migration.frictions CSVs a levels
// scenario reads.
//   mpirun -np 2 regio frictions out/base --trade exact --trade-out trade.csv --migration-out migration.csv
//   regio frictions inputs/tombe-zhu-2019/base-2000 --trade head-ries --trade-out head-ries.csv
//       --onto inputs/china31/baseline.yaml --sectors manufacturing=nonagriculture,services=nonagriculture
//       --rename Shannxi=Shaanxi --proxy Tibet=Qinghai --zero-trade max            (one command line)
// 1. The base-year folder is read and completed as `regio counterfactual` reads it (collective;
//    every error one file:line line on every rank): π by sector, m by unit pair, the units' real
//    incomes and, under `stayers`, the rebate factors C_u (which need the base revenues).
// 2. Its rows of π and m are gathered on rank 0 (O(N²(S + G²)) values: province-level data).
// 3. On rank 0: the inversions (src/economics/model/friction_inversion.cpp), the mapping onto a
//    target scenario's provinces and sectors, the CSVs and a report; errors reach every rank.
#include <fmt/format.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include "regio/collectives.hpp"
#include "regio/commands.hpp"
#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/friction_inversion.hpp"
#include "regio/hat/base_year.hpp"
#include "regio/layout.hpp"
#include "regio/region.hpp"

namespace regio {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// "A=B,C=D" options, already split at the commas by CLI11.
Pairs assignments(const std::vector<std::string>& items, const char* option) {
  Pairs out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw InputError(fmt::format("{} '{}': expected NAME=NAME (comma-separated pairs)", option, item));
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

std::string num(double v) { return fmt::format("{}", v); }  // shortest round trip; inf as "inf"

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  if (!f) throw InputError(fmt::format("{}: cannot write the frictions file (check the path)", path));
}

// Rank 0: the owned rows of every rank (row_width values per owned region) in region order.
std::vector<double> gather_rows(const boost::mpi::communicator& comm, const Layout& layout,
                                const std::vector<double>& rows, std::size_t row_width, std::size_t N) {
  std::vector<std::vector<double>> parts;
  std::vector<std::vector<std::int64_t>> owners;
  boost::mpi::gather(comm, rows, parts, 0);
  boost::mpi::gather(comm, layout.owned(), owners, 0);
  std::vector<double> all;
  if (comm.rank() != 0) return all;
  all.assign(N * row_width, 0.0);
  for (std::size_t r = 0; r < parts.size(); ++r)
    for (std::size_t ln = 0; ln < owners[r].size(); ++ln)
      std::copy_n(parts[r].begin() + static_cast<std::ptrdiff_t>(ln * row_width), row_width,
                  all.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(owners[r][ln]) * row_width));
  return all;
}

struct Summary {
  std::size_t count = 0, infinite = 0;
  double min = 0, median = 0, max = 0;
};

Summary summarise(const std::vector<double>& values) {
  Summary s;
  s.count = values.size();
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v))
      finite.push_back(v);
    else
      ++s.infinite;
  }
  if (!finite.empty()) {
    s.min = *std::min_element(finite.begin(), finite.end());
    s.max = *std::max_element(finite.begin(), finite.end());
    s.median = frictions::median(finite);
  }
  return s;
}

std::string describe(const Summary& s) {
  return fmt::format("{} pairs, {} infinite (no flow), finite: min {:.4g}, median {:.4g}, max {:.4g}", s.count,
                     s.infinite, s.min, s.median, s.max);
}

// The base year as rank 0 holds it for the inversions: the regions inside the migration choice
// set (outside regions, Tombe & Zhu's rest of the world, are dropped), one per province.
struct Inside {
  std::vector<std::size_t> region;    // base-year region index of each inside region
  std::vector<std::string> province;  // its province (after --rename)
};

Inside inside_regions(const hat::BaseYear& b, const Pairs& rename) {
  std::map<std::string, std::string> renamed(rename.begin(), rename.end());
  for (const auto& [from, to] : rename)
    if (std::find(b.provinces.begin(), b.provinces.end(), from) == b.provinces.end())
      throw InputError(fmt::format("--rename {}={}: the base year has no province '{}'{}", from, to, from,
                                   nearest(from, b.provinces).empty()
                                       ? std::string()
                                       : fmt::format(" (did you mean '{}'?)", nearest(from, b.provinces))));
  Inside in;
  std::map<std::string, std::vector<std::string>> regions_of;
  for (std::size_t n = 0; n < b.region_ids.size(); ++n) {
    if (b.outside[n]) continue;
    std::string p = b.provinces[b.province_of[n]];
    if (auto it = renamed.find(p); it != renamed.end()) p = it->second;
    in.region.push_back(n);
    in.province.push_back(p);
    regions_of[p].push_back(b.region_ids[n]);
  }
  for (const auto& [p, ids] : regions_of)
    if (ids.size() > 1)
      throw InputError(fmt::format(
          "{}/regions.csv: province '{}' has {} regions ({}, ...): the frictions files are by province pair, so the "
          "base year must have one region per province (invert the shares of a province-level economy)",
          b.folder, p, ids.size(), ids[0]));
  return in;
}

// What the trade factors are written for: provinces and sectors, with their sources in the base.
struct Target {
  std::vector<std::string> provinces, sectors;
  std::vector<double> theta;  // of each target sector (the model that will read the factors)
  frictions::PairMapping mapping;
  std::vector<std::string> dropped;  // base provinces the target lacks
};

Target trade_target(const FrictionsOptions& opt, const hat::BaseYear& b, const Inside& in) {
  Target t;
  const Pairs sector_map = assignments(opt.sectors, "--sectors"), proxies = assignments(opt.proxy, "--proxy");
  if (opt.onto.empty()) {
    if (!proxies.empty()) throw InputError("--proxy needs --onto (the scenario whose provinces the data lack)");
    t.provinces = in.province;
    t.sectors = b.par.sectors;
    t.theta = b.par.theta;
    if (!sector_map.empty()) {  // the sectors listed, each from its source
      t.sectors.clear(), t.theta.clear();
      for (const auto& [target, source] : sector_map) t.sectors.push_back(target);
    }
  } else {
    const Scenario sc = load_scenario(opt.onto);
    std::vector<std::string> names;
    for (const auto& s : sc.sectors) names.push_back(s.name), t.theta.push_back(s.theta);
    t.sectors = names;
    for (const auto& r : load_regions(sc.regions, names))
      if (std::find(t.provinces.begin(), t.provinces.end(), r.province) == t.provinces.end())
        t.provinces.push_back(r.province);
  }
  // Sources of the target's sectors: --sectors, else the base's sector of the same name.
  std::map<std::string, std::string> source_of(sector_map.begin(), sector_map.end());
  for (const auto& [target, source] : sector_map)
    if (std::find(t.sectors.begin(), t.sectors.end(), target) == t.sectors.end())
      throw InputError(fmt::format("--sectors {}={}: '{}' is not a sector of {} ({})", target, source, target,
                                   opt.onto.empty() ? "the output" : opt.onto, fmt::join(t.sectors, ", ")));
  for (std::size_t k = 0; k < t.sectors.size(); ++k) {
    const auto it = source_of.find(t.sectors[k]);
    const std::string& source = it == source_of.end() ? t.sectors[k] : it->second;
    const auto s = std::find(b.par.sectors.begin(), b.par.sectors.end(), source);
    if (s == b.par.sectors.end())
      throw InputError(fmt::format(
          "sector '{}' has no source among the base year's sectors ({}): give it one with --sectors {}=SECTOR",
          t.sectors[k], fmt::join(b.par.sectors, ", "), t.sectors[k]));
    t.mapping.sector_source.push_back(static_cast<std::size_t>(s - b.par.sectors.begin()));
    if (opt.onto.empty() && !sector_map.empty()) t.theta.push_back(b.par.theta[t.mapping.sector_source.back()]);
  }
  // Sources of the target's provinces: the base's province of the same name, or a proxy.
  std::map<std::string, std::string> proxy_of(proxies.begin(), proxies.end());
  for (const auto& [target, source] : proxies)
    if (std::find(t.provinces.begin(), t.provinces.end(), target) == t.provinces.end())
      throw InputError(fmt::format("--proxy {}={}: '{}' is not a province of {}", target, source, target, opt.onto));
  for (const auto& p : t.provinces) {
    const auto it = proxy_of.find(p);
    const std::string& source = it == proxy_of.end() ? p : it->second;
    const auto k = std::find(in.province.begin(), in.province.end(), source);
    if (k == in.province.end())
      throw InputError(fmt::format(
          "province '{}' of {} is not in the base year ({}){}: give it a neighbour's factors with --proxy {}=PROVINCE, "
          "or match a differently spelt name with --rename",
          source, opt.onto.empty() ? "the output" : opt.onto, b.folder,
          nearest(source, in.province).empty() ? std::string()
                                               : fmt::format(" (did you mean '{}'?)", nearest(source, in.province)),
          source));
    t.mapping.source.push_back(static_cast<std::size_t>(k - in.province.begin()));
    t.mapping.proxy.push_back(it != proxy_of.end() ? 1 : 0);
  }
  for (const auto& p : in.province)
    if (std::find(t.provinces.begin(), t.provinces.end(), p) == t.provinces.end()) t.dropped.push_back(p);
  return t;
}

// Rank 0: the trade factors, written as trade.frictions; returns the report.
std::string invert_trade(const FrictionsOptions& opt, const hat::BaseYear& b, const Inside& in,
                         const std::vector<double>& pi_all) {
  const bool exact = opt.trade == "exact";
  if (exact && b.price.empty())
    throw InputError(fmt::format(
        "{}/revenues.csv: the exact inversion needs the producer prices p_is (column 'price', which regio run "
        "--export-base writes); shares alone identify only the symmetric Head–Ries index: use --trade head-ries",
        b.folder));
  const Target t = trade_target(opt, b, in);
  const std::size_t N = b.region_ids.size(), S = static_cast<std::size_t>(b.S()), M = in.region.size();
  std::string report;
  // Per target sector: the source sector's inside shares, inverted with the target's θ.
  std::vector<std::vector<double>> factors;
  for (std::size_t k = 0; k < t.sectors.size(); ++k) {
    const std::size_t s = t.mapping.sector_source[k];
    std::vector<double> pi(M * M), price(M);
    for (std::size_t a = 0; a < M; ++a) {
      for (std::size_t c = 0; c < M; ++c) pi[a * M + c] = pi_all[(in.region[a] * S + s) * N + in.region[c]];
      if (exact) price[a] = b.price[in.region[a] * S + s];
    }
    auto f = exact ? frictions::exact_trade(pi, price, M, t.theta[k]) : frictions::head_ries(pi, M, t.theta[k]);
    std::size_t capped = 0;
    if (opt.zero_trade == "max") capped = frictions::cap_infinite(f, M);
    std::vector<double> off;
    for (std::size_t a = 0; a < M; ++a)
      for (std::size_t c = exact ? 0 : a + 1; c < M; ++c)
        if (a != c) off.push_back(f[a * M + c]);
    const Summary sum = summarise(off);
    report += fmt::format("  {} (from {}, θ = {:g}): {}{}\n", t.sectors[k], b.par.sectors[s], t.theta[k], describe(sum),
                          capped ? fmt::format("; {} without trade set to the largest finite factor (--zero-trade max)",
                                               exact ? capped : capped / 2)
                                 : "");
    factors.push_back(std::move(f));
  }
  // Onto the target's provinces (each target sector k reads factors[k]: an identity sector map).
  frictions::PairMapping onto = t.mapping;
  for (std::size_t k = 0; k < onto.sector_source.size(); ++k) onto.sector_source[k] = k;
  const auto mapped = frictions::map_pairs(factors, M, onto);
  const std::size_t P = t.provinces.size();
  std::string text = "from_province,to_province,sector,tau,inversion\n";
  const std::string how = exact ? "exact" : "head-ries";
  for (std::size_t k = 0; k < t.sectors.size(); ++k)
    for (std::size_t a = 0; a < P; ++a)
      for (std::size_t c = exact ? 0 : a + 1; c < P; ++c) {
        if (a == c) continue;
        // Row from a (exporter) to c (importer): τ of importer c buying from a.
        text += fmt::format("{},{},{},{},{}\n", csv::quote(t.provinces[a]), csv::quote(t.provinces[c]),
                            csv::quote(t.sectors[k]), num(mapped[k][c * P + a]), how);
      }
  write_text(opt.trade_out, text);
  std::string head =
      fmt::format("trade ({}): {} written for {} provinces × {} sectors, {}\n",
                  exact ? "exact, asymmetric: τ_nis/τ_nns" : "Head–Ries index, symmetric", opt.trade_out, P,
                  t.sectors.size(), exact ? "both directions of every pair" : "one row per unordered pair");
  if (!t.dropped.empty()) head += fmt::format("  base provinces not written: {}\n", fmt::join(t.dropped, ", "));
  for (std::size_t a = 0; a < P; ++a)
    if (t.mapping.proxy[a])
      head += fmt::format("  {} takes the factors of {} (--proxy)\n", t.provinces[a], in.province[t.mapping.source[a]]);
  return head + report;
}

// Rank 0: the migration costs, written as migration.frictions (one group) or by unit pair.
std::string invert_migration(const FrictionsOptions& opt, const hat::BaseYear& b, const Inside& in,
                             const std::vector<double>& m_all) {
  if (!b.has_migration)
    throw InputError(fmt::format("{}: no migration_shares.csv, so no migration costs to invert", b.folder));
  if (!b.real_income_from_data)
    throw InputError(fmt::format(
        "{}/units.csv: the migration inversion needs the units' real incomes U_u (column 'real_income', which regio "
        "run --export-base writes): μ_uv^(−ε) = (m_uv/m_uu)(U_u/U_v)^ε",
        b.folder));
  const std::size_t G = static_cast<std::size_t>(b.G()), U = b.region_ids.size() * G, M = in.region.size(), V = M * G;
  std::vector<double> m(V * V), own(V), utility(V), weight(V * V);
  for (std::size_t a = 0; a < M; ++a)
    for (std::size_t g = 0; g < G; ++g) {
      const std::size_t u = in.region[a] * G + g, x = a * G + g;
      for (std::size_t c = 0; c < M; ++c)
        for (std::size_t h = 0; h < G; ++h) m[x * V + c * G + h] = m_all[u * U + in.region[c] * G + h];
      // Ũ_u = C_u U_u: the stayers' rebate under `stayers` (MODEL.md §11), 1 under `residents`.
      const auto n = static_cast<std::int64_t>(in.region[a]);
      const double C =
          hat::rebate_factor(b.par, b.rent_over_wage(n, static_cast<int>(g)), m[x * V + x], b.registered[u]);
      utility[x] = b.real_income[u];
      own[x] = C * utility[x];
      for (std::size_t v = 0; v < V; ++v) weight[x * V + v] = b.registered[u] * m[x * V + v];
    }
  const auto mu = frictions::migration_costs(m, own, utility, V, b.par.migration_elasticity);
  std::string text = G == 1 ? "from_province,to_province,mu\n" : "from_province,from_group,to_province,to_group,mu\n";
  std::vector<double> off;
  // Flow-weighted harmonic means, Σ R_u m_uv / Σ R_u m_uv/μ_uv (Tombe & Zhu's Table 5 statistic).
  double w[3] = {0, 0, 0}, wi[3] = {0, 0, 0};  // all pairs, within provinces, between
  for (std::size_t x = 0; x < V; ++x)
    for (std::size_t v = 0; v < V; ++v) {
      if (v == x) continue;
      const std::size_t a = x / G, c = v / G;
      off.push_back(mu[x * V + v]);
      if (G == 1)
        text += fmt::format("{},{},{}\n", csv::quote(in.province[a]), csv::quote(in.province[c]), num(mu[x * V + v]));
      else
        text += fmt::format("{},{},{},{},{}\n", csv::quote(in.province[a]), csv::quote(b.par.groups[x % G]),
                            csv::quote(in.province[c]), csv::quote(b.par.groups[v % G]), num(mu[x * V + v]));
      if (!(m[x * V + v] > 0)) continue;
      for (int k : {0, a == c ? 1 : 2}) w[k] += weight[x * V + v], wi[k] += weight[x * V + v] / mu[x * V + v];
    }
  write_text(opt.migration_out, text);
  std::string rep = fmt::format(
      "migration (μ_uv B_u/B_v with U = real income: B ≡ 1 reproduces m): {} written for {} units ({} provinces × "
      "{} groups)\n  {}\n  flow-weighted harmonic means: all pairs {:.4g}",
      opt.migration_out, V, M, G, describe(summarise(off)), w[0] / wi[0]);
  if (G > 1 && wi[1] > 0) rep += fmt::format(", within provinces {:.4g}", w[1] / wi[1]);
  if (wi[2] > 0) rep += fmt::format(", between provinces {:.4g}", w[2] / wi[2]);
  if (G > 1)
    rep +=
        "\n  by unit pair (from_group, to_group): the levels model has one group, so this file is not a "
        "migration.frictions input";
  return rep + "\n";
}

}  // namespace

int frictions_command(const boost::mpi::communicator& comm, const FrictionsOptions& opt) {
  // The options are the same on every rank: a mistake is an error of all ranks alike.
  if (opt.trade_out.empty() && opt.migration_out.empty())
    raise_on_all_ranks(
        InputError("regio frictions: nothing to write: give --trade-out FILE and/or --migration-out FILE"));
  if (!opt.trade_out.empty() && opt.trade.empty())
    raise_on_all_ranks(
        InputError("regio frictions: --trade-out needs --trade exact (asymmetric, needs prices) or "
                   "--trade head-ries (symmetric index)"));
  if (!opt.trade.empty() && opt.trade_out.empty())
    raise_on_all_ranks(InputError("regio frictions: --trade needs --trade-out FILE"));
  const bool migration = !opt.migration_out.empty();
  // Shares of any levels run (saving, transfers, a rest of the world) are fine here: the
  // inversions need no goods-market clearing of the hat mode's model.
  const hat::BaseYear b = hat::load_base_year(comm, opt.base, migration, /*decomposition=*/"", /*equilibrium=*/false);
  const Layout layout(comm, b.owners);
  const std::size_t N = b.region_ids.size(), S = static_cast<std::size_t>(b.S()),
                    U = N * static_cast<std::size_t>(b.G());
  std::vector<double> pi_all, m_all;
  if (!opt.trade_out.empty()) pi_all = gather_rows(comm, layout, b.trade_shares, S * N, N);
  if (migration && b.has_migration)
    m_all = gather_rows(comm, layout, b.migration_shares, static_cast<std::size_t>(b.G()) * U, N);
  on_root(comm, [&] {
    const Inside in = inside_regions(b, assignments(opt.rename, "--rename"));
    std::string report = fmt::format("regio frictions | base year {}: {} regions ({} inside), {} sectors, {} groups\n",
                                     b.folder, N, in.region.size(), S, b.G());
    if (!opt.trade_out.empty()) report += invert_trade(opt, b, in, pi_all);
    if (migration) report += invert_migration(opt, b, in, m_all);
    if (!opt.quiet) std::fputs(report.c_str(), stdout);
  });
  return kExitOk;
}

}  // namespace regio
