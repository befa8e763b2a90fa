#include "micro/kernels/fully_connected_s8.h"

#include <string.h>

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

/* The 16 products of a group of a block (layout 1) with the group's 4 input values, added
 * to lanes: lane i takes row i / 4, column i % 4. In the compiler's vector extension where
 * it has one (16 products in a few instructions, the host's speed), else plain C. */
#if defined(__GNUC__) && defined(__x86_64__)
typedef int8_t micro_v16s8 __attribute__((vector_size(16)));
typedef int16_t micro_v16s16 __attribute__((vector_size(32)));
typedef uint32_t micro_v16u32 __attribute__((vector_size(64)));
typedef uint32_t micro_v4u32 __attribute__((vector_size(16)));
typedef micro_v16u32 lanes_t;

static inline void group_dot(const int8_t *x, const int8_t *w, lanes_t *lanes)
{
    uint32_t xw;
    memcpy(&xw, x, sizeof xw);
    const micro_v4u32 x4 = {xw, xw, xw, xw};  /* x[i % 4] in byte i */
    micro_v16s8 xv, wv;
    memcpy(&xv, &x4, sizeof xv);
    memcpy(&wv, w, sizeof wv);
    /* int8 * int8 fits int16; each product then widens to a 32-bit lane, wrapping there. */
    const micro_v16s16 prod = __builtin_convertvector(xv, micro_v16s16) *
                              __builtin_convertvector(wv, micro_v16s16);
    *lanes += (micro_v16u32)__builtin_convertvector(prod, micro_v16u32);
}
#else
typedef struct {
    uint32_t v[16];
} lanes_t;

static inline void group_dot(const int8_t *x, const int8_t *w, lanes_t *lanes)
{
    for (int32_t i = 0; i < 16; ++i) {
        lanes->v[i] += (uint32_t)((int32_t)x[i & 3] * (int32_t)w[i]);
    }
}
#endif

/* sum[j] = the dot of row with block row j (layout 1) over `depth` values. */
static void block_dot(const int8_t *row, const int8_t *block, int32_t depth, uint32_t *sum)
{
    const int32_t k4 = depth & ~3, rest = depth - k4;
    lanes_t lanes;
    memset(&lanes, 0, sizeof lanes);
    for (int32_t k = 0; k < k4; k += 4, block += 16) {
        group_dot(row + k, block, &lanes);
    }
    uint32_t v[16];
    memcpy(v, &lanes, sizeof v);
    for (int32_t j = 0; j < 4; ++j) {
        sum[j] = v[4 * j] + v[4 * j + 1] + v[4 * j + 2] + v[4 * j + 3] +
                 dot(row + k4, block + j * rest, rest);
    }
}

MICRO_HOST_CLONES micro_status_t micro_fully_connected_s8(const micro_fully_connected_s8_params_t *p,
                                        const int8_t *input, const int8_t *filter,
                                        const int32_t *bias, const int32_t *multiplier,
                                        const int32_t *shift, int16_t *scratch,
                                        int8_t *output)
{
    const int32_t depth = p->input_depth;
    /* Rows in blocks of 4 (layout 1): the first 4 * (N / 4) of them. */
    const int32_t blocked = p->filter_layout ? p->output_depth & ~3 : 0;
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
            if (n < blocked) {
                if ((n & 3) == 0) {
                    block_dot(row, filter + (int64_t)n * depth, depth, sums);
                }
                sum = sums[n & 3];
            } else {
                sum = dot(row, filter + (int64_t)n * depth, depth);
            }
            int32_t acc = (int32_t)(sum - (uint32_t)p->filter_zp * row_sum + (uint32_t)bias[n]);
            const int32_t c = p->per_channel ? n : 0;
            acc = micro_requantize_zp(acc, multiplier[c], shift[c], p->output_zp);
            output[(int64_t)b * p->output_depth + n] =
                (int8_t)micro_clamp(acc, p->act_min, p->act_max);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP         ? micro_fully_connected_s8_dsp
            : MICRO_HOST_SIMD ? micro_fully_connected_s8_host
                              : micro_fully_connected_s8)(
        params, op[MICRO_FULLY_CONNECTED_S8_INPUT], op[MICRO_FULLY_CONNECTED_S8_FILTER],
        op[MICRO_FULLY_CONNECTED_S8_BIAS], op[MICRO_FULLY_CONNECTED_S8_MULTIPLIER],
        op[MICRO_FULLY_CONNECTED_S8_SHIFT], op[MICRO_FULLY_CONNECTED_S8_SCRATCH],
        op[MICRO_FULLY_CONNECTED_S8_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_fully_connected_s8_params_t *p = params;
    const int32_t dims[3] = {p->batches, p->input_depth, p->output_depth};
    if (micro_count(dims, 3) < 0 || !micro_in_range(p->filter_zp, -128, 127) ||
        !micro_in_range(p->output_zp, -128, 127) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127) || !micro_in_range(p->per_channel, 0, 1) ||
        !micro_in_range(p->filter_layout, 0, 1)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t channels = p->per_channel ? p->output_depth : 1;
    if (!micro_fits(size[MICRO_FULLY_CONNECTED_S8_INPUT], (int64_t)p->batches * p->input_depth,
                    1) ||
        !micro_fits(size[MICRO_FULLY_CONNECTED_S8_FILTER],
                    (int64_t)p->output_depth * p->input_depth, 1) ||
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
                          op[MICRO_FULLY_CONNECTED_S8_SHIFT], channels)) {
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
