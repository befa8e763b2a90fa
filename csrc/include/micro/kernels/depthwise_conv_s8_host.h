/*
 * DEPTHWISE_CONV_2D int8 on the host's vector units: the twin of micro_depthwise_conv_s8,
 * with the same params, operands and output bytes (see depthwise_conv_s8.h). On x86-64
 * CPUs with AVX2 a depth multiplier of 1 runs 8-lane loops (depthwise_conv_s8_host.c);
 * elsewhere it is micro_depthwise_conv_s8. Host steps run it (micro/config.h).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_HOST_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_HOST_H

#include "micro/kernels/depthwise_conv_s8.h"

micro_status_t micro_depthwise_conv_s8_host(const micro_depthwise_conv_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int8_t *output);

#endif
