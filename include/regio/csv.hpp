#pragma once
// Minimal RFC 4180 CSV reading (quoted fields, doubled quotes, CRLF) and number parsing.
#include <map>
#include <string>
#include <vector>

namespace regio::csv {

struct Row {
  int line = 0;  // 1-based line in the file
  std::vector<std::string> fields;
};

// Split the text into rows; blank lines are skipped. Throws InputError on an unterminated quote.
std::vector<Row> parse(const std::string& text, const std::string& file_label);

// A data row as wide as the header, or InputError "<file>:<line>: N fields, the header has M".
void require_header_width(const Row& row, const Row& header, const std::string& file_label);

// The header's columns by name (name → position): exactly `names`, in any order. File:line errors
// name an unknown column (with the nearest name), a column given twice, or one missing ("the
// `what` file lacks the column ...").
std::map<std::string, std::size_t> named_columns(const Row& header, const std::string& file_label,
                                                 const std::vector<std::string>& names, const std::string& what);

// Parse a whole field as a double (no trailing garbage). Returns false if it is not a number.
bool to_double(const std::string& field, double& out);

// Quote a field for output if it contains a comma, quote or newline.
std::string quote(const std::string& field);

}  // namespace regio::csv
