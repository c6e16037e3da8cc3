// MODEL.md §9's per-sector shares: intermediate_shares in the scenario (a list in sector order
// or a mapping from sector names) and the check that a sector's shares add up.
#include "regio/sector_shares.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "regio/error.hpp"
#include "regio/parameters.hpp"
#include "regio/yaml_reader.hpp"

namespace regio {

// What is wrong with a sector's shares (sector_shares.hpp) (MODEL.md §9), or "": with intermediates or a given land
// share, α + β + λ + Σ ι = 1, and the remainder λ may not be negative. Without either, the Part I
// check (Scenario::validate) applies, with its message.
std::string share_problem(const SectorParams& s) {
  const bool io = s.uses_intermediates(), given = !std::isnan(s.given_land_share);
  if (!io && !given) return "";
  const double sum = s.labor_share + s.capital_share + s.intermediate_total();
  if (given) {
    if (std::abs(sum + s.given_land_share - 1.0) > 1e-9)
      return fmt::format("labor_share + capital_share + land_share + the intermediate_shares = {}; they must sum to 1",
                         fmt::format("{:.12g}", sum + s.given_land_share));
    return "";
  }
  if (s.land_share() < -1e-12)
    return fmt::format(
        "labor_share + capital_share + the intermediate_shares = {} exceeds 1 (the land share, their "
        "remainder, must be >= 0)",
        fmt::format("{:.12g}", sum));
  return "";
}

// ι_s· of one sector (sector_shares.hpp): a list in sector order or a mapping from sector names (missing ones 0).
std::vector<double> parse_sector_shares(const YAML::Node& value, const std::string& file, const std::string& shown_key,
                                        const std::vector<std::string>& names) {
  const YamlReader rd{file};
  auto number = [&](const YAML::Node& v, const std::string& where) {
    double x = 0;
    if (!v.IsScalar()) rd.fail(v, fmt::format("'{}' must be a number", where));
    try {
      x = v.as<double>();
    } catch (const YAML::Exception&) {
      rd.fail(v, fmt::format("'{}' must be a number, got '{}'", where, v.Scalar()));
    }
    if (!std::isfinite(x) || x < 0 || x > 1)
      rd.fail(v, fmt::format("'{}' = {} is out of range [0, 1]: a share of gross output", where, v.Scalar()));
    return x;
  };
  std::vector<double> out(names.size(), 0.0);
  if (value.IsSequence()) {
    if (value.size() != names.size())
      rd.fail(value, fmt::format("'{}' lists {} shares; it needs one per sector ({}: {})", shown_key, value.size(),
                                 names.size(), fmt::join(names, ", ")));
    for (std::size_t k = 0; k < names.size(); ++k) out[k] = number(value[k], fmt::format("{}[{}]", shown_key, k));
    return out;
  }
  if (!value.IsMap())
    rd.fail(value,
            fmt::format("'{}' must be a list of shares in sector order or a mapping from sector names", shown_key));
  std::set<std::string> seen;
  for (const auto& kv : value) {
    const std::string k = rd.key(kv.first);
    auto it = std::find(names.begin(), names.end(), k);
    if (it == names.end()) {
      const std::string near = nearest(k, names);
      rd.fail(kv.first,
              fmt::format("'{}' names sector '{}', which is not in 'sectors' ({}){}", shown_key, k,
                          fmt::join(names, ", "), near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    }
    if (!seen.insert(k).second) rd.fail(kv.first, fmt::format("'{}' names sector '{}' twice", shown_key, k));
    out[static_cast<std::size_t>(it - names.begin())] = number(kv.second, shown_key + "." + k);
  }
  return out;
}

}  // namespace regio
