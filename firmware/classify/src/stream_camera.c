/* Frames from the host (emulated boards): stream i holds one frame of pixels, already at
 * the model's size (`micro classify --board` crops and scales it as on the host). The
 * linker takes this file from the library's archive only when no board file defines
 * micro_camera_frame (boards/nano33ble/camera.c does). */
#include "micro_camera.h"
#include "micro_port.h"
#include "micro_stream.h"

int micro_camera_frame(uint32_t index, const micro_camera_format_t *format, uint8_t *pixels,
                       char *name, uint32_t name_size)
{
    const int opened = micro_stream_open(index, name, name_size);
    if (opened != 1) {
        return opened;
    }
    const uint32_t size = format->width * format->height * format->channels;
    uint8_t extra;
    const int whole = micro_stream_read(pixels, size) == size && micro_stream_read(&extra, 1) == 0;
    micro_stream_close();
    if (!whole) {
        static const char message[] = "camera: a streamed frame is not width x height x channels bytes\n";
        micro_port_write(message, sizeof message - 1u);
        return -1;
    }
    return 1;
}
