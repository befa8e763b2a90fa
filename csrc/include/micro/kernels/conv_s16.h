/*
 * int16x8 convolution: int16 activations, int8 weights, per-channel requantization, as
 * TFLM's reference ConvPerChannel / DepthwiseConvPerChannel / FullyConnected for int16
 * (no zero points: int16 is symmetric). One kernel serves all three: a depthwise conv is
 * a grouped conv with one input channel per group, a fully connected layer a 1x1 conv.
 *   acc = bias[oc] + sum_{ky,kx,c} input[b, y*sh - pad_top + ky*dh, x*sw - pad_left + kx*dw,
 *                                        g*filter_depth + c] * filter[oc, ky, kx, c]
 * (taps outside the input add nothing; g = oc / (output_depth / groups)), then
 *   out = clamp(requant(acc, multiplier[oc], shift[oc]), act_min, act_max).
 * accum 32: TFLM's int32 accumulator, int32 bias, 32-bit requantization (its choice when
 * the bias is int32); accum 64: int64 accumulator and bias, 64-bit requantization.
 */
#ifndef MICRO_KERNELS_CONV_S16_H
#define MICRO_KERNELS_CONV_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/conv_geometry.h"

typedef struct {
    micro_conv_geometry_t geometry; /* the window (micro/kernels/conv_geometry.h) */
    int32_t accum;           /* 32 or 64 */
    int32_t act_min;         /* <= act_max, in [-32768, 32767] */
    int32_t act_max;
} micro_conv_s16_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_CONV_S16_INPUT,
    MICRO_CONV_S16_FILTER,
    MICRO_CONV_S16_BIAS,
    MICRO_CONV_S16_MULTIPLIER,
    MICRO_CONV_S16_SHIFT,
    MICRO_CONV_S16_OUTPUT,
    MICRO_CONV_S16_N_OPERANDS
} micro_conv_s16_operand_t;

/* Operands: input int16[batches, input_height, input_width, input_depth], filter
 * int8[output_depth, filter_height, filter_width, filter_depth], bias int32 (accum 32) or
 * int64 (accum 64) [output_depth] or absent, multiplier int32[output_depth] (>= 0), shift
 * int32[output_depth] ([-31, 30] for accum 32, [-31, 7] for 64), output
 * int16[batches, output_height, output_width, output_depth]. */
micro_status_t micro_conv_s16(const micro_conv_s16_params_t *p, const int16_t *input,
                              const int8_t *filter, const void *bias, const int32_t *multiplier,
                              const int32_t *shift, int16_t *output);

#endif
