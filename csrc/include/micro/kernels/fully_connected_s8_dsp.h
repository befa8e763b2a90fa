/*
 * FULLY_CONNECTED int8 on the DSP extension's dual 16-bit multiply-accumulates
 * (Cortex-M4/M7): the twin of micro_fully_connected_s8, with the same params, operands and
 * output bytes (see fully_connected_s8.h). Steps run it when MICRO_DSP is set
 * (micro/config.h).
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_H

#include "micro/kernels/fully_connected_s8.h"

micro_status_t micro_fully_connected_s8_dsp(const micro_fully_connected_s8_params_t *p,
                                            const int8_t *input, const int8_t *filter,
                                            const int32_t *bias, const int32_t *multiplier,
                                            const int32_t *shift, int16_t *scratch,
                                            int8_t *output);

/* The same as a step's run (micro_kernel_t.run): the operands read from op, in the step's
 * order (micro_fully_connected_s8_operand_t), where the twin needs them, so a step's call
 * stages no arguments. */
micro_status_t micro_fully_connected_s8_dsp_step(const void *params, void *const *op);

/* The paths micro_fully_connected_s8_dsp takes for these params and operands
 * (micro/paths.h: MICRO_PATH_FC_*), 0 for the reference kernel. The dispatch decides by
 * the same code; the host ORs it over a Program's steps. */
uint32_t micro_fully_connected_s8_dsp_path(const micro_fully_connected_s8_params_t *p,
                                           const int8_t *filter, const int32_t *multiplier,
                                           const int32_t *shift, const int16_t *scratch);

#endif
