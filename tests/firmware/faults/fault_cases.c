/*
 * A test-only image for firmware/port/fault.c: the case named by the first semihosting
 * argument (after the program's own name) runs on startup.c and semihosting.c.
 *
 *   recurse   unbounded recursion, small frames: the stack walks into the 32-B guard
 *   leap      recursion on 1-KiB frames whose lowest word is written first: a frame that
 *             ends up below the guard, in the zone under it
 *   udf       an undefined instruction (UsageFault)
 *   bus       a load from an address nothing answers (BusFault)
 *   forced    an undefined instruction with UsageFault disabled (a forced HardFault)
 *   svc       a supervisor call (an exception startup does not expect)
 *   work      no fault: a fixed computation between two marks, then exit 0
 */
#include <stdint.h>
#include <string.h>

#include "micro_port.h"
#include "micro_print.h"
#include "semihosting.h"

#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)

static char cmdline[128];

static const char *argument(void)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)cmdline, sizeof cmdline - 1u};
    if (micro_semihost(MICRO_SYS_GET_CMDLINE, block) != 0 || block[1] >= sizeof cmdline) {
        return "";
    }
    cmdline[block[1]] = '\0';
    const char *space = strchr(cmdline, ' ');
    return space != NULL ? space + 1 : "";
}

/* volatile: every level keeps its frame and cannot become a loop; the depth limit is
 * never reached (the stack is far smaller), it only keeps the recursion finite to C. */
static volatile uint32_t sink;
static volatile uint32_t depth_limit = 0xFFFFFFFFu;

__attribute__((noinline)) static uint32_t recurse(uint32_t depth)
{
    volatile uint32_t local = depth;
    if (depth == depth_limit) {
        return 0;
    }
    return recurse(depth + 1u) + local;
}

__attribute__((noinline)) static uint32_t leap(uint32_t depth)
{
    volatile uint32_t frame[256];
    frame[0] = depth; /* the frame's lowest word first */
    frame[255] = depth;
    if (depth == depth_limit) {
        return 0;
    }
    return leap(depth + 1u) + frame[0] + frame[255];
}

__attribute__((noinline)) static uint32_t work(void)
{
    uint32_t x = 1u;
    for (uint32_t i = 0; i < 1000u; ++i) {
        x = x * 1664525u + 1013904223u;
    }
    return x;
}

int main(void)
{
    const char *name = argument();
    if (strcmp(name, "recurse") == 0) {
        sink = recurse(0);
    } else if (strcmp(name, "leap") == 0) {
        sink = leap(0);
    } else if (strcmp(name, "udf") == 0) {
        __asm__ volatile("udf #0");
    } else if (strcmp(name, "bus") == 0) {
        sink = *(volatile uint32_t *)0x70000000u;
    } else if (strcmp(name, "forced") == 0) {
        SCB_SHCSR &= ~(1u << 18); /* USGFAULTENA off */
        __asm__ volatile("dsb\n\tisb\n\tudf #0" ::: "memory");
    } else if (strcmp(name, "svc") == 0) {
        __asm__ volatile("svc #0");
    } else if (strcmp(name, "work") == 0) {
        micro_port_mark(0);
        sink = work();
        micro_port_mark(1);
        micro_put_field("work result=", sink);
        micro_put("\n");
        return 0;
    }
    micro_put("no fault\n");
    return 1;
}
