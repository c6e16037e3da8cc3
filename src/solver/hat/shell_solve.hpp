#pragma once
// A distributed linear solve y = M x where M is known only by its action (PETSc MatShell + GMRES,
// no preconditioner), for the base-year completions: the fixed point of the trade shares and the
// hukou stocks R = (mᵀ)⁻¹ L. Collective over the layout's communicator.
#include <functional>
#include <string>
#include <vector>

#include "regio/layout.hpp"

namespace regio::hat {

using ShellApply = std::function<void(const double* x, double* y)>;  // owned entries of x -> of y

// Solves M x = b to a relative residual of about 1e-14 (GMRES, then iterative refinement); x
// holds the starting guess on entry. Returns max |b − M x| / max |b|. Throws SolverError on
// every rank (named `what`) if GMRES diverges.
double shell_solve(const Layout& layout, int local_size, const ShellApply& apply, const std::vector<double>& b,
                   std::vector<double>& x, const std::string& what);

}  // namespace regio::hat
