#include "regio/trade_shares.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"

namespace regio {

namespace {

constexpr double kRowTolerance = 1e-6;  // |Σ_q π_pqs − 1| allowed before renormalising

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest(word, candidates);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

// The rows of the file with their lines: S×P×P shares and lines (0: not given).
struct Table {
  std::vector<double> share;
  std::vector<int> line;
};

Table read_table(const std::string& path, const std::map<std::string, int>& provinces,
                 const std::vector<std::string>& province_list, const std::vector<std::string>& sectors) {
  std::ifstream in(path);
  if (!in)
    throw InputError(
        fmt::format("{}: cannot open the province trade shares file (calibration.trade_shares; check "
                    "the path)",
                    path));
  std::stringstream buf;
  buf << in.rdbuf();
  const auto rows = csv::parse(buf.str(), path);
  if (rows.empty())
    throw InputError(fmt::format(
        "{}: the province trade shares file is empty (header sector, importer, exporter, share expected)", path));
  auto col = csv::named_columns(rows[0], path, {"sector", "importer", "exporter", "share"}, "province trade shares");
  const std::size_t P = province_list.size();
  Table t{std::vector<double>(sectors.size() * P * P, 0.0), std::vector<int>(sectors.size() * P * P, 0)};
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("{}:{}", path, row.line);
    csv::require_header_width(row, rows[0], path);
    const std::string& sector = row.fields[col["sector"]];
    const auto s = std::find(sectors.begin(), sectors.end(), sector);
    if (s == sectors.end())
      throw InputError(fmt::format("{}: unknown sector '{}'{} (sectors: {})", where, sector,
                                   did_you_mean(sector, sectors), fmt::join(sectors, ", ")));
    std::size_t pq[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& name = row.fields[col[k == 0 ? "importer" : "exporter"]];
      const auto it = provinces.find(name);
      if (it == provinces.end())
        throw InputError(fmt::format("{}: unknown province '{}'{}: names are the 'province' column of the region CSV",
                                     where, name, did_you_mean(name, province_list)));
      pq[k] = static_cast<std::size_t>(it->second);
    }
    const std::size_t at = (static_cast<std::size_t>(s - sectors.begin()) * P + pq[0]) * P + pq[1];
    const std::string& field = row.fields[col["share"]];
    double v = 0;
    if (!csv::to_double(field, v) || !std::isfinite(v) || v < 0 || v > 1)
      throw InputError(fmt::format("{}: share = '{}' must be a finite number in [0, 1]", where, field));
    if (t.line[at] != 0)
      throw InputError(fmt::format("{}: importer '{}', exporter '{}', sector '{}' is given twice (also line {})", where,
                                   province_list[pq[0]], province_list[pq[1]], sector, t.line[at]));
    t.share[at] = v;
    t.line[at] = row.line;
  }
  return t;
}

}  // namespace

std::vector<double> read_province_trade_shares(
    const std::string& path, const std::map<std::string, int>& provinces, const std::vector<std::string>& province_list,
    const std::vector<std::string>& sectors,
    const std::vector<std::pair<std::string, const std::vector<TradeFriction>*>>& no_trade) {
  Table t = read_table(path, provinces, province_list, sectors);
  const std::size_t P = province_list.size();
  for (std::size_t s = 0; s < sectors.size(); ++s)
    for (std::size_t p = 0; p < P; ++p) {
      double* row = &t.share[(s * P + p) * P];
      const int* line = &t.line[(s * P + p) * P];
      double sum = 0;
      for (std::size_t q = 0; q < P; ++q) {
        if (line[q] == 0)
          throw InputError(
              fmt::format("{}: no share of importer '{}' bought from exporter '{}' in sector '{}': every "
                          "ordered pair of the region CSV's provinces (each with itself too) and every "
                          "sector needs one",
                          path, province_list[p], province_list[q], sectors[s]));
        sum += row[q];
      }
      if (!(row[p] > 0))
        throw InputError(
            fmt::format("{}:{}: importer '{}' buys nothing from its own regions in sector '{}': the own "
                        "share must be positive",
                        path, line[p], province_list[p], sectors[s]));
      if (std::abs(sum - 1) > kRowTolerance)
        throw InputError(
            fmt::format("{}:{}: the shares of importer '{}' in sector '{}' sum to {:.9g}, not 1 (within {})", path,
                        line[p], province_list[p], sectors[s], sum, kRowTolerance));
      for (std::size_t q = 0; q < P; ++q) row[q] /= sum;
    }
  for (const auto& [file, factors] : no_trade)
    for (const auto& f : *factors) {  // f.p exporter, f.q importer
      const std::size_t at =
          (static_cast<std::size_t>(f.sector) * P + static_cast<std::size_t>(f.q)) * P + static_cast<std::size_t>(f.p);
      if (std::isinf(f.tau) && t.share[at] > 0)
        throw InputError(fmt::format(
            "{}:{}: importer '{}' buys a share {} from exporter '{}' in sector '{}', but {} "
            "closes that direction (inf): no scale gives trade there",
            path, t.line[at], province_list[f.q], t.share[at], province_list[f.p], sectors[f.sector], file));
    }
  return t.share;
}

void write_trade_scales(const std::string& path, const std::vector<std::string>& province_list,
                        const std::vector<std::string>& sectors, const std::vector<double>& scale) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw InputError(fmt::format("{}: cannot write the trade province scales (check the folder)", path));
  const std::size_t P = province_list.size();
  out << "from_province,to_province,sector,scale\n";
  for (std::size_t s = 0; s < sectors.size(); ++s)
    for (std::size_t q = 0; q < P; ++q)  // exporter
      for (std::size_t p = 0; p < P; ++p)
        if (p != q)
          out << csv::quote(province_list[q]) << ',' << csv::quote(province_list[p]) << ',' << sectors[s] << ','
              << fmt::format("{}", scale[(s * P + p) * P + q]) << '\n';
  if (!out.flush()) throw InputError(fmt::format("{}: writing the trade province scales failed (disk full?)", path));
}

}  // namespace regio
