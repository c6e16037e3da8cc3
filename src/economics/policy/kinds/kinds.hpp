#pragma once
// The registered policy kinds: one factory per file of this folder (src/economics/policy/policy_kinds.cpp
// lists them), and what several kinds share.
#include <cstddef>
#include <limits>
#include <memory>
#include <string>

#include "regio/policy_kind.hpp"

namespace regio::kinds {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

std::unique_ptr<const PolicyKind> make_hukou_kind();
std::unique_ptr<const PolicyKind> make_infrastructure_kind();
std::unique_ptr<const PolicyKind> make_market_integration_kind();
std::unique_ptr<const PolicyKind> make_fiscal_transfer_kind();
std::unique_ptr<const PolicyKind> make_land_kind();
std::unique_ptr<const PolicyKind> make_capital_market_kind();
std::unique_ptr<const PolicyKind> make_productivity_kind();
std::unique_ptr<const PolicyKind> make_external_kind();

// A national value (one number for the whole country) may only come from a policy that selects
// every region: the message if `key` is set otherwise ("" if not), naming the regional key to
// use `instead`.
std::string national_only(const Policy& p, std::size_t index, const char* key, const char* instead);

}  // namespace regio::kinds
