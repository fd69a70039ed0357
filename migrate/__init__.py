"""tvm-migrate: move Apache TVM Relay artifacts and scripts to TVM 0.27 (Relax)."""

from .errors import (
    MigrateError,
    ParamsError,
    RelayAttrError,
    RelayJSONError,
    RelayParseError,
    UnsupportedInputError,
)

from .loader import load_relay
from .params import load_params

__version__ = "0.1.0.dev0"

__all__ = [
    "MigrateError",
    "ParamsError",
    "RelayAttrError",
    "RelayJSONError",
    "RelayParseError",
    "UnsupportedInputError",
    "__version__",
    "load_params",
    "load_relay",
]
