"""glibc malloc tuning for Flowcast's long-running processes.

glibc gives threads that allocate at once arenas of their own (up to 8 per core), and what
is freed in an arena stays there for reuse by that arena only. daphne (database calls, the
repair reader, librdkafka's threads) and a worker (librdkafka's threads) held 8-16 MB per
extra arena, seen in /proc/<pid>/smaps at 1000 clients. Their hot path is one thread, so
two arenas lose nothing to lock contention.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # mallopt parameter, <malloc.h>
ARENAS = 2


def limit_arenas(count: int = ARENAS) -> bool:
    """Call before the process starts threads; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError, TypeError):
        return False
