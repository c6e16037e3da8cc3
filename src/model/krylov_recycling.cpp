#include "regio/krylov_recycling.hpp"

#include <algorithm>
#include <cmath>

namespace regio {

void KrylovRecycler::clear() {  // keeps last_base_: it is where the current Jacobian is
  images_.clear();
  sources_.clear();
  pending_z_.clear();
  pending_w_.clear();
}

void KrylovRecycler::record(const double* z, const double* w, std::size_t n) {
  if (!enabled()) return;
  pending_z_.emplace_back(z, z + n);
  pending_w_.emplace_back(w, w + n);
}

void KrylovRecycler::project(const double* v, std::size_t n, std::vector<double>& c) const {
  const std::size_t k = images_.size();
  std::vector<double> local(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    const double* q = images_[i].data();
    double s = 0;
    for (std::size_t e = 0; e < n; ++e) s += q[e] * v[e];
    local[i] = s;
  }
  c.assign(k, 0.0);
  if (k) MPI_Allreduce(local.data(), c.data(), static_cast<int>(k), MPI_DOUBLE, MPI_SUM, comm_);
}

double KrylovRecycler::norm(const std::vector<double>& v) const {
  double local = 0, global = 0;
  for (double x : v) local += x * x;
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return std::sqrt(global);
}

void KrylovRecycler::commit() {
  for (std::size_t p = 0; p < pending_w_.size(); ++p) {
    auto& w = pending_w_[p];
    auto& z = pending_z_[p];
    const std::size_t n = w.size();
    const double before = norm(w);
    if (!(before > 0) || !std::isfinite(before)) continue;  // same verdict on every rank
    for (int pass = 0; pass < 2; ++pass) {  // classical Gram–Schmidt, twice
      std::vector<double> c;
      project(w.data(), n, c);
      for (std::size_t i = 0; i < c.size(); ++i) {
        const double* q = images_[i].data();
        const double* s = sources_[i].data();
        for (std::size_t e = 0; e < n; ++e) {
          w[e] -= c[i] * q[e];
          z[e] -= c[i] * s[e];
        }
      }
    }
    const double after = norm(w);
    if (!(after > 1e-6 * before)) continue;  // numerically in the span already
    for (std::size_t e = 0; e < n; ++e) {
      w[e] /= after;
      z[e] /= after;
    }
    images_.push_back(std::move(w));
    sources_.push_back(std::move(z));
    if (images_.size() > capacity_) {  // dropping a column keeps the rest orthonormal
      images_.pop_front();
      sources_.pop_front();
    }
  }
  pending_w_.clear();
  pending_z_.clear();
}

void KrylovRecycler::new_jacobian(const double* x, std::size_t n) {
  double moved = 0, global = 0;
  if (last_base_.size() == n)
    for (std::size_t k = 0; k < n; ++k) moved = std::max(moved, std::abs(x[k] - last_base_[k]));
  MPI_Allreduce(&moved, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  last_base_.assign(x, x + n);
  if (global > max_step) clear();
  else commit();
}

void KrylovRecycler::apply(const double* r, double* y, std::size_t n,
                           const std::function<void(const double*, double*)>& base) const {
  project(r, n, coeff_);
  residual_.assign(r, r + n);
  for (std::size_t i = 0; i < coeff_.size(); ++i) {
    const double* q = images_[i].data();
    for (std::size_t e = 0; e < n; ++e) residual_[e] -= coeff_[i] * q[e];
  }
  if (base) base(residual_.data(), y);
  else std::copy(residual_.begin(), residual_.end(), y);
  for (std::size_t i = 0; i < coeff_.size(); ++i) {
    const double* s = sources_[i].data();
    for (std::size_t e = 0; e < n; ++e) y[e] += coeff_[i] * s[e];
  }
}

}  // namespace regio
