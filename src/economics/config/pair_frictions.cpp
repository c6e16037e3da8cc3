#include "regio/pair_frictions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <tuple>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/input_file.hpp"

namespace regio {

namespace {

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

// What distinguishes the two files.
struct PairFile {
  const char* what;   // "trade frictions"
  const char* key;    // "trade.frictions"
  const char* value;  // "tau"
  const char* flow;   // "trade" (what inf stops)
  bool by_sector;     // a `sector` column
};

struct Directed {
  int from = 0, to = 0, sector = -1;
  double value = 1;
  int line = 0;
};

// Every directed factor of the file, a pair given in one direction only completed with its reverse.
std::vector<Directed> read_pairs(const std::string& path, const PairFile& kind,
                                 const std::map<std::string, int>& provinces,
                                 const std::vector<std::string>& province_list,
                                 const std::vector<std::string>& sectors) {
  const auto rows = csv::parse(
      read_input_file(path, fmt::format("{} file", kind.what), fmt::format("{}; check the path", kind.key)), path);
  std::vector<std::string> need{"from_province", "to_province"};
  if (kind.by_sector) need.emplace_back("sector");
  need.emplace_back(kind.value);
  const std::string columns = fmt::format("{}", fmt::join(need, ","));
  if (rows.empty())
    throw InputError(fmt::format("{}: the {} file is empty (header {} expected)", path, kind.what, columns));
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < rows[0].fields.size(); ++c) col[rows[0].fields[c]] = c;
  if (!kind.by_sector && (col.count("from_group") || col.count("to_group")))
    throw InputError(fmt::format(
        "{}:1: {} has no labour groups: the levels model has one group per region (MODEL.md §10 is in hat algebra "
        "only), so the file is by province pair ({}); a file with from_group/to_group is for regio counterfactual",
        path, kind.key, columns));
  for (const auto& c : need)
    if (!col.count(c))
      throw InputError(fmt::format("{}:1: the {} file lacks the column '{}' (columns: {})", path, kind.what, c,
                                   fmt::join(need, ", ")));
  auto province = [&](const std::string& name, const std::string& where) {
    const auto it = provinces.find(name);
    if (it == provinces.end())
      throw InputError(fmt::format("{}: unknown province '{}'{}: names are the 'province' column of the region CSV",
                                   where, name, did_you_mean(name, province_list)));
    return it->second;
  };
  std::map<std::tuple<int, int, int>, std::size_t> seen;  // (from, to, sector) → index in out
  std::vector<Directed> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    Directed f;
    f.line = row.line;
    f.from = province(row.fields[col["from_province"]], where);
    f.to = province(row.fields[col["to_province"]], where);
    if (f.from == f.to)
      throw InputError(
          fmt::format("{}: a pair of province '{}' with itself (flows within a province have no pair "
                      "factor)",
                      where, row.fields[col["from_province"]]));
    std::string sector_text;
    if (kind.by_sector) {
      sector_text = row.fields[col["sector"]];
      const auto s = std::find(sectors.begin(), sectors.end(), sector_text);
      if (s == sectors.end())
        throw InputError(fmt::format("{}: unknown sector '{}'{} (sectors: {})", where, sector_text,
                                     did_you_mean(sector_text, sectors), fmt::join(sectors, ", ")));
      f.sector = static_cast<int>(s - sectors.begin());
    }
    const std::string& field = row.fields[col[kind.value]];
    if (!csv::to_double(field, f.value) || std::isnan(f.value) || !(f.value > 0))
      throw InputError(fmt::format("{}: {} = '{}' must be a positive number (or inf: no {} between the two)", where,
                                   kind.value, field, kind.flow));
    const auto [it, fresh] = seen.emplace(std::make_tuple(f.from, f.to, f.sector), out.size());
    if (!fresh)
      throw InputError(fmt::format("{}: {} → {}{} is given twice (also line {})", where, province_list[f.from],
                                   province_list[f.to], kind.by_sector ? " (" + sector_text + ")" : "",
                                   out[it->second].line));
    out.push_back(f);
  }
  // A pair given in one direction only is symmetric.
  const std::size_t given = out.size();
  for (std::size_t k = 0; k < given; ++k) {
    const Directed f = out[k];
    if (!seen.count(std::make_tuple(f.to, f.from, f.sector))) {
      Directed reverse = f;
      std::swap(reverse.from, reverse.to);
      out.push_back(reverse);
    }
  }
  return out;
}

}  // namespace

std::vector<TradeFriction> read_trade_frictions(const std::string& path, const std::map<std::string, int>& provinces,
                                                const std::vector<std::string>& province_list,
                                                const std::vector<std::string>& sectors) {
  std::vector<TradeFriction> out;
  for (const auto& f : read_pairs(path, {"trade frictions", "trade.frictions", "tau", "trade", true}, provinces,
                                  province_list, sectors))
    out.push_back({f.from, f.to, f.sector, f.value});
  return out;
}

std::vector<TradeFriction> read_trade_scales(const std::string& path, const std::map<std::string, int>& provinces,
                                             const std::vector<std::string>& province_list,
                                             const std::vector<std::string>& sectors) {
  std::vector<TradeFriction> out;
  for (const auto& f : read_pairs(path, {"trade province scales", "trade.province_scales", "scale", "trade", true},
                                  provinces, province_list, sectors))
    out.push_back({f.from, f.to, f.sector, f.value});
  return out;
}

std::vector<MigrationFriction> read_migration_frictions(const std::string& path,
                                                        const std::map<std::string, int>& provinces,
                                                        const std::vector<std::string>& province_list) {
  std::vector<MigrationFriction> out;
  for (const auto& f : read_pairs(path, {"migration frictions", "migration.frictions", "mu", "migration", false},
                                  provinces, province_list, {}))
    out.push_back({f.from, f.to, f.value});
  return out;
}

}  // namespace regio
