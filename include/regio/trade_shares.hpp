#pragma once
// Observed province trade shares (calibration.trade_shares) and the province-pair trade-cost
// scales `regio calibrate` makes from them (trade.province_scales; docs/frictions.md, "Finer
// geographies' trade"). Read on rank 0 with the region CSV's provinces; every mistake names the
// file and line.
#include <map>
#include <string>
#include <vector>

#include "regio/scenario.hpp"

namespace regio {

// Columns sector, importer, exporter, share (any order, no others; province names as in the
// region CSV): π_pqs, the share of province p's sector-s purchases bought from province q, own
// purchases (q = p, trade between the regions of p included) too. Every ordered pair of the
// region CSV's provinces (p = q included) and every sector needs one row. Errors: unknown
// provinces or sectors (with the nearest name), a share that is not a finite number in [0, 1], a
// triple given twice, a missing triple, an importer's shares that do not sum to 1 within 1e-6, a
// zero own share, and a positive share in a direction that `no_trade` (the inherited
// trade.frictions and the starting trade.province_scales) closes with inf. Returns S×P×P
// (sector, importer, exporter) with every importer's row renormalised to sum to 1.
std::vector<double> read_province_trade_shares(
    const std::string& path, const std::map<std::string, int>& provinces, const std::vector<std::string>& province_list,
    const std::vector<std::string>& sectors,
    const std::vector<std::pair<std::string, const std::vector<TradeFriction>*>>& no_trade);

// The file regio calibrate writes for trade.province_scales: from_province,to_province,sector,scale
// for every ordered pair of different provinces (exporter from, importer to) and sector, scales in
// shortest round-trip notation (inf: no trade). `scale` is S×P×P (sector, importer, exporter).
void write_trade_scales(const std::string& path, const std::vector<std::string>& province_list,
                        const std::vector<std::string>& sectors, const std::vector<double>& scale);

}  // namespace regio
