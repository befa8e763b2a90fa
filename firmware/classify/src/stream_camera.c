/* Frames from the host (emulated boards): stream i holds one frame of pixels, already at
 * the model's size (`micro classify --board` crops and scales it as on the host), read
 * whole or row by row as the model asks for them. The linker takes this file from the
 * library's archive only when no board file defines the camera (boards/nano33ble/camera.c
 * does). */
#include <stddef.h>

#include "micro_camera.h"
#include "micro_port.h"
#include "micro_stream.h"

static struct {
    micro_camera_format_t format;
    uint32_t rows_read;
} frame;

static int fail(void)
{
    static const char message[] = "camera: a streamed frame is not width x height x channels bytes\n";
    micro_port_write(message, sizeof message - 1u);
    return -1;
}

int micro_camera_open(uint32_t index, const micro_camera_format_t *format, char *name,
                      uint32_t name_size)
{
    frame.format = *format;
    frame.rows_read = 0;
    return micro_stream_open(index, name, name_size);
}

/* `size` bytes of the stream into `pixels`, or dropped (NULL): whether all were there. */
static int take(uint8_t *pixels, uint32_t size)
{
    uint8_t dropped[64];
    while (pixels == NULL && size > sizeof dropped) {
        if (micro_stream_read(dropped, sizeof dropped) != sizeof dropped) {
            return 0;
        }
        size -= sizeof dropped;
    }
    return micro_stream_read(pixels != NULL ? pixels : dropped, size) == size;
}

int micro_camera_rows(uint8_t *pixels, uint32_t n_rows)
{
    const uint32_t row = frame.format.width * frame.format.channels;
    if (n_rows > frame.format.height - frame.rows_read || !take(pixels, n_rows * row)) {
        return fail();
    }
    frame.rows_read += n_rows;
    return 1;
}

int micro_camera_close(void)
{
    uint8_t extra;
    const uint32_t rest = frame.format.height - frame.rows_read;
    const int whole = take(NULL, rest * frame.format.width * frame.format.channels) &&
                      micro_stream_read(&extra, 1) == 0;
    micro_stream_close();
    return whole ? 1 : fail();
}

int micro_camera_frame(uint32_t index, const micro_camera_format_t *format, uint8_t *pixels,
                       char *name, uint32_t name_size)
{
    const int opened = micro_camera_open(index, format, name, name_size);
    if (opened != 1) {
        return opened;
    }
    if (micro_camera_rows(pixels, format->height) != 1) {
        micro_stream_close();
        return -1;
    }
    return micro_camera_close();
}
