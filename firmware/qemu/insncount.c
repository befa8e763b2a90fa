/*
 * QEMU TCG plugin: count the guest instructions executed, and record the count each
 * time the guest enters the marker function (micro_port_mark).
 *
 *   qemu-system-arm ... -plugin libinsncount.so,mark=0x1234,out=counts.txt
 *
 * mark is the marker's address (from the ELF symbol table, Thumb bit cleared). The out
 * file gets "total <n>" and one "mark <n>" line per marker entry, in order; n counts
 * every instruction executed before that entry. A translation block adds its length
 * when it starts, so a block cut short by an exception still counts whole: the counts
 * are exact for straight-line firmware and identical from run to run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_MARKS (1u << 20)

static uint64_t total;
static uint64_t mark_address = UINT64_MAX;
static uint64_t *marks;
static size_t n_marks;
static const char *out_path;

static void on_mark(unsigned int vcpu, void *userdata)
{
    (void)vcpu;
    (void)userdata;
    if (n_marks < MAX_MARKS) {
        marks[n_marks++] = total;
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    const size_t n = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_vaddr(insn) == mark_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
    }
}

static void on_quit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    FILE *out = out_path != NULL ? fopen(out_path, "w") : NULL;
    if (out == NULL) {
        out = stderr;
    }
    fprintf(out, "total %" PRIu64 "\n", total);
    for (size_t i = 0; i < n_marks; ++i) {
        fprintf(out, "mark %" PRIu64 "\n", marks[i]);
    }
    if (out != stderr) {
        fclose(out);
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    (void)info;
    for (int i = 0; i < argc; ++i) {
        if (strncmp(argv[i], "mark=", 5) == 0) {
            mark_address = strtoull(argv[i] + 5, NULL, 0);
        } else if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = argv[i] + 4;
        } else {
            fprintf(stderr, "insncount: unknown argument %s (expected mark=ADDR, out=FILE)\n",
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
