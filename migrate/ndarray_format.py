"""TVM's binary NDArray format and the legacy ``.params`` file, read without TVM.

Layouts (little-endian), from ``include/tvm/runtime/ndarray.h`` (``SaveDLTensor`` /
``NDArray::Load``) and ``src/runtime/file_utils.cc`` (``SaveParams`` / ``LoadParams``) at v0.19.0:

    NDArray:  u64 magic 0xDD5E40F096B4A13F, u64 reserved,
              DLDevice (i32 device_type, i32 device_id), i32 ndim,
              DLDataType (u8 code, u8 bits, u16 lanes), i64 shape[ndim],
              i64 nbytes, nbytes of data (element size (bits + 7) // 8, row-major)
    .params:  u64 magic 0xF7E58D4F05049CB7, u64 reserved,
              u64 name count, names (u64 length + bytes each),
              u64 array count, NDArrays

TVM writes ``bool`` as code 1 (uint), 1 bit, one byte per element. In TVM 0.14-0.19 codes 6
and 7 are float8 e4m3fn / e5m2 (``DataType::kE4M3Float``/``kE5M2Float``), not DLPack's later
``kDLBool``. bfloat16 and float8 arrays need ``ml_dtypes`` (a dependency of apache-tvm).

Every check happens before any allocation, so a corrupt length cannot make us allocate
gigabytes; every problem is a `ParamsError` naming the source, the byte offset and the array.
Arrays returned are writable copies that own their memory.
"""

from __future__ import annotations

import struct
from typing import Optional, Union

import numpy as np

from .errors import ParamsError

NDARRAY_MAGIC = 0xDD5E40F096B4A13F
PARAMS_MAGIC = 0xF7E58D4F05049CB7
_CPU = 1  # kDLCPU

_U64 = struct.Struct("<Q")
_HEAD = struct.Struct("<QQiiiBBH")  # magic, reserved, device type, device id, ndim, code, bits, lanes

# (type code, bits) -> numpy dtype name; codes from DLDataTypeCode / tvm::DataType::TypeCode.
_NUMPY_DTYPES = {
    (0, 8): "int8",
    (0, 16): "int16",
    (0, 32): "int32",
    (0, 64): "int64",
    (1, 8): "uint8",
    (1, 16): "uint16",
    (1, 32): "uint32",
    (1, 64): "uint64",
    (2, 16): "float16",
    (2, 32): "float32",
    (2, 64): "float64",
}
_ML_DTYPES = {(4, 16): "bfloat16", (6, 8): "float8_e4m3fn", (7, 8): "float8_e5m2"}
_CODE_NAMES = {0: "int", 1: "uint", 2: "float", 3: "handle", 4: "bfloat", 6: "e4m3_float", 7: "e5m2_float"}

Buffer = Union[bytes, bytearray, memoryview]


def _array_label(name: Optional[str], start: int) -> str:
    return f"array '{name}'" if name is not None else f"the array at byte {start}"


def _numpy_dtype(code: int, bits: int, lanes: int, where: str) -> np.dtype:
    if lanes != 1:
        raise ParamsError(f"{where}: vector dtype ({_CODE_NAMES.get(code, code)}{bits}x{lanes}) is not supported")
    if (code, bits) == (1, 1):
        return np.dtype(np.bool_)
    name = _NUMPY_DTYPES.get((code, bits))
    if name is not None:
        return np.dtype(name)
    name = _ML_DTYPES.get((code, bits))
    if name is not None:
        try:
            import ml_dtypes  # noqa: PLC0415  (optional, ships with apache-tvm)
        except ImportError:
            raise ParamsError(f"{where}: dtype {name} needs the 'ml_dtypes' package: pip install ml_dtypes") from None
        return np.dtype(getattr(ml_dtypes, name))
    kind = _CODE_NAMES.get(code)
    described = f"{kind}{bits}" if kind else f"type code {code} with {bits} bits"
    raise ParamsError(f"{where}: unknown dtype ({described}; type code {code}, bits {bits})")


