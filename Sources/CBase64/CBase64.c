// Base64 with AVX2, after Wojciech Muła and Daniel Lemire, "Faster Base64 Encoding and Decoding Using AVX2
// Instructions" (ACM TOW 2018). Each 128-bit lane handles 12 bytes / 16 characters on its own.
#include "CBase64.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <cpuid.h>
#include <immintrin.h>

#define CBASE64_TARGET __attribute__((target("avx2")))

bool cbase64_avx2_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
    // AVX and OSXSAVE, and the OS saving the YMM state (XCR0 bits 1 and 2).
    if ((ecx & bit_AVX) == 0 || (ecx & bit_OSXSAVE) == 0) return false;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return false;
    if (__get_cpuid_max(0, NULL) < 7) return false;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_AVX2) != 0;
}

CBASE64_TARGET size_t cbase64_encode_avx2(const uint8_t *in, size_t count, uint8_t *out) {
    // Per 32-bit lane, the three input bytes b0 b1 b2 as [b1 b0 b2 b1]: the 16-bit words b0:b1 and b1:b2 hold
    // the first two and the last two 6-bit groups.
    const __m256i spread = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
                                            1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    // Groups 1 and 3 move down by 10 and 6 bits (high half of a multiply), groups 2 and 4 up by 4 and 8.
    const __m256i highMask = _mm256_set1_epi32(0x0fc0fc00), highShift = _mm256_set1_epi32(0x04000040);
    const __m256i lowMask = _mm256_set1_epi32(0x003f03f0), lowShift = _mm256_set1_epi32(0x01000010);
    // 6-bit value → character as value + offset; the offset's index: 13 for 0–25 ('A'…), 0 for 26–51 ('a'…),
    // 1–10 for 52–61 ('0'…), 11 for 62 ('+'), 12 for 63 ('/').
    const __m256i offsets = _mm256_setr_epi8(
        'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
        '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0,
        'a' - 26, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52, '0' - 52,
        '0' - 52, '+' - 62, '/' - 63, 'A', 0, 0);
    size_t i = 0, o = 0;
    while (i + 28 <= count) {
        const __m128i low = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        const __m128i high = _mm_loadu_si128((const __m128i *)(const void *)(in + i + 12));
        const __m256i bytes = _mm256_shuffle_epi8(_mm256_set_m128i(high, low), spread);
        const __m256i values = _mm256_or_si256(
            _mm256_mulhi_epu16(_mm256_and_si256(bytes, highMask), highShift),
            _mm256_mullo_epi16(_mm256_and_si256(bytes, lowMask), lowShift));
        __m256i index = _mm256_subs_epu8(values, _mm256_set1_epi8(51));
        const __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(26), values);
        index = _mm256_or_si256(index, _mm256_and_si256(upper, _mm256_set1_epi8(13)));
        const __m256i text = _mm256_add_epi8(values, _mm256_shuffle_epi8(offsets, index));
        _mm256_storeu_si256((__m256i *)(void *)(out + o), text);
        i += 24;
        o += 32;
    }
    return i;
}

CBASE64_TARGET size_t cbase64_decode_avx2(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity) {
    // Validity: a character's high nibble picks a class bit, its low nibble the classes that are invalid there
    // (0x10: always, for high nibbles 0, 1 and 8–15); a valid character's two lookups share no bit.
    const __m256i invalidAtLow = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i classOfHigh = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    // Character → value as character + shift, by high nibble ('/' moved to index 1 by the compare).
    const __m256i shifts = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask2F = _mm256_set1_epi8(0x2F);
    // Per lane, the 24-bit values' bytes in big-endian order, then the two lanes' 12 bytes together.
    const __m256i gather = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i pack = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
    size_t i = 0, o = 0;
    while (i + 32 <= count && o + 32 <= out_capacity) {
        const __m256i text = _mm256_loadu_si256((const __m256i *)(const void *)(in + i));
        // Bit 5 of a shifted nibble comes from the next byte; the shuffles ignore it.
        const __m256i high = _mm256_and_si256(_mm256_srli_epi32(text, 4), mask2F);
        const __m256i low = _mm256_and_si256(text, mask2F);
        const __m256i check = _mm256_and_si256(_mm256_shuffle_epi8(invalidAtLow, low),
                                               _mm256_shuffle_epi8(classOfHigh, high));
        if (!_mm256_testz_si256(check, check)) return SIZE_MAX;
        const __m256i slash = _mm256_cmpeq_epi8(text, mask2F);
        const __m256i values = _mm256_add_epi8(text, _mm256_shuffle_epi8(shifts, _mm256_add_epi8(slash, high)));
        // a·64+b and c·64+d, then (a·64+b)·4096 + c·64+d: one 24-bit value per 32-bit lane.
        const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
        const __m256i groups = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(groups, gather), pack);
        _mm256_storeu_si256((__m256i *)(void *)(out + o), bytes);
        i += 32;
        o += 24;
    }
    return i;
}

#else

bool cbase64_avx2_available(void) { return false; }
size_t cbase64_encode_avx2(const uint8_t *in, size_t count, uint8_t *out) {
    (void)in; (void)count; (void)out;
    return 0;
}
size_t cbase64_decode_avx2(const uint8_t *in, size_t count, uint8_t *out, size_t out_capacity) {
    (void)in; (void)count; (void)out; (void)out_capacity;
    return 0;
}

#endif
