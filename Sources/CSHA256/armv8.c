// The ARMv8 crypto-extension block function: sha256h/sha256h2 do four rounds, sha256su0/su1 the schedule.
// Compiled for those instructions by attribute only; Linux reports them in AT_HWCAP.
#include "blocks.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
int csha256_armv8_supported(void) { return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0; }
#elif defined(__APPLE__)
int csha256_armv8_supported(void) { return 1; }   // every Apple ARM CPU has them
#else
int csha256_armv8_supported(void) { return 0; }
#endif

__attribute__((target("sha2")))
void csha256_blocks_armv8(uint32_t h[8], const uint8_t *data, size_t count) {
    uint32x4_t abcd = vld1q_u32(&h[0]), efgh = vld1q_u32(&h[4]);
    for (; count > 0; count--, data += 64) {
        uint32x4_t abcdSaved = abcd, efghSaved = efgh;
        uint32x4_t m[4];
        for (int i = 0; i < 4; i++) m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(data + 16 * i)));
        for (int g = 0; g < 16; g++) {
            uint32x4_t wk = vaddq_u32(m[g % 4], vld1q_u32(&csha256_k[4 * g]));
            // m[g % 4] becomes words 4g+16…4g+19, the group four on.
            if (g < 12) {
                m[g % 4] = vsha256su1q_u32(vsha256su0q_u32(m[g % 4], m[(g + 1) % 4]), m[(g + 2) % 4], m[(g + 3) % 4]);
            }
            uint32x4_t before = abcd;
            abcd = vsha256hq_u32(abcd, efgh, wk);
            efgh = vsha256h2q_u32(efgh, before, wk);
        }
        abcd = vaddq_u32(abcd, abcdSaved);
        efgh = vaddq_u32(efgh, efghSaved);
    }
    vst1q_u32(&h[0], abcd);
    vst1q_u32(&h[4], efgh);
}

#else
int csha256_armv8_supported(void) { return 0; }
void csha256_blocks_armv8(uint32_t h[8], const uint8_t *data, size_t count) { csha256_blocks_portable(h, data, count); }
#endif
