import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "export-library"


@pytest.mark.parametrize("before, after", [
    ("import tvm\nfrom tvm.contrib import cc\nlib.export_library(path, cc.create_shared)\n",
     "import tvm\nfrom tvm.contrib import cc\nlib.export_library(path, fcompile=cc.create_shared)\n"),
    ("import tvm\nlib.export_library('a.tar', tvm.contrib.tar.tar, options=['-O3'])\n",
     "import tvm\nlib.export_library('a.tar', fcompile=tvm.contrib.tar.tar, options=['-O3'])\n"),
])
def test_rewrites(before, after):
    findings = assert_rewrite(before, after, RULE)
    assert severities(findings) == [(RULE, "info")]


@pytest.mark.parametrize("src", [
    "import tvm\nlib.export_library('a.so')\n",
    "import tvm\nlib.export_library('a.so', fcompile=f)\n",
    "import keras\nmodel.export_library('a', b)  # no tvm import\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)
