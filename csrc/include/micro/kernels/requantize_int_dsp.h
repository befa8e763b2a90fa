/*
 * QUANTIZE between integer types with the DSP extension's high multiply (Cortex-M4/M7):
 * the twin of micro_requantize_int, with the same params, operands and output bytes (see
 * requantize_int.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_REQUANTIZE_INT_DSP_H
#define MICRO_KERNELS_REQUANTIZE_INT_DSP_H

#include "micro/kernels/requantize_int.h"

micro_status_t micro_requantize_int_dsp(const micro_requantize_int_params_t *p,
                                        const void *input, void *output);

#endif
