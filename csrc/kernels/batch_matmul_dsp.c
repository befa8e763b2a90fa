/*
 * BATCH_MATMUL int8 on dual 16-bit multiply-accumulates, the twin of micro_batch_matmul
 * (batch_matmul.c, its oracle: same bytes out).
 *
 * The right-hand zero point leaves the inner loop: with L' = L - lhs_zp,
 *   sum_k L'(i, k) * (R(k, j) - rhs_zp) = sum_k L'(i, k) * R(k, j) - rhs_zp * sum_k L'(i, k),
 * the last sum once per row (all modulo 2^32, as the reference's int32 result). Then, four
 * output columns at a time:
 *   - k contiguous in both operands (adj_y, e.g. Q x K^T): micro_dot4_zp (dsp_dot.h), the
 *     row's words against 4 columns' words, 16 products per 25 instructions;
 *   - columns contiguous in the right-hand matrix (e.g. scores x V): per k one word holds
 *     R(k, j..j+3), split by SXTB16 and multiplied by L'(i, k) with SMLABB / SMLATB.
 * Other layouts (lhs transposed with rhs not), int16 and float32 run the reference.
 */
#include "micro/kernels/batch_matmul_dsp.h"

#include <stddef.h>
#include <stdint.h>

#include "dsp_dot.h"

/* acc[j] += sum_{k < n} l(k) * r[k * r_step + j] for j < 4, l(k) = a[k * a_step] - zp. */
MICRO_NOINLINE static void columns4(const int8_t *a, ptrdiff_t a_step, int32_t zp,
                                    const int8_t *r, ptrdiff_t r_step, int32_t n, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (int32_t k = 0; k < n; ++k, a += a_step, r += r_step) {
        const uint32_t l = (uint32_t)(*a - zp);
        const uint32_t rv = micro_read4(r);
        const uint32_t even = micro_sxtb16(rv), odd = micro_sxtb16_hi(rv);
        a0 = micro_smlabb(even, l, a0);
        a1 = micro_smlabb(odd, l, a1);
        a2 = micro_smlatb(even, l, a2);
        a3 = micro_smlatb(odd, l, a3);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

MICRO_NOINLINE static void dot4(const int8_t *a, int32_t zp, const int8_t *c, ptrdiff_t stride,
                                int32_t n, int32_t *acc)
{
    micro_dot4_zp(a, c, stride, n, zp, acc);
}

/* One output column, any strides. */
static int32_t column(const int8_t *a, ptrdiff_t a_step, int32_t zp, const int8_t *c,
                      ptrdiff_t c_step, int32_t n)
{
    uint32_t sum = 0;
    for (int32_t k = 0; k < n; ++k) {
        sum += (uint32_t)((a[k * a_step] - zp) * c[k * c_step]);
    }
    return (int32_t)sum;
}

micro_status_t micro_batch_matmul_dsp(const micro_batch_matmul_params_t *p, const void *lhs,
                                      const void *rhs, const int32_t *offsets, void *output)
{
    const int k_rows = p->lhs_stride_k == 1 && p->rhs_stride_k == 1;
    if (p->width != 1 || (!k_rows && p->rhs_stride_j != 1)) {
        return micro_batch_matmul(p, lhs, rhs, offsets, output);
    }
    const int32_t depth = p->depth, cols = p->cols;
    const int32_t lz = p->lhs_zp;
    const micro_requant_channel_t ch = micro_requant_channel(p->multiplier, p->shift);
    const int32_t zp = p->output_zp, zp2 = 1 + 2 * p->output_zp;
    const int fast = micro_requant_fast_ok(&p->multiplier, &p->shift, 1, p->act_min, p->act_max);
    const int32_t m2 = (int32_t)((uint32_t)p->multiplier << 1);
    int8_t *out = output;
    for (int32_t b = 0; b < p->batches; ++b) {
        const int8_t *left = (const int8_t *)lhs + offsets[2 * b];
        const int8_t *right = (const int8_t *)rhs + offsets[2 * b + 1];
        for (int32_t i = 0; i < p->rows; ++i) {
            const int8_t *a = left + (ptrdiff_t)i * p->lhs_stride_i;
            uint32_t row_sum = 0;
            for (int32_t k = 0; k < depth; ++k) {
                row_sum += (uint32_t)(a[(ptrdiff_t)k * p->lhs_stride_k] - lz);
            }
            const uint32_t correction = (uint32_t)p->rhs_zp * row_sum;
            for (int32_t j = 0; j < cols;) {
                const int8_t *c = right + (ptrdiff_t)j * p->rhs_stride_j;
                int32_t acc[4] = {0, 0, 0, 0};
                int32_t n = 4;
                if (cols - j < 4) {
                    n = 1;
                    acc[0] = column(a, p->lhs_stride_k, lz, c, p->rhs_stride_k, depth);
                } else if (k_rows) {
                    dot4(a, lz, c, p->rhs_stride_j, depth, acc);
                } else {
                    columns4(a, p->lhs_stride_k, lz, c, p->rhs_stride_k, depth, acc);
                }
                for (int32_t q = 0; q < n; ++q, ++j) {
                    const int32_t total = (int32_t)((uint32_t)acc[q] - correction);
                    *out++ = fast ? (int8_t)micro_requant_fast_out(total, m2, ~p->shift, zp2)
                                  : (int8_t)micro_requant_out(total, ch, zp, zp2, p->act_min,
                                                              p->act_max);
                }
            }
        }
    }
    return MICRO_OK;
}
