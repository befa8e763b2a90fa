/*
 * CONV_2D and DEPTHWISE_CONV_2D, float32 NHWC, grouped, over the window geometry of
 * micro/kernels/conv_geometry.h (TFLM's float reference Conv; a depthwise filter
 * [1, FH, FW, O] is the grouped filter [O, FH, FW, 1] with groups = C, whose sums are
 * DepthwiseConv's in the same order). Output channel o of group g = o / (O / groups):
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
#include "micro/kernels/conv_geometry.h"

typedef struct {
    micro_conv_geometry_t geometry; /* the window (micro/kernels/conv_geometry.h) */
    float act_min;                  /* <= act_max: the fused activation's range */
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
