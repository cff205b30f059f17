// CBase64: the bulk of base64 encoding and decoding (RFC 4648, standard alphabet) with AVX2, for
// CustomVisionCore.Base64Codec, which handles the rest of a buffer (the tail, the padding) itself.
// CustomVisionCore is the only importer. On CPUs without AVX2 and on other architectures
// cbase64_avx2_available() returns false and the functions do nothing (return 0).
#ifndef CBASE64_H
#define CBASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU and OS support AVX2 (CPUID and XGETBV), so that the functions below do any work.
/// It executes CPUID on every call (slow under a hypervisor): callers cache the answer.
bool cbase64_avx2_available(void);

/// Encodes a prefix of `in` (`count` bytes): 24 bytes at a time while 28 remain readable. Writes 4/3 as many
/// characters to `out` and returns how many input bytes it took (a multiple of 24; 0 without AVX2).
size_t cbase64_encode_avx2(const uint8_t *in, size_t count, uint8_t *out);

/// Decodes a prefix of `in` (`count` characters, none of them padding): 32 characters at a time while the output
/// has room for 32 bytes (`out_capacity`), writing 3/4 as many bytes to `out`. Returns how many characters it
/// took (a multiple of 32; 0 without AVX2), or SIZE_MAX when a taken block holds a byte outside the alphabet.
size_t cbase64_decode_avx2(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity);

#endif
