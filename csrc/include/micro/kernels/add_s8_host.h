/*
 * ADD and SUB int8 on the host's vector units: the twin of micro_add_s8, with the same
 * params, operands and output bytes (see add_s8.h). On x86-64 CPUs with AVX2 it takes 8
 * elements at a time, 16 where the CPU has AVX-512BW (add_s8_host.c, chosen at run time);
 * elsewhere it is micro_add_s8. Host steps run it
 * (micro/config.h).
 */
#ifndef MICRO_KERNELS_ADD_S8_HOST_H
#define MICRO_KERNELS_ADD_S8_HOST_H

#include "micro/kernels/add_s8.h"

micro_status_t micro_add_s8_host(const micro_add_s8_params_t *p, const int8_t *input1,
                                 const int8_t *input2, const int32_t *table1,
                                 const int32_t *table2, const int32_t *sums,
                                 int8_t *output);

/*
 * The variant micro_add_s8_host runs on this CPU: 0 the reference kernel (no AVX2, or not
 * an x86-64 host), 1 AVX2, 2 AVX-512BW. cap >= 0 limits it to at most that variant from
 * then on (so tests compare every variant the CPU has on the same cases; 2 is the
 * default); cap -1 leaves the limit as it is.
 */
int32_t micro_add_s8_host_variant(int32_t cap);

#endif
