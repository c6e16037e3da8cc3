// The files of a `regio counterfactual` folder as the output schema says (counterfactual_output.hpp).
#include "regio/counterfactual_output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "regio/csv.hpp"
#include "regio/error.hpp"
#include "regio/output_file.hpp"

namespace regio {

namespace fs = std::filesystem;
namespace ry = schema::counterfactual::run_yaml;

std::string counterfactual_number(double v) { return std::isnan(v) ? "NA" : fmt::format("{:.17g}", v); }

void SchemaTable::text(const schema::Column& column, std::vector<std::string> values) {
  for (auto& v : values) v = csv::quote(v);
  columns_.emplace_back(&column, std::move(values));
}

void SchemaTable::numbers(const schema::Column& column, const std::vector<double>& values) {
  std::vector<std::string> t;
  t.reserve(values.size());
  for (double v : values) t.push_back(counterfactual_number(v));
  columns_.emplace_back(&column, std::move(t));
}

std::string SchemaTable::csv() const {
  std::vector<const std::vector<std::string>*> ordered;
  std::string text;
  for (const schema::Column* c : file_.columns) {
    const auto it = std::find_if(columns_.begin(), columns_.end(), [&](const auto& p) { return p.first == c; });
    if (it == columns_.end())
      throw std::logic_error(fmt::format("{}: column '{}' of the output schema was not written", file_.name, c->name));
    ordered.push_back(&it->second);
    text += fmt::format("{}{}", ordered.size() > 1 ? "," : "", c->name);
  }
  if (columns_.size() != ordered.size())
    throw std::logic_error(fmt::format("{}: a column not in the output schema", file_.name));
  text += "\n";
  const std::size_t rows = ordered.empty() ? 0 : ordered.front()->size();
  for (const auto* c : ordered)
    if (c->size() != rows) throw std::logic_error(fmt::format("{}: columns of different lengths", file_.name));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < ordered.size(); ++c) {
      if (c) text += ',';
      text += (*ordered[c])[r];
    }
    text += "\n";
  }
  return text;
}

std::string keyed_rows_csv(const schema::File& file,
                           const std::vector<std::pair<const schema::Column*, double>>& rows) {
  std::string text;
  for (std::size_t c = 0; c < file.columns.size(); ++c) {
    if (c) text += ',';
    text += file.columns[c]->name;
  }
  text += "\n";
  if (rows.size() != file.keyed_rows.size())
    throw std::logic_error(
        fmt::format("{}: {} rows, the output schema has {}", file.name, rows.size(), file.keyed_rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const schema::Column& c = *rows[r].first;
    if (&c != file.keyed_rows[r])
      throw std::logic_error(
          fmt::format("{}: row '{}' where the output schema has '{}'", file.name, c.name, file.keyed_rows[r]->name));
    text += fmt::format("{},{},{},{}\n", c.name, counterfactual_number(rows[r].second), c.unit,
                        csv::quote(std::string(c.meaning)));
  }
  return text;
}

CounterfactualRecord::CounterfactualRecord(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) throw InputError(located(dir_, 0, "cannot create the output folder"));
}

void CounterfactualRecord::add(const schema::Column& key, const std::string& value) {
  const auto& all = ry::file.columns;
  auto pos = [&](const schema::Column* c) { return std::find(all.begin(), all.end(), c) - all.begin(); };
  if (&key == &ry::status || &key == &ry::error || pos(&key) == static_cast<long>(all.size()) ||
      (!keys_.empty() && pos(&key) <= pos(keys_.back().first)))
    throw std::logic_error(fmt::format("run.yaml: key '{}' out of the output schema's order", key.name));
  keys_.emplace_back(&key, value);
}

void CounterfactualRecord::write(const std::string& status, const std::string& error) const {
  std::ostringstream f;
  f << "# regio counterfactual record (docs/outputs.md). Trust the outputs only if status is complete.\n";
  for (const auto& [k, v] : keys_) f << k->name << ":" << (v.starts_with("\n") ? "" : " ") << v << "\n";
  if (!error.empty()) f << ry::error.name << ": \"" << located("", 0, error) << "\"\n";
  f << ry::status.name << ": " << status << "\n";
  write_file_atomically((fs::path(dir_) / ry::file.name).string(), f.str());  // checked, whole or not at all
}

void write_counterfactual_file(const std::string& dir, const schema::File& file, const std::string& text) {
  write_file_atomically((fs::path(dir) / file.name).string(), text);
}

}  // namespace regio