def read_ndarray(
    buf: Buffer, offset: int = 0, *, source: str = "<bytes>", name: Optional[str] = None
) -> tuple:
    """Decode one NDArray at `offset` of `buf`; return ``(array, offset just past it)``.

    `source` and `name` only label error messages (``source: ... array 'name'``).
    """
    view = memoryview(buf).cast("B") if not isinstance(buf, bytes) else buf
    total = len(view)
    start = offset
    label = _array_label(name, start)

    def need(count: int, at: int, what: str) -> None:
        if at + count > total:
            raise ParamsError(
                f"{source}: truncated at byte {total} while reading the {what} of {label} "
                f"(needs {count} bytes at byte {at})"
            )

    need(_HEAD.size, offset, "header")
    magic, _reserved, dev_type, _dev_id, ndim, code, bits, lanes = _HEAD.unpack_from(view, offset)
    if magic != NDARRAY_MAGIC:
        raise ParamsError(
            f"{source}: {label} does not start with the NDArray magic "
            f"(found 0x{magic:016X} at byte {offset}, expected 0x{NDARRAY_MAGIC:016X})"
        )
    if dev_type != _CPU:
        raise ParamsError(f"{source}: {label} has device type {dev_type} at byte {offset + 16}; saved arrays are CPU (1)")
    if ndim < 0:
        raise ParamsError(f"{source}: {label} has a negative number of dimensions ({ndim}) at byte {offset + 24}")
    dtype = _numpy_dtype(code, bits, lanes, f"{source}: {label} (byte {offset + 28})")
    offset += _HEAD.size

    need(8 * ndim, offset, "shape")
    shape = struct.unpack_from(f"<{ndim}q", view, offset) if ndim else ()
    for axis, extent in enumerate(shape):
        if extent < 0:
            raise ParamsError(f"{source}: {label} has a negative extent {extent} in dimension {axis} (byte {offset + 8 * axis})")
    offset += 8 * ndim

    need(8, offset, "byte size")
    (nbytes,) = struct.unpack_from("<q", view, offset)
    count = 1
    for extent in shape:
        count *= extent
    expected = count * ((bits + 7) // 8)
    if nbytes != expected:
        raise ParamsError(
            f"{source}: {label} declares {nbytes} data bytes at byte {offset}, but shape {tuple(shape)} "
            f"of {dtype.name} needs {expected}"
        )
    offset += 8

    need(nbytes, offset, "data")
    if dtype == np.bool_:
        raw = np.frombuffer(view, dtype=np.uint8, count=count, offset=offset)
        array = np.empty(shape, dtype=np.bool_)
        np.not_equal(raw.reshape(shape), 0, out=array)
    else:
        raw = np.frombuffer(view, dtype=dtype.newbyteorder("<"), count=count, offset=offset)
        array = raw.reshape(shape).astype(dtype, copy=True)
    return array, offset + nbytes


def read_param_dict(data: Buffer, source: str) -> dict:
    """Arrays by name from a ``relay.save_param_dict`` blob, in file order."""
    view = memoryview(data).cast("B") if not isinstance(data, bytes) else data
    total = len(view)

    def u64(at: int, what: str) -> int:
        if at + 8 > total:
            raise ParamsError(f"{source}: truncated at byte {total} while reading {what} (needs 8 bytes at byte {at})")
        return _U64.unpack_from(view, at)[0]

    if total < 8:
        raise ParamsError(f"{source}: not a TVM params file (only {total} bytes; a .params file starts with 8 magic bytes)")
    magic = u64(0, "the magic number")
    if magic != PARAMS_MAGIC:
        raise ParamsError(f"{source}: not a TVM params file (magic 0x{magic:016X}, expected 0x{PARAMS_MAGIC:016X})")
    u64(8, "the reserved word")
    offset = 16
    n_names = u64(offset, "the number of names")
    offset += 8
    # Each name takes at least its 8-byte length: a larger count cannot fit in the file.
    if n_names > (total - offset) // 8:
        raise ParamsError(
            f"{source}: corrupt name count {n_names} at byte {offset - 8}: only {total - offset} bytes follow"
        )
    names = []
    for index in range(n_names):
        length = u64(offset, f"the length of name #{index}")
        offset += 8
        if length > total - offset:
            raise ParamsError(
                f"{source}: truncated at byte {total} while reading name #{index} "
                f"({length} bytes declared at byte {offset - 8})"
            )
        raw = bytes(view[offset : offset + length])
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ParamsError(f"{source}: name #{index} at byte {offset} is not UTF-8 text ({raw[:40]!r})") from None
        offset += length
    n_arrays = u64(offset, "the number of arrays")
    if n_arrays != n_names:
        raise ParamsError(
            f"{source}: the file lists {n_names} names but {n_arrays} arrays (count at byte {offset}); "
            f"the file is corrupt"
        )
    offset += 8
    out: dict = {}
    for name in names:
        if name in out:
            raise ParamsError(f"{source}: array name '{name}' appears twice")
        out[name], offset = read_ndarray(view, offset, source=source, name=name)
    if offset != total:
        raise ParamsError(f"{source}: {total - offset} unexpected bytes after the last array (from byte {offset})")
    return out


__all__ = ["read_ndarray", "read_param_dict", "NDARRAY_MAGIC", "PARAMS_MAGIC"]
