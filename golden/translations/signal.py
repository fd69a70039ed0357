"""Expected Relax for op_mappings/signal.py: Relay's own TOPI computes through call_tir."""

from tvm import topi

from ._built import te
from ._golden import expects


expects("dft/basic")(te([("re", (2, 8)), ("im", (2, 8))], topi.dft, False, name="dft"))
expects("dft/inverse")(te([("re", (3, 4)), ("im", (3, 4))], topi.dft, True, name="dft"))
# stft: (batch, time) = (1, 16); frames = (16 - n_fft) // hop + 1; bins = n_fft // 2 + 1 when onesided
def stft(window, n_fft, hop, normalized, onesided, out_shape):
    return te([("x", (1, 16)), ("w", (window,))],
              lambda x, w: topi.stft(x, n_fft, hop, n_fft, w, normalized, onesided, out_shape), name="stft")


expects("stft/basic")(stft(8, 8, 4, False, True, [1, 5, 3, 2]))
expects("stft/normalized_twosided")(stft(4, 4, 2, True, False, [1, 4, 7, 2]))
