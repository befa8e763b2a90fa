/*
 * DEPTHWISE_CONV_2D int8 on the host's vector units: the twin of micro_depthwise_conv_s8,
 * with the same params, operands and output bytes (see depthwise_conv_s8.h). On x86-64
 * CPUs with AVX2 a depth multiplier of 1 runs 8-lane loops (depthwise_conv_s8_host.c),
 * 16-lane ones where the CPU has AVX-512BW (depthwise_conv_s8_host_avx512.c, with VPDPWSSD
 * where it has AVX512_VNNI), chosen at run time; elsewhere it is micro_depthwise_conv_s8. Host steps run it (micro/config.h).
 */
#ifndef MICRO_KERNELS_DEPTHWISE_CONV_S8_HOST_H
#define MICRO_KERNELS_DEPTHWISE_CONV_S8_HOST_H

#include "micro/kernels/depthwise_conv_s8.h"

micro_status_t micro_depthwise_conv_s8_host(const micro_depthwise_conv_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int8_t *output);

/*
 * The variant micro_depthwise_conv_s8_host runs on this CPU: 0 the reference kernel (no
 * AVX2, or not an x86-64 host), 1 AVX2, 2 AVX-512BW, 3 AVX-512BW with VNNI. cap 0 to 3
 * limits it to at most that variant, for every layer, from then on (so tests compare
 * every variant the CPU has on the same cases); cap 4, the default, runs the best variant
 * but the AVX2 one for layers of fewer than 64 channels that the 512-bit variant would
 * take pixel by pixel (faster there; see depthwise_conv_s8_host.c); cap -1 leaves the
 * limit as it is.
 */
int32_t micro_depthwise_conv_s8_host_variant(int32_t cap);

#endif
