// The block functions: `count` 64-byte blocks into the state `h`. Not part of the module's interface.
#ifndef CSHA256_BLOCKS_H
#define CSHA256_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*csha256_blocks)(uint32_t h[8], const uint8_t *data, size_t count);

extern const uint32_t csha256_k[64];

void csha256_blocks_portable(uint32_t h[8], const uint8_t *data, size_t count);
void csha256_blocks_shani(uint32_t h[8], const uint8_t *data, size_t count);
void csha256_blocks_armv8(uint32_t h[8], const uint8_t *data, size_t count);
int csha256_shani_supported(void);
int csha256_armv8_supported(void);

#endif
