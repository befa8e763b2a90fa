/*
 * SignalFilterBank: triangular (mel) filters over a uint32 power spectrum, 64-bit sums.
 * Channel c (0..C, where channel 0 is a scratch channel that is not output) covers
 * widths[c] bins from freq_starts[c] with weights from weight_starts[c]; each bin adds
 * weight * x to channel c and unweight * x to channel c + 1:
 *   acc[c] = sum_j weights[ws[c]+j] * x[fs[c]+j] + sum_j unweights[ws[c-1]+j] * x[fs[c-1]+j]
 *   output[c - 1] = acc[c], for c in 1..C
 * Products and sums are uint64 with wrap-around (a negative int16 weight is taken modulo
 * 2^64), as TFLM computes them.
 */
#ifndef MICRO_KERNELS_SIGNAL_FILTER_BANK_U32_H
#define MICRO_KERNELS_SIGNAL_FILTER_BANK_U32_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t num_channels;   /* C >= 1: output channels */
    int32_t input_size;     /* n >= 1: uint32 bins of the input */
    int32_t num_weights;    /* K >= 1: elements of weights and unweights */
} micro_signal_filter_bank_u32_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_SIGNAL_FILTER_BANK_U32_INPUT,          /* uint32[n] */
    MICRO_SIGNAL_FILTER_BANK_U32_WEIGHTS,        /* int16[K] */
    MICRO_SIGNAL_FILTER_BANK_U32_UNWEIGHTS,      /* int16[K] */
    MICRO_SIGNAL_FILTER_BANK_U32_FREQ_STARTS,    /* int16[C+1] */
    MICRO_SIGNAL_FILTER_BANK_U32_WEIGHT_STARTS,  /* int16[C+1] */
    /* int16[C+1] (the last four constant: every channel's bins must lie in [0, n) and its
     * weights in [0, K)) */
    MICRO_SIGNAL_FILTER_BANK_U32_WIDTHS,
    MICRO_SIGNAL_FILTER_BANK_U32_OUTPUT,         /* uint64[C] */
    MICRO_SIGNAL_FILTER_BANK_U32_N_OPERANDS
} micro_signal_filter_bank_u32_operand_t;

micro_status_t micro_signal_filter_bank_u32(const micro_signal_filter_bank_u32_params_t *p,
                                            const uint32_t *input, const int16_t *weights,
                                            const int16_t *unweights,
                                            const int16_t *freq_starts,
                                            const int16_t *weight_starts,
                                            const int16_t *widths, uint64_t *output);

#endif
