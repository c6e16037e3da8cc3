// infrastructure (MODEL.md §4): transport links added to the network; effective distances,
// and with them τ and μ, are recomputed. Takes `links` instead of a selection and no values.
#include "kinds.hpp"

namespace regio::kinds {

namespace {

class Infrastructure final : public PolicyKind {
 public:
  Infrastructure() : PolicyKind("infrastructure", {.target = PolicyTarget::Links}, {}) {}

  // Links add to the network file's and to those of earlier policies.
  void edit_costs(const Policy& p, CostChanges& changes) const override {
    changes.links.insert(changes.links.end(), p.links.begin(), p.links.end());
  }
};

}  // namespace

std::unique_ptr<const PolicyKind> make_infrastructure_kind() { return std::make_unique<Infrastructure>(); }

}  // namespace regio::kinds
