/*
 * FULLY_CONNECTED, int8 activations and weights, int32 bias.
 *   output[b][n] = clamp(output_zp + requant(sum_k input[b][k] * filter[n][k]
 *                                           - filter_zp * sum_k input[b][k] + bias[n]))
 * `bias` here is the folded bias prepared on the host:
 *   bias[n] = model_bias[n] - input_zp * sum_k filter[n][k] + K * input_zp * filter_zp,
 * so the product (input - input_zp) * (filter - filter_zp) costs one int8 dot product.
 *
 * Filter layouts (filter_layout), with K4 = K rounded down to a multiple of 4 and N4 = N
 * likewise:
 *   0  row-major: filter[n][k] at n * K + k;
 *   1  rows in blocks of 4, the order the DSP twin reads: rows n < N4 form blocks of 4 * K
 *      bytes; block b holds, for each group g < K4 / 4 of 4 columns, the 4 bytes
 *      filter[4b + j][4g .. 4g + 3] of rows j = 0..3 in turn (16 bytes), then the K - K4
 *      last columns of row 4b, of 4b + 1, 4b + 2, 4b + 3; rows n >= N4 follow row-major.
 *      One pass over a block feeds 4 accumulators from consecutive words.
 *   2  layout 1 with each group's 16 weights widened to int16 (little-endian), 32 bytes:
 *      for row j = 0..3 of the block, words 2j and 2j + 1 hold the pairs
 *      (w[4g], w[4g + 2]) and (w[4g + 1], w[4g + 3]) of its 4 columns, the two halves
 *      SXTB16 makes of an input word, so the DSP twin's SMLAD takes filter words as they
 *      are; the K - K4 last columns of the block's rows and the rows n >= N4 stay int8 as
 *      in layout 1. N * K + N4 * K4 bytes (any int16 values are accepted: a product fits
 *      int32, and both kernels' sums wrap modulo 2^32).
 *   3  layout 2, and when N - N4 >= 2 rows N4 and N4 + 1 after the blocks as one block of
 *      2 rows in the same form (per group 16 bytes: row N4's two int16 pairs, then row
 *      N4 + 1's; then the K - K4 last columns of both rows, int8); a last row (N odd)
 *      row-major int8. N * K + (N4 + 2) * K4 bytes with the pair, else layout 2's.
 * Layouts 0 and 1 hold N * K bytes (micro_fully_connected_s8_filter_bytes). For a DSP core
 * the compiler writes layout 2 where the flash budget allows (compile_model(flash_budget=);
 * layers of 8 rows or more: micro/ops/fully_connected.py), layout 3 in its place where
 * N % 4 >= 2 and K % 4 == 0 (and for 2- or 3-row layers with 2 * K <= 2 KB), else layout 1.
 *
 * per_channel 2 and 3: one multiplier and shift as with 0, and the compiler's word that the
 * DSP twin's short lanes hold for every call, so its dispatch makes none of their tests:
 * one batch row, filter_zp 0, a blocked filter (layout 1-3) word-aligned as the scratch,
 * act_min -128 and act_max 127, the fast requantization (multiplier >= 2^30, shift <= -1);
 * for 2 K a multiple of 4 and no scratch (the lean lane), for 3
 * K = 1 and layout 1 or 2 (one product per output). The check refuses a step whose
 * operands break the word; every kernel reads 2 and 3 as 0.
 *
 * Scratch (micro_fully_connected_s8_scratch_size() bytes): the input row's first K4 values
 * widened to 16 bits, per group of 4 the pairs (x0, x2) and (x1, x3), so each word meets
 * one SXTB16 half of a filter word; optional: with none (NULL, size 0) the DSP twin splits
 * the input words itself, slower, to the same bytes. The reference kernel ignores it.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;        /* B >= 1: rows of input and output */
    int32_t input_depth;    /* K >= 1 */
    int32_t output_depth;   /* N >= 1 */
    int32_t filter_zp;      /* [-128, 127]; 0 for symmetric weights */
    int32_t output_zp;      /* [-128, 127] */
    int32_t act_min;        /* [-128, act_max] */
    int32_t act_max;        /* [act_min, 127] */
    int32_t per_channel;    /* 0: one multiplier/shift, 1: N of each; 2, 3: one (below) */
    int32_t filter_layout;  /* 0: row-major, 1: blocks of 4 rows, 2: int16 blocks, 3: and pair */
} micro_fully_connected_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_FULLY_CONNECTED_S8_INPUT,       /* int8[B*K] */
    MICRO_FULLY_CONNECTED_S8_FILTER,      /* filter_bytes(p) bytes, filter_layout's order */
    MICRO_FULLY_CONNECTED_S8_BIAS,        /* int32[N] (folded, see above) */
    MICRO_FULLY_CONNECTED_S8_MULTIPLIER,  /* int32[1 or N] */
    MICRO_FULLY_CONNECTED_S8_SHIFT,       /* int32[1 or N] (> 0: left) */
    MICRO_FULLY_CONNECTED_S8_SCRATCH,     /* scratch_size(p) bytes, or absent (see above) */
    MICRO_FULLY_CONNECTED_S8_OUTPUT,      /* int8[B*N] */
    MICRO_FULLY_CONNECTED_S8_N_OPERANDS
} micro_fully_connected_s8_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_fully_connected_s8_scratch_size(const micro_fully_connected_s8_params_t *p);

/* Bytes of the filter operand in p's filter_layout, for params the kernel's check accepts. */
int64_t micro_fully_connected_s8_filter_bytes(const micro_fully_connected_s8_params_t *p);

micro_status_t micro_fully_connected_s8(const micro_fully_connected_s8_params_t *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, const int32_t *multiplier,
                                        const int32_t *shift, int16_t *scratch,
                                        int8_t *output);

#endif
