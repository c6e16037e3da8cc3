// land (MODEL.md §4): developable land H_i of the selected regions × a factor
// (construction-land quotas).
#include <fmt/format.h>

#include "kinds.hpp"
#include "regio/economy_state.hpp"
#include "regio/error.hpp"
#include "regio/region.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "land";

class Land final : public PolicyKind {
 public:
  Land()
      : PolicyKind(kName, {},
                   {{kName, "land_factor", 0, kInf, true, false, false, "H_i",
                     "Multiplies the developable land of the selected regions (construction-land quotas)."}}) {}

  // Factors compound, so only the whole sequence can tell whether developable land stays
  // within a region's area.
  void check_sequence(const std::vector<const Policy*>& mine, const std::vector<Region>& regions,
                      const std::string& file) const override {
    std::vector<double> land(regions.size());
    for (const auto& r : regions) land[static_cast<std::size_t>(r.index)] = r.land_km2;
    for (const Policy* p : mine)
      for (auto i : p->selected) {
        const auto& r = regions[static_cast<std::size_t>(i)];
        double& h = land[static_cast<std::size_t>(i)];
        h *= p->value("land_factor");
        if (h > r.area_km2)
          throw InputError(
              fmt::format("{}:{}: land_factor = {} raises the developable land of region '{}' to {:.6g} km², "
                          "above its area of {:.6g} km²; lower the factor or exclude the region",
                          p->file.empty() ? file : p->file, p->line, p->value("land_factor"), r.id, h, r.area_km2));
      }
  }

  void apply_to_region(const Policy& p, std::size_t j, std::size_t, EconomyState& st) const override {
    st.land[j] *= p.value("land_factor");
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_land_kind() { return std::make_unique<Land>(); }

}  // namespace regio::kinds
