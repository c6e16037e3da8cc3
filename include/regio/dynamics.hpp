#pragma once
// Epoch dynamics t -> t+1 (MODEL.md §3): capital accumulation, hukou conversion and natural
// growth of the registered population, productivity growth with catch-up spillovers.
#include <functional>
#include <vector>

#include "regio/economy_state.hpp"
#include "regio/equilibrium.hpp"

namespace regio {

// The k nearest neighbours of region i by great-circle distance (self excluded, ties broken by
// CSV order): the non-zero columns of row i of the row-normalised weights W.
std::vector<std::size_t> nearest_neighbours(const GlobalGeography& geo, std::size_t i, std::size_t k);
// The same for several regions at once (the unit vectors of the centroids are computed once).
std::vector<std::vector<std::size_t>> nearest_neighbours(const GlobalGeography& geo,
                                                         const std::vector<std::size_t>& rows, std::size_t k);

// The dynamics' one collective, supplied by the caller (the run passes Layout::allgather): the
// owned regions' values, `width` per region, gathered into the national vector in CSV order.
// The model itself stays free of MPI.
using GatherNational = std::function<void(const double* owned, int width, std::vector<double>& national)>;

// Collective (through `gather`). Advance the owned regions' stocks and fundamentals from the
// solved equilibrium `eq` of the current epoch. `extra_growth` (owned j*S + s, may be empty)
// adds policy-driven growth to log Ā_is.
void advance_epoch(const Scenario& sc, const Equilibrium& eq, const GatherNational& gather,
                   const std::vector<std::vector<std::size_t>>& neighbours, EconomyState& st,
                   const std::vector<double>& extra_growth = {});

}  // namespace regio
