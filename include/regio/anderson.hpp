#pragma once
// Anderson acceleration of a fixed-point iteration z ← z + β g(z) (type II; Walker & Ni 2011):
// the coefficients γ minimising ‖g − ΔG γ‖ over the kept differences ΔG of g, for vectors
// distributed over the ranks of `comm` (each rank holds its rows). Collective.
#include <mpi.h>

#include <vector>

namespace regio {

// γ by the normal equations (depth m small; Tikhonov-regularised by 1e-14 of the trace), the
// same on every rank; empty without differences.
std::vector<double> anderson_coefficients(MPI_Comm comm, const std::vector<std::vector<double>>& dg,
                                          const std::vector<double>& g);

}  // namespace regio
