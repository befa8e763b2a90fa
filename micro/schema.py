"""The TFLite flatbuffer schema (``schema.fbs``, version 3) as data.

Enums are `IntEnum`s. Tables are `Table`s whose `fields` are in slot order: a field's position
is its flatbuffer slot (vtable entry), and a union takes two slots, ``<name>_type`` then
``<name>``. The reader (`micro.model`) and the writer (`micro.writer`) both walk these tables,
so there is no per-table or per-operator parsing code anywhere.

The facts (names, slot order, defaults, enum values) come from TFLite's public ``schema.fbs``;
new schema members are appended at the end of their enum, union or table, so this file is
extended, never reordered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

__all__ = [
    "NUMPY_DTYPES",
    "OP_OPTIONS",
    "SCALAR_FORMATS",
    "TABLES",
    "UNIONS",
    "ActivationFunctionType",
    "BuiltinOperator",
    "Field",
    "OptionsSpec",
    "Padding",
    "Table",
    "TensorType",
    "op_options",
    "options_spec",
    "tensor_type",
]

# struct format (little-endian, without the '<') of every flatbuffer scalar type.
SCALAR_FORMATS: dict[str, str] = {
    "bool": "?",
    "byte": "b",
    "ubyte": "B",
    "short": "h",
    "ushort": "H",
    "int": "i",
    "uint": "I",
    "long": "q",
    "ulong": "Q",
    "float": "f",
    "double": "d",
}
SCALAR_SIZES: dict[str, int] = {
    "bool": 1,
    "byte": 1,
    "ubyte": 1,
    "short": 2,
    "ushort": 2,
    "int": 4,
    "uint": 4,
    "long": 8,
    "ulong": 8,
    "float": 4,
    "double": 8,
}


@dataclass(frozen=True)
class Field:
    """One slot of a table.

    `kind` is a scalar type name (a key of `SCALAR_FORMATS`), ``"string"``, ``"table"``,
    ``"utype"`` (the type tag of a union) or ``"union"`` (its value), or a vector of one of
    these written ``"[int]"``, ``"[table]"``, ... `ref` names the table or union a
    table/union field points to. `default` is the schema default of a scalar (already an
    `enum` member for enum fields); absent scalars read as it.
    """

    name: str
    kind: str
    default: bool | int | float = 0
    enum: type[IntEnum] | None = None
    ref: str | None = None
    deprecated: bool = False
    align: int = 0  # the schema's force_align for vectors, 0 when none

    @property
    def is_vector(self) -> bool:
        return self.kind.startswith("[")

    @property
    def element(self) -> str:
        """The element type of a vector field, or the kind itself for anything else."""
        return self.kind[1:-1] if self.kind.startswith("[") else self.kind


@dataclass(frozen=True)
class Table:
    """A schema table: its name and its fields in slot order."""

    name: str
    fields: tuple[Field, ...]
    _slots: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_slots", {f.name: i for i, f in enumerate(self.fields)})

    def slot(self, name: str) -> int:
        """The slot (vtable index) of field `name`; KeyError if the table has no such field."""
        return self._slots[name]

    def field_named(self, name: str) -> Field:
        return self.fields[self._slots[name]]


# Terse constructors keep the tables below readable.
def F(
    name: str,
    kind: str,
    default: bool | int | float | None = None,
    *,
    enum: type[IntEnum] | None = None,
    ref: str | None = None,
    deprecated: bool = False,
    align: int = 0,
) -> Field:
    if default is None:
        default = 0.0 if kind in ("float", "double") else False if kind == "bool" else 0
    return Field(name, kind, default, enum, ref, deprecated, align)


def T(name: str, fields: tuple[Field, ...]) -> Table:
    return Table(name, fields)


class TensorType(IntEnum):
    """Element type of a tensor (schema enum ``TensorType``, stored as a byte)."""

    FLOAT32 = 0
    FLOAT16 = 1
    INT32 = 2
    UINT8 = 3
    INT64 = 4
    STRING = 5
    BOOL = 6
    INT16 = 7
    COMPLEX64 = 8
    INT8 = 9
    FLOAT64 = 10
    COMPLEX128 = 11
    UINT64 = 12
    RESOURCE = 13
    VARIANT = 14
    UINT32 = 15
    UINT16 = 16
    INT4 = 17
    BFLOAT16 = 18
    INT2 = 19
    UINT4 = 20
    FLOAT8_E4M3FN = 21
    FLOAT8_E5M2 = 22


class BuiltinOperator(IntEnum):
    """Every builtin operator code of the schema (``OperatorCode.builtin_code``)."""

    ADD = 0
    AVERAGE_POOL_2D = 1
    CONCATENATION = 2
    CONV_2D = 3
    DEPTHWISE_CONV_2D = 4
    DEPTH_TO_SPACE = 5
    DEQUANTIZE = 6
    EMBEDDING_LOOKUP = 7
    FLOOR = 8
    FULLY_CONNECTED = 9
    HASHTABLE_LOOKUP = 10
    L2_NORMALIZATION = 11
    L2_POOL_2D = 12
    LOCAL_RESPONSE_NORMALIZATION = 13
    LOGISTIC = 14
    LSH_PROJECTION = 15
    LSTM = 16
    MAX_POOL_2D = 17
    MUL = 18
    RELU = 19
    RELU_N1_TO_1 = 20
    RELU6 = 21
    RESHAPE = 22
    RESIZE_BILINEAR = 23
    RNN = 24
    SOFTMAX = 25
    SPACE_TO_DEPTH = 26
    SVDF = 27
    TANH = 28
    CONCAT_EMBEDDINGS = 29
    SKIP_GRAM = 30
    CALL = 31
    CUSTOM = 32
    EMBEDDING_LOOKUP_SPARSE = 33
    PAD = 34
    UNIDIRECTIONAL_SEQUENCE_RNN = 35
    GATHER = 36
    BATCH_TO_SPACE_ND = 37
    SPACE_TO_BATCH_ND = 38
    TRANSPOSE = 39
    MEAN = 40
    SUB = 41
    DIV = 42
    SQUEEZE = 43
    UNIDIRECTIONAL_SEQUENCE_LSTM = 44
    STRIDED_SLICE = 45
    BIDIRECTIONAL_SEQUENCE_RNN = 46
    EXP = 47
    TOPK_V2 = 48
    SPLIT = 49
    LOG_SOFTMAX = 50
    DELEGATE = 51
    BIDIRECTIONAL_SEQUENCE_LSTM = 52
    CAST = 53
    PRELU = 54
    MAXIMUM = 55
    ARG_MAX = 56
    MINIMUM = 57
    LESS = 58
    NEG = 59
    PADV2 = 60
    GREATER = 61
    GREATER_EQUAL = 62
    LESS_EQUAL = 63
    SELECT = 64
    SLICE = 65
    SIN = 66
    TRANSPOSE_CONV = 67
    SPARSE_TO_DENSE = 68
    TILE = 69
    EXPAND_DIMS = 70
    EQUAL = 71
    NOT_EQUAL = 72
    LOG = 73
    SUM = 74
    SQRT = 75
    RSQRT = 76
    SHAPE = 77
    POW = 78
    ARG_MIN = 79
    FAKE_QUANT = 80
    REDUCE_PROD = 81
    REDUCE_MAX = 82
    PACK = 83
    LOGICAL_OR = 84
    ONE_HOT = 85
    LOGICAL_AND = 86
    LOGICAL_NOT = 87
    UNPACK = 88
    REDUCE_MIN = 89
    FLOOR_DIV = 90
    REDUCE_ANY = 91
    SQUARE = 92
    ZEROS_LIKE = 93
    FILL = 94
    FLOOR_MOD = 95
    RANGE = 96
    RESIZE_NEAREST_NEIGHBOR = 97
    LEAKY_RELU = 98
    SQUARED_DIFFERENCE = 99
    MIRROR_PAD = 100
    ABS = 101
    SPLIT_V = 102
    UNIQUE = 103
    CEIL = 104
    REVERSE_V2 = 105
    ADD_N = 106
    GATHER_ND = 107
    COS = 108
    WHERE = 109
    RANK = 110
    ELU = 111
    REVERSE_SEQUENCE = 112
    MATRIX_DIAG = 113
    QUANTIZE = 114
    MATRIX_SET_DIAG = 115
    ROUND = 116
    HARD_SWISH = 117
    IF = 118
    WHILE = 119
    NON_MAX_SUPPRESSION_V4 = 120
    NON_MAX_SUPPRESSION_V5 = 121
    SCATTER_ND = 122
    SELECT_V2 = 123
    DENSIFY = 124
    SEGMENT_SUM = 125
    BATCH_MATMUL = 126
    PLACEHOLDER_FOR_GREATER_OP_CODES = 127
    CUMSUM = 128
    CALL_ONCE = 129
    BROADCAST_TO = 130
    RFFT2D = 131
    CONV_3D = 132
    IMAG = 133
    REAL = 134
    COMPLEX_ABS = 135
    HASHTABLE = 136
    HASHTABLE_FIND = 137
    HASHTABLE_IMPORT = 138
    HASHTABLE_SIZE = 139
    REDUCE_ALL = 140
    CONV_3D_TRANSPOSE = 141
    VAR_HANDLE = 142
    READ_VARIABLE = 143
    ASSIGN_VARIABLE = 144
    BROADCAST_ARGS = 145
    RANDOM_STANDARD_NORMAL = 146
    BUCKETIZE = 147
    RANDOM_UNIFORM = 148
    MULTINOMIAL = 149
    GELU = 150
    DYNAMIC_UPDATE_SLICE = 151
    RELU_0_TO_1 = 152
    UNSORTED_SEGMENT_PROD = 153
    UNSORTED_SEGMENT_MAX = 154
    UNSORTED_SEGMENT_SUM = 155
    ATAN2 = 156
    UNSORTED_SEGMENT_MIN = 157
    SIGN = 158
    BITCAST = 159
    BITWISE_XOR = 160
    RIGHT_SHIFT = 161
    STABLEHLO_LOGISTIC = 162
    STABLEHLO_ADD = 163
    STABLEHLO_DIVIDE = 164
    STABLEHLO_MULTIPLY = 165
    STABLEHLO_MAXIMUM = 166
    STABLEHLO_RESHAPE = 167
    STABLEHLO_CLAMP = 168
    STABLEHLO_CONCATENATE = 169
    STABLEHLO_BROADCAST_IN_DIM = 170
    STABLEHLO_CONVOLUTION = 171
    STABLEHLO_SLICE = 172
    STABLEHLO_CUSTOM_CALL = 173
    STABLEHLO_REDUCE = 174
    STABLEHLO_ABS = 175
    STABLEHLO_AND = 176
    STABLEHLO_COSINE = 177
    STABLEHLO_EXPONENTIAL = 178
    STABLEHLO_FLOOR = 179
    STABLEHLO_LOG = 180
    STABLEHLO_MINIMUM = 181
    STABLEHLO_NEGATE = 182
    STABLEHLO_OR = 183
    STABLEHLO_POWER = 184
    STABLEHLO_REMAINDER = 185
    STABLEHLO_RSQRT = 186
    STABLEHLO_SELECT = 187
    STABLEHLO_SUBTRACT = 188
    STABLEHLO_TANH = 189
    STABLEHLO_SCATTER = 190
    STABLEHLO_COMPARE = 191
    STABLEHLO_CONVERT = 192
    STABLEHLO_DYNAMIC_SLICE = 193
    STABLEHLO_DYNAMIC_UPDATE_SLICE = 194
    STABLEHLO_PAD = 195
    STABLEHLO_IOTA = 196
    STABLEHLO_DOT_GENERAL = 197
    STABLEHLO_REDUCE_WINDOW = 198
    STABLEHLO_SORT = 199
    STABLEHLO_WHILE = 200
    STABLEHLO_GATHER = 201
    STABLEHLO_TRANSPOSE = 202
    DILATE = 203
    STABLEHLO_RNG_BIT_GENERATOR = 204
    REDUCE_WINDOW = 205  # deprecated in the schema
    STABLEHLO_COMPOSITE = 206
    STABLEHLO_SHIFT_LEFT = 207
    STABLEHLO_CBRT = 208
    STABLEHLO_CASE = 209


class Padding(IntEnum):
    """Padding scheme of convolutions and pools."""

    SAME = 0
    VALID = 1


class ActivationFunctionType(IntEnum):
    """Fused activation applied by an operator to its output."""

    NONE = 0
    RELU = 1
    RELU_N1_TO_1 = 2
    RELU6 = 3
    TANH = 4
    SIGN_BIT = 5


class FullyConnectedOptionsWeightsFormat(IntEnum):
    """Schema enum ``FullyConnectedOptionsWeightsFormat`` (stored as ``byte``)."""

    DEFAULT = 0
    SHUFFLED4x16INT8 = 1


class LSTMKernelType(IntEnum):
    """Schema enum ``LSTMKernelType`` (stored as ``byte``)."""

    FULL = 0
    BASIC = 1


class LSHProjectionType(IntEnum):
    """Schema enum ``LSHProjectionType`` (stored as ``byte``)."""

    UNKNOWN = 0
    SPARSE = 1
    DENSE = 2


class CombinerType(IntEnum):
    """Schema enum ``CombinerType`` (stored as ``byte``)."""

    SUM = 0
    MEAN = 1
    SQRTN = 2


class MirrorPadMode(IntEnum):
    """Schema enum ``MirrorPadMode`` (stored as ``byte``)."""

    REFLECT = 0
    SYMMETRIC = 1


class CustomOptionsFormat(IntEnum):
    """Schema enum ``CustomOptionsFormat`` (stored as ``byte``)."""

    FLEXBUFFERS = 0


class DimensionType(IntEnum):
    """Schema enum ``DimensionType`` (stored as ``byte``)."""

    DENSE = 0
    SPARSE_CSR = 1


class ReduceWindowFunction(IntEnum):
    """Schema enum ``ReduceWindowFunction`` (stored as ``int``)."""

    UNSUPPORTED = 0
    ADD = 1
    MUL = 2
    MINIMUM = 3
    MAXIMUM = 4
    ALL = 5
    ANY = 6


class RngAlgorithm(IntEnum):
    """Schema enum ``RngAlgorithm`` (stored as ``byte``)."""

    DEFAULT = 0
    PHILOX = 1
    THREEFRY = 2


class StablehloPrecisionConfig(IntEnum):
    """Schema enum ``StablehloPrecisionConfig`` (stored as ``uint``)."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2


