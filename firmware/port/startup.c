/*
 * Board-independent Cortex-M startup: the vector table, and a reset handler that copies
 * .data, zeroes .bss, turns the FPU on when the image uses it, then runs
 * micro_port_init(), main() and micro_port_exit(). Startup enables no interrupt, so every
 * exception other than reset ends the program with a message; a driver that needs one
 * (boards/nano33ble/pdm.c) copies this table into RAM with its handler added.
 */
#include <stdint.h>

#include "micro_port.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
int main(void);

static void write_text(const char *text)
{
    uint32_t n = 0;
    while (text[n] != '\0') {
        ++n;
    }
    micro_port_write(text, n);
}

void micro_port_mark(uint32_t id)
{
    __asm__ volatile("" : : "r"(id) : "memory");
}

__attribute__((noreturn)) void micro_fault_handler(void)
{
    write_text("\n*** CPU fault ***\n");
    micro_port_exit(250);
}

__attribute__((noreturn)) void micro_default_handler(void)
{
    write_text("\n*** unexpected exception ***\n");
    micro_port_exit(251);
}

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

typedef void (*micro_vector_t)(void);
extern const micro_vector_t micro_vectors[16];

__attribute__((noreturn)) void micro_reset_handler(void)
{
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
    micro_port_exit(main());
}

/* Core exceptions only: startup enables no external interrupt. */
__attribute__((section(".vectors"), used)) const micro_vector_t micro_vectors[16] = {
    (micro_vector_t)(uintptr_t)__stack_top,
    micro_reset_handler,
    micro_default_handler, /* NMI */
    micro_fault_handler,   /* HardFault */
    micro_fault_handler,   /* MemManage */
    micro_fault_handler,   /* BusFault */
    micro_fault_handler,   /* UsageFault */
    0, 0, 0, 0,
    micro_default_handler, /* SVCall */
    micro_default_handler, /* DebugMonitor */
    0,
    micro_default_handler, /* PendSV */
    micro_default_handler, /* SysTick */
};
