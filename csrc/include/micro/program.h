/*
 * The Program: a compiled model as one little-endian blob. Every field is a uint32_t so
 * the layout is the same on a 64-bit host and a 32-bit Cortex-M.
 *
 *   +-------------------------+ 0
 *   | micro_program_header_t  |   64 bytes
 *   +-------------------------+ steps_offset
 *   | micro_step_t[n_steps]   |   kernel id, params, operand range
 *   +-------------------------+ refs_offset
 *   | micro_ref_t[n_refs]     |   operands, then inputs, outputs, variables
 *   +-------------------------+ data_offset
 *   | constant data           |   params structs, weights, biases, per-channel arrays
 *   +-------------------------+ size
 *
 * A reference with MICRO_REF_CONST set points into the data region, otherwise into the
 * arena. A reference of size 0 is an absent optional operand (the kernel sees NULL).
 * Arena operands of one step never share bytes, except identical references (one tensor
 * read twice) and the one pair a step declares in overlap_in/overlap_out, whose offsets
 * the kernel's overlap rule (kernel.h) must allow; micro_init refuses anything else.
 *
 * Steps run in order, except after a BRANCH step (kernels/branch.h), which may continue at
 * any step: IF, WHILE and CALL_ONCE are steps of the one list (micro/control.py).
 *
 * A streamed input (MICRO_REF_STREAM | its index, size: its bytes) has no place in the
 * arena: its rows reach a halo buffer through STREAM_ROWS steps (kernels/stream_rows.h),
 * the only operands that may name it, from the reader the application installs.
 */
#ifndef MICRO_PROGRAM_H
#define MICRO_PROGRAM_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif

#define MICRO_PROGRAM_MAGIC 0x5243494D   /* "MICR" */
#define MICRO_PROGRAM_VERSION 5   /* 5: ADD linear form, conv/depthwise layouts */
#define MICRO_REF_CONST 0x80000000       /* bit of micro_ref_t.offset: data region */
#define MICRO_REF_STREAM 0x40000000      /* bit of micro_ref_t.offset (CONST clear): a streamed
                                            model input, low bits its index; see below */
#define MICRO_MAX_OPERANDS 16            /* operands of one step */
#define MICRO_ARENA_ALIGN 8              /* arena base and every arena offset */
#define MICRO_DATA_ALIGN 8               /* program base and every const array offset */
#define MICRO_NO_OPERAND 0xFFFFFFFF      /* micro_step_t.overlap_in/out: no overlap */
#define MICRO_VARIABLE_REFS 3            /* refs per variable: arena, value at init, at reset */

typedef struct {
    uint32_t magic;             /* MICRO_PROGRAM_MAGIC */
    uint32_t version;           /* MICRO_PROGRAM_VERSION */
    uint32_t size;              /* bytes of the whole program, header included */
    uint32_t crc32;             /* CRC-32 (IEEE 802.3) of bytes [16, size) */
    uint32_t arena_size;        /* arena bytes the plan needs */
    uint32_t n_steps;
    uint32_t steps_offset;      /* micro_step_t[n_steps] */
    uint32_t n_refs;
    uint32_t refs_offset;       /* micro_ref_t[n_refs] */
    uint32_t n_inputs;          /* inputs are refs [inputs_first, +n_inputs) */
    uint32_t inputs_first;
    uint32_t n_outputs;         /* outputs are refs [outputs_first, +n_outputs) */
    uint32_t outputs_first;
    uint32_t n_variables;       /* variables are ref triples (arena, value after micro_init,
                                   value after micro_reset) from variables_first; a value of
                                   size 0 means zeros. The two differ for a resource variable
                                   a run-once init subgraph sets (TFLM does not rerun it); a
                                   reset value that is the variable's own ref keeps it at
                                   micro_reset (the flag of a CALL_ONCE that computes). */
    uint32_t variables_first;
    uint32_t data_offset;       /* the constant region; its size is size - data_offset */
} micro_program_header_t;

typedef struct {
    uint32_t kernel;            /* micro_kernel_id_t */
    uint32_t params;            /* offset of the params struct in the data region */
    uint32_t n_operands;        /* operands are refs [first_ref, +n_operands) */
    uint32_t first_ref;
    uint32_t overlap_in;        /* operand the output overlaps by the kernel's rule, and */
    uint32_t overlap_out;       /* that output; both MICRO_NO_OPERAND when none overlap */
} micro_step_t;

typedef struct {
    uint32_t offset;            /* byte offset in the arena, or MICRO_REF_CONST | data offset */
    uint32_t size;              /* bytes */
} micro_ref_t;

#endif
