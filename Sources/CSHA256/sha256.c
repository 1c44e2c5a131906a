// SHA-256 (FIPS 180-4): padding and dispatch; the block functions are in the other files.
#include "csha256.h"
#include "blocks.h"
#include <string.h>

const uint32_t csha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

int csha256_available(csha256_path path) {
    switch (path) {
    case CSHA256_PORTABLE: return 1;
    case CSHA256_SHANI: return csha256_shani_supported();
    case CSHA256_ARMV8: return csha256_armv8_supported();
    }
    return 0;
}

// -1 until chosen; a race only chooses the same value twice.
static int chosen = -1;

csha256_path csha256_best(void) {
    int path = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (path < 0) {
        path = csha256_available(CSHA256_SHANI) ? CSHA256_SHANI
             : csha256_available(CSHA256_ARMV8) ? CSHA256_ARMV8 : CSHA256_PORTABLE;
        __atomic_store_n(&chosen, path, __ATOMIC_RELAXED);
    }
    return (csha256_path)path;
}

static csha256_blocks blocks_for(csha256_path path) {
    if (path == CSHA256_SHANI && csha256_available(path)) return csha256_blocks_shani;
    if (path == CSHA256_ARMV8 && csha256_available(path)) return csha256_blocks_armv8;
    return csha256_blocks_portable;
}

void csha256_digest_with(csha256_path path, const uint8_t *data, size_t length, uint8_t out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    csha256_blocks blocks = blocks_for(path);
    size_t whole = length / 64;
    if (whole > 0) blocks(h, data, whole);
    // The tail, 0x80, zeros and the bit length make one or two more blocks.
    uint8_t tail[128] = {0};
    size_t rest = length % 64;
    if (rest > 0) memcpy(tail, data + whole * 64, rest);
    tail[rest] = 0x80;
    size_t tailBlocks = rest < 56 ? 1 : 2;
    uint64_t bits = (uint64_t)length * 8;
    for (int i = 0; i < 8; i++) tail[tailBlocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    blocks(h, tail, tailBlocks);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

void csha256_digest(const uint8_t *data, size_t length, uint8_t out[32]) {
    csha256_digest_with(csha256_best(), data, length, out);
}