class StablehloComparisonDirection(IntEnum):
    """Schema enum ``StablehloComparisonDirection`` (stored as ``uint``)."""

    STABLEHLO_COMPARISON_DIRECTION_EQ = 0
    STABLEHLO_COMPARISON_DIRECTION_NE = 1
    STABLEHLO_COMPARISON_DIRECTION_GE = 2
    STABLEHLO_COMPARISON_DIRECTION_GT = 3
    STABLEHLO_COMPARISON_DIRECTION_LE = 4
    STABLEHLO_COMPARISON_DIRECTION_LT = 5


class StablehloComparisonType(IntEnum):
    """Schema enum ``StablehloComparisonType`` (stored as ``uint``)."""

    STABLEHLO_COMPARISON_TYPE_NOTYPE = 0
    STABLEHLO_COMPARISON_TYPE_FLOAT = 1
    STABLEHLO_COMPARISON_TYPE_FLOAT_TOTAL_ORDER = 2
    STABLEHLO_COMPARISON_TYPE_SIGNED = 3
    STABLEHLO_COMPARISON_TYPE_UNSIGNED = 4


# The storage type of every enum, as the schema declares it.
ENUM_BASE_TYPES: dict[type[IntEnum], str] = {
    TensorType: "byte",
    BuiltinOperator: "int",
    Padding: "byte",
    ActivationFunctionType: "byte",
    FullyConnectedOptionsWeightsFormat: "byte",
    LSTMKernelType: "byte",
    LSHProjectionType: "byte",
    CombinerType: "byte",
    MirrorPadMode: "byte",
    CustomOptionsFormat: "byte",
    DimensionType: "byte",
    ReduceWindowFunction: "int",
    RngAlgorithm: "byte",
    StablehloPrecisionConfig: "uint",
    StablehloComparisonDirection: "uint",
    StablehloComparisonType: "uint",
}


