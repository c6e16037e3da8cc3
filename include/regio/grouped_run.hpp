#pragma once
// `regio run` of a scenario with labour groups (labour.units; MODEL.md §10, docs/labour-groups.md):
// Part I's inputs and kernel rows (simulation.hpp builds them) split into (region, group) units,
// the grouped levels economy solved every epoch (grouped_system.hpp), regions.csv, aggregates.csv
// and solver.csv in Part I's schema plus units.csv, and between epochs hukou conversion by unit,
// natural growth, productivity growth and depreciation. Collective.
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <string>

#include "regio/commands.hpp"
#include "regio/simulation.hpp"

namespace regio {

// What `regio run`'s command line asks that a grouped run cannot do yet ("" if nothing).
std::string grouped_command_problem(const RunOptions& opt, const Scenario& sc);

int run_grouped(const boost::mpi::communicator& comm, const RunOptions& opt, const Scenario& sc, Simulation& sim,
                const std::string& run_id, std::chrono::steady_clock::time_point start);

}  // namespace regio
