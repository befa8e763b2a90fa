/*
 * The host conv twins' shared pieces (internal): the longest patch their packed weights
 * hold, a block's weights packed as int16 pairs and its constants, and the AVX-512 variants' entries
 * (conv_s8_host_avx512.c, conv_s8_host_vnni.c), which micro_conv_s8_host (conv_s8_host.c) chooses at run time.
 */
#ifndef MICRO_KERNELS_CONV_PACK_H
#define MICRO_KERNELS_CONV_PACK_H

#include <stdint.h>

#include "micro/kernels/conv_s8.h"

#define MICRO_CONV_HOST_KMAX 1152 /* longest patch (3x3x128) the packed weights hold */

/* Weights of channels [o, o + n) (filter rows `row` bytes apart) as int16 pairs
 * [pairs][nb][2], zero past n. */
static inline void micro_conv_pack_pairs(const int8_t *filter, int32_t row, int32_t o, int32_t n,
                                         int32_t nb, int32_t pairs, int16_t *wt)
{
    for (int32_t c = 0; c < nb; ++c) {
        if (c >= n) {
            for (int32_t j = 0; j < pairs; ++j) {
                wt[(j * nb + c) * 2] = wt[(j * nb + c) * 2 + 1] = 0;
            }
            continue;
        }
        const int8_t *w = filter + (int64_t)(o + c) * row;
        for (int32_t j = 0; j < pairs; ++j) {
            wt[(j * nb + c) * 2] = w[2 * j];
            wt[(j * nb + c) * 2 + 1] = w[2 * j + 1];
        }
    }
}

/* A block's constants: channels [o, o + n)'s bias, multiplier and shift into b, m, s, zero
 * past n up to nb. */
static inline void micro_conv_block_constants(const int32_t *bias, const int32_t *multiplier,
                                              const int32_t *shift, int32_t o, int32_t n,
                                              int32_t nb, int32_t *b, int32_t *m, int32_t *s)
{
    for (int32_t c = 0; c < nb; ++c) {
        b[c] = c < n ? bias[o + c] : 0;
        m[c] = c < n ? multiplier[o + c] : 0;
        s[c] = c < n ? shift[o + c] : 0;
    }
}

/* The AVX-512 variants of the twin (patch length <= MICRO_CONV_HOST_KMAX, filter layout
 * 0): int16 pairs through VPMADDWD (AVX-512BW), and bytes through VPDPBUSD (AVX512_VNNI,
 * conv_s8_host_vnni.c). */
void micro_conv_s8_avx512(const micro_conv_s8_params_t *p, const int8_t *input,
                          const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                          const int32_t *shift, int8_t *output);
void micro_conv_s8_vnni(const micro_conv_s8_params_t *p, const int8_t *input,
                        const int8_t *filter, const int32_t *bias, const int32_t *multiplier,
                        const int32_t *shift, int8_t *output);

#endif
