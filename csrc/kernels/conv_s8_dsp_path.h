/*
 * micro_conv_s8_dsp_path: which path micro_conv_s8_dsp takes for a call (micro/paths.h),
 * the one place that decides it: the dispatch calls it, and the host ORs its answers over
 * a Program's steps (csrc/runtime/paths.c) so a firmware keeps only those paths.
 * Internal: included at the end of conv_s8_dsp.c (fast_ok, CONV_BLOCK and the paths'
 * tests: head_applies, direct_applies, first_applies, pw8_applies, micro_first_rows_shape,
 * pointwise_strided_applies and PW_ROOM).
 */
#ifndef MICRO_KERNELS_CONV_S8_DSP_PATH_H
#define MICRO_KERNELS_CONV_S8_DSP_PATH_H

#include <stdint.h>

#include "micro/paths.h"

/* The 4-filter pointwise pass quads_pointwise (conv_pointwise_dsp.h) runs for G groups of
 * 4 input values: a specialised one, else the general one of its length. */
static uint32_t pointwise_pass_path(int32_t groups4)
{
    switch (groups4) {
    case 2:
        return MICRO_PATH_CONV_PW_G2;
    case 4:
        return MICRO_PATH_CONV_PW_G4;
    case 8:
        return MICRO_PATH_CONV_PW_G8;
    case 16:
        return MICRO_PATH_CONV_PW_G16;
    case 32:
        return MICRO_PATH_CONV_PW_G32;
    default:
        return groups4 <= 9 ? MICRO_PATH_CONV_PW_SHORT : MICRO_PATH_CONV_PW_LONG;
    }
}

uint32_t micro_conv_s8_dsp_path(const micro_conv_s8_params_t *p, const int8_t *filter,
                                const int32_t *multiplier, const int32_t *shift,
                                const int16_t *scratch)
{
    /* a head on filter layout 3 (head16_run, conv_head_dsp.h), word-aligned: the pairs' bit */
    if (MICRO_PATH_ON(MICRO_PATH_CONV_PAIRS) && p->filter_layout == 3) { /* else refused */
        return ((uintptr_t)filter & 3u) == 0 ? MICRO_PATH_CONV_PAIRS : 0u;
    }
    /* a classifier's head (conv_head_dsp.h): no scratch, filter layout 0, the pairs' bit */
    if (head_applies(p) && fast_ok(multiplier, shift, p->output_depth, p->act_min, p->act_max)) {
        return MICRO_PATH_CONV_PAIRS;
    }
    if (scratch == NULL && micro_conv_s8_dsp_direct(p)) {
        return MICRO_PATH_CONV_DIRECT;
    }
    if (scratch == NULL || ((uintptr_t)scratch & 7u) != 0 ||
        ((p->filter_layout == 1 || p->filter_layout == 4) && !micro_conv_s8_dsp_quads(p))) {
        return 0;
    }
    const int fast = fast_ok(multiplier, shift, p->output_depth, p->act_min, p->act_max);
    if (p->filter_layout == 2) {
        if (!fast || ((uintptr_t)filter & 3u) != 0) {
            return 0;
        }
        const micro_first_rows_t g = micro_first_rows(p);
        return micro_first_rows_shape(p->filter_height, g.words, g.delta) == 3
                   ? MICRO_PATH_CONV_ROWS10
                   : MICRO_PATH_CONV_ROWS;
    }
    const int quads = p->filter_layout == 1 || p->filter_layout == 4;
    if (fast && quads && p->filter_height == 1 && p->filter_width == 1 &&
        p->stride_height == 1 && p->stride_width == 1 && p->pad_top == 0 &&
        p->pad_left == 0 && p->groups == 1 && p->input_height == p->output_height &&
        p->input_width == p->output_width) {
        return pw8_applies(p->input_depth, p->output_depth)
                   ? MICRO_PATH_CONV_PW8
                   : MICRO_PATH_CONV_POINTWISE | pointwise_pass_path((p->input_depth + 3) / 4);
    }
    if (fast && quads && p->filter_height == 1 && p->filter_width == 1 && p->pad_top == 0 &&
        p->pad_left == 0 && p->groups == 1 &&
        pointwise_strided_applies(p, PW_ROOM(p->output_depth))) {
        return MICRO_PATH_CONV_POINTWISE | pointwise_pass_path((p->input_depth + 3) / 4);
    }
    if (fast && first_applies(p, CONV_BLOCK)) {
        first_walk_t walk; /* its kind of window */
        first_start(&walk, p, 1);
        return MICRO_PATH_CONV_FIRST | (walk.kind == FIRST_ROWS9   ? MICRO_PATH_CONV_FIRST_ROWS9
                                        : walk.kind == FIRST_ROWS3 ? MICRO_PATH_CONV_FIRST_ROWS3
                                        : walk.kind == FIRST_WORDS ? MICRO_PATH_CONV_FIRST_WORDS
                                                                   : 0);
    }
    if (!fast) {
        return MICRO_PATH_CONV_ANY;
    }
    return quads ? MICRO_PATH_CONV_QUADS : MICRO_PATH_CONV_PAIRS;
}

#endif
