/*
 * FULLY_CONNECTED int8 on the host's vector units: the twin of micro_fully_connected_s8,
 * with the same params, operands and output bytes (see fully_connected_s8.h); it ignores
 * the scratch. On x86-64 CPUs with AVX2 it computes 8 outputs at once (row-major layout 0,
 * the host's; fully_connected_s8_host.c), 16 at once where the CPU has AVX-512BW, through
 * VPDPBUSD where it has AVX512_VNNI (fully_connected_s8_host_avx512.c), chosen at run
 * time; elsewhere, and for layout 1, it is micro_fully_connected_s8. Host steps run it
 * (micro/config.h).
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_HOST_H

#include "micro/kernels/fully_connected_s8.h"

micro_status_t micro_fully_connected_s8_host(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *input, const int8_t *filter,
                                             const int32_t *bias, const int32_t *multiplier,
                                             const int32_t *shift, int16_t *scratch,
                                             int8_t *output);

/*
 * The variant micro_fully_connected_s8_host runs on this CPU: 0 the reference kernel (no
 * AVX2, or not an x86-64 host), 1 AVX2, 2 AVX-512BW, 3 AVX512_VNNI (bytes). cap 0 to 3
 * limits it to at most that variant, for every layer, from then on (so tests compare every
 * variant the CPU has on the same cases); cap 4, the default, runs the best variant but the
 * AVX2 one for layers of fewer than 1,024 products per batch row (faster there; see
 * fully_connected_s8_host.c); cap -1 leaves the limit as it is.
 */
int32_t micro_fully_connected_s8_host_variant(int32_t cap);

#endif
