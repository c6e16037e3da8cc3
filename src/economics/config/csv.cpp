#include "regio/csv.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "regio/error.hpp"

namespace regio::csv {

std::vector<Row> parse(const std::string& text, const std::string& file_label) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool in_quotes = false, row_has_content = false;
  int line = 1, row_start = 1;
  auto end_field = [&] {
    row.fields.push_back(field);
    field.clear();
  };
  auto end_row = [&] {
    end_field();
    if (row_has_content) {
      row.line = row_start;
      rows.push_back(std::move(row));
    }
    row = Row{};
    row_has_content = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"')
          field += '"', ++i;
        else
          in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_quotes = true;
        row_has_content = true;
        break;
      case ',':
        end_field();
        row_has_content = true;
        break;
      case '\r':
        break;
      case '\n':
        end_row();
        ++line;
        row_start = line;
        break;
      default:
        field += c;
        if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (in_quotes) throw InputError(located(file_label, row_start, "unterminated quoted field"));
  end_row();
  return rows;
}

void require_header_width(const Row& row, const Row& header, const std::string& file_label) {
  if (row.fields.size() != header.fields.size())
    throw InputError(fmt::format("{}:{}: {} fields, the header has {}", file_label, row.line, row.fields.size(),
                                 header.fields.size()));
}

std::map<std::string, std::size_t> named_columns(const Row& header, const std::string& file_label,
                                                 const std::vector<std::string>& names, const std::string& what) {
  const std::string columns = fmt::format("{}", fmt::join(names, ", "));
  std::map<std::string, std::size_t> col;
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string& name = header.fields[c];
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      const std::string near = nearest(name, names);
      throw InputError(fmt::format("{}:{}: unknown column '{}'{} (columns: {})", file_label, header.line, name,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), columns));
    }
    if (!col.emplace(name, c).second)
      throw InputError(fmt::format("{}:{}: column '{}' appears twice in the header", file_label, header.line, name));
  }
  for (const auto& need : names)
    if (!col.count(need))
      throw InputError(fmt::format("{}:{}: the {} file lacks the column '{}' (columns: {})", file_label, header.line,
                                   what, need, columns));
  return col;
}

bool to_double(const std::string& field, double& out) {
  std::size_t b = field.find_first_not_of(" \t"), e = field.find_last_not_of(" \t");
  if (b == std::string::npos) return false;
  const std::string s = field.substr(b, e - b + 1);
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  // ERANGE also flags underflow (5e-324, 1e-400), whose result (subnormal or 0) is the correctly
  // rounded value and is accepted like 0x1p-1074; only overflow (1e999: +-HUGE_VAL) is refused.
  return end == s.c_str() + s.size() && !(errno == ERANGE && std::isinf(out));
}

std::string quote(const std::string& field) {
  // A CR outside quotes is dropped by parse(), so it must be quoted too.
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string q = "\"";
  for (char c : field) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace regio::csv
