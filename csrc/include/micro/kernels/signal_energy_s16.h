/*
 * SignalEnergy: power of complex int16 bins in [start, end).
 *   output[i] = re[i]^2 + im[i]^2 (uint32), for start <= i < end; 0 elsewhere
 * (TFLM leaves the other elements untouched; here they are defined as 0).
 */
#ifndef MICRO_KERNELS_SIGNAL_ENERGY_S16_H
#define MICRO_KERNELS_SIGNAL_ENERGY_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t output_size;   /* M >= 1: uint32 elements of the output */
    int32_t start;         /* [0, end] */
    int32_t end;           /* [start, M]: the input holds at least `end` complex bins */
} micro_signal_energy_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_ENERGY_S16_INPUT,   /* int16[2*end] (re, im interleaved) */
    MICRO_SIGNAL_ENERGY_S16_OUTPUT,  /* uint32[M] */
    MICRO_SIGNAL_ENERGY_S16_N_OPERANDS
} micro_signal_energy_s16_operand_t;

micro_status_t micro_signal_energy_s16(const micro_signal_energy_s16_params_t *p,
                                       const int16_t *input, uint32_t *output);

#endif
