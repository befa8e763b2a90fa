#include "micro/kernels/pad.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

typedef struct {
    const micro_pad_params_t *p;
    int64_t out_inner[MICRO_PAD_MAX_DIMS]; /* output elements per index step of each dim */
    const uint8_t *value;
    const uint8_t *src;
    uint8_t *dst;
} pad_walk_t;

/* Fill n elements with the pad value: memset for bytes, else doubling memcpy from the
 * part already written (log2(n) calls, each a vectorised copy). */
static void fill(uint8_t *dst, int64_t n, const uint8_t *value, int32_t es)
{
    const size_t total = (size_t)n * (size_t)es;
    if (total == 0) {
        return;
    }
    if (es == 1) {
        memset(dst, value[0], total);
        return;
    }
    memcpy(dst, value, (size_t)es);
    size_t done = (size_t)es;
    while (done < total) {
        const size_t chunk = done < total - done ? done : total - done;
        memcpy(dst + done, dst, chunk);
        done += chunk;
    }
}

/* Write the output block of dimension d (and every dimension inside it). */
static void pad_dim(pad_walk_t *w, int32_t d)
{
    const micro_pad_params_t *p = w->p;
    const int32_t es = p->elem_size;
    const int64_t inner = w->out_inner[d];
    fill(w->dst, p->before[d] * inner, w->value, es);
    w->dst += (ptrdiff_t)(p->before[d] * inner * es);
    if (d == p->n_dims - 1) {
        const size_t run = (size_t)p->in_shape[d] * (size_t)es;
        memcpy(w->dst, w->src, run);
        w->dst += run;
        w->src += run;
    } else {
        for (int32_t i = 0; i < p->in_shape[d]; ++i) {
            pad_dim(w, d + 1);
        }
    }
    fill(w->dst, p->after[d] * inner, w->value, es);
    w->dst += (ptrdiff_t)(p->after[d] * inner * es);
}

micro_status_t micro_pad(const micro_pad_params_t *p, const void *input, const void *value,
                         void *output)
{
    pad_walk_t w;
    w.p = p;
    w.value = value;
    w.src = input;
    w.dst = output;
    int64_t inner = 1;
    for (int32_t d = p->n_dims - 1; d >= 0; --d) {
        w.out_inner[d] = inner;
        inner *= (int64_t)p->before[d] + p->in_shape[d] + p->after[d];
    }
    pad_dim(&w, 0);
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_pad(params, op[MICRO_PAD_INPUT], op[MICRO_PAD_VALUE], op[MICRO_PAD_OUTPUT]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_pad_params_t *p = params;
    if (!micro_elem_size_ok(p->elem_size) || !micro_in_range(p->n_dims, 1, MICRO_PAD_MAX_DIMS)) {
        return MICRO_ERR_PARAMS;
    }
    int32_t out_shape[MICRO_PAD_MAX_DIMS];
    for (int32_t d = 0; d < p->n_dims; ++d) {
        const int64_t dim = (int64_t)p->before[d] + p->in_shape[d] + p->after[d];
        if (p->before[d] < 0 || p->after[d] < 0 || dim > INT32_MAX) {
            return MICRO_ERR_PARAMS;
        }
        out_shape[d] = (int32_t)dim;
    }
    const int64_t n_in = micro_count(p->in_shape, p->n_dims);
    const int64_t n_out = micro_count(out_shape, p->n_dims);
    if (n_in < 0 || n_out < 0 || n_out * p->elem_size > INT32_MAX) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[MICRO_PAD_INPUT], n_in, p->elem_size) ||
        !micro_fits(size[MICRO_PAD_VALUE], 1, p->elem_size) ||
        !micro_fits(size[MICRO_PAD_OUTPUT], n_out, p->elem_size) ||
        !micro_disjoint(op[MICRO_PAD_INPUT], size[MICRO_PAD_INPUT], op[MICRO_PAD_OUTPUT],
                        size[MICRO_PAD_OUTPUT]) ||
        !micro_disjoint(op[MICRO_PAD_VALUE], size[MICRO_PAD_VALUE], op[MICRO_PAD_OUTPUT],
                        size[MICRO_PAD_OUTPUT])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the output leads its input by the padding before each row; not
 * derived). */
const micro_kernel_t micro_kernel_pad = {step, check, sizeof(micro_pad_params_t),
                                         MICRO_PAD_N_OPERANDS, MICRO_OVERLAP_NONE};
