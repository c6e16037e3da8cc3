#include "regio/anderson.hpp"

#include <cmath>
#include <utility>

#include "regio/collectives.hpp"

namespace regio {

namespace {
double dot(MPI_Comm comm, const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return sum_over_ranks(comm, s);
}
}  // namespace

std::vector<double> anderson_coefficients(MPI_Comm comm, const std::vector<std::vector<double>>& dg,
                                          const std::vector<double>& g) {
  // Least squares by the normal equations (m ≤ 5, Tikhonov-regularised by 1e-14 of the trace).
  const std::size_t m = dg.size();
  std::vector<double> gamma(m, 0.0);
  if (m > 0) {
    std::vector<double> A(m * m), r(m);
    double trace = 0;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t k = 0; k <= i; ++k) A[i * m + k] = A[k * m + i] = dot(comm, dg[i], dg[k]);
      r[i] = dot(comm, dg[i], g);
      trace += A[i * m + i];
    }
    for (std::size_t i = 0; i < m; ++i) A[i * m + i] += 1e-14 * trace;
    // Gaussian elimination with partial pivoting (the same on every rank: A and r are).
    for (std::size_t c = 0; c < m; ++c) {
      std::size_t piv = c;
      for (std::size_t i = c + 1; i < m; ++i)
        if (std::abs(A[i * m + c]) > std::abs(A[piv * m + c])) piv = i;
      for (std::size_t k = 0; k < m; ++k) std::swap(A[c * m + k], A[piv * m + k]);
      std::swap(r[c], r[piv]);
      for (std::size_t i = c + 1; i < m; ++i) {
        const double l = A[i * m + c] / A[c * m + c];
        for (std::size_t k = c; k < m; ++k) A[i * m + k] -= l * A[c * m + k];
        r[i] -= l * r[c];
      }
    }
    for (std::size_t c = m; c-- > 0;) {
      double v = r[c];
      for (std::size_t k = c + 1; k < m; ++k) v -= A[c * m + k] * gamma[k];
      gamma[c] = v / A[c * m + c];
    }
  }
  return gamma;
}

}  // namespace regio
