// fiscal_transfer (MODEL.md §4): equalisation T_n = t_f (Ȳ_pc − Y_n/L_n) L_n over the selected
// regions and a targeted grant to them, financed by a proportional national levy (Σ T = 0).
#include <fmt/format.h>

#include "kinds.hpp"
#include "regio/parameters.hpp"

namespace regio::kinds {

namespace {

constexpr const char* kName = "fiscal_transfer";

class FiscalTransfer final : public PolicyKind {
 public:
  FiscalTransfer()
      : PolicyKind(
            kName, {},
            {{kName, "equalisation_rate", 0, 1, false, false, false, "t_f",
              "T_n = t_f (Ȳ_pc − Y_n/L_n) L_n over the selected regions (Y: pre-transfer income; Ȳ_pc: their mean)."},
             {kName, "targeted_share", 0, 0.5, false, false, false, "",
              "Share of national pre-transfer income paid to the selected regions per resident, financed by a "
              "proportional levy on every region's income."}}) {}

  std::string inconsistency(const Policy& p, std::size_t index) const override {
    if (!p.has("equalisation_rate") || !p.has("targeted_share") ||
        !(p.value("equalisation_rate") + p.value("targeted_share") > 1))
      return {};
    return fmt::format(
        "policies[{}]: equalisation_rate + targeted_share = {} exceeds 1 (the richest regions' income "
        "could turn negative); lower one of them",
        index, format_number(p.value("equalisation_rate") + p.value("targeted_share")));
  }

  // The latest fiscal_transfer in force replaces the whole regime.
  void edit_fiscal(const Policy& p, FiscalRules& rules) const override {
    rules = {&p, p.has("equalisation_rate") ? p.value("equalisation_rate") : 0.0,
             p.has("targeted_share") ? p.value("targeted_share") : 0.0};
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_fiscal_transfer_kind() { return std::make_unique<FiscalTransfer>(); }

}  // namespace regio::kinds
