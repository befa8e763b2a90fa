/*
 * AVERAGE_POOL_2D int8 with the DSP extension's dual 16-bit adds (Cortex-M4/M7): the twin
 * of micro_average_pool_s8, with the same params, operands and output bytes (see
 * average_pool_s8.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_AVERAGE_POOL_S8_DSP_H
#define MICRO_KERNELS_AVERAGE_POOL_S8_DSP_H

#include "micro/kernels/average_pool_s8.h"

micro_status_t micro_average_pool_s8_dsp(const micro_pool_s8_params_t *p, const int8_t *input,
                                         int8_t *output);

#endif
