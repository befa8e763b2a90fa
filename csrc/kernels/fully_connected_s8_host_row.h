/*
 * One batch row's operands for the FULLY_CONNECTED host twins (fully_connected_s8_host.c,
 * AVX2; fully_connected_s8_host_avx512.c, AVX-512), filled once per row so their output
 * functions take it and an output index (a tiny layer's calls pass two arguments in
 * registers). Internal to those two files.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_ROW_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_ROW_H

#include <stdint.h>

#include "micro/kernels/fully_connected_s8.h"

typedef struct {
    const micro_fully_connected_s8_params_t *p;
    const int8_t *x;           /* the row's input_depth values */
    const int8_t *filter;      /* row-major, output_depth rows of input_depth */
    const int32_t *bias;       /* output_depth folded biases */
    const int32_t *multiplier; /* 1 or output_depth */
    const int32_t *shift;      /* 1 or output_depth */
    int8_t *out;               /* the row's output_depth values */
    /* Subtracted from every sum (mod 2^32): filter_zp * the sum of x, plus whatever term
     * the variant's own arithmetic adds to its sums (AVX-512 VNNI: 128 * the sum of x). */
    uint32_t correction;
} fc_row_t;

#endif