# Tables of the model structure, in schema order (a field's position is its slot).
_CORE_TABLES: tuple[Table, ...] = (
    T(
        "Model",
        (
            F("version", "uint"),
            F("operator_codes", "[table]", ref="OperatorCode"),
            F("subgraphs", "[table]", ref="SubGraph"),
            F("description", "string"),
            F("buffers", "[table]", ref="Buffer"),
            F("metadata_buffer", "[int]"),
            F("metadata", "[table]", ref="Metadata"),
            F("signature_defs", "[table]", ref="SignatureDef"),
            F("external_buffer_groups", "[table]", ref="ExternalBufferGroup"),
            F("external_buffers", "[table]", ref="ExternalBuffer"),
        ),
    ),
    T(
        "OperatorCode",
        (
            F("deprecated_builtin_code", "byte"),
            F("custom_code", "string"),
            F("version", "int", 1),
            F("builtin_code", "int", BuiltinOperator.ADD, enum=BuiltinOperator),
        ),
    ),
    T(
        "SubGraph",
        (
            F("tensors", "[table]", ref="Tensor"),
            F("inputs", "[int]"),
            F("outputs", "[int]"),
            F("operators", "[table]", ref="Operator"),
            F("name", "string"),
            F("debug_metadata_index", "int", -1),
        ),
    ),
    T(
        "Tensor",
        (
            F("shape", "[int]"),
            F("type", "byte", TensorType.FLOAT32, enum=TensorType),
            F("buffer", "uint"),
            F("name", "string"),
            F("quantization", "table", ref="QuantizationParameters"),
            F("is_variable", "bool"),
            F("sparsity", "table", ref="SparsityParameters"),
            F("shape_signature", "[int]"),
            F("has_rank", "bool"),
            F("variant_tensors", "[table]", ref="VariantSubType"),
            F("external_buffer", "uint"),
        ),
    ),
    T(
        "QuantizationParameters",
        (
            F("min", "[float]"),
            F("max", "[float]"),
            F("scale", "[float]"),
            F("zero_point", "[long]"),
            F("details_type", "utype", ref="QuantizationDetails"),
            F("details", "union", ref="QuantizationDetails"),
            F("quantized_dimension", "int"),
        ),
    ),
    T(
        "Operator",
        (
            F("opcode_index", "uint"),
            F("inputs", "[int]"),
            F("outputs", "[int]"),
            F("builtin_options_type", "utype", ref="BuiltinOptions"),
            F("builtin_options", "union", ref="BuiltinOptions"),
            F("custom_options", "[ubyte]"),
            F(
                "custom_options_format",
                "byte",
                CustomOptionsFormat.FLEXBUFFERS,
                enum=CustomOptionsFormat,
            ),
            F("mutating_variable_inputs", "[bool]"),
            F("intermediates", "[int]"),
            F("large_custom_options_offset", "ulong"),
            F("large_custom_options_size", "ulong"),
            F("builtin_options_2_type", "utype", ref="BuiltinOptions2"),
            F("builtin_options_2", "union", ref="BuiltinOptions2"),
            F("debug_metadata_index", "int", -1),
        ),
    ),
    T("Buffer", (F("data", "[ubyte]", align=16), F("offset", "ulong"), F("size", "ulong"))),
    T("Metadata", (F("name", "string"), F("buffer", "uint"))),
    T(
        "SignatureDef",
        (
            F("inputs", "[table]", ref="TensorMap"),
            F("outputs", "[table]", ref="TensorMap"),
            F("signature_key", "string"),
            F("deprecated_tag", "string", deprecated=True),
            F("subgraph_index", "uint"),
        ),
    ),
    T("TensorMap", (F("name", "string"), F("tensor_index", "uint"))),
    T(
        "SparsityParameters",
        (
            F("traversal_order", "[int]"),
            F("block_map", "[int]"),
            F("dim_metadata", "[table]", ref="DimensionMetadata"),
        ),
    ),
    T(
        "VariantSubType",
        (
            F("shape", "[int]"),
            F("type", "byte", TensorType.FLOAT32, enum=TensorType),
            F("has_rank", "bool"),
        ),
    ),
    T(
        "ExternalBuffer",
        (
            F("id", "uint"),
            F("group", "uint"),
            F("offset", "ulong"),
            F("length", "ulong"),
            F("packing", "string"),
        ),
    ),
    T("ExternalBufferGroup", (F("name", "string"),)),
    T("CustomQuantization", (F("custom", "[ubyte]", align=16),)),
    T(
        "BlockwiseQuantization",
        (F("scales", "int"), F("zero_points", "int"), F("block_size", "int")),
    ),
    T(
        "MultiAxisQuantization",
        (
            F("scales", "int"),
            F("zero_points", "int"),
            F("block_size", "int"),
            F("quantized_dimensions", "[int]"),
        ),
    ),
    T(
        "DimensionMetadata",
        (
            F("format", "byte", DimensionType.DENSE, enum=DimensionType),
            F("dense_size", "int"),
            F("array_segments_type", "utype", ref="SparseIndexVector"),
            F("array_segments", "union", ref="SparseIndexVector"),
            F("array_indices_type", "utype", ref="SparseIndexVector"),
            F("array_indices", "union", ref="SparseIndexVector"),
        ),
    ),
    T("Int32Vector", (F("values", "[int]"),)),
    T("Uint16Vector", (F("values", "[ushort]", align=4),)),
    T("Uint8Vector", (F("values", "[ubyte]", align=4),)),
)

