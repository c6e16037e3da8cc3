// The results gathered from an ensemble's members: bands of every outcome and Shapley values
// (ensemble_output.hpp). Every member's file is read in member order and the statistics are
// computed in a fixed order, so the same member files give byte-identical results.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/ensemble_output.hpp"
#include "regio/ensemble_statistics.hpp"
#include "regio/error.hpp"
#include "regio/output_schema.hpp"
#include "regio/welfare_table.hpp"

namespace regio {

namespace fs = std::filesystem;

namespace {

std::string num(double v) { return fmt::format("{:.15g}", v); }  // as the members' own files

// A whole CSV of a member: header and rows.
struct Table {
  std::string file;
  std::vector<std::string> header;
  std::vector<csv::Row> rows;
};

Table read_table(const std::string& member_dir, std::string_view name) {
  Table t;
  t.file = (fs::path(member_dir) / name).string();
  std::ifstream in(t.file);
  if (!in) throw InputError(fmt::format("{}: missing; the member did not complete", t.file));
  std::stringstream buf;
  buf << in.rdbuf();
  auto rows = csv::parse(buf.str(), t.file);
  if (rows.empty()) throw InputError(fmt::format("{}: empty", t.file));
  t.header = rows.front().fields;
  t.rows.assign(rows.begin() + 1, rows.end());
  for (const auto& r : t.rows) csv::require_header_width(r, rows.front(), t.file);
  return t;
}

double value_at(const Table& t, const csv::Row& row, std::size_t c) {
  double v = 0;
  if (!csv::to_double(row.fields[c], v))
    throw InputError(fmt::format("{}:{}: '{}' is not a number", t.file, row.line, row.fields[c]));
  return v;
}

// The members' tables must line up: the same columns and the same keys (the first `keys` fields)
// row by row.
void check_aligned(const Table& first, const Table& other, std::size_t keys) {
  const auto differ = [&](const std::string& what) {
    return InputError(fmt::format("{}: {} than {}; the members of one ensemble must have the same epochs and regions",
                                  other.file, what, first.file));
  };
  if (other.header != first.header) throw differ("other columns");
  if (other.rows.size() != first.rows.size()) throw differ("other rows");
  for (std::size_t r = 0; r < first.rows.size(); ++r)
    if (!std::equal(first.rows[r].fields.begin(), first.rows[r].fields.begin() + static_cast<long>(keys),
                    other.rows[r].fields.begin()))
      throw differ(fmt::format("other keys on line {}", other.rows[r].line));
}

void put_band(std::ofstream& f, const Band& b) {
  f << ',' << num(b.mean) << ',' << num(b.sd) << ',' << num(b.p5) << ',' << num(b.p50) << ',' << num(b.p95) << ','
    << num(b.min) << ',' << num(b.max) << '\n';
}

std::string header_of(const schema::File& file) {
  return fmt::format("{}", fmt::join(schema::column_names(file), ","));
}

std::string national_bands(const std::string& dir, const std::vector<std::string>& member_dirs,
                           const std::vector<double>& weights) {
  constexpr std::size_t kKeys = 2;  // epoch, year
  std::vector<Table> tables;
  for (const auto& m : member_dirs) tables.push_back(read_table(m, schema::aggregates_csv::file.name));
  for (const auto& t : tables) check_aligned(tables.front(), t, kKeys);
  const auto& file = schema::ensemble::bands_national_csv::file;
  const fs::path path = fs::path(dir) / file.name;
  std::ofstream f(path, std::ios::trunc);
  f << header_of(file) << '\n';
  const Table& first = tables.front();
  std::vector<double> values(tables.size());
  for (std::size_t r = 0; r < first.rows.size(); ++r)
    for (std::size_t c = kKeys; c < first.header.size(); ++c) {
      for (std::size_t k = 0; k < tables.size(); ++k) values[k] = value_at(tables[k], tables[k].rows[r], c);
      f << first.rows[r].fields[0] << ',' << first.rows[r].fields[1] << ',' << first.header[c];
      put_band(f, band(values, weights));
    }
  if (!f.flush()) throw InputError(fmt::format("{}: writing failed (disk full?)", path.string()));
  return path.string();
}

// One line of each member's regions.csv at a time: the members' panels are never all in memory.
class MemberLines {
 public:
  explicit MemberLines(const std::vector<std::string>& member_dirs) {
    for (const auto& m : member_dirs) {
      files_.push_back((fs::path(m) / schema::regions_csv::file.name).string());
      streams_.emplace_back(files_.back());
    }
    lines_.resize(files_.size());
  }
  // The next row of every member (false at the end of all); rows must line up like their keys.
  bool next(std::vector<std::vector<std::string>>& rows, std::size_t keys) {
    ++line_;
    std::string text;
    for (std::size_t k = 0; k < streams_.size(); ++k) {
      const bool got = static_cast<bool>(std::getline(streams_[k], text));
      if (k == 0 && !got) return check_all_ended();
      if (!got) throw InputError(fmt::format("{}: fewer rows than {}", files_[k], files_[0]));
      auto parsed = csv::parse(text, files_[k]);
      rows[k] = parsed.empty() ? std::vector<std::string>{} : parsed.front().fields;
      if (rows[k].size() != rows[0].size() ||
          !std::equal(rows[0].begin(), rows[0].begin() + static_cast<long>(keys), rows[k].begin()))
        throw InputError(
            fmt::format("{}:{}: other columns or keys than {}; the members of one ensemble must have "
                        "the same epochs and regions",
                        files_[k], line_, files_[0]));
    }
    return true;
  }
  std::size_t size() const { return files_.size(); }
  const std::string& file(std::size_t k) const { return files_[k]; }
  int line() const { return line_; }

