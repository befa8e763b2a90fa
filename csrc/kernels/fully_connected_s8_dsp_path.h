/*
 * fc_plan: which loops micro_fully_connected_s8_dsp runs for a call, the one place that
 * decides it: the dispatch runs what it says, fc_path gives their path bits
 * (micro/paths.h), and the host ORs those over a Program's steps
 * (micro_fully_connected_s8_dsp_path, csrc/runtime/paths.c) so a firmware keeps only them;
 * and fc_lean, the short lane the dispatch tries first, with its own paths (fc_lean_path).
 * Internal: included by fully_connected_s8_dsp.c before its dispatch.
 */
#ifndef MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_PATH_H
#define MICRO_KERNELS_FULLY_CONNECTED_S8_DSP_PATH_H

#include <stdint.h>

#include "dsp.h"
#include "micro/kernels/fully_connected_s8_dsp.h"
#include "micro/paths.h"

/* The lean lane: the common layer (a classifier head, a small dense layer) on one short
 * call path, taken before fc_plan's tree and reporting its own paths (fc_lean_path), so the
 * two never disagree: one batch row, a blocked filter (layout 1-3) word-aligned, symmetric
 * weights, one per-tensor multiplier on the fast requantization, K a multiple of 4 and no
 * scratch to widen into (fewer than 4 rows or K = 8 never use it). It runs the blocks of 4
 * rows on the int8 row (at K = 8 the k8 loop, the input in registers), and the N mod 4
 * rows after them (layout 3's int16 pair first, where it has one). */
static MICRO_ALWAYS_INLINE int fc_lean(const micro_fully_connected_s8_params_t *p,
                                       const int8_t *filter, const int32_t *multiplier,
                                       const int32_t *shift, const int16_t *scratch)
{
    const int32_t depth = p->input_depth, units = p->output_depth;
    /* Tests or-ed together where they can be: this runs on every call (K >= 1: check). K's
     * and the scratch's first: a layer outside the lane (K = 1, a large one given the
     * scratch) leaves at once for fc_plan's loops. */
    return (depth & 3) == 0 && (units < 4 || depth == 8 || scratch == NULL) &&
           p->filter_layout != 0 && p->batches == 1 &&
           (p->filter_zp | (p->per_channel & 1)) == 0 &&
           (((uintptr_t)filter | (uintptr_t)scratch) & 3u) == 0 &&
           ((p->act_min + 128) | (p->act_max - 127)) == 0 &&
           (micro_requant_fast_bit(multiplier[0], shift[0]) >> 31) != 0u;
}

/* The path bits (micro/paths.h) of the lean lane's loops for p (fc_lean holding): the
 * blocks on the row (the k8 loop at K = 8), int16 (layouts 2, 3) or int8 groups; the rows
 * after them; layout 3's int16 pair among those. */
static MICRO_ALWAYS_INLINE uint32_t fc_lean_path(const micro_fully_connected_s8_params_t *p)
{
    const int32_t units = p->output_depth, rest = units & 3;
    uint32_t path = 0;
    if (units >= 4) {
        path |= p->input_depth == 8 ? MICRO_PATH_FC_K8 : MICRO_PATH_FC_ROW;
        path |= p->filter_layout >= 2 ? MICRO_PATH_FC_INT16 : MICRO_PATH_FC_INT8;
    }
    if (rest != 0) {
        path |= MICRO_PATH_FC_REST;
    }
    if (p->filter_layout == 3 && rest >= 2) {
        path |= MICRO_PATH_FC_INT16;
    }
    return path;
}

/* Whether this build keeps every loop the lean lane runs for p (fc_lean_path's bits all
 * kept); each term guarded by its bit's MICRO_PATH_ON, so a kept bit's term folds away. */
static MICRO_ALWAYS_INLINE int fc_lean_kept(const micro_fully_connected_s8_params_t *p)
{
    const int32_t units = p->output_depth, rest = units & 3;
    const int loop_kept = p->input_depth == 8 ? MICRO_PATH_ON(MICRO_PATH_FC_K8)
                                              : MICRO_PATH_ON(MICRO_PATH_FC_ROW);
    const int groups_kept = p->filter_layout >= 2 ? MICRO_PATH_ON(MICRO_PATH_FC_INT16)
                                                  : MICRO_PATH_ON(MICRO_PATH_FC_INT8);
    const int blocks_kept = loop_kept && groups_kept;
    return (units < 4 || blocks_kept) && (rest == 0 || MICRO_PATH_ON(MICRO_PATH_FC_REST)) &&
           (p->filter_layout != 3 || rest < 2 || MICRO_PATH_ON(MICRO_PATH_FC_INT16));
}

