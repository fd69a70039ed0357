"""`gc_paused()`: build large acyclic object graphs without the cyclic GC's repeated passes.

Reading or translating a 100k-op graph makes millions of fresh objects, none of them in reference
cycles. Python's cyclic collector still walks them again and again as they accumulate, which makes
the work grow faster than the graph. Pausing it keeps readers and the translator linear.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic GC for the block (re-enabled after, if it was enabled)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
