/*
 * The LSTM's cell and hidden update (internal), shared by lstm_s8 and lstm_s16: from the
 * four gates' Q3.12 pre-activations of one unit to its new cell state and hidden value, as
 * TFLM's integer LSTM (int16 sigmoid / tanh, the elementwise integer Mul, cell clipping).
 * The two kernels differ only in how the pre-activations are projected.
 */
#ifndef MICRO_KERNELS_LSTM_CELL_H
#define MICRO_KERNELS_LSTM_CELL_H

#include <stdint.h>

#include "micro/kernels/lstm_s8.h"
#include "check.h"
#include "dot_s8.h"
#include "requant.h"
#include "sigmoid_s16.h"

/* clamp(zp + requant(a * b)), TFLM's elementwise integer Mul of two Q0.15 values. */
static inline int32_t micro_lstm_mul(int32_t a, int32_t b, int32_t multiplier, int32_t shift,
                                     int32_t zp, int32_t lo, int32_t hi)
{
    return micro_clamp(zp + micro_requantize(a * b, multiplier, shift), lo, hi);
}

/* Updates the cell *c from the gates' pre-activations (input, forget, cell, output) and
 * returns the new hidden value, clamped to [lo, hi] (the hidden state's type). */
static inline int32_t micro_lstm_cell(const micro_lstm_s8_params_t *p,
                                      const int32_t pre[MICRO_LSTM_GATES], int16_t *c,
                                      const uint16_t *table, int32_t lo, int32_t hi)
{
    const int32_t input_gate = micro_sigmoid_s16(pre[0], table);
    const int32_t forget_gate = micro_sigmoid_s16(pre[1], table);
    const int32_t cell_gate = micro_tanh_s16(pre[2], 3, 0, table);
    const int32_t output_gate = micro_sigmoid_s16(pre[3], table);

    const int32_t kept = micro_lstm_mul(forget_gate, *c, p->forget_multiplier, p->forget_shift,
                                        0, INT16_MIN, INT16_MAX);
    const int32_t added = micro_lstm_mul(input_gate, cell_gate, p->input_multiplier,
                                         p->input_shift, 0, INT16_MIN, INT16_MAX);
    int32_t cell = micro_clamp(kept + added, INT16_MIN, INT16_MAX);
    if (p->use_cell_clip) {
        cell = micro_clamp(cell, -p->cell_clip, p->cell_clip);
    }
    *c = (int16_t)cell;
    const int32_t squashed = micro_tanh_s16(cell, p->tanh_multiplier, p->tanh_shift, table);
    return micro_lstm_mul(squashed, output_gate, p->output_multiplier, p->output_shift,
                          p->hidden_zp, lo, hi);
}

/* The checks both kernels share: every field but hidden_zp (whose range is the hidden
 * state's type). */
static inline int micro_lstm_params_ok(const micro_lstm_s8_params_t *p)
{
    const int32_t dims[4] = {p->batches, p->time_steps, p->input_padded, p->state_padded};
    return micro_count(dims, 4) >= 0 && micro_in_range(p->input_size, 1, p->input_padded) &&
           micro_in_range(p->state_size, 1, p->state_padded) && p->input_padded % 16 == 0 &&
           p->state_padded % 16 == 0 && p->input_padded <= MICRO_DOT_S8_MAX_N &&
           p->state_padded <= MICRO_DOT_S8_MAX_N && micro_in_range(p->time_major, 0, 1) &&
           micro_in_range(p->use_cell_clip, 0, 1) && micro_in_range(p->cell_clip, 0, 32767) &&
           micro_in_range(p->tanh_multiplier, 1, 49152) && micro_in_range(p->tanh_shift, 0, 31) &&
           micro_requant_ok(p->gate_multiplier, p->gate_shift, 2 * MICRO_LSTM_GATES) &&
           micro_requant_ok(&p->forget_multiplier, &p->forget_shift, 1) &&
           micro_requant_ok(&p->input_multiplier, &p->input_shift, 1) &&
           micro_requant_ok(&p->output_multiplier, &p->output_shift, 1);
}

/* Bytes of the kernels' scratch: x and h as zero-padded int16 rows. */
static inline int64_t micro_lstm_scratch_bytes(const micro_lstm_s8_params_t *p)
{
    return ((int64_t)p->input_padded + p->state_padded) * (int64_t)sizeof(int16_t);
}

/* The operand sizes both kernels need, in lstm_s8's slot order (the slots of lstm_s16 are
 * the same): activations (input, hidden, output) of `act` bytes, biases of `bias` bytes. */
static inline int micro_lstm_sizes_ok(const micro_lstm_s8_params_t *p, const uint32_t *size,
                                      int64_t act, int64_t bias)
{
    const int64_t s = p->state_size;
    const int64_t rows = (int64_t)p->batches * p->time_steps;
    const int64_t gates = MICRO_LSTM_GATES;
    return micro_fits(size[MICRO_LSTM_S8_INPUT], rows * p->input_size, act) &&
           micro_fits(size[MICRO_LSTM_S8_INPUT_WEIGHTS], s * gates * p->input_padded, 1) &&
           micro_fits(size[MICRO_LSTM_S8_RECURRENT_WEIGHTS], s * gates * p->state_padded, 1) &&
           micro_fits(size[MICRO_LSTM_S8_BIASES], s * 2 * gates, bias) &&
           micro_fits(size[MICRO_LSTM_S8_SIGMOID_TABLE], MICRO_SIGMOID_TABLE_SIZE, 2) &&
           micro_fits(size[MICRO_LSTM_S8_HIDDEN], p->batches * s, act) &&
           micro_fits(size[MICRO_LSTM_S8_CELL], p->batches * s, 2) &&
           micro_fits(size[MICRO_LSTM_S8_OUTPUT], rows * s, act) &&
           micro_fits(size[MICRO_LSTM_S8_SCRATCH], micro_lstm_scratch_bytes(p), 1);
}

#endif
