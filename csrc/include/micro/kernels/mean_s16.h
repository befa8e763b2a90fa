/*
 * MEAN (and SUM) of int16 over some axes: mean_s8's arithmetic (micro/kernels/mean_s8.h)
 * on int16 values, the output clamped to int16, as TFLM's QuantizedMeanOrSum<int16_t>.
 */
#ifndef MICRO_KERNELS_MEAN_S16_H
#define MICRO_KERNELS_MEAN_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"
#include "micro/kernels/mean_s8.h"

/* mean_s8's fields; output_zp in [-32768, 32767]. */
typedef micro_mean_s8_params_t micro_mean_s16_params_t;

/* Operand slots: input int16[prod dims], scratch (micro_mean_s16_scratch_size(p) bytes:
 * int32 sums of one block), output int16[prod kept dims]. */
typedef enum {
    MICRO_MEAN_S16_INPUT,
    MICRO_MEAN_S16_SCRATCH,
    MICRO_MEAN_S16_OUTPUT,
    MICRO_MEAN_S16_N_OPERANDS
} micro_mean_s16_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_mean_s16_scratch_size(const micro_mean_s16_params_t *p);

micro_status_t micro_mean_s16(const micro_mean_s16_params_t *p, const int16_t *input,
                              int32_t *scratch, int16_t *output);

#endif
