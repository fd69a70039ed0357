"""tvm-migrate: move Apache TVM Relay artifacts and scripts to TVM 0.27 (Relax)."""

from .errors import (
    MigrateError,
    ParamsError,
    RelayAttrError,
    RelayJSONError,
    RelayParseError,
    UnsupportedInputError,
    UnsupportedOpsError,
)
from .compile import compile  # noqa: A004  (migrate.compile: the CPU pipeline; imports TVM only when called)
from .loader import load_relay
from .params import load_params


def from_relay(source, params=None, *, keep_params_in_input=False, entry="main"):
    """Translate a saved Relay program to a Relax ``tvm.IRModule`` (see `migrate.translate.from_relay`)."""
    from .translate import from_relay as _from_relay  # imports TVM: only when translating

    return _from_relay(source, params, keep_params_in_input=keep_params_in_input, entry=entry)


def load_converted(outdir, name=None):
    """Read back what `tvm-migrate convert` wrote (see `migrate.convert.load_converted`)."""
    from .convert import load_converted as _load_converted  # imports TVM

    return _load_converted(outdir, name)


def register_translator(op_name, fn=None, **kwargs):
    """Add or override the translator of a Relay op (see `op_mappings.register_translator`)."""
    from op_mappings import register_translator as _register

    return _register(op_name, fn, **kwargs)


__version__ = "0.1.0.dev0"

__all__ = [
    "MigrateError",
    "ParamsError",
    "RelayAttrError",
    "RelayJSONError",
    "RelayParseError",
    "UnsupportedInputError",
    "UnsupportedOpsError",
    "compile",
    "from_relay",
    "load_converted",
    "register_translator",
    "__version__",
    "load_params",
    "load_relay",
]
