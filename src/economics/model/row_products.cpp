#include "regio/row_products.hpp"

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace regio {

namespace {

// ---- portable path (any ISA; SSE2 on baseline x86-64) ----------------------------------------

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
    case 3:
      block<R, 3>(rows, v + m, n, out + m, stride);
      break;
    case 2:
      block<R, 2>(rows, v + m, n, out + m, stride);
      break;
    case 1:
      block<R, 1>(rows, v + m, n, out + m, stride);
      break;
    default:
      break;
  }
}

template <class Row>
void products_portable(const Row* const* rows, std::size_t num_rows, const double* const* vectors,
                       std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  std::size_t r = 0;
  for (; r + 8 <= num_rows; r += 8)
    rows_times_vectors<8>(rows + r, vectors, num_vectors, n, out + r * out_stride, out_stride);
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

// accum[m][k] += Σ_r rows[r][k] · coef[r·cs + m], rows added in order r = 0, 1, … for each k
// (four rows per sweep over k, so the compiler vectorises over k and the accumulator is read
// and written once per four rows; the order of the additions per k is unchanged).
template <class Row>
void scatter_portable(const Row* const* rows, std::size_t num_rows, const double* coef, std::size_t cs,
                      double* const* accum, std::size_t num_vectors, std::size_t n) {
  for (std::size_t m = 0; m < num_vectors; ++m) {
    double* a = accum[m];
    std::size_t r = 0;
    for (; r + 4 <= num_rows; r += 4) {
      const Row *r0 = rows[r], *r1 = rows[r + 1], *r2 = rows[r + 2], *r3 = rows[r + 3];
      const double c0 = coef[r * cs + m], c1 = coef[(r + 1) * cs + m], c2 = coef[(r + 2) * cs + m],
                   c3 = coef[(r + 3) * cs + m];
      for (std::size_t k = 0; k < n; ++k)
        a[k] = (((a[k] + double(r0[k]) * c0) + double(r1[k]) * c1) + double(r2[k]) * c2) + double(r3[k]) * c3;
    }
    for (; r < num_rows; ++r) {
      const Row* row = rows[r];
      const double c = coef[r * cs + m];
      for (std::size_t k = 0; k < n; ++k) a[k] += double(row[k]) * c;
    }
  }
}

// ---- AVX2 and AVX-512 paths (x86-64 with GCC; chosen at run time) ---------------------------
// The portable loops above leave the compiler 8 × M × 4 accumulators, more than the 16 vector
// registers, so they spill, and the sweep runs at about half the memory bandwidth
// (docs/performance.md). row_products_simd.inc keeps each product's four partial sums in the
// four lanes of one 256-bit register and sizes the blocks to the registers: 12 accumulators
// with AVX2's 16 registers (4 rows × 3 sectors), 24 with AVX-512VL's 32 (8 rows × 3 sectors:
// more row streams in flight, 17 → 23–27 GB/s on this project's machine). Both use 256-bit
// registers and the same arithmetic, so all three paths give bitwise the same products: the
// path a node takes does not change the results.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REGIO_HAVE_X86_PATHS 1

#pragma GCC push_options
#pragma GCC target("avx2")
namespace avx2 {
constexpr std::size_t kAccumulators = 12;
#include "row_products_simd.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512vl")
namespace avx512 {
constexpr std::size_t kAccumulators = 24;
#include "row_products_simd.inc"
}  // namespace avx512
#pragma GCC pop_options

bool cpu_has(detail::ProductPath path) {
  __builtin_cpu_init();
  switch (path) {
    case detail::ProductPath::portable:
      return true;
    case detail::ProductPath::avx2:
      return __builtin_cpu_supports("avx2") != 0;
    case detail::ProductPath::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
  }
  return false;
}
#else
bool cpu_has(detail::ProductPath path) { return path == detail::ProductPath::portable; }
#endif

template <class Row>
void products(detail::ProductPath path, const Row* const* rows, std::size_t num_rows, const double* const* vectors,
              std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
#ifdef REGIO_HAVE_X86_PATHS
  switch (path) {
    case detail::ProductPath::avx512:
      return avx512::products(rows, num_rows, vectors, num_vectors, n, out, out_stride);
    case detail::ProductPath::avx2:
      return avx2::products(rows, num_rows, vectors, num_vectors, n, out, out_stride);
    case detail::ProductPath::portable:
      break;
  }
#endif
  (void)path;
  products_portable(rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

template <class Row>
void scatters(detail::ProductPath path, const Row* const* rows, std::size_t num_rows, const double* coef,
              std::size_t coef_stride, double* const* accum, std::size_t num_vectors, std::size_t n,
              const Row* const* next) {
#ifdef REGIO_HAVE_X86_PATHS
  switch (path) {
    case detail::ProductPath::avx512:
      return avx512::scatter(rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
    case detail::ProductPath::avx2:
      return avx2::scatter(rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
    case detail::ProductPath::portable:
      break;
  }
#endif
  (void)path;
  (void)next;
  scatter_portable(rows, num_rows, coef, coef_stride, accum, num_vectors, n);
}

}  // namespace

namespace detail {

bool product_path_available(ProductPath path) { return cpu_has(path); }

// REGIO_PRODUCT_PATH=portable|avx2|avx512 overrides the choice (benchmarks and tests; a path
// the CPU lacks is not taken, and any other value, e.g. auto, leaves the choice automatic).
ProductPath best_product_path() {
  static const ProductPath best = [] {
    if (const char* forced = std::getenv("REGIO_PRODUCT_PATH"))
      for (auto p : {ProductPath::portable, ProductPath::avx2, ProductPath::avx512})
        if (std::strcmp(forced, product_path_name(p)) == 0 && cpu_has(p)) return p;
    for (auto p : {ProductPath::avx512, ProductPath::avx2})
      if (cpu_has(p)) return p;
    return ProductPath::portable;
  }();
  return best;
}

const char* product_path_name(ProductPath path) {
  switch (path) {
    case ProductPath::avx512:
      return "avx512";
    case ProductPath::avx2:
      return "avx2";
    case ProductPath::portable:
      break;
  }
  return "portable";
}

void row_block_products(ProductPath path, const double* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(path, rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

void row_block_products(ProductPath path, const float* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(path, rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

void row_block_scatter(ProductPath path, const double* const* rows, std::size_t num_rows, const double* coef,
                       std::size_t coef_stride, double* const* accum, std::size_t num_vectors, std::size_t n,
                       const double* const* next) {
  scatters(path, rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
}

void row_block_scatter(ProductPath path, const float* const* rows, std::size_t num_rows, const double* coef,
                       std::size_t coef_stride, double* const* accum, std::size_t num_vectors, std::size_t n,
                       const float* const* next) {
  scatters(path, rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
}

}  // namespace detail

void row_block_products(const double* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(detail::best_product_path(), rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

void row_block_products(const float* const* rows, std::size_t num_rows, const double* const* vectors,
                        std::size_t num_vectors, std::size_t n, double* out, std::size_t out_stride) {
  products(detail::best_product_path(), rows, num_rows, vectors, num_vectors, n, out, out_stride);
}

void row_block_scatter(const double* const* rows, std::size_t num_rows, const double* coef, std::size_t coef_stride,
                       double* const* accum, std::size_t num_vectors, std::size_t n, const double* const* next) {
  scatters(detail::best_product_path(), rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
}

void row_block_scatter(const float* const* rows, std::size_t num_rows, const double* coef, std::size_t coef_stride,
                       double* const* accum, std::size_t num_vectors, std::size_t n, const float* const* next) {
  scatters(detail::best_product_path(), rows, num_rows, coef, coef_stride, accum, num_vectors, n, next);
}

}  // namespace regio
