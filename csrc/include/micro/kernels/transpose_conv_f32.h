/*
 * TRANSPOSE_CONV (NHWC), float32, as TFLM's float reference. TFLM scatters every input
 * pixel into a zeroed output, so each output element sums its products in the order of
 * the input pixels (row, column, channel ascending); this kernel gathers them in that
 * order:
 *   acc = 0.0f; for iy, ix, ic ascending with ky = y + pad_top - iy * stride_height and
 *   kx = x + pad_left - ix * stride_width inside the filter:
 *       acc += input[b, iy, ix, ic] * filter[oc, ky, kx, ic]
 *   out = min(max(acc + bias[oc], act_min), act_max)     (no bias: acc)
 */
#ifndef MICRO_KERNELS_TRANSPOSE_CONV_F32_H
#define MICRO_KERNELS_TRANSPOSE_CONV_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
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
    float act_min;          /* <= act_max: the fused activation's range */
    float act_max;
} micro_transpose_conv_f32_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_TRANSPOSE_CONV_F32_INPUT,
    MICRO_TRANSPOSE_CONV_F32_FILTER,
    MICRO_TRANSPOSE_CONV_F32_BIAS,
    MICRO_TRANSPOSE_CONV_F32_OUTPUT,
    MICRO_TRANSPOSE_CONV_F32_N_OPERANDS
} micro_transpose_conv_f32_operand_t;

/* Operands: input f32[batches, input_height, input_width, input_depth], filter
 * f32[output_depth, filter_height, filter_width, input_depth], bias f32[output_depth] or
 * absent, output f32[batches, output_height, output_width, output_depth]. */
micro_status_t micro_transpose_conv_f32(const micro_transpose_conv_f32_params_t *p,
                                        const float *input, const float *filter,
                                        const float *bias, float *output);

#endif
