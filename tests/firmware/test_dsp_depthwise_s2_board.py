"""The depthwise twin's stride-2 path in its assembly (depthwise_conv_s8_dsp_s2.h) against
the reference kernel on the emulated boards: support.depthwise_s2's cases (and its last
passes whose row 2R lies below the image) on filter layouts 2 and 3
(the compiler's for the path; a patched plan's strips keep them), on separate buffers and with
the output over the input at the overlap rule's gap (the passes' staged rows), compared
byte for byte on the board."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.depthwise import layout_case, records_fit
from support.depthwise_s2 import (
    DOMAIN_CASES,
    ZP_TAIL_CASES,
    in_requant_domain,
    requant_domain_case,
    stride2_case,
    zp_tail_case,
)
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
    # each again on filter layout 3 (the path's records in place) where it fits
    wide = [layout_case(*case, 2) for case in cases]
    wide += [layout_case(*case, 3) for case in cases if records_fit(*case)]
    for seed, (params, ops) in enumerate(wide):
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
    lines.append(f"#define N_CASES {len(wide)}")
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
    assert "<s2_copy32>:" in disassembly


DOMAIN_MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static const uint32_t filter_word[1] = {0}; /* word-aligned; the path function reads none */

int main(void)
{
    for (uint32_t i = 0; i < N_CASES; ++i) {
        micro_depthwise_conv_s8_params_t p = base;
        p.input_depth = domain_cases[i].channels;
        p.depth_multiplier = domain_cases[i].mult;
        const uint32_t path = micro_depthwise_conv_s8_dsp_path(
            &p, (const int8_t *)filter_word, domain_cases[i].multiplier, domain_cases[i].shift);
        char line[16] = "path ";
        line[5] = (char)('0' + i / 10 % 10);
        line[6] = (char)('0' + i % 10);
        line[7] = ' ';
        line[8] = (path & MICRO_PATH_DW_S2) ? '1' : '0';
        line[9] = '\n';
        micro_port_write(line, 10);
    }
    micro_port_write("domain done\n", 12);
    return 0;
}
"""


def domain_header() -> str:
    """requant_domain_case's cases on vww's 3x3x128 map (filter layout 2)."""
    base = {
        "batches": 1,
        "input_height": 6,
        "input_width": 6,
        "input_depth": 4,
        "depth_multiplier": 1,
        "filter_height": 3,
        "filter_width": 3,
        "output_height": 3,
        "output_width": 3,
        "stride_height": 2,
        "stride_width": 2,
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": 0,
        "pad_left": 0,
        "input_zp": -3,
        "output_zp": 5,
        "act_min": -128,
        "act_max": 127,
        "filter_layout": 2,
    }
    inits = ", ".join(f".{k} = {v}" for k, v in base.items())
    lines = [
        "#include <stdint.h>",
        '#include "micro/micro.h"',
        '#include "micro/paths.h"',
        '#include "micro/kernels/depthwise_conv_s8_dsp.h"',
        f"static const micro_depthwise_conv_s8_params_t base = {{{inits}}};",
    ]
    rows = []
    for i in range(DOMAIN_CASES):
        channels, mult, m, s = requant_domain_case(i)
        lines.append(c_array(f"m_{i}", m))
        lines.append(c_array(f"s_{i}", s))
        rows.append(f"    {{{channels}, {mult}, m_{i}, s_{i}}},")
    lines.append(
        "typedef struct { int32_t channels, mult; const int32_t *multiplier, *shift; }"
        " domain_case_t;"
    )
    lines.append("static const domain_case_t domain_cases[] = {")
    lines.extend(rows)
    lines.append("};")
    lines.append(f"#define N_CASES {DOMAIN_CASES}")
    return "\n".join(lines) + "\n"


def test_stride2_path_takes_exactly_its_requantization_domain_on_board(
    toolchain: None, tmp_path: Path
) -> None:
    """The path function's domain check (in assembly on the M4F) against the domain's
    comparisons in Python, case by case."""
    run, disassembly = run_cases(DOMAIN_MAIN, domain_header(), "mps2-an386", tmp_path)
    assert "domain done" in run.log and run.status == 0, run.log
    assert "<s2_rq_quads>:" in disassembly
    got = {}
    for line in run.log.splitlines():
        if line.startswith("path "):
            _, index, bit = line.split()
            got[int(index)] = bit == "1"
    expected = {i: in_requant_domain(*requant_domain_case(i)[2:]) for i in range(DOMAIN_CASES)}
    assert got == expected
    assert any(expected.values()) and not all(expected.values())
