"""The cyclic garbage collector during the toolkit's work: less often, still on.

Reading and judging a register builds millions of small acyclic objects (a row, its values, a judgement); Python's
collector would walk them all again every 700 allocations. While a command or job runs it runs every
COLLECT_EVERY allocations instead (garbage in cycles is still collected, a little later); afterwards the thresholds
are as they were. Measured: the first `gifts check --write` on 170,000 rows 33 s -> 28 s, the same peak memory.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_EVERY = 50_000  # allocations between runs of the cyclic garbage collector (Python: 700)


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], COLLECT_EVERY), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
