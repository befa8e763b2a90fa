/*
 * int16x8 convolution (CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED int16x8) on the DSP
 * extension's dual 16-bit multiply-accumulates (Cortex-M4/M7): the twin of micro_conv_s16,
 * with the same params, operands and output bytes (see conv_s16.h). Steps run it when
 * MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_CONV_S16_DSP_H
#define MICRO_KERNELS_CONV_S16_DSP_H

#include "micro/kernels/conv_s16.h"

micro_status_t micro_conv_s16_dsp(const micro_conv_s16_params_t *p, const int16_t *input,
                                  const int8_t *filter, const void *bias,
                                  const int32_t *multiplier, const int32_t *shift,
                                  int16_t *output);

#endif
