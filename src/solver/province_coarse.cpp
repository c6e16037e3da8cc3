#include "regio/province_coarse.hpp"

#include <algorithm>
#include <cmath>

namespace regio {

bool invert_small(std::vector<double>& a, std::size_t n, double tiny) {
  std::vector<double> inv(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[piv * n + c])) piv = r;
    for (std::size_t k = 0; k < n; ++k)
      std::swap(a[c * n + k], a[piv * n + k]), std::swap(inv[c * n + k], inv[piv * n + k]);
    const double d = a[c * n + c];
    if (!(std::abs(d) > tiny)) return false;
    for (std::size_t k = 0; k < n; ++k) a[c * n + k] /= d, inv[c * n + k] /= d;
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double m = a[r * n + c];
      for (std::size_t k = 0; k < n; ++k) a[r * n + k] -= m * a[c * n + k], inv[r * n + k] -= m * inv[c * n + k];
    }
  }
  a = std::move(inv);
  return true;
}

ProvinceCoarseCorrection::ProvinceCoarseCorrection(MPI_Comm comm, std::vector<std::size_t> group,
                                                   std::vector<double> sign, int block)
    : comm_(comm), group_(std::move(group)), sign_(std::move(sign)), block_(static_cast<std::size_t>(block)) {
  groups_ = group_.empty() ? 0 : *std::max_element(group_.begin(), group_.end()) + 1;
  count_.assign(groups_, 0.0);
  for (auto g : group_) count_[g] += 1;
}

void ProvinceCoarseCorrection::build(const std::function<void(const double*, double*)>& base_inverse,
                                     const std::function<bool(const double*, double*)>& jacobian_times,
                                     const std::vector<double>& weight) {
  const std::size_t b = block_, n = group_.size() * b;
  // R's weights, normalised in each province; uniform where any is not finite and positive.
  std::vector<double> total(groups_, 0.0);
  std::vector<bool> usable(groups_, weight.size() == group_.size());
  for (std::size_t j = 0; j < group_.size() && weight.size() == group_.size(); ++j) {
    usable[group_[j]] = usable[group_[j]] && std::isfinite(weight[j]) && weight[j] > 0;
    total[group_[j]] += weight[j];
  }
  weight_.resize(group_.size());
  for (std::size_t j = 0; j < group_.size(); ++j)
    weight_[j] =
        usable[group_[j]] && std::isfinite(total[group_[j]]) ? weight[j] / total[group_[j]] : 1.0 / count_[group_[j]];
  std::vector<double> coarse(groups_ * b * b, 0.0), v(n), t(n), w(n);
  bool ok = true;
  for (std::size_t g = 0; g < b; ++g) {
    std::fill(v.begin(), v.end(), 0.0);
    for (std::size_t j = 0; j < group_.size(); ++j) v[j * b + g] = sign_[j];
    base_inverse(v.data(), t.data());
    ok = jacobian_times(t.data(), w.data()) && ok;  // collective on every g, even after a failure
    for (std::size_t j = 0; j < group_.size(); ++j)
      for (std::size_t f = 0; f < b; ++f) coarse[(group_[j] * b + f) * b + g] += sign_[j] * w[j * b + f] * weight_[j];
  }
  correction_.assign(groups_ * b * b, 0.0);
  for (std::size_t p = 0; p < groups_ && ok; ++p) {
    std::vector<double> a(coarse.begin() + static_cast<std::ptrdiff_t>(p * b * b),
                          coarse.begin() + static_cast<std::ptrdiff_t>((p + 1) * b * b));
    ok = std::all_of(a.begin(), a.end(), [](double x) { return std::isfinite(x); }) && invert_small(a, b, 1e-12);
    for (std::size_t f = 0; f < b && ok; ++f) a[f * b + f] -= 1.0;
    if (ok) std::copy(a.begin(), a.end(), correction_.begin() + static_cast<std::ptrdiff_t>(p * b * b));
  }
  int local = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_MIN, comm_);
  ready_ = all == 1;
}

void ProvinceCoarseCorrection::apply(const double* r, double* q) const {
  const std::size_t b = block_;
  mean_.assign(groups_ * b, 0.0);
  for (std::size_t j = 0; j < group_.size(); ++j)
    for (std::size_t f = 0; f < b; ++f) mean_[group_[j] * b + f] += r[j * b + f] * weight_[j];
  shift_.assign(groups_ * b, 0.0);
  for (std::size_t p = 0; p < groups_; ++p)
    for (std::size_t f = 0; f < b; ++f) {
      double s = 0;
      for (std::size_t g = 0; g < b; ++g) s += correction_[(p * b + f) * b + g] * mean_[p * b + g];
      shift_[p * b + f] = s;
    }
  for (std::size_t j = 0; j < group_.size(); ++j)
    for (std::size_t f = 0; f < b; ++f) q[j * b + f] = r[j * b + f] + shift_[group_[j] * b + f];
}

std::vector<double> ProvinceCoarseCorrection::region_rows() const {
  if (!ready_) return {};
  const std::size_t bb = block_ * block_, width = row_width();
  std::vector<double> rows(group_.size() * width);
  for (std::size_t j = 0; j < group_.size(); ++j) {
    std::copy_n(correction_.begin() + static_cast<std::ptrdiff_t>(group_[j] * bb), bb,
                rows.begin() + static_cast<std::ptrdiff_t>(j * width));
    rows[j * width + bb] = weight_[j];
  }
  return rows;
}

void ProvinceCoarseCorrection::restore(const std::vector<double>& rows) {
  const std::size_t bb = block_ * block_, width = row_width();
  bool ok = rows.size() == group_.size() * width;
  std::vector<double> correction(groups_ * bb, 0.0), weight(group_.size()), total(groups_, 0.0);
  std::vector<bool> seen(groups_, false);
  for (std::size_t j = 0; j < group_.size() && ok; ++j) {
    const auto row = rows.begin() + static_cast<std::ptrdiff_t>(j * width);
    const auto slot = correction.begin() + static_cast<std::ptrdiff_t>(group_[j] * bb);
    ok = std::all_of(row, row + static_cast<std::ptrdiff_t>(width), [](double x) { return std::isfinite(x); });
    if (ok && seen[group_[j]]) ok = std::equal(row, row + static_cast<std::ptrdiff_t>(bb), slot);
    if (ok && !seen[group_[j]]) std::copy_n(row, bb, slot), seen[group_[j]] = true;
    weight[j] = row[static_cast<std::ptrdiff_t>(bb)];
    ok = ok && weight[j] > 0;
    total[group_[j]] += weight[j];
  }
  for (std::size_t p = 0; p < groups_ && ok; ++p) ok = std::abs(total[p] - 1.0) <= 1e-12;
  int local = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_MIN, comm_);
  ready_ = all == 1;
  if (ready_) correction_ = std::move(correction), weight_ = std::move(weight);
}

}  // namespace regio
