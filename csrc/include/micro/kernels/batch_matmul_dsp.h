/*
 * BATCH_MATMUL on the DSP extension's dual 16-bit multiply-accumulates (Cortex-M4/M7): the
 * twin of micro_batch_matmul, with the same params, operands and output bytes (see
 * batch_matmul.h). Steps run it when MICRO_DSP is set (micro/config.h).
 */
#ifndef MICRO_KERNELS_BATCH_MATMUL_DSP_H
#define MICRO_KERNELS_BATCH_MATMUL_DSP_H

#include "micro/kernels/batch_matmul.h"

micro_status_t micro_batch_matmul_dsp(const micro_batch_matmul_params_t *p, const void *lhs,
                                      const void *rhs, const int32_t *offsets, void *output);

#endif
