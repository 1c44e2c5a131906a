#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The block functions SHA-256 can run on. The portable one runs everywhere; the others only where the CPU
/// has the instructions (x86-64 SHA-NI, ARMv8 crypto extensions), which `csha256_available` checks at run time.
typedef enum {
    CSHA256_PORTABLE = 0,
    CSHA256_SHANI = 1,
    CSHA256_ARMV8 = 2,
} csha256_path;

/// 1 when `path` is compiled in and this CPU can run it.
int csha256_available(csha256_path path);

/// The fastest path this CPU runs (chosen once).
csha256_path csha256_best(void);

/// SHA-256 (FIPS 180-4) of `length` bytes into `out` (32 bytes), on the fastest path.
void csha256_digest(const uint8_t *data, size_t length, uint8_t out[32]);

/// The same on a given path (an unavailable one falls back to the portable path); for tests and benchmarks.
void csha256_digest_with(csha256_path path, const uint8_t *data, size_t length, uint8_t out[32]);

#endif
