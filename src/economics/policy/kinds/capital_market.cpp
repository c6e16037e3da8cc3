// capital_market (MODEL.md §4): capital-market friction ζ_i of the selected regions, and the
// national investment home bias ϕ.
#include "kinds.hpp"
#include "regio/economy_state.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "capital_market";

class CapitalMarket final : public PolicyKind {
 public:
  CapitalMarket()
      : PolicyKind(kName, {},
                   {{kName, "friction", 1, kInf, false, false, false, "ζ_i",
                     "Capital-market friction of the selected regions (1 = none)."},
                    {kName, "home_bias", 0, 1, false, false, false, "ϕ",
                     "National investment home bias from this epoch on (needs `all: true`)."}}) {}

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    return national_only(p, index, "home_bias", "friction");
  }

  void apply_to_region(const Policy& p, std::size_t j, std::size_t, EconomyState& st) const override {
    if (p.has("friction")) st.capital_friction[j] = p.value("friction");
  }

  // The latest home_bias in force wins.
  void edit_home_bias(const Policy& p, double& home_bias) const override {
    if (p.has("home_bias")) home_bias = p.value("home_bias");
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_capital_market_kind() { return std::make_unique<CapitalMarket>(); }

}  // namespace regio::kinds