# Every member of the BuiltinOptions union, in union order (union type = position + 1).
_OPTIONS_TABLES: tuple[Table, ...] = (
    T(
        "Conv2DOptions",
        (
            F("padding", "byte", Padding.SAME, enum=Padding),
            F("stride_w", "int"),
            F("stride_h", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("dilation_w_factor", "int", 1),
            F("dilation_h_factor", "int", 1),
            F("quantized_bias_type", "byte", TensorType.FLOAT32, enum=TensorType),
        ),
    ),
    T(
        "DepthwiseConv2DOptions",
        (
            F("padding", "byte", Padding.SAME, enum=Padding),
            F("stride_w", "int"),
            F("stride_h", "int"),
            F("depth_multiplier", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("dilation_w_factor", "int", 1),
            F("dilation_h_factor", "int", 1),
        ),
    ),
    T(
        "ConcatEmbeddingsOptions",
        (
            F("num_channels", "int"),
            F("num_columns_per_channel", "[int]"),
            F("embedding_dim_per_channel", "[int]"),
        ),
    ),
    T(
        "LSHProjectionOptions",
        (F("type", "byte", LSHProjectionType.UNKNOWN, enum=LSHProjectionType),),
    ),
    T(
        "Pool2DOptions",
        (
            F("padding", "byte", Padding.SAME, enum=Padding),
            F("stride_w", "int"),
            F("stride_h", "int"),
            F("filter_width", "int"),
            F("filter_height", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
        ),
    ),
    T(
        "SVDFOptions",
        (
            F("rank", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "RNNOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "FullyConnectedOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F(
                "weights_format",
                "byte",
                FullyConnectedOptionsWeightsFormat.DEFAULT,
                enum=FullyConnectedOptionsWeightsFormat,
            ),
            F("keep_num_dims", "bool"),
            F("asymmetric_quantize_inputs", "bool"),
            F("quantized_bias_type", "byte", TensorType.FLOAT32, enum=TensorType),
        ),
    ),
    T("SoftmaxOptions", (F("beta", "float"),)),
    T(
        "ConcatenationOptions",
        (
            F("axis", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
        ),
    ),
    T(
        "AddOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("pot_scale_int16", "bool", True),
        ),
    ),
    T(
        "L2NormOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
        ),
    ),
    T(
        "LocalResponseNormalizationOptions",
        (F("radius", "int"), F("bias", "float"), F("alpha", "float"), F("beta", "float")),
    ),
    T(
        "LSTMOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("cell_clip", "float"),
            F("proj_clip", "float"),
            F("kernel_type", "byte", LSTMKernelType.FULL, enum=LSTMKernelType),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "ResizeBilinearOptions",
        (
            F("new_height", "int", deprecated=True),
            F("new_width", "int", deprecated=True),
            F("align_corners", "bool"),
            F("half_pixel_centers", "bool"),
        ),
    ),
    T("CallOptions", (F("subgraph", "uint"),)),
    T("ReshapeOptions", (F("new_shape", "[int]"),)),
    T(
        "SkipGramOptions",
        (F("ngram_size", "int"), F("max_skip_size", "int"), F("include_all_ngrams", "bool")),
    ),
    T("SpaceToDepthOptions", (F("block_size", "int"),)),
    T(
        "EmbeddingLookupSparseOptions",
        (F("combiner", "byte", CombinerType.SUM, enum=CombinerType),),
    ),
    T(
        "MulOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
        ),
    ),
    T("PadOptions", ()),
    T("GatherOptions", (F("axis", "int"), F("batch_dims", "int"))),
    T("BatchToSpaceNDOptions", ()),
    T("SpaceToBatchNDOptions", ()),
    T("TransposeOptions", ()),
    T("ReducerOptions", (F("keep_dims", "bool"),)),
    T(
        "SubOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("pot_scale_int16", "bool", True),
        ),
    ),
    T(
        "DivOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
        ),
    ),
    T("SqueezeOptions", (F("squeeze_dims", "[int]"),)),
    T(
        "SequenceRNNOptions",
        (
            F("time_major", "bool"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "StridedSliceOptions",
        (
            F("begin_mask", "int"),
            F("end_mask", "int"),
            F("ellipsis_mask", "int"),
            F("new_axis_mask", "int"),
            F("shrink_axis_mask", "int"),
            F("offset", "bool"),
        ),
    ),
    T("ExpOptions", ()),
    T("TopKV2Options", ()),
    T("SplitOptions", (F("num_splits", "int"),)),
    T("LogSoftmaxOptions", ()),
    T(
        "CastOptions",
        (
            F("in_data_type", "byte", TensorType.FLOAT32, enum=TensorType),
            F("out_data_type", "byte", TensorType.FLOAT32, enum=TensorType),
        ),
    ),
    T("DequantizeOptions", ()),
    T("MaximumMinimumOptions", ()),
    T("ArgMaxOptions", (F("output_type", "byte", TensorType.FLOAT32, enum=TensorType),)),
    T("LessOptions", ()),
    T("NegOptions", ()),
    T("PadV2Options", ()),
    T("GreaterOptions", ()),
    T("GreaterEqualOptions", ()),
    T("LessEqualOptions", ()),
    T("SelectOptions", ()),
    T("SliceOptions", ()),
    T(
        "TransposeConvOptions",
        (
            F("padding", "byte", Padding.SAME, enum=Padding),
            F("stride_w", "int"),
            F("stride_h", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("quantized_bias_type", "byte", TensorType.FLOAT32, enum=TensorType),
        ),
    ),
    T("SparseToDenseOptions", (F("validate_indices", "bool"),)),
    T("TileOptions", ()),
    T("ExpandDimsOptions", ()),
    T("EqualOptions", ()),
    T("NotEqualOptions", ()),
    T("ShapeOptions", (F("out_type", "byte", TensorType.FLOAT32, enum=TensorType),)),
    T("PowOptions", ()),
    T("ArgMinOptions", (F("output_type", "byte", TensorType.FLOAT32, enum=TensorType),)),
    T(
        "FakeQuantOptions",
        (F("min", "float"), F("max", "float"), F("num_bits", "int"), F("narrow_range", "bool")),
    ),
    T("PackOptions", (F("values_count", "int"), F("axis", "int"))),
    T("LogicalOrOptions", ()),
    T("OneHotOptions", (F("axis", "int"),)),
    T("LogicalAndOptions", ()),
    T("LogicalNotOptions", ()),
    T("UnpackOptions", (F("num", "int"), F("axis", "int"))),
    T("FloorDivOptions", ()),
    T("SquareOptions", ()),
    T("ZerosLikeOptions", ()),
    T("FillOptions", ()),
    T(
        "BidirectionalSequenceLSTMOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("cell_clip", "float"),
            F("proj_clip", "float"),
            F("merge_outputs", "bool"),
            F("time_major", "bool", True),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "BidirectionalSequenceRNNOptions",
        (
            F("time_major", "bool"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("merge_outputs", "bool"),
            F("asymmetric_quantize_inputs", "bool"),
        ),
    ),
    T(
        "UnidirectionalSequenceLSTMOptions",
        (
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("cell_clip", "float"),
            F("proj_clip", "float"),
            F("time_major", "bool"),
            F("asymmetric_quantize_inputs", "bool"),
            F("diagonal_recurrent_tensors", "bool"),
        ),
    ),
    T("FloorModOptions", ()),
    T("RangeOptions", ()),
    T(
        "ResizeNearestNeighborOptions",
        (F("align_corners", "bool"), F("half_pixel_centers", "bool")),
    ),
    T("LeakyReluOptions", (F("alpha", "float"),)),
    T("SquaredDifferenceOptions", ()),
    T("MirrorPadOptions", (F("mode", "byte", MirrorPadMode.REFLECT, enum=MirrorPadMode),)),
    T("AbsOptions", ()),
    T("SplitVOptions", (F("num_splits", "int"),)),
    T("UniqueOptions", (F("idx_out_type", "byte", TensorType.INT32, enum=TensorType),)),
    T("ReverseV2Options", ()),
    T("AddNOptions", ()),
    T("GatherNdOptions", ()),
    T("CosOptions", ()),
    T("WhereOptions", ()),
    T("RankOptions", ()),
    T("ReverseSequenceOptions", (F("seq_dim", "int"), F("batch_dim", "int"))),
    T("MatrixDiagOptions", ()),
    T("QuantizeOptions", ()),
    T("MatrixSetDiagOptions", ()),
    T("HardSwishOptions", ()),
    T("IfOptions", (F("then_subgraph_index", "int"), F("else_subgraph_index", "int"))),
    T("WhileOptions", (F("cond_subgraph_index", "int"), F("body_subgraph_index", "int"))),
    T("DepthToSpaceOptions", (F("block_size", "int"),)),
    T("NonMaxSuppressionV4Options", ()),
    T("NonMaxSuppressionV5Options", ()),
    T("ScatterNdOptions", ()),
    T("SelectV2Options", ()),
    T("DensifyOptions", ()),
    T("SegmentSumOptions", ()),
    T(
        "BatchMatMulOptions",
        (F("adj_x", "bool"), F("adj_y", "bool"), F("asymmetric_quantize_inputs", "bool")),
    ),
    T("CumsumOptions", (F("exclusive", "bool"), F("reverse", "bool"))),
    T("CallOnceOptions", (F("init_subgraph_index", "int"),)),
    T("BroadcastToOptions", ()),
    T("Rfft2dOptions", ()),
    T(
        "Conv3DOptions",
        (
            F("padding", "byte", Padding.SAME, enum=Padding),
            F("stride_d", "int"),
            F("stride_w", "int"),
            F("stride_h", "int"),
            F(
                "fused_activation_function",
                "byte",
                ActivationFunctionType.NONE,
                enum=ActivationFunctionType,
            ),
            F("dilation_d_factor", "int", 1),
            F("dilation_w_factor", "int", 1),
            F("dilation_h_factor", "int", 1),
        ),
    ),
    T(
        "HashtableOptions",
        (
            F("table_id", "int"),
            F("key_dtype", "byte", TensorType.FLOAT32, enum=TensorType),
            F("value_dtype", "byte", TensorType.FLOAT32, enum=TensorType),
        ),
    ),
    T("HashtableFindOptions", ()),
    T("HashtableImportOptions", ()),
    T("HashtableSizeOptions", ()),
    T("VarHandleOptions", (F("container", "string"), F("shared_name", "string"))),
    T("ReadVariableOptions", ()),
    T("AssignVariableOptions", ()),
    T("RandomOptions", (F("seed", "long"), F("seed2", "long"))),
    T("BucketizeOptions", (F("boundaries", "[float]"),)),
    T("GeluOptions", (F("approximate", "bool"),)),
    T("DynamicUpdateSliceOptions", ()),
    T("UnsortedSegmentProdOptions", ()),
    T("UnsortedSegmentMaxOptions", ()),
    T("UnsortedSegmentMinOptions", ()),
    T("UnsortedSegmentSumOptions", ()),
    T("ATan2Options", ()),
    T("SignOptions", ()),
    T("BitcastOptions", ()),
    T("BitwiseXorOptions", ()),
    T("RightShiftOptions", ()),
)

# Every member of the BuiltinOptions2 union, in union order (union type = position + 1).
_OPTIONS_2_TABLES: tuple[Table, ...] = (
    T("StablehloConcatenateOptions", (F("dimension", "long"),)),
    T("StablehloBroadcastInDimOptions", (F("broadcast_dimensions", "[long]"),)),
    T(
        "StablehloSliceOptions",
        (F("start_indices", "[long]"), F("limit_indices", "[long]"), F("strides", "[long]")),
    ),
    T(
        "StablehloConvolutionOptions",
        (
            F("window_strides", "[long]"),
            F("padding", "[long]"),
            F("lhs_dilation", "[long]"),
            F("rhs_dilation", "[long]"),
            F("window_reversal", "[bool]"),
            F("input_batch_dimension", "long"),
            F("input_feature_dimension", "long"),
            F("input_spatial_dimensions", "[long]"),
            F("kernel_input_feature_dimension", "long"),
            F("kernel_output_feature_dimension", "long"),
            F("kernel_spatial_dimensions", "[long]"),
            F("output_batch_dimension", "long"),
            F("output_feature_dimension", "long"),
            F("output_spatial_dimensions", "[long]"),
            F("feature_group_count", "long"),
            F("batch_group_count", "long"),
            F("precision_config", "[uint]", enum=StablehloPrecisionConfig),
        ),
    ),
    T(
        "StablehloCustomCallOptions",
        (
            F("call_target_name", "string"),
            F("has_side_effect", "bool"),
            F("backend_config", "string"),
            F("api_version", "int"),
            F("called_computations", "[int]"),
            F("custom_attributes", "[ubyte]"),
        ),
    ),
    T("StablehloReduceOptions", (F("dimensions", "[long]"), F("body_subgraph_index", "int"))),
    T(
        "StablehloScatterOptions",
        (
            F("indices_are_sorted", "bool"),
            F("update_window_dims", "[long]"),
            F("inserted_window_dims", "[long]"),
            F("scatter_dims_to_operand_dims", "[long]"),
            F("index_vector_dim", "long"),
            F("unique_indices", "bool"),
            F("update_computation_subgraph_index", "int"),
        ),
    ),
    T(
        "StablehloCompareOptions",
        (
            F(
                "comparison_direction",
                "uint",
                StablehloComparisonDirection.STABLEHLO_COMPARISON_DIRECTION_EQ,
                enum=StablehloComparisonDirection,
            ),
            F(
                "compare_type",
                "uint",
                StablehloComparisonType.STABLEHLO_COMPARISON_TYPE_NOTYPE,
                enum=StablehloComparisonType,
            ),
        ),
    ),
    T("StablehloDynamicSliceOptions", (F("slice_sizes", "[long]"),)),
    T(
        "StablehloPadOptions",
        (
            F("edge_padding_low", "[long]"),
            F("edge_padding_high", "[long]"),
            F("interior_padding", "[long]"),
        ),
    ),
    T("StablehloIotaOptions", (F("iota_dimension", "long"),)),
    T(
        "StablehloDotGeneralOptions",
        (
            F("lhs_batching_dimensions", "[long]"),
            F("rhs_batching_dimensions", "[long]"),
            F("lhs_contracting_dimensions", "[long]"),
            F("rhs_contracting_dimensions", "[long]"),
            F("precision_config", "[uint]", enum=StablehloPrecisionConfig),
        ),
    ),
    T(
        "StablehloReduceWindowOptions",
        (
            F("window_dimensions", "[long]"),
            F("window_strides", "[long]"),
            F("base_dilations", "[long]"),
            F("window_dilations", "[long]"),
            F("padding", "[long]"),
            F("body_subgraph_index", "int"),
        ),
    ),
    T(
        "StablehloSortOptions",
        (F("dimension", "long"), F("is_stable", "bool"), F("comparator_subgraph_index", "int")),
    ),
    T("StablehloWhileOptions", (F("cond_subgraph_index", "int"), F("body_subgraph_index", "int"))),
    T(
        "StablehloGatherOptions",
        (
            F("offset_dims", "[long]"),
            F("collapsed_slice_dims", "[long]"),
            F("start_index_map", "[long]"),
            F("index_vector_dim", "long"),
            F("slice_sizes", "[long]"),
            F("indices_are_sorted", "bool"),
        ),
    ),
    T("StablehloTransposeOptions", (F("permutation", "[long]"),)),
    T("DilateOptions", ()),
    T(
        "StablehloRngBitGeneratorOptions",
        (F("algorithm", "byte", RngAlgorithm.DEFAULT, enum=RngAlgorithm),),
    ),
    T(
        "ReduceWindowOptions",
        (F("reduce_function", "int", ReduceWindowFunction.UNSUPPORTED, enum=ReduceWindowFunction),),
    ),
    T(
        "StableHLOCompositeOptions",
        (
            F("name", "string"),
            F("decomposition_subgraph_index", "int"),
            F("composite_attributes", "[ubyte]"),
            F(
                "composite_attributes_format",
                "byte",
                CustomOptionsFormat.FLEXBUFFERS,
                enum=CustomOptionsFormat,
            ),
            F("version", "int"),
        ),
    ),
    T("StablehloShiftLeftOptions", ()),
    T("StablehloCaseOptions", (F("branch_subgraph_indices", "[int]"),)),
)

# The options table each builtin operator carries (ops not listed carry none).
OP_OPTIONS: dict[BuiltinOperator, str] = {
    BuiltinOperator.ADD: "AddOptions",
    BuiltinOperator.AVERAGE_POOL_2D: "Pool2DOptions",
    BuiltinOperator.CONCATENATION: "ConcatenationOptions",
    BuiltinOperator.CONV_2D: "Conv2DOptions",
    BuiltinOperator.DEPTHWISE_CONV_2D: "DepthwiseConv2DOptions",
    BuiltinOperator.DEPTH_TO_SPACE: "DepthToSpaceOptions",
    BuiltinOperator.DEQUANTIZE: "DequantizeOptions",
    BuiltinOperator.FULLY_CONNECTED: "FullyConnectedOptions",
    BuiltinOperator.L2_NORMALIZATION: "L2NormOptions",
    BuiltinOperator.L2_POOL_2D: "Pool2DOptions",
    BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION: "LocalResponseNormalizationOptions",
    BuiltinOperator.LSH_PROJECTION: "LSHProjectionOptions",
    BuiltinOperator.LSTM: "LSTMOptions",
    BuiltinOperator.MAX_POOL_2D: "Pool2DOptions",
    BuiltinOperator.MUL: "MulOptions",
    BuiltinOperator.RESHAPE: "ReshapeOptions",
    BuiltinOperator.RESIZE_BILINEAR: "ResizeBilinearOptions",
    BuiltinOperator.RNN: "RNNOptions",
    BuiltinOperator.SOFTMAX: "SoftmaxOptions",
    BuiltinOperator.SPACE_TO_DEPTH: "SpaceToDepthOptions",
    BuiltinOperator.SVDF: "SVDFOptions",
    BuiltinOperator.CONCAT_EMBEDDINGS: "ConcatEmbeddingsOptions",
    BuiltinOperator.SKIP_GRAM: "SkipGramOptions",
    BuiltinOperator.CALL: "CallOptions",
    BuiltinOperator.EMBEDDING_LOOKUP_SPARSE: "EmbeddingLookupSparseOptions",
    BuiltinOperator.PAD: "PadOptions",
    BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN: "SequenceRNNOptions",
    BuiltinOperator.GATHER: "GatherOptions",
    BuiltinOperator.BATCH_TO_SPACE_ND: "BatchToSpaceNDOptions",
    BuiltinOperator.SPACE_TO_BATCH_ND: "SpaceToBatchNDOptions",
    BuiltinOperator.TRANSPOSE: "TransposeOptions",
    BuiltinOperator.MEAN: "ReducerOptions",
    BuiltinOperator.SUB: "SubOptions",
    BuiltinOperator.DIV: "DivOptions",
    BuiltinOperator.SQUEEZE: "SqueezeOptions",
    BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM: "UnidirectionalSequenceLSTMOptions",
    BuiltinOperator.STRIDED_SLICE: "StridedSliceOptions",
    BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN: "BidirectionalSequenceRNNOptions",
    BuiltinOperator.EXP: "ExpOptions",
    BuiltinOperator.TOPK_V2: "TopKV2Options",
    BuiltinOperator.SPLIT: "SplitOptions",
    BuiltinOperator.LOG_SOFTMAX: "LogSoftmaxOptions",
    BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM: "BidirectionalSequenceLSTMOptions",
    BuiltinOperator.CAST: "CastOptions",
    BuiltinOperator.MAXIMUM: "MaximumMinimumOptions",
    BuiltinOperator.ARG_MAX: "ArgMaxOptions",
    BuiltinOperator.MINIMUM: "MaximumMinimumOptions",
    BuiltinOperator.LESS: "LessOptions",
    BuiltinOperator.NEG: "NegOptions",
    BuiltinOperator.PADV2: "PadV2Options",
    BuiltinOperator.GREATER: "GreaterOptions",
    BuiltinOperator.GREATER_EQUAL: "GreaterEqualOptions",
    BuiltinOperator.LESS_EQUAL: "LessEqualOptions",
    BuiltinOperator.SELECT: "SelectOptions",
    BuiltinOperator.SLICE: "SliceOptions",
    BuiltinOperator.TRANSPOSE_CONV: "TransposeConvOptions",
    BuiltinOperator.SPARSE_TO_DENSE: "SparseToDenseOptions",
    BuiltinOperator.TILE: "TileOptions",
    BuiltinOperator.EXPAND_DIMS: "ExpandDimsOptions",
    BuiltinOperator.EQUAL: "EqualOptions",
    BuiltinOperator.NOT_EQUAL: "NotEqualOptions",
    BuiltinOperator.SUM: "ReducerOptions",
    BuiltinOperator.SHAPE: "ShapeOptions",
    BuiltinOperator.POW: "PowOptions",
    BuiltinOperator.ARG_MIN: "ArgMinOptions",
    BuiltinOperator.FAKE_QUANT: "FakeQuantOptions",
    BuiltinOperator.REDUCE_PROD: "ReducerOptions",
    BuiltinOperator.REDUCE_MAX: "ReducerOptions",
    BuiltinOperator.PACK: "PackOptions",
    BuiltinOperator.LOGICAL_OR: "LogicalOrOptions",
    BuiltinOperator.ONE_HOT: "OneHotOptions",
    BuiltinOperator.LOGICAL_AND: "LogicalAndOptions",
    BuiltinOperator.LOGICAL_NOT: "LogicalNotOptions",
    BuiltinOperator.UNPACK: "UnpackOptions",
    BuiltinOperator.REDUCE_MIN: "ReducerOptions",
    BuiltinOperator.FLOOR_DIV: "FloorDivOptions",
    BuiltinOperator.REDUCE_ANY: "ReducerOptions",
    BuiltinOperator.SQUARE: "SquareOptions",
    BuiltinOperator.ZEROS_LIKE: "ZerosLikeOptions",
    BuiltinOperator.FILL: "FillOptions",
    BuiltinOperator.FLOOR_MOD: "FloorModOptions",
    BuiltinOperator.RANGE: "RangeOptions",
    BuiltinOperator.RESIZE_NEAREST_NEIGHBOR: "ResizeNearestNeighborOptions",
    BuiltinOperator.LEAKY_RELU: "LeakyReluOptions",
    BuiltinOperator.SQUARED_DIFFERENCE: "SquaredDifferenceOptions",
    BuiltinOperator.MIRROR_PAD: "MirrorPadOptions",
    BuiltinOperator.ABS: "AbsOptions",
    BuiltinOperator.SPLIT_V: "SplitVOptions",
    BuiltinOperator.UNIQUE: "UniqueOptions",
    BuiltinOperator.REVERSE_V2: "ReverseV2Options",
    BuiltinOperator.ADD_N: "AddNOptions",
    BuiltinOperator.GATHER_ND: "GatherNdOptions",
    BuiltinOperator.COS: "CosOptions",
    BuiltinOperator.WHERE: "WhereOptions",
    BuiltinOperator.RANK: "RankOptions",
    BuiltinOperator.REVERSE_SEQUENCE: "ReverseSequenceOptions",
    BuiltinOperator.MATRIX_DIAG: "MatrixDiagOptions",
    BuiltinOperator.QUANTIZE: "QuantizeOptions",
    BuiltinOperator.MATRIX_SET_DIAG: "MatrixSetDiagOptions",
    BuiltinOperator.HARD_SWISH: "HardSwishOptions",
    BuiltinOperator.IF: "IfOptions",
    BuiltinOperator.WHILE: "WhileOptions",
    BuiltinOperator.NON_MAX_SUPPRESSION_V4: "NonMaxSuppressionV4Options",
    BuiltinOperator.NON_MAX_SUPPRESSION_V5: "NonMaxSuppressionV5Options",
    BuiltinOperator.SCATTER_ND: "ScatterNdOptions",
    BuiltinOperator.SELECT_V2: "SelectV2Options",
    BuiltinOperator.DENSIFY: "DensifyOptions",
    BuiltinOperator.SEGMENT_SUM: "SegmentSumOptions",
    BuiltinOperator.BATCH_MATMUL: "BatchMatMulOptions",
    BuiltinOperator.CUMSUM: "CumsumOptions",
    BuiltinOperator.CALL_ONCE: "CallOnceOptions",
    BuiltinOperator.BROADCAST_TO: "BroadcastToOptions",
    BuiltinOperator.RFFT2D: "Rfft2dOptions",
    BuiltinOperator.CONV_3D: "Conv3DOptions",
    BuiltinOperator.HASHTABLE: "HashtableOptions",
    BuiltinOperator.HASHTABLE_FIND: "HashtableFindOptions",
    BuiltinOperator.HASHTABLE_IMPORT: "HashtableImportOptions",
    BuiltinOperator.HASHTABLE_SIZE: "HashtableSizeOptions",
    BuiltinOperator.REDUCE_ALL: "ReducerOptions",
    BuiltinOperator.CONV_3D_TRANSPOSE: "Conv3DOptions",
    BuiltinOperator.VAR_HANDLE: "VarHandleOptions",
    BuiltinOperator.READ_VARIABLE: "ReadVariableOptions",
    BuiltinOperator.ASSIGN_VARIABLE: "AssignVariableOptions",
    BuiltinOperator.RANDOM_STANDARD_NORMAL: "RandomOptions",
    BuiltinOperator.BUCKETIZE: "BucketizeOptions",
    BuiltinOperator.RANDOM_UNIFORM: "RandomOptions",
    BuiltinOperator.MULTINOMIAL: "RandomOptions",
    BuiltinOperator.GELU: "GeluOptions",
    BuiltinOperator.DYNAMIC_UPDATE_SLICE: "DynamicUpdateSliceOptions",
    BuiltinOperator.UNSORTED_SEGMENT_PROD: "UnsortedSegmentProdOptions",
    BuiltinOperator.UNSORTED_SEGMENT_MAX: "UnsortedSegmentMaxOptions",
    BuiltinOperator.UNSORTED_SEGMENT_SUM: "UnsortedSegmentSumOptions",
    BuiltinOperator.ATAN2: "ATan2Options",
    BuiltinOperator.UNSORTED_SEGMENT_MIN: "UnsortedSegmentMinOptions",
    BuiltinOperator.SIGN: "SignOptions",
    BuiltinOperator.BITCAST: "BitcastOptions",
    BuiltinOperator.BITWISE_XOR: "BitwiseXorOptions",
    BuiltinOperator.RIGHT_SHIFT: "RightShiftOptions",
    BuiltinOperator.STABLEHLO_CONCATENATE: "StablehloConcatenateOptions",
    BuiltinOperator.STABLEHLO_BROADCAST_IN_DIM: "StablehloBroadcastInDimOptions",
    BuiltinOperator.STABLEHLO_CONVOLUTION: "StablehloConvolutionOptions",
    BuiltinOperator.STABLEHLO_SLICE: "StablehloSliceOptions",
    BuiltinOperator.STABLEHLO_CUSTOM_CALL: "StablehloCustomCallOptions",
    BuiltinOperator.STABLEHLO_REDUCE: "StablehloReduceOptions",
    BuiltinOperator.STABLEHLO_SCATTER: "StablehloScatterOptions",
    BuiltinOperator.STABLEHLO_COMPARE: "StablehloCompareOptions",
    BuiltinOperator.STABLEHLO_DYNAMIC_SLICE: "StablehloDynamicSliceOptions",
    BuiltinOperator.STABLEHLO_PAD: "StablehloPadOptions",
    BuiltinOperator.STABLEHLO_IOTA: "StablehloIotaOptions",
    BuiltinOperator.STABLEHLO_DOT_GENERAL: "StablehloDotGeneralOptions",
    BuiltinOperator.STABLEHLO_REDUCE_WINDOW: "StablehloReduceWindowOptions",
    BuiltinOperator.STABLEHLO_SORT: "StablehloSortOptions",
    BuiltinOperator.STABLEHLO_WHILE: "StablehloWhileOptions",
    BuiltinOperator.STABLEHLO_GATHER: "StablehloGatherOptions",
    BuiltinOperator.STABLEHLO_TRANSPOSE: "StablehloTransposeOptions",
    BuiltinOperator.DILATE: "DilateOptions",
    BuiltinOperator.STABLEHLO_RNG_BIT_GENERATOR: "StablehloRngBitGeneratorOptions",
    BuiltinOperator.REDUCE_WINDOW: "ReduceWindowOptions",
    BuiltinOperator.STABLEHLO_COMPOSITE: "StableHLOCompositeOptions",
    BuiltinOperator.STABLEHLO_SHIFT_LEFT: "StablehloShiftLeftOptions",
    BuiltinOperator.STABLEHLO_CASE: "StablehloCaseOptions",
}


TABLES: dict[str, Table] = {t.name: t for t in _CORE_TABLES + _OPTIONS_TABLES + _OPTIONS_2_TABLES}

# Union members by union name, in union order: member i has union type i + 1 (0 is NONE).
UNIONS: dict[str, tuple[str, ...]] = {
    "BuiltinOptions": tuple(t.name for t in _OPTIONS_TABLES),
    "BuiltinOptions2": tuple(t.name for t in _OPTIONS_2_TABLES),
    "QuantizationDetails": (
        "CustomQuantization",
        "BlockwiseQuantization",
        "MultiAxisQuantization",
    ),
    "SparseIndexVector": ("Int32Vector", "Uint16Vector", "Uint8Vector"),
}

MODEL = TABLES["Model"]
OPERATOR_CODE = TABLES["OperatorCode"]
SUBGRAPH = TABLES["SubGraph"]
TENSOR = TABLES["Tensor"]
QUANTIZATION = TABLES["QuantizationParameters"]
OPERATOR = TABLES["Operator"]
BUFFER = TABLES["Buffer"]
METADATA = TABLES["Metadata"]

FILE_IDENTIFIER = b"TFL3"
SCHEMA_VERSION = 3

# numpy equivalents of the tensor types numpy can hold (all little-endian, as TFLite stores).
NUMPY_DTYPES: dict[TensorType, np.dtype[Any]] = {
    TensorType.FLOAT32: np.dtype("<f4"),
    TensorType.FLOAT16: np.dtype("<f2"),
    TensorType.INT32: np.dtype("<i4"),
    TensorType.UINT8: np.dtype("u1"),
    TensorType.INT64: np.dtype("<i8"),
    TensorType.BOOL: np.dtype("?"),
    TensorType.INT16: np.dtype("<i2"),
    TensorType.COMPLEX64: np.dtype("<c8"),
    TensorType.INT8: np.dtype("i1"),
    TensorType.FLOAT64: np.dtype("<f8"),
    TensorType.COMPLEX128: np.dtype("<c16"),
    TensorType.UINT64: np.dtype("<u8"),
    TensorType.UINT32: np.dtype("<u4"),
    TensorType.UINT16: np.dtype("<u2"),
}


def tensor_type(value: TensorType | str | np.dtype[Any] | type) -> TensorType:
    """The TensorType named by `value`: a TensorType, its name ("INT8", "int8"), or a dtype."""
    if isinstance(value, TensorType):
        return value
    if isinstance(value, str) and value.upper() in TensorType.__members__:
        return TensorType[value.upper()]
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise ValueError(f"not a tensor type: {value!r}") from None
    for ttype, candidate in NUMPY_DTYPES.items():
        if candidate == dtype.newbyteorder("<"):
            return ttype
    raise ValueError(f"numpy dtype {dtype} has no TFLite tensor type")


@dataclass(frozen=True)
class OptionsSpec:
    """Where an operator's builtin options live: the union, the union type and the table."""

    union: str  # "BuiltinOptions" or "BuiltinOptions2"
    type: int  # union type code, >= 1
    table: Table


def options_spec(union: str, type_code: int) -> OptionsSpec | None:
    """The member `type_code` of union `union`; None for NONE (0) or an unknown code."""
    members = UNIONS[union]
    if not 1 <= type_code <= len(members):
        return None
    return OptionsSpec(union, type_code, TABLES[members[type_code - 1]])


def _op_options_specs() -> dict[int, OptionsSpec]:
    specs: dict[int, OptionsSpec] = {}
    for op, name in OP_OPTIONS.items():
        for union in ("BuiltinOptions", "BuiltinOptions2"):
            if name in UNIONS[union]:
                specs[op] = OptionsSpec(union, UNIONS[union].index(name) + 1, TABLES[name])
    return specs


_OP_OPTIONS_SPECS = _op_options_specs()


def op_options(op: int) -> OptionsSpec | None:
    """The options table builtin operator `op` carries, or None if it carries none."""
    return _OP_OPTIONS_SPECS.get(op)
