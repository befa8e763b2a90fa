/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int16x8 (TFLM's 16x8->16 LSTM): int16 input, hidden state
 * and output, int8 weights, int64 biases, int16 cell state; no peephole, projection or
 * layer norm. The arithmetic is lstm_s8's (see lstm_s8.h) but for the projections, which
 * TFLM's int16 fully connected computes in 64 bits:
 *
 *   pre_g = sat16(clamp16(requant64_g,in(W_g x + bias_g,in))
 *                 + clamp16(requant64_g,rec(R_g h + bias_g,rec)))             Q3.12
 *
 * with requant64 the 64-bit MultiplyByQuantizedMultiplier (the multiplier rounded to 16
 * bits), the int64 sums exact. The hidden value is clamped to int16.
 *
 * The params are lstm_s8's, with hidden_zp in [-32768, 32767]; the biases are
 * int64[S][8], |bias| <= 2^46 (the host refuses larger), zero points folded as in lstm_s8.
 */
#ifndef MICRO_KERNELS_LSTM_S16_H
#define MICRO_KERNELS_LSTM_S16_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/kernels/lstm_s8.h"
#include "micro/status.h"

typedef micro_lstm_s8_params_t micro_lstm_s16_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_LSTM_S16_INPUT,              /* int16[B*T*I] */
    MICRO_LSTM_S16_INPUT_WEIGHTS,      /* int8[S][4][input_padded], as lstm_s8 */
    MICRO_LSTM_S16_RECURRENT_WEIGHTS,  /* int8[S][4][state_padded], as lstm_s8 */
    MICRO_LSTM_S16_BIASES,             /* int64[S][8], as lstm_s8's int32 ones */
    MICRO_LSTM_S16_SIGMOID_TABLE,      /* uint16[256] */
    MICRO_LSTM_S16_HIDDEN,             /* hidden state int16[B*S] */
    MICRO_LSTM_S16_CELL,               /* cell state int16[B*S] */
    MICRO_LSTM_S16_OUTPUT,             /* int16[B*T*S] */
    /* micro_lstm_s16_scratch_size(p) bytes: x and h copied into zero-padded rows */
    MICRO_LSTM_S16_SCRATCH,
    MICRO_LSTM_S16_N_OPERANDS
} micro_lstm_s16_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_lstm_s16_scratch_size(const micro_lstm_s16_params_t *p);

micro_status_t micro_lstm_s16(const micro_lstm_s16_params_t *p, const int16_t *input,
                              const int8_t *input_weights, const int8_t *recurrent_weights,
                              const int64_t *biases, const uint16_t *sigmoid_table,
                              int16_t *hidden, int16_t *cell, int16_t *output,
                              int16_t *scratch);

#endif
