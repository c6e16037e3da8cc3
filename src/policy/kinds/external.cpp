// external (MODEL.md §4–§5, dual circulation): trade costs with the rest of the world τ_nW of
// the selected regions, and national net exports; needs the rest of the world in the scenario.
#include "kinds.hpp"
#include "regio/scenario.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "external";

class External final : public PolicyKind {
 public:
  External()
      : PolicyKind(kName, {},
                   {{kName, "trade_cost_factor", 0, kInf, true, false, false, "τ_nW",
                     "Multiplies the rest-of-the-world trade cost of the selected regions (tariffs, shipping; needs external.enabled)."},
                    {kName, "net_exports", -0.5, 0.5, false, false, false, "NX",
                     "Net exports as a share of GDP from this epoch on (external demand; national: needs `all: true`)."}}) {}

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    return national_only(p, index, "net_exports", "trade_cost_factor");
  }

  std::string scenario_conflict(const Policy&, const Scenario& sc) const override {
    if (sc.external.enabled) return {};
    return "an external policy needs the rest of the world: set external.enabled: true in a scenario calibrated with it "
           "(base: ../baseline-open.yaml)";
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_external_kind() { return std::make_unique<External>(); }

}  // namespace regio::kinds
