#include "micro/kernels/compare.h"

#include <stddef.h>
#include <string.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "broadcast_loop.h"
#include "check.h"

typedef struct {
    const micro_compare_params_t *p;
    const int32_t *tables;
} compare_ctx_t;

static int32_t width_of(int32_t kind)
{
    static const int32_t width[] = {4, 1, 1, 2, 4, 8, 1};
    return width[kind];
}

/* -1, 0 or 1 as a < b, a == b, a > b; 2 if unordered (a NaN). */
static int order(const compare_ctx_t *c, const uint8_t *a, const uint8_t *b)
{
    switch (c->p->kind) {
    case MICRO_COMPARE_F32: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x < y ? -1 : (x > y ? 1 : (x == y ? 0 : 2));
    }
    case MICRO_COMPARE_S8_SCALED: {
        const int32_t x = c->tables[*a];
        const int32_t y = c->tables[256 + *b];
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case MICRO_COMPARE_S8: {
        const int8_t x = (int8_t)*a, y = (int8_t)*b;
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case MICRO_COMPARE_S16: {
        int16_t x, y;
        memcpy(&x, a, 2);
        memcpy(&y, b, 2);
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case MICRO_COMPARE_S32: {
        int32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case MICRO_COMPARE_S64: {
        int64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    default:
        return *a < *b ? -1 : (*a > *b ? 1 : 0);
    }
}

static void compare_row(const void *ctx, const void *input1, int32_t stride_a,
                        const void *input2, int32_t stride_b, void *output, int32_t n)
{
    const compare_ctx_t *c = ctx;
    const int32_t op = c->p->op;
    const int32_t w = width_of(c->p->kind);
    uint8_t *out = output;
    for (int32_t i = 0; i < n; ++i) {
        /* Offsets in ptrdiff_t, from the row's start: a stride the check let through with a
         * unit dimension never moves a pointer (nor overflows an int32). */
        const uint8_t *a = (const uint8_t *)input1 + (ptrdiff_t)i * stride_a * w;
        const uint8_t *b = (const uint8_t *)input2 + (ptrdiff_t)i * stride_b * w;
        const int o = order(c, a, b);
        if (op == MICRO_COMPARE_MAXIMUM || op == MICRO_COMPARE_MINIMUM) {
            const int first = op == MICRO_COMPARE_MAXIMUM ? o == 1 : o == -1;
            memcpy(out + (ptrdiff_t)i * w, first ? a : b, (size_t)w);
            continue;
        }
        int r;
        switch (op) {
        case MICRO_COMPARE_LESS: r = o == -1; break;
        case MICRO_COMPARE_LESS_EQUAL: r = o == -1 || o == 0; break;
        case MICRO_COMPARE_GREATER: r = o == 1; break;
        case MICRO_COMPARE_GREATER_EQUAL: r = o == 1 || o == 0; break;
        case MICRO_COMPARE_EQUAL: r = o == 0; break;
        default: r = o != 0; break;
        }
        out[i] = (uint8_t)r;
    }
}

/* MAXIMUM and MINIMUM of signed integers of w bytes (1, 2 or 4), without compare_row's
 * per-element dispatch on the op and the type: for those the first input wins only when
 * strictly greater (smaller), which is max(x, y) (min) of the two values. */
static MICRO_ALWAYS_INLINE int32_t load_int(const uint8_t *p, int32_t w)
{
    if (w == 1) {
        return (int8_t)*p;
    }
    if (w == 2) {
        int16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static MICRO_ALWAYS_INLINE void store_int(uint8_t *p, int32_t w, int32_t v)
{
    if (w == 1) {
        *p = (uint8_t)(int8_t)v;
    } else if (w == 2) {
        const int16_t h = (int16_t)v;
        memcpy(p, &h, 2);
    } else {
        memcpy(p, &v, 4);
    }
}

static MICRO_ALWAYS_INLINE void extreme_row(const void *input1, int32_t stride_a,
                                            const void *input2, int32_t stride_b, void *output,
                                            int32_t n, int32_t w, int maximum)
{
    const uint8_t *a = input1, *b = input2;
    uint8_t *out = output;
    /* Byte steps in ptrdiff_t: see compare_row. */
    const ptrdiff_t step_a = (ptrdiff_t)stride_a * w, step_b = (ptrdiff_t)stride_b * w;
    if (step_b == 0) { /* a repeated second input (a scalar bound, say): loaded once */
        const int32_t y = load_int(b, w);
        for (int32_t i = 0; i < n; ++i, a += step_a, out += w) {
            const int32_t x = load_int(a, w);
            store_int(out, w, maximum ? (x > y ? x : y) : (x < y ? x : y));
        }
        return;
    }
    for (int32_t i = 0; i < n; ++i, a += step_a, b += step_b, out += w) {
        const int32_t x = load_int(a, w), y = load_int(b, w);
        store_int(out, w, maximum ? (x > y ? x : y) : (x < y ? x : y));
    }
}

#define EXTREME_ROW(name, w, maximum)                                                        \
    static void name(const void *ctx, const void *input1, int32_t stride_a,                  \
                     const void *input2, int32_t stride_b, void *output, int32_t n)          \
    {                                                                                        \
        (void)ctx;                                                                           \
        extreme_row(input1, stride_a, input2, stride_b, output, n, w, maximum);              \
    }
EXTREME_ROW(max_row_s8, 1, 1)
EXTREME_ROW(min_row_s8, 1, 0)
EXTREME_ROW(max_row_s16, 2, 1)
EXTREME_ROW(min_row_s16, 2, 0)
EXTREME_ROW(max_row_s32, 4, 1)
EXTREME_ROW(min_row_s32, 4, 0)

/* The row function of an integer MAXIMUM/MINIMUM, or NULL. */
static micro_row_fn extreme_row_of(const micro_compare_params_t *p)
{
    const int maximum = p->op == MICRO_COMPARE_MAXIMUM;
    if (p->op != MICRO_COMPARE_MAXIMUM && p->op != MICRO_COMPARE_MINIMUM) {
        return NULL;
    }
    if (p->kind == MICRO_COMPARE_S8) {
        return maximum ? max_row_s8 : min_row_s8;
    }
    if (p->kind == MICRO_COMPARE_S16) {
        return maximum ? max_row_s16 : min_row_s16;
    }
    if (p->kind == MICRO_COMPARE_S32) {
        return maximum ? max_row_s32 : min_row_s32;
    }
    return NULL;
}

micro_status_t micro_compare(const micro_compare_params_t *p, const void *input1,
                             const void *input2, const int32_t *tables, void *output)
{
    const compare_ctx_t c = {p, tables};
    const int minmax = p->op >= MICRO_COMPARE_MAXIMUM;
    const micro_row_fn extreme = extreme_row_of(p);
    micro_broadcast_walk_widths(&p->broadcast, input1, input2, output, width_of(p->kind), minmax ? width_of(p->kind) : 1,
                                extreme ? extreme : compare_row, &c);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_compare(params, op[0], op[1], op[2], op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_compare_params_t *p = params;
    if (!micro_in_range(p->op, 0, 7) || !micro_in_range(p->kind, 0, 6) ||
        (p->kind == MICRO_COMPARE_S8_SCALED && p->op >= MICRO_COMPARE_MAXIMUM)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t count = micro_broadcast_count(p->broadcast.rank, p->broadcast.dims);
    const int64_t extent1 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride1);
    const int64_t extent2 = micro_broadcast_extent(p->broadcast.rank, p->broadcast.dims, p->broadcast.stride2);
    if (count < 0 || extent1 < 0 || extent2 < 0) {
        return MICRO_ERR_PARAMS;
    }
    const int32_t w = width_of(p->kind);
    const int32_t out_w = p->op >= MICRO_COMPARE_MAXIMUM ? w : 1;
    if (!micro_fits(size[0], extent1, w) || !micro_fits(size[1], extent2, w) ||
        (p->kind == MICRO_COMPARE_S8_SCALED && !micro_fits(size[2], 512, 4)) ||
        !micro_fits(size[3], count, out_w)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule, output over an input: rows of the broadcast walk, element i compared
 * before its (one-byte, or for MINIMUM/MAXIMUM same-width) result is written. */
static uint32_t gap(const void *params, const uint32_t *size, uint32_t in, uint32_t out)
{
    const micro_compare_params_t *p = params;
    (void)size;
    if (out != MICRO_COMPARE_OUTPUT || (in != MICRO_COMPARE_INPUT1 && in != MICRO_COMPARE_INPUT2) ||
        !micro_in_range(p->kind, 0, 6)) {
        return MICRO_NO_OVERLAP;
    }
    const int32_t w = width_of(p->kind);
    return micro_broadcast_gap(&p->broadcast, in == MICRO_COMPARE_INPUT1, w,
                               p->op >= MICRO_COMPARE_MAXIMUM ? w : 1);
}

const micro_kernel_t micro_kernel_compare = {step, check, sizeof(micro_compare_params_t), MICRO_COMPARE_N_OPERANDS, gap};
