/*
 * CONV_2D and DEPTHWISE_CONV_2D, float32 NHWC, grouped (TFLM's float reference Conv; a
 * depthwise filter [1, FH, FW, O] is the grouped filter [O, FH, FW, 1] with groups = C,
 * whose sums are DepthwiseConv's in the same order). Output channel o of group
 * g = o / (O / groups):
 *   total = 0.0f; for fy, fx, i ascending, taps inside the input only:
 *       total += input[b][y*stride_h + fy*dilation_h - pad_top]
 *                     [x*stride_w + fx*dilation_w - pad_left][g * I + i] * filter[o][fy][fx][i]
 *   output[b][y][x][o] = min(max(total + (bias ? bias[o] : 0.0f), act_min), act_max)
 * The bias, or 0.0f without one, is always added (so a -0 sum becomes +0, as in TFLM).
 */
#ifndef MICRO_KERNELS_CONV_F32_H
#define MICRO_KERNELS_CONV_F32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t batches;            /* N >= 1 */
    int32_t input_height;       /* H >= 1 */
    int32_t input_width;        /* W >= 1 */
    int32_t input_depth;        /* C = groups * filter_depth */
    int32_t filter_height;      /* FH >= 1 */
    int32_t filter_width;       /* FW >= 1 */
    int32_t filter_depth;       /* I >= 1: input channels per group */
    int32_t output_height;      /* OH >= 1 */
    int32_t output_width;       /* OW >= 1 */
    int32_t output_depth;       /* O >= 1, a multiple of groups */
    int32_t groups;             /* >= 1 */
    int32_t stride_height;      /* >= 1 */
    int32_t stride_width;       /* >= 1 */
    int32_t dilation_height;    /* >= 1 */
    int32_t dilation_width;     /* >= 1 */
    int32_t pad_top;            /* >= 0 */
    int32_t pad_left;           /* >= 0 */
    float act_min;              /* <= act_max: the fused activation's range */
    float act_max;
} micro_conv_f32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_CONV_F32_INPUT,   /* f32[N*H*W*C] */
    MICRO_CONV_F32_FILTER,  /* f32[O*FH*FW*I] */
    MICRO_CONV_F32_BIAS,    /* f32[O], or absent */
    MICRO_CONV_F32_OUTPUT,  /* f32[N*OH*OW*O] */
    MICRO_CONV_F32_N_OPERANDS
} micro_conv_f32_operand_t;

micro_status_t micro_conv_f32(const micro_conv_f32_params_t *p, const float *input,
                              const float *filter, const float *bias, float *output);

#endif
