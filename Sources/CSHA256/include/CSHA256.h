// CSHA256: the SHA-256 compression function on the x86-64 SHA extensions (SHA-NI), for CustomVisionCore.SHA256.
// CustomVisionCore is the only importer; everything else uses its Swift API. On other CPUs and architectures
// csha256_accelerated_available() returns false and the Swift implementation runs instead,
// with the round constants from here.
#ifndef CSHA256_H
#define CSHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The 64 round constants K of FIPS 180-4, 16-byte aligned: the one copy, which the Swift fallback reads too.
const uint32_t *csha256_round_constants(void);

/// Whether this CPU has the SHA extensions plus SSSE3 and SSE4.1 (CPUID), so that
/// csha256_compress_accelerated may be called. Always false when not built for x86-64.
/// It executes CPUID on every call (slow under a hypervisor): callers cache the answer.
bool csha256_accelerated_available(void);

/// Runs the SHA-256 compression function over `blocks` consecutive 64-byte blocks starting at `data` (any
/// alignment), updating `state` (the eight working words H0...H7, in order, native endianness).
/// Only call it when csha256_accelerated_available() returned true; elsewhere it is a no-op.
void csha256_compress_accelerated(uint32_t state[8], const void *data, size_t blocks);

#endif
