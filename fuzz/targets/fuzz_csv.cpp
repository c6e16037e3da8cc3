// libFuzzer target: regio::csv::parse (RFC 4180 reader) and csv::to_double on every field.
// Oracle: only InputError (one line, "fuzz.csv:...") may escape; line numbers are >= 1 and
// increasing; and csv::quote is the inverse of parse: joining quote(field) with commas and
// parsing again gives the same fields (what write_regions relies on).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "regio/csv.hpp"

namespace {

// A row that is a single blank field (e.g. `""`) is written as a blank line, which parse skips.
bool writable(const regio::csv::Row& r) {
  return r.fields.size() > 1 || r.fields[0].find_first_not_of(" \t") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  // The whole input as one number field (to_double has no preconditions).
  double v = 0;
  if (regio::csv::to_double(text, v) && std::isnan(v) && text.find_first_of("nN") == std::string::npos)
    regio_fuzz::finding("to_double produced NaN from '" + text + "'");

  std::vector<regio::csv::Row> rows;
  bool ok = false;
  regio_fuzz::expect_input_error_only("fuzz.csv", [&] {
    rows = regio::csv::parse(text, "fuzz.csv");
    ok = true;
  });
  if (!ok) return 0;

  int last = 0;
  std::vector<std::vector<std::string>> expected;
  std::string written;
  for (const auto& r : rows) {
    if (r.line <= last) regio_fuzz::finding("row line numbers are not increasing");
    last = r.line;
    if (r.fields.empty()) regio_fuzz::finding("a row without fields");
    for (const auto& f : r.fields) (void)regio::csv::to_double(f, v);
    if (!writable(r)) continue;
    expected.push_back(r.fields);
    for (std::size_t j = 0; j < r.fields.size(); ++j) written += (j ? "," : "") + regio::csv::quote(r.fields[j]);
    written += "\n";
  }
  std::vector<regio::csv::Row> again;
  try {
    again = regio::csv::parse(written, "roundtrip.csv");
  } catch (const regio::InputError& e) {
    regio_fuzz::finding(std::string("quoted output does not parse: ") + e.what());
  }
  if (again.size() != expected.size()) regio_fuzz::finding("quote/parse round trip changes the row count");
  for (std::size_t i = 0; i < again.size(); ++i)
    if (again[i].fields != expected[i])
      regio_fuzz::finding("quote/parse round trip changes row " + std::to_string(i + 1));
  return 0;
}
