// market_integration (MODEL.md §4): border costs b_s (trade) and b_m (migration) between
// province pairs, given as `pairs` or as every pair of provinces in a selection.
#include <optional>

#include "kinds.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "market_integration";

class MarketIntegration final : public PolicyKind {
 public:
  MarketIntegration()
      : PolicyKind(kName, {.target = PolicyTarget::SelectionOrPairs},
                   {{kName, "trade_border_cost", 1, kInf, false, false, false, "b_s",
                     "Trade border cost between the chosen provinces (1 removes it)."},
                    {kName, "migration_border_cost", 1, kInf, false, false, false, "b_m",
                     "Migration border cost between the chosen provinces (1 removes it)."}}) {}

  // A later policy on the same pair overrides the earlier border cost.
  void edit_costs(const Policy& p, CostChanges& changes) const override {
    auto value = [&](const char* key) { return p.has(key) ? std::optional<double>(p.value(key)) : std::nullopt; };
    for (const auto& [a, b] : p.province_pairs)
      changes.borders.push_back({a, b, value("trade_border_cost"), value("migration_border_cost")});
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_market_integration_kind() { return std::make_unique<MarketIntegration>(); }

}  // namespace regio::kinds
