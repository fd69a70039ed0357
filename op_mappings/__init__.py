"""The op-alignment table: Relay op -> Relax, one translator per op, grouped by family (one file each).

Importing this package registers every built-in row. `get_mapping(op)` and `all_mappings()` read
the table; `register_translator` adds rows for ops tvm-migrate does not know (e.g. a vendor fork's).
"""

# Each import registers that family's rows.
from . import (  # noqa: F401
    annotation, array, blocks, contrib, conv, create, dynamic, elementwise, image, internal, layout, nn, norm, patch_conv, pool, qnn, random, reduce, scatter_gather, signal, sort, sparse, training, transform, vision,
)
from .registry import (
    STATUSES,
    TRANSLATED,
    OpMapping,
    all_mappings,
    freeze_builtins,
    get_mapping,
    register_translator,
    unregister_translator,
)

freeze_builtins()

__all__ = [
    "STATUSES",
    "TRANSLATED",
    "OpMapping",
    "all_mappings",
    "get_mapping",
    "register_translator",
    "unregister_translator",
]
