#include "regio/epoch_driver.hpp"

#include <fmt/format.h>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/utility.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <thread>

#include "regio/base_year_export.hpp"
#include "regio/collectives.hpp"
#include "regio/gather_ordered.hpp"
#include "regio/job_abort.hpp"
#include "regio/output_file.hpp"
#include "regio/output_schema.hpp"
#include "regio/policy_kind.hpp"
#include "regio/profiling.hpp"
#include "regio/run_log.hpp"
#include "regio/stop_signal.hpp"
#include "regio/version.hpp"

namespace regio {

EpochDriver::EpochDriver(const boost::mpi::communicator& comm, const RunOptions& opt, const Scenario& sc,
                         Simulation& sim, CheckpointInfo identity, int first_epoch,
                         std::chrono::steady_clock::time_point start)
    : comm_(comm),
      opt_(opt),
      sc_(sc),
      sim_(sim),
      identity_(identity),
      first_epoch_(first_epoch),
      start_(start),
      checkpoint_dir_((std::filesystem::path(sc.output) / "checkpoints").string()),
      watchdog_(opt.progress_timeout, comm.rank()) {}

// The folder's lock, then run.yaml (status: running), the CSVs and migration.csv on rank 0.
// From here on an error leaves run.yaml at `failed` (run()).
void EpochDriver::set_up_outputs() {
  const std::size_t N = sim_.num_regions();
  const PanelFormats formats = panel_formats(sc_.output_format, N);
  csv_panel_ = formats.csv;
  info_ =
      RunInfo{kVersion,    identity_.run_id, opt_.scenario, opt_.command_line, "",           "", "", "", opt_.restart,
              formats.csv, comm_.size(),     sc_.epochs,    first_epoch_,      first_epoch_, N,  "", 0};
  kernel_storage_ = sim_.system().kernel_storage_summary();  // collective
  info_.kernel_storage = kernel_storage_.storage();
  info_.kernel_stored_ranks = kernel_storage_.stored_ranks;
  info_.decomposition_imbalance = rank_load(sim_.owners(), comm_.size()).imbalance;
  info_.welfare_terms = opt_.welfare_terms;
  // migration.csv: province-to-province migrants, P×(P−1) rows per epoch (skipped above 300 provinces).
  migration_csv_ = sc_.migration.enabled && sim_.geography().province_names.size() <= 300;
  const auto mode = !opt_.restart.empty() ? RunFolder::Mode::restart
                    : opt_.overwrite      ? RunFolder::Mode::overwrite
                                          : RunFolder::Mode::fresh;
  on_root(comm_, [&] {
    folder_.emplace(sc_.output, mode,
                    fmt::format("--restart {}/checkpoints/checkpoint-eNNNNNN.h5 to continue it", sc_.output));
    take_export_folder();
    out_.emplace(sc_.output, sc_, sim_.decomposition(), info_,
                 migration_csv_ ? sim_.geography().province_names : std::vector<std::string>{});
  });
}

// --export-base's folder, written at the end, is owned from the start like the run's (a lock, no
// overwrite without --overwrite): a run never finds out at its last epoch that it cannot write it.
// A restart continues a replacement its first start began (the export was not written yet).
void EpochDriver::take_export_folder() {
  if (opt_.export_base.empty()) return;
  std::error_code ec;
  if (std::filesystem::equivalent(opt_.export_base, sc_.output, ec))
    throw InputError(
        fmt::format("{}: --export-base must name another folder than the run's output folder", opt_.export_base));
  export_.emplace(opt_.export_base, opt_.overwrite          ? RunFolder::Mode::overwrite
                                    : !opt_.restart.empty() ? RunFolder::Mode::resume
                                                            : RunFolder::Mode::fresh);
}

void EpochDriver::announce() const {
  if (!talk()) return;
  const auto& geo = sim_.geography();
  std::printf(
      "regio %s | %zu regions in %zu provinces, %zu sectors | %d ranks, decomposition %s | %d epochs from %d | output "
      "%s\n",
      kVersion, sim_.num_regions(), geo.province_names.size(), sc_.num_sectors(), comm_.size(),
      sim_.decomposition().source.c_str(), sc_.epochs, sc_.start_year, sc_.output.c_str());
  std::printf("%s\n", kernel_storage_.describe().c_str());
  const RankLoad load = rank_load(sim_.owners(), comm_.size());
  if (const auto note = rank_load_note(load, comm_.size(), geo.province_names.size()); !note.empty())
    std::printf("%s\n", note.c_str());
  if (first_epoch_ > 0)
    std::printf("restarting from %s at epoch %d/%d\n", opt_.restart.c_str(), first_epoch_ + 1, sc_.epochs);
  std::fflush(stdout);
}

int EpochDriver::run() {
  try {
    set_up_outputs();
    const PanelFormats formats = panel_formats(sc_.output_format, sim_.num_regions());
    if (formats.hdf5)
      panel_.emplace((std::filesystem::path(sc_.output) / "regions.h5").string(), sim_.layout(), sim_.geography(), sc_,
                     first_epoch_);
    announce();
    for (int e = first_epoch_; e < sc_.epochs; ++e) {
      watchdog_.beat();
      fail_point("epoch", comm_);
      epoch(e);
      watchdog_.beat();
      if (e + 1 == sc_.epochs) break;
      sim_.advance();
      if (checkpoint(e)) return kExitInterrupted;
    }
    if (!opt_.export_base.empty()) {  // the last epoch's equilibrium, before the run is marked complete
      export_base_year(opt_.export_base, sc_, sim_.layout(), sim_.state(), sim_.system().results());
      if (talk()) std::printf("base year of the last epoch in %s\n", opt_.export_base.c_str());
    }
    if (panel_) panel_->close();  // checked, before the run is marked complete
    finish("complete");
  } catch (const std::exception& err) {
    fail(err);  // rank 0's record; rank-local, no collective
    // An error of this rank only ends the job here, before the outputs' destructors (the HDF5
    // panel's close is collective and would wait for ranks that are not coming).
    if (rank_local(err, comm_)) abort_job(err, comm_);
    throw;
  }
  if (talk()) std::printf("done: outputs in %s (run.yaml status: complete)\n", sc_.output.c_str());
  return kExitOk;
}

void EpochDriver::finish(const std::string& status, const std::string& error) {
  on_root(comm_, [&] {
    out_->finish(status, error);
    folder_->commit();  // complete or interrupted: this run has replaced the one set aside
    if (export_ && status == "complete") export_->commit();  // an interrupted run has not exported yet
  });
}

// Any error met mid-run (the solver's, an option or input found wrong late, I/O, PETSc) leaves
// the record at `failed` with its message rather than at `running`; if even the record cannot
// be written, the original error is the one reported. A run started with --overwrite instead
// puts back the run it was to replace, so that a failing rerun destroys nothing.
void EpochDriver::fail(const std::exception& err) {
  if (!root()) return;
  mark_run_failed(out_ ? &*out_ : nullptr, folder_ ? &*folder_ : nullptr, sc_.output, err);
  if (export_) mark_run_failed(nullptr, &*export_, opt_.export_base, err);  // the --export-base folder too
}

void mark_run_failed(OutputWriter* out, RunFolder* folder, const std::string& dir, const std::exception& err) {
  try {
    if (out) out->finish("failed", err.what());
  } catch (...) {}
  try {
    if (folder && folder->roll_back())
      std::fprintf(stderr, "regio: note: %s: this run failed; the run it was to replace is back in place\n",
                   dir.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "regio: note: %s: the run set aside in .replaced/ could not be put back: %s\n", dir.c_str(),
                 e.what());
  }
}

void EpochDriver::epoch(int e) {
  if (talk())
    for (const auto& line : policy_lines(sim_.scenario(), e)) std::printf("%s\n", line.c_str());
  const SolveStats st = sim_.solve();
  if (fault_at("slow_epoch", comm_)) std::this_thread::sleep_for(std::chrono::seconds(4));  // tests: a long epoch
  auto mine = sim_.local_outcomes();
  if (fault_at("nonfinite", comm_) && !mine.empty()) mine.back().gdp_pc = std::numeric_limits<double>::infinity();
  const Aggregates agg = sim_.aggregates_from_local(mine);
  {
    profiling::Stage output_stage(profiling::ids().output);
    profiling::Event output_event(profiling::ids().output_event);
    // Nothing non-finite is written into a run.
    const std::string when = fmt::format("epoch {} (year {})", e, sim_.year());
    check_regions_finite(comm_, sc_, when, mine);
    if (const auto column = nonfinite_aggregate(agg, when); !column.empty())
      raise_on_all_ranks(SolverError(column));  // agg is the same on every rank
    // regions.csv and welfare_terms.csv: every region's outcomes gathered on rank 0 only.
    const auto index = [&](std::size_t j) { return mine[j].index; };
    const std::vector<RegionOutcome> all =
        csv_panel_ || opt_.welfare_terms ? gather_in_key_order(comm_, mine, index) : std::vector<RegionOutcome>{};
    const std::vector<WelfareTerms> terms = opt_.welfare_terms
                                                ? gather_in_key_order(comm_, sim_.local_welfare_terms(), index)
                                                : std::vector<WelfareTerms>{};
    const std::vector<double> flows = migration_csv_ ? sim_.province_migration_flows() : std::vector<double>{};
    // The epoch's rows staged on rank 0, then one check that the file system has room for all
    // of them and the panel's (docs/guarantees.md "Free space"), before any of them is written.
    std::uint64_t bytes = panel_ ? panel_->epoch_bytes(e) : 0;
    on_root(comm_, [&] {
      bytes += out_->stage_epoch(e, sim_.year(), csv_panel_ ? all : std::vector<RegionOutcome>{}, agg, st, flows);
      if (opt_.welfare_terms) bytes += out_->stage_welfare_terms(e, sim_.year(), all, terms);
    });
    require_free_space(sc_.output, bytes, comm_, fmt::format("epoch {}", e));
    if (panel_) panel_->write_epoch(e, sim_.year(), mine);
    // Collective verdict: a write failure on rank 0 must stop every rank, not hang them.
    on_root(comm_, [&] { out_->flush_epoch(e); });
  }
  report(e, st);
}

void EpochDriver::report(int e, const SolveStats& st) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (talk()) {
    const double eta = elapsed / (e + 1 - first_epoch_) * (sc_.epochs - e - 1);
    std::printf("%s\n", progress_line(e + 1, sc_.epochs, sim_.year(), st, elapsed, eta).c_str());
    std::fflush(stdout);
  }
  // The network this epoch solved with: in the run's first epoch (the network file, and the
  // links of policies already in force, e.g. on a restart) and whenever a policy adds links.
  const auto& policies = sim_.scenario().policies;
  if (talk() && ((e == first_epoch_ && sim_.system().costs().links() > 0) ||
                 std::any_of(policies.begin(), policies.end(),
                             [&](const Policy& p) { return p.epoch == e && policy_kind(p).adds_links(); })))
    std::printf("%s\n", network_line(sim_.system().costs(), sim_.num_regions()).c_str());
  if (e == first_epoch_ && root()) warn_unused_petsc_options();
  if (e == 0 && talk() && !sim_.opening_note().empty()) std::printf("note: %s\n", sim_.opening_note().c_str());
}

