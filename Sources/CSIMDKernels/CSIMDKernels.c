#include "CSIMDKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>

bool cvk_avx_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    if ((ecx & bit_AVX) == 0 || (ecx & bit_OSXSAVE) == 0) return false;
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0x6) == 0x6;  // the OS saves XMM and YMM state
}

__attribute__((target("avx"))) static inline __m256 cvk_relu(__m256 a, bool relu) {
    if (!relu) return a;
    // Lanes ≤ 0 (−0 included) become +0; NaN compares false and stays, as Swift's replacing(with:where:) does.
    const __m256 nonPositive = _mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_LE_OQ);
    return _mm256_andnot_ps(nonPositive, a);
}

__attribute__((target("avx")))
void cvk_layer4_avx(float *scratch, ptrdiff_t stride, ptrdiff_t from, ptrdiff_t count, const float *weights,
                    ptrdiff_t chunks, ptrdiff_t to, bool relu) {
    const float *x0 = scratch + from, *x1 = x0 + stride, *x2 = x0 + 2 * stride, *x3 = x0 + 3 * stride;
    for (ptrdiff_t c = 0; c < chunks; c++) {
        __m256 a0 = _mm256_loadu_ps(weights + 8 * (count * chunks + c));
        __m256 a1 = a0, a2 = a0, a3 = a0;
        const float *w = weights + 8 * c;
        for (ptrdiff_t i = 0; i < count; i++) {
            const __m256 wi = _mm256_loadu_ps(w);
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_set1_ps(x0[i]), wi));
            a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_set1_ps(x1[i]), wi));
            a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_set1_ps(x2[i]), wi));
            a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_set1_ps(x3[i]), wi));
            w += 8 * chunks;
        }
        _mm256_storeu_ps(scratch + to + 8 * c, cvk_relu(a0, relu));
        _mm256_storeu_ps(scratch + stride + to + 8 * c, cvk_relu(a1, relu));
        _mm256_storeu_ps(scratch + 2 * stride + to + 8 * c, cvk_relu(a2, relu));
        _mm256_storeu_ps(scratch + 3 * stride + to + 8 * c, cvk_relu(a3, relu));
    }
}

#else

bool cvk_avx_available(void) { return false; }

void cvk_layer4_avx(float *scratch, ptrdiff_t stride, ptrdiff_t from, ptrdiff_t count, const float *weights,
                    ptrdiff_t chunks, ptrdiff_t to, bool relu) {
    (void)scratch; (void)stride; (void)from; (void)count; (void)weights; (void)chunks; (void)to; (void)relu;
}

#endif
