"""The depthwise twin's stride-2 path in its assembly (depthwise_conv_s8_dsp_s2.h) against
the reference kernel on the emulated boards: support.depthwise_s2's cases (and its last
passes whose row 2R lies below the image) on filter layout 2
(the compiler's for the path; a patched plan's strips keep it), on separate buffers and with
the output over the input at the overlap rule's gap (the passes' staged rows), compared
byte for byte on the board."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.depthwise import layout_case
from support.depthwise_s2 import ZP_TAIL_CASES, stride2_case, zp_tail_case
from test_dsp_board import c_array, c_params, run_cases
from test_overlap import _cdata_case

CASES = 48

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int8_t out_ref[MAX_OUT];
static int8_t out_dsp[MAX_OUT];
static int8_t shared[MAX_SHARED];

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

int main(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < N_CASES; ++i) {
        const s2_case_t *c = &s2_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        micro_depthwise_conv_s8(c->p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                                out_ref);
        micro_depthwise_conv_s8_dsp(c->p, c->input, c->filter, c->bias, c->multiplier,
                                    c->shift, out_dsp);
        int ok = memcmp(out_ref, out_dsp, c->n_out) == 0;
        /* the output from `gap` bytes below the input, over it */
        memset(shared, 0x3c, sizeof shared);
        memcpy(shared + c->gap, c->input, c->n_in);
        micro_depthwise_conv_s8_dsp(c->p, shared + c->gap, c->filter, c->bias, c->multiplier,
                                    c->shift, shared);
        ok = ok && memcmp(out_ref, shared, c->n_out) == 0;
        if (!ok) {
            char line[40] = "mismatch case ";
            char digits[4] = {(char)('0' + i / 100 % 10), (char)('0' + i / 10 % 10),
                              (char)('0' + i % 10), '\0'};
            strcat(line, digits);
            strcat(line, "\n");
            say(line);
        }
        bad += !ok;
    }
    say(bad == 0 ? "s2 cases all equal\n" : "s2 cases differ\n");
    return bad != 0;
}
"""


def cases_header() -> str:
    lines = [
        "#include <stdint.h>",
        '#include "micro/micro.h"',
        '#include "micro/kernels/depthwise_conv_s8_dsp.h"',
    ]
    rows = []
    max_out = max_shared = 1
    cases = [stride2_case(seed) for seed in range(CASES)]
    cases += [zp_tail_case(i) for i in range(ZP_TAIL_CASES)]
    for seed, case in enumerate(cases):
        params, ops = layout_case(*case, 2)
        gap = _cdata_case("depthwise_conv_s8", params, ops, 0, 5).gap()
        assert gap is not None
        tag = f"s2_{seed}"
        lines.append(c_params(f"{tag}_p", "micro_depthwise_conv_s8_params_t", params))
        for j, role in enumerate(["input", "filter", "bias", "multiplier", "shift"]):
            lines.append(c_array(f"{tag}_{role}", ops[j]))
        n_in, n_out = ops[0].nbytes, ops[5].nbytes
        max_out = max(max_out, n_out)
        max_shared = max(max_shared, n_out, gap + n_in)
        refs = ", ".join(f"{tag}_{r}" for r in ["input", "filter", "bias", "multiplier", "shift"])
        rows.append(f"    {{&{tag}_p, {refs}, {n_in}u, {n_out}u, {gap}u}},")
    lines.append(f"#define MAX_OUT {max_out}\n#define MAX_SHARED {max_shared + 8}")
    lines.append(
        "typedef struct { const micro_depthwise_conv_s8_params_t *p; const int8_t *input, "
        "*filter; const int32_t *bias, *multiplier, *shift; uint32_t n_in, n_out, gap; }"
        " s2_case_t;"
    )
    lines.append("static const s2_case_t s2_cases[] = {")
    lines.extend(rows)
    lines.append("};")
    lines.append(f"#define N_CASES {len(cases)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_stride2_path_equals_reference_on_board(
    board: str, toolchain: None, tmp_path: Path
) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "s2 cases all equal" in run.log and run.status == 0, run.log
    # the path's assembly is what ran
    assert "<s2_mac_4>:" in disassembly and "\tsmmlsr" in disassembly
