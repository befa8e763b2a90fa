/*
 * Audio input of the emulated boards: host .wav files, the byte streams of
 * semihosting_stream.c (stream i is the file named by word i + 1 of the semihosting
 * command line). A file must be PCM, 16-bit, mono, 16 kHz (`micro speech --board`
 * converts any .wav to that first); its header is walked chunk by chunk, so extra chunks
 * (LIST, fact...) are skipped.
 */
#include <stdint.h>

#include "micro_audio.h"
#include "micro_print.h"
#include "micro_stream.h"

static struct {
    int open;
    uint32_t left; /* bytes of the data chunk not read yet */
} audio;

static int read_bytes(void *data, uint32_t size)
{
    return micro_stream_read(data, size) == size;
}

static int skip_bytes(uint32_t size)
{
    uint8_t scratch[64];
    while (size > 0) {
        const uint32_t n = size < sizeof scratch ? size : (uint32_t)sizeof scratch;
        if (!read_bytes(scratch, n)) {
            return 0;
        }
        size -= n;
    }
    return 1;
}

static uint32_t le(const uint8_t *p, uint32_t bytes)
{
    uint32_t value = 0;
    for (uint32_t i = bytes; i-- > 0;) {
        value = value << 8 | p[i];
    }
    return value;
}

static int is_tag(const uint8_t *p, const char *tag)
{
    return p[0] == (uint8_t)tag[0] && p[1] == (uint8_t)tag[1] && p[2] == (uint8_t)tag[2] &&
           p[3] == (uint8_t)tag[3];
}

/* Walk the RIFF chunks up to "data"; 1 if the format is 16 kHz mono 16-bit PCM. */
static int read_header(void)
{
    uint8_t h[16];
    if (!read_bytes(h, 12) || !is_tag(h, "RIFF") || !is_tag(h + 8, "WAVE")) {
        return 0;
    }
    int format_ok = 0;
    for (;;) {
        if (!read_bytes(h, 8)) {
            return 0;
        }
        const uint32_t size = le(h + 4, 4);
        if (is_tag(h, "data")) {
            audio.left = size;
            return format_ok;
        }
        uint32_t skip = size + (size & 1u); /* chunks are padded to even sizes */
        if (is_tag(h, "fmt ")) {
            if (size < 16 || !read_bytes(h, 16)) {
                return 0;
            }
            format_ok = le(h, 2) == 1 && le(h + 2, 2) == 1 && le(h + 4, 4) == MICRO_AUDIO_RATE &&
                        le(h + 14, 2) == 16;
            skip -= 16;
        }
        if (!skip_bytes(skip)) {
            return 0;
        }
    }
}

int micro_audio_open(uint32_t index, char *name, uint32_t size)
{
    micro_audio_close();
    const int opened = micro_stream_open(index, name, size);
    if (opened != 1) {
        return opened;
    }
    audio.open = 1;
    if (!read_header()) {
        micro_put("audio: ");
        micro_put(name);
        micro_put(" is not a 16 kHz mono 16-bit PCM .wav file\n");
        micro_audio_close();
        return -1;
    }
    return 1;
}

uint32_t micro_audio_read(int16_t *samples, uint32_t count)
{
    if (!audio.open) {
        return 0;
    }
    uint32_t bytes = count * 2u;
    if (bytes > audio.left) {
        bytes = audio.left & ~1u;
    }
    const uint32_t got = micro_stream_read(samples, bytes);
    audio.left -= got;
    return got / 2u;
}

void micro_audio_close(void)
{
    if (audio.open) {
        micro_stream_close();
        audio.open = 0;
    }
}
