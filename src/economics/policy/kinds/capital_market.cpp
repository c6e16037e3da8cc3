// capital_market (MODEL.md §4): capital-market friction ζ_i of the selected regions, the national
// investment home bias ϕ, and a reform that narrows every region's investment wedge toward the
// national mean (wedge_convergence, phased in over `ramp` epochs).
#include <fmt/format.h>

#include <algorithm>

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
                     "National investment home bias from this epoch on (needs `all: true`)."},
                    {kName, "wedge_convergence", 0, 1, false, false, false, "f",
                     "Fraction by which every region's log investment wedge log ζ_i moves toward the national "
                     "mean (0: none, 1: no wedges; needs `all: true`)."},
                    {kName, "ramp", 0, 10000, false, false, true, "",
                     "Epochs over which wedge_convergence phases in linearly (0 or 1: at once)."}}) {}

  // `ramp` alone changes nothing.
  bool sets_something(const Policy& p) const override {
    return p.has("friction") || p.has("home_bias") || p.has("wedge_convergence");
  }

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    if (p.has("ramp") && !p.has("wedge_convergence"))
      return fmt::format("policies[{}]: 'ramp' applies to 'wedge_convergence', which is not given", index);
    if (auto m = national_only(p, index, "wedge_convergence", "friction"); !m.empty()) return m;
    return national_only(p, index, "home_bias", "friction");
  }

  void apply_to_region(const Policy& p, std::size_t j, std::size_t, EconomyState& st) const override {
    if (p.has("friction")) st.capital_friction[j] = p.value("friction");
  }

  // The latest home_bias in force wins.
  void edit_home_bias(const Policy& p, double& home_bias) const override {
    if (p.has("home_bias")) home_bias = p.value("home_bias");
  }

  // log ζ_i → (1 − f_e) log ζ_i + f_e m: the capital market's weights ω ∝ K (r̄/ζ)^ν are shares,
  // so the common term f_e m cancels and the power 1 − f_e on ζ_i is the whole reform (m the
  // national mean of log ζ, or any constant). f_e = f × min(1, (epochs in force) / ramp).
  void edit_wedge_exponent(const Policy& p, int epoch, double& exponent) const override {
    if (!p.has("wedge_convergence")) return;
    const int ramp = p.has("ramp") ? static_cast<int>(p.value("ramp")) : 0;
    const double phase = ramp <= 1 ? 1.0 : std::min(1.0, static_cast<double>(epoch - p.epoch + 1) / ramp);
    exponent *= 1 - p.value("wedge_convergence") * phase;
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_capital_market_kind() { return std::make_unique<CapitalMarket>(); }

}  // namespace regio::kinds
