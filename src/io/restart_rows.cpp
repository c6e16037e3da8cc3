#include "regio/restart_rows.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "regio/error.hpp"
#include "regio/output_file.hpp"

namespace regio {

namespace {
constexpr const char* kFix =
    "restart from an earlier checkpoint of this run, or run the scenario afresh with --overwrite";

// The epoch in the first field of a row, or -1 if the field is not a whole number.
long epoch_of(const std::string& line) {
  long epoch = -1;
  const char* end = line.data() + line.size();
  const auto [p, ec] = std::from_chars(line.data(), end, epoch);
  if (ec != std::errc() || p == line.data() || (p != end && *p != ',')) return -1;
  return epoch;
}
}  // namespace

std::vector<std::string> rows_before_epoch(const std::string& path, const std::string& header, int first_epoch,
                                           std::size_t rows_per_epoch) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("{}: cannot read it to continue the run ({}) — {}", path, os_reason(errno), kFix));
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  // A last line without its newline was cut by a kill or a full disk: it is never kept.
  if (const auto cut = content.find_last_of('\n'); cut != std::string::npos) content.resize(cut + 1);
  std::istringstream lines(content);
  std::string line;
  if (!std::getline(lines, line) || line != header)
    throw InputError(
        fmt::format("{}: the header differs from this run's columns (another scenario's file?) — {}", path, kFix));
  std::vector<std::size_t> count(static_cast<std::size_t>(first_epoch), 0);
  std::vector<std::string> kept;
  for (int number = 2; std::getline(lines, line); ++number) {
    const long epoch = epoch_of(line);
    if (epoch < 0) throw InputError(fmt::format("{}:{}: the row is damaged (no epoch) — {}", path, number, kFix));
    if (epoch >= first_epoch) continue;
    ++count[static_cast<std::size_t>(epoch)];
    kept.push_back(line);
  }
  for (int e = 0; e < first_epoch; ++e)
    if (count[static_cast<std::size_t>(e)] != rows_per_epoch)
      throw InputError(
          fmt::format("{}: epoch {} has {} rows, {} expected (the folder does not hold every epoch "
                      "before the checkpoint's, {}) — {}",
                      path, e, count[static_cast<std::size_t>(e)], rows_per_epoch, first_epoch, kFix));
  return kept;
}

}  // namespace regio
