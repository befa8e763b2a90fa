/*
 * SPACE_TO_BATCH_ND (NHWC; a 3-D NHC input is NH1C), any element type, as TFLM's
 * reference: output batch ob = (sh * block_w + sw) * batches + b takes the padded input's
 * pixels (oh * block_h + sh, ow * block_w + sw) of image b; every byte of a pixel in the
 * padding is pad_byte (the output zero point's byte for int8, 0 for float32: LiteRT's
 * values; TFLM never sets its pad value and pads with whatever its buffer held).
 */
#ifndef MICRO_KERNELS_SPACE_TO_BATCH_H
#define MICRO_KERNELS_SPACE_TO_BATCH_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

typedef struct {
    int32_t elem_size;  /* bytes per element: 1, 2, 4 or 8 */
    int32_t batches;    /* >= 1: input batches */
    int32_t in_h;       /* >= 1 */
    int32_t in_w;       /* >= 1 */
    int32_t depth;      /* >= 1 */
    int32_t out_h;      /* >= 1 */
    int32_t out_w;      /* >= 1 */
    int32_t block_h;    /* >= 1 */
    int32_t block_w;    /* >= 1 */
    int32_t pad_top;    /* >= 0 */
    int32_t pad_left;   /* >= 0 */
    int32_t pad_byte;   /* [0, 255]: written to every byte of a padded pixel */
} micro_space_to_batch_params_t;

/* Operand slots, in a step's order (see the operand comment below). */
typedef enum {
    MICRO_SPACE_TO_BATCH_INPUT,
    MICRO_SPACE_TO_BATCH_OUTPUT,
    MICRO_SPACE_TO_BATCH_N_OPERANDS
} micro_space_to_batch_operand_t;

/* Operands: input [batches, in_h, in_w, depth], output
 * [block_h * block_w * batches, out_h, out_w, depth]. */
micro_status_t micro_space_to_batch(const micro_space_to_batch_params_t *p, const void *input,
                                    void *output);

#endif
