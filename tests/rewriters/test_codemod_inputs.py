"""merge_inputs: the one set_input call of the Relax VM built from inputs set one at a time."""

import libcst as cst
import pytest

from rewriters.inputs import InputItem, InputsNotMergeable, merge_inputs


def code(args) -> str:
    return cst.Module([]).code_for_node(cst.Call(cst.Name("f"), args))


def item(key, value):
    return InputItem(cst.Name(value), cst.parse_expression(key))


def test_keywords_positions_and_splats():
    merged = merge_inputs([item("'b'", "y"), item("'a'", "x"), InputItem(cst.Name("p"), splat=True)])
    assert code(merged.args) == "f(b = y, a = x, **p)".replace(" = ", "=")
    merged = merge_inputs([InputItem(cst.Name("p"), splat=True), item("'a'", "x")], bound={"p"})
    assert code(merged.args) == "f(x)" and merged.dropped == ["p"]


def test_renamed_inputs_go_by_position():
    merged = merge_inputs([item("'in1'", "y"), item("'in0'", "x")], positions={"in0": 0, "in1": 1}, renamed=True)
    assert code(merged.args) == "f(x, y)"


@pytest.mark.parametrize("items, kwargs", [
    ([item("'in1'", "y"), item("'in0'", "x")], {"positions": None, "renamed": True}),
    ([item("'in1'", "y"), item("'in2'", "x")], {"positions": {"in0": 0, "in1": 1, "in2": 2}, "renamed": True}),
    ([item("0", "x"), item("2", "y")], {}),
    ([item("0", "x"), item("'b'", "y")], {}),
])
def test_unmergeable(items, kwargs):
    with pytest.raises(InputsNotMergeable):
        merge_inputs(items, **kwargs)
