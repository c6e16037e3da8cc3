// productivity (MODEL.md §4): a one-off shock and/or extra growth (for `duration` epochs) of
// log Ā_is in the selected regions and `sectors` (default all), e.g. a new industrial cluster.
#include <fmt/format.h>

#include "kinds.hpp"
#include "regio/economy_state.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "productivity";

class Productivity final : public PolicyKind {
 public:
  Productivity()
      : PolicyKind(kName, {.sectors = true},
                   {{kName, "shock", -5, 5, false, false, false, "Ā_is",
                     "One-off change of log productivity (log points) in the selected regions and sectors."},
                    {kName, "growth", -0.5, 0.5, false, false, false, "g_s",
                     "Extra productivity growth (log points per epoch) in the selected regions and sectors."},
                    {kName, "duration", 0, 10000, false, false, true, "",
                     "Epochs the extra growth lasts (0: to the end of the run)."}}) {}

  // `duration` alone changes nothing.
  bool sets_something(const Policy& p) const override { return p.has("shock") || p.has("growth"); }

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    if (!p.has("duration") || p.has("growth")) return {};
    return fmt::format("policies[{}]: 'duration' applies to 'growth', which is not given", index);
  }

  void apply_to_region(const Policy& p, std::size_t j, std::size_t sectors, EconomyState& st) const override {
    if (!p.has("shock")) return;
    for (int s : p.sector_index) st.log_productivity[j * sectors + static_cast<std::size_t>(s)] += p.value("shock");
  }

  // Growth adds up over the policies in force, each for its `duration` (0: to the end).
  void add_growth(const Policy& p, int epoch, const EconomyState& st, std::size_t sectors,
                  std::vector<double>& growth) const override {
    if (!p.has("growth")) return;
    const int duration = p.has("duration") ? static_cast<int>(p.value("duration")) : 0;
    if (duration > 0 && epoch >= p.epoch + duration) return;
    for (std::size_t j = 0; j < st.size(); ++j)
      if (p.selects(st.records[j].index))
        for (int s : p.sector_index) growth[j * sectors + static_cast<std::size_t>(s)] += p.value("growth");
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_productivity_kind() { return std::make_unique<Productivity>(); }

}  // namespace regio::kinds
