// external (MODEL.md §4–§5, dual circulation): trade costs with the rest of the world τ_nW of
// the selected regions, and national net exports; needs the rest of the world in the scenario.
#include "kinds.hpp"
#include "regio/economy_state.hpp"
#include "regio/scenario.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "external";

class External final : public PolicyKind {
 public:
  External()
      : PolicyKind(
            kName, {},
            {{kName, "trade_cost_factor", 0, kInf, true, false, false, "τ_nW",
              "Multiplies the rest-of-the-world trade cost of the selected regions (tariffs, shipping; needs "
              "external.enabled)."},
             {kName, "net_exports", -0.5, 0.5, false, false, false, "NX",
              "Net exports as a share of GDP from this epoch on (external demand; national: needs `all: true`)."}}) {}

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    return national_only(p, index, "net_exports", "trade_cost_factor");
  }

  std::string scenario_conflict(const Policy&, const Scenario& sc) const override {
    if (sc.external.enabled) return {};
    return "an external policy needs the rest of the world: set external.enabled: true in a scenario calibrated with "
           "it "
           "(base: ../baseline-open.yaml)";
  }

  // Factors compound over the policies in force.
  void edit_external_costs(const Policy& p, const EconomyState& st, std::vector<double>& factor) const override {
    if (!p.has("trade_cost_factor")) return;
    for (std::size_t j = 0; j < st.size(); ++j)
      if (p.selects(st.records[j].index)) factor[j] *= p.value("trade_cost_factor");
  }

  // The latest net_exports in force wins.
  void edit_net_exports(const Policy& p, double& net_exports) const override {
    if (p.has("net_exports")) net_exports = p.value("net_exports");
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_external_kind() { return std::make_unique<External>(); }

}  // namespace regio::kinds
