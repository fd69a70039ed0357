"""Signal ops: stft and dft. Relax has none of them: they are Relay's own TOPI computes
(``call_te``), which build unchanged in TVM 0.27."""

from __future__ import annotations

from tvm import topi

from .registry import translator


@translator("stft", relax="call_te(topi.stft)", status="topi",
            attrs="n_fft, hop_length, win_length, normalized, onesided: the same",
            differs="no Relax op: Relay's own TOPI compute; output (batch, bins, frames, 2) as in Relay")
def translate_stft(ctx, call, args):
    """Short-time Fourier transform of (batch, time) signals with the given window; real/imag last."""
    a = call.attrs
    data, window = args
    shape = ctx.shape(data)
    n_fft, hop, onesided = int(a["n_fft"]), int(a["hop_length"]), bool(a["onesided"])
    if len(shape) != 2 or not isinstance(shape[1], int):
        ctx.fail("stft needs a (batch, time) input with a static time dim")
    frames = (shape[1] - n_fft) // hop + 1
    out_shape = [shape[0], n_fft // 2 + 1 if onesided else n_fft, frames, 2]
    return ctx.bb.call_te(topi.stft, data, n_fft, hop, int(a["win_length"]), window, bool(a["normalized"]),
                          onesided, out_shape, primfunc_name_hint="stft")


@translator("dft", relax="call_te(topi.dft)", status="topi", attrs="inverse: the same",
            differs="no Relax op: Relay's own TOPI compute; a (real, imaginary) tuple as in Relay")
def translate_dft(ctx, call, args):
    """Discrete Fourier transform over the last axis of (re, im); returns (re, im)."""
    re, im = args
    return ctx.bb.call_te(topi.dft, re, im, bool(call.attrs["inverse"]), primfunc_name_hint="dft")
