import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "te-schedule"
RECIPE = ("build a PrimFunc with `te.create_prim_func([A, B, C])`, schedule it with `sch = tvm.s_tir.Schedule(func)` "
          "(`sch.get_sblock(\"C\")`, `sch.get_loops`, `sch.split`, ...) and build with `tvm.compile(sch.mod, target)`")


def test_create_schedule_lower_and_build_flagged():
    before = (
        "import tvm\nfrom tvm import te\n"
        "s = te.create_schedule(B.op)\n"
        "print(tvm.lower(s, [A, B], simple_mode=True))\n"
        "f = tvm.build(s, [A, B], 'llvm')\n"
    )
    after = (
        "import tvm\nfrom tvm import te\n"
        "# TODO(tvm-migrate te-schedule): `tvm.te.create_schedule` has no counterpart in TVM 0.27: te.schedule was "
        f"removed (apache/tvm#17658): {RECIPE}\n"
        "s = te.create_schedule(B.op)\n"
        "# TODO(tvm-migrate te-schedule): `tvm.lower` has no counterpart in TVM 0.27: tvm.lower was removed "
        f"(apache/tvm#17658): {RECIPE}; `sch.mod.script()` shows the scheduled TIR\n"
        "print(tvm.lower(s, [A, B], simple_mode=True))\n"
        "# TODO(tvm-migrate te-schedule): `tvm.build` no longer takes a schedule and an argument list "
        f"(apache/tvm#17658): {RECIPE}, or `tvm.build(te.create_prim_func(args), target)`\n"
        "f = tvm.build(s, [A, B], 'llvm')\n"
    )
    findings = assert_rewrite(before, after, RULE)
    assert severities(findings) == [(RULE, "error")] * 3


def test_build_with_arg_list_flagged_even_without_visible_schedule():
    findings = assert_rewrite(
        "import tvm\nf = tvm.build(sched, [A, B])\n",
        "import tvm\n# TODO(tvm-migrate te-schedule): `tvm.build` no longer takes a schedule and an argument list "
        f"(apache/tvm#17658): {RECIPE}, or `tvm.build(te.create_prim_func(args), target)`\nf = tvm.build(sched, [A, B])\n",
        RULE,
    )
    assert len(findings) == 1


@pytest.mark.parametrize("src", [
    "import tvm\nfrom tvm import te\nf = te.create_prim_func([A, B])\nlib = tvm.build(f, target='llvm')\n",
    "import tvm\nex = tvm.compile(mod, target='llvm')\n",
    "import tvm\nx = lower(1)\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_acknowledged_site_not_reported_again():
    src = (
        "import tvm\n# TODO(tvm-migrate te-schedule): port this to TensorIR (ticket 12)\n"
        "print(tvm.lower(s, [A, B]))\n"
    )
    from codemod_harness import rules
    from rewriters.engine import rewrite_source

    out = rewrite_source(src, rules(RULE))
    assert out.codes[0] == src
    assert [f.acknowledged for f in out.findings] == [True]
