/*
 * micro's image classification firmware: each frame of the board's camera (micro_camera.h:
 * the OV7675 on the Nano 33 BLE Sense, host pictures streamed in on an emulator) goes
 * through the pixel table into the model's input, the model runs, and its scores and top
 * label are printed. The model and its format: classify_bundle.h. A Program whose input is
 * streamed (a patched first stage, `micro classify --stream-input`) pulls the camera's rows
 * as it needs them, through the table, into its own row buffer: no frame buffer, no input
 * copy in the arena.
 *
 *   classify board=<id> program=<B> arena=<B> width=<n> height=<n> channels=<n>
 *   frame index=<i> name=<name> status=<code> top=<label> score=<raw> hex=<scores>
 *   done status=<code>
 *
 * Each inference is bracketed by marks (micro_marks.h), where the emulator's
 * instruction counter reads its count; capture and printing stay outside.
 */
#include "classify_bundle.h"
#include "micro/micro.h"
#include "micro_marks.h"
#include "micro_print.h"

#define NAME_SIZE 64u

/* The streamed input's reader (micro_set_row_reader): the open frame's rows, in order,
 * through the pixel table in place; rows no window reads are dropped. `ctx`: the next row
 * the frame gives. */
static micro_status_t camera_rows(void *ctx, uint32_t input, uint32_t first_row,
                                  uint32_t n_rows, uint32_t row_bytes, uint8_t *dst)
{
    const classify_bundle_t *b = &classify_bundle;
    uint32_t *next = ctx;
    if (input != 0 || first_row < *next || row_bytes != b->format.width * b->format.channels ||
        micro_camera_rows(NULL, first_row - *next) != 1 || micro_camera_rows(dst, n_rows) != 1) {
        return MICRO_ERR_INDEX;
    }
    *next = first_row + n_rows;
    for (uint32_t i = 0; i < n_rows * row_bytes; ++i) {
        dst[i] = b->table[dst[i]];
    }
    return MICRO_OK;
}

/* A resident input: the captured frame through the pixel table. */
static micro_status_t fill_input(micro_runtime_t *rt)
{
    const classify_bundle_t *b = &classify_bundle;
    const uint32_t size = b->format.width * b->format.height * b->format.channels;
    uint32_t input_size = 0;
    uint8_t *input = micro_input(rt, 0, &input_size);
    if (input == NULL || input_size != size) {
        return MICRO_ERR_INDEX;
    }
    for (uint32_t i = 0; i < size; ++i) {
        input[i] = b->table[b->pixels[i]];
    }
    return MICRO_OK;
}

static micro_status_t classify(micro_runtime_t *rt, uint32_t index, const char *name)
{
    const classify_bundle_t *b = &classify_bundle;
    micro_port_mark(MICRO_MARK_INVOKE_BEGIN);
    micro_status_t status = micro_invoke(rt);
    micro_port_mark(MICRO_MARK_INVOKE_END);
    uint32_t output_size = 0;
    const uint8_t *scores = micro_output(rt, 0, &output_size);
    if (status == MICRO_OK && (scores == NULL || output_size != b->n_labels)) {
        status = MICRO_ERR_INDEX;
    }
    micro_put_field("frame index=", index);
    micro_put(" name=");
    micro_put(name);
    micro_put_field(" status=", (uint32_t)status);
    if (status == MICRO_OK) {
        uint32_t top = 0;
        int32_t best = 0;
        for (uint32_t k = 0; k < output_size; ++k) {
            const int32_t v = b->output_signed ? (int32_t)(int8_t)scores[k] : (int32_t)scores[k];
            if (k == 0 || v > best) {
                best = v;
                top = k;
            }
        }
        micro_put(" top=");
        micro_put(b->labels[top]);
        micro_put(" score=");
        micro_put_i32(best);
        micro_put(" hex=");
        micro_put_hex(scores, output_size);
    }
    micro_put("\n");
    return status;
}

int main(void)
{
    const classify_bundle_t *b = &classify_bundle;
    micro_runtime_t rt;
    micro_put("classify board=" MICRO_BOARD);
    micro_put_field(" program=", b->program_size);
    micro_put_field(" arena=", b->arena_size);
    micro_put_field(" width=", b->format.width);
    micro_put_field(" height=", b->format.height);
    micro_put_field(" channels=", b->format.channels);
    micro_put("\n");
    micro_status_t status = micro_init(&rt, b->program, b->program_size, b->arena, b->arena_size);
    if (status != MICRO_OK) {
        micro_put("init failed: ");
        micro_put(micro_status_str(status));
        micro_put("\n");
    }
    const uint32_t streamed = status == MICRO_OK && micro_input_streamed(&rt, 0);
    uint32_t next_row = 0;
    if (streamed) {
        status = micro_set_row_reader(&rt, camera_rows, &next_row);
    }
    char name[NAME_SIZE];
    for (uint32_t i = 0; status == MICRO_OK && (b->max_frames == 0 || i < b->max_frames); ++i) {
        const int got = streamed ? micro_camera_open(i, &b->format, name, NAME_SIZE)
                                 : micro_camera_frame(i, &b->format, b->pixels, name, NAME_SIZE);
        if (got == 0) {
            break;
        }
        if (got < 0) {
            status = MICRO_ERR_INDEX;
            break;
        }
        next_row = 0;
        status = micro_reset(&rt);
        if (status == MICRO_OK && !streamed) {
            status = fill_input(&rt);
        }
        if (status == MICRO_OK) {
            status = classify(&rt, i, name);
        }
        if (streamed && micro_camera_close() != 1 && status == MICRO_OK) {
            status = MICRO_ERR_INDEX;
        }
    }
    micro_put_field("done status=", (uint32_t)status);
    micro_put("\n");
    return (int)status;
}
