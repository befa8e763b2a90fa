#include "micro/kernels/stream_rows.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"

micro_status_t micro_memory_rows(void *ctx, uint32_t input, uint32_t first_row,
                                 uint32_t n_rows, uint32_t row_bytes, uint8_t *dst)
{
    const micro_memory_rows_t *m = ctx;
    const uint64_t start = (uint64_t)first_row * row_bytes, bytes = (uint64_t)n_rows * row_bytes;
    (void)input;
    if (m == NULL || start > m->size || bytes > m->size - start) {
        return MICRO_ERR_INDEX;
    }
    if (m->data == NULL) {
        memset(dst, 0, (size_t)bytes);
    } else {
        memcpy(dst, m->data + start, (size_t)bytes);
    }
    return MICRO_OK;
}

micro_status_t micro_stream_rows(const micro_stream_rows_params_t *p,
                                 const micro_row_source_t *source, uint8_t *buffer)
{
    const size_t row = (size_t)p->row_bytes;
    if (source == NULL || source->read == NULL) {
        return MICRO_ERR_STATE;
    }
    if (p->drop > 0 && p->keep > 0) {
        memmove(buffer, buffer + (size_t)p->drop * row, (size_t)p->keep * row);
    }
    if (p->n_read == 0) {
        return MICRO_OK;
    }
    return source->read(source->ctx, (uint32_t)p->input, (uint32_t)p->first,
                        (uint32_t)p->n_read, (uint32_t)p->row_bytes,
                        buffer + (size_t)p->keep * row);
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_stream_rows(params, op[MICRO_STREAM_ROWS_SOURCE], op[MICRO_STREAM_ROWS_BUFFER]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_stream_rows_params_t *p = params;
    (void)op;
    if (p->input < 0 || p->rows < 1 || p->row_bytes < 1 || !micro_in_range(p->first, 0, p->rows) ||
        !micro_in_range(p->n_read, 0, p->rows - p->first) || p->drop < 0 || p->keep < 0 ||
        p->keep > p->rows || p->drop > p->rows) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t held = p->drop + p->keep > p->keep + p->n_read ? p->drop + p->keep
                                                                 : p->keep + p->n_read;
    if ((int64_t)size[MICRO_STREAM_ROWS_SOURCE] != (int64_t)p->rows * p->row_bytes ||
        !micro_fits(size[MICRO_STREAM_ROWS_BUFFER], held, p->row_bytes)) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (the buffer is the step's only arena operand). */
const micro_kernel_t micro_kernel_stream_rows = {step, check,
                                                 sizeof(micro_stream_rows_params_t),
                                                 MICRO_STREAM_ROWS_N_OPERANDS, MICRO_OVERLAP_NONE};
