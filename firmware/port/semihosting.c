/*
 * Console and exit through Arm semihosting (BKPT 0xAB), as QEMU provides with
 * `-semihosting-config enable=on`. Only for emulators and debug probes: on a board with
 * no debugger attached a BKPT is a fault.
 */
#include <stdint.h>

#include "micro_port.h"
#include "semihosting.h"

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023u

uint32_t micro_semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void micro_port_init(void)
{
}

void micro_port_write(const char *text, uint32_t size)
{
    char chunk[129];
    while (size > 0) {
        uint32_t n = size < 128u ? size : 128u;
        for (uint32_t i = 0; i < n; ++i) {
            chunk[i] = text[i];
        }
        chunk[n] = '\0';
        micro_semihost(MICRO_SYS_WRITE0, chunk);
        text += n;
        size -= n;
    }
}

void micro_port_exit(int status)
{
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    micro_semihost(MICRO_SYS_EXIT_EXTENDED, block);
    /* A host without the extension: plain SYS_EXIT reports only success or failure. */
    const uint32_t reason = status == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR;
    micro_semihost(MICRO_SYS_EXIT, (const void *)(uintptr_t)reason);
    for (;;) {
    }
}
