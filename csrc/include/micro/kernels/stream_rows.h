/*
 * STREAM_ROWS: pull the next rows of a streamed model input into a halo buffer in the
 * arena, through the row reader the application installs (micro_set_row_reader). A
 * patched first stage runs one of these before each strip: rows the previous strip
 * left in the buffer that this strip still needs move to its front, and the reader
 * appends the new ones, so input rows are asked for in increasing order, each at most
 * once, as a camera delivers them (a row no window reads, under a stride larger than
 * the window, is never asked for: a camera's reader drops it):
 *
 *   buffer before:  [ drop rows | keep rows ]             (drop + keep rows, from earlier)
 *   buffer after:   [ keep rows | rows first .. first + n_read - 1 from the reader ]
 *
 * A row is row_bytes bytes (W * C of an NHWC image); the input has `rows` of them.
 */
#ifndef MICRO_KERNELS_STREAM_ROWS_H
#define MICRO_KERNELS_STREAM_ROWS_H

#ifndef MICRO_CDEF
#include <stdint.h>
#endif
#include "micro/status.h"

/* Reads input rows [first_row, first_row + n_rows) of model input `input` (row_bytes
 * each) into dst; returns MICRO_OK, or any other status to stop the invoke. */
typedef micro_status_t (*micro_row_reader_fn)(void *ctx, uint32_t input, uint32_t first_row,
                                              uint32_t n_rows, uint32_t row_bytes,
                                              uint8_t *dst);

/* The application's reader and its context (micro_runtime_t.rows). */
typedef struct {
    micro_row_reader_fn read;   /* NULL until micro_set_row_reader: the step then fails */
    void *ctx;
} micro_row_source_t;

/* A reader over rows already in memory (a frame buffer, flash, a host array): ctx is a
 * micro_memory_rows_t; row r is the row_bytes bytes from data + r * row_bytes, or, with
 * data NULL, zeros. Fails with MICRO_ERR_INDEX past `size`. */
typedef struct {
    const uint8_t *data;        /* size bytes, or NULL */
    uint32_t size;
} micro_memory_rows_t;

micro_status_t micro_memory_rows(void *ctx, uint32_t input, uint32_t first_row,
                                 uint32_t n_rows, uint32_t row_bytes, uint8_t *dst);

typedef struct {
    int32_t input;      /* model input index, >= 0 (passed to the reader) */
    int32_t rows;       /* >= 1: rows of the whole input */
    int32_t row_bytes;  /* >= 1 */
    int32_t first;      /* [0, rows]: first row read */
    int32_t n_read;     /* [0, rows - first]: rows read */
    int32_t drop;       /* >= 0: rows of the buffer's front no longer needed */
    int32_t keep;       /* >= 0: rows after them moved to the front */
} micro_stream_rows_params_t;

typedef enum {
    MICRO_STREAM_ROWS_SOURCE,  /* the streamed input (a MICRO_REF_STREAM reference) */
    MICRO_STREAM_ROWS_BUFFER,  /* >= max(drop + keep, keep + n_read) rows */
    MICRO_STREAM_ROWS_N_OPERANDS
} micro_stream_rows_operand_t;

micro_status_t micro_stream_rows(const micro_stream_rows_params_t *p,
                                 const micro_row_source_t *source, uint8_t *buffer);

#endif
