#pragma once
// Elementwise exp, log1p and asin over arrays, for building kernel rows (τ^−θ, μ^−ε and the
// great-circle distances they depend on: N elements per row, N² per rank and setup, and again
// every residual with solver.kernels = on_the_fly).
//
// SLEEF's deterministic functions (libsleef-dev, the "cinz" family: ≤ 1 ulp, no fused
// multiply-add) are bitwise the same at every vector width, so the path a node takes (scalar,
// SSE2, AVX, AVX-512, chosen at run time) does not change the kernels, the results, or their
// identity across rank counts and nodes. glibc's exp and log may round differently between CPU
// generations (it picks FMA variants at run time), and its scalar calls took 30 ns per kernel
// element; the vector calls take 1.2 (exp) to 3 ns (log1p) on AVX-512.
#include <cstddef>

namespace regio::vmath {

enum class Width { scalar, sse2, avx, avx512 };

// y[k] = f(x[k]) for k < n; x and y may be the same array.
void exp(const double* x, double* y, std::size_t n);
void log1p(const double* x, double* y, std::size_t n);
void asin(const double* x, double* y, std::size_t n);  // |x| ≤ 1

// Scalar versions, bitwise equal to the array ones (for single distances and tests).
double exp(double x);
double log1p(double x);
double asin(double x);

namespace detail {
// The widest path this CPU runs; REGIO_VECTOR_MATH=scalar|sse2|avx|avx512 narrows it (tests,
// benchmarks; a width the CPU lacks is not taken).
Width best_width();
bool width_available(Width w);
const char* width_name(Width w);
void exp(Width w, const double* x, double* y, std::size_t n);
void log1p(Width w, const double* x, double* y, std::size_t n);
void asin(Width w, const double* x, double* y, std::size_t n);
}  // namespace detail

}  // namespace regio::vmath
