#include "regio/trade_frictions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

#include "regio/csv.hpp"
#include "regio/error.hpp"

namespace regio {

namespace {

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

struct Seen {
  double tau;
  int line;
};

}  // namespace

std::vector<TradeFriction> read_trade_frictions(const std::string& path, const std::map<std::string, int>& provinces,
                                                const std::vector<std::string>& province_list,
                                                const std::vector<std::string>& sectors) {
  std::ifstream in(path);
  if (!in)
    throw InputError(fmt::format("{}: cannot open the trade frictions file (trade.frictions; check the path)", path));
  std::stringstream buf;
  buf << in.rdbuf();
  const auto rows = csv::parse(buf.str(), path);
  if (rows.empty())
    throw InputError(fmt::format(
        "{}: the trade frictions file is empty (header from_province,to_province,sector,tau expected)", path));
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < rows[0].fields.size(); ++c) col[rows[0].fields[c]] = c;
  for (const char* need : {"from_province", "to_province", "sector", "tau"})
    if (!col.count(need))
      throw InputError(fmt::format(
          "{}:1: the trade frictions file lacks the column '{}' (columns: from_province, to_province, sector, tau)",
          path, need));
  auto province = [&](const std::string& name, const std::string& where) {
    const auto it = provinces.find(name);
    if (it == provinces.end())
      throw InputError(fmt::format("{}: unknown province '{}'{}: names are the 'province' column of the region CSV",
                                   where, name, did_you_mean(name, province_list)));
    return it->second;
  };
  std::map<std::tuple<int, int, int>, Seen> seen;     // (min p, max p, sector)
  std::map<std::tuple<int, int, int>, int> directed;  // (from, to, sector) → line
  std::vector<TradeFriction> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    TradeFriction f;
    f.p = province(row.fields[col["from_province"]], where);
    f.q = province(row.fields[col["to_province"]], where);
    if (f.p == f.q)
      throw InputError(fmt::format("{}: a pair of province '{}' with itself (within-province trade has no pair factor)",
                                   where, row.fields[col["from_province"]]));
    const std::string& sector = row.fields[col["sector"]];
    const auto s = std::find(sectors.begin(), sectors.end(), sector);
    if (s == sectors.end())
      throw InputError(fmt::format("{}: unknown sector '{}'{} (sectors: {})", where, sector,
                                   did_you_mean(sector, sectors), fmt::join(sectors, ", ")));
    f.sector = static_cast<int>(s - sectors.begin());
    const std::string& field = row.fields[col["tau"]];
    if (!csv::to_double(field, f.tau) || !std::isfinite(f.tau) || !(f.tau > 0))
      throw InputError(fmt::format("{}: tau = '{}' must be a finite positive number", where, field));
    if (const auto d = directed.emplace(std::make_tuple(f.p, f.q, f.sector), row.line); !d.second)
      throw InputError(fmt::format("{}: {} → {} ({}) is given twice (also line {})", where, province_list[f.p],
                                   province_list[f.q], sector, d.first->second));
    const auto key = std::make_tuple(std::min(f.p, f.q), std::max(f.p, f.q), f.sector);
    const auto [it, fresh] = seen.emplace(key, Seen{f.tau, row.line});
    if (!fresh && it->second.tau != f.tau)
      throw InputError(
          fmt::format("{}: tau = {} for {}–{} ({}), but line {} gives {}: frictions must be symmetric (the kernels use "
                      "τ's symmetry)",
                      where, f.tau, province_list[f.p], province_list[f.q], sector, it->second.line, it->second.tau));
    if (fresh) out.push_back(f);  // the reverse direction with the same tau adds nothing
  }
  return out;
}

}  // namespace regio
