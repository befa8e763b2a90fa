/* Status codes shared by the executor and every kernel. */
#ifndef MICRO_STATUS_H
#define MICRO_STATUS_H

typedef enum {
    MICRO_OK = 0,
    MICRO_ERR_NULL = 1,          /* a required pointer is NULL */
    MICRO_ERR_ALIGN = 2,         /* program or arena pointer, or an offset, is misaligned */
    MICRO_ERR_MAGIC = 3,         /* not a micro program */
    MICRO_ERR_VERSION = 4,       /* program format version not supported by this runtime */
    MICRO_ERR_SIZE = 5,          /* header size field disagrees with the buffer size */
    MICRO_ERR_CRC = 6,           /* checksum mismatch: the program is corrupt */
    MICRO_ERR_LAYOUT = 7,        /* a table, offset or length lies outside its region */
    MICRO_ERR_KERNEL = 8,        /* unknown kernel id, or kernel not linked into this build */
    MICRO_ERR_OPERANDS = 9,      /* wrong operand count, or an operand too small for its params */
    MICRO_ERR_PARAMS = 10,       /* a params struct has the wrong size or out-of-range values */
    MICRO_ERR_ARENA = 11,        /* arena smaller than the program needs */
    MICRO_ERR_INDEX = 12,        /* input/output/step index out of range */
    MICRO_ERR_STATE = 13,        /* runtime used before a successful micro_init */
    MICRO_ERR_ACCESS = 14,       /* an operand breaks its kernel's access contract (kernels.def):
                                    a constant in the arena, a written operand in the
                                    program, over a variable or over another operand */
    MICRO_ERR_OVERLAP = 15,      /* a declared overlap its kernel's rule does not allow */
    MICRO_ERR_DIV_ZERO = 16,     /* invoke: a divisor operand holds 0 (int32 DIV) */
    MICRO_ERR_JUMP = 17,         /* a branch step's target lies past the last step */
    MICRO_ERR_LOOP = 18,         /* invoke: loops took more iterations than the limit */
    MICRO_STOPPED = 64           /* invoke, not an error: a step ended the invocation early
                                    (TFLM's kTfLiteAbort: a CIRCULAR_BUFFER waiting for its
                                    next frame); later steps did not run, outputs are stale.
                                    Apart from the error codes, which grow from 16. */
} micro_status_t;

#endif
