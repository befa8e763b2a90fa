#include "micro/kernels/mean_s8.h"

#include "micro/kernel.h"
#include "check.h"
#include "fixedpoint.h"
#include "requant.h"

micro_status_t micro_mean_s8(const micro_mean_s8_params_t *p, const int8_t *input,
                             int32_t *scratch, int8_t *output)
{
    const int32_t rank = p->rank;
    int32_t out_stride[MICRO_MEAN_MAX_DIMS];
    int32_t block_out = 1; /* outputs per index of dims[0] */
    int32_t block_in = 1;  /* inputs per index of dims[0] */
    for (int32_t d = rank - 1; d >= 1; --d) {
        const int kept = ((p->reduced >> d) & 1u) == 0;
        out_stride[d] = kept ? block_out : 0;
        block_out *= kept ? p->dims[d] : 1;
        block_in *= p->dims[d];
    }
    const int32_t inner = p->dims[rank - 1];
    const int inner_reduced = ((p->reduced >> (rank - 1)) & 1u) != 0;
    const int32_t rows = block_in / inner;
    for (int32_t o = 0; o < p->dims[0]; ++o) {
        const int8_t *x = input + (int64_t)o * block_in;
        for (int32_t j = 0; j < block_out; ++j) {
            scratch[j] = 0;
        }
        int32_t index[MICRO_MEAN_MAX_DIMS] = {0};
        int32_t base = 0; /* scratch index of the current row */
        for (int32_t r = 0; r < rows; ++r, x += inner) {
            if (inner_reduced) {
                int32_t sum = 0;
                for (int32_t i = 0; i < inner; ++i) {
                    sum += x[i];
                }
                scratch[base] += sum;
            } else {
                int32_t *acc = scratch + base;
                for (int32_t i = 0; i < inner; ++i) {
                    acc[i] += x[i];
                }
            }
            /* Next row: an odometer over dims[1..rank-1). */
            for (int32_t d = rank - 2; d >= 1; --d) {
                base += out_stride[d];
                if (++index[d] < p->dims[d]) {
                    break;
                }
                base -= out_stride[d] * p->dims[d];
                index[d] = 0;
            }
        }
        int8_t *out = output + (int64_t)o * block_out;
        for (int32_t j = 0; j < block_out; ++j) {
            const int32_t shifted = micro_fx_add(scratch[j], p->bias);
            const int32_t y = micro_requantize(shifted, p->multiplier, p->shift) + p->output_zp;
            out[j] = (int8_t)micro_clamp(y, -128, 127);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_mean_s8(params, op[0], op[1], op[2]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    (void)op;
    const micro_mean_s8_params_t *p = params;
    if (!micro_in_range(p->rank, 2, MICRO_MEAN_MAX_DIMS) || (p->reduced & 1u) != 0 ||
        ((p->reduced >> 1) & 1u) == 0 || (p->reduced >> p->rank) != 0) {
        return MICRO_ERR_PARAMS;
    }
    int32_t kept[MICRO_MEAN_MAX_DIMS];
    int32_t reduced[MICRO_MEAN_MAX_DIMS];
    int n_kept = 0;
    int n_reduced = 0;
    for (int32_t d = 0; d < p->rank; ++d) {
        if ((p->reduced >> d) & 1u) {
            reduced[n_reduced++] = p->dims[d];
        } else {
            kept[n_kept++] = p->dims[d];
        }
    }
    const int64_t n_in = micro_count(p->dims, p->rank);
    const int64_t n_out = micro_count(kept, n_kept);
    const int64_t count = micro_count(reduced, n_reduced);
    if (n_in < 0 || n_out < 0 || count < 0 || count > INT32_MAX / 128 ||
        !micro_in_range(p->output_zp, -128, 127) || p->multiplier < 0 ||
        !micro_in_range(p->shift, -31, 30)) {
        return MICRO_ERR_PARAMS;
    }
    if (!micro_fits(size[0], n_in, 1) || !micro_fits(size[1], n_out / p->dims[0], 4) ||
        !micro_fits(size[2], n_out, 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

const micro_kernel_t micro_kernel_mean_s8 = {step, check, sizeof(micro_mean_s8_params_t), 3};
