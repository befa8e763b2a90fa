"""The overlap rules on the emulated Cortex-M4F, with the real DSP instructions: each DSP
twin (conv, depthwise, fully connected) and its reference kernel, run with the output
starting the rule's gap (rounded up to the arena alignment, as the planner places it)
below the input, give the bytes of the reference kernel on separate buffers (the random
cases of test_dsp_kernels)."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_dsp_board as board_cases

M4F = "mps2-an386"

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

#define ALIGN 8u
static int8_t expected[MAX_OUT];
static int64_t scratch[MAX_SCRATCH / 8 + 1];
static int64_t shared[(2 * MAX_OUT + 4 * MAX_OUT) / 8 + 64]; /* output, gap, input */

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static int64_t count(const int32_t *dims, int n)
{
    int64_t total = 1;
    for (int i = 0; i < n; ++i) {
        total *= dims[i];
    }
    return total;
}

/* Where the input goes in `shared`, the output at its start; 0 if the rule says no. */
static int8_t *place(uint32_t kernel, const void *p, uint32_t n_operands, uint32_t out,
                     const int8_t *input, int64_t n_in, int64_t n_out)
{
    uint32_t sizes[8] = {0};
    sizes[0] = (uint32_t)n_in;
    sizes[out] = (uint32_t)n_out;
    uint32_t gap = micro_overlap_gap(kernel, p, sizes, 0, out);
    if (gap == MICRO_NO_OVERLAP || n_operands > 8) {
        return 0;
    }
    gap = (gap + ALIGN - 1) / ALIGN * ALIGN;
    if (gap + n_in > sizeof shared) {
        return 0;
    }
    int8_t *at = (int8_t *)shared + gap;
    memset(shared, 0x33, sizeof shared);
    memcpy(at, input, (size_t)n_in);
    return at;
}

int main(void)
{
    int bad = 0, ran = 0;
    for (uint32_t i = 0; i < N_CONV; ++i) {
        const conv_case_t *c = &conv_cases[i];
        const micro_conv_s8_params_t *p = c->p;
        const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width,
                                    p->input_depth};
        const int64_t n_in = count(in_dims, 4);
        micro_conv_s8(p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                      (int16_t *)scratch, expected);
        for (int twin = 0; twin < 2; ++twin) {
            int8_t *x = place(MICRO_K_CONV_S8, p, 7, 6, c->input, n_in, c->n_out);
            bad += x == 0;
            if (x == 0) {
                continue;
            }
            (twin ? micro_conv_s8_dsp : micro_conv_s8)(p, x, c->filter, c->bias, c->multiplier,
                                                       c->shift, (int16_t *)scratch,
                                                       (int8_t *)shared);
            bad += memcmp(shared, expected, c->n_out) != 0;
            ran += 1;
        }
    }
    for (uint32_t i = 0; i < N_DEPTHWISE; ++i) {
        const depthwise_case_t *c = &depthwise_cases[i];
        const micro_depthwise_conv_s8_params_t *p = c->p;
        const int32_t in_dims[4] = {p->batches, p->input_height, p->input_width,
                                    p->input_depth};
        const int64_t n_in = count(in_dims, 4);
        micro_depthwise_conv_s8(p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                                expected);
        for (int twin = 0; twin < 2; ++twin) {
            int8_t *x = place(MICRO_K_DEPTHWISE_CONV_S8, p, 6, 5, c->input, n_in, c->n_out);
            bad += x == 0;
            if (x == 0) {
                continue;
            }
            (twin ? micro_depthwise_conv_s8_dsp : micro_depthwise_conv_s8)(
                p, x, c->filter, c->bias, c->multiplier, c->shift, (int8_t *)shared);
            bad += memcmp(shared, expected, c->n_out) != 0;
            ran += 1;
        }
    }
    for (uint32_t i = 0; i < N_FC; ++i) {
        const fc_case_t *c = &fc_cases[i];
        const micro_fully_connected_s8_params_t *p = c->p;
        const int64_t n_in = (int64_t)p->batches * p->input_depth;
        int16_t *fc_scratch = c->scratch ? (int16_t *)scratch : NULL;
        micro_fully_connected_s8(p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                                 fc_scratch, expected);
        for (int twin = 0; twin < 2; ++twin) {
            int8_t *x = place(MICRO_K_FULLY_CONNECTED_S8, p, 7, 6, c->input, n_in, c->n_out);
            bad += x == 0;
            if (x == 0) {
                continue;
            }
            (twin ? micro_fully_connected_s8_dsp : micro_fully_connected_s8)(
                p, x, c->filter, c->bias, c->multiplier, c->shift, fc_scratch, (int8_t *)shared);
            bad += memcmp(shared, expected, c->n_out) != 0;
            ran += 1;
        }
    }
    say(bad == 0 && ran == 2 * (N_CONV + N_DEPTHWISE + N_FC) ? "overlapped all equal\n"
                                                            : "overlapped differ\n");
    return bad != 0;
}
"""


@pytest.mark.slow
def test_overlapped_twins_equal_separate_reference_on_m4f(toolchain: None, tmp_path: Path) -> None:
    run, _ = board_cases.run_cases(MAIN, board_cases.cases_header(), M4F, tmp_path)
    assert "overlapped all equal" in run.log and run.status == 0, run.log
