#pragma once
// Policy kinds registered by name, as LAMMPS registers its styles (src/force.cpp): each kind of
// MODEL.md §4 is one class in src/economics/policy/kinds/ that holds, in one place, its name, its value
// keys (ranges, symbols and docs: policy_values() and docs/parameters.md are made from them),
// what the resolver must turn into indices, the checks only it makes, and how it acts: region
// values written into the state at its epoch, or its part of the national regime. The parser,
// the resolver and PolicySchedule look a policy's kind up once and dispatch through it; nothing
// else compares kind names. Policy::kind stays the name (it is serialised and written to
// run.yaml).
//
// Adding a kind: derive a class from PolicyKind in src/economics/policy/kinds/<name>.cpp, override the
// hooks it needs (every hook does nothing by default), give it a make_<name>_kind() factory in
// src/economics/policy/kinds/kinds.hpp, list that factory in src/economics/policy/policy_kinds.cpp (the list's
// order is the order of the docs table), add the file to CMakeLists.txt and regenerate
// docs/parameters.md (`regio params --markdown`).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "regio/policy.hpp"

namespace regio {

struct EconomyState;

// What a policy applies to: fixes the keys it takes besides its values and what the resolver
// turns into indices.
enum class PolicyTarget {
  Selection,         // regions: all / regions / provinces / tags, minus exclude
  SelectionOrPairs,  // province pairs: `pairs`, or every pair of provinces in a selection
  Links,             // transport links (`links`); no selection
};

struct PolicyNeeds {
  PolicyTarget target = PolicyTarget::Selection;
  bool sectors = false;  // takes `sectors: [...]` (resolved to indices; default all)
};

// Changes to the bilateral costs by the policies in force, in the order they take effect;
// PolicySchedule::costs_at makes them on the scenario's TransportCosts.
struct CostChanges {
  struct Border {
    int p = 0, q = 0;                        // province indices
    std::optional<double> trade, migration;  // b_s, b_m (unset: unchanged)
  };
  std::vector<TransportLinkSpec> links;  // added to the network file's
  std::vector<Border> borders;
};

// The fiscal rules in force: the rates and the policy whose selection forms the equalisation pool
// (t_f > 0) and the recipients of the targeted grant (f > 0); PolicySchedule::fiscal_at turns
// them into the model's FiscalRegime over the owned regions.
struct FiscalRules {
  const Policy* policy = nullptr;  // none: no transfers
  double equalisation_rate = 0;    // t_f
  double targeted_share = 0;       // f
};

// One kind of policy. Stateless: one instance per kind lives in the registry for the whole run.
// The acting hooks are called by PolicySchedule for the policies in force, in the order they
// take effect; they are not collective (they touch the owned regions only). Kinds touch data
// only (the state, the regime parts above), never the model's classes: fuzz/ links them with
// the parsers alone, without MPI or PETSc.
class PolicyKind {
 public:
  virtual ~PolicyKind() = default;
  PolicyKind(const PolicyKind&) = delete;
  PolicyKind& operator=(const PolicyKind&) = delete;

  const std::string& name() const { return name_; }
  PolicyTarget target() const { return needs_.target; }
  bool takes_sectors() const { return needs_.sectors; }
  bool adds_links() const { return needs_.target == PolicyTarget::Links; }
  const std::vector<PolicyValueSpec>& values() const { return values_; }
  std::vector<std::string> value_keys() const;
  const PolicyValueSpec* value_spec(const std::string& key) const;  // nullptr: not one of its keys

  // ---- parsing (every rank alike) ----
  // Whether the values given set anything (default: any value does).
  virtual bool sets_something(const Policy& p) const { return !p.values.empty(); }
  // Values that contradict each other or the selection in entry `index` of `policies:`: the
  // message, or "" if the entry is consistent.
  virtual std::string inconsistency(const Policy&, std::size_t /*index*/) const { return {}; }

  // ---- resolution (rank 0) ----
  // What the policy needs of the rest of the scenario: the message (after "file:line: "), or "".
  virtual std::string scenario_conflict(const Policy&, const Scenario&) const { return {}; }
  // Checks over all resolved policies of this kind, in the order they take effect; throws
  // InputError naming the policy's file (`file` when it has none) and line.
  virtual void check_sequence(const std::vector<const Policy*>&, const std::vector<Region>&,
                              const std::string& /*file*/) const {}

  // ---- acting: region values, written into the state once at the policy's epoch ----
  // Owned region j (selected by the policy); `sectors` = S of the state's j*S + s arrays.
  virtual void apply_to_region(const Policy&, std::size_t /*j*/, std::size_t /*sectors*/, EconomyState&) const {}

  // ---- acting: the national regime, recomputed from the policies in force at each epoch ----
  // Each hook edits its part of the regime in place, so a later policy adds to or replaces what
  // earlier ones set, as the kind decides.
  virtual void edit_costs(const Policy&, CostChanges&) const {}
  virtual void edit_fiscal(const Policy&, FiscalRules&) const {}
  // Investment home bias ϕ; net exports / GDP.
  virtual void edit_home_bias(const Policy&, double& /*home_bias*/) const {}
  // The power e on the investment wedges ζ_i during `epoch` (PolicyRegime::wedge_exponent).
  virtual void edit_wedge_exponent(const Policy&, int /*epoch*/, double& /*exponent*/) const {}
  virtual void edit_net_exports(const Policy&, double& /*net_exports*/) const {}
  // Factors on τ_nW of the owned regions.
  virtual void edit_external_costs(const Policy&, const EconomyState&, std::vector<double>& /*factor*/) const {}
  // Extra growth of log Ā_is (owned j*S + s) from `epoch` to epoch + 1.
  virtual void add_growth(const Policy&, int /*epoch*/, const EconomyState&, std::size_t /*sectors*/,
                          std::vector<double>& /*growth*/) const {}

 protected:
  // `values`: the kind's value keys in docs order, each with `kind` = `name`.
  PolicyKind(std::string name, PolicyNeeds needs, std::vector<PolicyValueSpec> values);

 private:
  std::string name_;
  PolicyNeeds needs_;
  std::vector<PolicyValueSpec> values_;
};

// The registered kinds, in registration order (that of the docs table). Not collective; built
// on first use.
const std::vector<const PolicyKind*>& registered_policy_kinds();
// The kind called `name`, or nullptr.
const PolicyKind* find_policy_kind(const std::string& name);
// The kind of a parsed policy; throws InputError for a name no kind has (parse_policies
// accepts registered kinds only, so this means a policy made elsewhere).
const PolicyKind& policy_kind(const Policy& p);

}  // namespace regio
