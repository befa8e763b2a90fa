#include "micro/kernels/lstm_s16.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "lstm_cell.h"

/* int16 x int8 products reach 2^22 in magnitude, so a chunk of 256 of them sums exactly in
 * int32; the chunks add up in int64 as TFLM's int64 accumulator does. */
#define CHUNK 256

static void dot4_wide(const int8_t *w, int64_t stride, const int16_t *x, int32_t n,
                      int64_t out[MICRO_LSTM_GATES])
{
    for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
        out[g] = 0;
    }
    for (int32_t k = 0; k < n; k += CHUNK) {
        const int32_t len = n - k < CHUNK ? n - k : CHUNK;
        int32_t part[MICRO_LSTM_GATES];
        micro_dot4_s8_s16(w + k, stride, x + k, len, part);
        for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
            out[g] += part[g];
        }
    }
}

/* clamp16(requant64(dot + bias)): one gate projection, Q3.12. The host refuses biases
 * beyond 2^46, so the clamp only keeps a corrupt Program inside requant64's range. */
static int32_t project(int64_t dot, int64_t bias, int32_t multiplier, int32_t shift)
{
    const int64_t limit = (int64_t)1 << 46;
    bias = bias < -limit ? -limit : (bias > limit ? limit : bias);
    return micro_clamp(micro_requantize_s64(dot + bias, multiplier, shift), INT16_MIN,
                       INT16_MAX);
}

/* One time step of one batch row; the gates read the padded copy `hp` of the previous
 * hidden state while the new values are written to h and out. */
static void lstm_step(const micro_lstm_s16_params_t *p, const int16_t *xp, const int16_t *hp,
                      const int8_t *input_weights, const int8_t *recurrent_weights,
                      const int64_t *biases, const uint16_t *table, int16_t *h, int16_t *c,
                      int16_t *out)
{
    const int32_t ip = p->input_padded;
    const int32_t sp = p->state_padded;
    for (int32_t n = 0; n < p->state_size; ++n) {
        int64_t bias[2 * MICRO_LSTM_GATES];
        int64_t dot_in[MICRO_LSTM_GATES];
        int64_t dot_rec[MICRO_LSTM_GATES];
        int32_t gate[MICRO_LSTM_GATES];
        /* The biases sit in the constant blob, aligned to 4 bytes only. */
        memcpy(bias, biases + (int64_t)n * 2 * MICRO_LSTM_GATES, sizeof(bias));
        dot4_wide(input_weights + (int64_t)n * MICRO_LSTM_GATES * ip, ip, xp, ip, dot_in);
        dot4_wide(recurrent_weights + (int64_t)n * MICRO_LSTM_GATES * sp, sp, hp, sp, dot_rec);
        for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
            const int32_t a = project(dot_in[g], bias[2 * g], p->gate_multiplier[2 * g],
                                      p->gate_shift[2 * g]);
            const int32_t r = project(dot_rec[g], bias[2 * g + 1], p->gate_multiplier[2 * g + 1],
                                      p->gate_shift[2 * g + 1]);
            gate[g] = micro_clamp(a + r, INT16_MIN, INT16_MAX);
        }
        const int16_t value =
            (int16_t)micro_lstm_cell(p, gate, c + n, table, INT16_MIN, INT16_MAX);
        h[n] = value;
        out[n] = value;
    }
}

/* dst[k] = src[k] for k < n, dst[k] = 0 for n <= k < padded. */
static void pad_copy(int16_t *dst, const int16_t *src, int32_t n, int32_t padded)
{
    memcpy(dst, src, (size_t)n * sizeof(int16_t));
    memset(dst + n, 0, (size_t)(padded - n) * sizeof(int16_t));
}

micro_status_t micro_lstm_s16(const micro_lstm_s16_params_t *p, const int16_t *input,
                              const int8_t *input_weights, const int8_t *recurrent_weights,
                              const int64_t *biases, const uint16_t *sigmoid_table,
                              int16_t *hidden, int16_t *cell, int16_t *output,
                              int16_t *scratch)
{
    const int32_t s = p->state_size;
    int16_t *xp = scratch;
    int16_t *hp = scratch + p->input_padded;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t t = 0; t < p->time_steps; ++t) {
            /* Row of (b, t) in the [B][T] or [T][B] layout of the input and output. */
            const int64_t row = p->time_major ? (int64_t)t * p->batches + b
                                              : (int64_t)b * p->time_steps + t;
            pad_copy(xp, input + row * p->input_size, p->input_size, p->input_padded);
            pad_copy(hp, hidden + (int64_t)b * s, s, p->state_padded);
            lstm_step(p, xp, hp, input_weights, recurrent_weights, biases, sigmoid_table,
                      hidden + (int64_t)b * s, cell + (int64_t)b * s, output + row * s);
        }
    }
    return MICRO_OK;
}

int64_t micro_lstm_s16_scratch_size(const micro_lstm_s16_params_t *p)
{
    return micro_lstm_scratch_bytes(p);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_lstm_s16(params, op[MICRO_LSTM_S16_INPUT], op[MICRO_LSTM_S16_INPUT_WEIGHTS],
                          op[MICRO_LSTM_S16_RECURRENT_WEIGHTS], op[MICRO_LSTM_S16_BIASES],
                          op[MICRO_LSTM_S16_SIGMOID_TABLE], op[MICRO_LSTM_S16_HIDDEN],
                          op[MICRO_LSTM_S16_CELL], op[MICRO_LSTM_S16_OUTPUT],
                          op[MICRO_LSTM_S16_SCRATCH]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_lstm_s16_params_t *p = params;
    (void)op;
    if (!micro_lstm_params_ok(p) || !micro_in_range(p->hidden_zp, INT16_MIN, INT16_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_lstm_sizes_ok(p, size, 2, 8)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (every gate reads the whole input before the state and the output are
 * written). */
const micro_kernel_t micro_kernel_lstm_s16 = {step, check, sizeof(micro_lstm_s16_params_t),
                                              MICRO_LSTM_S16_N_OPERANDS, MICRO_OVERLAP_NONE};
