import json

from rewriters.notebooks import mask_magics, unmask_magics
from rewriters.registry import all_rules
from rewriters.runner import rewrite_bytes


def _nb(cells, indent=1):
    return json.dumps({
        "cells": cells,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }, indent=indent) + "\n"


def code(src, outputs=None):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": outputs or [],
            "source": src.splitlines(keepends=True)}


def test_mask_round_trip():
    src = "%matplotlib inline\n!pip install onnx\nfiles = !ls\nx = 1\n    %time f()\ntvm.nd?\n"
    masked, table = mask_magics(src)
    compile(masked.replace("    _tvm", "if 1:\n    _tvm", 1), "<m>", "exec")
    assert unmask_magics(masked, table) == src


def test_non_python_cell_magic_skipped():
    assert mask_magics("%%bash\nls -l\n") is None
    masked, table = mask_magics("%%time\nimport tvm\n")
    assert masked.startswith("_tvm_migrate_magic_0_ = None\n")


def test_notebook_cells_rewritten_with_magics_and_outputs_kept():
    out_cell = [{"output_type": "stream", "name": "stdout", "text": ["tvm.nd.array\n"]}]
    nb = _nb([
        {"cell_type": "markdown", "metadata": {}, "source": ["Uses `tvm.nd.array`\n"]},
        code("!pip install apache-tvm\n%load_ext autoreload\nimport tvm\nfrom tvm import relay\n"),
        code("x = tvm.nd.array(a)\nx.asnumpy()", out_cell),
        code("%%bash\necho tvm.nd.array\n"),
    ])
    result = rewrite_bytes("nb.ipynb", nb.encode(), all_rules())
    data = json.loads(result.rewritten)
    assert data["cells"][0]["source"] == ["Uses `tvm.nd.array`\n"]
    assert data["cells"][1]["source"] == ["!pip install apache-tvm\n", "%load_ext autoreload\n", "import tvm\n"]
    assert data["cells"][2]["source"] == ["x = tvm.runtime.tensor(a)\n", "x.numpy()"]
    assert data["cells"][2]["outputs"] == out_cell
    assert data["cells"][3]["source"] == ["%%bash\n", "echo tvm.nd.array\n"]
    cells = {f.cell for f in result.findings}
    assert cells == {2, 3}
    assert result.rewritten.decode().startswith('{\n "cells": [\n  {')  # nbformat's indent=1 kept
    again = rewrite_bytes("nb.ipynb", result.rewritten, all_rules())
    assert again.rewritten == result.rewritten


def test_unchanged_notebook_bytes_identical():
    nb = _nb([code("import tvm\nx = tvm.runtime.tensor(a)\n")], indent=2)
    assert rewrite_bytes("n.ipynb", nb.encode(), all_rules()).rewritten == nb.encode()


def test_notebook_syntax_error_names_the_cell():
    nb = _nb([code("import tvm\n"), code("def f(:\n")])
    result = rewrite_bytes("n.ipynb", nb.encode(), all_rules())
    assert result.skipped and result.rewritten == nb.encode()
    assert result.findings[0].cell == 2
    assert result.findings[0].format().startswith("n.ipynb:cell 2:1:")


def test_invalid_json_skipped():
    result = rewrite_bytes("bad.ipynb", b'{"cells": [tvm', all_rules())
    assert result.skipped and result.findings[0].rule_id == "io-error"
