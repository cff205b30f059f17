// CSIMDKernels: hot loops of CustomVisionTraining on 256-bit AVX registers, chosen at run time (CPUID + the OS
// saving YMM state), so the package still builds for baseline x86-64. CustomVisionTraining is the only importer.
// Every kernel does, lane by lane, the same IEEE operations in the same order as its Swift original (separate
// multiply and add: the functions are compiled for AVX without FMA, so nothing can be fused), so results are
// bit-identical.
#ifndef CSIMD_KERNELS_H
#define CSIMD_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/// Whether this CPU and OS run AVX code (CPUID AVX and OSXSAVE, XCR0 with SSE and AVX state). Always false when
/// not built for x86-64. Executes CPUID/XGETBV on every call: callers cache the answer.
bool cvk_avx_available(void);

/// One dense layer for four rows: for r in 0..<4 and chunk c in 0..<chunks, the eight sums
/// `bias[c] + Σ_i x_r[i] · w[i][c]` (added in input order i = 0, 1, …), where x_r = scratch + r·stride + from,
/// w[i][c] = weights + 8·(i·chunks + c) and bias[c] = weights + 8·(count·chunks + c); written to
/// scratch + r·stride + to + 8·c, with lanes ≤ 0 set to +0 when `relu`. Only call when cvk_avx_available().
void cvk_layer4_avx(float *scratch, ptrdiff_t stride, ptrdiff_t from, ptrdiff_t count, const float *weights,
                    ptrdiff_t chunks, ptrdiff_t to, bool relu);

#endif
