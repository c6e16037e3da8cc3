#pragma once
// MODEL.md §9: a sector's gross-output shares α_s + β_s + λ_s + Σ_k ι_sk = 1.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

// What is wrong with a sector's shares, or "": with intermediates or a given land share,
// α + β + λ + Σ ι = 1 (to 1e-9), and a remainder λ may not be negative. Without either the
// Part I check of Scenario::validate applies, with its message.
std::string share_problem(const SectorParams& s);

// ι_s· from YAML: a list in sector order or a mapping from sector names (the others 0), each in
// [0, 1]. Throws InputError at the node's file:line.
std::vector<double> parse_sector_shares(const YAML::Node& value, const std::string& file, const std::string& shown_key,
                                        const std::vector<std::string>& names);

}  // namespace regio
