#pragma once
// The residual's hot loop (MODEL.md §2): owned kernel rows (τ^−θ, μ̃^−ε) used twice per read,
// for their products with exchanged vectors, Σ_k K_jk v_k (row_block_products), and right
// after, from cache, for their column contributions, acc_k += K_jk c_j (row_block_scatter). A
// residual streams every stored row from memory once, and a single row at a time keeps too
// few loads in flight to reach the bus's bandwidth, so blocks of up to eight rows times the
// vectors that share them (the sectors of a θ-group) are taken in one sweep over k: each
// vector element is loaded once per block and several row streams are in flight. The block
// shapes follow the vector registers of the code path chosen at run time for the CPU
// (portable loops, AVX2, AVX-512; row_products.cpp).
//
// Every product keeps the same four partial sums and the same final combination whatever
// the blocking and the path, so results are bitwise those of `row_dot`, and every column sum
// adds the rows in order: neither depends on how many rows a rank owns nor on the CPU.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace regio {

// Σ_k a_k b_k with four partial sums combined as (s0 + s1) + (s2 + s3). Rows may be floats
// (solver.kernel_precision = single): each element is widened to double, so the sums are
// bitwise those of a double row holding the same (rounded) values.
template <class Row>
inline double row_dot(const Row* a, const double* b, std::size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += double(a[k]) * b[k];
    s1 += double(a[k + 1]) * b[k + 1];
    s2 += double(a[k + 2]) * b[k + 2];
    s3 += double(a[k + 3]) * b[k + 3];
  }
  for (; k < n; ++k) s0 += double(a[k]) * b[k];
  return (s0 + s1) + (s2 + s3);
}

// out[r * out_stride + m] = rows[r] · vectors[m] for r < num_rows, m < num_vectors (any counts;
// taken in blocks of at most 8 rows × 4 vectors).
void row_block_products(const double* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride);
void row_block_products(const float* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride);

// The transposed use of the same rows: accum[m][k] += Σ_r rows[r][k] · coef[r * coef_stride + m]
// for k < n, m < num_vectors. For each k the rows are added one after another in order r = 0,
// 1, …, so a block gives bitwise the sums of the rows scattered one at a time. The residual
// calls it right after row_block_products on the same rows (still in cache), so a kernel row
// serves both its row sum and its column contributions from one read (src/solver/kernel_passes.cpp).
// next (or null): num_rows rows of the next block, prefetched meanwhile (a hint; no effect on
// the sums).
void row_block_scatter(const double* const* rows, std::size_t num_rows, const double* coef, std::size_t coef_stride,
                       double* const* accum, std::size_t num_vectors, std::size_t n,
                       const double* const* next = nullptr);
void row_block_scatter(const float* const* rows, std::size_t num_rows, const double* coef, std::size_t coef_stride,
                       double* const* accum, std::size_t num_vectors, std::size_t n,
                       const float* const* next = nullptr);

// Owned rows in blocks of `block` (row_of(j): a double or float row): their products with
// `in` (num_vectors vectors), coefficients(j0, rows, dots, coef) turning the rows×num_vectors
// products into as many coefficients, and those scattered along the same rows into `accum`.
// Stored rows (block > 1) of the next block are prefetched during the scatter, which runs
// from cache, so the memory bus keeps streaming (kernels benchmark: 16 -> 20 GB/s for three
// sectors at N = 4,000); rows recomputed on the fly (block = 1) are not asked for early.
template <class Row, class RowOf, class Coefficients>
void dot_then_scatter(std::vector<const Row*>& scratch, std::size_t n_own, std::size_t block, RowOf row_of,
                      const double* const* in, double* const* accum, std::size_t num_vectors, std::size_t N,
                      std::vector<double>& dots, std::vector<double>& coef, Coefficients coefficients) {
  dots.resize(block * num_vectors);
  coef.resize(block * num_vectors);
  scratch.resize(2 * block);
  const Row** rows_now = scratch.data();
  const Row** rows_next = scratch.data() + block;
  for (std::size_t j0 = 0; j0 < n_own; j0 += block) {
    const std::size_t rows = std::min(block, n_own - j0);
    for (std::size_t r = 0; r < rows; ++r) rows_now[r] = row_of(j0 + r);
    const bool prefetch = block > 1 && j0 + block < n_own;
    if (prefetch)
      for (std::size_t r = 0; r < rows; ++r) rows_next[r] = row_of(std::min(j0 + block + r, n_own - 1));
    row_block_products(rows_now, rows, in, num_vectors, N, dots.data(), num_vectors);
    coefficients(j0, rows, dots.data(), coef.data());
    row_block_scatter(rows_now, rows, coef.data(), num_vectors, accum, num_vectors, N, prefetch ? rows_next : nullptr);
  }
}

// The implementations behind row_block_products and row_block_scatter, for the tests and benchmarks: the portable
// loops, and 256-bit registers with AVX2 or AVX-512VL (x86-64 built with GCC; the best the CPU
// has is chosen at run time). All give bitwise the same products.
namespace detail {
enum class ProductPath { portable, avx2, avx512 };
bool product_path_available(ProductPath path);
ProductPath best_product_path();
const char* product_path_name(ProductPath path);
void row_block_products(ProductPath path, const double* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride);
void row_block_products(ProductPath path, const float* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride);
void row_block_scatter(ProductPath path, const double* const* rows, std::size_t num_rows, const double* coef,
                       std::size_t coef_stride, double* const* accum, std::size_t num_vectors, std::size_t n,
                       const double* const* next = nullptr);
void row_block_scatter(ProductPath path, const float* const* rows, std::size_t num_rows, const double* coef,
                       std::size_t coef_stride, double* const* accum, std::size_t num_vectors, std::size_t n,
                       const float* const* next = nullptr);
}  // namespace detail

}  // namespace regio
