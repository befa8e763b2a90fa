/*
 * Byte streams of the emulated boards (micro_stream.h): the host files named on the
 * semihosting command line (`qemu-system-arm -semihosting-config enable=on,arg=firmware,
 * arg=a.bin`), opened and read with SYS_OPEN/SYS_READ as the firmware consumes them.
 */
#include <stdint.h>

#include "micro_print.h"
#include "micro_stream.h"
#include "semihosting.h"

#define CMDLINE_SIZE 1024u
#define PATH_SIZE 256u

static struct {
    char cmdline[CMDLINE_SIZE];
    uint32_t length; /* of the command line */
    int asked;       /* SYS_GET_CMDLINE done */
    int open;        /* a file is open: handle */
    uint32_t handle;
} stream;

/* Word `index` of the command line (space separated): its start and length, or 0. */
static uint32_t word(uint32_t index, const char **start)
{
    if (!stream.asked) {
        uint32_t block[2] = {(uint32_t)(uintptr_t)stream.cmdline, CMDLINE_SIZE};
        stream.asked = 1;
        if (micro_semihost(MICRO_SYS_GET_CMDLINE, block) == 0 && block[1] < CMDLINE_SIZE) {
            stream.length = block[1];
        }
    }
    uint32_t i = 0;
    for (uint32_t w = 0;; ++w) {
        while (i < stream.length && stream.cmdline[i] == ' ') {
            ++i;
        }
        if (i == stream.length) {
            return 0;
        }
        const uint32_t first = i;
        while (i < stream.length && stream.cmdline[i] != ' ') {
            ++i;
        }
        if (w == index) {
            *start = stream.cmdline + first;
            return i - first;
        }
    }
}

int micro_stream_open(uint32_t index, char *name, uint32_t size)
{
    const char *start = 0;
    const uint32_t length = word(index + 1, &start);
    if (length == 0) {
        return 0;
    }
    char path[PATH_SIZE];
    const uint32_t n = length < PATH_SIZE - 1 ? length : PATH_SIZE - 1;
    uint32_t base = 0; /* the name is the file's base name */
    for (uint32_t i = 0; i < n; ++i) {
        path[i] = start[i];
        if (path[i] == '/') {
            base = i + 1;
        }
    }
    path[n] = '\0';
    uint32_t k = 0;
    for (; size > 0 && k < size - 1 && base + k < n; ++k) {
        name[k] = path[base + k];
    }
    if (size > 0) {
        name[k] = '\0';
    }
    micro_stream_close();
    const uint32_t block[3] = {(uint32_t)(uintptr_t)path, MICRO_SYS_OPEN_RB, n};
    stream.handle = micro_semihost(MICRO_SYS_OPEN, block);
    stream.open = stream.handle != 0xFFFFFFFFu;
    if (!stream.open) {
        micro_put("stream: cannot open ");
        micro_put(path);
        micro_put("\n");
        return -1;
    }
    return 1;
}

uint32_t micro_stream_read(void *data, uint32_t size)
{
    if (!stream.open) {
        return 0;
    }
    uint32_t block[3] = {stream.handle, (uint32_t)(uintptr_t)data, size};
    return size - micro_semihost(MICRO_SYS_READ, block);
}

void micro_stream_close(void)
{
    if (stream.open) {
        const uint32_t block[1] = {stream.handle};
        micro_semihost(MICRO_SYS_CLOSE, block);
        stream.open = 0;
    }
}
