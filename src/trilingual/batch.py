"""Planning many translations on every core.

Planning a translation (parse, merge, render) is pure CPU work, independent of
every other translation. When a run has many to plan (a first `update`, an
edit of a shared phrase, a cold `status`) they are spread over worker
processes. The workers are forked, so they see the scanned repository without
it being copied to them; each job names only its briefing and language, and
results come back in order. `TRILINGUAL_JOBS=1` plans in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many jobs, starting workers costs more than it saves.
PARALLEL_FROM = 48
MAX_WORKERS = 8

_context: Any = None


def workers() -> int:
    wanted = os.environ.get("TRILINGUAL_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return min(len(os.sched_getaffinity(0)), MAX_WORKERS)


# Below this many items, a forked helper costs more than it saves.
SPLIT_FROM = 4000


def split_map(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item]) -> list[Result]:
    """`work(items)`, with the items shared out among forked helpers when there are many.

    For cheap work over many files (reading and hashing every file of a large
    repository on a warm run), a worker pool costs more to start than it
    saves; a bare fork does not. Each helper sends back its results pickled
    through a pipe. A helper that fails in any way has its share done here
    instead, so errors are raised, and reported, as if nothing had been split.
    """
    count = min(workers(), 4)
    if len(items) < SPLIT_FROM or count < 2 or not hasattr(os, "fork"):
        return work(items)
    import pickle

    size = -(-len(items) // count)
    shares = [items[i : i + size] for i in range(0, len(items), size)]
    helpers: list[tuple[int, int]] = []  # pid, read end of its pipe
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: work, send, and leave without running any exit handler
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(work(share), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        helpers.append((pid, read_end))
    try:
        results = work(shares[0])
    except BaseException:
        # Closing the pipes makes any helper still sending give up; then reap them all.
        for pid, read_end in helpers:
            os.close(read_end)
            os.waitpid(pid, 0)
        raise
    for share, (pid, read_end) in zip(shares[1:], helpers, strict=True):
        with os.fdopen(read_end, "rb") as received:
            data = received.read()
        _, status = os.waitpid(pid, 0)
        part: Any = None
        if status == 0:
            try:
                part = pickle.loads(data)
            except Exception:
                part = None
        results.extend(part if isinstance(part, list) and len(part) == len(share) else work(share))
    return results


def run_jobs(job: Callable[[Any, Item], Result], context: Any, items: Sequence[Item]) -> Iterator[Result]:
    """`job(context, item)` for every item, in order; `job` must be a module-level function."""
    global _context
    count = workers()
    if len(items) < PARALLEL_FROM or count < 2:
        yield from _serial(job, context, items)
        return
    # Imported here: a warm run plans nothing and need not load them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from _serial(job, context, items)
        return
    _context = context
    try:
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
        with pool:
            chunk = max(1, min(32, len(items) // (count * 8)))
            yield from pool.map(_call, [(job, item) for item in items], chunksize=chunk)
    finally:
        _context = None


def _serial(job: Callable[[Any, Item], Result], context: Any, items: Sequence[Item]) -> Iterator[Result]:
    for item in items:
        yield job(context, item)


def _call(args: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    job, item = args
    return job(_context, item)
