/*
 * The port: the little a board gives the firmware. firmware/port/startup.c calls
 * micro_port_init() before main() and micro_port_exit(main's status) after it.
 * Emulated boards take the semihosting pieces here; a real board lists the pieces it
 * uses in boards/<id>/board.json ("micro": {"port": [...]}) and brings its own console.
 */
#ifndef MICRO_PORT_H
#define MICRO_PORT_H

#include <stdint.h>

/* Clocks and console. */
void micro_port_init(void);
/* Write `size` bytes of text to the console. */
void micro_port_write(const char *text, uint32_t size);
/* Free-running CPU cycle counter (DWT CYCCNT on M3/M4/M7); 0 where the board has none. */
uint32_t micro_port_cycles(void);
int micro_port_has_cycles(void);
/* An empty, never-inlined function: an instruction counter (micro's QEMU plugin) records
 * its count each time the CPU enters it, so firmware brackets what it measures with it. */
void micro_port_mark(uint32_t id);
/* Stack high-water mark (micro_stack.h): startup.c paints the stack before main() and
 * prints "stack used=<bytes> size=<bytes>" after it returns. micro_port_stack_paint()
 * repaints the stack below its caller, so micro_port_stack_used() then tells the deepest
 * the stack reached since that call (bytes from the top of the stack). */
void micro_port_stack_paint(void);
uint32_t micro_port_stack_used(void);
uint32_t micro_port_stack_size(void);
/* End the program: on an emulator its status becomes the emulator's exit status. */
void micro_port_exit(int status) __attribute__((noreturn));

/* Exit statuses of a program ended by an exception (firmware/port/fault.c), after one
 * "fault: ..." line on the console. */
#define MICRO_EXIT_FAULT 250          /* HardFault, MemManage, BusFault, UsageFault */
#define MICRO_EXIT_UNEXPECTED 251     /* any other exception (startup enables none) */
#define MICRO_EXIT_STACK_OVERFLOW 252 /* a fault of the stack running past its bottom */
/* The stack guard (fault.c): on a core with an MPU, an access to the 32 B below the stack
 * or the 8 KiB under them faults; startup.c enables it before main(). */
void micro_stack_guard_enable(void);

#endif
