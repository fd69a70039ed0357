import pytest
from codemod_harness import assert_rewrite, assert_unchanged, severities

RULE = "support-modules"

CASES = {
    "from_contrib_import_utils": (
        "from tvm.contrib import utils\ntmp = utils.tempdir()\n",
        "from tvm.support import utils\ntmp = utils.tempdir()\n",
    ),
    "split_mixed_import": (
        "from tvm.contrib import utils, graph_executor  # both\n",
        "from tvm.support import utils\nfrom tvm.contrib import graph_executor  # both\n",
    ),
    "qualified_chain": (
        "import tvm\ntvm.contrib.cc.create_shared('a.so', ['a.o'])\n",
        "import tvm\ntvm.support.cc.create_shared('a.so', ['a.o'])\n",
    ),
    "import_module": (
        "import tvm.contrib.tar\ntvm.contrib.tar.tar('a.tar', [])\n",
        "import tvm.support.tar\ntvm.support.tar.tar('a.tar', [])\n",
    ),
    "from_module_import_function": (
        "from tvm.contrib.utils import tempdir\nt = tempdir()\n",
        "from tvm.support.utils import tempdir\nt = tempdir()\n",
    ),
    "ndk_needs_its_import": (
        "import tvm\nlib.export_library('a.so', tvm.contrib.ndk.create_shared)\n",
        "import tvm\nimport tvm.support.ndk\nlib.export_library('a.so', tvm.support.ndk.create_shared)\n",
    ),
    "aliased": (
        "from tvm.contrib import cc as _cc\n_cc.create_shared('a', [])\n",
        "from tvm.support import cc as _cc\n_cc.create_shared('a', [])\n",
    ),
    "star": (
        "from tvm.contrib.utils import *\n",
        "from tvm.support.utils import *\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rewrites(name):
    before, after = CASES[name]
    findings = assert_rewrite(before, after, RULE)
    assert set(severities(findings)) == {("support-modules", "info")}


@pytest.mark.parametrize("src", [
    "from tvm.contrib import graph_executor\n",
    "import tvm\nfrom tvm.contrib import download\n",
    "import tvm\nfrom tvm.support import utils\n",
    "from .contrib import utils  # relative: a local package\nimport tvm\n",
])
def test_noop(src):
    assert_unchanged(src, RULE)


def test_deleted_module_flagged():
    findings = assert_rewrite(
        "from tvm.contrib import spirv\n",
        "# TODO(tvm-migrate support-modules): `tvm.contrib.spirv` has no counterpart in TVM 0.27: "
        "deleted by #19624: call `spirv-opt` yourself\nfrom tvm.contrib import spirv\n",
        RULE,
    )
    assert severities(findings) == [("support-modules", "error")]
