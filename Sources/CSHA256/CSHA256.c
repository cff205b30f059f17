// SHA-256 compression with the x86-64 SHA extensions. The instructions keep the working variables in two
// registers, ABEF and CDGH (A in the highest lane); SHA256RNDS2 does two rounds and SHA256MSG1/MSG2 extend the
// message schedule four words at a time. The functions carry their own target attribute, so the rest of the
// package builds for baseline x86-64 and callers check csha256_accelerated_available() first.
#include "CSHA256.h"

static const uint32_t roundConstants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t *csha256_round_constants(void) { return roundConstants; }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>

#define CSHA256_TARGET __attribute__((target("sha,sse4.1,ssse3")))

bool csha256_accelerated_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    const bool ssse3 = (ecx & bit_SSSE3) != 0, sse41 = (ecx & bit_SSE4_1) != 0;
    if (__get_cpuid_max(0, NULL) < 7) return false;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const bool sha = (ebx & bit_SHA) != 0;
    return ssse3 && sse41 && sha;
}

/// Four big-endian message words from 16 bytes at any alignment, as four native words W[i]...W[i+3] (lane 0 first).
CSHA256_TARGET static inline __m128i loadWords(const uint8_t *p) {
    const __m128i byteSwap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), byteSwap);
}

/// W[t]...W[t+3] from the sixteen words before them, W[t-16]...W[t-1], held four to a register.
CSHA256_TARGET static inline __m128i nextWords(__m128i w16, __m128i w12, __m128i w8, __m128i w4) {
    // MSG1 adds sigma0(W[t-15..t-12]) to W[t-16..t-13]; then W[t-7..t-4] (an unaligned window over w8 and w4)
    // is added, and MSG2 adds sigma1 of the previous two words, lane by lane, including the ones it just made.
    __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4));
    return _mm_sha256msg2_epu32(sum, w4);
}

/// Four rounds with message words `w` and the round constants at `k`.
CSHA256_TARGET static inline void fourRounds(__m128i *abef, __m128i *cdgh, __m128i w, const uint32_t *k) {
    const __m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)(const void *)k));
    // Each RNDS2 uses the low two lanes of wk. After two rounds the old ABEF is the new CDGH, so the registers
    // trade roles instead of moving.
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

CSHA256_TARGET void csha256_compress_accelerated(uint32_t state[8], const void *message, size_t blocks) {
    const uint8_t *data = message;
    // state[0..3] = A B C D and state[4..7] = E F G H, lane 0 first; rearrange into ABEF and CDGH.
    const __m128i dcba = _mm_loadu_si128((const __m128i *)(void *)state);
    const __m128i hgfe = _mm_loadu_si128((const __m128i *)(void *)(state + 4));
    const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);  // lanes: B A D C
    const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);  // lanes: H G F E
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);       // lanes: F E B A
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);    // lanes: H G D C

    for (size_t block = 0; block < blocks; block++, data += 64) {
        const __m128i abefBefore = abef, cdghBefore = cdgh;
        // w0...w3 hold four message words each: W[0...15] first, then each replaced by the words sixteen on.
        __m128i w0 = loadWords(data), w1 = loadWords(data + 16), w2 = loadWords(data + 32), w3 = loadWords(data + 48);
        fourRounds(&abef, &cdgh, w0, roundConstants);
        fourRounds(&abef, &cdgh, w1, roundConstants + 4);
        fourRounds(&abef, &cdgh, w2, roundConstants + 8);
        fourRounds(&abef, &cdgh, w3, roundConstants + 12);
        for (int t = 16; t < 64; t += 16) {
            w0 = nextWords(w0, w1, w2, w3);
            fourRounds(&abef, &cdgh, w0, roundConstants + t);
            w1 = nextWords(w1, w2, w3, w0);
            fourRounds(&abef, &cdgh, w1, roundConstants + t + 4);
            w2 = nextWords(w2, w3, w0, w1);
            fourRounds(&abef, &cdgh, w2, roundConstants + t + 8);
            w3 = nextWords(w3, w0, w1, w2);
            fourRounds(&abef, &cdgh, w3, roundConstants + t + 12);
        }
        abef = _mm_add_epi32(abef, abefBefore);
        cdgh = _mm_add_epi32(cdgh, cdghBefore);
    }

    // Back to A B C D / E F G H.
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);  // lanes: A B E F
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);  // lanes: G H C D
    _mm_storeu_si128((__m128i *)(void *)state, _mm_blend_epi16(feba, dchg, 0xF0));            // A B C D
    _mm_storeu_si128((__m128i *)(void *)(state + 4), _mm_alignr_epi8(dchg, feba, 8));         // E F G H
}

#else

bool csha256_accelerated_available(void) { return false; }

void csha256_compress_accelerated(uint32_t state[8], const void *message, size_t blocks) {
    (void)state;
    (void)message;
    (void)blocks;
}

#endif
