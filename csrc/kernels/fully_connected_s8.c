#include "micro/kernels/fully_connected_s8.h"

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/fully_connected_s8_dsp.h"
#include "micro/kernels/fully_connected_s8_host.h"
#include "check.h"
#include "overlap.h"
#include "requant.h"

int64_t micro_fully_connected_s8_scratch_size(const micro_fully_connected_s8_params_t *p)
{
    return 2 * (int64_t)(p->input_depth & ~3);
}

/* The dot of row with w over n values, modulo 2^32. */
static uint32_t dot(const int8_t *row, const int8_t *w, int32_t n)
{
    uint32_t sum = 0;
    for (int32_t k = 0; k < n; ++k) {
        sum += (uint32_t)((int32_t)row[k] * (int32_t)w[k]);
    }
    return sum;
}

/* Bytes per row of a block: K, and K4 more in layouts 2 and 3 (int16 groups). */
static int64_t block_row_bytes(const micro_fully_connected_s8_params_t *p)
{
    const int64_t k4 = p->filter_layout >= 2 ? (p->input_depth & ~3) : 0;
    return (int64_t)p->input_depth + k4;
}

/* Rows in blocks (layouts 1-3): the first N4, and in layout 3 a pair after them when
 * N - N4 >= 2. */
static int32_t blocked_rows(const micro_fully_connected_s8_params_t *p)
{
    const int32_t n4 = p->filter_layout != 0 ? p->output_depth & ~3 : 0;
    return n4 + (p->filter_layout == 3 && p->output_depth - n4 >= 2 ? 2 : 0);
}

int64_t micro_fully_connected_s8_filter_bytes(const micro_fully_connected_s8_params_t *p)
{
    const int64_t blocked = blocked_rows(p);
    return blocked * block_row_bytes(p) + (p->output_depth - blocked) * (int64_t)p->input_depth;
}

/* Weight of row j of a block of r rows (4, or layout 3's pair: 2) at column k < K4:
 * layout 1 at (k / 4) * 4r + 4 * j + k % 4; layouts 2 and 3 the int16 at that index with
 * k % 4 read as {0, 2, 1, 3}[k % 4] (fully_connected_s8.h). */
static int32_t block_weight(int wide, const int8_t *block, int32_t r, int32_t j, int32_t k)
{
    const int64_t i = (int64_t)(k >> 2) * 4 * r + 4 * j + (k & 3);
    if (!wide) {
        return block[i];
    }
    const int64_t h = i - (k & 3) + ((k & 1) << 1 | (k & 2) >> 1);
    const uint8_t *b = (const uint8_t *)block + 2 * h;
    return (int16_t)(uint16_t)(b[0] | b[1] << 8);
}

/* sum[j] = the dot of row with block row j < r (block_weight) over `depth` values, the
 * last depth % 4 columns after the block's groups. Only Programs compiled for a DSP core
 * have these layouts (the host's own are row-major), so this loop is written to be plain,
 * not fast. */
static void block_dot(int wide, const int8_t *row, const int8_t *block, int32_t r,
                      int32_t depth, uint32_t *sum)
{
    const int32_t k4 = depth & ~3, rest = depth - k4;
    const int8_t *tail = block + (wide ? 2 : 1) * (int64_t)r * k4;
    for (int32_t j = 0; j < r; ++j) {
        uint32_t s = 0;
        for (int32_t k = 0; k < k4; ++k) {
            s += (uint32_t)((int32_t)row[k] * block_weight(wide, block, r, j, k));
        }
        sum[j] = s + dot(row + k4, tail + j * rest, rest);
    }
}

MICRO_HOST_CLONES micro_status_t micro_fully_connected_s8(const micro_fully_connected_s8_params_t *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, const int32_t *multiplier,
                                        const int32_t *shift, int16_t *scratch,
                                        int8_t *output)
{
    const int32_t depth = p->input_depth;
    /* Rows in blocks (layouts 1-3): of 4 up to N4, then layout 3's pair. */
    const int32_t n4 = p->filter_layout ? p->output_depth & ~3 : 0;
    const int32_t blocked = blocked_rows(p);
    const int64_t row_bytes = block_row_bytes(p);
    const int8_t *rows = filter + blocked * row_bytes; /* row-major from row `blocked` */
    const int wide = p->filter_layout >= 2;
    (void)scratch;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *row = input + (int64_t)b * depth;
        /* Sums wrap modulo 2^32 (uint32), as TFLM's int32 accumulator does in practice:
         * a deep layer or a folded bias near the int32 limits is defined, not UB. */
        uint32_t row_sum = 0;
        if (p->filter_zp != 0) {
            for (int32_t k = 0; k < depth; ++k) {
                row_sum += (uint32_t)row[k];
            }
        }
        uint32_t sums[4] = {0};
        for (int32_t n = 0; n < p->output_depth; ++n) {
            uint32_t sum;
            if (n < n4) {
                if ((n & 3) == 0) {
                    block_dot(wide, row, filter + n * row_bytes, 4, depth, sums);
                }
                sum = sums[n & 3];
            } else if (n < blocked) {
                if (n == n4) {
                    block_dot(wide, row, filter + n * row_bytes, 2, depth, sums);
                }
                sum = sums[n - n4];
            } else {
                sum = dot(row, rows + (int64_t)(n - blocked) * depth, depth);
            }
            int32_t acc = (int32_t)(sum - (uint32_t)p->filter_zp * row_sum + (uint32_t)bias[n]);
            const int32_t c = p->per_channel == 1 ? n : 0;
            acc = micro_requantize_zp(acc, multiplier[c], shift[c], p->output_zp);
            output[(int64_t)b * p->output_depth + n] =
                (int8_t)micro_clamp(acc, p->act_min, p->act_max);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    if (MICRO_DSP) {
        return micro_fully_connected_s8_dsp_step(params, op);
    }
    return (MICRO_HOST_SIMD ? micro_fully_connected_s8_host : micro_fully_connected_s8)(
        params, op[MICRO_FULLY_CONNECTED_S8_INPUT], op[MICRO_FULLY_CONNECTED_S8_FILTER],
        op[MICRO_FULLY_CONNECTED_S8_BIAS], op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER],
        op[MICRO_FULLY_CONNECTED_S8_SHIFT], op[MICRO_FULLY_CONNECTED_S8_SCRATCH],
        op[MICRO_FULLY_CONNECTED_S8_OUTPUT]);
}

