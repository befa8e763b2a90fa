#include "micro/kernels/svdf_f32.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

static float max_f(float a, float b) { return a > b ? a : b; } /* TfLiteMax */
static float min_f(float a, float b) { return a < b ? a : b; } /* TfLiteMin */

static float activate(int32_t act, float a)
{
    switch (act) {
    case MICRO_SVDF_F32_ACT_RELU: return max_f(0.0f, a);
    case MICRO_SVDF_F32_ACT_RELU_N1_TO_1: return max_f(-1.0f, min_f(a, 1.0f));
    case MICRO_SVDF_F32_ACT_RELU6: return max_f(0.0f, min_f(a, 6.0f));
    case MICRO_SVDF_F32_ACT_SIGN_BIT: {
        uint32_t u;
        memcpy(&u, &a, sizeof u);
        return (u >> 31) ? 1.0f : 0.0f; /* std::signbit: -0.0 and negative NaNs too */
    }
    default: return a;
    }
}

int64_t micro_svdf_f32_scratch_size(const micro_svdf_f32_params_t *p)
{
    return 4 * (int64_t)p->batches * p->filters;
}

micro_status_t micro_svdf_f32(const micro_svdf_f32_params_t *p, const float *input,
                              const float *weights_feature, const float *weights_time,
                              const float *bias, float *state, float *output, float *scratch)
{
    const ptrdiff_t filters = p->filters, memory = p->memory, n_in = p->input_size;
    const ptrdiff_t units = filters / p->rank;
    const ptrdiff_t n_state = (ptrdiff_t)p->batches * filters * memory;
    for (ptrdiff_t i = 0; i + 1 < n_state; ++i) {
        state[i] = state[i + 1];
    }
    for (ptrdiff_t b = 0; b < p->batches; ++b) {
        for (ptrdiff_t f = 0; f < filters; ++f) {
            float dot = 0.0f;
            for (ptrdiff_t k = 0; k < n_in; ++k) {
                dot += weights_feature[f * n_in + k] * input[b * n_in + k];
            }
            state[(b * filters + f) * memory + memory - 1] = dot;
        }
    }
    for (ptrdiff_t b = 0; b < p->batches; ++b) {
        for (ptrdiff_t f = 0; f < filters; ++f) {
            float dot = 0.0f;
            for (ptrdiff_t m = 0; m < memory; ++m) {
                dot += weights_time[f * memory + m] * state[(b * filters + f) * memory + m];
            }
            scratch[b * filters + f] = dot;
        }
    }
    for (ptrdiff_t b = 0; b < p->batches; ++b) {
        for (ptrdiff_t u = 0; u < units; ++u) {
            float acc = bias ? bias[u] : 0.0f;
            for (ptrdiff_t r = 0; r < p->rank; ++r) {
                acc += scratch[b * filters + u * p->rank + r];
            }
            output[b * units + u] = activate(p->activation, acc);
        }
    }
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_svdf_f32(params, op[0], op[1], op[2], op[3], op[4], op[5], op[6]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_svdf_f32_params_t *p = params;
    (void)op;
    const int32_t state_dims[3] = {p->batches, p->filters, p->memory};
    const int32_t in_dims[2] = {p->batches, p->input_size};
    const int32_t wf_dims[2] = {p->filters, p->input_size};
    const int32_t wt_dims[2] = {p->filters, p->memory};
    if (micro_count(state_dims, 3) < 0 || micro_count(in_dims, 2) < 0 ||
        micro_count(wf_dims, 2) < 0 || p->rank < 1 || p->filters % p->rank != 0 ||
        !(micro_in_range(p->activation, 0, 3) || p->activation == MICRO_SVDF_F32_ACT_SIGN_BIT)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t units = p->filters / p->rank;
    if (!micro_fits(size[0], micro_count(in_dims, 2), 4) ||
        !micro_fits(size[1], micro_count(wf_dims, 2), 4) ||
        !micro_fits(size[2], micro_count(wt_dims, 2), 4) ||
        (size[3] != 0 && !micro_fits(size[3], units, 4)) ||
        !micro_fits(size[4], micro_count(state_dims, 3), 4) ||
        !micro_fits(size[5], (int64_t)p->batches * units, 4) ||
        !micro_fits(size[6], micro_svdf_f32_scratch_size(p), 1)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (state and scratch passes: the input is read for every filter before
 * any output). */
const micro_kernel_t micro_kernel_svdf_f32 = {step, check, sizeof(micro_svdf_f32_params_t),
                                              MICRO_SVDF_F32_N_OPERANDS, MICRO_OVERLAP_NONE};
