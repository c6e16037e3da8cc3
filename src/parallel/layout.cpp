#include "regio/layout.hpp"

namespace regio {

Layout::Layout(MPI_Comm comm, const std::vector<int>& owners) : comm_(comm), owner_(owners) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  counts_.assign(size_, 0);
  for (int o : owner_) ++counts_[o];
  displs_.assign(size_, 0);
  for (int p = 1; p < size_; ++p) displs_[p] = displs_[p - 1] + counts_[p - 1];
  petsc_to_csv_.resize(owner_.size());
  std::vector<int> next = displs_;
  for (std::size_t i = 0; i < owner_.size(); ++i) {
    petsc_to_csv_[next[owner_[i]]++] = static_cast<std::int64_t>(i);
    if (owner_[i] == rank_) owned_.push_back(static_cast<std::int64_t>(i));
  }
}

void Layout::allgather(const double* local, int width, std::vector<double>& global) const {
  counts_w_.resize(size_);
  displs_w_.resize(size_);
  for (int p = 0; p < size_; ++p) counts_w_[p] = counts_[p] * width, displs_w_[p] = displs_[p] * width;
  buffer_.resize(owner_.size() * width);
  MPI_Allgatherv(local, num_owned() * width, MPI_DOUBLE, buffer_.data(), counts_w_.data(), displs_w_.data(), MPI_DOUBLE,
                 comm_);
  global.resize(owner_.size() * width);
  for (std::size_t k = 0; k < petsc_to_csv_.size(); ++k)
    for (int c = 0; c < width; ++c) global[petsc_to_csv_[k] * width + c] = buffer_[k * width + c];
}

void Layout::reduce_sum(const std::vector<double>& columns, int width, double* owned) const {
  counts_w_.resize(size_);
  for (int p = 0; p < size_; ++p) counts_w_[p] = counts_[p] * width;
  const std::size_t N = owner_.size();
  buffer_.resize(N * width);
  for (std::size_t k = 0; k < petsc_to_csv_.size(); ++k)  // columns in CSV order -> rank-major rows
    for (int c = 0; c < width; ++c) buffer_[k * width + c] = columns[c * N + petsc_to_csv_[k]];
  MPI_Reduce_scatter(buffer_.data(), owned, counts_w_.data(), MPI_DOUBLE, MPI_SUM, comm_);
}

double Layout::ordered_sum(const std::vector<double>& local) const {
  std::vector<double> all;
  allgather(local.data(), 1, all);
  double s = 0;
  for (double v : all) s += v;
  return s;
}

}  // namespace regio
