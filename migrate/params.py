"""Load model weights saved by legacy Relay pipelines into ``dict[str, numpy.ndarray]``.

Two forms are read:
- ``.params``: ``relay.save_param_dict`` output (TVM's NDArray-map binary format). We decode it
  ourselves (``migrate.ndarray_format``) rather than through ``tvm.runtime.load_param_dict``:
  0.27's loader turns legacy bool tensors into ``uint1`` arrays with wrong values, fails on a
  corrupt file with an internal check message, and would make reading weights depend on libtvm.
- ``.npz``: ``numpy.savez`` archives, read with ``allow_pickle=False``. Arrays saved as bfloat16
  come back as raw 2-byte void (``V2``); they are restored to bfloat16 when ``ml_dtypes`` is
  importable (it ships with apache-tvm), or when ``dtypes`` names them.
"""

from __future__ import annotations

import os
import zipfile
from typing import Mapping, Optional

import numpy as np

from .errors import ParamsError
from .ndarray_format import read_param_dict

# kTVMNDArrayListMagic (src/runtime/file_utils.h): first 8 bytes of a .params file.
PARAM_DICT_MAGIC = 0xF7E58D4F05049CB7


def _bfloat16():
    try:
        import ml_dtypes  # noqa: PLC0415  (optional: ships with apache-tvm)
    except ImportError:
        return None
    return np.dtype(ml_dtypes.bfloat16)


def restore_dtype(name: str, array: np.ndarray, dtype: str, source: str) -> np.ndarray:
    """Give `array` back the dtype it was saved with (npz cannot carry bfloat16)."""
    if str(array.dtype) == dtype:
        return array
    if dtype == "bfloat16":
        bf16 = _bfloat16()
        if bf16 is None:
            raise ParamsError(f"{source}: array '{name}' is bfloat16 but ml_dtypes is not installed")
        if array.dtype.itemsize != 2:
            raise ParamsError(f"{source}: array '{name}' is recorded as bfloat16 but holds {array.dtype} data")
        return array.view(bf16)
    try:
        target = np.dtype(dtype)
    except TypeError:
        raise ParamsError(f"{source}: array '{name}' has unknown recorded dtype '{dtype}'") from None
    if target.itemsize != array.dtype.itemsize:
        raise ParamsError(
            f"{source}: array '{name}' is recorded as {dtype} but holds {array.dtype} data"
        )
    return array.view(target)


def load_npz(path: str, dtypes: Optional[Mapping[str, str]] = None) -> dict:
    """Arrays of an ``.npz`` archive by name, never unpickling; `dtypes` restores recorded dtypes."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            out = {}
            for name in archive.files:
                try:
                    arr = archive[name]
                except ValueError as err:  # object arrays need pickle: refuse them
                    raise ParamsError(f"{path}: array '{name}' cannot be read without pickle ({err})") from None
                if dtypes and name in dtypes:
                    arr = restore_dtype(name, arr, dtypes[name], path)
                elif arr.dtype.kind == "V" and arr.dtype.itemsize == 2 and _bfloat16() is not None:
                    arr = arr.view(_bfloat16())
                out[name] = np.array(arr, copy=True)
            return out
    except ParamsError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise ParamsError(f"{path}: not a readable .npz archive ({err})") from None


def load_params(path_or_bytes, *, source: Optional[str] = None) -> dict:
    """Weights by name from a legacy ``.params`` file or an ``.npz`` archive.

    The format is detected from content, not the file name. Raises `ParamsError` (naming the
    file and the problem) for anything that is not a readable params file.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return read_param_dict(bytes(path_or_bytes), source or "<bytes>")
    path = os.fspath(path_or_bytes)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as err:
        raise ParamsError(f"{path}: cannot read params file ({err.strerror})") from None
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return load_npz(path)
    if len(head) == 8 and int.from_bytes(head, "little") == PARAM_DICT_MAGIC:
        with open(path, "rb") as handle:
            return read_param_dict(handle.read(), source or path)
    if head[:6] == b"\x93NUMPY":
        raise ParamsError(f"{path}: a single .npy array, not a params file; save a dict with numpy.savez")
    raise ParamsError(
        f"{path}: not a params file: expected a Relay .params file (relay.save_param_dict) "
        f"or an .npz archive (numpy.savez)"
    )
