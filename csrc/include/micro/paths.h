/*
 * Kernel paths a build keeps: one bit per asm path (or family of paths) of a DSP kernel.
 *
 * A DSP kernel chooses its path at run time from its params and operands, so every path
 * of it is linked wherever the kernel is. Each such kernel has a path function
 * (micro_<kernel>_dsp_path, declared in its header) that its dispatch itself calls: it
 * gives the bit of the path a call takes (with the bit of a specialised inner loop where
 * a path has several), or 0 for the reference kernel. The host
 * ORs those bits over a Program's steps (micro_program_paths) and a firmware built with
 * -DMICRO_PATHS=<that mask> compiles the other paths out: each path sits behind
 * MICRO_PATH_HAS, a compile-time test when its bit is clear. A call whose path is compiled
 * out runs the reference kernel: same bytes, slower, never undefined.
 *
 * Without the define (the host, the tests, a project of one's own) every path is kept.
 */
#ifndef MICRO_PATHS_H
#define MICRO_PATHS_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

#ifndef MICRO_PATHS
#define MICRO_PATHS 0xFFFFFFFF
#endif

/* CONV_2D (conv_s8_dsp.c). */
#define MICRO_PATH_CONV_DIRECT 0x1      /* no scratch: window rows read from the image */
#define MICRO_PATH_CONV_ROWS 0x2        /* filter layout 2, first-layer rows: RGB / gray 3x3 */
#define MICRO_PATH_CONV_ROWS10 0x4      /* filter layout 2: 10-high windows of one channel */
#define MICRO_PATH_CONV_POINTWISE 0x8   /* 1x1, stride 1, quads: pixels widened from the image */
#define MICRO_PATH_CONV_PW8 0x10        /* the same with K = 8 and 16 or 32 filters: runs */
#define MICRO_PATH_CONV_FIRST 0x20      /* 1-4 input channels, quads: the first-layer walk */
#define MICRO_PATH_CONV_QUADS 0x40      /* patches in the scratch, quads, fast requantization */
#define MICRO_PATH_CONV_PAIRS 0x80      /* the same on filter layout 0 (filter pairs); 1x1 heads */
#define MICRO_PATH_CONV_ANY 0x100       /* the same, any requantization (either layout) */
/* Pointwise passes specialised for 2, 4, 8, 16 or 32 groups of 4 input values (the
 * general pass runs them otherwise, same bytes). */
#define MICRO_PATH_CONV_PW_G2 0x200
#define MICRO_PATH_CONV_PW_G4 0x400
#define MICRO_PATH_CONV_PW_G8 0x800
#define MICRO_PATH_CONV_PW_G16 0x1000
#define MICRO_PATH_CONV_PW_G32 0x2000
/* The general pointwise passes: up to 9 groups, and more. */
#define MICRO_PATH_CONV_PW_SHORT 0x4000
#define MICRO_PATH_CONV_PW_LONG 0x8000

/* DEPTHWISE_CONV_2D (depthwise_conv_s8_dsp.c). */
#define MICRO_PATH_DW_S2 0x10000        /* stride-2 3x3 on layout 2 or 3 (depthwise_conv_s8_dsp_s2.h) */
#define MICRO_PATH_DW_COLS_S1 0x20000   /* 3x3 on layout 2, columns, stride 1 down, fast */
#define MICRO_PATH_DW_COLS_S2 0x40000   /* the same at stride 2 down */
#define MICRO_PATH_DW_COLS_ANY 0x80000  /* the same, any requantization, either stride */
#define MICRO_PATH_DW_COLS_MAP3 0x100000 /* stride 1 on a 3-wide map: weights in registers */
#define MICRO_PATH_DW_PAIRS 0x200000    /* layout 1: tap pairs */

/* CONV_2D's first-layer walk (MICRO_PATH_CONV_FIRST) specialised for window rows of 9
 * values (RGB 3x3), 3 (grayscale 3x3) or 4 values (the general walk runs them otherwise,
 * same bytes). */
#define MICRO_PATH_CONV_FIRST_ROWS9 0x400000
#define MICRO_PATH_CONV_FIRST_ROWS3 0x800000
#define MICRO_PATH_CONV_FIRST_WORDS 0x1000000

/* FULLY_CONNECTED (fully_connected_s8_dsp.c, fully_connected_s8_dsp_path.h): a call's
 * loops (K = 8 and the blocks of 4 rows with the bit of the filter layout they read; K = 1)
 * and the general loop for the rest. These take the last free bits of the mask. */
#define MICRO_PATH_FC_K8 0x2000000      /* K = 8, fast per-tensor: the split input in registers */
#define MICRO_PATH_FC_WIDENED 0x4000000 /* blocks of 4 rows on the input widened in the scratch */
#define MICRO_PATH_FC_ROW 0x8000000     /* the same on the int8 input row (no scratch) */
#define MICRO_PATH_FC_SINGLE 0x10000000 /* K = 1, fast per-tensor: one product per output */
#define MICRO_PATH_FC_REST 0x20000000   /* fc_row: any requantization, K not a multiple of 4,
                                         * the rows after the last block; rows_fast: those
                                         * rows on the fast per-tensor one, K % 4 == 0 */
#define MICRO_PATH_FC_INT8 0x40000000   /* the block loops on filter layout 1 (int8 groups) */
#define MICRO_PATH_FC_INT16 0x80000000  /* the same on filter layout 2 (int16 groups) */

/* The bit is kept by this build. */
#define MICRO_PATH_ON(bit) ((((uint32_t)(MICRO_PATHS)) & (uint32_t)(bit)) != 0u)
/* `path` (a path function's answer) holds `bit` and this build keeps it: constant 0, and
 * the code behind it dropped, when the build does not. */
#define MICRO_PATH_HAS(path, bit) (MICRO_PATH_ON(bit) && ((path) & (uint32_t)(bit)) != 0u)
/* Every bit of `path` is kept (a path and its specialised inner loop). */
#define MICRO_PATH_KEPT(path) (((uint32_t)(path) & ~(uint32_t)(MICRO_PATHS)) == 0u)

#endif
