#include "micro/kernels/space_to_batch.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_space_to_batch(const micro_space_to_batch_params_t *p, const void *input,
                                    void *output)
{
    const size_t pixel = (size_t)p->depth * (size_t)p->elem_size;
    const int32_t out_batches = p->batches * p->block_h * p->block_w;
    uint8_t *out = output;
    const uint8_t *in = input;
    for (int32_t ob = 0; ob < out_batches; ++ob) {
        const int32_t b = ob % p->batches;
        const int32_t sw = (ob / p->batches) % p->block_w;
        const int32_t sh = (ob / p->batches) / p->block_w;
        for (int32_t oh = 0; oh < p->out_h; ++oh) {
            const int64_t y = (int64_t)oh * p->block_h + sh - p->pad_top;
            for (int32_t ow = 0; ow < p->out_w; ++ow, out += pixel) {
                const int64_t x = (int64_t)ow * p->block_w + sw - p->pad_left;
                if (y < 0 || y >= p->in_h || x < 0 || x >= p->in_w) {
                    memset(out, p->pad_byte, pixel);
                } else {
                    memcpy(out, in + ((((ptrdiff_t)b * p->in_h + y) * p->in_w) + x) * pixel,
                           pixel);
                }
            }
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_space_to_batch(params, op[0], op[1]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_space_to_batch_params_t *p = params;
    const int32_t in_dims[4] = {p->batches, p->in_h, p->in_w, p->depth};
    const int32_t out_dims[6] = {p->block_h, p->block_w, p->batches, p->out_h, p->out_w,
                                 p->depth};
    const int64_t n_in = micro_count(in_dims, 4), n_out = micro_count(out_dims, 6);
    if (!micro_elem_size_ok(p->elem_size) || n_in < 0 || n_out < 0 || p->pad_top < 0 ||
        p->pad_left < 0 || !micro_in_range(p->pad_byte, 0, 255)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], n_in, p->elem_size) || !micro_fits(size[1], n_out, p->elem_size) ||
        !micro_disjoint(op[0], size[0], op[1], size[1])) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (an output batch gathers strided input pixels from the whole image). */
const micro_kernel_t micro_kernel_space_to_batch = {
    step, check, sizeof(micro_space_to_batch_params_t), MICRO_SPACE_TO_BATCH_N_OPERANDS,
    MICRO_OVERLAP_NONE};
