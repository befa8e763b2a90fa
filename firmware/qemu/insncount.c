/*
 * QEMU TCG plugin: count the guest instructions executed and estimate the cycles they
 * take on a Cortex-M3/M4/M7; record both each time the guest enters the marker function
 * (micro_port_mark).
 *
 *   qemu-system-arm ... -plugin libinsncount.so,mark=0x1234,out=counts.txt,core=m4
 *
 * mark is the marker's address (from the ELF symbol table, Thumb bit cleared). The out
 * file gets "total <n> <cycles>" and one "mark <n> <cycles>" line per marker entry, in
 * order; n counts every instruction executed before that entry. A translation block adds
 * its length when it starts, so a block cut short by an exception still counts whole: the
 * counts are exact for straight-line firmware and identical from run to run.
 *
 * Cycles: each instruction is decoded once, when its block is translated, into a class
 * whose cost comes from the core's Technical Reference Manual (cortexm_cycles.h); a block
 * adds the sum of its instructions' costs when it starts. A branch ending a block pays the
 * pipeline refill only when it was taken: the next block to run does not start at the
 * branch's fall-through address. The estimate assumes zero-wait-state memory.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cortexm_cycles.h"
#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_MARKS (1u << 20)

/* What the block-exec callback needs of a block: where its branch would fall through. */
struct block {
    uint64_t start;
    uint64_t fallthrough;
    int ends_in_branch;
};

struct sample {
    uint64_t insns;
    uint64_t cycles;
};

static uint64_t total;
static uint64_t cycles;
static uint64_t mark_address = UINT64_MAX;
static struct sample *marks;
static size_t n_marks;
static const char *out_path;
static const struct cortexm_timing *timing = &cortexm4_timing;
static const struct block *last_block;

static void on_mark(unsigned int vcpu, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    if (n_marks < MAX_MARKS) {
        marks[n_marks].insns = total;
        marks[n_marks].cycles = cycles;
        ++n_marks;
    }
}

/* Before a block runs: the block that ran last pays its branch's refill if it was taken. */
static void on_block(unsigned int vcpu, void *userdata)
{
    (void)vcpu;
    const struct block *b = userdata;
    if (last_block != NULL && last_block->ends_in_branch && last_block->fallthrough != b->start) {
        cycles += timing->refill;
    }
    last_block = b;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    const size_t n = qemu_plugin_tb_n_insns(tb);
    struct block *b = calloc(1, sizeof *b); /* lives as long as QEMU may run the block */
    if (b == NULL) {
        abort();
    }
    b->start = qemu_plugin_tb_vaddr(tb);
    uint64_t block_cycles = 0;
    int after_load = 0;
    struct cortexm_insn decoded = {CM_ALU, 0};
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        const uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
        const uint8_t *bytes = qemu_plugin_insn_data(insn);
        const size_t size = qemu_plugin_insn_size(insn);
        const uint32_t hw1 = (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8);
        if (size == 4 && cortexm_is_wide(hw1)) {
            decoded = cortexm_decode32(hw1, (uint32_t)bytes[2] | ((uint32_t)bytes[3] << 8));
        } else {
            decoded = cortexm_decode16(hw1);
        }
        block_cycles += cortexm_cycles(timing, decoded, &after_load);
        b->fallthrough = vaddr + size;
        if (vaddr == mark_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
    }
    b->ends_in_branch = decoded.cls == CM_BRANCH;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &cycles,
                                             block_cycles);
}

static void on_quit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    FILE *out = out_path != NULL ? fopen(out_path, "w") : NULL;
    if (out == NULL) {
        out = stderr;
    }
    fprintf(out, "total %" PRIu64 " %" PRIu64 "\n", total, cycles);
    for (size_t i = 0; i < n_marks; ++i) {
        fprintf(out, "mark %" PRIu64 " %" PRIu64 "\n", marks[i].insns, marks[i].cycles);
    }
    if (out != stderr) {
        fclose(out);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    (void)info;
    static const struct cortexm_timing *const cores[] = {&cortexm3_timing, &cortexm4_timing,
                                                         &cortexm7_timing};
    for (int i = 0; i < argc; ++i) {
        if (strncmp(argv[i], "mark=", 5) == 0) {
            mark_address = strtoull(argv[i] + 5, NULL, 0);
        } else if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = argv[i] + 4;
        } else if (strncmp(argv[i], "core=", 5) == 0) {
            timing = NULL;
            for (size_t k = 0; k < sizeof cores / sizeof cores[0]; ++k) {
                if (strcmp(argv[i] + 5, cores[k]->name) == 0) {
                    timing = cores[k];
                }
            }
            if (timing == NULL) {
                fprintf(stderr, "insncount: unknown core %s (expected m3, m4, m7)\n", argv[i] + 5);
                return -1;
            }
        } else {
            fprintf(stderr,
                    "insncount: unknown argument %s (expected mark=ADDR, out=FILE, core=m3|m4|m7)\n",
                    argv[i]);
            return -1;
        }
    }
    marks = calloc(MAX_MARKS, sizeof *marks);
    if (marks == NULL) {
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_quit, NULL);
    return 0;
}
