#include "regio/grouped_run.hpp"

#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "regio/base_year_export.hpp"
#include "regio/collectives.hpp"
#include "regio/epoch_driver.hpp"
#include "regio/gather_ordered.hpp"
#include "regio/grouped_builder.hpp"
#include "regio/job_abort.hpp"
#include "regio/output.hpp"
#include "regio/output_file.hpp"
#include "regio/output_schema.hpp"
#include "regio/policy_schedule.hpp"
#include "regio/run_folder.hpp"
#include "regio/run_log.hpp"
#include "regio/unit_amenities.hpp"
#include "regio/version.hpp"

namespace regio {

std::string grouped_command_problem(const RunOptions& opt, const Scenario& sc) {
  if (!opt.restart.empty()) return "--restart: runs with labour groups write no checkpoints yet; rerun from epoch 0";
  if (sc.checkpoint_every != 0)
    return "checkpoint_every: runs with labour groups write no checkpoints yet; set it to 0";
  if (opt.welfare_terms) return "--welfare-terms: the welfare channels are not derived for labour groups yet";
  if (sc.output_format != "csv" && sc.output_format != "auto")
    return fmt::format("output_format is {}: runs with labour groups write CSV; set it to csv", sc.output_format);
  if (!opt.export_base.empty())
    for (const auto& s : sc.sectors)
      if (s.agglomeration != 0)
        return fmt::format(
            "--export-base: sector '{}' has agglomeration {}, which the hat mode has not (its "
            "counterfactuals would not be this economy's); drop --export-base or the agglomeration",
            s.name, s.agglomeration);
  return grouped_run_problem(sc);
}

namespace {

// The grouped run's epochs and outputs (rank 0 writes; every rank solves).
class GroupedRun {
 public:
  GroupedRun(const boost::mpi::communicator& comm, const RunOptions& opt, const Scenario& sc, Simulation& sim,
             std::string run_id, std::chrono::steady_clock::time_point start)
      : comm_(comm), opt_(opt), sc_(sc), sim_(sim), run_id_(std::move(run_id)), start_(start) {}
  int run();

 private:
  void build();
  void set_up_outputs();
  std::vector<double> resident_targets() const;
  void calibrate_amenities(const std::vector<double>& target);
  void enact_policies(int e);
  void epoch(int e);
  void advance(int e);
  std::string unit_rows(int e, const std::vector<UnitOutcome>& all) const;
  void check_units_finite(const std::string& when, const std::vector<UnitOutcome>& mine) const;
  void fail(const std::exception& err);
  bool root() const { return comm_.rank() == 0; }

