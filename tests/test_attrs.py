"""migrate.attrs: the v0.19 Relay attrs table and attribute normalisation.

Expected defaults below were read from the apache/tvm v0.19.0 headers by hand (the header and
the line of `set_default` are named in each case), not produced by the generator.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from migrate import attrs as A
from migrate.errors import RelayAttrError
from migrate.relay_ir import AnyDim, Attrs, SizeVar

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "migrate" / "data" / "relay_attrs_v0_19.json"
LEGACY_REGISTRY = ROOT / "tools" / "legacy_relay_registry.json"
TVM_GIT = Path("/work/.mirror/apache+tvm/repo")
OP_LIST = Path("/work/shared/relay-ops-v0.19.txt")

needs_mirror = pytest.mark.skipif(
    not (TVM_GIT.is_dir() and OP_LIST.exists()), reason=f"needs the apache/tvm git mirror at {TVM_GIT} and {OP_LIST}"
)


def defaults(type_key: str) -> dict:
    return {f.name: f.default for f in A.attrs_schema(type_key) if not f.required}


def raises(message: str):
    return pytest.raises(RelayAttrError, match="^" + re.escape(message) + "$")


# ----------------------------------------------------------------------------- the table itself


@needs_mirror
def test_table_is_what_the_generator_writes(tmp_path):
    out = tmp_path / "table.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_relay_attrs_table.py"), "--tvm-git", str(TVM_GIT),
         "--tag", "v0.19.0", "--legacy-registry", str(LEGACY_REGISTRY), "--ops", str(OP_LIST), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == TABLE.read_text(), "regenerate migrate/data/relay_attrs_v0_19.json"


@needs_mirror
def test_every_upstream_relay_attrs_declaration_is_in_the_table():
    # Independent of the generator's parser: the key strings next to TVM_DECLARE_ATTRS.
    grep = subprocess.run(
        ["git", "-C", str(TVM_GIT), "grep", "-h", "-A1", "TVM_DECLARE_ATTRS", "refs/tags/v0.19.0", "--",
         "include/tvm/relay", "src/relay"],
        capture_output=True, text=True, check=True,
    ).stdout
    keys = set(re.findall(r'"(relay\.attrs\.\w+)"', grep))
    table_keys = {entry["type_key"] for entry in json.loads(TABLE.read_text())["attrs"].values()}
    assert len(keys) == 143  # 144 structs, SimulatedQuantizeAttrs declared twice
    assert keys <= table_keys


def test_every_v019_op_has_an_entry():
    ops = json.loads(TABLE.read_text())["ops"]
    assert len(ops) == 306
    if OP_LIST.exists():
        assert sorted(ops) == sorted(line.strip() for line in OP_LIST.read_text().splitlines() if line.strip())
    assert all(A.is_known_op(op) for op in ops)


def test_table_format_is_deterministic():
    text = TABLE.read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1) + "\n"


def test_field_order_and_attrs_types_match_the_real_legacy_registry():
    # tools/legacy_relay_registry.json was dumped from the legacy Relay build (hhb-tvm, TVM 0.16).
    legacy = json.loads(LEGACY_REGISTRY.read_text())
    table = json.loads(TABLE.read_text())
    assert legacy["ops"] == table["ops"]  # registered attrs types agree for all 306 ops
    fork_only = table["legacy_only_fields"]
    assert fork_only == {
        "relay.attrs.ConvGemmWeightTransformAttrs": {"kernel_layout": "HWIO"},
        "relay.attrs.LRNAttrs": {"norm_region": "ACROSS_CHANNELS"},
    }
    compared = 0
    for key, entry in legacy["attrs"].items():
        if "fields" not in entry or key in table["ambiguous_type_keys"]:
            continue
        legacy_fields = [f for f in entry["fields"] if f["name"] not in fork_only.get(key, {})]
        schema = A.attrs_schema(key)
        assert [f.name for f in schema] == [f["name"] for f in legacy_fields], key
        for spec, lf in zip(schema, legacy_fields):
            assert spec.required == bool(lf.get("required")), (key, spec.name)
            if spec.required or spec.kind == "virtual_device":
                continue
            # The legacy build reads bool fields back as 0/1.
            assert A.coerce_field(spec, lf["default"]) == spec.default, (key, spec.name)
        compared += 1
    assert compared == 145  # all but DebugAttrs, MetaScheduleLayoutTransformAttrs, TorchFunctionAttrs


# ----------------------------------------------------------------------------- v0.19 facts


def test_conv2d_defaults():
    # include/tvm/relay/attrs/nn.h, struct Conv2DAttrs
    assert defaults("relay.attrs.Conv2DAttrs") == {
        "strides": (1, 1),
        "padding": (0, 0),
        "dilation": (1, 1),
        "groups": 1,
        "channels": None,
        "kernel_size": None,
        "data_layout": "NCHW",
        "kernel_layout": "OIHW",
        "out_layout": "",
        "out_dtype": "",
    }


def test_batch_matmul_transpose_b_defaults_to_false_in_cpp():
    # nn.h BatchMatmulAttrs: TVM_ATTR_FIELD(transpose_b).set_default(false). The *Python* helper
    # relay.nn.batch_matmul defaults to transpose_b=True, but the printer omits fields equal to the
    # C++ default, so a printed call without transpose_b means False.
    assert defaults("relay.attrs.BatchMatmulAttrs") == {"out_dtype": "", "transpose_a": False, "transpose_b": False}


def test_reduce_take_strided_slice_defaults():
    assert defaults("relay.attrs.ReduceAttrs") == {"axis": None, "keepdims": False, "exclude": False}
    assert defaults("relay.attrs.TakeAttrs") == {"batch_dims": 0, "axis": None, "mode": "clip"}
    schema = {f.name: f for f in A.attrs_schema("relay.attrs.StridedSliceAttrs")}
    assert schema["slice_mode"].default == "end"
    assert [n for n, f in schema.items() if f.required] == ["begin", "end", "strides", "axes"]
    assert schema["axes"].optional


def test_resize2d_defaults():
    # include/tvm/relay/attrs/image.h, struct Resize2DAttrs
    assert defaults("relay.attrs.Resize2DAttrs") == {
        "size": None,
        "roi": None,
        "layout": "NCHW",
        "method": "linear",
        "coordinate_transformation_mode": "half_pixel",
        "rounding_method": "round",
        "cubic_alpha": -0.5,
        "cubic_exclude": 0,
        "extrapolation_value": 0.0,
        "out_dtype": "",
    }


def test_norm_and_activation_defaults():
    assert defaults("relay.attrs.BatchNormAttrs") == {"axis": 1, "epsilon": 1e-5, "center": True, "scale": True}
    assert defaults("relay.attrs.LayerNormAttrs") == {"axis": -1, "epsilon": 1e-5, "center": True, "scale": True}
    assert defaults("relay.attrs.LeakyReluAttrs") == {"alpha": 0.25}


def test_float_literal_defaults_are_float32_widened():
    # vision.h MultiBoxTransformLocAttrs: Array<IndexExpr>({0.1f, 0.1f, 0.2f, 0.2f}); a C++ float
    # literal stored in a FloatImm (a double) is float32(0.1), as the legacy build also reports.
    assert defaults("relay.attrs.MultiBoxTransformLocAttrs")["variances"] == (
        0.10000000149011612, 0.10000000149011612, 0.20000000298023224, 0.20000000298023224)
    assert defaults("relay.attrs.MultiBoxPriorAttrs")["sizes"] == (1.0,)


def test_op_to_attrs_type():
    assert A.attrs_type_for_op("nn.conv2d") == "relay.attrs.Conv2DAttrs"
    assert A.attrs_type_for_op("qnn.conv2d") == "relay.attrs.Conv2DAttrs"
    assert A.attrs_type_for_op("sum") == "relay.attrs.ReduceAttrs"  # RELAY_REGISTER_REDUCE_OP
    assert A.attrs_type_for_op("argmax") == "relay.attrs.ArgReduceAttrs"
    assert A.attrs_type_for_op("qnn.add") == "relay.attrs.BroadcastAttrs"  # QNN_REGISTER_BINARY_OP
    assert A.attrs_type_for_op("qnn.tanh") is None  # QNN_CREATE_UNARY_ELEMENTWISE_OP
    assert A.attrs_type_for_op("add") is None  # RELAY_REGISTER_BINARY_OP
    assert A.attrs_type_for_op("on_device") == "relay.attrs.OnDeviceAttrs"  # set_attrs_type_key
    assert A.attrs_type_for_op("vm.invoke_tvm_op") == "DictAttrs"
    assert A.attrs_type_for_op("contrib.ethosu.conv2d") == "relay.attrs.EthosuConv2DAttrs"  # legacy
    assert A.attrs_type_for_op("qnn.csi.conv2d") is None
    # Registered with no attrs type, but MakeCumsum attaches ScanopAttrs (src/relay/op/tensor/transform.cc).
    assert A.attrs_type_for_op("cumsum") == "relay.attrs.ScanopAttrs"
    assert A.attrs_type_for_op("vision.non_max_suppression") == "relay.attrs.NonMaximumSuppressionAttrs"
    assert A.attrs_type_for_op("annotation.compiler_begin") == "relay.attrs.CompilerAttrs"
    assert A.attrs_type_for_op("collapse_sum_like") is None  # MakeCollapseSumLike passes Attrs()
    assert A.is_known_op("add") and not A.is_known_op("qnn.csi.conv2d")


def test_field_is_pod():
    assert A.field_is_pod("relay.attrs.Conv2DAttrs", "groups") is True  # int
    assert A.field_is_pod("relay.attrs.Conv2DAttrs", "out_dtype") is True  # DataType
    assert A.field_is_pod("relay.attrs.Conv2DAttrs", "strides") is False  # Array<IndexExpr>
    assert A.field_is_pod("relay.attrs.Conv2DAttrs", "data_layout") is False  # tvm::String
    assert A.field_is_pod("relay.attrs.Resize2DAttrs", "layout") is True  # std::string
    assert A.field_is_pod("relay.attrs.Resize2DAttrs", "cubic_alpha") is True  # double
    assert A.field_is_pod("relay.attrs.TakeAttrs", "axis") is False  # Integer
    assert A.field_is_pod("relay.attrs.SimulatedQuantizeAttrs", "axis") is True  # ambiguous key
    assert A.field_is_pod("relay.attrs.Conv2DAttrs", "nope") is None
    assert A.field_is_pod("relay.attrs.NoSuchAttrs", "axis") is None


# ----------------------------------------------------------------------------- make_attrs


def test_make_attrs_fills_defaults_in_visit_order():
    a = A.make_attrs("nn.conv2d", {"channels": 16, "kernel_size": [3, 3], "padding": [1, 1, 1, 1]})
    assert isinstance(a, Attrs) and a.type_key == "relay.attrs.Conv2DAttrs"
    assert list(a.fields) == ["strides", "padding", "dilation", "groups", "channels", "kernel_size",
                              "data_layout", "kernel_layout", "out_layout", "out_dtype"]
    assert a["padding"] == (1, 1, 1, 1) and a["kernel_size"] == (3, 3) and a["strides"] == (1, 1)


def test_coercion_of_pod_strings_from_json():
    a = A.make_attrs("nn.conv2d", {"groups": "32", "out_dtype": "int32"})
    assert a["groups"] == 32
    a = A.make_attrs("nn.batch_norm", {"epsilon": "1.0000000000000001e-05", "center": "0", "scale": "1"})
    assert a["epsilon"] == 1e-05 and a["center"] is False and a["scale"] is True
    assert A.make_attrs("nn.layer_norm", {"epsilon": "1e-05"})["epsilon"] == 1e-05
    assert A.make_attrs("nn.leaky_relu", {"alpha": 1})["alpha"] == 1.0
    for value, expected in [(True, True), (False, False), (1, True), (0, False), ("1", True), ("0", False)]:
        assert A.make_attrs("sum", {"keepdims": value})["keepdims"] is expected


def test_coercion_keeps_floats_exact():
    assert A.make_attrs("nn.batch_norm", {"epsilon": 1.0000001e-05})["epsilon"] == 1.0000001e-05


def test_coercion_arrays_nested_and_symbolic():
    a = A.make_attrs("nn.pad", {"pad_width": [[0, 0], [1, 1]]})
    assert a["pad_width"] == ((0, 0), (1, 1))
    n, q = SizeVar("n"), AnyDim()
    a = A.make_attrs("image.resize2d", {"size": [n, q]})
    assert a["size"] == (n, q) and a["size"][0] is n
    assert A.make_attrs("sum", {"axis": [1, "2"]})["axis"] == (1, 2)  # Array<Integer>


def test_coercion_none_and_variants():
    assert A.make_attrs("strided_slice", {"begin": [0], "end": [2], "strides": None, "axes": None})["axes"] is None
    assert A.make_attrs("take", {"axis": None})["axis"] is None
    assert A.make_attrs("split", {"indices_or_sections": 3})["indices_or_sections"] == 3
    assert A.make_attrs("split", {"indices_or_sections": [1, 4]})["indices_or_sections"] == (1, 4)


def test_mutable_defaults_are_not_shared():
    a = A.make_attrs("on_device", {})
    b = A.make_attrs("on_device", {})
    assert a["virtual_device"] == {"device_type_int": -1, "virtual_device_id": -1, "target": None, "memory_scope": ""}
    a["virtual_device"]["memory_scope"] = "global"
    assert b["virtual_device"]["memory_scope"] == ""
    assert A.attrs_schema("relay.attrs.OnDeviceAttrs")[0].default["memory_scope"] == ""


def test_ops_without_attrs_and_unknown_ops():
    a = A.make_attrs("add", {})
    assert a.type_key is None and a.fields == {} and a.get("axis") is None
    a = A.make_attrs("qnn.csi.conv2d", {"q_params": [[1, 2]], "layer_name": "conv1"})
    assert (a.type_key, a.fields) == ("DictAttrs", {"q_params": [[1, 2]], "layer_name": "conv1"})
    a = A.make_attrs("qnn.csi.conv2d", {"x": 1}, type_key="relay.attrs.QnnCSIConv2DAttrs")
    assert (a.type_key, a.fields) == ("relay.attrs.QnnCSIConv2DAttrs", {"x": 1})
    a = A.make_attrs("vm.invoke_tvm_op", {"Primitive": 1})
    assert (a.type_key, a.fields) == ("DictAttrs", {"Primitive": 1})


def test_calls_of_ops_registered_without_attrs_type():
    # What the legacy printer writes without metadata (checked with the legacy build):
    # `cumsum(%x, axis=1, exclusive=None)`. Bool exclusive is an ObjectRef: None is allowed.
    a = A.make_attrs("cumsum", {"axis": 1, "exclusive": None})
    assert (a.type_key, a.fields) == ("relay.attrs.ScanopAttrs", {"axis": 1, "dtype": "", "exclusive": None})
    a = A.make_attrs("vision.non_max_suppression", {"top_k": "10"})
    assert a.type_key == "relay.attrs.NonMaximumSuppressionAttrs" and a["top_k"] == 10 and a["return_indices"] is True


def test_explicit_type_key_wins():
    # annotation.with_funcid registers no attrs type, but its calls carry WithFuncIdAttrs.
    a = A.make_attrs("annotation.with_funcid", {"fid": "3"}, type_key="relay.attrs.WithFuncIdAttrs")
    assert (a.type_key, a.fields) == ("relay.attrs.WithFuncIdAttrs", {"fid": 3})
    a = A.make_attrs("my.call", {"attrs_type_key": "relay.attrs.SoftmaxAttrs", "axis": 1})
    assert (a.type_key, a.fields) == ("relay.attrs.SoftmaxAttrs", {"axis": 1})


def test_one_type_key_two_structs_resolved_by_op():
    key = "relay.attrs.SimulatedQuantizeAttrs"
    assert A.make_attrs("qnn.simulated_quantize", {}, type_key=key).fields == {"axis": -1}
    a = A.make_attrs("relay.op.annotation.simulated_quantize", {"kind": 2}, type_key=key)
    assert a.fields == {"kind": 2, "sign": True, "rounding": "round"}  # src/relay/quantize/quantize.h
    assert A.attrs_schema(key) is None
    assert [f.name for f in A.attrs_schema(key, "qnn.simulated_quantize")] == ["axis"]


def test_legacy_only_field_at_its_default_is_dropped():
    assert A.make_attrs("nn.lrn", {"size": 3, "norm_region": "ACROSS_CHANNELS"}).fields == {
        "size": 3, "axis": 1, "bias": 2.0, "alpha": 0.0001, "beta": 0.75}


# ----------------------------------------------------------------------------- errors


def test_unknown_field_error():
    with raises("model.relay:4:12: nn.conv2d: unknown attribute 'stride' for relay.attrs.Conv2DAttrs; "
                "valid attributes are: strides, padding, dilation, groups, channels, kernel_size, data_layout, "
                "kernel_layout, out_layout, out_dtype"):
        A.make_attrs("nn.conv2d", {"stride": [1, 1]}, where="model.relay:4:12")
    with raises("nn.softmax: unknown attributes 'a', 'b' for relay.attrs.SoftmaxAttrs; valid attributes are: axis"):
        A.make_attrs("nn.softmax", {"a": 1, "b": 2})


def test_missing_required_field_error():
    with raises("node 17: split: missing required attribute 'indices_or_sections' of relay.attrs.SplitAttrs "
                "(it has no default in TVM v0.19); give it explicitly"):
        A.make_attrs("split", {"axis": 1}, where="node 17")


def test_wrong_kind_errors():
    with raises("nn.conv2d: attribute 'groups' of relay.attrs.Conv2DAttrs expects an integer, got '1.5'"):
        A.make_attrs("nn.conv2d", {"groups": "1.5"})
    with raises("sum: attribute 'keepdims' of relay.attrs.ReduceAttrs expects a boolean, got 2"):
        A.make_attrs("sum", {"keepdims": 2})
    with raises("nn.conv2d: attribute 'strides' of relay.attrs.Conv2DAttrs expects a list of integers or "
                "symbolic dimensions, got [1, 'x']"):
        A.make_attrs("nn.conv2d", {"strides": [1, "x"]})
    with raises("nn.pad: attribute 'pad_width' of relay.attrs.PadAttrs expects a list of lists of integers, got 3"):
        A.make_attrs("nn.pad", {"pad_width": 3})
    with raises("nn.batch_norm: attribute 'epsilon' of relay.attrs.BatchNormAttrs expects a number, got 'small'"):
        A.make_attrs("nn.batch_norm", {"epsilon": "small"})
    with raises("nn.conv2d: attribute 'groups' of relay.attrs.Conv2DAttrs cannot be None (expects an integer)"):
        A.make_attrs("nn.conv2d", {"groups": None})
    with raises("cast: attribute 'dtype' of relay.attrs.CastAttrs expects a data type string such as 'float32', got 5"):
        A.make_attrs("cast", {"dtype": 5})


def test_attrs_on_an_op_that_takes_none():
    with raises("f.json: add: this op takes no attributes in TVM v0.19, got axis; remove them or give attrs_type_key"):
        A.make_attrs("add", {"axis": 1}, where="f.json")


def test_legacy_only_field_with_another_value_is_an_error():
    with raises("nn.lrn: attribute 'norm_region'='WITHIN_CHANNEL' of relay.attrs.LRNAttrs exists only in the "
                "vendor fork; upstream TVM v0.19 behaves as norm_region='ACROSS_CHANNELS' and tvm-migrate cannot "
                "translate another value"):
        A.make_attrs("nn.lrn", {"norm_region": "WITHIN_CHANNEL"})


# ----------------------------------------------------------------------------- the generator's parser


@pytest.fixture(scope="module")
def gen():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_relay_attrs_table
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return gen_relay_attrs_table


@pytest.mark.parametrize(
    "expr, value",
    [
        ("1e-5", 1e-5),
        ("-0.5", -0.5),
        ("true", True),
        ('"NCHW"', "NCHW"),
        ('tvm::String("NCHW")', "NCHW"),
        ("Array<IndexExpr>({1, 1})", [1, 1]),
        ("Array<IndexExpr>{0, 0}", [0, 0]),
        ("Array<IndexExpr>({})", []),
        ("NullValue<Array<IndexExpr>>()", None),
        ("NullValue<DataType>()", ""),
        ("DataType::Void()", ""),
        ("DataType::Int(32)", "int32"),
        ("DataType::Float(32, 1)", "float32"),
        ("Integer(0)", 0),
        ("Bool(false)", False),
        ("Map<String, ObjectRef>()", {}),
        ("Array<IndexExpr>({static_cast<float>(1.0)})", [1.0]),
    ],
)
def test_generator_evaluates_defaults(gen, expr, value):
    assert gen.eval_default(expr, "here") == value


def test_generator_fails_loudly_on_an_unknown_default(gen):
    with pytest.raises(gen.GenError, match=r"here: cannot evaluate default expression 'kMagic \+ 1'"):
        gen.eval_default("kMagic + 1", "here")


def test_generator_parses_a_struct_with_comments_and_raw_strings(gen):
    text = r'''
namespace tvm { namespace relay {
/*! \brief doc with "quotes" and { braces */
struct FooAttrs : public tvm::AttrsNode<FooAttrs> {
  Array<IndexExpr> strides;  // a comment; with a semicolon
  int groups = 1;
  std::string mode;
  bool is_fixed() const { return groups == 1; }
  TVM_DECLARE_ATTRS(FooAttrs, "relay.attrs.FooAttrs") {
    TVM_ATTR_FIELD(mode).describe(R"code(raw ) " ; string)code").set_default("clip");
    TVM_ATTR_FIELD(strides).set_default(Array<IndexExpr>({1, 1}));
    TVM_ATTR_FIELD(groups);
  }
};
}}
'''
    [st] = gen.parse_attrs_structs(text, "foo.h", "test")
    assert (st.type_key, st.qualified) == ("relay.attrs.FooAttrs", "tvm::relay::FooAttrs")
    assert [(f["name"], f["kind"], f["pod"], f.get("default"), f["required"]) for f in st.fields] == [
        ("mode", "str", True, "clip", False),
        ("strides", "array", False, [1, 1], False),
        ("groups", "int", True, None, True),
    ]
    assert "differs from declaration order" in st.notes[0]
