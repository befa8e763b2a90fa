/*
 * TRANSPOSE_CONV (NHWC), int8 x int8 -> int8 and int16 x int8 -> int16 (TFLM's reference,
 * per-channel requantization). TFLM scatters each input pixel times the filter into an
 * accumulator image; this kernel gathers instead, so it needs no scratch: output (y, x)
 * takes input row iy where iy * stride_height + ky = y + pad_top, for each filter row ky
 * (likewise columns), and
 *   acc = bias[oc] + sum (input - input_zp) * filter[oc, ky, kx, ic]
 *   out = clamp(requant(acc, multiplier[oc], shift[oc]) + output_zp, act_min, act_max)
 * int8 sums and requantizes in 32 bits; int16 in 64 bits with int64 bias and the 64-bit
 * requantization, and no zero points (TFLM reads neither).
 */
#ifndef MICRO_KERNELS_TRANSPOSE_CONV_H
#define MICRO_KERNELS_TRANSPOSE_CONV_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t width;          /* bytes per input/output element: 1 (int8) or 2 (int16) */
    int32_t batches;        /* >= 1 */
    int32_t input_height;   /* >= 1 */
    int32_t input_width;    /* >= 1 */
    int32_t input_depth;    /* >= 1 */
    int32_t filter_height;  /* >= 1 */
    int32_t filter_width;   /* >= 1 */
    int32_t output_height;  /* >= 1 */
    int32_t output_width;   /* >= 1 */
    int32_t output_depth;   /* >= 1 */
    int32_t stride_height;  /* >= 1 */
    int32_t stride_width;   /* >= 1 */
    int32_t pad_top;        /* >= 0 */
    int32_t pad_left;       /* >= 0 */
    int32_t input_zp;       /* [-128, 127]; 0 for int16 */
    int32_t output_zp;      /* [-128, 127]; 0 for int16 */
    int32_t act_min;        /* <= act_max, in the output type's range */
    int32_t act_max;
} micro_transpose_conv_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_TRANSPOSE_CONV_INPUT,
    MICRO_TRANSPOSE_CONV_FILTER,
    MICRO_TRANSPOSE_CONV_BIAS,
    MICRO_TRANSPOSE_CONV_MULTIPLIER,
    MICRO_TRANSPOSE_CONV_SHIFT,
    MICRO_TRANSPOSE_CONV_OUTPUT,
    MICRO_TRANSPOSE_CONV_N_OPERANDS
} micro_transpose_conv_operand_t;

/* Operands: input [batches, input_height, input_width, input_depth] (int8 or int16),
 * filter int8[output_depth, filter_height, filter_width, input_depth], bias int32 (int8)
 * or int64 (int16) [output_depth] or absent, multiplier int32[output_depth] (>= 0),
 * shift int32[output_depth] ([-31, 30]; [-31, 7] for int16), output
 * [batches, output_height, output_width, output_depth]. */
micro_status_t micro_transpose_conv(const micro_transpose_conv_params_t *p, const void *input,
                                    const int8_t *filter, const void *bias,
                                    const int32_t *multiplier, const int32_t *shift,
                                    void *output);

#endif
