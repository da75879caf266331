"""The C allocator of a server process: glibc's malloc held to :data:`ARENAS` arenas.

glibc gives each thread that allocates at once with another an arena of its
own (up to eight per core) and gives freed memory back to the system only from
the top of an arena. In a server worker the memory that comes and goes is
mostly SQLite's page caches, which every write (``refwatch ingest`` beside the
server) empties and the next reads fill again, from the event loop's thread and
from the threads that run searches and pages. Spread over many arenas, the
freed memory stayed as free space that the next fill did not reuse. Measured
in each worker of the soak (``benchmarks/soak.py --minutes 10 --incidents 4000
--documents 2000``, ingest every 10 s; issue #20) with glibc's ``mallinfo2``
and SQLite's ``sqlite3_memory_used``: what malloc had handed out stayed at
80-165 MB (SQLite's share 30-85 MB; Python's, by tracemalloc in a five-minute
run, 10-17 MB, the list cards kept until the next write), while the arenas grew
by 74 and 59 MB in nine minutes, their free space by 51 and 42 MB, and the
server's RSS rose nearly every minute, 904 -> 1,038 MB (+14.8 %); without
ingest all of it was flat. Fragmentation, not a leak. With two arenas the same
run grew by half as much (arenas +36 and +36 MB, free space +25 and +19 MB;
RSS 879 -> 945 MB, +7.5 %).

``MALLOC_ARENA_MAX`` set in the environment is the operator's choice and is
left as it is (glibc read it when the process started).
"""

from __future__ import annotations

import ctypes
import os

#: Arenas a server process may have: one lock need not serve the event loop's thread and the worker
#: threads alike, and fewer arenas leave less freed memory stranded.
ARENAS = 2
#: ``M_ARENA_MAX``, the parameter number ``mallopt`` takes for it (glibc's ``malloc.h``).
_M_ARENA_MAX = -8


def glibc() -> bool:
    """Whether this process runs on glibc (whose ``mallopt`` knows ``M_ARENA_MAX``)."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError):  # not a name this system's confstr knows (macOS, musl)
        return False


def limit_arenas() -> bool:
    """Hold this process's malloc, and that of the processes it forks after, to :data:`ARENAS` arenas.

    Call it before the server starts threads: arenas made before it stay,
    and once a process has made more than eight glibc has fixed its limit.
    Forked workers inherit the setting with the rest of the allocator's
    state. Returns whether the limit was set here: False without glibc, or
    when ``MALLOC_ARENA_MAX`` is set already.
    """
    if not glibc() or "MALLOC_ARENA_MAX" in os.environ:
        return False
    libc = ctypes.CDLL(None)  # the process's own symbols, glibc's among them
    return bool(libc.mallopt(_M_ARENA_MAX, ARENAS))
