"""Bounded fuzzing of every reader on real inputs: only documented errors escape, nothing hangs.

Hypothesis mutates real artifacts written by real Relay (text, JSON, .params): byte flips,
deletions, duplications, truncation and splices of Relay tokens. Each read must either
succeed or raise a `MigrateError` subclass (RelayParseError, RelayJSONError, RelayAttrError,
ParamsError, ...). The per-example deadline catches hangs and quadratic blow-ups.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GOLDEN, bundle_dirs
from migrate import load_params, load_relay
from migrate.errors import MigrateError

TOKENS = [
    b"%", b"%0", b"@main", b"(", b")", b"{", b"}", b"[", b"]", b",", b";", b"=", b"/*", b"*/", b"\"",
    b"meta[relay.Constant][0]", b"meta[relay.Constant][99]", b"fn (", b"let %x = ", b"if (", b"else",
    b"Tensor[(", b"?", b"-inff", b"1e+06f", b"nan", b"True", b"None", b".0", b"#[metadata]", b"\x00",
    b"\xff", b"{\"root\": 1", b"\"type_key\": \"relay.Call\"", b"99999999999999999999", b"-1",
]

SETTINGS = settings(
    max_examples=150,
    deadline=3000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _small_sources(name: str, limit: int = 6) -> list:
    found = sorted((p for d in bundle_dirs() for p in [d / name] if p.exists()), key=lambda p: p.stat().st_size)
    # The smallest few keep examples fast; one mid-size model keeps the structure realistic.
    picks = found[:limit] + found[len(found) // 2 : len(found) // 2 + 1]
    return [p.read_bytes() for p in picks if p.stat().st_size < 400_000]


TEXTS = _small_sources("model.relay")
JSONS = _small_sources("model.json")
PARAMS = _small_sources("model.params")


@st.composite
def mutated(draw, sources):
    data = bytearray(draw(st.sampled_from(sources)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        pos = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif kind == "truncate":
            del data[pos:]
        else:
            end = min(len(data), pos + draw(st.integers(1, 200)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


def _read_relay(data: bytes):
    try:
        load_relay(data)
    except MigrateError as err:
        assert str(err), "errors must say what is wrong"


@pytest.mark.skipif(not TEXTS, reason="no golden text")
@SETTINGS
@given(mutated(TEXTS))
def test_text_reader_raises_only_documented_errors(data):
    _read_relay(data)


@pytest.mark.skipif(not JSONS, reason="no golden json")
@SETTINGS
@given(mutated(JSONS))
def test_json_reader_raises_only_documented_errors(data):
    _read_relay(data)


@pytest.mark.skipif(not PARAMS, reason="no golden params")
@SETTINGS
@given(mutated(PARAMS))
def test_params_reader_raises_only_documented_errors(data):
    try:
        load_params(data)
    except MigrateError as err:
        assert str(err)


def test_fuzz_corpus_is_real():
    assert TEXTS and JSONS and PARAMS, f"golden data missing under {GOLDEN}"
