"""Guarantees of the engine and the file layer, independent of any one rule."""

import textwrap

import libcst as cst
import pytest

from rewriters.engine import UnitSyntaxError, rewrite_source, rewrite_units
from rewriters.registry import Severity, all_rules, select_rules
from rewriters.runner import rewrite_bytes


def test_file_without_tvm_is_not_parsed_or_touched():
    data = b"def f(:\n  broken python but not ours\n"
    result = rewrite_bytes("x.py", data, all_rules())
    assert result.rewritten == data and not result.findings and not result.skipped


def test_syntax_error_skipped_with_report_line_and_left_untouched():
    data = b"import tvm\nprint 'py2'\n"
    result = rewrite_bytes("old.py", data, all_rules())
    assert result.skipped and result.rewritten == data and not result.changed
    (finding,) = result.findings
    assert finding.rule_id == "syntax-error" and finding.severity is Severity.ERROR
    assert finding.line == 2
    assert finding.format().startswith("old.py:2:")


def test_bom_cookie_and_crlf_preserved():
    text = "# -*- coding: latin-1 -*-\r\nimport tvm\r\nx = tvm.nd.array(a)  # caf\xe9\r\n"
    data = text.encode("latin-1")
    result = rewrite_bytes("l1.py", data, all_rules())
    assert result.rewritten == text.replace("tvm.nd.array", "tvm.runtime.tensor").encode("latin-1")
    bom = b"\xef\xbb\xbfimport tvm\nx = tvm.nd.empty((1,))\n"
    assert rewrite_bytes("b.py", bom, all_rules()).rewritten == b"\xef\xbb\xbfimport tvm\nx = tvm.runtime.empty((1,))\n"


def test_inserted_lines_use_the_file_line_ending():
    data = b"from tvm import relay\r\nx = relay.save_param_dict(p)\r\ny = tvm_lower = 1\r\n"
    out = rewrite_bytes("c.py", data, all_rules()).rewritten
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert out == b"import tvm\r\nx = tvm.runtime.save_param_dict(p)\r\ny = tvm_lower = 1\r\n"


def test_formatting_and_comments_outside_edits_kept():
    before = textwrap.dedent('''\
        #!/usr/bin/env python
        """Module docstring."""
        import os ,  sys   # odd spacing stays
        import tvm


        def  f( a ,b ):   # comment
            x = [1,
                   2 ,3]  # hanging
            return tvm.nd.array( a )    # trailing
        ''')
    out = rewrite_source(before).codes[0]
    before_lines, after_lines = before.splitlines(), out.splitlines()
    assert len(before_lines) == len(after_lines)
    changed = [(b, a) for b, a in zip(before_lines, after_lines) if b != a]
    assert changed == [("    return tvm.nd.array( a )    # trailing", "    return tvm.runtime.tensor( a )    # trailing")]


def test_acknowledged_by_trailing_comment_or_module_header():
    src = "import tvm\nprint(tvm.lower(s, [A]))  # TODO(tvm-migrate te-schedule): later\n"
    out = rewrite_source(src)
    assert out.codes[0] == src and all(f.acknowledged for f in out.findings)
    first = "# TODO(tvm-migrate te-schedule): later\nimport tvm; print(tvm.lower(s, [A]))\n"
    out = rewrite_source(first)
    assert out.codes[0] == first and all(f.acknowledged for f in out.findings)


def test_marker_of_another_rule_does_not_acknowledge():
    src = "import tvm\n# TODO(tvm-migrate relay-build): x\nprint(tvm.lower(s, [A]))\n"
    out = rewrite_source(src)
    assert "TODO(tvm-migrate te-schedule)" in out.codes[0]
    assert [f.acknowledged for f in out.findings] == [False]


def test_units_share_imports_like_notebook_cells():
    cells = ["import tvm\nfrom tvm import relay\n", "x = relay.save_param_dict(p)\n"]
    out = rewrite_units("nb.ipynb", cells, all_rules(), cells=[1, 3])
    assert out.codes == ["import tvm\n", "x = tvm.runtime.save_param_dict(p)\n"]
    assert {(f.cell, f.rule_id) for f in out.findings} == {(1, "removed-modules"), (3, "param-dict")}


def test_syntax_error_in_one_unit_names_it():
    with pytest.raises(UnitSyntaxError) as info:
        rewrite_units("nb.ipynb", ["import tvm\n", "x = (\n"], all_rules())
    assert info.value.unit == 1


def test_import_added_after_first_tvm_import_and_after_docstring_otherwise():
    out = rewrite_source('"""doc"""\nfrom __future__ import annotations\nfrom tvm import relay\nrelay.build(m, "llvm")\n')
    assert out.codes[0] == '"""doc"""\nfrom __future__ import annotations\nimport tvm\ntvm.compile(m, target="llvm")\n'


def test_only_selected_rules_run():
    src = "import tvm\nx = tvm.nd.array(a).asnumpy()\nt = tvm.contrib.utils.tempdir()\n"
    out = rewrite_source(src, select_rules(only=["support-modules"]))
    assert out.codes[0] == "import tvm\nx = tvm.nd.array(a).asnumpy()\nt = tvm.support.utils.tempdir()\n"
    out = rewrite_source(src, select_rules(skip=["support-modules"]))
    assert out.codes[0] == "import tvm\nx = tvm.runtime.tensor(a).numpy()\nt = tvm.contrib.utils.tempdir()\n"


def test_whole_legacy_script_rewrites_to_parseable_idempotent_code():
    from pathlib import Path

    from codemod_harness import assert_parses

    for path in sorted(Path(__file__).parent.parent.joinpath("codemod_scripts").glob("legacy_*.py")):
        src = path.read_text()
        out = rewrite_source(src, path=str(path))
        assert_parses(out.codes[0])
        again = rewrite_source(out.codes[0])
        assert again.codes[0] == out.codes[0], path.name
        assert not [f for f in again.findings if not f.acknowledged], path.name


def test_deeply_nested_file_does_not_crash():
    src = "import tvm\nx = " + "(" * 200 + "tvm.nd.array(a)" + ")" * 200 + "\n"
    result = rewrite_bytes("deep.py", src.encode(), all_rules())
    assert result.skipped or b"tvm.runtime.tensor" in result.rewritten
    cst.parse_module(result.rewritten.decode())
