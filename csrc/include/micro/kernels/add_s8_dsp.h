/*
 * ADD and SUB int8 with the DSP extension's high multiply (Cortex-M4/M7): the twin of
 * micro_add_s8, with the same params, operands and output bytes (see add_s8.h). Steps run
 * it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_ADD_S8_DSP_H
#define MICRO_KERNELS_ADD_S8_DSP_H

#include "micro/kernels/add_s8.h"

micro_status_t micro_add_s8_dsp(const micro_add_s8_params_t *p, const int8_t *input1,
                                const int8_t *input2, const int32_t *table1,
                                const int32_t *table2, const int32_t *sums,
                                int8_t *output);

#endif
