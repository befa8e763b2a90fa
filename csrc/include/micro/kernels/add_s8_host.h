/*
 * ADD and SUB int8 on the host's vector units: the twin of micro_add_s8, with the same
 * params, operands and output bytes (see add_s8.h). On x86-64 CPUs with AVX2 it takes 8
 * elements at a time (add_s8_host.c); elsewhere it is micro_add_s8. Host steps run it
 * (micro/config.h).
 */
#ifndef MICRO_KERNELS_ADD_S8_HOST_H
#define MICRO_KERNELS_ADD_S8_HOST_H

#include "micro/kernels/add_s8.h"

micro_status_t micro_add_s8_host(const micro_add_s8_params_t *p, const int8_t *input1,
                                 const int8_t *input2, const int32_t *table1,
                                 const int32_t *table2, const int32_t *sums,
                                 int8_t *output);

#endif
