// The output schema (output_schema.hpp): names, units and meanings of every column, key and
// dataset of a run's output folder. Changing a name here changes the files regio writes, what
// `regio compare` reads and, once regenerated, tools/output_schema.json and docs/outputs.md.
// The units (money, capital, fraction, ...) are explained at the top of docs/outputs.md.
#include "regio/output_schema.hpp"

namespace regio::schema {

using enum ToProvince;

const Column epoch{"epoch", "", "epoch index (0-based)", "", key};
const Column year{"year", "year", "calendar year: start_year + epoch", "", key};

// ---- regions.csv ------------------------------------------------------------------------------
namespace regions_csv {
const Column region{"region", "", "region id from the region CSV", "", key};
const Column province{"province", "", "province name from the region CSV", "", key};
const Column population{"population", "persons", "resident population", "L_i", sum};
const Column registered{"registered", "persons", "hukou-registered population", "R_i", sum};
const Column migrants_in{"migrants_in", "persons", "residents registered in another region", "L_i − L_ii", sum};
const Column migrants_out{"migrants_out", "persons", "people registered here living elsewhere", "R_i − L_ii", sum};
const Column employment{"employment_", "persons", "employment in the sector", "E_is = α_s R_is / w_i", sum, true};
const Column wage{"wage", "money/person", "wage per resident worker", "w_i", mean};
const Column capital_rent{"capital_rent", "money/capital", "rental rate of capital (1 if no sector uses capital)",
                          "r_i", mean};
const Column land_rent{"land_rent", "money/km²", "land rent per km² (1 if land is unused)", "q_i", mean};
const Column price_index{"price_index", "", "goods price index", "P_i = Π_s P_is^η_s", mean};
const Column gdp{"gdp", "money", "value added", "Σ_s R_is + δ_h I_i", sum};
const Column gdp_pc{"gdp_pc", "money/person", "GDP per resident", "GDP_i / L_i", ratio};
const Column income{"income", "money", "resident income", "I_i = w L + r K + q H + T", sum};
const Column transfer{
    "transfer", "money", "fiscal transfer received (negative: paid; 0 without fiscal_transfer policies; Σ = 0)",
    "T_i",      none,    false,
    true};
const Column exports{
    "exports", "money", "sales to the rest of the world (0 unless external.enabled)", "Σ_s π_Wis X_Ws", none,
    false,     true};
const Column imports{"imports", "money", "purchases from the rest of the world", "Σ_s π_iWs X_is", none, false, true};
const Column real_income_pc{"real_income_pc", "money/person", "real income per resident",
                            "v_i = (I_i/L_i) / (P_i^(1−δ_h) q_i^δ_h)", mean};
const Column own_trade_share{"own_trade_share", "fraction", "expenditure-weighted share of goods bought locally",
                             "Σ_s X_is π_iis / Σ_s X_is", mean};
const Column capital{"capital", "capital", "capital stock at the start of the epoch", "K_i", sum};
const Column utility{"utility", "", "amenity-weighted real income", "U_i = B_i v_i", mean};
const Column gross_output{
    "gross_output", "money", "gross output, value added plus intermediate use (only with `intermediate_shares`)",
    "Σ_s R_is",     sum,     false,
    true,           true};
const Column intermediate_use{"intermediate_use",
                              "money",
                              "intermediate inputs bought by the region's producers (only with `intermediate_shares`)",
                              "Σ_s Σ_k ι_sk R_is",
                              sum,
                              false,
                              true,
                              true};

constexpr const Column* kColumns[] = {&epoch,           &year,        &region,       &province,     &population,
                                      &registered,      &migrants_in, &migrants_out, &employment,   &wage,
                                      &capital_rent,    &land_rent,   &price_index,  &gdp,          &gdp_pc,
                                      &income,          &transfer,    &exports,      &imports,      &real_income_pc,
                                      &own_trade_share, &capital,     &utility,      &gross_output, &intermediate_use};
const File file{"regions.csv", "one row per epoch and region (CSV order within an epoch)", kColumns};
}  // namespace regions_csv

// ---- aggregates.csv ---------------------------------------------------------------------------
namespace aggregates_csv {
const Column gdp{"gdp", "money", "Σ_i GDP_i"};
const Column real_gdp{"real_gdp", "money", "Σ_i GDP_i / P_i"};
const Column population{"population", "persons", "Σ_i L_i (= Σ_o R_o)"};
const Column migrant_share{"migrant_share", "fraction", "share of residents living outside their hukou region"};
const Column interprovincial_migrant_share{"interprovincial_migrant_share", "fraction",
                                           "share living outside their hukou province"};
const Column urbanization{"urbanization", "fraction",
                          "1 − agricultural employment share (sectors with `agricultural: true`; `nan` if none)"};
const Column internal_trade_share{"internal_trade_share", "fraction",
                                  "share of goods spending bought from other regions (imports are in `import_share`)"};
const Column interprovincial_trade_share{"interprovincial_trade_share", "fraction",
                                         "share of goods spending bought from other provinces"};
const Column welfare{"welfare", "",
                     "registered-weighted expected utility (1/ε) log Σ_k (U_k/μ_ok)^ε; without migration, "
                     "population-weighted mean log U"};
const Column theil{"theil", "", "population-weighted Theil T of GDP per capita"};
const Column gini{"gini", "", "population-weighted Gini of GDP per capita"};
const Column cv{"cv", "", "population-weighted coefficient of variation of GDP per capita"};
const Column maxmin_ratio{"maxmin_ratio", "", "max / min of GDP per capita over regions"};
const Column theil_income{"theil_income",
                          "",
                          "population-weighted Theil T of income per resident I_n/L_n (after fiscal transfers)",
                          "",
                          none,
                          false,
                          true};
const Column gini_income{"gini_income", "",  "population-weighted Gini of income per resident I_n/L_n", "", none,
                         false,         true};
const Column transfers{"transfers", "money", "gross fiscal transfers Σ_n max(T_n, 0)", "", none, false, true};
const Column import_share{
    "import_share", "fraction", "imports from the rest of the world / goods spending (0 without it)", "", none,
    false,          true};
const Column export_share{"export_share", "fraction", "exports to the rest of the world / GDP", "", none, false, true};

constexpr const Column* kColumns[] = {&epoch,
                                      &year,
                                      &gdp,
                                      &real_gdp,
                                      &population,
                                      &migrant_share,
                                      &interprovincial_migrant_share,
                                      &urbanization,
                                      &internal_trade_share,
                                      &interprovincial_trade_share,
                                      &welfare,
                                      &theil,
                                      &gini,
                                      &cv,
                                      &maxmin_ratio,
                                      &theil_income,
                                      &gini_income,
                                      &transfers,
                                      &import_share,
                                      &export_share};
const File file{"aggregates.csv", "one row per epoch", kColumns};
}  // namespace aggregates_csv

// ---- migration.csv ----------------------------------------------------------------------------
namespace migration_csv {
const Column origin{"origin", "", "hukou (registration) province"};
const Column destination{"destination", "", "province of residence (≠ origin)"};
const Column migrants{"migrants", "persons",
                      "persons registered in `origin` living in `destination`: Σ_{o∈origin, d∈destination} L_od "
                      "(a stock, not a yearly flow)"};

constexpr const Column* kColumns[] = {&epoch, &year, &origin, &destination, &migrants};
const File file{"migration.csv",
                "one row per epoch and ordered pair of provinces; written when migration is on and there are at most "
                "300 provinces",
                kColumns};
}  // namespace migration_csv

// ---- solver.csv -------------------------------------------------------------------------------
namespace solver_csv {
const Column nonlinear_iterations{"nonlinear_iterations", "", "SNES iterations (Newton steps by default)"};
const Column linear_iterations{"linear_iterations", "", "total Krylov (GMRES) iterations"};
const Column residual_evaluations{"residual_evaluations", "",
                                  "evaluations of the national residual (each includes N local clearings)"};
const Column residual_norm{"residual_norm", "", "final ‖G‖₂ (log units)"};
const Column seconds{"seconds", "s", "wall time of the epoch's solve"};
const Column reason{"reason", "", "SNES converged reason"};
const Column initial_residual_norm{
    "initial_residual_norm",
    "",
    "‖G‖₂ where Newton started (log units): how far the epoch's starting point was from its solution; for a warm "
    "start, what `solver.warm_start_order` reduces (docs/numerics.md)",
    "",
    none,
    false,
    true};

constexpr const Column* kColumns[] = {
    &epoch,   &year,   &nonlinear_iterations, &linear_iterations, &residual_evaluations, &residual_norm,
    &seconds, &reason, &initial_residual_norm};
const File file{"solver.csv", "one row per epoch", kColumns};
}  // namespace solver_csv

// ---- welfare_terms.csv ------------------------------------------------------------------------
// The channels of each origin's welfare (welfare_terms.hpp; docs/welfare.md): their names are
// welfare_channels()'s, which the writer checks.
namespace welfare_terms_csv {
const Column weight{"weight", "persons",
                    "the region's weight in national welfare: registered (residents without migration)", "R_o"};
const Column welfare{"welfare", "", "welfare of the region's hukou holders, the sum of the channels after it",
                     "W_o = (1/ε) log Σ_k (U_k/μ_ok)^ε"};
const Column amenity{"amenity", "", "amenity", "log B_o"};
const Column trade{"trade", "", "ACR's own-trade-share term (with the own trade costs τ_oos, fixed)",
                   "−(1−δ_h) Σ_s η_s ((1/θ_s) log π_oos + log τ_oos)"};
const Column technology{"technology", "", "productivity, agglomeration included", "(1−δ_h) Σ_s η_s log A_os"};
const Column factor_prices{"factor_prices", "", "the wage against the unit costs of goods and housing",
                           "log w_o − (1−δ_h) Σ_s η_s log c_os − δ_h log q_o"};
const Column capital_income{"capital_income", "", "capital income on top of wages", "log((wL + rK)/(wL))"};
const Column land_income{"land_income", "", "land and housing rents on top", "log((I − T)/(wL + rK))"};
const Column transfers{"transfers", "", "fiscal transfers on top", "log(I/(I − T))"};
const Column migration{"migration", "", "the option value of moving (0 without migration)", "−(1/ε) log m_oo"};

constexpr const Column* kChannels[] = {&amenity,        &trade,       &technology, &factor_prices,
                                       &capital_income, &land_income, &transfers,  &migration};
constexpr const Column* kColumns[] = {
    &epoch, &year,       &regions_csv::region, &regions_csv::province, &weight,      &welfare,   &amenity,
    &trade, &technology, &factor_prices,       &capital_income,        &land_income, &transfers, &migration};
const std::span<const Column* const> channels = kChannels;
const File file{"welfare_terms.csv",
                "with `regio run --welfare-terms`: one row per epoch and region (CSV order), its welfare and the "
                "channels that add up to it (docs/welfare.md)",
                kColumns};
}  // namespace welfare_terms_csv

// ---- units.csv --------------------------------------------------------------------------------
// Labour groups (MODEL.md §10; docs/labour-groups.md): one row per epoch, region and group.
namespace units_csv {
const Column group{"group", "", "labour group (labour.units)", "g", key};
const Column registered{"registered", "persons", "hukou holders of the unit at the start of the epoch", "R_ig"};
const Column employment{"employment", "persons", "residents of the unit (workers of group g living in i)", "L_ig"};
const Column wage{"wage", "numeraire", "wage of group g in region i", "w_ig"};
const Column land_rent{"land_rent", "numeraire", "rent of the land group g uses (the region's with one land market)",
                       "q_ig"};
const Column real_income{"real_income", "", "real income of a resident (a newcomer's under land_income: stayers)",
                         "v_ig"};
const Column amenity{"amenity", "",
                     "amenity of the unit: the region's B_i times the units file's factor, or inverted from its "
                     "residents column (docs/labour-groups.md)",
                     "B_ig"};
const Column utility{"utility", "", "amenity times real income", "U_ig = B_ig v_ig"};
const Column migrants_out{"migrants_out", "persons", "the unit's hukou holders living in another region",
                          "R_ig Σ_{d≠i,g'} m_{ig,dg'}"};
const Column expected_utility{"expected_utility", "", "welfare of the unit's hukou holders",
                              "(1/ε) log D_ig, log U_ig without migration"};
constexpr const Column* kColumns[] = {&epoch,
                                      &year,
                                      &regions_csv::region,
                                      &regions_csv::province,
                                      &group,
                                      &registered,
                                      &employment,
                                      &wage,
                                      &land_rent,
                                      &real_income,
                                      &amenity,
                                      &utility,
                                      &migrants_out,
                                      &expected_utility};
const File file{"units.csv",
                "with labour groups (labour.units): one row per epoch, region (CSV order) and group (the units "
                "file's order)",
                kColumns};
}  // namespace units_csv

// ---- run.yaml ---------------------------------------------------------------------------------
namespace run_yaml {
const Column regio_version{"regio_version", "", "version of regio that ran (git describe)"};
const Column kernel_products{"kernel_products", "",
                             "CPU code path of the kernel-row products on rank 0: portable, avx2 or avx512 (every "
                             "path gives bitwise the same results, README \"CPU code paths\")"};
const Column kernel_math{"kernel_math", "",
                         "vector width of the kernel rows' exp, log1p and asin on rank 0: scalar, sse2, avx or "
                         "avx512 (bitwise the same at every width)"};
const Column kernel_storage{"kernel_storage",
                            "",
                            "what `solver.kernels` chose: stored, on_the_fly or mixed (the log's `kernels:` line "
                            "says why)",
                            "",
                            none,
                            false,
                            true};
const Column kernel_stored_ranks{
    "kernel_stored_ranks", "", "how many ranks store their kernel rows", "", none, false, true};
const Column command{"command", "", "the command line"};
const Column scenario_file{"scenario_file", "", "the scenario YAML as given on the command line"};
const Column ranks{"ranks", "", "MPI ranks"};
const Column regions{"regions", "", "number of regions"};
const Column decomposition_imbalance{
    "decomposition_imbalance", "", "max/mean regions per rank: the busiest rank sets the pace", "", none, false, true};
const Column epochs{"epochs", "", "epochs of the run"};
const Column epochs_done{"epochs_done", "", "epochs written so far"};
const Column restarted_from{
    "restarted_from", "", "the checkpoint this run continues (restarts only)", "", none, false, true};
const Column first_epoch{"first_epoch", "", "the first epoch this run computed (restarts only)", "", none, false, true};
const Column started{"started", "UTC", "when the run started"};
const Column finished{"finished", "UTC", "when the run ended (once it has)", "", none, false, true};
const Column decomposition{"decomposition", "", "the decomposition used: ranks and the provinces of each rank"};
const Column scenario{"scenario", "",
                      "the resolved scenario: every parameter, defaults included (re-running it reproduces the run)"};
const Column error{"error", "", "the error message, if the run failed", "", none, false, true};
const Column status{"status", "",
                    "the last line: `running` while the run is going, `complete`, `interrupted` (a signal; continue it "
                    "with --restart) or `failed` at the end (docs/guarantees.md)"};
const Column run_id{"run_id", "",
                    "the run's identity (16 hex digits), also in each of its checkpoints: a restart continues the run "
                    "whose run.yaml has the checkpoint's id"};

constexpr const Column* kColumns[] = {&regio_version,
                                      &run_id,
                                      &kernel_products,
                                      &kernel_math,
                                      &kernel_storage,
                                      &kernel_stored_ranks,
                                      &command,
                                      &scenario_file,
                                      &ranks,
                                      &regions,
                                      &decomposition_imbalance,
                                      &epochs,
                                      &epochs_done,
                                      &restarted_from,
                                      &first_epoch,
                                      &started,
                                      &finished,
                                      &decomposition,
                                      &scenario,
                                      &error,
                                      &status};
const File file{"run.yaml", "the run record, one key per line in this order (decomposition and scenario are maps)",
                kColumns};
}  // namespace run_yaml

// ---- regions.h5 -------------------------------------------------------------------------------
namespace regions_h5 {
const Dataset column{"<column>", "float64", "[epochs, N]",
                     "one dataset per regions.csv column after `province` (population, ..., utility); row = epoch, "
                     "column = region in CSV order"};
const Dataset id{"id", "string", "[N]", "region ids in CSV order (fixed-length UTF-8)", &regions_csv::region};
const Dataset province{"province", "string", "[N]", "provinces in CSV order (fixed-length UTF-8)",
                       &regions_csv::province};
const Dataset year{"year", "int64", "[epochs]", "calendar year of each row", &schema::year};
const Dataset start_year{"start_year", "int64", "scalar", "calendar year of epoch 0"};
const Dataset regions{"regions", "int64", "scalar", "number of regions N"};

constexpr const Dataset* kDatasets[] = {&column, &id, &province, &year};
constexpr const Dataset* kAttributes[] = {&start_year, &regions};
const File file{"regions.h5",
                "the region panel in parallel HDF5, written instead of regions.csv when `output_format: hdf5` (or "
                "`auto` with more than 10,000 regions; `both` writes both)",
                {},
                "regions",
                kDatasets,
                kAttributes};
}  // namespace regions_h5

// ---- the whole folder -------------------------------------------------------------------------
namespace {
constexpr const File* kFiles[] = {&regions_csv::file,   &regions_h5::file, &aggregates_csv::file,
                                  &migration_csv::file, &solver_csv::file, &welfare_terms_csv::file,
                                  &units_csv::file,     &run_yaml::file};
}  // namespace

std::span<const File* const> files() { return kFiles; }

std::string_view to_string(ToProvince rule) {
  switch (rule) {
    case none:
      return "none";
    case key:
      return "key";
    case sum:
      return "sum";
    case mean:
      return "mean";
    case ratio:
      return "ratio";
  }
  return "none";
}

std::string display_name(const Column& column) {
  return std::string(column.name) + (column.per_sector ? "<sector>" : "");
}

std::vector<std::string> column_names(const File& file, const std::vector<std::string>& sectors, bool intermediates) {
  std::vector<std::string> names;
  for (const Column* c : file.columns) {
    if (c->with_intermediates && !intermediates) continue;
    if (!c->per_sector)
      names.emplace_back(c->name);
    else
      for (const auto& s : sectors) names.push_back(std::string(c->name) + s);
  }
  return names;
}

}  // namespace regio::schema
