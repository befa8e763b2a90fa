/*
 * TRANSPOSE_CONV on the DSP extension's dual 16-bit multiply-accumulates (Cortex-M4/M7):
 * the twin of micro_transpose_conv, with the same params, operands and output bytes (see
 * transpose_conv.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_TRANSPOSE_CONV_DSP_H
#define MICRO_KERNELS_TRANSPOSE_CONV_DSP_H

#include "micro/kernels/transpose_conv.h"

micro_status_t micro_transpose_conv_dsp(const micro_transpose_conv_params_t *p,
                                        const void *input, const int8_t *filter,
                                        const void *bias, const int32_t *multiplier,
                                        const int32_t *shift, void *output);

#endif
