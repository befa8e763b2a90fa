/*
 * Audio input of the emulated boards: the host .wav files named on the semihosting
 * command line (`qemu-system-arm -semihosting-config enable=on,arg=firmware,arg=a.wav`),
 * read with SYS_OPEN/SYS_READ as the firmware consumes them. Stream i is the file named
 * by word i + 1 (word 0 is the program). A file must be PCM, 16-bit, mono, 16 kHz
 * (`micro speech --board` converts any .wav to that first); its header is walked chunk
 * by chunk, so extra chunks (LIST, fact...) are skipped.
 */
#include <stdint.h>

#include "micro_audio.h"
#include "micro_port.h"
#include "semihosting.h"

#define CMDLINE_SIZE 1024u
#define PATH_SIZE 256u

static struct {
    char cmdline[CMDLINE_SIZE];
    uint32_t length; /* of the command line */
    int asked;       /* SYS_GET_CMDLINE done */
    int open;        /* a file is open: handle */
    uint32_t handle;
    uint32_t left;   /* bytes of the data chunk not read yet */
} audio;

static void say(const char *text)
{
    uint32_t n = 0;
    while (text[n] != '\0') {
        ++n;
    }
    micro_port_write(text, n);
}

/* Word `index` of the command line (space separated): its start and length, or 0. */
static uint32_t word(uint32_t index, const char **start)
{
    if (!audio.asked) {
        uint32_t block[2] = {(uint32_t)(uintptr_t)audio.cmdline, CMDLINE_SIZE};
        audio.asked = 1;
        if (micro_semihost(MICRO_SYS_GET_CMDLINE, block) == 0 && block[1] < CMDLINE_SIZE) {
            audio.length = block[1];
        }
    }
    uint32_t i = 0;
    for (uint32_t w = 0;; ++w) {
        while (i < audio.length && audio.cmdline[i] == ' ') {
            ++i;
        }
        if (i == audio.length) {
            return 0;
        }
        const uint32_t first = i;
        while (i < audio.length && audio.cmdline[i] != ' ') {
            ++i;
        }
        if (w == index) {
            *start = audio.cmdline + first;
            return i - first;
        }
    }
}

static int read_bytes(void *data, uint32_t size)
{
    uint32_t block[3] = {audio.handle, (uint32_t)(uintptr_t)data, size};
    return micro_semihost(MICRO_SYS_READ, block) == 0;
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
    micro_audio_close();
    const uint32_t block[3] = {(uint32_t)(uintptr_t)path, MICRO_SYS_OPEN_RB, n};
    audio.handle = micro_semihost(MICRO_SYS_OPEN, block);
    audio.open = audio.handle != 0xFFFFFFFFu;
    if (!audio.open) {
        say("audio: cannot open ");
        say(path);
        say("\n");
        return -1;
    }
    if (!read_header()) {
        say("audio: ");
        say(path);
        say(" is not a 16 kHz mono 16-bit PCM .wav file\n");
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
    uint32_t block[3] = {audio.handle, (uint32_t)(uintptr_t)samples, bytes};
    const uint32_t got = bytes - micro_semihost(MICRO_SYS_READ, block);
    audio.left -= got;
    return got / 2u;
}

void micro_audio_close(void)
{
    if (audio.open) {
        const uint32_t block[1] = {audio.handle};
        micro_semihost(MICRO_SYS_CLOSE, block);
        audio.open = 0;
    }
}