bool EpochDriver::checkpoint(int e) {
  const bool stop = any_rank(comm_, StopSignals::requested());
  if (!stop && !(sc_.checkpoint_every > 0 && (e + 1) % sc_.checkpoint_every == 0)) return false;
  profiling::Stage checkpoint_stage(profiling::ids().checkpoint);
  profiling::Event checkpoint_event(profiling::ids().checkpoint_event);
  const std::string path = (std::filesystem::path(checkpoint_dir_) / checkpoint_name(e + 1)).string();
  sim_.save(path, identity_);
  prune_checkpoints(path, 2, identity_.run_id, sim_.layout());
  if (talk()) std::printf("checkpoint %s (epoch %d)\n", path.c_str(), e + 1);
  if (!stop) return false;
  finish("interrupted", "stopped by a signal; continue with --restart " + path);
  if (root())
    std::printf("stopped by signal after epoch %d/%d: restart with `regio run %s --restart %s`\n", e + 1, sc_.epochs,
                opt_.scenario.c_str(), path.c_str());
  std::fflush(stdout);
  return true;
}

// Every value of an epoch's outputs must be finite before it is written: an overflow in one
// region (a population of 1e308) would otherwise reach a run marked complete. The verdict names
// the first such region on every rank.
void check_regions_finite(MPI_Comm comm, const Scenario& sc, const std::string& when,
                          const std::vector<RegionOutcome>& mine) {
  const std::string fix =
      "the solution left the model's domain; check that region's inputs and the scenario's parameters";
  all_ranks(comm, [&] {
    const auto fields = region_fields(sc);
    for (const auto& o : mine)
      for (const auto& f : fields)
        if (!std::isfinite(f.of(o)))
          throw SolverError(fmt::format("{}: region {}: {} = {} is not finite — {}", when, o.id, f.name, f.of(o), fix));
  });
}

std::string nonfinite_aggregate(const Aggregates& agg, const std::string& when) {
  const auto names = schema::column_names(schema::aggregates_csv::file);
  const auto members = aggregate_fields();
  for (std::size_t k = 0; k < members.size(); ++k)
    if (!std::isfinite(agg.*members[k]) &&
        !(std::isnan(agg.*members[k]) && names[k + 2] == schema::aggregates_csv::urbanization.name))  // nan: no
                                                                                                      // agriculture
      return fmt::format("{}: {} column {} = {} is not finite — {}", when, schema::aggregates_csv::file.name,
                         names[k + 2], agg.*members[k], "a national statistic overflowed; check the regions' inputs");
  return "";
}

}  // namespace regio
