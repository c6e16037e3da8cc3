#pragma once
// The scenario: every model parameter of MODEL.md §2–§3 plus run settings.
// Names, defaults, ranges and docs live in ONE table (parameters.cpp); the structs below only
// hold values. Scenario::defaults() fills them from that table.
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "regio/policy.hpp"

namespace regio {

struct SectorParams {
  std::string name;
  double theta = 0;                              // θ_s   trade elasticity
  double labor_share = 0;                        // α_s
  double capital_share = 0;                      // β_s
  double consumption_share = 0;                  // η_s
  double agglomeration = 0;                      // γ_s
  double productivity_growth = 0;                // g_s   (log points per epoch)
  bool agricultural = false;                     // counts as rural employment in the urbanization proxy
  double given_land_share = std::nan("");        // λ_s when the scenario gives it (NaN: the remainder)
  std::vector<double> intermediate_shares = {};  // ι_sk in sector order (MODEL.md §9); empty = all 0
  std::string labour_group = {};                 // g(s): its labour group (MODEL.md §10; "" without groups)

  // Σ_k ι_sk (0 without intermediates).
  double intermediate_total() const {
    double t = 0;
    for (double v : intermediate_shares) t += v;
    return t;
  }
  bool uses_intermediates() const { return intermediate_total() > 0; }
  // λ_s as given, else the remainder 1 − α_s − β_s − Σ_k ι_sk; shares that add up to 1 in
  // decimal notation leave round-off (0.7 + 0.3 ≠ 1 in binary), which must not switch on a land
  // market: |λ| < 1e-12 is 0.
  double land_share() const {
    if (!std::isnan(given_land_share)) return given_land_share;
    double l = 1.0 - labor_share - capital_share;
    if (uses_intermediates()) l -= intermediate_total();
    return std::abs(l) < 1e-12 ? 0.0 : l;
  }

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& name& theta& labor_share& capital_share& consumption_share& agglomeration& productivity_growth& agricultural&
        given_land_share& intermediate_shares& labour_group;
  }
};

struct HouseholdParams {
  double housing_share = 0;               // δ_h
  double saving_rate = 0;                 // σ
  std::string land_income = "residents";  // MODEL.md §11: residents or stayers
  bool stayers() const { return land_income == "stayers"; }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& housing_share& saving_rate& land_income;
  }
};

struct CapitalParams {
  double depreciation = 0;           // δ_k
  double home_bias = 0;              // ϕ
  double allocation_elasticity = 0;  // ν
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& depreciation& home_bias& allocation_elasticity;
  }
};

// One directed province-pair trade-cost factor of trade.frictions (MODEL.md §12), resolved to
// indices: τ_nis is multiplied by tau for exporters i of province p and importers n of province q
// in sector s (+inf: no trade). The reader lists both directions of a pair given once.
struct TradeFriction {
  int p = 0, q = 0, sector = 0;
  double tau = 1;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& p& q& sector& tau;
  }
};

// One province's migration-cost scales of migration.province_costs, resolved to its index:
// within_scale multiplies μ_od for o ≠ d both in the province, between_scale enters the term
// of moves between it and another province as √(between_p · between_q) (docs/calibration.md).
struct ProvinceMigrationCost {
  int province = 0;
  double within_scale = 1, between_scale = 1;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& province& within_scale& between_scale;
  }
};

struct TradeParams {
  double d0_km = 0;                // d0
  double distance_elasticity = 0;  // φ_s (common to all sectors)
  double border_cost = 0;          // b_s (common to all sectors)
  std::string frictions;           // province-pair trade-cost factors CSV ("" = none; MODEL.md §12)
  std::string province_scales;     // province-pair scales of the inherited trade costs CSV ("" = none)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& d0_km& distance_elasticity& border_cost& frictions& province_scales;
  }
};

// Transport network (MODEL.md §1): optional links and the cost factor per km of each mode.
struct NetworkParams {
  std::string file;  // network CSV ("" = none)
  double road = 1, rail = 0.8, high_speed_rail = 0.5, waterway = 0.4;
  double mode_cost(const std::string& mode) const;  // throws InputError for an unknown mode
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& file& road& rail& high_speed_rail& waterway;
  }
};

// Rest of the world (MODEL.md §5, docs/policies.md): one partner W with fixed prices p_W = 1,
// reached through the nearest port: τ_nW = t_W (1 + D_n,port/d0)^φ (D = 0 for a port region).
struct ExternalParams {
  bool enabled = false;
  double trade_cost = 1;            // t_W
  double net_exports = 0;           // NX / GDP
  std::string cold_start = "auto";  // first solve: auto (direct, gradual if that fails) | gradual
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& enabled& trade_cost& net_exports& cold_start;
  }
};

// One directed province-pair migration-cost factor of migration.frictions (MODEL.md §12):
// μ_od is multiplied by mu for hukou origins o of province p and destinations d of province q
// (+inf: no migration).
struct MigrationFriction {
  int p = 0, q = 0;
  double mu = 1;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& p& q& mu;
  }
};

struct MigrationParams {
  bool enabled = true;
  double elasticity = 0;           // ε
  double moving_cost = 0;          // μ_0
  double distance_elasticity = 0;  // φ_m
  double border_cost = 0;          // b_m
  double hukou_barrier = 0;        // h_d (default for every destination)
  double conversion_rate = 0;      // ρ_d (default for every destination)
  double amenity_convergence = 0;  // β_B (MODEL.md §14)
  std::string frictions;           // province-pair migration-cost factors CSV ("" = none; MODEL.md §12)
  std::string province_costs;      // province migration-cost scales CSV ("" = none)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& enabled& elasticity& moving_cost& distance_elasticity& border_cost& hukou_barrier& conversion_rate&
        amenity_convergence& frictions& province_costs;
  }
};

