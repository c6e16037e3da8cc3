#pragma once
// The region panel in parallel HDF5 (regions.h5), for runs too large for regions.csv: every rank
// writes its own regions' rows; nothing is gathered on one rank.
//
// Layout: schema::regions_h5 (output_schema.hpp; docs/outputs.md). h5py: f["regions/wage"][epoch,
// region]; one float64 [epochs, N] dataset per outcome column of regions.csv (region_fields),
// extendible along epochs, chunk (1, N); ids, provinces and years beside them; attributes
// start_year and regions on the root group.
// pandas: pd.DataFrame(f["regions/wage"][:], columns=[s.decode() for s in f["regions/id"][:]]).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/layout.hpp"
#include "regio/outcomes.hpp"
#include "regio/scenario.hpp"

namespace regio {

class RegionPanelH5 {
 public:
  // Collective. Creates `path`, or with first_epoch > 0 (a restart) opens it, checks that it
  // holds every epoch before first_epoch (their years written) and drops the rows of later
  // epochs. Throws InputError on every rank if the file cannot be used.
  RegionPanelH5(const std::string& path, const Layout& layout, const GlobalGeography& geo, const Scenario& sc,
                int first_epoch);
  ~RegionPanelH5();
  RegionPanelH5(const RegionPanelH5&) = delete;
  RegionPanelH5& operator=(const RegionPanelH5&) = delete;

  // A bound on the bytes write_epoch(epoch) adds to the file: a chunk of N doubles per column (the
  // chunks are one epoch's row), the year's chunk of 64 epochs when it starts one, and room for
  // the chunk index and other metadata HDF5 may allocate. The caller checks the free space.
  std::uint64_t epoch_bytes(int epoch) const;
  // Collective. Row `epoch` of every column from this rank's outcomes (CSV order of its regions).
  void write_epoch(int epoch, int year, const std::vector<RegionOutcome>& mine);
  // Collective. Closes the file; throws InputError on every rank if HDF5 reports a failure.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "auto" | "csv" | "hdf5" | "both" -> whether to write regions.csv and regions.h5.
struct PanelFormats {
  bool csv = true, hdf5 = false;
};
PanelFormats panel_formats(const std::string& setting, std::size_t regions);

}  // namespace regio
