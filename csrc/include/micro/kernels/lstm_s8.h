/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer (TFLM's 8x8->16 LSTM): int8 input, hidden state
 * and output, int8 weights, int32 biases, int16 cell state; no peephole, projection or
 * layer norm. For every batch row b and time step t, with x = input[b, t], h = hidden[b]
 * (the value before this step), c = cell[b], and gates g = input, forget, cell, output:
 *
 *   pre_g = sat16(clamp16(requant_g,in(W_g x + bias_g,in))
 *                 + clamp16(requant_g,rec(R_g h + bias_g,rec)))               Q3.12
 *   gate_g = sigmoid(pre_g), tanh(pre_g) for the cell gate                    Q0.15
 *   c = sat16(clamp16(requant_f(forget * c)) + clamp16(requant_i(input * cell)))
 *   c = clamp(c, -cell_clip, cell_clip)                      when use_cell_clip
 *   h = clamp8(hidden_zp + requant_o(tanh_c(c) * output))
 *   output[b, t] = h
 *
 * The zero points are folded into the biases on the host: bias_g,in = model bias -
 * input_zp * sum_k W_g[n][k], bias_g,rec = -hidden_zp * sum_k R_g[n][k]. The hidden and
 * cell states are variables: read and written, they carry over between invokes.
 *
 * Weight rows are zero-padded to a multiple of 16 (input_padded, state_padded), and each
 * step widens x and h to int16 into zero-padded scratch rows, so every dot product is
 * whole vectors of int16 multiply-adds.
 */
#ifndef MICRO_KERNELS_LSTM_S8_H
#define MICRO_KERNELS_LSTM_S8_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

#define MICRO_LSTM_GATES 4

typedef struct {
    int32_t batches;        /* B >= 1 */
    int32_t time_steps;     /* T >= 1 */
    int32_t input_size;     /* I >= 1 */
    int32_t state_size;     /* S >= 1 (units) */
    int32_t input_padded;   /* I rounded up to a multiple of 16 */
    int32_t state_padded;   /* S rounded up to a multiple of 16 */
    int32_t time_major;     /* 0: input [B][T][I], output [B][T][S]; 1: [T][B][I], [T][B][S] */
    int32_t hidden_zp;      /* [-128, 127] */
    /* Gate g's input projection (index 2g) and recurrent projection (2g + 1) to Q3.12;
     * gates in the order input, forget, cell, output. */
    int32_t gate_multiplier[2 * MICRO_LSTM_GATES];
    int32_t gate_shift[2 * MICRO_LSTM_GATES];     /* [-31, 30], > 0: left */
    int32_t forget_multiplier;  /* forget gate * cell -> cell */
    int32_t forget_shift;
    int32_t input_multiplier;   /* input gate * cell gate -> cell */
    int32_t input_shift;
    int32_t output_multiplier;  /* tanh(cell) * output gate -> hidden */
    int32_t output_shift;
    int32_t use_cell_clip;      /* 0 or 1 */
    int32_t cell_clip;          /* [0, 32767] */
    int32_t tanh_multiplier;    /* tanh of the cell: (c * multiplier + round) >> shift, */
    int32_t tanh_shift;         /* multiplier in [1, 49152], shift in [0, 31] */
} micro_lstm_s8_params_t;

/* Operands, in a step's order (micro_kernel_t.n_operands of them). */
typedef enum {
    MICRO_LSTM_S8_INPUT,              /* int8[B*T*I] */
    /* int8[S][4][input_padded], unit-major (unit n's four gate rows together, zero padded) */
    MICRO_LSTM_S8_INPUT_WEIGHTS,
    MICRO_LSTM_S8_RECURRENT_WEIGHTS,  /* int8[S][4][state_padded], likewise */
    /* int32[S][8] (unit n, gate g: input bias at 2g, recurrent bias at 2g + 1) */
    MICRO_LSTM_S8_BIASES,
    MICRO_LSTM_S8_SIGMOID_TABLE,      /* uint16[256] */
    MICRO_LSTM_S8_HIDDEN,             /* hidden state int8[B*S] */
    MICRO_LSTM_S8_CELL,               /* cell state int16[B*S] */
    MICRO_LSTM_S8_OUTPUT,             /* int8[B*T*S] */
    /* micro_lstm_s8_scratch_size(p) bytes: x and h widened to int16 */
    MICRO_LSTM_S8_SCRATCH,
    MICRO_LSTM_S8_N_OPERANDS
} micro_lstm_s8_operand_t;

/* Bytes of the scratch operand, for params the kernel's check accepts. */
int64_t micro_lstm_s8_scratch_size(const micro_lstm_s8_params_t *p);

micro_status_t micro_lstm_s8(const micro_lstm_s8_params_t *p, const int8_t *input,
                             const int8_t *input_weights, const int8_t *recurrent_weights,
                             const int32_t *biases, const uint16_t *sigmoid_table,
                             int8_t *hidden, int16_t *cell, int8_t *output, int16_t *scratch);

#endif
