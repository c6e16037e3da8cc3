// welfare_terms.csv read back (welfare_table.hpp).
#include "regio/welfare_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/output_schema.hpp"

namespace regio {

namespace fs = std::filesystem;
namespace wt = schema::welfare_terms_csv;

bool has_welfare_terms(const std::string& dir) { return fs::is_regular_file(fs::path(dir) / wt::file.name); }

namespace {

// The column of each name the reader needs: epoch, region, weight, welfare, the channels.
std::vector<std::size_t> needed_columns(const csv::Row& header, const std::string& file) {
  std::vector<std::string> names = {std::string(schema::epoch.name), std::string(schema::regions_csv::region.name),
                                    std::string(wt::weight.name), std::string(wt::welfare.name)};
  for (const auto& c : welfare_channels()) names.emplace_back(c.name);
  std::vector<std::size_t> at;
  for (const auto& n : names) {
    const auto it = std::find(header.fields.begin(), header.fields.end(), n);
    if (it == header.fields.end())
      throw InputError(located(file, header.line,
                               fmt::format("missing column '{}' (not from `regio run "
                                           "--welfare-terms` of this version)",
                                           n)));
    at.push_back(static_cast<std::size_t>(it - header.fields.begin()));
  }
  return at;
}

}  // namespace

WelfareTable read_welfare_table(const std::string& dir) {
  WelfareTable t;
  t.file = (fs::path(dir) / wt::file.name).string();
  std::ifstream in(t.file);
  if (!in) throw InputError(fmt::format("{}: cannot read the file (written by regio run --welfare-terms)", t.file));
  std::stringstream buf;
  buf << in.rdbuf();
  const auto rows = csv::parse(buf.str(), t.file);
  if (rows.empty()) throw InputError(fmt::format("{}: empty", t.file));
  const auto col = needed_columns(rows[0], t.file);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    csv::require_header_width(rows[r], rows[0], t.file);
    const auto& f = rows[r].fields;
    auto number = [&](std::size_t k) {
      double v = 0;
      if (!csv::to_double(f[col[k]], v))
        throw InputError(located(t.file, rows[r].line, fmt::format("'{}' is not a number", f[col[k]])));
      return v;
    };
    const double e = number(0);
    if (e != std::floor(e)) throw InputError(located(t.file, rows[r].line, "the epoch is not an integer"));
    auto& terms = t.by_epoch[static_cast<int>(e)];
    const std::string& id = f[col[1]];
    if (t.by_epoch.size() == 1) {
      t.ids.push_back(id);
    } else if (terms.size() >= t.ids.size() || t.ids[terms.size()] != id) {
      throw InputError(located(t.file, rows[r].line, "the regions are not those of its first epoch, in order"));
    }
    WelfareTerms w;
    w.weight = number(2);
    w.welfare = number(3);
    for (std::size_t k = 0; k < welfare_channels().size(); ++k) w.*welfare_channels()[k].member = number(4 + k);
    terms.push_back(w);
  }
  return t;
}

}  // namespace regio
