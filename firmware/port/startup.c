/*
 * Board-independent Cortex-M startup: the vector table, and a reset handler that paints the
 * stack (micro_stack.h), copies .data, zeroes .bss, turns the FPU on when the image uses it,
 * then runs micro_port_init(), enables the stack guard (fault.c), runs main(), prints the
 * stack's high-water mark and calls micro_port_exit(). Startup enables no interrupt, so
 * every exception other than reset ends the program with a "fault: ..." line and a
 * non-zero status (fault.c); a driver that needs one (boards/nano33ble/pdm.c) copies this
 * table into RAM with its handler added.
 */
#include <stdint.h>

#include "micro_port.h"
#include "micro_print.h"
#include "micro_stack.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];
int main(void);

/* Paint from the bottom of the stack up to this function's own stack pointer: its caller's
 * frames and its own saved registers lie above, and nothing below it is in use (no
 * interrupt is enabled, and no code here touches memory below the stack pointer). Never
 * above the stack's top: a bootloader that jumps here on a stack of its own leaves the
 * stack pointer elsewhere. */
__attribute__((noinline)) static void paint_below_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    micro_stack_paint_words(__stack_bottom, sp < __stack_top ? sp : __stack_top);
}

/* The deepest use seen before the last repaint, so the figure printed at the end covers
 * the whole run even when main() repaints to measure one part of it. */
static uint32_t stack_deepest;

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

void micro_port_stack_paint(void)
{
    stack_deepest = max_u32(stack_deepest, micro_port_stack_used());
    paint_below_sp();
}

uint32_t micro_port_stack_used(void)
{
    return micro_stack_used_bytes(__stack_bottom, __stack_top);
}

uint32_t micro_port_stack_size(void)
{
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

void micro_port_mark(uint32_t id)
{
    __asm__ volatile("" : : "r"(id) : "memory");
}

/* fault.c: every fault, on a stack of its own; any other exception. */
void micro_fault_entry(void);
void micro_default_handler(void);

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

typedef void (*micro_vector_t)(void);
extern const micro_vector_t micro_vectors[16];

__attribute__((noreturn)) void micro_reset_handler(void)
{
    paint_below_sp(); /* first, so the whole run's deepest use is measured */
    /* A bootloader may have left VTOR at its own table (Nano 33 BLE, RP2040's boot2). */
    SCB_VTOR = (uint32_t)(uintptr_t)micro_vectors;
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
#ifdef __ARM_FP
    SCB_CPACR |= 0xFu << 20; /* CP10, CP11: full access, before the first FP instruction */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    micro_port_init();
    micro_stack_guard_enable(); /* after the console is up: a fault must be able to print */
    const int status = main();
    /* Over the whole run (init, every inference, printing); a figure equal to the size means
     * the stack was used to its bottom word, or overflowed. */
    micro_put_field("stack used=", max_u32(stack_deepest, micro_port_stack_used()));
    micro_put_field(" size=", micro_port_stack_size());
    micro_put("\n");
    micro_port_exit(status);
}

/* Core exceptions only: startup enables no external interrupt. */
__attribute__((section(".vectors"), used)) const micro_vector_t micro_vectors[16] = {
    (micro_vector_t)(uintptr_t)__stack_top,
    micro_reset_handler,
    micro_default_handler, /* NMI */
    micro_fault_entry,     /* HardFault */
    micro_fault_entry,     /* MemManage */
    micro_fault_entry,     /* BusFault */
    micro_fault_entry,     /* UsageFault */
    0, 0, 0, 0,
    micro_default_handler, /* SVCall */
    micro_default_handler, /* DebugMonitor */
    0,
    micro_default_handler, /* PendSV */
    micro_default_handler, /* SysTick */
};