 private:
  bool check_all_ended() {
    std::string text;
    for (std::size_t k = 1; k < streams_.size(); ++k)
      if (std::getline(streams_[k], text)) throw InputError(fmt::format("{}: more rows than {}", files_[k], files_[0]));
    return false;
  }
  std::vector<std::string> files_;
  std::vector<std::ifstream> streams_;
  std::vector<std::string> lines_;
  int line_ = 0;
};

std::string region_bands(const std::string& dir, const std::vector<std::string>& member_dirs,
                         const std::vector<double>& weights) {
  constexpr std::size_t kKeys = 4;  // epoch, year, region, province
  MemberLines in(member_dirs);
  std::vector<std::vector<std::string>> rows(in.size());
  if (!in.next(rows, 0)) throw InputError(fmt::format("{}: empty", in.file(0)));
  const std::vector<std::string> header = rows[0];
  const auto& file = schema::ensemble::bands_regions_csv::file;
  const fs::path path = fs::path(dir) / file.name;
  std::ofstream f(path, std::ios::trunc);
  f << header_of(file) << '\n';
  std::vector<double> values(in.size());
  while (in.next(rows, kKeys))
    for (std::size_t c = kKeys; c < header.size(); ++c) {
      for (std::size_t k = 0; k < in.size(); ++k)
        if (!csv::to_double(rows[k][c], values[k]))
          throw InputError(fmt::format("{}:{}: '{}' is not a number", in.file(k), in.line(), rows[k][c]));
      f << rows[0][0] << ',' << rows[0][1] << ',' << csv::quote(rows[0][2]) << ',' << csv::quote(rows[0][3]) << ','
        << header[c];
      put_band(f, band(values, weights));
    }
  if (!f.flush()) throw InputError(fmt::format("{}: writing failed (disk full?)", path.string()));
  return path.string();
}

}  // namespace

std::vector<std::string> write_bands(const std::string& dir, const std::vector<std::string>& member_dirs,
                                     const std::vector<double>& weights) {
  std::vector<std::string> written = {national_bands(dir, member_dirs, weights)};
  const bool panels = std::all_of(member_dirs.begin(), member_dirs.end(), [](const std::string& m) {
    return fs::exists(fs::path(m) / schema::regions_csv::file.name);
  });
  if (panels) written.push_back(region_bands(dir, member_dirs, weights));
  return written;
}

std::string write_shapley(const std::string& dir, const std::vector<std::string>& member_dirs,
                          const std::vector<std::string>& labels) {
  namespace sc = schema::ensemble::shapley_csv;
  std::vector<Table> tables;
  for (const auto& m : member_dirs) tables.push_back(read_table(m, schema::aggregates_csv::file.name));
  for (const auto& t : tables) check_aligned(tables.front(), t, 2);
  const Table& first = tables.front();
  const fs::path path = fs::path(dir) / sc::file.name;
  std::ofstream f(path, std::ios::trunc);
  f << header_of(sc::file) << '\n';
  std::vector<double> v(tables.size());
  for (const schema::Column* variable : sc::variables) {
    const auto it = std::find(first.header.begin(), first.header.end(), variable->name);
    if (it == first.header.end())
      throw InputError(
          fmt::format("{}: no column '{}' (written by another version of regio?)", first.file, variable->name));
    const auto c = static_cast<std::size_t>(it - first.header.begin());
    for (std::size_t r = 0; r < first.rows.size(); ++r) {
      for (std::size_t k = 0; k < tables.size(); ++k) v[k] = value_at(tables[k], tables[k].rows[r], c);
      const std::vector<double> phi = shapley_values(v);
      const double total = v.back() - v.front();
      for (std::size_t j = 0; j < labels.size(); ++j)
        f << variable->name << ',' << first.rows[r].fields[0] << ',' << csv::quote(labels[j]) << ',' << num(phi[j])
          << ',' << num(total) << '\n';
    }
  }
  if (!f.flush()) throw InputError(fmt::format("{}: writing failed (disk full?)", path.string()));
  return path.string();
}

}  // namespace regio

