#include "micro/kernels/add_s8.h"

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/add_s8_dsp.h"
#include "micro/kernels/add_s8_host.h"
#include "broadcast_loop.h"
#include "check.h"
#include "requant.h"

typedef struct {
    const micro_add_s8_params_t *p;
    const int32_t *table1;
    const int32_t *table2;
} add_ctx_t;

/* Params are copied into locals: stores through int8_t pointers may alias anything, so
 * reading them through `p` inside the loops would reload them every element. */
typedef struct {
    int32_t zp_out, multiplier, shift, act_min, act_max;
} add_consts_t;

static inline int8_t finish(const add_consts_t *k, int32_t sum)
{
    const int32_t out = micro_requantize_zp(sum, k->multiplier, k->shift, k->zp_out);
    return (int8_t)micro_clamp(out, k->act_min, k->act_max);
}

static void add_row(const void *ctx, const void *input1, int32_t stride_a, const void *input2,
                    int32_t stride_b, void *output, int32_t n)
{
    const int8_t *a = input1, *b = input2;
    int8_t *out = output;
    const add_ctx_t *c = ctx;
    const add_consts_t k = {c->p->output_zp, c->p->output_multiplier, c->p->output_shift,
                            c->p->act_min, c->p->act_max};
    const int32_t *t1 = c->table1, *t2 = c->table2;
    if (stride_a == 0) {
        const int32_t term = t1[(uint8_t)a[0]];
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, term + t2[(uint8_t)b[i * stride_b]]);
        }
    } else if (stride_b == 0) {
        const int32_t term = t2[(uint8_t)b[0]];
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, t1[(uint8_t)a[i * stride_a]] + term);
        }
    } else {
        for (int32_t i = 0; i < n; ++i) {
            out[i] = finish(&k, t1[(uint8_t)a[i * stride_a]] + t2[(uint8_t)b[i * stride_b]]);
        }
    }
}

micro_status_t micro_add_s8(const micro_add_s8_params_t *p, const int8_t *input1,
                            const int8_t *input2, const int32_t *table1,
                            const int32_t *table2, const int32_t *sums, int8_t *output)
{
    (void)sums; /* the DSP twin's */
    const add_ctx_t ctx = {p, table1, table2};
    micro_broadcast_walk(&p->broadcast, input1, input2, output, 1, add_row, &ctx);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_add_s8_dsp : MICRO_HOST_SIMD ? micro_add_s8_host : micro_add_s8)(
        params, op[MICRO_ADD_S8_INPUT1], op[MICRO_ADD_S8_INPUT2], op[MICRO_ADD_S8_TABLE1],
        op[MICRO_ADD_S8_TABLE2], op[MICRO_ADD_S8_SUMS], op[MICRO_ADD_S8_OUTPUT]);
}

static int table_ok(const int32_t *table, int n)
{
    for (int i = 0; i < n; ++i) {
        if (table[i] < -MICRO_ADD_TERM_LIMIT || table[i] > MICRO_ADD_TERM_LIMIT) {
            return 0;
        }
    }
    return 1;
}

static int linear_ok(const micro_add_s8_params_t *p)
{
    if (p->linear == 0) {
        return 1;
    }
    const int64_t a = p->linear_a, b = p->linear_b, c = p->linear_c;
    const int64_t bound = ((a < 0 ? -a : a) + (b < 0 ? -b : b)) / 2 + (c < 0 ? -c : c) + 1;
    return p->linear == 1 && bound <= INT32_MAX;
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_add_s8_params_t *p = params;
    if (!micro_in_range(p->output_zp, -128, 127) || p->output_multiplier < 0 ||
        !micro_in_range(p->output_shift, -31, 0) || !micro_in_range(p->act_min, -128, 127) ||
        !micro_in_range(p->act_max, p->act_min, 127) || !linear_ok(p)) {
        return MICRO_ERR_PARAMS;
    }
    const micro_status_t layout =
        micro_broadcast_check(&p->broadcast, size[MICRO_ADD_S8_INPUT1], size[MICRO_ADD_S8_INPUT2],
                              size[MICRO_ADD_S8_OUTPUT], 1);
    if (layout != MICRO_OK) {
        return layout;
    }
    if (!micro_fits(size[MICRO_ADD_S8_TABLE1], 256, 4) ||
        !micro_fits(size[MICRO_ADD_S8_TABLE2], 256, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    const uint32_t sums = size[MICRO_ADD_S8_SUMS];
    if (sums != 0 && !micro_fits(sums, 512, 4)) {
        return MICRO_ERR_OPERANDS;
    }
    if (!table_ok(op[MICRO_ADD_S8_TABLE1], 256) || !table_ok(op[MICRO_ADD_S8_TABLE2], 256) ||
        (sums != 0 && !table_ok(op[MICRO_ADD_S8_SUMS], 512))) {
        return MICRO_ERR_PARAMS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over either input laid out as the output: in place (this kernel
 * and its DSP twin read element i of each input before writing element i). */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_add_s8_params_t *p = params;
    (void)size;
    if (out != MICRO_ADD_S8_OUTPUT || (in != MICRO_ADD_S8_INPUT1 && in != MICRO_ADD_S8_INPUT2)) {
        return MICRO_NO_OVERLAP;
    }
    return micro_broadcast_gap(&p->broadcast, in == MICRO_ADD_S8_INPUT1, 1, 1);
}

const micro_kernel_t micro_kernel_add_s8 = {step, check, sizeof(micro_add_s8_params_t),
                                            MICRO_ADD_S8_N_OPERANDS, gap};
