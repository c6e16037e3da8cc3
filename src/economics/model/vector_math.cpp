#include "regio/vector_math.hpp"

#include <sleef.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace regio::vmath {

namespace {

// A tail shorter than one vector is padded with zeros (exp, log1p and asin are all finite
// there) and computed as a whole vector, so every element goes through the same vector code.
// A macro, not a template, because each instance must be compiled inside its ISA's target
// region (a template instantiated there would keep the baseline target of its definition).
#define REGIO_VMATH_APPLY(W, LOAD, STORE, F)                     \
  do {                                                           \
    std::size_t k = 0;                                           \
    for (; k + (W) <= n; k += (W)) STORE(y + k, F(LOAD(x + k))); \
    if (k < n) {                                                 \
      alignas(64) double buf[W] = {};                            \
      std::copy(x + k, x + n, buf);                              \
      STORE(buf, F(LOAD(buf)));                                  \
      std::copy(buf, buf + (n - k), y + k);                      \
    }                                                            \
  } while (0)

// exp_<name>, log1p_<name>, asin_<name> over W-wide vectors of SLEEF's ..._u10<suffix> functions.
#define REGIO_VMATH_DEFINE(NAME, W, LOAD, STORE, SUFFIX)                   \
  void exp_##NAME(const double* x, double* y, std::size_t n) {             \
    REGIO_VMATH_APPLY(W, LOAD, STORE, Sleef_cinz_expd##W##_u10##SUFFIX);   \
  }                                                                        \
  void log1p_##NAME(const double* x, double* y, std::size_t n) {           \
    REGIO_VMATH_APPLY(W, LOAD, STORE, Sleef_cinz_log1pd##W##_u10##SUFFIX); \
  }                                                                        \
  void asin_##NAME(const double* x, double* y, std::size_t n) {            \
    REGIO_VMATH_APPLY(W, LOAD, STORE, Sleef_cinz_asind##W##_u10##SUFFIX);  \
  }

// The vector paths are built by GCC on x86-64 (as row_products.cpp's: clang ignores the target
// pragmas); other builds take SLEEF's scalar functions, which give the same bits.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define REGIO_VMATH_X86 1

// SSE2 is part of x86-64: sleef.h declares these.
REGIO_VMATH_DEFINE(sse2, 2, _mm_loadu_pd, _mm_storeu_pd, sse2)

}  // namespace
}  // namespace regio::vmath

// sleef.h declares the AVX and AVX-512 functions only when the whole translation unit is
// compiled for them (it tests __AVX__, which `#pragma GCC target` does not define in C++), and
// compiling this file with -mavx512f would let AVX-512 code into inline functions shared with
// the rest of the program. So the wider functions are declared here, inside the target region
// that the callers below are compiled in.
#pragma GCC push_options
#pragma GCC target("avx,avx512f")
extern "C" {
__m256d Sleef_cinz_expd4_u10avx(__m256d);
__m256d Sleef_cinz_log1pd4_u10avx(__m256d);
__m256d Sleef_cinz_asind4_u10avx(__m256d);
__m512d Sleef_cinz_expd8_u10avx512fnofma(__m512d);
__m512d Sleef_cinz_log1pd8_u10avx512fnofma(__m512d);
__m512d Sleef_cinz_asind8_u10avx512fnofma(__m512d);
}
#pragma GCC pop_options

namespace regio::vmath {
namespace {

#pragma GCC push_options
#pragma GCC target("avx")
REGIO_VMATH_DEFINE(avx, 4, _mm256_loadu_pd, _mm256_storeu_pd, avx)
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx,avx512f")
REGIO_VMATH_DEFINE(avx512, 8, _mm512_loadu_pd, _mm512_storeu_pd, avx512fnofma)
#pragma GCC pop_options

bool cpu_has(Width w) {
  __builtin_cpu_init();
  switch (w) {
    case Width::scalar:
    case Width::sse2:
      return true;
    case Width::avx:
      return __builtin_cpu_supports("avx") != 0;
    case Width::avx512:
      return __builtin_cpu_supports("avx512f") != 0;
  }
  return false;
}
#else
bool cpu_has(Width w) { return w == Width::scalar; }
#endif  // REGIO_VMATH_X86

// One function at every width.
struct Paths {
  decltype(&Sleef_cinz_expd1_u10purec) scalar;  // SLEEF declares it returning const double
  void (*sse2)(const double*, double*, std::size_t);
  void (*avx)(const double*, double*, std::size_t);
  void (*avx512)(const double*, double*, std::size_t);
};
#ifdef REGIO_VMATH_X86
constexpr Paths kExp{Sleef_cinz_expd1_u10purec, exp_sse2, exp_avx, exp_avx512};
constexpr Paths kLog1p{Sleef_cinz_log1pd1_u10purec, log1p_sse2, log1p_avx, log1p_avx512};
constexpr Paths kAsin{Sleef_cinz_asind1_u10purec, asin_sse2, asin_avx, asin_avx512};
#else
constexpr Paths kExp{Sleef_cinz_expd1_u10purec, nullptr, nullptr, nullptr};
constexpr Paths kLog1p{Sleef_cinz_log1pd1_u10purec, nullptr, nullptr, nullptr};
constexpr Paths kAsin{Sleef_cinz_asind1_u10purec, nullptr, nullptr, nullptr};
#endif

void apply(const Paths& f, Width w, const double* x, double* y, std::size_t n) {
  if (w == Width::avx512 && f.avx512) return f.avx512(x, y, n);
  if (w == Width::avx && f.avx) return f.avx(x, y, n);
  if (w == Width::sse2 && f.sse2) return f.sse2(x, y, n);
  for (std::size_t k = 0; k < n; ++k) y[k] = f.scalar(x[k]);
}

}  // namespace

namespace detail {

bool width_available(Width w) { return cpu_has(w); }

const char* width_name(Width w) {
  switch (w) {
    case Width::sse2:
      return "sse2";
    case Width::avx:
      return "avx";
    case Width::avx512:
      return "avx512";
    case Width::scalar:
      break;
  }
  return "scalar";
}

Width best_width() {
  static const Width best = [] {
    if (const char* forced = std::getenv("REGIO_VECTOR_MATH"))
      for (auto w : {Width::scalar, Width::sse2, Width::avx, Width::avx512})
        if (std::strcmp(forced, width_name(w)) == 0 && cpu_has(w)) return w;
    for (auto w : {Width::avx512, Width::avx, Width::sse2})
      if (cpu_has(w)) return w;
    return Width::scalar;
  }();
  return best;
}

void exp(Width w, const double* x, double* y, std::size_t n) { apply(kExp, w, x, y, n); }
void log1p(Width w, const double* x, double* y, std::size_t n) { apply(kLog1p, w, x, y, n); }
void asin(Width w, const double* x, double* y, std::size_t n) { apply(kAsin, w, x, y, n); }

}  // namespace detail

void exp(const double* x, double* y, std::size_t n) { detail::exp(detail::best_width(), x, y, n); }
void log1p(const double* x, double* y, std::size_t n) { detail::log1p(detail::best_width(), x, y, n); }
void asin(const double* x, double* y, std::size_t n) { detail::asin(detail::best_width(), x, y, n); }

double exp(double x) { return Sleef_cinz_expd1_u10purec(x); }
double log1p(double x) { return Sleef_cinz_log1pd1_u10purec(x); }
double asin(double x) { return Sleef_cinz_asind1_u10purec(x); }

}  // namespace regio::vmath
