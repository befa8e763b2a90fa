/*
 * Console formatting for the demo firmwares (no printf: numbers are formatted here), one
 * fact a line as "<kind> field=value ...", which the host parses.
 */
#ifndef MICRO_PRINT_H
#define MICRO_PRINT_H

#include <stdint.h>
#include <string.h>

#include "micro_port.h"

static inline void micro_put(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static inline void micro_put_u32(uint32_t value)
{
    char text[10];
    uint32_t n = sizeof text;
    do {
        text[--n] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    micro_port_write(text + n, sizeof text - n);
}

static inline void micro_put_i32(int32_t value)
{
    if (value < 0) {
        micro_put("-");
    }
    micro_put_u32(value < 0 ? 0u - (uint32_t)value : (uint32_t)value);
}

/* " name=value" */
static inline void micro_put_field(const char *name, uint32_t value)
{
    micro_put(name);
    micro_put_u32(value);
}

static inline void micro_put_hex(const void *data, uint32_t size)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *bytes = data;
    char line[64];
    uint32_t n = 0;
    for (uint32_t i = 0; i < size; ++i) {
        line[n++] = hex[bytes[i] >> 4];
        line[n++] = hex[bytes[i] & 15u];
        if (n == sizeof line) {
            micro_port_write(line, n);
            n = 0;
        }
    }
    micro_port_write(line, n);
}

#endif
