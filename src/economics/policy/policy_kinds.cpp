// The policy-kind registry (policy_kind.hpp): the list of kinds, lookup by name, and the tables
// made from it (policy_kinds(), policy_values()).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "kinds/kinds.hpp"
#include "regio/error.hpp"
#include "regio/policy_kind.hpp"

namespace regio {

namespace {

// Every kind, once. The order is that of the docs table (docs/parameters.md, "Policies") and of
// the kinds listed in error messages; a new kind goes here.
std::vector<std::unique_ptr<const PolicyKind>> make_kinds() {
  std::vector<std::unique_ptr<const PolicyKind>> out;
  out.push_back(kinds::make_hukou_kind());
  out.push_back(kinds::make_infrastructure_kind());
  out.push_back(kinds::make_market_integration_kind());
  out.push_back(kinds::make_fiscal_transfer_kind());
  out.push_back(kinds::make_land_kind());
  out.push_back(kinds::make_capital_market_kind());
  out.push_back(kinds::make_productivity_kind());
  out.push_back(kinds::make_external_kind());
  return out;
}

struct Registry {
  std::vector<std::unique_ptr<const PolicyKind>> owned;
  std::vector<const PolicyKind*> kinds;
  std::map<std::string, const PolicyKind*, std::less<>> by_name;
};

const Registry& registry() {
  static const Registry r = [] {
    Registry out;
    out.owned = make_kinds();
    for (const auto& k : out.owned) {
      if (!out.by_name.emplace(k->name(), k.get()).second)
        throw std::logic_error(fmt::format("policy kind '{}' is registered twice", k->name()));
      out.kinds.push_back(k.get());
    }
    return out;
  }();
  return r;
}

}  // namespace

PolicyKind::PolicyKind(std::string name, PolicyNeeds needs, std::vector<PolicyValueSpec> values)
    : name_(std::move(name)), needs_(needs), values_(std::move(values)) {
  for (const auto& v : values_)
    if (v.kind != name_)
      throw std::logic_error(fmt::format("value key '{}' of kind '{}' says kind '{}'", v.key, name_, v.kind));
}

std::vector<std::string> PolicyKind::value_keys() const {
  std::vector<std::string> keys;
  for (const auto& v : values_) keys.push_back(v.key);
  return keys;
}

const PolicyValueSpec* PolicyKind::value_spec(const std::string& key) const {
  auto it = std::find_if(values_.begin(), values_.end(), [&](const auto& v) { return v.key == key; });
  return it == values_.end() ? nullptr : &*it;
}

const std::vector<const PolicyKind*>& registered_policy_kinds() { return registry().kinds; }

const PolicyKind* find_policy_kind(const std::string& name) {
  const auto& by_name = registry().by_name;
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

const PolicyKind& policy_kind(const Policy& p) {
  if (const PolicyKind* k = find_policy_kind(p.kind)) return *k;
  throw InputError(fmt::format("unknown policy kind '{}' (one of {})", p.kind, fmt::join(policy_kinds(), ", ")));
}

const std::vector<std::string>& policy_kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto* k : registered_policy_kinds()) out.push_back(k->name());
    return out;
  }();
  return names;
}

const std::vector<PolicyValueSpec>& policy_values() {
  static const std::vector<PolicyValueSpec> table = [] {
    std::vector<PolicyValueSpec> out;
    for (const auto* k : registered_policy_kinds()) out.insert(out.end(), k->values().begin(), k->values().end());
    return out;
  }();
  return table;
}

std::string kinds::national_only(const Policy& p, std::size_t index, const char* key, const char* instead) {
  const auto& s = p.select;
  if (!p.has(key) || (s.all && s.exclude_regions.empty() && s.exclude_provinces.empty() && s.exclude_tags.empty()))
    return {};
  return fmt::format("policies[{}]: {} is national; select all: true (without exclusions) or use {}", index, key,
                     instead);
}

}  // namespace regio
