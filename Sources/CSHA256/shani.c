// The x86-64 SHA-NI block function: sha256rnds2 does two rounds, sha256msg1/msg2 the message schedule.
// Compiled for those instructions by attribute only, so the rest of the target stays baseline x86-64.
#include "blocks.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static int cpu_has_shani(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ssse3 && sse41 && ((b >> 29) & 1);
}

// cpuid is asked once: in a virtual machine it traps to the hypervisor, which costs more than hashing 16 KiB.
// -1 until asked; a race only asks twice.
static int shani = -1;

int csha256_shani_supported(void) {
    int known = __atomic_load_n(&shani, __ATOMIC_RELAXED);
    if (known < 0) {
        known = cpu_has_shani();
        __atomic_store_n(&shani, known, __ATOMIC_RELAXED);
    }
    return known;
}

#define SHANI __attribute__((target("sha,sse4.1,ssse3")))

// One group of four rounds `g` (0…15); m[g % 4] holds words 4g…4g+3 of the schedule. The schedule steps follow
// Intel's arrangement: msg1 for the word four groups on, msg2 once the words it needs exist.
#define GROUP(g) do { \
    __m128i wk = _mm_add_epi32(m[(g) % 4], _mm_loadu_si128((const __m128i *)&csha256_k[4 * (g)])); \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); \
    if ((g) >= 3 && (g) <= 14) { \
        __m128i t = _mm_alignr_epi8(m[(g) % 4], m[((g) + 3) % 4], 4); \
        m[((g) + 1) % 4] = _mm_sha256msg2_epu32(_mm_add_epi32(m[((g) + 1) % 4], t), m[(g) % 4]); \
    } \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E)); \
    if ((g) >= 1 && (g) <= 12) m[((g) + 3) % 4] = _mm_sha256msg1_epu32(m[((g) + 3) % 4], m[(g) % 4]); \
} while (0)

SHANI void csha256_blocks_shani(uint32_t h[8], const uint8_t *data, size_t count) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // The instructions want the state as ABEF and CDGH.
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);
    for (; count > 0; count--, data += 64) {
        __m128i abefSaved = abef, cdghSaved = cdgh;
        __m128i m[4];
        for (int i = 0; i < 4; i++) m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), swap);
        GROUP(0); GROUP(1); GROUP(2); GROUP(3); GROUP(4); GROUP(5); GROUP(6); GROUP(7);
        GROUP(8); GROUP(9); GROUP(10); GROUP(11); GROUP(12); GROUP(13); GROUP(14); GROUP(15);
        abef = _mm_add_epi32(abef, abefSaved);
        cdgh = _mm_add_epi32(cdgh, cdghSaved);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

#else
int csha256_shani_supported(void) { return 0; }
void csha256_blocks_shani(uint32_t h[8], const uint8_t *data, size_t count) { csha256_blocks_portable(h, data, count); }
#endif
