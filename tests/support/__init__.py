"""The test suite's helpers, one module a job:

compare    two read models compared field by field; random inputs for a model
kernels    call a kernel's C function on numpy operands; a twin against its reference
models     build a one-operator model (one builder), random quantizations and values
oracle     run a model on micro and on the pinned oracles (TFLM, LiteRT) and compare bytes
programs   tamper with a compiled Program (hostile params, patched fields), re-sealed
reference  the reference data (../shared/reference) and the one rule for anything absent
sanitized  the C runtime built under AddressSanitizer + UBSan
seanet     TFLM's seanet int16 cases (CSV inputs and goldens)
wavs       .wav files of any channel count, sample width and rate
"""
