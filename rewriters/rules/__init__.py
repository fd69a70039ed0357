"""The rules, one module each; importing this package registers them in order.

The order is the order the engine applies them within one pass and the order of
``--list-rules``.
"""

from rewriters.rules import (  # noqa: F401
    runtime_tensor,
    param_dict,
    support_modules,
    tir_namespace,
    s_tir_modules,
    te_schedule,
    legacy_tuning,
    onnx_frontend,
    tflite_frontend,
    pytorch_frontend,
    unsupported_frontends,
    target_string,
    relay_build,
    graph_executor,
    relay_executors,
    export_library,
    removed_modules,  # last: flags what the other rules left
)
