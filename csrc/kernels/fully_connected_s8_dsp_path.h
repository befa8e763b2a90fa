/*
 * fc_plan: which paths micro_fully_connected_s8_dsp takes for a call (micro/paths.h), the
 * one place that decides it: the dispatch runs what it says, and the host ORs its paths
 * over a Program's steps (micro_fully_connected_s8_dsp_path, csrc/runtime/paths.c) so a
 * firmware keeps only those. Internal: included by fully_connected_s8_dsp.c before its
 * dispatch.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_PATH_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_PATH_H

#include <stdint.h>

#include "dsp.h"
#include "micro/kernels/fully_connected_s8_dsp.h"
#include "micro/paths.h"

/* What a call runs: its paths (micro/paths.h) and what the dispatch reads besides. */
typedef struct {
    uint32_t path;       /* MICRO_PATH_FC_* bits, 0: the reference kernel */
    int fast;            /* micro_requant_fast_ok over every channel */
    int32_t fast_blocks; /* blocks of 4 rows on the fast per-tensor loops, from row 0 */
} fc_plan_t;

/* The one place that decides a call's paths: the dispatch runs what it says, the host reads
 * its path (micro_fully_connected_s8_dsp_path). Row-major filters (layout 0) and operands
 * not word-aligned take the reference; the fast per-tensor requantization takes K = 1
 * (rows_single), K = 8 (blocks_short_8, blocks_short16_8) or, any K a multiple of 4, the
 * blocks on the widened scratch or the int8 row; fc_row (MICRO_PATH_FC_REST) the rest, its
 * blocks of 4 rows (no fast blocks, 4 outputs or more) on the widened scratch or the row. */
static MICRO_ALWAYS_INLINE fc_plan_t fc_plan(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *filter, const int32_t *multiplier,
                                             const int32_t *shift, const int16_t *scratch)
{
    fc_plan_t c = {0, 0, 0};
    if (p->filter_layout == 0 || (((uintptr_t)filter | (uintptr_t)scratch) & 3u) != 0) {
        return c;
    }
    const int32_t depth = p->input_depth, units = p->output_depth, groups = depth >> 2;
    /* A scratch with K < 4 (size 0 expected) is not used. */
    const int widened = groups > 0 && scratch != NULL;
    c.fast = micro_requant_fast_ok(multiplier, shift, p->per_channel ? units : 1, p->act_min,
                                   p->act_max);
    /* Per-channel FC is rare: fc_row takes it. */
    const int per_tensor_fast = c.fast && !p->per_channel;
    if (per_tensor_fast && depth == 1) {
        c.path = MICRO_PATH_FC_SINGLE;
        return c;
    }
    c.fast_blocks = per_tensor_fast && groups > 0 && (depth & 3) == 0 ? units >> 2 : 0;
    if (units >= 4) { /* blocks of 4 rows: the fast loops', or else fc_row's */
        c.path |= p->filter_layout == 2 ? MICRO_PATH_FC_INT16 : MICRO_PATH_FC_INT8;
        c.path |= c.fast_blocks > 0 && groups == 2 ? MICRO_PATH_FC_K8
                  : widened                      ? MICRO_PATH_FC_WIDENED
                                                 : MICRO_PATH_FC_ROW;
    }
    if (4 * c.fast_blocks < units) {
        c.path |= MICRO_PATH_FC_REST;
    }
    return c;
}

uint32_t micro_fully_connected_s8_dsp_path(const micro_fully_connected_s8_params_t *p,
                                           const int8_t *filter, const int32_t *multiplier,
                                           const int32_t *shift, const int16_t *scratch)
{
    return fc_plan(p, filter, multiplier, shift, scratch).path;
}

#endif
