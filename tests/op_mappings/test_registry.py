"""The op-alignment table itself: coverage of the 306 upstream ops, row hygiene, goldens per translator,
and `register_translator` for downstream ops."""

from pathlib import Path

import numpy as np
import pytest
import tvm
from tvm import relax

import migrate
import op_mappings
from migrate.errors import UnsupportedOpsError
from migrate.translate import from_relay
from op_mappings.registry import STATUSES, TRANSLATED

from golden_harness import family_goldens

UPSTREAM = Path("/work/shared/relay-ops-v0.19.txt")
if not UPSTREAM.exists():
    UPSTREAM = Path(__file__).resolve().parents[3] / "shared" / "relay-ops-v0.19.txt"
UPSTREAM_OPS = sorted(UPSTREAM.read_text().split()) if UPSTREAM.exists() else []

# Ratchets: raise them as rows and goldens are added; they never go down.
MIN_ROWS = 306
MIN_TRANSLATED = 273


def builtin_rows():
    return [r for r in op_mappings.all_mappings() if r.builtin]


@pytest.mark.skipif(not UPSTREAM_OPS, reason="../shared/relay-ops-v0.19.txt is not present")
def test_row_coverage_of_upstream_ops():
    rows = {r.relay_op for r in builtin_rows()}
    missing = [op for op in UPSTREAM_OPS if op not in rows]
    print(f"{len(UPSTREAM_OPS) - len(missing)} of {len(UPSTREAM_OPS)} upstream ops have a row; missing: {missing}")
    assert len(UPSTREAM_OPS) - len(missing) >= MIN_ROWS
    assert not rows - set(UPSTREAM_OPS), "rows for ops that are not upstream v0.19 ops"


def test_translated_count_ratchet():
    translated = [r.relay_op for r in builtin_rows() if r.status in TRANSLATED]
    assert len(translated) >= MIN_TRANSLATED


def test_rows_are_well_formed():
    for row in builtin_rows():
        assert row.status in STATUSES, row
        assert row.family and (Path(op_mappings.__file__).parent / f"{row.family}.py").exists(), row
        if row.status in TRANSLATED:
            assert callable(row.translator) and row.relax, row
        else:
            assert row.translator is None and row.reason and row.action, row


def test_every_translator_has_a_golden_where_relay_made_one():
    """A translated op with a real Relay bundle under golden/ops must have a hand-written expected module."""
    families = sorted({r.family for r in builtin_rows() if r.status in TRANSLATED})
    have = set()
    for family in families:
        if (Path(__file__).resolve().parents[2] / "golden" / "translations" / f"{family}.py").exists():
            have.update(bundle.split("/")[0] for bundle in family_goldens(family))
    ops_dir = Path(__file__).resolve().parents[2] / "golden" / "ops"
    lacking = [r.relay_op for r in builtin_rows()
               if r.status in TRANSLATED and (ops_dir / r.relay_op).is_dir() and r.relay_op not in have]
    assert not lacking, f"translated ops with a Relay bundle but no expected Relax golden: {lacking}"


def test_table_renderings_list_every_row():
    import json

    from op_mappings import table

    rows = op_mappings.all_mappings()
    data = json.loads(table.as_json())
    assert [r["relay_op"] for r in data] == [r.relay_op for r in rows]
    assert len(table.as_text().splitlines()) == len(rows)
    unsupported = table.as_text("unsupported").splitlines()
    assert unsupported and all(" unsupported " in line and " -> " in line for line in unsupported)
    markdown = table.as_markdown(UPSTREAM_OPS or None)
    assert all(f"| `{r.relay_op}` |" in markdown for r in builtin_rows())


def test_generated_op_table_page_is_current():
    from op_mappings import table

    page = Path(__file__).resolve().parents[2] / "docs" / "op-table.md"
    if not page.exists():
        pytest.skip("docs/op-table.md is not generated yet (python -m op_mappings.table --markdown)")
    assert page.read_text() == table.as_markdown(table.upstream_ops()), (
        "docs/op-table.md is stale: regenerate it with python -m op_mappings.table --markdown > docs/op-table.md"
    )


# ----------------------------------------------------------------------------- register_translator

VENDOR = """#[version = "0.0.5"]
def @main(%x: Tensor[(2, 3), float32]) {
  %0 = vendor.scale(%x, factor=2f);
  vendor.scale(%0, factor=3f)
}
"""


def _scale(ctx, call, args):
    return relax.op.multiply(args[0], ctx.const(call.attrs["factor"], ctx.dtype(args[0])))


def test_register_translator_for_a_vendor_op():
    with pytest.raises(UnsupportedOpsError, match=r"vendor\.scale: 2x"):
        from_relay(VENDOR)
    migrate_register = getattr(migrate, "register_translator", op_mappings.register_translator)
    migrate_register("vendor.scale", _scale, relax="R.multiply")
    try:
        mod = from_relay(VENDOR)
        ex = tvm.compile(mod, target="llvm")
        out = relax.VirtualMachine(ex, tvm.cpu())["main"](tvm.runtime.tensor(np.ones((2, 3), "float32")))
        np.testing.assert_allclose(out.numpy(), np.full((2, 3), 6.0, "float32"))
        assert op_mappings.get_mapping("vendor.scale").builtin is False
    finally:
        op_mappings.unregister_translator("vendor.scale")
    assert op_mappings.get_mapping("vendor.scale") is None


def test_register_translator_as_a_decorator_and_override_rules():
    @op_mappings.register_translator("vendor.double")
    def double(ctx, call, args):
        return relax.op.add(args[0], args[0])

    try:
        with pytest.raises(ValueError, match="already has a translator.*override=True"):
            op_mappings.register_translator("vendor.double", double)
        with pytest.raises(ValueError, match=r"nn\.relu already has a translator \(built-in"):
            op_mappings.register_translator("nn.relu", double)
        op_mappings.register_translator("nn.relu", double, override=True)
        text = '#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n'
        assert "R.add" in from_relay(text).script()
    finally:
        op_mappings.unregister_translator("vendor.double")
        op_mappings.unregister_translator("nn.relu")
    assert op_mappings.get_mapping("nn.relu").builtin
    text = '#[version = "0.0.5"]\ndef @main(%x: Tensor[(2), float32]) { nn.relu(%x) }\n'
    assert "R.nn.relu" in from_relay(text).script()


def test_register_translator_rejects_a_bad_status():
    with pytest.raises(ValueError, match="status must be one of"):
        op_mappings.register_translator("vendor.x", _scale, status="unsupported")
