// hukou (MODEL.md §4): how fast migrants obtain the hukou of their destination (ρ_d) and how
// hard registration is there (h_d; megacity caps), for the selected destinations.
#include <fmt/format.h>

#include "kinds.hpp"
#include "regio/economy_state.hpp"
#include "regio/scenario.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "hukou";

class Hukou final : public PolicyKind {
 public:
  Hukou()
      : PolicyKind(kName, {},
                   {{kName, "conversion_rate", 0, 1, false, false, false, "ρ_d",
                     "Share of the migrants living in a selected destination that obtain its hukou each epoch."},
                    {kName, "barrier", 0, kInf, true, false, false, "h_d",
                     "Destination hukou barrier of the selected regions, relative to the status quo of the calibration "
                     "(h_d = 1: μ_0 and b_m hold today's average barrier); < 1 eases registration, > 1 tightens it "
                     "(megacity caps). μ_0·h_d must stay ≥ 1."}}) {}

  // The calibrated baselines have h_d = 1, so a reform lowers it; below 1/μ_0 moving would
  // cost less than staying.
  std::string scenario_conflict(const Policy& p, const Scenario& sc) const override {
    if (!p.has("barrier") || !(sc.migration.moving_cost * p.value("barrier") < 1)) return {};
    return fmt::format(
        "barrier = {} makes the cost of moving μ_0·h_d = {} < 1 (moving would beat staying); use barrier >= {}",
        p.value("barrier"), sc.migration.moving_cost * p.value("barrier"), 1.0 / sc.migration.moving_cost);
  }

  void apply_to_region(const Policy& p, std::size_t j, std::size_t, EconomyState& st) const override {
    if (p.has("conversion_rate")) st.conversion_rate[j] = p.value("conversion_rate");
    if (p.has("barrier")) st.hukou_barrier[j] = p.value("barrier");
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_hukou_kind() { return std::make_unique<Hukou>(); }

}  // namespace regio::kinds
