#pragma once
// Shared by the parameter tables (parameters.cpp: the scenario's; sector_parameters.cpp: the
// sectors'): ranges and the accessor macros of a member path. Private to src/economics/config.
#include <limits>
#include <type_traits>

#include "regio/parameters.hpp"

namespace regio::param_detail {

constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kPositive{0, kInf, true, false};
const Range kNonNegative{0, kInf, false, false};
const Range kUnit{0, 1, false, false};
const Range kAtLeastOne{1, kInf, false, false};
const Range kAny{-kInf, kInf, false, false};

}  // namespace regio::param_detail

// Accessors for a member path of the target, e.g. FIELD(trade.d0_km).
#define REGIO_FIELD(path)                                                                        \
  [](auto& t, double v) { t.path = static_cast<std::remove_reference_t<decltype(t.path)>>(v); }, \
      [](const auto& t) { return static_cast<double>(t.path); }, nullptr, nullptr
#define REGIO_TEXT(path) \
  nullptr, nullptr, [](auto& t, const std::string& v) { t.path = v; }, [](const auto& t) { return t.path; }
