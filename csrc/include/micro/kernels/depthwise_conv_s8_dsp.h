/*
 * DEPTHWISE_CONV_2D int8 on the DSP extension's 16-bit multiply-accumulates (Cortex-M4/M7):
 * the twin of micro_depthwise_conv_s8, with the same params, operands and output bytes
 * (see depthwise_conv_s8.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_DSP_H

#include "micro/kernels/depthwise_conv_s8.h"

micro_status_t micro_depthwise_conv_s8_dsp(const micro_depthwise_conv_s8_params_t *p,
                                           const int8_t *input, const int8_t *filter,
                                           const int32_t *bias, const int32_t *multiplier,
                                           const int32_t *shift, int8_t *output);

/* The path micro_depthwise_conv_s8_dsp takes for these params and operands (micro/paths.h:
 * MICRO_PATH_DW_*), 0 for the reference kernel. The dispatch calls it; the host ORs it over
 * a Program's steps. */
uint32_t micro_depthwise_conv_s8_dsp_path(const micro_depthwise_conv_s8_params_t *p,
                                          const int8_t *filter, const int32_t *multiplier,
                                          const int32_t *shift);
/* 1 if the twin runs p with filter layout 1 on its tap-pair paths (O a multiple of 4, a
 * depth multiplier of 1, 2 or a multiple of 4 up to 256, at most 25 taps), else 0 (it
 * would run the reference kernel): the compiler writes layout 1 only then. */
int32_t micro_depthwise_conv_s8_dsp_pairs(const micro_depthwise_conv_s8_params_t *p);

/* 1 if the twin runs p with filter layout 2 on its column path (3x3, no dilation, stride 1
 * with any depth and multiplier, or strides 1-2 with multiplier 1 and 8 output rows or
 * more; output rows of 3 outputs to 768 bytes, input rows of at most 1,024 bytes), else 0:
 * the compiler writes layout 2 only then (and layout 1 for the tap pairs otherwise). */
int32_t micro_depthwise_conv_s8_dsp_cols(const micro_depthwise_conv_s8_params_t *p);

/* 1 if the twin runs p with filter layout 3 (its stride-2 records, read in place) on its
 * stride-2 path: where layout 2 would take that path with 4 input channels a block, depth
 * multiplier 1, output rows of at most 24 outputs (one strip) and int8's clamp; the
 * compiler writes layout 3 then when the requantization is in the path's domain
 * (multipliers in [2^30, 2^31), shifts in [-31, -1]), which the verifier checks. */
int32_t micro_depthwise_conv_s8_dsp_s2_records(const micro_depthwise_conv_s8_params_t *p);

#endif