/* What a call runs (fc_plan): its loops, and what the dispatch reads besides. */
typedef struct {
    int reference;       /* row-major filters (layout 0) or operands not word-aligned */
    int fast;            /* micro_requant_fast_ok over every channel */
    int32_t fast_blocks; /* blocks of 4 rows on the fast per-tensor loops, from row 0 */
    int single;          /* K = 1 on the fast per-tensor requantization: rows_single */
    int k8;              /* the fast blocks at K = 8: blocks_short_8, blocks_short16_8 */
    int widened;         /* blocks of 4 rows (the fast ones, or fc_row's) on the scratch */
    int row;             /* the same on the int8 row */
    int wide;            /* those blocks on int16 groups (filter layout 2), else int8 ones */
    int rest;            /* fc_row: the outputs after the fast blocks (all without them) */
    int rest_fast;       /* those on rows_fast instead (fast per-tensor, K a multiple of 4) */
    int pair16;          /* rows_fast starting on layout 3's int16 pair of rows */
} fc_plan_t;

/* The one place that decides a call's loops. Row-major filters and operands not
 * word-aligned take the reference; the fast per-tensor requantization takes K = 1
 * (rows_single), K = 8 or, any K a multiple of 4, the blocks on the widened scratch or the
 * int8 row; fc_row the rest, its blocks of 4 rows (no fast blocks, 4 outputs or more) on
 * the widened scratch or the row. */
static MICRO_ALWAYS_INLINE fc_plan_t fc_plan(const micro_fully_connected_s8_params_t *p,
                                             const int8_t *filter, const int32_t *multiplier,
                                             const int32_t *shift, const int16_t *scratch)
{
    fc_plan_t c = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    if (p->filter_layout == 0 || (((uintptr_t)filter | (uintptr_t)scratch) & 3u) != 0) {
        c.reference = 1;
        return c;
    }
    const int32_t depth = p->input_depth, units = p->output_depth, groups = depth >> 2;
    c.fast = micro_requant_fast_ok(multiplier, shift, p->per_channel == 1 ? units : 1,
                                   p->act_min, p->act_max);
    /* Per-channel FC is rare: fc_row takes it. */
    const int per_tensor_fast = c.fast && p->per_channel != 1;
    c.single = per_tensor_fast && depth == 1;
    c.fast_blocks =
        per_tensor_fast && groups > 0 && (depth & 3) == 0 && !c.single ? units >> 2 : 0;
    const int blocks = units >= 4 && !c.single; /* the fast loops', or else fc_row's */
    c.k8 = c.fast_blocks > 0 && groups == 2;
    /* A scratch with K < 4 (size 0 expected) is not used. */
    c.widened = blocks && !c.k8 && groups > 0 && scratch != NULL;
    c.row = blocks && !c.k8 && !c.widened;
    c.wide = blocks && p->filter_layout >= 2;
    c.rest = !c.single && 4 * c.fast_blocks < units;
    c.rest_fast = c.rest && per_tensor_fast && groups > 0 && (depth & 3) == 0;
    /* Layout 3 (the compiler writes it only for such layers) takes its pair on rows_fast,
     * anything else on the reference (fc_row reads the rows after the blocks as int8). */
    c.pair16 = p->filter_layout == 3 && units - 4 * c.fast_blocks >= 2;
    if (p->filter_layout == 3 && !c.rest_fast && c.pair16) {
        c.reference = 1;
    }
    return c;
}

/* The path bits (micro/paths.h) of what c runs, of those in `among`: with all of them, the
 * call's path; with the bits a build drops (a constant), 0 unless it takes one, each
 * other term folded away. */
static MICRO_ALWAYS_INLINE uint32_t fc_path(const fc_plan_t *c, uint32_t among)
{
    const int blocks = c->k8 || c->widened || c->row;
    uint32_t path = 0;
    path |= (among & MICRO_PATH_FC_SINGLE) != 0u && c->single ? MICRO_PATH_FC_SINGLE : 0u;
    path |= (among & MICRO_PATH_FC_K8) != 0u && c->k8 ? MICRO_PATH_FC_K8 : 0u;
    path |= (among & MICRO_PATH_FC_WIDENED) != 0u && c->widened ? MICRO_PATH_FC_WIDENED : 0u;
    path |= (among & MICRO_PATH_FC_ROW) != 0u && c->row ? MICRO_PATH_FC_ROW : 0u;
    path |= (among & MICRO_PATH_FC_REST) != 0u && c->rest ? MICRO_PATH_FC_REST : 0u;
    path |= (among & MICRO_PATH_FC_INT8) != 0u && blocks && !c->wide ? MICRO_PATH_FC_INT8 : 0u;
    path |= (among & MICRO_PATH_FC_INT16) != 0u && (c->wide || c->pair16)
                ? (uint32_t)MICRO_PATH_FC_INT16
                : 0u;
    return path;
}

uint32_t micro_fully_connected_s8_dsp_path(const micro_fully_connected_s8_params_t *p,
                                           const int8_t *filter, const int32_t *multiplier,
                                           const int32_t *shift, const int16_t *scratch)
{
    if (fc_lean(p, filter, multiplier, shift, scratch)) {
        return fc_lean_path(p);
    }
    const fc_plan_t c = fc_plan(p, filter, multiplier, shift, scratch);
    return c.reference ? 0u : fc_path(&c, 0xFFFFFFFFu);
}

#endif
