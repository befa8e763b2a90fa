/*
 * Overlap rules (internal): how far below one of its inputs a kernel's output may start.
 *
 * A kernel that writes its output front to back while it reads its input front to back
 * can share bytes with that input if every byte it writes lies below every input byte it
 * will still read. With the output starting `gap` bytes below the input
 * (input_base - output_base = gap), that holds iff for every output row R:
 *
 *     written(R) <= gap + still_read(R)
 *
 * where written(R) is the end of what is written while row R is computed and
 * still_read(R) the first input byte read from then on. A rule states both for the loop
 * order the reference kernel and its DSP twin share; the kernel's gap function returns
 * the smallest gap (in bytes) or MICRO_NO_OVERLAP.
 */
#ifndef MICRO_KERNELS_OVERLAP_H
#define MICRO_KERNELS_OVERLAP_H

#include <stdint.h>

#include "micro/kernel.h"

/* Row streaming (convolutions, pools, per-row kernels), per batch of `out_rows` output rows
 * of `out_row` bytes over `in_rows` input rows of `in_row` bytes: while output row r is
 * computed the input is read from row clamp(r * stride + first, 0, in_rows) on, and the
 * kernel may write up to `lead` bytes past the row's end (a pixel pair straddling rows). */
typedef struct {
    int64_t batches, out_rows, out_row, in_rows, in_row, stride, first, lead;
} micro_rows_t;

static inline int64_t micro_rows_need(const micro_rows_t *g, int64_t b, int64_t r)
{
    const int64_t total = g->batches * g->out_rows * g->out_row;
    int64_t written = ((b * g->out_rows + r + 1) * g->out_row) + g->lead;
    int64_t row = r * g->stride + g->first;
    row = row < 0 ? 0 : (row > g->in_rows ? g->in_rows : row);
    written = written > total ? total : written;
    return written - (b * g->in_rows + row) * g->in_row;
}

/* max over all rows of written(R) - still_read(R), clamped at 0. still_read is piecewise
 * linear in r (constant, rising, constant), written linear until a lead reaches the
 * output's end (where it stops), and the batch adds a constant per batch, so the maximum
 * lies at a piece's end in the first or the last batch. */
static inline uint32_t micro_rows_gap(const micro_rows_t *g)
{
    if (g->batches < 1 || g->out_rows < 1 || g->stride < 1) {
        return MICRO_NO_OVERLAP;
    }
    const int64_t last = g->out_rows - 1;
    int64_t first_in = g->first >= 0 ? 0 : (-g->first + g->stride - 1) / g->stride;
    int64_t first_full = (g->in_rows - g->first + g->stride - 1) / g->stride;
    /* The first row whose lead reaches the end of the last batch's output: the output is
     * whole rows, so lead / out_row rows before its last. (No division when the lead is a
     * constant 0: a 64-bit one links 0.7 KB of library code into the firmware.) */
    const int64_t full =
        last - (g->lead > 0 && g->out_row > 0 ? g->lead / g->out_row : 0);
    const int64_t cand[8] = {0,          first_in - 1, first_in, first_full - 1,
                             first_full, last,         full - 1, full};
    int64_t gap = 0;
    for (int64_t b = 0; b < g->batches; b += (g->batches > 1 ? g->batches - 1 : 1)) {
        for (int i = 0; i < 8; ++i) {
            const int64_t r = cand[i] < 0 ? 0 : (cand[i] > last ? last : cand[i]);
            const int64_t need = micro_rows_need(g, b, r);
            gap = need > gap ? need : gap;
        }
    }
    return gap >= (int64_t)MICRO_NO_OVERLAP ? MICRO_NO_OVERLAP : (uint32_t)gap;
}

/* Element streaming: element i (in_width bytes in, out_width bytes out) is read before it
 * is written and never read again, so the output may start where the input does when it
 * is no wider; a wider output must start (out_width - in_width) * count bytes below. */
static inline uint32_t micro_elementwise_gap(int64_t count, int64_t in_width,
                                             int64_t out_width)
{
    const int64_t gap = out_width > in_width ? count * (out_width - in_width) : 0;
    return count < 1 || gap >= (int64_t)MICRO_NO_OVERLAP ? MICRO_NO_OVERLAP : (uint32_t)gap;
}

#endif
