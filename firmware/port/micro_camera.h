/*
 * A board's camera: frames of 8-bit pixels at the size an image model takes. Optional, like
 * micro_audio.h: boards/nano33ble/camera.c drives the Tiny Machine Learning Kit's OV7675;
 * on the emulated boards firmware/classify's stream_camera.c reads frames of pixels the host
 * streams in (micro_stream.h).
 */
#ifndef MICRO_CAMERA_H
#define MICRO_CAMERA_H

#include <stdint.h>

typedef struct {
    uint32_t width;    /* pixels a row, as the model's input */
    uint32_t height;   /* rows */
    uint32_t channels; /* 1: grayscale (luma), 3: R, G, B interleaved */
} micro_camera_format_t;

/* Capture frame `index` (0, 1, ...) as width x height x channels pixels into `pixels`,
 * centre-cropped to the format's aspect ratio and scaled to its size, and write its name
 * (NUL-terminated, at most name_size bytes): 1 if captured, 0 if there are no more frames,
 * -1 on an error (the reason is written on the console). A real camera never ends. */
int micro_camera_frame(uint32_t index, const micro_camera_format_t *format, uint8_t *pixels,
                       char *name, uint32_t name_size);

/* The same frame row by row, for a model that streams its input (micro_set_row_reader): no
 * frame buffer. Open frame `index` (1, 0 or -1 as micro_camera_frame), read its next
 * `n_rows` rows of width x channels pixels, in order, into `pixels` (NULL: drop them; 1, or
 * -1 on an error), then close it, dropping the rows not read: 1 if the frame had its
 * height in rows, else -1. A camera that cannot hold its rows until the model asks for them
 * returns -1 from micro_camera_open. */
int micro_camera_open(uint32_t index, const micro_camera_format_t *format, char *name,
                      uint32_t name_size);
int micro_camera_rows(uint8_t *pixels, uint32_t n_rows);
int micro_camera_close(void);

#endif
