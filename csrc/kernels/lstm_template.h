/*
 * The integer LSTM kernels' walk over batches, time steps and units, written once for
 * lstm_s8 and lstm_s16 (internal; no include guard: each kernel file includes it once).
 * The including file defines, for its activation type:
 *   LT, LT_MIN, LT_MAX               the type and range of the input, hidden state, output
 *   LACC                             the type of the biases and the projections' dot products
 *   LF(name)                         the kernel's public names (LF() is the kernel function)
 *   LOP(slot)                        its operand slots (MICRO_LSTM_<TYPE>_##slot)
 *   LSTM_DOT4(w, stride, x, n, out)  four gate rows' dot products with x into LACC out[4]
 *   LSTM_WIDEN(dst, src, n, padded)  a row of n LT values into int16 zero-padded to `padded`
 * and a static project(dot, bias, multiplier, shift), one gate projection (clamp16 of the
 * requantized dot + bias); it gets the kernel function, its scratch size, and the step
 * and check that its micro_kernel_t entry names.
 */

/*
 * One time step of one batch row. Every unit reads the whole previous hidden state, so it
 * is read from the padded copy `hp` while the new values are written to h and out.
 */
static void lstm_step(const micro_lstm_s8_params_t *p, const int16_t *xp, const int16_t *hp,
                      const int8_t *input_weights, const int8_t *recurrent_weights,
                      const LACC *biases, const uint16_t *table, LT *h, int16_t *c, LT *out)
{
    const int32_t ip = p->input_padded;
    const int32_t sp = p->state_padded;
    for (int32_t n = 0; n < p->state_size; ++n) {
        LACC bias[2 * MICRO_LSTM_GATES];
        LACC dot_in[MICRO_LSTM_GATES];
        LACC dot_rec[MICRO_LSTM_GATES];
        int32_t gate[MICRO_LSTM_GATES];
        /* The biases sit in the constant blob, aligned to 4 bytes only. */
        memcpy(bias, biases + (int64_t)n * 2 * MICRO_LSTM_GATES, sizeof(bias));
        LSTM_DOT4(input_weights + (int64_t)n * MICRO_LSTM_GATES * ip, ip, xp, ip, dot_in);
        LSTM_DOT4(recurrent_weights + (int64_t)n * MICRO_LSTM_GATES * sp, sp, hp, sp, dot_rec);
        for (int32_t g = 0; g < MICRO_LSTM_GATES; ++g) {
            const int32_t a = project(dot_in[g], bias[2 * g], p->gate_multiplier[2 * g],
                                      p->gate_shift[2 * g]);
            const int32_t r = project(dot_rec[g], bias[2 * g + 1], p->gate_multiplier[2 * g + 1],
                                      p->gate_shift[2 * g + 1]);
            gate[g] = micro_clamp(a + r, INT16_MIN, INT16_MAX);
        }
        const LT value = (LT)micro_lstm_cell(p, gate, c + n, table, LT_MIN, LT_MAX);
        h[n] = value;
        out[n] = value;
    }
}

micro_status_t LF()(const micro_lstm_s8_params_t *p, const LT *input,
                    const int8_t *input_weights, const int8_t *recurrent_weights,
                    const LACC *biases, const uint16_t *sigmoid_table, LT *hidden,
                    int16_t *cell, LT *output, int16_t *scratch)
{
    const int32_t s = p->state_size;
    int16_t *xp = scratch;
    int16_t *hp = scratch + p->input_padded;
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t t = 0; t < p->time_steps; ++t) {
            /* Row of (b, t) in the [B][T] or [T][B] layout of the input and output. */
            const int64_t row = p->time_major ? (int64_t)t * p->batches + b
                                              : (int64_t)b * p->time_steps + t;
            LSTM_WIDEN(xp, input + row * p->input_size, p->input_size, p->input_padded);
            LSTM_WIDEN(hp, hidden + (int64_t)b * s, s, p->state_padded);
            lstm_step(p, xp, hp, input_weights, recurrent_weights, biases, sigmoid_table,
                      hidden + (int64_t)b * s, cell + (int64_t)b * s, output + row * s);
        }
    }
    return MICRO_OK;
}

int64_t LF(_scratch_size)(const micro_lstm_s8_params_t *p)
{
    return micro_lstm_scratch_bytes(p);
}

static micro_status_t step(const void *params, void *const *op)
{
    return LF()(params, op[LOP(INPUT)], op[LOP(INPUT_WEIGHTS)], op[LOP(RECURRENT_WEIGHTS)],
                op[LOP(BIASES)], op[LOP(SIGMOID_TABLE)], op[LOP(HIDDEN)], op[LOP(CELL)],
                op[LOP(OUTPUT)], op[LOP(SCRATCH)]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_lstm_s8_params_t *p = params;
    (void)op;
    if (!micro_lstm_params_ok(p) || !micro_in_range(p->hidden_zp, LT_MIN, LT_MAX)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_lstm_sizes_ok(p, size, (int64_t)sizeof(LT), (int64_t)sizeof(LACC))) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}
