/*
 * FULLY_CONNECTED int8 on the host's vector units: the twin of micro_fully_connected_s8,
 * with the same params, operands and output bytes (see fully_connected_s8.h); it ignores
 * the scratch. On x86-64 CPUs with AVX2 it computes 8 outputs at once (row-major layout 0,
 * the host's; fully_connected_s8_host.c); elsewhere, and for layout 1, it is
 * micro_fully_connected_s8. Host steps run it (micro/config.h).
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_H

#include "micro/kernels/fully_connected_s8.h"

micro_status_t micro_fully_connected_s8_host(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *input, const int8_t *filter,
                                             const int32_t *bias, const int32_t *multiplier,
                                             const int32_t *shift, int16_t *scratch,
                                             int8_t *output);

#endif
