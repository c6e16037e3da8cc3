// The one-line error messages' helpers every input reader uses (declared in error.hpp): where
// (file:line) and the nearest valid key for a misspelt one.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "regio/error.hpp"

namespace regio {

std::string located(const std::string& file, int line, const std::string& message) {
  const std::string text = file.empty() ? message
                           : line <= 0  ? fmt::format("{}: {}", file, message)
                                        : fmt::format("{}:{}: {}", file, line, message);
  // One line, whatever the file echoed back (a CSV field or YAML scalar with a newline, a NUL,
  // yaml-cpp quoting a raw control character): control characters are shown escaped.
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if ((u < 0x20 && c != '\t') || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  // std::tolower of a negative char (UTF-8 bytes) is undefined behaviour.
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  auto distance = [&](const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t sub = prev[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  // Only suggest when the typo is plausible: at most a third of the word changed.
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    // The distance is at least the length difference: skip candidates that cannot be within
    // `limit` (a long garbage key would otherwise cost |word| x |candidate| steps each).
    if ((word.size() > c.size() ? word.size() - c.size() : c.size() - word.size()) > limit) continue;
    const std::size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best_d == std::string::npos || best_d > limit) return "";
  return best;
}

}  // namespace regio
