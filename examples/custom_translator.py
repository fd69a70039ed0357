"""Translate a vendor fork's Relay op: register a translator, then convert as usual.

hhb-tvm (a TVM 0.16 fork) adds 126 ``qnn.csi.*`` ops. Here ``qnn.csi.relu`` carries quantization
parameters for the CSI-NN backend; on float data it computes ``relu``. A translator receives the
translation context, the Relay call (``call.attrs`` holds the op's attributes as given) and the
already translated Relax arguments, and returns a Relax expression.

    .venv/bin/python examples/custom_translator.py
"""

from tvm import relax

import migrate


@migrate.register_translator("qnn.csi.relu", relax="R.nn.relu", status="exact")
def translate_csi_relu(ctx, call, args):
    """qnn.csi.relu on float data is relu; its q_params only matter to the CSI-NN backend."""
    return relax.op.nn.relu(args[0])


RELAY_TEXT = """#[version = "0.0.5"]
def @main(%x: Tensor[(1, 4), float32]) {
  %0 = qnn.csi.relu(%x, q_params=[[1f, 0f]], layer_name="relu_0");
  sigmoid(%0)
}
"""


def main() -> None:
    mod = migrate.from_relay(RELAY_TEXT)
    print(mod.script())


if __name__ == "__main__":
    main()
