#pragma once
// An allocator for the large arrays that the residual streams (the stored kernel rows): blocks
// aligned to 2 MiB and marked for transparent huge pages (madvise(MADV_HUGEPAGE), which is what
// Linux's default THP setting `madvise` asks for; elsewhere a hint that may be ignored). With
// 4 KiB pages a 4 GB kernel takes a million page faults to fill and the hardware prefetchers
// stop at every page boundary while streaming it; with 2 MiB pages, 2,000 faults and long runs.
// REGIO_HUGE_PAGES=0 leaves the hint out (benchmarks: docs/performance.md).
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace regio {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t(2) << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {  // small arrays: ordinary pages
      void* p = std::malloc(bytes > 0 ? bytes : 1);
      if (!p) throw std::bad_alloc();
      return static_cast<T*>(p);
    }
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (wanted()) madvise(p, rounded, MADV_HUGEPAGE);  // advisory: failure leaves ordinary pages
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }

  static bool wanted() {
    static const bool on = [] {
      const char* v = std::getenv("REGIO_HUGE_PAGES");
      return !(v && v[0] == '0');
    }();
    return on;
  }

  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace regio
