/*
 * The float32 C library functions TFLM's float kernels call (expf, logf, sinf, cosf,
 * tanhf, expm1f), evaluated on a file of float32 inputs: for each input, the six results
 * in that order, as raw little-endian float32. Built for the host (glibc; stdin to
 * stdout) and for the emulated boards (newlib; semihosting files named on the command
 * line: `firmware <inputs> <outputs>`), so tests/firmware/test_libm_parity.py can compare
 * the two C libraries byte for byte.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#define CHUNK 256u /* inputs per read */
#define N_FUNCS 6u

static void evaluate(const float *x, float *y, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i) {
        y[N_FUNCS * i + 0] = expf(x[i]);
        y[N_FUNCS * i + 1] = logf(x[i]);
        y[N_FUNCS * i + 2] = sinf(x[i]);
        y[N_FUNCS * i + 3] = cosf(x[i]);
        y[N_FUNCS * i + 4] = tanhf(x[i]);
        y[N_FUNCS * i + 5] = expm1f(x[i]);
    }
}

#if defined(__arm__)
#include "semihosting.h"

#define SYS_WRITE 0x05u
#define MODE_WB 5u
#define CMDLINE_SIZE 512u

static char cmdline[CMDLINE_SIZE];

/* Word `index` of the semihosting command line, NUL-terminated in place; 0 if absent. */
static const char *word(uint32_t index, uint32_t *length)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)cmdline, CMDLINE_SIZE - 1};
    if (micro_semihost(MICRO_SYS_GET_CMDLINE, block) != 0) {
        return 0;
    }
    cmdline[block[1]] = '\0';
    char *p = cmdline;
    for (uint32_t w = 0; *p != '\0'; ++w) {
        while (*p == ' ') {
            ++p;
        }
        char *start = p;
        while (*p != '\0' && *p != ' ') {
            ++p;
        }
        if (w == index && p > start) {
            *length = (uint32_t)(p - start);
            *p = '\0';
            return start;
        }
        if (*p == ' ') {
            ++p;
        }
    }
    return 0;
}

static uint32_t open_file(uint32_t index, uint32_t mode)
{
    uint32_t length = 0;
    const char *name = word(index, &length);
    if (name == 0) {
        return 0xFFFFFFFFu;
    }
    const uint32_t block[3] = {(uint32_t)(uintptr_t)name, mode, length};
    return micro_semihost(MICRO_SYS_OPEN, block);
}

int main(void)
{
    static float x[CHUNK], y[N_FUNCS * CHUNK];
    const uint32_t in = open_file(1, MICRO_SYS_OPEN_RB);
    const uint32_t out = open_file(2, MODE_WB);
    if (in == 0xFFFFFFFFu || out == 0xFFFFFFFFu) {
        return 2;
    }
    for (;;) {
        uint32_t read[3] = {in, (uint32_t)(uintptr_t)x, sizeof x};
        const uint32_t n = (uint32_t)(sizeof x - micro_semihost(MICRO_SYS_READ, read)) / 4u;
        evaluate(x, y, n);
        uint32_t write[3] = {out, (uint32_t)(uintptr_t)y, n * N_FUNCS * 4u};
        if (micro_semihost(SYS_WRITE, write) != 0) {
            return 3;
        }
        if (n < CHUNK) {
            break;
        }
    }
    const uint32_t close_in[1] = {in}, close_out[1] = {out};
    micro_semihost(MICRO_SYS_CLOSE, close_in);
    micro_semihost(MICRO_SYS_CLOSE, close_out);
    return 0;
}

#else
#include <stdio.h>

int main(void)
{
    static float x[CHUNK], y[N_FUNCS * CHUNK];
    size_t n;
    do {
        n = fread(x, sizeof x[0], CHUNK, stdin);
        evaluate(x, y, (uint32_t)n);
        if (fwrite(y, sizeof y[0], N_FUNCS * n, stdout) != N_FUNCS * n) {
            return 3;
        }
    } while (n == CHUNK);
    return 0;
}
#endif