/* per_channel 2 and 3's promise (fully_connected_s8.h), on operands check has sized: one
 * batch row, symmetric weights, blocked filters (layout 1-3; 1 or 2 at K = 1) word-aligned
 * as the scratch, no clamp beyond int8's, one multiplier on the fast requantization
 * (m >= 2^30, shift <= -1); for 2, K a multiple of 4 and no scratch; for 3, K = 1. The DSP twin's fc_lean and fc_lean_single_ok, made once at load. */
static int promise_holds(const micro_fully_connected_s8_params_t *p, void *const *op,
                         const uint32_t *size)
{
    const int32_t depth = p->input_depth;
    /* An absent scratch (size 0) is passed as NULL, as the runtime does. */
    const int scratch = size[MICRO_FULLY_CONNECTED_S8_SCRATCH] != 0;
    const int32_t m = *(const int32_t *)op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER];
    const int32_t s = *(const int32_t *)op[MICRO_FULLY_CONNECTED_S8_SHIFT];
    const uintptr_t addresses =
        (uintptr_t)op[MICRO_FULLY_CONNECTED_S8_FILTER] |
        (scratch ? (uintptr_t)op[MICRO_FULLY_CONNECTED_S8_SCRATCH] : 0u);
    if (p->batches != 1 || p->filter_zp != 0 || p->filter_layout == 0 ||
        (addresses & 3u) != 0 || p->act_min != -128 || p->act_max != 127 || m < (1 << 30) ||
        s > -1) {
        return 0;
    }
    if (p->per_channel == 3) {
        return depth == 1 && p->filter_layout <= 2;
    }
    return depth % 4 == 0 && !scratch;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_fully_connected_s8_params_t *p = params;
    const int32_t dims[3] = {p->batches, p->input_depth, p->output_depth};
    if (micro_count(dims, 3) < 0 || !micro_in_range(p->filter_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127) || !micro_in_range(p->per_channel, 0, 3) ||
        !micro_in_range(p->filter_layout, 0, 3)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t channels = p->per_channel == 1 ? p->output_depth : 1;
    if (!micro_fits(size[MICRO_FULLY_CONNECTED_S8_INPUT], (int64_t)p->batches * p->input_depth,
                    1) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_FILTER],
                    micro_fully_connected_s8_filter_bytes(p), 1) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_BIAS], p->output_depth, 4) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_MULTIPLIER], channels, 4) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_SHIFT], channels, 4) ||
        (size[MICRO_FULLY_CONNECTED_S8_SCRATCH] != 0 &&
         !micro_fits(size[MICRO_FULLY_CONNECTED_S8_SCRATCH],
                     micro_fully_connected_s8_scratch_size(p), 1)) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_OUTPUT], (int64_t)p->batches * p->output_depth,
                    1)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!micro_requant_ok(op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER],
                          op[MICRO_FULLY_CONNECTED_S8_SHIFT], channels) ||
        (p->per_channel >= 2 && !promise_holds(p, op, size))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over input: this kernel and its DSP twin compute batch rows in
 * order, reading the whole input row b for every output of row b. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_fully_connected_s8_params_t *p = params;
    (void)size;
    const micro_rows_t g = {1, p->batches, p->output_depth, p->batches, p->input_depth, 1, 0, 0};
    return in == MICRO_FULLY_CONNECTED_S8_INPUT && out == MICRO_FULLY_CONNECTED_S8_OUTPUT
               ? micro_rows_gap(&g)
               : MICRO_NO_OVERLAP;
}

const micro_kernel_t micro_kernel_fully_connected_s8 = {
    step, check, sizeof(micro_fully_connected_s8_params_t), MICRO_FULLY_CONNECTED_S8_N_OPERANDS, gap};