  const boost::mpi::communicator& comm_;
  const RunOptions& opt_;
  const Scenario& sc_;
  Simulation& sim_;
  std::string run_id_;
  std::chrono::steady_clock::time_point start_;
  LabourUnits units_;
  GroupedEconomy economy_;
  std::unique_ptr<GroupedSystem> system_;
  std::vector<double> x_;
  std::unique_ptr<PolicySchedule> schedule_;
  std::vector<double> residents_;            // L*_ng from the units file's residents (N × G), or empty
  std::vector<double> conversion_, growth_;  // ρ and g^L of every unit (N × G)
  std::optional<RunFolder> folder_;          // rank 0
  std::optional<OutputWriter> out_;          // rank 0
  OutputFile units_csv_;                     // rank 0
};

void GroupedRun::build() {
  GroupCosts costs;
  const auto& st = sim_.state();
  on_root(comm_, [&] {
    units_ = read_labour_units(sc_.labour.units, sim_.geography().id, sc_.regions, sc_.labour.land == "by_group");
    costs = sc_.labour.group_costs.empty() ? unit_group_costs(units_.G())
                                           : read_group_costs(sc_.labour.group_costs, units_.groups);
    grouped_parameters(sc_, units_.groups);  // every sector's labour_group a group of the file (rank 0's verdict)
  });
  boost::mpi::broadcast(comm_, units_, 0);
  boost::mpi::broadcast(comm_, costs, 0);
  bool drifts = false;
  for (const auto& r : st.records) drifts = drifts || r.productivity_drift != 0 || r.amenity_drift != 0;
  if (any_rank(comm_.operator MPI_Comm(), drifts))
    raise_on_all_ranks(InputError(fmt::format(
        "{}: regions with productivity_drift or amenity_drift: runs with labour groups do not carry history "
        "drifts yet; use a region CSV without them",
        sc_.regions)));
  const auto& layout = sim_.layout();
  economy_ = build_grouped_economy(sc_, units_, costs, st, sim_.geography(), sim_.system().kernels().rows(), layout);
  residents_ = resident_targets();
  if (!residents_.empty()) economy_.employment = residents_;  // the first solve's starting point
  system_ = std::make_unique<GroupedSystem>(economy_, layout);
  x_ = system_->initial_guess();
  schedule_ = std::make_unique<PolicySchedule>(sim_.scenario(), sim_.geography());  // its policies resolved
  std::vector<double> grow(st.size()), grow_all;
  for (std::size_t j = 0; j < st.size(); ++j) {
    const double g = st.records[j].natural_growth;
    grow[j] = std::isnan(g) ? sc_.population.growth : g;
  }
  layout.allgather(grow.data(), 1, grow_all);
  for (double g : grow_all) growth_.insert(growth_.end(), static_cast<std::size_t>(units_.G()), g);
}

// L*_ng of the units file's residents shares: the region CSV's residents split by group, scaled
// so that Σ L* = Σ R (the model's residents are its registered persons); empty without them.
std::vector<double> GroupedRun::resident_targets() const {
  if (units_.residents.empty()) return {};
  if (!sc_.migration.enabled)
    raise_on_all_ranks(
        InputError(fmt::format("{}: the labour units file has a residents column but migration is "
                               "off, so residents equal the registered: drop the column",
                               sc_.labour.units)));
  std::vector<double> population;
  sim_.layout().allgather(sim_.state().population.data(), 1, population);
  const auto G = static_cast<std::size_t>(units_.G());
  double residents = 0, registered = 0;
  for (double p : population) residents += p;
  for (double r : economy_.registered) registered += r;
  std::vector<double> target(economy_.registered.size());
  for (std::size_t u = 0; u < target.size(); ++u)
    target[u] = units_.residents[u] * population[u / G] * registered / residents;
  return target;
}

// Amenities by unit from residents (unit_amenities.hpp), before the first epoch.
void GroupedRun::calibrate_amenities(const std::vector<double>& target) {
  const auto cal = calibrate_unit_amenities(economy_, *system_, x_, target, sim_.layout());
  if (root() && !opt_.quiet)
    std::printf(
        "amenities by unit: inverted from %s's residents in %d solves (%d Newton steps, %.1f s), "
        "max |log L/L*| = %.1e\n",
        sc_.labour.units.c_str(), cal.solves, cal.newton_iterations, cal.seconds, cal.max_log_gap);
}

// MODEL.md §4 in the grouped economy: the region values of the policies starting at epoch `e`
// (hukou's ρ_d and h_d, productivity's one-off shocks) written into the owned state, as Part I's
// Simulation::enact_policies does, and the economy's national arrays refreshed from it.
void GroupedRun::enact_policies(int e) {
  auto& st = sim_.state();
  schedule_->apply_region_policies(e, st);
  const auto& layout = sim_.layout();
  std::vector<double> hukou(st.size()), rho_all;
  for (std::size_t j = 0; j < st.size(); ++j) hukou[j] = std::pow(st.hukou_barrier[j], -sc_.migration.elasticity);
  layout.allgather(hukou.data(), 1, economy_.hukou_pow);
  layout.allgather(st.conversion_rate.data(), 1, rho_all);
  conversion_.clear();
  for (double rho : rho_all) conversion_.insert(conversion_.end(), static_cast<std::size_t>(units_.G()), rho);
  layout.allgather(st.log_productivity.data(), static_cast<int>(sc_.num_sectors()), economy_.log_productivity);
}

void GroupedRun::set_up_outputs() {
  RunInfo info{kVersion,
               run_id_,
               opt_.scenario,
               opt_.command_line,
               "",
               "",
               "",
               "",
               "",
               true,
               comm_.size(),
               sc_.epochs,
               0,
               0,
               sim_.num_regions(),
               "",
               0};
  const auto mode = opt_.overwrite ? RunFolder::Mode::overwrite : RunFolder::Mode::fresh;
  on_root(comm_, [&] {
    folder_.emplace(sc_.output, mode);
    out_.emplace(sc_.output, sc_, sim_.decomposition(), info);
    units_csv_.open((std::filesystem::path(sc_.output) / schema::units_csv::file.name).string());
    const char* sep = "";
    for (const auto* c : schema::units_csv::file.columns) units_csv_ << sep << c->name, sep = ",";
    units_csv_ << '\n';
  });
}

// Collective: a SolverError on every rank naming the first unit with a non-finite outcome.
void GroupedRun::check_units_finite(const std::string& when, const std::vector<UnitOutcome>& mine) const {
  all_ranks(comm_, [&] {
    for (const auto& u : mine)
      for (double v : {u.registered, u.employment, u.wage, u.land_rent, u.real_income, u.amenity, u.utility,
                       u.migrants_out, u.expected_utility})
        if (!std::isfinite(v))
          throw SolverError(fmt::format(
              "{}: region {}, labour group {}: an outcome in {} is {} — the solution left "
              "the model's domain; check that unit's inputs in labour.units",
              when, sim_.geography().id[u.region], units_.groups[u.group], schema::units_csv::file.name, v));
  });
}

// Rank 0: the epoch's rows of units.csv (the caller gathered `all` in CSV order).
std::string GroupedRun::unit_rows(int e, const std::vector<UnitOutcome>& all) const {
  const auto& geo = sim_.geography();
  std::string rows;
  for (const auto& u : all)
    rows += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", e, sc_.start_year + e, geo.id[u.region],
                        geo.province_names[geo.province[u.region]], units_.groups[u.group], u.registered, u.employment,
                        u.wage, u.land_rent, u.real_income, u.amenity, u.utility, u.migrants_out, u.expected_utility);
  return rows;
}

void GroupedRun::epoch(int e) {
  if (root() && !opt_.quiet)
    for (const auto& line : policy_lines(sim_.scenario(), e)) std::printf("%s\n", line.c_str());
  const SolveSummary sum = system_->solve(x_);
  SolveStats st{sum.newton_iterations,
                sum.linear_iterations,
                sum.residual_evaluations,
                sum.residual_norm,
                sum.initial_residual_norm,
                sum.seconds,
                sum.reason};
  const auto& layout = sim_.layout();
  auto [mine, my_units] = grouped_outcomes(sc_, economy_, *system_, layout);
  if (fault_at("nonfinite", comm_) && !mine.empty()) mine.back().gdp_pc = std::numeric_limits<double>::infinity();
  // Nothing non-finite is written into a run: the regions' and the units' outcomes, then the
  // national aggregates.
  const std::string when = fmt::format("epoch {} (year {})", e, sc_.start_year + e);
  check_regions_finite(comm_, sc_, when, mine);
  check_units_finite(when, my_units);
  const auto regions = gather_in_key_order(comm_, mine, [&](std::size_t j) { return mine[j].index; });
  const auto units = gather_in_key_order(comm_, my_units, [&, G = units_.G()](std::size_t j) {
    return static_cast<std::int64_t>(my_units[j].region) * G + my_units[j].group;
  });
  // The epoch's rows staged on rank 0, then one check that the file system has room for all of
  // them (docs/guarantees.md "Free space") before any is written.
  std::uint64_t bytes = 0;
  std::string units_text;
  on_root(comm_, [&] {
    const Aggregates agg = national_aggregates(sc_, regions);
    if (const auto column = nonfinite_aggregate(agg, when); !column.empty()) throw SolverError(column);
    bytes = out_->stage_epoch(e, sc_.start_year + e, regions, agg, st);
    units_text = unit_rows(e, units);
    bytes += units_text.size();
  });
  require_free_space(sc_.output, bytes, comm_, fmt::format("epoch {}", e));
  on_root(comm_, [&] {
    out_->flush_epoch(e);  // rank 0's CSVs only: checked writes
    units_csv_ << units_text;
    units_csv_.flush();
    if (opt_.quiet) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::printf("%s\n", progress_line(e + 1, sc_.epochs, sc_.start_year + e, st, elapsed,
                                      elapsed / (e + 1) * (sc_.epochs - e - 1))
                            .c_str());
    std::fflush(stdout);
  });
}

// MODEL.md §3 by unit (§10): conversion and natural growth; productivity growth g_s plus the
// policies' extra growth (kept in the owned state, the source enact_policies gathers); depreciation.
void GroupedRun::advance(int e) {
  const auto next = system_->registered_next(conversion_, growth_);
  sim_.layout().allgather(next.data(), units_.G(), economy_.registered);
  auto& st = sim_.state();
  const std::size_t S = sc_.num_sectors();
  const auto extra = schedule_->extra_growth(e, st);
  for (std::size_t j = 0; j < st.size(); ++j)
    for (std::size_t s = 0; s < S; ++s)
      st.log_productivity[j * S + s] += sc_.sectors[s].productivity_growth + (extra.empty() ? 0.0 : extra[j * S + s]);
  for (double& k : economy_.capital) k *= 1 - sc_.capital.depreciation;
}

void GroupedRun::fail(const std::exception& err) {
  if (root()) mark_run_failed(out_ ? &*out_ : nullptr, folder_ ? &*folder_ : nullptr, sc_.output, err);
}

int GroupedRun::run() {
  build();
  try {
    set_up_outputs();
    if (root() && !opt_.quiet) {
      std::printf(
          "regio %s | %zu regions in %zu provinces, %zu sectors in %d labour groups | %d ranks | %d epochs "
          "from %d | output %s\n",
          kVersion, sim_.num_regions(), sim_.geography().province_names.size(), sc_.num_sectors(), units_.G(),
          comm_.size(), sc_.epochs, sc_.start_year, sc_.output.c_str());
      std::fflush(stdout);
    }
    if (!residents_.empty()) calibrate_amenities(residents_);
    for (int e = 0; e < sc_.epochs; ++e) {
      enact_policies(e);
      epoch(e);
      if (e + 1 < sc_.epochs) advance(e);
    }
    if (!opt_.export_base.empty()) export_grouped_base_year(opt_.export_base, economy_, *system_);
    on_root(comm_, [&] {
      units_csv_.close();
      out_->finish("complete");
      folder_->commit();
    });
  } catch (const std::exception& err) {
    fail(err);
    if (rank_local(err, comm_)) abort_job(err, comm_);
    throw;
  }
  if (root() && !opt_.quiet) std::printf("done: outputs in %s (run.yaml status: complete)\n", sc_.output.c_str());
  return kExitOk;
}

}  // namespace

int run_grouped(const boost::mpi::communicator& comm, const RunOptions& opt, const Scenario& sc, Simulation& sim,
                const std::string& run_id, std::chrono::steady_clock::time_point start) {
  GroupedRun run(comm, opt, sc, sim, run_id, start);
  return run.run();
}

}  // namespace regio
