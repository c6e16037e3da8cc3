// The output schema of an ensemble's folder (output_schema.hpp, namespace ensemble; `regio
// ensemble`, `regio shapley`, docs/ensembles.md): ensemble.yaml, members.csv, the bands and
// shapley.csv. Each member's own folder, members/<id>/, is a run folder of the schema above.
// The writers (src/io/ensemble_output.cpp, ensemble_results.cpp) take their names from here;
// tools/output_schema.json (`ensemble_files`) and docs/outputs.md are generated from it.
#include "regio/output_schema.hpp"

namespace regio::schema::ensemble {

constexpr ToProvince key = ToProvince::key, none = ToProvince::none;

// ---- ensemble.yaml ----------------------------------------------------------------------------
namespace ensemble_yaml {
const Column regio_version{"regio_version", "", "version of regio that ran (git describe)"};
const Column command{"command", "", "the command line"};
const Column design{"design", "", "`list`, `grid`, `quadrature`, `latin_hypercube` or `shapley`"};
const Column spec_file{"spec_file", "", "the ensemble spec (for `regio shapley`: the scenario)"};
const Column scenario_file{"scenario_file", "", "the scenario every member starts from"};
const Column rule{"rule", "", "quadrature: the rule (`stroud` or `axes`)", "", none, false, true};
const Column samples{"samples", "", "latin_hypercube: the number of draws", "", none, false, true};
const Column seed{"seed", "", "latin_hypercube: the seed of the draws", "", none, false, true};
const Column members{"members", "", "number of members (folders members/<id>/)"};
const Column epochs{"epochs", "", "every member's epochs, where the ensemble sets them", "", none, false, true};
const Column group_ranks{"group_ranks", "", "ranks per group: each member ran on a group of this many ranks"};
const Column groups{"groups", "", "groups that ran members concurrently (ranks / group_ranks)"};
const Column ranks{"ranks", "", "MPI ranks of the ensemble"};
const Column schedule{"schedule", "",
                      "`dynamic` (the next member to the first group that is free) or `static` (group g runs "
                      "members g, g + groups, ...)"};
const Column definition{"definition", "",
                        "hash of every member's run (scenario, parameters, policies, epochs, decomposition, PETSc "
                        "options): a rerun into this folder must have the same"};
const Column started{"started", "UTC", "when this invocation started"};
const Column members_complete_before{"members_complete_before", "",
                                     "members already complete when it started (kept, not run again)"};
const Column members_run{"members_run", "", "members this invocation ran (once it has ended)", "", none, false, true};
const Column finished{"finished", "UTC", "when it ended (once it has)", "", none, false, true};
const Column seconds{"seconds", "s", "wall time of this invocation (once it has ended)", "", none, false, true};
const Column error{"error", "", "why it failed or stopped, if it did", "", none, false, true};
const Column status{"status", "",
                    "the last line: `running`, then `complete` (after the bands or shapley.csv are written), "
                    "`failed` or `interrupted` (rerun the same command: complete members are kept)"};

constexpr const Column* kColumns[] = {&regio_version,
                                      &command,
                                      &design,
                                      &spec_file,
                                      &scenario_file,
                                      &rule,
                                      &samples,
                                      &seed,
                                      &members,
                                      &epochs,
                                      &group_ranks,
                                      &groups,
                                      &ranks,
                                      &schedule,
                                      &definition,
                                      &started,
                                      &members_complete_before,
                                      &members_run,
                                      &finished,
                                      &seconds,
                                      &error,
                                      &status};
const File file{"ensemble.yaml", "the ensemble's record, one key per line in this order", kColumns};
}  // namespace ensemble_yaml

// ---- members.csv ------------------------------------------------------------------------------
namespace members_csv {
const Column member{"member", "", "the member's id: its folder members/<id>/", "", key};
const Column weight{"weight", "", "its weight in the bands (the weights sum to 1)"};
const Column parameter{"<parameter>", "",
                       "one column per varied parameter, its value for this member as passed to `regio run --set`; "
                       "Shapley: one column per policy, 1 if in force, 0 if not"};
constexpr const Column* kColumns[] = {&member, &weight, &parameter};
const File file{"members.csv", "one row per member, in id order", kColumns};
}  // namespace members_csv

// ---- bands_national.csv, bands_regions.csv -------------------------------------------------------
// The statistics over the members (ensemble_statistics.hpp), the same in both files.
const Column variable{"variable", "", "the outcome: a column of the members' aggregates.csv (national) or regions.csv",
                      "", key};
const Column mean{"mean", "", "weighted mean over the members (the variable's unit)", "Σ_k w_k x_k"};
const Column sd{"sd", "", "weighted standard deviation", "√(Σ_k w_k (x_k − mean)²)"};
const Column p5{"p5", "", "5th percentile over the members (linear interpolation, NumPy's default)"};
const Column p50{"p50", "", "median"};
const Column p95{"p95", "", "95th percentile"};
const Column min{"min", "", "smallest value"};
const Column max{"max", "", "largest value"};

namespace bands_national_csv {
constexpr const Column* kColumns[] = {&schema::epoch, &schema::year, &variable, &mean, &sd, &p5,
                                      &p50,           &p95,          &min,      &max};
const File file{"bands_national.csv",
                "one row per epoch and aggregates.csv variable (in its column order): the bands of the national "
                "aggregates over the members; not for `shapley`",
                kColumns};
}  // namespace bands_national_csv

namespace bands_regions_csv {
constexpr const Column* kColumns[] = {
    &schema::epoch, &schema::year, &regions_csv::region, &regions_csv::province, &variable, &mean, &sd, &p5, &p50, &p95,
    &min,           &max};
const File file{"bands_regions.csv",
                "one row per epoch, region (CSV order) and regions.csv variable: the bands of every region's "
                "outcomes; written when the members write regions.csv; not for `shapley`",
                kColumns};
}  // namespace bands_regions_csv

// ---- shapley.csv ------------------------------------------------------------------------------
namespace shapley_csv {
const Column policy{"policy", "", "the policy: its name, or its kind (with #position where two share one)", "", key};
const Column contribution{"contribution", "",
                          "its Shapley value: the average over the orders of adding the policies of the change it "
                          "makes to the variable (the variable's unit)",
                          "φ_j = Σ_{S∌j} |S|!(K−|S|−1)!/K! (v(S∪j) − v(S))"};
const Column total{"total", "", "the change with every policy against none; the contributions add up to it",
                   "v(all) − v(none)"};
// The variables decomposed: aggregates.csv columns.
constexpr const Column* kVariables[] = {&aggregates_csv::gdp,           &aggregates_csv::real_gdp,
                                        &aggregates_csv::welfare,       &aggregates_csv::theil,
                                        &aggregates_csv::migrant_share, &aggregates_csv::internal_trade_share};
constexpr const Column* kColumns[] = {&variable, &schema::epoch, &policy, &contribution, &total};
const std::span<const Column* const> variables = kVariables;
const File file{"shapley.csv",
                "`shapley` only: one row per variable (the rows below, aggregates.csv columns), epoch and policy, in "
                "that order; v(S) is the variable at the epoch with the policies S in force",
                kColumns,
                {},
                {},
                {},
                kVariables};
}  // namespace shapley_csv

// ---- shapley_welfare.csv ----------------------------------------------------------------------
namespace shapley_welfare_csv {
const Column channel{"channel", "",
                     "a welfare channel (welfare_terms.csv's: amenity, trade, ..., migration) or `composition` "
                     "(docs/welfare.md)",
                     "", key};
const Column contribution{"contribution", "",
                          "the policy's Shapley value in the channel's part of the national welfare change (welfare's "
                          "unit, a log: 0.01 ≈ 1 %); over the channels they add up to its welfare contribution in "
                          "shapley.csv",
                          "φ_jk"};
const Column total{"total", "",
                   "the channel's part of the welfare change with every policy against none; over the policies the "
                   "contributions add up to it"};
constexpr const Column* kColumns[] = {&schema::epoch, &shapley_csv::policy, &channel, &contribution, &total};
const File file{"shapley_welfare.csv",
                "`shapley` with --welfare-terms only: one row per epoch, policy and channel: who changed welfare "
                "through which channel",
                kColumns};
}  // namespace shapley_welfare_csv

namespace {
constexpr const File* kFiles[] = {&ensemble_yaml::file,     &members_csv::file, &bands_national_csv::file,
                                  &bands_regions_csv::file, &shapley_csv::file, &shapley_welfare_csv::file};
}  // namespace

std::span<const File* const> files() { return kFiles; }

}  // namespace regio::schema::ensemble
