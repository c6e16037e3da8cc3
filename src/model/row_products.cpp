#include "regio/row_products.hpp"

namespace regio {

namespace {

// R rows × M vectors in one sweep; the same partial sums per product as row_dot.
template <std::size_t R, std::size_t M, class Row>
void block(const Row* const* rows, const double* const* v, std::size_t n, double* out, std::size_t stride) {
  double s[R][M][4] = {};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t m = 0; m < M; ++m)
        for (std::size_t q = 0; q < 4; ++q) s[r][m][q] += double(rows[r][k + q]) * v[m][k + q];
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t m = 0; m < M; ++m) {
      for (std::size_t q = k; q < n; ++q) s[r][m][0] += double(rows[r][q]) * v[m][q];
      out[r * stride + m] = (s[r][m][0] + s[r][m][1]) + (s[r][m][2] + s[r][m][3]);
    }
}

template <std::size_t R, class Row>
void rows_times_vectors(const Row* const* rows, const double* const* v, std::size_t num_vectors, std::size_t n,
                        double* out, std::size_t stride) {
  std::size_t m = 0;
  for (; m + 4 <= num_vectors; m += 4) block<R, 4>(rows, v + m, n, out + m, stride);
  switch (num_vectors - m) {
    case 3: block<R, 3>(rows, v + m, n, out + m, stride); break;
    case 2: block<R, 2>(rows, v + m, n, out + m, stride); break;
    case 1: block<R, 1>(rows, v + m, n, out + m, stride); break;
    default: break;
  }
}

template <class Row>
void products(const Row* const* rows, std::size_t num_rows, const double* const* vectors, std::size_t num_vectors,
              std::size_t n, double* out, std::size_t out_stride) {
  std::size_t r = 0;
  for (; r + 8 <= num_rows; r += 8) rows_times_vectors<8>(rows + r, vectors, num_vectors, n, out + r * out_stride, out_stride);
  if (r + 4 <= num_rows) {
    rows_times_vectors<4>(rows + r, vectors, num_vectors, n, out + r * out_stride, out_stride);
    r += 4;
  }
  if (r + 2 <= num_rows) {
    rows_times_vectors<2>(rows + r, vectors, num_vectors, n, out + r * out_stride, out_stride);
    r += 2;
  }
  // A single row: one product per vector (a one-row sweep over several vectors runs slower;
  // the row stays in cache between them).
  if (r < num_rows)
    for (std::size_t m = 0; m < num_vectors; ++m) out[r * out_stride + m] = row_dot(rows[r], vectors[m], n);
}

}  // namespace

void row_block_products(const double* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

void row_block_products(const float* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

}  // namespace regio
