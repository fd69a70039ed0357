"""Random number generation: Relay's counter-based (threefry) RNG has no Relax counterpart."""

from __future__ import annotations

from .registry import unsupported

_WHY = "Relax 0.27 has no threefry key/generator ops (only multinomial_from_uniform)"
_DO = "draw the random numbers outside the model (e.g. numpy) and pass them as inputs"

for _op in ("random.threefry_generate", "random.threefry_split", "random.uniform", "random.normal",
            "random.multinomial"):
    unsupported(_op, reason=_WHY, action=_DO)
