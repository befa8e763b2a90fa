#include "micro/kernels/batch_matmul.h"

#include <stddef.h>

#include "micro/config.h"
#include "micro/kernel.h"
#include "micro/kernels/batch_matmul_dsp.h"
#include "check.h"
#include "requant.h"

/* Element i of an int8 (width 1) or int16 (width 2) operand. */
static inline int32_t load(const void *base, int32_t width, ptrdiff_t i)
{
    return width == 1 ? ((const int8_t *)base)[i] : ((const int16_t *)base)[i];
}

/* float32: TFLM's float reference sums the products in float, k ascending, from 0.0f. */
static void matmul_f32(const micro_batch_matmul_params_t *p, const float *lhs, const float *rhs,
                       const int32_t *offsets, float *output)
{
    for (int32_t b = 0; b < p->batches; ++b) {
        for (int32_t i = 0; i < p->rows; ++i) {
            const float *a = lhs + offsets[2 * b] + (ptrdiff_t)i * p->lhs_stride_i;
            for (int32_t j = 0; j < p->cols; ++j) {
                const float *c = rhs + offsets[2 * b + 1] + (ptrdiff_t)j * p->rhs_stride_j;
                float total = 0.0f;
                for (int32_t k = 0; k < p->depth; ++k) {
                    total += a[(ptrdiff_t)k * p->lhs_stride_k] * c[(ptrdiff_t)k * p->rhs_stride_k];
                }
                *output++ = total;
            }
        }
    }
}

micro_status_t micro_batch_matmul(const micro_batch_matmul_params_t *p, const void *lhs,
                                  const void *rhs, const int32_t *offsets, void *output)
{
    const int32_t w = p->width;
    if (w == 4) {
        matmul_f32(p, lhs, rhs, offsets, output);
        return MICRO_OK;
    }
    ptrdiff_t o = 0;
    for (int32_t b = 0; b < p->batches; ++b) {
        const ptrdiff_t lo = offsets[2 * b];
        const ptrdiff_t ro = offsets[2 * b + 1];
        for (int32_t i = 0; i < p->rows; ++i) {
            for (int32_t j = 0; j < p->cols; ++j, ++o) {
                const ptrdiff_t a = lo + (ptrdiff_t)i * p->lhs_stride_i;
                const ptrdiff_t c = ro + (ptrdiff_t)j * p->rhs_stride_j;
                int64_t sum = 0;
                for (int32_t k = 0; k < p->depth; ++k) {
                    sum += (int64_t)(load(lhs, w, a + (ptrdiff_t)k * p->lhs_stride_k) - p->lhs_zp) *
                           (load(rhs, w, c + (ptrdiff_t)k * p->rhs_stride_k) - p->rhs_zp);
                }
                /* int8 sums in 32 bits as TFLM's int32 accumulator (wrapping, never in a sane
                 * model); int16 keeps 64 bits and the 64-bit requantization. */
                const int32_t scaled =
                    w == 1 ? micro_requantize((int32_t)(uint32_t)((uint64_t)sum & 0xFFFFFFFFu),
                                              p->multiplier, p->shift)
                           : micro_requantize_s64(sum, p->multiplier, p->shift);
                /* Wrapping add: the reference adds in int32 before it clamps. */
                const int32_t v = micro_clamp((int32_t)((uint32_t)scaled + (uint32_t)p->output_zp),
                                              p->act_min, p->act_max);
                if (w == 1) {
                    ((int8_t *)output)[o] = (int8_t)v;
                } else {
                    ((int16_t *)output)[o] = (int16_t)v;
                }
            }
        }
    }
    return MICRO_OK;
}

/* 1 if every element a matrix at `offset` reaches lies inside `count` elements. */
static int reach_ok(int64_t offset, int32_t n1, int32_t s1, int32_t n2, int32_t s2,
                    int64_t count)
{
    return offset >= 0 && offset + (int64_t)(n1 - 1) * s1 + (int64_t)(n2 - 1) * s2 < count;
}

static micro_status_t step(const void *params, void *const *op)
{
    return (MICRO_DSP ? micro_batch_matmul_dsp : micro_batch_matmul)(params, op[0], op[1], op[2],
                                                                   op[3]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_batch_matmul_params_t *p = params;
    const int32_t dims[4] = {p->batches, p->rows, p->depth, p->cols};
    const int32_t out_dims[3] = {p->batches, p->rows, p->cols};
    const int32_t lo = p->width == 1 ? INT8_MIN : INT16_MIN;
    const int32_t hi = p->width == 1 ? INT8_MAX : INT16_MAX;
    const int32_t max_shift = p->width == 1 ? 30 : 7;
    if (p->width == 4) { /* float32: no quantization */
        if (p->lhs_zp != 0 || p->rhs_zp != 0 || p->output_zp != 0 || p->multiplier != 0 ||
            p->shift != 0 || p->act_min != 0 || p->act_max != 0) {
            return MICRO_ERR_PARAMS;
        }
    } else if ((p->width != 1 && p->width != 2) || !micro_in_range(p->lhs_zp, lo, hi) ||
               !micro_in_range(p->rhs_zp, lo, hi) || !micro_in_range(p->output_zp, lo, hi) ||
               p->multiplier < 0 || !micro_in_range(p->shift, -31, max_shift) ||
               !micro_in_range(p->act_min, lo, hi) || !micro_in_range(p->act_max, p->act_min, hi)) {
        return MICRO_ERR_PARAMS;
    }
    if (micro_count(dims, 4) < 0 ||
        micro_count(out_dims, 3) < 0 || p->lhs_stride_i < 0 || p->lhs_stride_k < 0 ||
        p->rhs_stride_k < 0 || p->rhs_stride_j < 0) {
        return MICRO_ERR_PARAMS;
    }
    /* int16 (TFLM: zero points 0): sums stay below 2^47, the 64-bit requantization's range. */
    if (p->width == 2 && (p->lhs_zp != 0 || p->rhs_zp != 0 || p->depth > (1 << 17))) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[2], (int64_t)p->batches * 2, 4) ||
        !micro_fits(size[3], micro_count(out_dims, 3), p->width)) {
        return MICRO_ERR_OPERANDS;
    }
    const int64_t n_lhs = size[0] / (uint32_t)p->width;
    const int64_t n_rhs = size[1] / (uint32_t)p->width;
    const int32_t *offsets = op[2];
    for (int32_t b = 0; b < p->batches; ++b) {
        if (!reach_ok(offsets[2 * b], p->rows, p->lhs_stride_i, p->depth, p->lhs_stride_k,
                      n_lhs) ||
            !reach_ok(offsets[2 * b + 1], p->depth, p->rhs_stride_k, p->cols, p->rhs_stride_j,
                      n_rhs)) {
            return MICRO_ERR_OPERANDS;
        }
    }
    return MICRO_OK;
}

/* Overlap rule: none (each output row reads a whole right-hand matrix, and broadcast
 * batches re-read left-hand rows; not derived). */
const micro_kernel_t micro_kernel_batch_matmul = {
    step, check, sizeof(micro_batch_matmul_params_t), MICRO_BATCH_MATMUL_N_OPERANDS, MICRO_OVERLAP_NONE};
