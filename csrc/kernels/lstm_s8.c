#include "micro/kernels/lstm_s8.h"

#include <stddef.h>

#include "micro/kernel.h"
#include "fixedpoint.h"
#include "lstm_cell.h"

/* clamp16(requant(dot + bias)): one gate projection, Q3.12. */
static int32_t project(int32_t dot, int32_t bias, int32_t multiplier, int32_t shift)
{
    const int32_t acc = micro_fx_add(dot, bias);
    return micro_clamp(micro_requantize(acc, multiplier, shift), INT16_MIN, INT16_MAX);
}

/*
 * One time step of one batch row. Every unit reads the whole previous hidden state, so it
 * is read from the padded copy `hp` while the new values are written to h and out.
 */
static void lstm_step(const micro_lstm_s8_params_t *p, const int16_t *xp, const int16_t *hp,
                      const int8_t *input_weights, const int8_t *recurrent_weights,
                      const int32_t *biases, const uint16_t *table, int8_t *h, int16_t *c,
                      int8_t *out)
{
    const int32_t ip = p->input_padded;
    const int32_t sp = p->state_padded;
    for (int32_t n = 0; n < p->state_size; ++n) {
        const int32_t *bias = biases + (int64_t)n * 2 * MICRO_LSTM_GATES;
        int32_t dot_in[MICRO_LSTM_GATES];
        int32_t dot_rec[MICRO_LSTM_GATES];
        int32_t gate[MICRO_LSTM_GATES];
        micro_dot4_s8_s16(input_weights + (int64_t)n * MICRO_LSTM_GATES * ip, ip, xp, ip, dot_in);
        micro_dot4_s8_s16(recurrent_weights + (int64_t)n * MICRO_LSTM_GATES * sp, sp, hp, sp,
                      dot_rec);
        for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
            const int32_t a = project(dot_in[g], bias[2 * g], p->gate_multiplier[2 * g],
                                      p->gate_shift[2 * g]);
            const int32_t r = project(dot_rec[g], bias[2 * g + 1], p->gate_multiplier[2 * g + 1],
                                      p->gate_shift[2 * g + 1]);
            gate[g] = micro_clamp(a + r, INT16_MIN, INT16_MAX);
        }
        const int8_t value = (int8_t)micro_lstm_cell(p, gate, c + n, table, INT8_MIN, INT8_MAX);
        h[n] = value;
        out[n] = value;
    }
}

micro_status_t micro_lstm_s8(const micro_lstm_s8_params_t *p, const int8_t *input,
                             const int8_t *input_weights, const int8_t *recurrent_weights,
                             const int32_t *biases, const uint16_t *sigmoid_table,
                             int8_t *hidden, int16_t *cell, int8_t *output, int16_t *scratch)
{
    const int32_t s = p->state_size;
    int16_t *xp = scratch;
    int16_t *hp = scratch + p->input_padded;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t t = 0; t < p->time_steps; ++t) {
            /* Row of (b, t) in the [B][T] or [T][B] layout of the input and output. */
            const int64_t row = p->time_major ? (int64_t)t * p->batches + b
                                              : (int64_t)b * p->time_steps + t;
            micro_widen_s8(xp, input + row * p->input_size, p->input_size, p->input_padded);
            micro_widen_s8(hp, hidden + (int64_t)b * s, s, p->state_padded);
            lstm_step(p, xp, hp, input_weights, recurrent_weights, biases, sigmoid_table,
                      hidden + (int64_t)b * s, cell + (int64_t)b * s, output + row * s);
        }
    }
    return MICRO_OK;
}

int64_t micro_lstm_s8_scratch_size(const micro_lstm_s8_params_t *p)
{
    return micro_lstm_scratch_bytes(p);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_lstm_s8(params, op[MICRO_LSTM_S8_INPUT], op[MICRO_LSTM_S8_INPUT_WEIGHTS],
                         op[MICRO_LSTM_S8_RECURRENT_WEIGHTS], op[MICRO_LSTM_S8_BIASES],
                         op[MICRO_LSTM_S8_SIGMOID_TABLE], op[MICRO_LSTM_S8_HIDDEN],
                         op[MICRO_LSTM_S8_CELL], op[MICRO_LSTM_S8_OUTPUT],
                         op[MICRO_LSTM_S8_SCRATCH]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_lstm_s8_params_t *p = params;
    (void)op;
    if (!micro_lstm_params_ok(p) || !micro_in_range(p->hidden_zp, -128, 127)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_lstm_sizes_ok(p, size, 1, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (every gate reads the whole input before the state and the output are
 * written). */
const micro_kernel_t micro_kernel_lstm_s8 = {step, check, sizeof(micro_lstm_s8_params_t),
                                             MICRO_LSTM_S8_N_OPERANDS, MICRO_OVERLAP_NONE};