namespace regio {

std::string write_shapley_welfare(const std::string& dir, const std::vector<std::string>& member_dirs,
                                  const std::vector<std::string>& labels) {
  namespace sw = schema::ensemble::shapley_welfare_csv;
  std::vector<WelfareTable> tables;
  for (const auto& m : member_dirs) tables.push_back(read_welfare_table(m));
  const WelfareTable& none = tables.front();
  const fs::path path = fs::path(dir) / sw::file.name;
  std::ofstream f(path, std::ios::trunc);
  f << header_of(sw::file) << '\n';
  const std::size_t C = welfare_channels().size();
  for (const auto& [epoch, base_terms] : none.by_epoch) {
    // v_k(S): channel k's part of the welfare change from no policy to the policies S (k = C: composition).
    std::vector<std::vector<double>> v(C + 1, std::vector<double>(tables.size(), 0.0));
    for (std::size_t m = 0; m < tables.size(); ++m) {
      if (tables[m].ids != none.ids || !tables[m].by_epoch.count(epoch))
        throw InputError(fmt::format("{}: other regions or epochs than {}", tables[m].file, none.file));
      const WelfareChange w = welfare_change(base_terms, tables[m].by_epoch.at(epoch));
      for (std::size_t k = 0; k < C; ++k) v[k][m] = w.channels[k];
      v[C][m] = w.composition;
    }
    for (std::size_t k = 0; k <= C; ++k) {
      const std::vector<double> phi = shapley_values(v[k]);
      const std::string channel = k < C ? welfare_channels()[k].name : "composition";
      for (std::size_t j = 0; j < labels.size(); ++j)
        f << epoch << ',' << csv::quote(labels[j]) << ',' << channel << ',' << num(phi[j]) << ',' << num(v[k].back())
          << '\n';
    }
  }
  if (!f.flush()) throw InputError(fmt::format("{}: writing failed (disk full?)", path.string()));
  return path.string();
}

}  // namespace regio
