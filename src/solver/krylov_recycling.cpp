#include "regio/krylov_recycling.hpp"

#include <algorithm>
#include <cmath>

namespace regio {

void KrylovRecycler::clear() {  // keeps last_base_: it is where the current Jacobian is
  images_.clear();
  sources_.clear();
  drift_.clear();
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

void KrylovRecycler::commit(double drift) {
  for (std::size_t p = 0; p < pending_w_.size(); ++p) {
    auto& w = pending_w_[p];
    auto& z = pending_z_[p];
    const std::size_t n = w.size();
    const double before = norm(w);
    if (!(before > 0) || !std::isfinite(before)) continue;  // same verdict on every rank
    for (int pass = 0; pass < 2; ++pass) {                  // classical Gram–Schmidt, twice
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
    drift_.push_back(drift);
    if (images_.size() > capacity_) {  // dropping a column keeps the rest orthonormal
      images_.pop_front();
      sources_.pop_front();
      drift_.pop_front();
    }
  }
  pending_w_.clear();
  pending_z_.clear();
}

void KrylovRecycler::new_jacobian(const double* x, std::size_t n, double jacobian_change) {
  double moved = 0, global = 0;
  if (last_base_.size() == n)
    for (std::size_t k = 0; k < n; ++k) moved = std::max(moved, std::abs(x[k] - last_base_[k]));
  MPI_Allreduce(&moved, &global, 1, MPI_DOUBLE, MPI_MAX, comm_);
  last_base_.assign(x, x + n);
  const bool estimated = jacobian_change >= 0;  // the same on every rank (from global norms)
  if (global > max_step && !(estimated && jacobian_change <= max_change)) {
    clear();
    return;
  }
  // Each kept pair has drifted by at most the sum of the moves (or of the Jacobian's estimated
  // changes, where smaller) since it was recorded: drop those beyond max_drift (any subset of
  // the images stays orthonormal), then add the new ones.
  const double drift = estimated ? std::min(global, jacobian_change) : global;
  for (auto& d : drift_) d += drift;
  for (std::size_t i = images_.size(); i-- > 0;)
    if (drift_[i] > max_drift) {
      images_.erase(images_.begin() + static_cast<std::ptrdiff_t>(i));
      sources_.erase(sources_.begin() + static_cast<std::ptrdiff_t>(i));
      drift_.erase(drift_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  commit(drift);
}

void KrylovRecycler::apply(const double* r, double* y, std::size_t n,
                           const std::function<void(const double*, double*)>& base) const {
  project(r, n, coeff_);
  residual_.assign(r, r + n);
  for (std::size_t i = 0; i < coeff_.size(); ++i) {
    const double* q = images_[i].data();
    for (std::size_t e = 0; e < n; ++e) residual_[e] -= coeff_[i] * q[e];
  }
  if (base)
    base(residual_.data(), y);
  else
    std::copy(residual_.begin(), residual_.end(), y);
  for (std::size_t i = 0; i < coeff_.size(); ++i) {
    const double* s = sources_[i].data();
    for (std::size_t e = 0; e < n; ++e) y[e] += coeff_[i] * s[e];
  }
}

namespace {
// vectors[i][b·block + f] -> rows[b·(count·block) + i·block + f]
template <class Vectors>
std::vector<double> to_rows(const Vectors& vectors, std::size_t blocks, std::size_t block) {
  const std::size_t count = vectors.size(), width = count * block;
  std::vector<double> rows(blocks * width);
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t b = 0; b < blocks; ++b)
      for (std::size_t f = 0; f < block; ++f) rows[b * width + i * block + f] = vectors[i][b * block + f];
  return rows;
}
template <class Vectors>
void from_rows(const std::vector<double>& rows, std::size_t count, std::size_t blocks, std::size_t block,
               Vectors& vectors) {
  const std::size_t width = count * block;
  vectors.assign(count, std::vector<double>(blocks * block));
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t b = 0; b < blocks; ++b)
      for (std::size_t f = 0; f < block; ++f) vectors[i][b * block + f] = rows[b * width + i * block + f];
}
}  // namespace

KrylovRecycler::State KrylovRecycler::state(std::size_t blocks, std::size_t block) const {
  State st;
  st.kept = images_.size();
  st.pending = pending_w_.size();
  st.bases = last_base_.empty() ? 0 : 1;
  st.images = to_rows(images_, blocks, block);
  st.sources = to_rows(sources_, blocks, block);
  st.pending_images = to_rows(pending_w_, blocks, block);
  st.pending_sources = to_rows(pending_z_, blocks, block);
  st.base = to_rows(std::vector<std::vector<double>>(st.bases, last_base_), blocks, block);
  st.drift.assign(drift_.begin(), drift_.end());
  return st;
}

bool KrylovRecycler::restore(const State& st, std::size_t blocks, std::size_t block) {
  const std::size_t n = blocks * block;
  const bool fits = st.images.size() == st.kept * n && st.sources.size() == st.kept * n &&
                    st.pending_images.size() == st.pending * n && st.pending_sources.size() == st.pending * n &&
                    st.base.size() == st.bases * n && st.bases <= 1 && st.kept <= capacity_ &&
                    st.drift.size() == st.kept;
  int here = fits ? 1 : 0, everywhere = 0;
  MPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_MIN, comm_);
  if (!everywhere) {
    clear();
    last_base_.clear();
    return false;
  }
  std::vector<std::vector<double>> images, sources, base;
  from_rows(st.images, st.kept, blocks, block, images);
  from_rows(st.sources, st.kept, blocks, block, sources);
  images_.assign(images.begin(), images.end());
  sources_.assign(sources.begin(), sources.end());
  drift_.assign(st.drift.begin(), st.drift.end());
  from_rows(st.pending_images, st.pending, blocks, block, pending_w_);
  from_rows(st.pending_sources, st.pending, blocks, block, pending_z_);
  from_rows(st.base, st.bases, blocks, block, base);
  last_base_ = st.bases ? base[0] : std::vector<double>{};
  return true;
}

}  // namespace regio
