// The members of a Shapley ensemble and each member's scenario (ensemble_spec.hpp).
#include <fmt/format.h>

#include "regio/ensemble_spec.hpp"
#include "regio/error.hpp"

namespace regio {

void add_shapley_members(EnsembleSpec& spec, const Scenario& sc) {
  const std::size_t K = sc.policies.size();
  const auto where = [&] { return located(spec.file, spec.design_line, ""); };
  if (K == 0)
    throw InputError(
        fmt::format("{}a Shapley decomposition needs a scenario with policies; {} has none", where(), spec.scenario));
  if (K > kMaxShapleyPolicies)
    throw InputError(fmt::format("{}{} has {} policies: a Shapley decomposition runs 2^K members and takes at most {}",
                                 where(), spec.scenario, K, kMaxShapleyPolicies));
  spec.policy_labels = policy_labels(sc);
  spec.columns = spec.policy_labels;
  const std::size_t count = std::size_t{1} << K;
  spec.members.clear();
  for (std::size_t mask = 0; mask < count; ++mask) {
    EnsembleMember m;
    m.id = member_id(mask, count);
    m.weight = 1.0 / static_cast<double>(count);
    m.line = spec.design_line;
    m.all_policies = false;
    for (std::size_t j = 0; j < K; ++j)
      if (mask >> j & 1) m.policies.push_back(static_cast<int>(j));
    spec.members.push_back(std::move(m));
  }
}

EnsembleSpec shapley_ensemble(const std::string& scenario_path, const Scenario& sc) {
  EnsembleSpec spec;
  spec.file = scenario_path;
  spec.scenario = scenario_path;
  spec.design = "shapley";
  add_shapley_members(spec, sc);
  return spec;
}

Scenario member_scenario(const EnsembleSpec& spec, const EnsembleMember& member, const Scenario& base) {
  Scenario s = base;
  try {
    apply_overrides(s, member.overrides, spec.file, member.line);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{} (member {})", e.what(), member.id));
  }
  if (!member.all_policies) keep_policies(s, member.policies);
  return s;
}

}  // namespace regio