// Labour groups and hukou types (MODEL.md §10; docs/labour-groups.md). Without a units file the
// economy has one labour market per region (Part I).
struct LabourParams {
  std::string units;            // units CSV (region, group, share[, amenity][, land]); "" = one group
  std::string land = "region";  // region (one land market) | by_group (H_ig, q_ig)
  std::string group_costs;      // group switching costs CSV (from_group, to_group, within, between); "" = 1
  bool grouped() const { return !units.empty(); }
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& units& land& group_costs;
  }
};

// What `regio calibrate` reproduces besides population and GDP (docs/calibration.md).
struct CalibrationParams {
  std::string migrants;      // census migrants by unit CSV ("" = none): calibrate province migration costs
  std::string trade_shares;  // province trade shares CSV ("" = none): calibrate province-pair trade scales
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& migrants& trade_shares;
  }
};

struct ProductivityParams {
  double spillover = 0;    // κ
  int neighbours = 0;      // k of the k-nearest-neighbour weights W
  double convergence = 0;  // β_A (MODEL.md §14)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& spillover& neighbours& convergence;
  }
};

struct PopulationParams {
  double growth = 0;  // g^L
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& growth;
  }
};

struct SolverParams {
  double rtol = 0;
  double atol = 0;
  int max_iterations = 0;
  std::string petsc_options;                // inserted before the command line's, which therefore win
  std::string kernels;                      // stored | on_the_fly | auto
  std::string kernel_precision = "double";  // double | single (kernel rows rounded to float)
  bool local_own_market = true;             // local clearing exact in the region's own purchases
  int recycle = 0;                          // Krylov pairs kept across linear solves (0: off)
  bool recycle_across_epochs = true;        // ... and from one epoch's solve to the next
  bool province_coarse = true;              // province-aggregate coarse correction of the preconditioner
  int province_coarse_refresh = 8;  // re-probe it after a linear solve of more Krylov iterations (0: every solve)
  int warm_start_order = 3;         // warm start from the polynomial through the last 1–4 solutions (0–3)
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& rtol& atol& max_iterations& petsc_options& kernels& kernel_precision& local_own_market& recycle&
        recycle_across_epochs& province_coarse& province_coarse_refresh& warm_start_order;
  }
};

struct Scenario {
  std::string source_file;    // the YAML it came from ("" if built in code)
  std::string regions;        // region CSV path (resolved relative to the YAML)
  std::string decomposition;  // decomposition YAML path or "" / "auto"
  int epochs = 0;
  int start_year = 0;
  std::string output;                  // output folder
  bool scale_to_observed_gdp = false;  // MODEL.md §6 level normalisation of Ā
  int checkpoint_every = 0;            // epochs between checkpoints (0: only on SIGTERM/SIGUSR1)
  std::string output_format;           // region panel: auto | csv | hdf5 | both
  std::vector<SectorParams> sectors;
  HouseholdParams households;
  CapitalParams capital;
  TradeParams trade;
  NetworkParams network;
  ExternalParams external;
  MigrationParams migration;
  ProductivityParams productivity;
  PopulationParams population;
  SolverParams solver;
  CalibrationParams calibration;
  LabourParams labour;
  std::vector<Policy> policies;                                 // MODEL.md §4 (resolved on rank 0 before distribution)
  std::vector<TransportLinkSpec> network_links;                 // read from network.file on rank 0
  std::vector<TradeFriction> trade_frictions;                   // read from trade.frictions on rank 0
  std::vector<MigrationFriction> migration_frictions;           // read from migration.frictions on rank 0
  std::vector<ProvinceMigrationCost> province_migration_costs;  // read from migration.province_costs on rank 0
  std::vector<double> census_within, census_other;              // read from calibration.migrants on rank 0 (CSV order)
  std::vector<TradeFriction> trade_scales;                      // read from trade.province_scales on rank 0
  // Observed province trade shares π_pqs of calibration.trade_shares (importer p, exporter q), S×P×P
  // in the region CSV's province order, rows summing to 1; read on rank 0.
  std::vector<double> province_trade_shares;

  // All defaults from the parameter table, with the default three-sector economy.
  static Scenario defaults();
  // Cross-parameter checks (shares sum, λ_s ≥ 0, ...). Throws InputError naming `where`.
  void validate(const std::string& where) const;

  std::size_t num_sectors() const { return sectors.size(); }
  bool uses_capital() const;        // some β_s > 0
  bool uses_land() const;           // some λ_s > 0 or δ_h > 0
  bool uses_intermediates() const;  // some ι_sk > 0 (MODEL.md §9)

  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar& source_file& regions& decomposition& epochs& start_year& output& scale_to_observed_gdp& checkpoint_every&
        output_format& sectors& households& capital& trade& network& external& migration& productivity& population&
            solver& calibration& labour& policies& network_links& trade_frictions& migration_frictions&
                province_migration_costs& census_within& census_other& trade_scales& province_trade_shares;
  }
};

// Load and validate a scenario YAML (collective-safe: pure function of the file).
// Throws InputError "file:line: ..." for malformed YAML, unknown keys (with the nearest valid
// key), wrong types, non-finite or out-of-range values.
Scenario load_scenario(const std::string& path);
Scenario parse_scenario(const std::string& yaml_text, const std::string& file_label, const std::string& base_dir);

// YAML text of the resolved scenario (every parameter, including defaults).
std::string scenario_to_yaml(const Scenario& s, int indent = 0);

// Markdown table of all parameters (generated docs: `regio params`).
std::string parameters_markdown();

}  // namespace regio
